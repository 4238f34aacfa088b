//! Non-blocking fds: the PTY's master (see `session::input`), which threads
//! that may wait also write to, and the terminal a client passes the server.
//! Non-blocking is a flag of the open file, shared by every copy of the fd,
//! so a thread that wants to block waits in poll(2) instead.

use std::io::{self, Write};
use std::os::fd::AsRawFd;

/// Writes `bytes` whole to `file`, waiting in poll(2) while it is full.
pub fn write_all<F: AsRawFd>(mut file: &F, mut bytes: &[u8]) -> io::Result<()>
where
    for<'a> &'a F: Write,
{
    while !bytes.is_empty() {
        match file.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => wait(file, libc::POLLOUT),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes what `file` takes of `bytes` at once, without waiting; returns the
/// rest. An error also leaves the rest, for a writer that waits (`write_all`)
/// to meet again and end on.
pub fn write_now<'b, F>(mut file: &F, mut bytes: &'b [u8]) -> &'b [u8]
where
    for<'a> &'a F: Write,
{
    while !bytes.is_empty() {
        match file.write(bytes) {
            Ok(0) => break,
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    bytes
}

/// Blocks until `file` is ready for `events`, or has an error or hang-up
/// for the next read or write to report.
pub fn wait(file: &impl AsRawFd, events: libc::c_short) {
    let mut fd = libc::pollfd {
        fd: file.as_raw_fd(),
        events,
        revents: 0,
    };
    // SAFETY: one pollfd we own, for the length we give. A failure (EINTR)
    // only means the caller tries again.
    unsafe { libc::poll(&mut fd, 1, -1) };
}

/// Makes the open file behind `file` non-blocking or blocking (every copy
/// of it: a terminal's flag is also its shell's).
pub fn set_nonblocking(file: &impl AsRawFd, on: bool) -> io::Result<()> {
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on an fd the caller owns, reading and setting its
    // status flags.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    let flags = if on {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
