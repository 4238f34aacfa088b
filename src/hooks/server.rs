//! The instance's end: a socket only this user can reach, and a task that
//! turns each connection to it into a `HookMessage`.

use std::fs;
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener as StdUnixListener, UnixStream as StdUnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::io::AsyncReadExt;
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

use super::HookMessage;
use super::frame::{self, MAX_FRAME};

/// A sender gives up after half a second; a connection still open well after
/// that is not one of ours, or is stuck.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(2);

/// Connections read at once. Past this, new ones wait in the backlog, so a
/// flood costs bounded memory.
const MAX_CONNECTIONS: usize = 64;

/// The pause after a failed accept (out of file descriptors, say): the
/// connection stays pending, so accepting again at once would spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

pub struct HookServer {
    listener: StdUnixListener,
    socket: SocketFile,
}

/// The socket's file, removed with the server.
struct SocketFile {
    path: PathBuf,
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

impl HookServer {
    /// Listens on `<dir>/<pid>.sock` (mode 0600), where `dir` must be a
    /// directory of this user's that only this user can enter (see
    /// `paths::socket_dir`); it is left in place.
    ///
    /// Needs no runtime: the socket can be bound, and its path handed to
    /// sessions, before the event loop starts.
    pub fn bind_in(dir: &Path) -> Result<HookServer> {
        bind_at(dir)
    }

    /// What sessions get as `CCMUX_SOCKET`.
    pub fn path(&self) -> &Path {
        &self.socket.path
    }

