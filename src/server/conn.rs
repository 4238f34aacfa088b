//! One client connection: a task that reads its frames and one that writes
//! to it, so a slow or stuck client never holds up the server. A client that
//! passes its terminal (`proto::tty`) gets its frames written to it
//! (`server::tty`): by the loop itself while nothing waits for the writer
//! task (a key's echo leaves in the turn that drew it, not after the rest
//! of the turn and the writer's), else by the writer. Its keys are read
//! from it by the loop (`server::keyboard`); its socket then carries only
//! resizes, a detach and the final `Exit`.
//!
//! Frames to a client go through a short queue. When it is full the server
//! drops frames for that client (`stale`) and draws it whole once the
//! writer has caught up (`Drained`): memory per client is bounded and no
//! other client waits.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use std::os::fd::AsRawFd;

use tokio::io::{AsyncReadExt, AsyncWriteExt, Interest};
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc::{self, Receiver, Sender};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::keyboard::Keyboard;
use super::tty::Tty;
use crate::hub::ClientId;
use crate::proto::frame::{self, Kind};
use crate::proto::{ClientMsg, Hello, PROTOCOL, Request, ServerMsg, hello_protocol, tty};

/// Frames queued for one client before the server drops its frames.
const QUEUE: usize = 8;
/// A connection that has not said hello by then is not a ccmux client.
const HELLO_TIMEOUT: Duration = Duration::from_secs(5);

/// What a connection tells the server loop.
#[derive(Debug)]
pub enum FromClient {
    Hello(Box<Hello>),
    /// Not a hello of ours: the message for the client.
    Refuse(String),
    Input(ratatui::crossterm::event::Event),
    /// The client passed its terminal: the loop reads its keys from now on,
    /// and may write its frames (`Conn::take_tty`).
    Keyboard(Keyboard, Arc<Tty>),
    /// The client is going (it got a signal): let go of its terminal.
    Detach,
    /// The writer has sent everything queued after frames were dropped.
    Drained,
    /// The client is gone (or sent something that is not our protocol).
    Closed,
}

/// What the writer sends: a message frame for the socket, or bytes for the
/// client's terminal (through its socket, or written to it directly).
enum Out {
    Msg(Vec<u8>),
    Output(Vec<u8>),
}

/// Where the writer learns whether the client's terminal comes (`None`: its
/// frames go over the socket).
type TtyHandoff = oneshot::Sender<Option<Arc<Tty>>>;

pub struct Conn {
    out: Sender<Out>,
    stale: Arc<AtomicBool>,
    direct: Direct,
    writer: JoinHandle<()>,
}

/// A client's terminal as the loop writes to it: only while nothing waits
/// for the writer, so nothing is overtaken.
struct Direct {
    /// The client's terminal, once the loop heard it came.
    tty: Option<Arc<Tty>>,
    /// How many messages and frames wait for the writer.
    queued: Arc<AtomicUsize>,
}

impl Direct {
    /// Writes what the terminal takes of `bytes` now, if it may; returns
    /// the rest, for the writer (None: all written).
    fn write(&self, mut bytes: Vec<u8>) -> Option<Vec<u8>> {
        let Some(tty) = &self.tty else {
            return Some(bytes);
        };
        if self.queued.load(Ordering::Acquire) > 0 {
            return Some(bytes);
        }
        let rest = tty.write_now(&bytes).len();
        if rest == 0 {
            return None;
        }
        bytes.drain(..bytes.len() - rest);
        Some(bytes)
    }
}

impl Conn {
    /// Starts serving `stream`; what it says arrives on `events`.
    pub fn spawn(id: ClientId, stream: UnixStream, events: Sender<(ClientId, FromClient)>) -> Conn {
        let (read, write) = stream.into_split();
        let (out, queue) = mpsc::channel(QUEUE);
        let stale = Arc::new(AtomicBool::new(false));
        let queued = Arc::new(AtomicUsize::new(0));
        let (handoff, tty) = oneshot::channel();
        tokio::spawn(read_loop(id, read, events.clone(), handoff));
        let writer = Writer {
            id,
            write,
            queue,
            queued: queued.clone(),
            stale: stale.clone(),
            events,
        };
        let writer = tokio::spawn(writer.run(tty));
        Conn {
            out,
            stale,
            direct: Direct { tty: None, queued },
            writer,
        }
    }

    /// The client's terminal came (`FromClient::Keyboard`): frames may go
    /// to it from the loop.
    pub fn take_tty(&mut self, tty: Arc<Tty>) {
        self.direct.tty = Some(tty);
    }

