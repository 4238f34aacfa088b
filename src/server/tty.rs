//! The terminal a client passed the server (`proto::tty`): the loop reads
//! its keys (`keyboard`) and writes its frames to it while nothing waits for
//! the connection's writer, which writes the rest. Both sides are
//! non-blocking on the server's runtime, so a key's way in and its echo's
//! way out each cost one wake-up of the server and none of the client. A
//! terminal that stops reading fills the connection's queue like a socket
//! that stops reading does (the frames are dropped, then drawn whole), and
//! never blocks the loop.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::OwnedFd;

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

use super::keyboard::Keyboard;
use crate::fdio;

/// The terminal's output, for the loop and the connection's writer.
#[derive(Debug)]
pub struct Tty {
    /// Written to directly; watched by the runtime only while it is full
    /// (`write_all`).
    output: File,
}

impl Tty {
    /// Takes the passed terminal: its output for the writer, its input for
    /// the loop to read.
    pub fn start(input: OwnedFd, output: OwnedFd) -> io::Result<(Tty, Keyboard)> {
        fdio::set_nonblocking(&output, true)?;
        let keyboard = Keyboard::new(input)?;
        Ok((
            Tty {
                output: File::from(output),
            },
            keyboard,
        ))
    }

    /// Writes what the terminal takes of `bytes` without waiting; returns
    /// the rest (`fdio::write_now`).
    pub fn write_now<'b>(&self, bytes: &'b [u8]) -> &'b [u8] {
        fdio::write_now(&self.output, bytes)
    }

    /// Writes `bytes` whole, waiting (without blocking the loop) while the
    /// terminal is full. Only then is the terminal watched: registered for
    /// good, it would wake the loop each time the terminal drained, once
    /// for every frame.
    pub async fn write_all(&self, mut bytes: &[u8]) -> io::Result<()> {
        let mut full: Option<AsyncFd<File>> = None;
        while !bytes.is_empty() {
            let written = match &full {
                None => (&self.output).write(bytes),
                Some(watched) => {
                    let mut ready = watched.writable().await?;
                    match ready.try_io(|_| (&self.output).write(bytes)) {
                        Ok(written) => written,
                        Err(_would_block) => continue,
                    }
                }
            };
            match written {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && full.is_none() => {
                    // SAFETY: the copy is the AsyncFd's own, open until it
                    // drops it (its registration goes with it).
                    full = Some(unsafe {
                        AsyncFd::register_with_interest(
                            self.output.try_clone()?,
                            Interest::WRITABLE,
                        )
                    }?);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

impl Drop for Tty {
    /// Lets go of the terminal: blocking again, as the client and the shell
    /// after it expect.
    fn drop(&mut self) {
        let _ = fdio::set_nonblocking(&self.output, false);
    }
}
