//! One session: a program in a PTY, the threads that serve it, and its screen.
//!
//! Three threads per live session, none of which ever waits on the UI:
//! - the reader parses output into the screen whether or not anyone looks, and
//!   writes the answers to terminal queries back (while someone types into
//!   the session, the owner's loop may read instead, and the reader waits
//!   aside: see `reading`);
//! - the writer takes whatever the PTY does not take at once, so a program
//!   that stops reading its input blocks only that thread, never the UI (a
//!   key the PTY takes goes straight in: see `input`);
//! - the waiter blocks in wait(2): the child's exit, not the reader's EOF, is
//!   the exit signal (EOF only comes once every slave fd is closed, and the
//!   program's own children may keep one open).
//!
//! Once the program has exited, the waiter closes the PTY's master and the
//! writer's copy of it; the reader's copy goes at EOF. Nothing of an ended
//! session stays open but what its leftover processes keep alive.

use std::fs::File;
use std::os::fd::BorrowedFd;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use portable_pty::{Child, MasterPty, PtySize};
use tokio::sync::mpsc::UnboundedSender;

use super::input::{Gate, Input};
use super::pty::{self, SpawnSpec};
use super::reading::{Reading, Turn};
use super::term::{Alert, Term};
use super::tree::{self, Tree};
use super::{SessionId, Status};
use crate::fdio;

/// The most bytes of query replies waiting for the writer. A program that
/// asks without reading the answers (`yes $'\e[6n'`) would otherwise queue
/// them without end; one that reads has a few bytes queued at most. Replies
/// past this are dropped.
pub const MAX_REPLY_BACKLOG: usize = 64 * 1024;

pub struct Session {
    id: SessionId,
    /// This run's token (`CCMUX_RUN`): what marks its processes.
    run: uuid::Uuid,
    spec: SpawnSpec,
    started: SystemTime,
    shared: Arc<Shared>,
    input: Option<Sender<Input>>,
    pid: Option<u32>,
}

/// The part of a session its threads share with the owner.
struct Shared {
    id: SessionId,
    term: Mutex<Term>,
    status: Mutex<Status>,
    /// Set when something changed and the owner was told; the owner clears it
    /// when it looks. While set, threads do not send again, so a flood of
    /// output costs one message per look, not one per read.
    pending: AtomicBool,
    /// Milliseconds since the epoch of the last output; 0 for none yet.
    last_output_ms: AtomicU64,
    /// The PTY's master, to resize it; closed once the program has exited.
    master: Mutex<Option<Box<dyn MasterPty + Send>>>,
    /// Bytes of replies sent to the writer and not yet written.
    replies_queued: AtomicUsize,
    /// Whether a key may go straight into the PTY.
    gate: Gate,
    /// Whether the reader thread or the owner reads the PTY.
    reading: Reading,
    life: Mutex<Life>,
    life_cv: Condvar,
    events: UnboundedSender<SessionId>,
    /// The program stopped itself (job control) and was continued.
    continued: AtomicBool,
}

#[derive(Debug, Default)]
struct Life {
    /// Set once the child has exited and before it is reaped: while it is
    /// clear, the leader's pid (and its session and group id) is still ours.
    exited: bool,
    /// Stop sequences under way.
    stopping: usize,
}

/// What happened in a session since the owner last looked.
#[derive(Debug, Default)]
pub struct Changes {
    pub title: Option<String>,
    pub alert: Option<Alert>,
    /// An OSC 52 copy (base64), to forward to the host terminal.
    pub clipboard: Option<Vec<u8>>,
    /// The program stopped itself (Ctrl-Z, SIGTSTP, SIGSTOP) and ccmux
    /// continued it: with no shell above it, nothing else would.
    pub continued: bool,
}

impl Shared {
    fn notify(&self) {
        if !self.pending.swap(true, Ordering::AcqRel) {
            // The receiver is gone only while shutting down.
            let _ = self.events.send(self.id);
        }
    }

    fn term(&self) -> MutexGuard<'_, Term> {
        // A panic while parsing must not take the whole UI down with it: the
        // screen is still the best we have.
        self.term.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set_status(&self, status: Status) {
        *self.status.lock().unwrap_or_else(|e| e.into_inner()) = status;
    }

