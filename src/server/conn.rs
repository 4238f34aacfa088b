//! One client connection: a task that reads its frames and one that writes
//! to it, so a slow or stuck client never holds up the server.
//!
//! Frames to a client go through a short queue. When it is full the server
//! drops frames for that client (`stale`) and draws it whole once the
//! writer has caught up (`Drained`): memory per client is bounded and no
//! other client waits.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc::{self, Receiver, Sender};
use tokio::task::JoinHandle;

use crate::hub::ClientId;
use crate::proto::frame::{self, Kind};
use crate::proto::{ClientMsg, Hello, PROTOCOL, ServerMsg, hello_protocol};

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
    /// The writer has sent everything queued after frames were dropped.
    Drained,
    /// The client is gone (or sent something that is not our protocol).
    Closed,
}

pub struct Conn {
    out: Sender<Vec<u8>>,
    stale: Arc<AtomicBool>,
    writer: JoinHandle<()>,
}

impl Conn {
    /// Starts serving `stream`; what it says arrives on `events`.
    pub fn spawn(id: ClientId, stream: UnixStream, events: Sender<(ClientId, FromClient)>) -> Conn {
        let (read, write) = stream.into_split();
        let (out, queue) = mpsc::channel(QUEUE);
        let stale = Arc::new(AtomicBool::new(false));
        tokio::spawn(read_loop(id, read, events.clone()));
        let writer = tokio::spawn(write_loop(id, write, queue, stale.clone(), events));
        Conn { out, stale, writer }
    }

    /// Queues a message. Only a client that stopped reading has no room
    /// for it; it is then dropped like a frame, never waited for.
    pub fn send(&self, msg: &ServerMsg) {
        if let Ok(body) = serde_json::to_vec(msg) {
            let _ = self.out.try_send(frame::encode(Kind::Json, &body));
        }
    }

    /// Queues output for the client's terminal. Returns false, and marks the
    /// client stale, when its queue is full: the bytes are dropped.
    pub fn try_output(&self, bytes: &[u8]) -> bool {
        if self.stale.load(Ordering::Acquire) {
            return false;
        }
        match self.out.try_send(frame::encode(Kind::Output, bytes)) {
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

async fn read_loop(id: ClientId, mut read: OwnedReadHalf, events: Sender<(ClientId, FromClient)>) {
    let said = match tokio::time::timeout(HELLO_TIMEOUT, frame::read_async(&mut read)).await {
        Ok(Ok(Some(f))) if f.kind == Kind::Json => hello(&f.body),
        _ => FromClient::Closed,
    };
    let attached = matches!(said, FromClient::Hello(_));
    if events.send((id, said)).await.is_err() || !attached {
        return;
    }
    loop {
        let said = match frame::read_async(&mut read).await {
            Ok(Some(f)) if f.kind == Kind::Json => match serde_json::from_slice(&f.body) {
                Ok(ClientMsg::Input(ev)) => FromClient::Input(ev),
                Err(_) => FromClient::Closed,
            },
            _ => FromClient::Closed,
        };
        let closed = matches!(said, FromClient::Closed);
        if events.send((id, said)).await.is_err() || closed {
            return;
        }
    }
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
    mut queue: Receiver<Vec<u8>>,
    stale: Arc<AtomicBool>,
    events: Sender<(ClientId, FromClient)>,
) {
    while let Some(bytes) = queue.recv().await {
        if write.write_all(&bytes).await.is_err() {
            // The reader sees the same end and reports it.
            return;
        }
        if queue.is_empty() && stale.load(Ordering::Acquire) {
            stale.store(false, Ordering::Release);
            let _ = events.send((id, FromClient::Drained)).await;
        }
    }
    let _ = write.shutdown().await;
}
