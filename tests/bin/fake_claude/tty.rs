//! The few terminal system calls the fake needs: raw mode, window size,
//! and unbuffered reads with poll(2).

use std::io::{self, Write};
use std::os::fd::RawFd;
use std::time::Duration;

use crate::signals::SignalPipe;

pub const STDIN: RawFd = libc::STDIN_FILENO;

/// The terminal settings to put back on exit (or on a suspend), and the raw
/// ones to return to.
pub struct RawMode {
    saved: libc::termios,
    raw: libc::termios,
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
        Some(RawMode { saved, raw })
    }

    /// The settings the fake started with, for whoever has the terminal
    /// while it is suspended. Failure (the PTY is gone) leaves nothing to do.
    pub fn cooked(&self) {
        // SAFETY: the settings were read in enable().
        unsafe { libc::tcsetattr(STDIN, libc::TCSANOW, &self.saved) };
    }

    /// Back to raw mode after a suspend.
    pub fn raw(&self) {
        // SAFETY: made from the settings read in enable().
        unsafe { libc::tcsetattr(STDIN, libc::TCSANOW, &self.raw) };
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        self.cooked();
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

/// Which of the watched descriptors are readable.
pub struct Ready {
    pub input: bool,
    pub resize: bool,
}

/// Wait for input or a resize, at most `timeout` (forever when `None`).
/// A signal interrupting the wait reports nothing ready.
pub fn wait(winch: Option<&SignalPipe>, timeout: Option<Duration>) -> io::Result<Ready> {
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

/// Wait for SIGCONT after a suspend, not reading the terminal meanwhile
/// (what is typed waits for the fake to come back). `false` when the
/// terminal hung up first: nothing will continue the fake then.
pub fn wait_continue(cont: &SignalPipe) -> io::Result<bool> {
    loop {
        // Events 0 on stdin: only a hang-up or an error is reported there.
        let mut fds = [
            libc::pollfd {
                fd: STDIN,
                events: 0,
                revents: 0,
            },
            libc::pollfd {
                fd: cont.fd(),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: fds is a live, correctly sized array of pollfd.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        if cont.drain() {
            return Ok(true);
        }
        if fds[0].revents != 0 {
            return Ok(false);
        }
    }
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