    fn life(&self) -> MutexGuard<'_, Life> {
        self.life.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn master(&self) -> MutexGuard<'_, Option<Box<dyn MasterPty + Send>>> {
        self.master.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until `done` holds of the session's life, at most `timeout`.
    fn wait_until(&self, timeout: Duration, done: impl Fn(&Life) -> bool) -> bool {
        let life = self.life();
        let (life, _) = self
            .life_cv
            .wait_timeout_while(life, timeout, |life| !done(life))
            .unwrap_or_else(|e| e.into_inner());
        done(&life)
    }
}

impl Session {
    /// Starts `spec` in a PTY of `rows` x `cols`, unless `refusal` says why
    /// it must not be. A program that cannot be started still makes a
    /// session, in the Failed state, so the user sees why.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn start(
        id: SessionId,
        spec: SpawnSpec,
        lead_args: &[String],
        refusal: Option<String>,
        rows: u16,
        cols: u16,
        scrollback: usize,
        events: UnboundedSender<SessionId>,
    ) -> Self {
        let shared = Arc::new(Shared {
            id,
            term: Mutex::new(Term::new(rows, cols, scrollback)),
            status: Mutex::new(Status::Running),
            pending: AtomicBool::new(false),
            last_output_ms: AtomicU64::new(0),
            master: Mutex::new(None),
            replies_queued: AtomicUsize::new(0),
            gate: Gate::default(),
            reading: Reading::new(),
            life: Mutex::new(Life::default()),
            life_cv: Condvar::new(),
            events,
            continued: AtomicBool::new(false),
        });
        let mut session = Session {
            id,
            run: uuid::Uuid::new_v4(),
            spec,
            started: SystemTime::now(),
            shared,
            input: None,
            pid: None,
        };
        let spawned = match refusal {
            Some(why) => Err(why),
            None => pty::spawn(&session.spec, lead_args, id, session.run, rows, cols),
        };
        match spawned {
            Ok(p) => session.serve(p),
            Err(why) => {
                session.shared.set_status(Status::Failed(why));
                session.shared.life().exited = true;
            }
        }
        session
    }

    fn serve(&mut self, p: pty::Pty) {
        let (tx, rx) = channel::<Input>();
        let name = self.id.short();
        let pid = p.child.process_id();
        // Set before the waiter can close it.
        *self.shared.master() = Some(p.master);
        if let Err(e) = self.shared.gate.open(&p.writer) {
            // Keys then all go through the writer thread, as they did.
            tracing::warn!("no direct writes to {name}: {e}");
        }
        let shared = self.shared.clone();
        let spawned = spawn_thread(format!("ccmux-write-{name}"), move || {
            write_loop(p.writer, rx, &shared)
        })
        .and_then(|_| {
            let shared = self.shared.clone();
            let replies = tx.clone();
            spawn_thread(format!("ccmux-read-{name}"), move || {
                read_loop(p.reader, &shared, &replies)
            })
        })
        .and_then(|_| {
            let shared = self.shared.clone();
            let close = tx.clone();
            spawn_thread(format!("ccmux-wait-{name}"), move || {
                wait_loop(p.child, pid, &shared, &close)
            })
        });
        if let Err(e) = spawned {
            drop(self.shared.master().take());
            self.shared
                .set_status(Status::Failed(format!("cannot start a thread: {e}")));
            return;
        }
        self.input = Some(tx);
        self.pid = pid;
    }

    pub fn id(&self) -> SessionId {
        self.id
    }

    pub fn spec(&self) -> &SpawnSpec {
        &self.spec
    }

    /// The screen's size, rows then columns.
    pub fn size(&self) -> (u16, u16) {
        let (rows, cols) = self.term().screen().size();
        (rows.get(), cols.get())
    }

    pub fn started(&self) -> SystemTime {
        self.started
    }

    pub fn status(&self) -> Status {
        self.shared
            .status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn last_output(&self) -> Option<SystemTime> {
        match self.shared.last_output_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some(UNIX_EPOCH + Duration::from_millis(ms)),
        }
    }

    /// The screen, locked: keep the guard short, the reader waits on it.
    pub fn term(&self) -> MutexGuard<'_, Term> {
        self.shared.term()
    }

    /// Takes what changed since the last call, and re-arms the change message.
    pub fn take_changes(&self) -> Changes {
        // Clear first: anything that happens after this sends a new message.
        self.shared.pending.store(false, Ordering::Release);
        let mut term = self.shared.term();
        Changes {
            title: term.take_title(),
            alert: term.take_alert(),
            clipboard: term.take_clipboard(),
            continued: self.shared.continued.swap(false, Ordering::AcqRel),
        }
    }

    /// Writes bytes for the program, at once if the PTY takes them, else
    /// through the writer thread (see `input`). Never blocks.
    pub fn write(&self, bytes: Vec<u8>) {
        if let Some(input) = &self.input
            && !bytes.is_empty()
        {
            self.shared.gate.keys(input, &bytes);
        }
    }

    /// Takes the reading of the program's output over from the session's
    /// reader thread (see `reading`): returns the owner's copy of the PTY's
    /// master, to wait on and to `read_owned` from. None once the program
    /// has exited.
    pub fn take_reading(&self) -> Option<File> {
        self.input.as_ref()?;
        let master = self.shared.master();
        let fd = master.as_ref()?.as_raw_fd()?;
        // SAFETY: the master stays open while its lock is held; the copy is
        // the caller's own fd.
        let copy = unsafe { BorrowedFd::borrow_raw(fd) }
            .try_clone_to_owned()
            .ok()?;
        self.shared.reading.hand(true).then(|| File::from(copy))
    }

    /// Gives the reading back to the session's reader thread.
    pub fn give_reading_back(&self) {
        self.shared.reading.hand(false);
    }

    /// Whether the owner reads the output (it took the reading, and neither
    /// it nor the program's exit gave it back).
    pub fn owner_reads(&self) -> bool {
        self.shared.reading.by_owner()
    }

    /// Reads what the program printed from `pty` (from `take_reading`) into
    /// `buf` and parses it into the screen, as the reader thread would; the
    /// owner then takes the changes itself. Returns what `read(2)` did.
    pub fn read_owned(&self, pty: &File, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(replies) = &self.input else {
            return Ok(0);
        };
        let shared = &*self.shared;
        shared.reading.owner_turn(pty, buf, |bytes| {
            // The owner takes the changes itself, synchronized or not.
            absorb(shared, replies, bytes);
        })
    }

    /// Whether the terminal is in cooked mode (line editing and echo on),
    /// as a program leaves it when it gives the terminal back.
    pub fn is_cooked(&self) -> bool {
        let master = self.shared.master();
        let Some(fd) = master.as_ref().and_then(|m| m.as_raw_fd()) else {
            return false;
        };
        // SAFETY: tcgetattr writes only into the termios we own; on Linux the
        // master side reports the terminal's settings.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut t) } != 0 {
            return false;
        }
        t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
    }

    /// Sends SIGCONT to the program's group: a program that suspended
    /// itself waits for it, and in ccmux there is no shell to `fg` it.
    pub fn continue_program(&self) {
        let Some(pid) = self.pid.and_then(|p| libc::pid_t::try_from(p).ok()) else {
            return;
        };
        let life = self.shared.life();
        if !life.exited {
            // SAFETY: killpg has no memory effects; the leader is not reaped
            // (checked under the lock its waiter takes), so the group id is
            // still its own.
            unsafe { libc::killpg(pid, libc::SIGCONT) };
        }
    }

    pub fn resize(&self, rows: u16, cols: u16) {
        let (rows, cols) = (rows.max(1), cols.max(1));
        {
            let mut term = self.shared.term();
            let (r, c) = term.screen().size();
            if (r.get(), c.get()) == (rows, cols) {
                return;
            }
            term.set_size(rows, cols);
        }
        if let Some(master) = &*self.shared.master() {
            // Failure means the program is gone; its screen was resized anyway.
            let _ = master.resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            });
        }
    }

    /// Ends the program and every process it started (see `tree`): SIGHUP,
    /// SIGTERM and SIGCONT at once, SIGKILL to whatever is left after
    /// `grace`. Also ends what an exited program left running. Returns at
    /// once; the status turns to Exited when the child has been reaped.
    pub fn stop(&self, grace: Duration) {
        let Some(tree) = self.tree() else { return };
        let shared = self.shared.clone();
        shared.life().stopping += 1;
        let name = format!("ccmux-stop-{}", self.id.short());
        let spawned = spawn_thread(name, move || {
            tree::end(&[tree], false, grace);
            shared.life().stopping -= 1;
            shared.life_cv.notify_all();
        });
        if spawned.is_err() {
            // No thread to wait the grace in: no grace.
            if let Some(tree) = self.tree() {
                tree::end(&[tree], false, Duration::ZERO);
            }
            self.shared.life().stopping -= 1;
            self.shared.life_cv.notify_all();
        }
    }

    /// The processes this session started, for `tree::end`.
    pub(super) fn tree(&self) -> Option<Tree> {
        let shared = self.shared.clone();
        let pid = self.pid?;
        Some(Tree::new(pid, tree::mark_of(&self.run), move || {
            !shared.life().exited
        }))
    }

    /// Waits until the child has exited, at most `timeout`; says whether it did.
    pub fn wait_exit(&self, timeout: Duration) -> bool {
        self.shared.wait_until(timeout, |life| life.exited)
    }

    /// Waits until the child has exited and every stop under way has ended
    /// its tree, at most `timeout`; says whether that happened.
    pub(super) fn wait_stopped(&self, timeout: Duration) -> bool {
        self.shared
            .wait_until(timeout, |life| life.exited && life.stopping == 0)
    }
}

