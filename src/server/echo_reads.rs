//! The sessions whose output the loop reads itself (`session::reading`): a
//! session a client types into, from the key on, so its echo wakes the loop
//! once instead of waking a reader thread that then wakes the loop. A
//! session goes back to its reader thread when it prints more than `BUDGET`
//! after a key (output faster than typing: a flood is the reader's to
//! parse, and the next key takes it again), when no client shows it any
//! more, and when its program has exited (its waiter gives the reading
//! back).

use std::collections::HashMap;
use std::fs::File;
use std::io;

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

use super::readable;
use crate::hub::Hub;
use crate::session::{Session, SessionId};

/// What one read takes: more than a PTY gives at once (the flood test saw no
/// read fill it: a per-read budget was never spent).
const CHUNK: usize = 16 * 1024;
/// The most the loop parses of one session's output after a key, about
/// 0.3 ms of work. An echo, or a program's answer to a key, is far less.
const BUDGET: usize = 64 * 1024;

pub struct EchoReads {
    ptys: HashMap<SessionId, Pty>,
    buf: Vec<u8>,
}

struct Pty {
    fd: AsyncFd<File>,
    /// Bytes read since the last key.
    since_key: usize,
}

impl EchoReads {
    pub fn new() -> EchoReads {
        EchoReads {
            ptys: HashMap::new(),
            buf: vec![0; CHUNK],
        }
    }

    /// A key for session `id`: the loop reads it from now on, if its
    /// program runs, until it prints more than `BUDGET`.
    pub fn take(&mut self, hub: &Hub, id: SessionId) {
        if let Some(pty) = self.ptys.get_mut(&id) {
            pty.since_key = 0;
            return;
        }
        let Some(session) = hub.registry().get(id) else {
            return;
        };
        let Some(pty) = session.take_reading() else {
            return;
        };
        // SAFETY: the File owns its fd, open until the AsyncFd drops it.
        match unsafe { AsyncFd::register_with_interest(pty, Interest::READABLE) } {
            Ok(fd) => {
                self.ptys.insert(id, Pty { fd, since_key: 0 });
            }
            Err(e) => {
                tracing::warn!("cannot read {} on the loop: {e}", id.short());
                session.give_reading_back();
            }
        }
    }

    /// Gives back every session that `shown` says no client shows, and
    /// forgets those whose reading went back on its own (program exited).
    pub fn keep_shown(&mut self, hub: &Hub, shown: impl Fn(SessionId) -> bool) {
        self.ptys.retain(|&id, _| {
            let Some(session) = hub.registry().get(id) else {
                return false;
            };
            let keep = session.owner_reads() && shown(id);
            if !keep {
                session.give_reading_back();
            }
            keep
        });
    }

    /// Waits until a session read here has output: never, with none.
    pub async fn ready(&self) -> SessionId {
        readable::first(self.ptys.iter().map(|(id, pty)| (*id, &pty.fd))).await
    }

    /// Reads and parses what session `id` printed, until none is waiting;
    /// past the budget, the reader thread takes over. Returns whether it
    /// printed anything.
    pub fn read(&mut self, hub: &Hub, id: SessionId) -> bool {
        let Some((pty, session)) = read_here(&mut self.ptys, hub, id) else {
            return false;
        };
        let Some(mut ready) = readable::seen(&pty.fd) else {
            return false;
        };
        let since_key = &mut pty.since_key;
        let mut printed = false;
        let keep = loop {
            match ready.try_io(|fd| session.read_owned(fd.get_ref(), &mut self.buf)) {
                Ok(read) => match took(since_key, read) {
                    Took::Bytes(n) => {
                        printed = true;
                        // Short of the buffer: all there was (more comes with
                        // a wake-up of its own), no read only to hear EAGAIN.
                        if n < CHUNK {
                            ready.clear_ready();
                            break true;
                        }
                    }
                    Took::Again => {}
                    Took::Done => break false,
                },
                // All read; the readiness is cleared for the next output.
                Err(_would_block) => break true,
            }
        };
        if !keep {
            session.give_reading_back();
            self.ptys.remove(&id);
        }
        printed
    }

    /// Reads what session `id` printed without waiting to hear that it did:
    /// just after a key is written, its echo usually is there already (the
    /// kernel's terminal work runs at the write, on the writer's CPU), and
    /// read now it is drawn in the key's own turn. One read: more waiting
    /// comes with the wake-up `read` answers. The wake-up for what this read
    /// took does not come (epoll reports a descriptor only if it is still
    /// readable when the loop waits), or finds nothing if the runtime had
    /// heard of it already. Returns whether it printed anything.
    pub fn read_now(&mut self, hub: &Hub, id: SessionId) -> bool {
        let Some((pty, session)) = read_here(&mut self.ptys, hub, id) else {
            return false;
        };
        match took(
            &mut pty.since_key,
            session.read_owned(pty.fd.get_ref(), &mut self.buf),
        ) {
            Took::Bytes(_) => true,
            Took::Again => false,
            Took::Done => {
                session.give_reading_back();
                self.ptys.remove(&id);
                false
            }
        }
    }
}

/// Session `id`'s PTY if the loop reads it, and the session; forgets the
/// PTY of a session that is gone.
fn read_here<'p, 'h>(
    ptys: &'p mut HashMap<SessionId, Pty>,
    hub: &'h Hub,
    id: SessionId,
) -> Option<(&'p mut Pty, &'h Session)> {
    let Some(session) = hub.registry().get(id) else {
        ptys.remove(&id);
        return None;
    };
    Some((ptys.get_mut(&id)?, session))
}

