//! Passing the client's terminal to the server, as tmux does: the client
//! sends its input and output fds over the socket (`SCM_RIGHTS`), and the
//! server reads keys from the terminal and writes frames to it itself. A key
//! then wakes one process on its way in and one on its way out, instead of
//! crossing the client both ways.
//!
//! On the wire it is a frame of kind `Tty` whose one-byte body carries the
//! two fds: the header goes first as plain bytes, the body with the fds in
//! its own `sendmsg`, so a reader of the header never reads across them.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;

use super::frame::{self, Kind};

/// Sends `input` and `output` (the terminal's fds) as a `Tty` frame.
pub fn send(socket: &UnixStream, input: RawFd, output: RawFd) -> io::Result<()> {
    use std::io::Write;
    let header = frame::encode(Kind::Tty, &[0]);
    (&*socket).write_all(&header[..5])?;
    let fds = [input, output];
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let mut space = control_space(fds.len());
    // SAFETY: msghdr is plain data; every pointer set below points into
    // buffers that outlive the sendmsg call, with their true lengths, and the
    // control message is written inside `space`, which CMSG_SPACE sized.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = space.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(space.as_slice()) as _;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(std::mem::size_of_val(&fds) as u32) as _;
        std::ptr::copy_nonoverlapping(
            fds.as_ptr().cast::<u8>(),
            libc::CMSG_DATA(cmsg),
            std::mem::size_of_val(&fds),
        );
        loop {
            let sent = libc::sendmsg(socket.as_raw_fd(), &msg, libc::MSG_NOSIGNAL);
            if sent == 1 {
                return Ok(());
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

/// Receives a `Tty` frame's body (its header already read): the terminal's
/// input and output fds, close-on-exec. `WouldBlock` when nothing is there
/// yet, so it fits tokio's `async_io`.
pub fn receive(socket: RawFd) -> io::Result<(OwnedFd, OwnedFd)> {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    // Room for more fds than we want, so a peer sending extra ones has them
    // closed here rather than cutting the message short.
    let mut space = control_space(8);
    // SAFETY: as in `send`; the kernel writes at most `msg_controllen` bytes
    // of control messages, which are read back only within that length.
    let fds = unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = space.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(space.as_slice()) as _;
        let got = libc::recvmsg(socket, &mut msg, libc::MSG_CMSG_CLOEXEC);
        if got < 0 {
            return Err(io::Error::last_os_error());
        }
        if got == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let mut fds = Vec::new();
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let len = (*cmsg).cmsg_len as usize - libc::CMSG_LEN(0) as usize;
                let data = libc::CMSG_DATA(cmsg);
                for i in 0..len / std::mem::size_of::<RawFd>() {
                    let fd = std::ptr::read_unaligned(data.cast::<RawFd>().add(i));
                    // Each fd received is ours now: owning it closes it.
                    fds.push(OwnedFd::from_raw_fd(fd));
                }
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
        fds
    };
    let mut fds = fds.into_iter();
    match (fds.next(), fds.next()) {
        (Some(input), Some(output)) => Ok((input, output)),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "a terminal frame without its two fds",
        )),
    }
}

/// A control buffer for `n` fds, aligned for `cmsghdr`.
fn control_space(n: usize) -> Vec<u64> {
    // SAFETY: CMSG_SPACE only computes a length.
    let bytes = unsafe { libc::CMSG_SPACE((n * std::mem::size_of::<RawFd>()) as u32) } as usize;
    vec![0u64; bytes.div_ceil(8)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn the_terminal_fds_cross_the_socket_after_their_header() {
        let (client, server) = UnixStream::pair().unwrap();
        let (mut near, far) = UnixStream::pair().unwrap();
        send(&client, far.as_raw_fd(), far.as_raw_fd()).unwrap();
        let mut header = [0u8; 5];
        (&server).read_exact(&mut header).unwrap();
        assert_eq!(header, [1, 0, 0, 0, Kind::Tty as u8]);
        let (input, output) = receive(server.as_raw_fd()).unwrap();
        drop(far);
        // What is written to the received fd comes out of the pair's other end.
        let mut output = std::fs::File::from(output);
        output.write_all(b"hi").unwrap();
        let mut got = [0u8; 2];
        near.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"hi");
        drop(input);
    }

    #[test]
    fn a_body_without_fds_is_refused() {
        let (client, server) = UnixStream::pair().unwrap();
        (&client).write_all(&[0]).unwrap();
        let err = receive(server.as_raw_fd()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