fn spawn_thread(name: String, f: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    thread::Builder::new().name(name).spawn(f).map(drop)
}

/// Writes input to the PTY through `writer`, a plain copy of the master's fd:
/// dropping it only closes that fd (portable-pty's own writer would type
/// `\n` and Ctrl-D into the PTY, to whatever still reads it).
fn write_loop(writer: File, rx: Receiver<Input>, shared: &Shared) {
    for input in rx {
        let (bytes, reply) = match input {
            Input::Keys(bytes) => (bytes, false),
            Input::Reply(bytes) => (bytes, true),
            Input::Close => break,
        };
        let written = fdio::write_all(&writer, &bytes);
        shared.gate.done();
        if reply {
            shared
                .replies_queued
                .fetch_sub(bytes.len(), Ordering::AcqRel);
        }
        if written.is_err() {
            break;
        }
    }
}

/// What the reader thread reads at a time.
const READ_CHUNK: usize = 64 * 1024;

fn read_loop(reader: File, shared: &Shared, replies: &Sender<Input>) {
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        let mut sync_ended = false;
        let turn = shared.reading.thread_turn(&reader, &mut buf, |bytes| {
            sync_ended = absorb(shared, replies, bytes);
        });
        match turn {
            Turn::Aside => shared.reading.wait(None),
            Turn::Read(Ok(0)) => break,
            Turn::Read(Ok(_)) => tell(shared, sync_ended),
            Turn::Read(Err(e)) if e.kind() == std::io::ErrorKind::Interrupted => {}
            // The fd is non-blocking (see `input`): wait for output, the
            // hang-up that the next read reports, or the owner taking over.
            Turn::Read(Err(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
                shared.reading.wait(Some(&reader));
            }
            // EIO: the slave side is closed, the program is gone.
            Turn::Read(Err(_)) => break,
        }
    }
}

