//! One client connection: a task that reads its frames and one that writes
//! to it, so a slow or stuck client never holds up the server. A client that
//! passes its terminal (`proto::tty`) gets its frames written to it
//! (`server::tty`, by the writer task)
//! and its keys read from it by the loop (`server::keyboard`); its socket
//! then carries only resizes, a detach and the final `Exit`.
//!
//! Frames to a client go through a short queue. When it is full the server
//! drops frames for that client (`stale`) and draws it whole once the
//! writer has caught up (`Drained`): memory per client is bounded and no
//! other client waits.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// The client passed its terminal: the loop reads its keys from now on.
    Keyboard(Keyboard),
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
type TtyHandoff = oneshot::Sender<Option<Tty>>;

pub struct Conn {
    out: Sender<Out>,
    stale: Arc<AtomicBool>,
    writer: JoinHandle<()>,
}

impl Conn {
    /// Starts serving `stream`; what it says arrives on `events`.
    pub fn spawn(id: ClientId, stream: UnixStream, events: Sender<(ClientId, FromClient)>) -> Conn {
        let (read, write) = stream.into_split();
        let (out, queue) = mpsc::channel(QUEUE);
        let stale = Arc::new(AtomicBool::new(false));
        let (handoff, tty) = oneshot::channel();
        tokio::spawn(read_loop(id, read, events.clone(), handoff));
        let writer = tokio::spawn(write_loop(id, write, queue, tty, stale.clone(), events));
        Conn { out, stale, writer }
    }

    /// Queues a message. Only a client that stopped reading has no room
    /// for it; it is then dropped like a frame, never waited for.
    pub fn send(&self, msg: &ServerMsg) {
        if let Ok(body) = serde_json::to_vec(msg) {
            let _ = self
                .out
                .try_send(Out::Msg(frame::encode(Kind::Json, &body)));
        }
    }

    /// Queues output for the client's terminal. Returns false, and marks the
    /// client stale, when its queue is full: the bytes are dropped.
    pub fn try_output(&self, bytes: Vec<u8>) -> bool {
        if self.stale.load(Ordering::Acquire) {
            return false;
        }
        match self.out.try_send(Out::Output(bytes)) {
            Ok(()) => true,
            Err(_) => {
                self.stale.store(true, Ordering::Release);
                false
            }
        }
    }

    pub fn is_stale(&self) -> bool {
        self.stale.load(Ordering::Acquire)
    }

    /// Lets the writer send what is queued, then close; waits at most
    /// `limit` for that.
    pub async fn finish(self, limit: Duration) {
        drop(self.out);
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
                        let _ = handoff.send(Some(tty));
                        FromClient::Keyboard(keyboard)
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

async fn write_loop(
    id: ClientId,
    mut write: OwnedWriteHalf,
    mut queue: Receiver<Out>,
    handoff: oneshot::Receiver<Option<Tty>>,
    stale: Arc<AtomicBool>,
    events: Sender<(ClientId, FromClient)>,
) {
    // Known once the first output is due: the client's terminal, or none.
    let mut handoff = Some(handoff);
    let mut tty: Option<Tty> = None;
    while let Some(out) = queue.recv().await {
        let written = match out {
            Out::Msg(frame) => {
                // The only message after the terminal came is the `Exit`:
                // let go of the terminal before the client restores it.
                tty = None;
                write.write_all(&frame).await
            }
            Out::Output(bytes) => {
                if let Some(handoff) = handoff.take() {
                    tty = handoff.await.ok().flatten();
                }
                match &tty {
                    Some(tty) => tty.write_all(&bytes).await,
                    None => write.write_all(&frame::encode(Kind::Output, &bytes)).await,
                }
            }
        };
        if written.is_err() {
            // The reader sees the socket's end; a terminal's end is the
            // client's too.
            if tty.take().is_some() {
                let _ = events.send((id, FromClient::Closed)).await;
            }
            return;
        }
        if queue.is_empty() && stale.load(Ordering::Acquire) {
            stale.store(false, Ordering::Release);
            let _ = events.send((id, FromClient::Drained)).await;
        }
    }
    drop(tty);
    let _ = write.shutdown().await;
}
