//! The terminal a client passed the server (`proto::tty`): a task reads its
//! keys into the loop, the connection's writer writes frames to it. Both
//! sides are non-blocking on the server's runtime, so a key's way in and its
//! echo's way out each cost one wake-up of the server and none of the
//! client. A terminal that stops reading fills the connection's queue like
//! a socket that stops reading does (the frames are dropped, then drawn
//! whole), and never blocks the loop.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;

use ratatui::crossterm::event::{Event, InputParser};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::sync::mpsc::Sender;
use tokio::task::AbortHandle;

use crate::fdio;

/// What one `read(2)` takes from the terminal: crossterm's own size, so a
/// full read means more is waiting (a lone ESC is then not yet a key).
const READ: usize = 1024;

pub struct Tty {
    /// Written to directly; watched by the runtime only while it is full
    /// (`write_all`).
    output: File,
    reader: AbortHandle,
}

impl Tty {
    /// Starts reading `input`: each event goes to `events` as `wrap(Some(event))`, and
    /// its end (the terminal gone) as `wrap(None)`.
    pub fn start<M: Send + 'static>(
        input: OwnedFd,
        output: OwnedFd,
        events: Sender<M>,
        wrap: impl Fn(Option<Event>) -> M + Send + 'static,
    ) -> io::Result<Tty> {
        fdio::set_nonblocking(&input, true)?;
        fdio::set_nonblocking(&output, true)?;
        let input = File::from(input);
        let output = File::from(output);
        // SAFETY: the File owns its fd, open until the AsyncFd drops it.
        let input = unsafe { AsyncFd::register_with_interest(input, Interest::READABLE) }?;
        let reader = tokio::spawn(read_loop(input, events, wrap)).abort_handle();
        Ok(Tty { output, reader })
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
    /// Lets go of the terminal: no more reading, and the terminal blocking
    /// again, as the client and the shell after it expect.
    fn drop(&mut self) {
        self.reader.abort();
        let _ = fdio::set_nonblocking(&self.output, false);
    }
}

async fn read_loop<M>(input: AsyncFd<File>, events: Sender<M>, wrap: impl Fn(Option<Event>) -> M) {
    let mut parser = InputParser::default();
    let mut buf = [0u8; READ];
    loop {
        let Ok(mut ready) = input.readable().await else {
            break;
        };
        let n = match ready.try_io(|file| file.get_ref().read(&mut buf)) {
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => {
                // A read short of the buffer took all there was; more comes
                // with a wake-up of its own. No read only to hear EAGAIN.
                if n < READ {
                    ready.clear_ready();
                }
                n
            }
            Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
            // EIO: the terminal hung up.
            Ok(Err(_)) => break,
            Err(_would_block) => continue,
        };
        parser.advance(&buf[..n], n == READ);
        for event in parser.by_ref() {
            if events.send(wrap(Some(event))).await.is_err() {
                return;
            }
        }
    }
    // The terminal is gone: the client cannot type here again.
    let _ = events.send(wrap(None)).await;
    let _ = fdio::set_nonblocking(input.get_ref(), false);
}