/// Parses what the program printed into its screen, sends the answers to
/// its queries to the writer and stamps the time. Runs in a reading turn
/// (`reading`), so in the order the bytes were read, whoever read them.
/// Returns whether a synchronized update ended.
fn absorb(shared: &Shared, replies: &Sender<Input>, bytes: &[u8]) -> bool {
    let (answer, sync_ended) = {
        let mut term = shared.term();
        let was_syncing = term.sync_since().is_some();
        term.process(bytes);
        (
            term.take_replies(),
            was_syncing && term.sync_since().is_none(),
        )
    };
    // Only a reading turn adds to the backlog, so the check holds.
    let queued = shared.replies_queued.load(Ordering::Acquire);
    if !answer.is_empty() && queued + answer.len() <= MAX_REPLY_BACKLOG {
        shared
            .replies_queued
            .fetch_add(answer.len(), Ordering::AcqRel);
        shared.gate.reply(replies, answer);
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_millis() as u64);
    shared.last_output_ms.store(now.max(1), Ordering::Relaxed);
    sync_ended
}

/// Tells the owner the screen changed (once until it looks, but always
/// when a synchronized update ended: it may be holding a frame back).
fn tell(shared: &Shared, sync_ended: bool) {
    if sync_ended {
        let _ = shared.events.send(shared.id);
        shared.pending.store(true, Ordering::Release);
    } else {
        shared.notify();
    }
}