    /// Queues `out` for the writer; false if there is no room.
    fn queue(&self, out: Out) -> bool {
        // Counted first: the writer, on this thread, runs only after this.
        let queued = &self.direct.queued;
        queued.fetch_add(1, Ordering::AcqRel);
        if self.out.try_send(out).is_ok() {
            return true;
        }
        queued.fetch_sub(1, Ordering::AcqRel);
        false
    }

    /// Queues a message. Only a client that stopped reading has no room
    /// for it; it is then dropped like a frame, never waited for.
    pub fn send(&self, msg: &ServerMsg) {
        if let Ok(body) = serde_json::to_vec(msg) {
            self.queue(Out::Msg(frame::encode(Kind::Json, &body)));
        }
    }

    /// Sends output to the client's terminal: written to it now when the
    /// client passed it and nothing waits for the writer, else queued (also
    /// what the terminal does not take now). Returns false, and marks the
    /// client stale, when its queue is full: the bytes are dropped.
    pub fn try_output(&self, bytes: Vec<u8>) -> bool {
        if self.stale.load(Ordering::Acquire) {
            return false;
        }
        let Some(rest) = self.direct.write(bytes) else {
            return true;
        };
        if self.queue(Out::Output(rest)) {
            return true;
        }
        self.stale.store(true, Ordering::Release);
        false
    }

    pub fn is_stale(&self) -> bool {
        self.stale.load(Ordering::Acquire)
    }

    /// Lets the writer send what is queued, then close; waits at most
    /// `limit` for that.
    pub async fn finish(self, limit: Duration) {
        drop(self.out);
        // The writer lets go of the terminal before the `Exit`: it must
        // hold the last reference then.
        drop(self.direct.tty);
        let _ = tokio::time::timeout(limit, self.writer).await;
    }
}

async fn read_loop(
    id: ClientId,
    mut read: OwnedReadHalf,
    events: Sender<(ClientId, FromClient)>,
    handoff: TtyHandoff,
) {
    let said = match tokio::time::timeout(HELLO_TIMEOUT, frame::read_async(&mut read)).await {
        Ok(Ok(Some(f))) if f.kind == Kind::Json => hello(&f.body),
        _ => FromClient::Closed,
    };
    let tty_follows = matches!(&said, FromClient::Hello(h)
        if h.client.tty && matches!(h.request, Request::Attach { .. }));
    let attached = matches!(said, FromClient::Hello(_));
    let mut handoff = if tty_follows {
        Some(handoff)
    } else {
        let _ = handoff.send(None);
        None
    };
    if events.send((id, said)).await.is_err() || !attached {
        return;
    }
    loop {
        let said = match frame::read_header_async(&mut read).await {
            Ok(Some((Kind::Tty, 1))) => match handoff.take() {
                Some(handoff) => match take_tty(&read).await {
                    Ok((tty, keyboard)) => {
                        let tty = Arc::new(tty);
                        let _ = handoff.send(Some(tty.clone()));
                        FromClient::Keyboard(keyboard, tty)
                    }
                    Err(e) => {
                        tracing::warn!("client {id}: its terminal did not arrive: {e}");
                        FromClient::Closed
                    }
                },
                None => FromClient::Closed,
            },
            Ok(Some((Kind::Json, len))) => match read_body(&mut read, len).await {
                Some(body) => match serde_json::from_slice(&body) {
                    Ok(ClientMsg::Input(ev)) => FromClient::Input(ev),
                    Ok(ClientMsg::Detach) => FromClient::Detach,
                    Err(_) => FromClient::Closed,
                },
                None => FromClient::Closed,
            },
            _ => FromClient::Closed,
        };
        let closed = matches!(said, FromClient::Closed);
        if events.send((id, said)).await.is_err() || closed {
            return;
        }
    }
}

async fn read_body(read: &mut OwnedReadHalf, len: usize) -> Option<Vec<u8>> {
    let mut body = vec![0; len];
    read.read_exact(&mut body).await.ok()?;
    Some(body)
}

/// Receives the terminal's fds (the `Tty` frame's body): its output for
/// the writer, its keys for the loop.
async fn take_tty(read: &OwnedReadHalf) -> std::io::Result<(Tty, Keyboard)> {
    let socket: &UnixStream = read.as_ref();
    let (input, output) = socket
        .async_io(Interest::READABLE, || tty::receive(socket.as_raw_fd()))
        .await?;
    Tty::start(input, output)
}

