//! Signals the fake waits for (SIGWINCH, SIGCONT) turned into readable file
//! descriptors with the self-pipe trick, so that poll(2) wakes up for them
//! without races; and job-control stops, as Claude Code does them.

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, Ordering};

/// Signal numbers are small: one write end per signal, for the handler.
const MAX_SIGNAL: usize = 64;
static PIPES: [AtomicI32; MAX_SIGNAL + 1] = [const { AtomicI32::new(-1) }; MAX_SIGNAL + 1];

extern "C" fn on_signal(signal: libc::c_int) {
    let Some(pipe) = usize::try_from(signal).ok().and_then(|s| PIPES.get(s)) else {
        return;
    };
    let fd = pipe.load(Ordering::Relaxed);
    // write(2) is async-signal-safe; a full pipe already says "it came", so
    // its failure needs no handling.
    unsafe { libc::write(fd, [1u8].as_ptr().cast(), 1) };
}

/// One signal, readable on `fd()` once it has arrived.
pub struct SignalPipe {
    read_fd: RawFd,
}

impl SignalPipe {
    pub fn install(signal: libc::c_int) -> io::Result<SignalPipe> {
        let slot = usize::try_from(signal)
            .ok()
            .and_then(|s| PIPES.get(s))
            .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        let mut fds = [0; 2];
        // SAFETY: fds has room for the two descriptors pipe(2) returns.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        for fd in fds {
            // SAFETY: fd was just created; flags are plain ints.
            unsafe {
                libc::fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK);
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
        }
        slot.store(fds[1], Ordering::Relaxed);
        // SAFETY: sigaction is plain data; the handler only calls write(2).
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        if unsafe { libc::sigaction(signal, &action, std::ptr::null_mut()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(SignalPipe { read_fd: fds[0] })
    }

    pub fn fd(&self) -> RawFd {
        self.read_fd
    }

    /// Empty the pipe: several signals collapse into one. Says whether any
    /// had come.
    pub fn drain(&self) -> bool {
        let mut sink = [0u8; 64];
        let mut came = false;
        while matches!(crate::tty::read(self.read_fd, &mut sink), Ok(n) if n > 0) {
            came = true;
        }
        came
    }
}

/// Stop the process group, as Claude Code does on Ctrl-Z (`kill(0,
/// SIGTSTP)`) once the terminal is back in cooked mode. Under a shell with
/// job control this stops the fake until `fg`. In an orphaned process group
/// (a session leader in its own PTY, as a multiplexer starts it) the kernel
/// discards SIGTSTP: the fake, like Claude, then runs on, waiting for a
/// SIGCONT that nothing sends unless the multiplexer does.
pub fn stop_job() {
    // SAFETY: plain syscall; SIGTSTP keeps its default action in the fake.
    unsafe { libc::kill(0, libc::SIGTSTP) };
}