fn wait_loop(
    mut child: Box<dyn Child + Send + Sync>,
    pid: Option<u32>,
    shared: &Shared,
    writer: &Sender<Input>,
) {
    let code = pid.and_then(|pid| {
        wait_without_reaping(pid, || {
            // Stopped by job control with no shell above it to `fg` it: it
            // would stay stopped for good. Continued at once, and said so.
            if let Ok(group) = libc::pid_t::try_from(pid) {
                // SAFETY: killpg has no memory effects; the leader is not
                // reaped, so its group id is still its own.
                unsafe { libc::killpg(group, libc::SIGCONT) };
            }
            shared.continued.store(true, Ordering::Release);
            shared.notify();
        })
    });
    shared.life().exited = true;
    shared.life_cv.notify_all();
    // Input now could only reach what the program left behind.
    shared.gate.close();
    let _ = writer.send(Input::Close);
    drop(shared.master().take());
    // The rest of the output, and the PTY's end, are the reader thread's.
    shared.reading.hand(false);
    // Known to have exited, it is reaped at once: the record of leaders can
    // be held meanwhile. Otherwise wait(2) could block for its whole life.
    let reaped = match code {
        Some(_) => tree::reap_leader(pid, || child.wait()),
        None => child.wait(),
    };
    let status = match (reaped, code) {
        (Ok(_), Some(code)) => Status::Exited(code),
        (Ok(s), None) => Status::Exited(i32::try_from(s.exit_code()).unwrap_or(i32::MAX)),
        (Err(e), _) => Status::Failed(format!("lost track of the program: {e}")),
    };
    shared.set_status(status);
    shared.notify();
}