/// Reads a hello, whatever version wrote it.
fn hello(body: &[u8]) -> FromClient {
    match hello_protocol(body) {
        Some(p) if p == u64::from(PROTOCOL) => match serde_json::from_slice::<Hello>(body) {
            Ok(hello) => FromClient::Hello(Box::new(hello)),
            Err(e) => FromClient::Refuse(format!("the server cannot read this request: {e}")),
        },
        Some(p) => FromClient::Refuse(format!(
            "this ccmux server ({}) speaks protocol {PROTOCOL}, the client speaks {p}: \
             use the same ccmux for both, or stop the server with `ccmux kill-server` \
             (its sessions end)",
            env!("CARGO_PKG_VERSION")
        )),
        None => FromClient::Closed,
    }
}

/// A connection's writer task and what it needs.
struct Writer {
    id: ClientId,
    write: OwnedWriteHalf,
    queue: Receiver<Out>,
    /// Counts down each message and frame written (see `Direct::queued`).
    queued: Arc<AtomicUsize>,
    stale: Arc<AtomicBool>,
    events: Sender<(ClientId, FromClient)>,
}

impl Writer {
    async fn run(mut self, handoff: oneshot::Receiver<Option<Arc<Tty>>>) {
        // Known once the first output is due: the client's terminal, or none.
        let mut handoff = Some(handoff);
        let mut tty: Option<Arc<Tty>> = None;
        while let Some(out) = self.queue.recv().await {
            let written = match out {
                Out::Msg(frame) => {
                    // The only message after the terminal came is the `Exit`:
                    // let go of the terminal before the client restores it,
                    // also when it was handed over but never taken (the loop
                    // wrote every frame).
                    tty = None;
                    if let Some(waiting) = &mut handoff
                        && waiting.try_recv().is_ok()
                    {
                        handoff = None;
                    }
                    self.write.write_all(&frame).await
                }
                Out::Output(bytes) => {
                    if let Some(handoff) = handoff.take() {
                        tty = handoff.await.ok().flatten();
                    }
                    match &tty {
                        Some(tty) => tty.write_all(&bytes).await,
                        None => {
                            let frame = frame::encode(Kind::Output, &bytes);
                            self.write.write_all(&frame).await
                        }
                    }
                }
            };
            if written.is_err() {
                // The reader sees the socket's end; a terminal's end is the
                // client's too.
                if tty.take().is_some() {
                    let _ = self.events.send((self.id, FromClient::Closed)).await;
                }
                return;
            }
            self.queued.fetch_sub(1, Ordering::AcqRel);
            if self.queue.is_empty() && self.stale.load(Ordering::Acquire) {
                self.stale.store(false, Ordering::Release);
                let _ = self.events.send((self.id, FromClient::Drained)).await;
            }
        }
        drop(tty);
        let _ = self.write.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};

    use super::*;

    /// A terminal whose output is a pipe the test reads, with nothing in it.
    fn tty() -> (Arc<Tty>, std::fs::File) {
        let pipe = || {
            let mut fds = [0; 2];
            // SAFETY: pipe(2) fills the two fds, ours alone.
            assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
            // SAFETY: just made, owned by nobody else.
            unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
        };
        let ((keys, _typing), (shown, output)) = (pipe(), pipe());
        let (tty, _keyboard) = Tty::start(keys, output).expect("a terminal");
        crate::fdio::set_nonblocking(&shown, true).expect("non-blocking");
        (Arc::new(tty), std::fs::File::from(shown))
    }

    fn shown(file: &mut std::fs::File) -> Vec<u8> {
        let mut buf = vec![0; 1 << 20];
        let n = file.read(&mut buf).unwrap_or(0);
        buf.truncate(n);
        buf
    }

    #[tokio::test]
    async fn a_frame_goes_straight_to_the_terminal_only_when_nothing_waits() {
        let (tty, mut output) = tty();
        let queued = Arc::new(AtomicUsize::new(0));
        let direct = Direct {
            tty: None,
            queued: queued.clone(),
        };
        // No terminal yet: the writer's.
        assert_eq!(direct.write(b"a".to_vec()), Some(b"a".to_vec()));
        let direct = Direct {
            tty: Some(tty),
            queued: queued.clone(),
        };
        // Written at once, with no turn of the runtime in between.
        assert_eq!(direct.write(b"b".to_vec()), None);
        assert_eq!(shown(&mut output), b"b");
        // Something waits for the writer: this frame must not overtake it.
        queued.store(1, Ordering::Release);
        assert_eq!(direct.write(b"c".to_vec()), Some(b"c".to_vec()));
        assert_eq!(shown(&mut output), b"");
        queued.store(0, Ordering::Release);
        // A terminal that takes part of it: the rest is the writer's.
        let big = vec![b'x'; 1 << 20];
        let rest = direct
            .write(big.clone())
            .expect("a pipe takes less than a MiB");
        let taken = shown(&mut output).len();
        assert!(taken > 0);
        assert_eq!(taken + rest.len(), big.len());
    }
}