    /// Sends every well-formed message that arrives into `tx`, until the
    /// receiver is dropped; the socket goes when this future does.
    ///
    /// Must run inside a tokio runtime with I/O enabled. Fails only if the
    /// socket cannot be registered with it; a bad connection costs nothing
    /// but itself.
    pub async fn serve(self, tx: UnboundedSender<HookMessage>) -> Result<()> {
        // Named, not `_`, so the file lives (and is removed) with this future.
        let HookServer {
            listener,
            socket: _socket,
        } = self;
        let listener = UnixListener::from_std(listener).context("cannot watch the hook socket")?;
        let uid = euid();
        let mut readers = JoinSet::new();
        loop {
            tokio::select! {
                () = tx.closed() => return Ok(()),
                accepted = listener.accept(), if readers.len() < MAX_CONNECTIONS => match accepted {
                    Ok((stream, _)) => {
                        readers.spawn(receive(stream, uid, tx.clone()));
                    }
                    Err(_) => tokio::time::sleep(ACCEPT_BACKOFF).await,
                },
                Some(_) = readers.join_next(), if !readers.is_empty() => {}
            }
        }
    }
}

fn bind_at(dir: &Path) -> Result<HookServer> {
    let path = dir.join(format!("{}.sock", std::process::id()));
    let mut retried = false;
    let listener = loop {
        private_dir(dir)?;
        clear_stale(&path)?;
        match StdUnixListener::bind(&path) {
            Ok(listener) => break listener,
            // Another instance ending can remove the directory, found empty,
            // between the check and the bind.
            Err(e) if e.kind() == ErrorKind::NotFound && !retried => retried = true,
            Err(e) => {
                return Err(e).with_context(|| format!("cannot listen on {}", path.display()));
            }
        }
    };
    let socket = SocketFile { path };
    // The directory already keeps others out; this keeps them out should
    // its mode ever be loosened.
    fs::set_permissions(&socket.path, fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot make {} private", socket.path.display()))?;
    listener
        .set_nonblocking(true)
        .context("cannot set up the hook socket")?;
    Ok(HookServer { listener, socket })
}

/// Makes `dir` (mode 0700) unless it exists, then checks that it is a real
/// directory, this user's, closed to everyone else: anyone who could enter it
/// could swap the socket for their own and read every prompt.
pub(crate) fn private_dir(dir: &Path) -> Result<()> {
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", dir.display())),
    }
    let meta =
        fs::symlink_metadata(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if !meta.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    if meta.uid() != euid() {
        bail!("{} belongs to another user", dir.display());
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        bail!(
            "{} is open to other users (mode {mode:o}); it must be 700",
            dir.display()
        );
    }
    Ok(())
}

/// Removes a socket that an ended instance with this pid left behind. A
/// live listener there is not ours to take over.
pub(crate) fn clear_stale(path: &Path) -> Result<()> {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return Ok(());
    };
    if !meta.file_type().is_socket() {
        bail!("{} is in the way: it is not a socket", path.display());
    }
    match StdUnixStream::connect(path) {
        Err(e) if e.kind() == ErrorKind::ConnectionRefused => fs::remove_file(path)
            .with_context(|| format!("cannot remove the stale {}", path.display())),
        Ok(_) => bail!("another process listens on {}", path.display()),
        Err(e) => Err(e).with_context(|| format!("cannot check {}", path.display())),
    }
}

/// Reads one connection's frame and passes it on if it is whole. Only this
/// user's processes are heard, whatever the file modes say.
async fn receive(stream: UnixStream, uid: u32, tx: UnboundedSender<HookMessage>) {
    if !stream.peer_cred().is_ok_and(|cred| cred.uid() == uid) {
        return;
    }
    let mut frame = Vec::new();
    let mut limited = stream.take(MAX_FRAME as u64 + 1);
    let read = limited.read_to_end(&mut frame);
    if !matches!(
        tokio::time::timeout(CONNECTION_TIMEOUT, read).await,
        Ok(Ok(_))
    ) {
        return;
    }
    if let Some(msg) = frame::decode(&frame) {
        let _ = tx.send(msg);
    }
}

pub(crate) fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions, touches no memory and cannot fail.
    unsafe { libc::geteuid() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hooks::send;
    use crate::session::SessionId;
    use tokio::io::AsyncWriteExt;
    use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// A fresh private directory: a temporary one may be open to others.
    fn private_tempdir() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ccmux");
        fs::DirBuilder::new().mode(0o700).create(&dir).unwrap();
        (tmp, dir)
    }

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().mode() & 0o777
    }

    /// Runs the server until `n` messages have come through.
    fn collect(
        server: HookServer,
        tx: UnboundedSender<HookMessage>,
        rx: &mut UnboundedReceiver<HookMessage>,
        n: usize,
    ) -> Vec<HookMessage> {
        runtime().block_on(async {
            let serve = server.serve(tx);
            tokio::pin!(serve);
            let mut got = Vec::new();
            while got.len() < n {
                tokio::select! {
                    ended = &mut serve => panic!("serve ended: {ended:?}"),
                    msg = rx.recv() => got.push(msg.unwrap()),
                }
            }
            got
        })
    }

    #[test]
    fn carries_messages_from_clients() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ccmux");
        let server = HookServer::bind_in(&dir).unwrap();
        let path = server.path().to_path_buf();
        assert_eq!(path, dir.join(format!("{}.sock", std::process::id())));
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&path), 0o600);
        assert!(fs::symlink_metadata(&path).unwrap().file_type().is_socket());

        // The listener queues connections before serve runs: the sends
        // complete into the socket's buffer, to be read once it does.
        let (a, b) = (SessionId::new(), SessionId::new());
        send(&path, &a, br#"{"hook_event_name":"Stop"}"#).unwrap();
        send(&path, &b, b"").unwrap();
        send(&path, &a, b"second").unwrap();

        let (tx, mut rx) = unbounded_channel();
        let mut got = collect(server, tx, &mut rx, 3);
        got.sort_by(|x, y| x.payload.cmp(&y.payload));
        let expected = [
            (b, &b""[..]),
            (a, &b"second"[..]),
            (a, &br#"{"hook_event_name":"Stop"}"#[..]),
        ];
        assert_eq!(got.len(), expected.len());
        for (msg, (session, payload)) in got.iter().zip(expected) {
            assert_eq!(msg.session, session);
            assert_eq!(msg.payload, payload);
        }
        // The future owned the socket; it is gone with it, the caller's
        // directory is not.
        assert!(!path.exists());
        assert!(dir.is_dir());
    }

    #[test]
    fn carries_the_largest_payload() {
        let (_tmp, dir) = private_tempdir();
        let server = HookServer::bind_in(&dir).unwrap();
        let path = server.path().to_path_buf();
        let payload = vec![b'x'; crate::hooks::MAX_PAYLOAD];
        let id = SessionId::new();
        // Far more than a socket buffer holds: the sender needs the server.
        let sender = std::thread::spawn(move || send(&path, &id, &payload));
        let (tx, mut rx) = unbounded_channel();
        let got = collect(server, tx, &mut rx, 1);
        assert_eq!(got[0].session, id);
        assert_eq!(got[0].payload.len(), crate::hooks::MAX_PAYLOAD);
        sender.join().unwrap().unwrap();
    }

    #[test]
    fn serve_ends_when_nobody_listens() {
        let (_tmp, dir) = private_tempdir();
        let server = HookServer::bind_in(&dir).unwrap();
        let path = server.path().to_path_buf();
        let (tx, rx) = unbounded_channel();
        drop(rx);
        runtime().block_on(server.serve(tx)).unwrap();
        assert!(!path.exists());
    }

    /// Reads one frame written on the other end of a fresh connection, as
    /// the server would, and returns what was passed on.
    fn receive_one(frame: &[u8], uid: u32) -> Option<HookMessage> {
        runtime().block_on(async {
            let (mut client, server) = UnixStream::pair().unwrap();
            let (tx, mut rx) = unbounded_channel();
            // Concurrently: a large frame does not fit in the socket's buffer.
            let write = async {
                // The reader may hang up early on a frame it refuses.
                let _ = client.write_all(frame).await;
                let _ = client.shutdown().await;
            };
            tokio::join!(write, receive(server, uid, tx));
            rx.recv().await
        })
    }

    #[test]
    fn receive_passes_on_whole_frames_only() {
        let id = SessionId::new();
        let good = frame::encode(&id, b"{}");
        let msg = receive_one(&good, euid()).unwrap();
        assert_eq!((msg.session, msg.payload), (id, b"{}".to_vec()));

        assert_eq!(receive_one(&good[..good.len() - 1], euid()), None);
        assert_eq!(receive_one(b"{\"hook_event_name\":\"Stop\"}", euid()), None);
        assert_eq!(receive_one(b"", euid()), None);
        let oversized = frame::encode(&id, &vec![b'x'; crate::hooks::MAX_PAYLOAD + 1]);
        assert_eq!(receive_one(&oversized, euid()), None);
    }

    #[test]
    fn receive_ignores_other_users() {
        let good = frame::encode(&SessionId::new(), b"{}");
        assert_eq!(receive_one(&good, euid().wrapping_add(1)), None);
    }

    #[test]
    fn replaces_a_stale_socket_with_its_pid() {
        let (_tmp, dir) = private_tempdir();
        let stale = dir.join(format!("{}.sock", std::process::id()));
        // A listener dropped without removing its file, as after a crash.
        drop(StdUnixListener::bind(&stale).unwrap());
        assert!(stale.exists());

        let server = HookServer::bind_in(&dir).unwrap();
        assert_eq!(server.path(), stale);
        let id = SessionId::new();
        send(server.path(), &id, b"{}").unwrap();
        let (tx, mut rx) = unbounded_channel();
        assert_eq!(collect(server, tx, &mut rx, 1)[0].session, id);
    }

    #[test]
    fn leaves_a_live_listener_alone() {
        let (_tmp, dir) = private_tempdir();
        let path = dir.join(format!("{}.sock", std::process::id()));
        let _live = StdUnixListener::bind(&path).unwrap();
        let err = HookServer::bind_in(&dir).err().unwrap();
        assert!(err.to_string().contains("another process"), "{err:#}");
        assert!(path.exists());

        fs::remove_file(&path).unwrap();
        fs::write(&path, "").unwrap();
        let err = HookServer::bind_in(&dir).err().unwrap();
        assert!(err.to_string().contains("not a socket"), "{err:#}");
    }

    #[test]
    fn refuses_directories_others_can_enter() {
        let tmp = tempfile::tempdir().unwrap();
        let open = tmp.path().join("open");
        fs::create_dir(&open).unwrap();
        fs::set_permissions(&open, fs::Permissions::from_mode(0o750)).unwrap();
        let err = HookServer::bind_in(&open).err().unwrap();
        assert!(err.to_string().contains("open to other users"), "{err:#}");

        let private = tmp.path().join("private");
        fs::create_dir(&private).unwrap();
        fs::set_permissions(&private, fs::Permissions::from_mode(0o700)).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&private, &link).unwrap();
        let err = HookServer::bind_in(&link).err().unwrap();
        assert!(err.to_string().contains("not a directory"), "{err:#}");

        let file = tmp.path().join("file");
        fs::write(&file, "").unwrap();
        assert!(HookServer::bind_in(&file).is_err());
    }
}