/// Blocks until `pid` has exited, leaving it a zombie: its id stays ours until
/// `Child::wait` reaps it, so nothing can signal a recycled id meanwhile.
/// Returns the exit status as a shell shows it (128 + signal when killed),
/// which portable-pty's ExitStatus cannot give for signals. Each time the
/// program is stopped by job control meanwhile, `on_stop` runs.
fn wait_without_reaping(pid: u32, on_stop: impl Fn()) -> Option<i32> {
    loop {
        // SAFETY: waitid only writes into the siginfo we own, and si_status is
        // valid to read for a WEXITED or WSTOPPED result.
        let (rc, code, status) = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let rc = libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WSTOPPED | libc::WNOWAIT,
            );
            (rc, info.si_code, info.si_status())
        };
        if rc == 0 && code == libc::CLD_STOPPED {
            // Take this report, so the next wait is for what comes after;
            // without WEXITED, an exit is never taken here.
            // SAFETY: as above.
            unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                libc::waitid(
                    libc::P_PID,
                    pid as libc::id_t,
                    &mut info,
                    libc::WSTOPPED | libc::WNOHANG,
                );
            }
            on_stop();
            continue;
        }
        if rc == 0 {
            return Some(if code == libc::CLD_EXITED {
                status
            } else {
                128 + status
            });
        }
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;
    use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

    fn start(script: &str) -> (Session, UnboundedReceiver<SessionId>) {
        let (tx, rx) = unbounded_channel();
        let spec = SpawnSpec {
            program: "sh".into(),
            args: vec!["-c".into(), script.into()],
            env: vec![("PATH".into(), "/usr/bin:/bin".into())],
            dir: std::env::temp_dir(),
            claude: false,
        };
        (
            Session::start(SessionId::new(), spec, &[], None, 24, 80, 100, tx),
            rx,
        )
    }

    /// Waits for `done` on the session's screen, for at most 30 s.
    fn wait_for(session: &Session, what: &str, done: impl Fn(&Term) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(&session.term()) {
            assert!(Instant::now() < deadline, "no {what}: {:?}", {
                session.term().screen().contents()
            });
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Stops the session at once and waits for its program to be gone.
    fn stop_now(session: &Session) {
        session.stop(Duration::ZERO);
        assert!(session.wait_exit(Duration::from_secs(30)));
    }

    /// Whether the session's screen shows `text`.
    fn shows(session: &Session, text: &str) -> bool {
        session.term().screen().contents().contains(text)
    }

    /// Waits until `pty` has output, at most `secs` seconds.
    fn readable_within(pty: &File, secs: i32) -> bool {
        use std::os::fd::AsRawFd;
        let mut fd = libc::pollfd {
            fd: pty.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one pollfd we own, for the length we give.
        unsafe { libc::poll(&mut fd, 1, secs * 1000) == 1 }
    }

    fn messages(rx: &mut UnboundedReceiver<SessionId>) -> usize {
        std::iter::from_fn(|| rx.try_recv().ok()).count()
    }

    #[test]
    fn many_reads_send_one_message_until_the_changes_are_taken() {
        let (session, mut rx) = start("exec cat");
        // Each line is echoed, and so read, apart from the others.
        for i in 0..20 {
            session.write(format!("line{i}\r").into_bytes());
            wait_for(&session, "echo", |t| {
                t.screen().contents().contains(&format!("line{i}\nline{i}"))
            });
        }
        assert_eq!(messages(&mut rx), 1);

        drop(session.take_changes());
        session.write(b"more\r".to_vec());
        wait_for(&session, "echo", |t| {
            t.screen().contents().contains("more\nmore")
        });
        session.write(b"again\r".to_vec());
        wait_for(&session, "echo", |t| {
            t.screen().contents().contains("again\nagain")
        });
        assert_eq!(messages(&mut rx), 1);
        stop_now(&session);
    }

    #[test]
    fn while_the_owner_reads_the_reader_thread_waits_aside() {
        let (session, _rx) = start("exec cat");
        let pty = session.take_reading().expect("a running program's PTY");
        let mut buf = vec![0; 4096];
        for i in 0..50 {
            session.write(format!("k{i}\r").into_bytes());
            // Whatever the PTY holds is the owner's: a reader thread that
            // also read would leave it nothing, now and then.
            while !shows(&session, &format!("k{i}\nk{i}")) {
                assert!(readable_within(&pty, 30), "key {i}: no echo for the owner");
                let read = session.read_owned(&pty, &mut buf);
                assert!(matches!(read, Ok(1..)), "key {i}: {read:?}");
            }
        }
        session.give_reading_back();
        session.write(b"after\r".to_vec());
        wait_for(&session, "the reader thread's parse", |t| {
            t.screen().contents().contains("after\nafter")
        });
        stop_now(&session);
    }

    #[test]
    fn output_read_in_turns_by_both_is_parsed_in_order() {
        const LINES: usize = 100_000;
        let (session, _rx) = start(&format!("seq 1 {LINES}; exec cat"));
        let mut buf = vec![0; 512];
        let deadline = Instant::now() + Duration::from_secs(60);
        while !shows(&session, &LINES.to_string()) {
            assert!(Instant::now() < deadline, "the output never ended");
            // The owner takes a few chunks, the reader thread the next.
            if let Some(pty) = session.take_reading() {
                for _ in 0..3 {
                    if session.read_owned(&pty, &mut buf).is_err() {
                        break;
                    }
                }
                session.give_reading_back();
            }
        }
        let term = session.term();
        let shown: Vec<usize> = term
            .screen()
            .contents()
            .lines()
            .map(|l| l.parse().expect("a number on each line"))
            .collect();
        let first = LINES + 1 - shown.len();
        assert_eq!(shown, (first..=LINES).collect::<Vec<_>>());
        assert_eq!(term.lines_scrolled(), first as u64 - 1);
        drop(term);
        stop_now(&session);
    }

    #[test]
    fn a_program_that_exits_while_the_owner_reads_is_read_to_its_end() {
        let (session, _rx) = start("read x; echo bye-$x");
        let pty = session.take_reading().expect("a running program's PTY");
        session.write(b"now\r".to_vec());
        // The owner reads nothing more: the exit hands the rest back.
        assert!(session.wait_exit(Duration::from_secs(30)));
        wait_for(&session, "the last words", |t| {
            t.screen().contents().contains("bye-now")
        });
        assert!(!session.owner_reads());
        assert!(session.take_reading().is_none());
        drop(pty);
    }

    #[test]
    fn replies_to_a_program_that_never_reads_them_stay_bounded() {
        // `yes` asks for the cursor position on every line, and reads
        // nothing. In raw mode the PTY holds what it is sent (in canonical
        // mode it would drop input past a line's room), so the writer blocks
        // once the kernel's buffers, well under 2 MiB, are full.
        let (session, _rx) = start("stty raw -echo; exec yes \"$(printf '\\033[6n')\"");
        // Every query gets a reply of 6 or more bytes: 2 MiB of replies.
        let asked = (2 << 20) / 6;
        wait_for(&session, "queries", |t| t.lines_scrolled() > asked);
        let queued = session.shared.replies_queued.load(Ordering::Acquire);
        assert!(
            queued <= MAX_REPLY_BACKLOG,
            "{queued} bytes of replies queued"
        );
        stop_now(&session);
    }
}
