//! The few terminal system calls the fake needs: raw mode, window size,
//! SIGWINCH and unbuffered reads with poll(2).

use std::io::{self, Write};
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

pub const STDIN: RawFd = libc::STDIN_FILENO;

/// The terminal settings to put back on exit.
pub struct RawMode {
    saved: libc::termios,
}

impl RawMode {
    /// Switch stdin to raw mode; `None` when stdin is not a terminal, so the
    /// fake still runs (and stays testable) on pipes.
    pub fn enable() -> Option<RawMode> {
        // SAFETY: termios is plain data; tcgetattr fills it or fails.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(STDIN, &mut saved) } != 0 {
            return None;
        }
        let mut raw = saved;
        // SAFETY: raw is a valid termios obtained above.
        unsafe { libc::cfmakeraw(&mut raw) };
        if unsafe { libc::tcsetattr(STDIN, libc::TCSANOW, &raw) } != 0 {
            return None;
        }
        Some(RawMode { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: restores the settings read in enable(); failure (the PTY is
        // gone) leaves nothing to restore.
        unsafe { libc::tcsetattr(STDIN, libc::TCSANOW, &self.saved) };
    }
}

/// Columns and rows of the terminal, 80x24 when it cannot be asked.
pub fn window_size() -> (u16, u16) {
    // SAFETY: winsize is plain data that TIOCGWINSZ fills in.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = [libc::STDOUT_FILENO, STDIN]
        .iter()
        .any(|&fd| unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) } == 0);
    if ok && size.ws_col > 0 && size.ws_row > 0 {
        (size.ws_col, size.ws_row)
    } else {
        (80, 24)
    }
}

/// Write end of the self-pipe, for the signal handler.
static WINCH_PIPE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_winch(_: libc::c_int) {
    let fd = WINCH_PIPE.load(Ordering::Relaxed);
    // write(2) is async-signal-safe; a full pipe already means "resized", so
    // its failure needs no handling.
    unsafe { libc::write(fd, [1u8].as_ptr().cast(), 1) };
}

/// SIGWINCH turned into a readable file descriptor (the self-pipe trick), so
/// that a resize wakes poll(2) without races.
pub struct Winch {
    read_fd: RawFd,
}

impl Winch {
    pub fn install() -> io::Result<Winch> {
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
        WINCH_PIPE.store(fds[1], Ordering::Relaxed);
        // SAFETY: sigaction is plain data; the handler only calls write(2).
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = on_winch as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        if unsafe { libc::sigaction(libc::SIGWINCH, &action, std::ptr::null_mut()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Winch { read_fd: fds[0] })
    }

    pub fn fd(&self) -> RawFd {
        self.read_fd
    }

    /// Empty the pipe: several signals collapse into one resize.
    pub fn drain(&self) {
        let mut sink = [0u8; 64];
        while matches!(read(self.read_fd, &mut sink), Ok(n) if n > 0) {}
    }
}

/// Which of the watched descriptors are readable.
pub struct Ready {
    pub input: bool,
    pub resize: bool,
}

/// Wait for input or a resize, at most `timeout` (forever when `None`).
/// A signal interrupting the wait reports nothing ready.
pub fn wait(winch: Option<&Winch>, timeout: Option<Duration>) -> io::Result<Ready> {
    let mut fds = vec![libc::pollfd {
        fd: STDIN,
        events: libc::POLLIN,
        revents: 0,
    }];
    if let Some(winch) = winch {
        fds.push(libc::pollfd {
            fd: winch.fd(),
            events: libc::POLLIN,
            revents: 0,
        });
    }
    let millis = timeout.map_or(-1, |t| {
        // Round up so a 0.4 ms wait does not spin.
        libc::c_int::try_from(t.as_micros().div_ceil(1000)).unwrap_or(libc::c_int::MAX)
    });
    // SAFETY: fds is a live, correctly sized array of pollfd.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, millis) };
    if n < 0 {
        let err = io::Error::last_os_error();
        if err.kind() == io::ErrorKind::Interrupted {
            return Ok(Ready {
                input: false,
                resize: false,
            });
        }
        return Err(err);
    }
    // POLLHUP/POLLERR count as readable: the read that follows sees EOF or EIO.
    let readable = |fd: &libc::pollfd| fd.revents != 0;
    Ok(Ready {
        input: readable(&fds[0]),
        resize: fds.get(1).is_some_and(readable),
    })
}

/// Whether stdin became readable within `timeout`.
pub fn wait_readable(timeout: Duration) -> io::Result<bool> {
    wait(None, Some(timeout)).map(|ready| ready.input)
}

/// One unbuffered read. EIO (what a closed PTY gives) reads as end of file.
pub fn read(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: buf is valid for buf.len() bytes.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    if n >= 0 {
        return Ok(n as usize);
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EIO) => Ok(0),
        _ => Err(err),
    }
}

pub fn write_all(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}