/// What one read of a session's PTY came to.
enum Took {
    /// Bytes, parsed.
    Bytes(usize),
    /// Nothing now (EAGAIN), or a signal came first: read again later.
    Again,
    /// The reader thread's from here: the PTY's end or an error, or past the
    /// budget.
    Done,
}

/// What `read` came to, counted into the bytes read `since_key`.
fn took(since_key: &mut usize, read: io::Result<usize>) -> Took {
    match read {
        // The slave side is closed: the reader thread sees the end.
        Ok(0) => Took::Done,
        Ok(n) => {
            *since_key += n;
            if *since_key > BUDGET {
                Took::Done
            } else {
                Took::Bytes(n)
            }
        }
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock
            ) =>
        {
            Took::Again
        }
        Err(_) => Took::Done,
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// A hub with one session running `script`, focused by nobody.
    fn hub_running(script: &str) -> (Hub, SessionId, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("a directory");
        let mut hub = crate::hub::test_hub_running("sh", &["-c", script], false);
        let new = crate::proto::NewSession {
            dir: dir.path().to_path_buf(),
            ..Default::default()
        };
        let (id, _) = hub
            .start(&new, None, None, Instant::now())
            .expect("started");
        (hub, id, dir)
    }

    fn screen(hub: &Hub, id: SessionId) -> String {
        let session = hub.registry().get(id).expect("the session");
        session.term().screen().contents()
    }

    #[tokio::test]
    async fn the_loop_reads_an_echo_and_gives_a_flood_back() {
        let (hub, id, _dir) = hub_running(
            "stty -echo; read x; echo \"echo-$x\"; read y; yes flood | head -c 1000000; echo; echo end; read z",
        );
        let mut echoes = EchoReads::new();
        echoes.take(&hub, id);
        assert!(hub.registry().get(id).expect("the session").owner_reads());
        let deadline = Instant::now() + Duration::from_secs(30);

        let session = hub.registry().get(id).expect("the session");
        session.write(b"one\r".to_vec());
        while !screen(&hub, id).contains("echo-one") {
            assert!(Instant::now() < deadline, "no echo: {}", screen(&hub, id));
            let ready = tokio::time::timeout(Duration::from_secs(30), echoes.ready()).await;
            assert_eq!(ready.ok(), Some(id));
            echoes.read(&hub, id);
        }
        // An echo is the loop's to read.
        assert!(session.owner_reads());

        // The key that starts the flood: it starts the budget afresh.
        echoes.take(&hub, id);
        session.write(b"\r".to_vec());
        while session.owner_reads() {
            assert!(Instant::now() < deadline, "the flood stayed on the loop");
            let ready = tokio::time::timeout(Duration::from_secs(30), echoes.ready()).await;
            assert_eq!(ready.ok(), Some(id));
            echoes.read(&hub, id);
        }
        // A flood is the reader thread's: it parses the rest alone.
        assert!(echoes.ptys.is_empty());
        while !screen(&hub, id).contains("end") {
            assert!(
                Instant::now() < deadline,
                "the reader thread never took it back"
            );
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn an_echo_read_at_once_leaves_its_wake_up_nothing_to_read() {
        let (hub, id, _dir) = hub_running("exec cat");
        let mut echoes = EchoReads::new();
        echoes.take(&hub, id);
        let session = hub.registry().get(id).expect("the session");
        assert!(!echoes.read_now(&hub, id), "nothing was printed yet");
        assert!(
            session.owner_reads(),
            "nothing to read gave the reading back"
        );

        session.write(b"x".to_vec());
        let ready = tokio::time::timeout(Duration::from_secs(30), echoes.ready()).await;
        assert_eq!(ready.ok(), Some(id));
        assert!(echoes.read_now(&hub, id), "the echo was there");
        assert_eq!(screen(&hub, id).trim_end(), "x");
        // The wake-up it got ahead of: nothing left, and the loop reads on.
        assert!(!echoes.read(&hub, id));
        assert!(session.owner_reads());
        session.write(b"y".to_vec());
        let ready = tokio::time::timeout(Duration::from_secs(30), echoes.ready()).await;
        assert_eq!(ready.ok(), Some(id));
        assert!(echoes.read(&hub, id));
        assert_eq!(screen(&hub, id).trim_end(), "xy");
    }

    #[tokio::test]
    async fn a_session_nobody_shows_goes_back_to_its_reader_thread() {
        let (hub, id, _dir) = hub_running("exec cat");
        let mut echoes = EchoReads::new();
        echoes.take(&hub, id);
        echoes.keep_shown(&hub, |shown| shown == id);
        assert!(hub.registry().get(id).expect("the session").owner_reads());
        echoes.keep_shown(&hub, |_| false);
        assert!(echoes.ptys.is_empty());
        let session = hub.registry().get(id).expect("the session");
        assert!(!session.owner_reads());
        session.write(b"back\r".to_vec());
        let deadline = Instant::now() + Duration::from_secs(30);
        while !screen(&hub, id).contains("back\nback") {
            assert!(Instant::now() < deadline, "the reader thread never read");
            tokio::task::yield_now().await;
        }
    }
}
