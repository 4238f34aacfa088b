//! One session: a program in a PTY, the threads that serve it, and its screen.
//!
//! Three threads per live session, none of which ever waits on the UI:
//! - the reader parses output into the screen whether or not anyone looks, and
//!   writes the answers to terminal queries back;
//! - the writer owns the PTY's write half, so a program that stops reading its
//!   input blocks only that thread, never the UI;
//! - the waiter blocks in wait(2): the child's exit, not the reader's EOF, is
//!   the exit signal (EOF only comes once every slave fd is closed, and the
//!   program's own children may keep one open).

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use portable_pty::{Child, MasterPty, PtySize};
use tokio::sync::mpsc::UnboundedSender;

use super::pty::{self, SpawnSpec};
use super::term::{Alert, Term};
use super::{SessionId, Status};

pub struct Session {
    id: SessionId,
    spec: SpawnSpec,
    started: SystemTime,
    shared: Arc<Shared>,
    master: Option<Box<dyn MasterPty + Send>>,
    input: Option<Sender<Vec<u8>>>,
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
    /// Set once the child has exited and before it is reaped, so a stop never
    /// signals a process id the system may have given to someone else.
    exited: Mutex<bool>,
    exited_cv: Condvar,
    events: UnboundedSender<SessionId>,
}

/// What happened in a session since the owner last looked.
#[derive(Debug, Default)]
pub struct Changes {
    pub title: Option<String>,
    pub alert: Option<Alert>,
    /// An OSC 52 copy (base64), to forward to the host terminal.
    pub clipboard: Option<Vec<u8>>,
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
            exited: Mutex::new(false),
            exited_cv: Condvar::new(),
            events,
        });
        let mut session = Session {
            id,
            spec,
            started: SystemTime::now(),
            shared,
            master: None,
            input: None,
            pid: None,
        };
        let spawned = match refusal {
            Some(why) => Err(why),
            None => pty::spawn(&session.spec, lead_args, id, rows, cols),
        };
        match spawned {
            Ok(p) => session.serve(p),
            Err(why) => {
                session.shared.set_status(Status::Failed(why));
                *session
                    .shared
                    .exited
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = true;
            }
        }
        session
    }

    fn serve(&mut self, p: pty::Pty) {
        let (tx, rx) = channel::<Vec<u8>>();
        let name = self.id.short();
        let pid = p.child.process_id();
        let spawned = spawn_thread(format!("ccmux-write-{name}"), move || {
            write_loop(p.writer, rx)
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
            spawn_thread(format!("ccmux-wait-{name}"), move || {
                wait_loop(p.child, pid, &shared)
            })
        });
        if let Err(e) = spawned {
            self.shared
                .set_status(Status::Failed(format!("cannot start a thread: {e}")));
            return;
        }
        self.master = Some(p.master);
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
        }
    }

    /// Queues bytes for the program. Never blocks.
    pub fn write(&self, bytes: Vec<u8>) {
        if let Some(input) = &self.input
            && !bytes.is_empty()
        {
            // A closed channel means the writer ended with the program.
            let _ = input.send(bytes);
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
        if let Some(master) = &self.master {
            // Failure means the program is gone; its screen was resized anyway.
            let _ = master.resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            });
        }
    }

    /// Ends the program: SIGHUP and SIGTERM to its process group, SIGKILL to
    /// the group after `grace` if it is still there. Returns at once; the
    /// status turns to Exited when the child has been reaped.
    pub fn stop(&self, grace: Duration) {
        let Some(pid) = self.pid else { return };
        let shared = self.shared.clone();
        let killer = move || {
            let exited = shared.exited.lock().unwrap_or_else(|e| e.into_inner());
            if *exited {
                return;
            }
            signal_group(pid, libc::SIGHUP);
            signal_group(pid, libc::SIGTERM);
            let (exited, _) = shared
                .exited_cv
                .wait_timeout_while(exited, grace, |exited| !*exited)
                .unwrap_or_else(|e| e.into_inner());
            if !*exited {
                signal_group(pid, libc::SIGKILL);
            }
        };
        if spawn_thread(format!("ccmux-stop-{}", self.id.short()), killer).is_err() {
            signal_group(pid, libc::SIGKILL);
        }
    }

    /// Waits until the child has exited, at most `timeout`; says whether it did.
    pub fn wait_exit(&self, timeout: Duration) -> bool {
        let exited = self.shared.exited.lock().unwrap_or_else(|e| e.into_inner());
        let (exited, _) = self
            .shared
            .exited_cv
            .wait_timeout_while(exited, timeout, |exited| !*exited)
            .unwrap_or_else(|e| e.into_inner());
        *exited
    }
}

fn spawn_thread(name: String, f: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    thread::Builder::new().name(name).spawn(f).map(drop)
}

fn write_loop(mut writer: Box<dyn Write + Send>, rx: std::sync::mpsc::Receiver<Vec<u8>>) {
    for bytes in rx {
        if writer
            .write_all(&bytes)
            .and_then(|_| writer.flush())
            .is_err()
        {
            break;
        }
    }
    // Dropping portable-pty's writer sends "\n" and Ctrl-D to the program.
    // By now the program is gone (our senders drop when it ends), but never
    // risk typing into a live session.
    std::mem::forget(writer);
}

fn read_loop(mut reader: Box<dyn Read + Send>, shared: &Shared, replies: &Sender<Vec<u8>>) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // EIO: the slave side is closed, the program is gone.
            Err(_) => break,
        };
        let (answer, sync_ended) = {
            let mut term = shared.term();
            let was_syncing = term.sync_since().is_some();
            term.process(&buf[..n]);
            (
                term.take_replies(),
                was_syncing && term.sync_since().is_none(),
            )
        };
        if !answer.is_empty() {
            let _ = replies.send(answer);
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_millis() as u64);
        shared.last_output_ms.store(now.max(1), Ordering::Relaxed);
        if sync_ended {
            // The owner may be holding back a frame until this moment.
            let _ = shared.events.send(shared.id);
            shared.pending.store(true, Ordering::Release);
        } else {
            shared.notify();
        }
    }
}

fn wait_loop(mut child: Box<dyn Child + Send + Sync>, pid: Option<u32>, shared: &Shared) {
    let code = pid.and_then(wait_without_reaping);
    {
        let mut exited = shared.exited.lock().unwrap_or_else(|e| e.into_inner());
        *exited = true;
        shared.exited_cv.notify_all();
    }
    let status = match (child.wait(), code) {
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
/// which portable-pty's ExitStatus cannot give for signals.
fn wait_without_reaping(pid: u32) -> Option<i32> {
    loop {
        // SAFETY: waitid only writes into the siginfo we own, and si_status is
        // valid to read for a WEXITED result.
        let (rc, code, status) = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let rc = libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            );
            (rc, info.si_code, info.si_status())
        };
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

fn signal_group(pid: u32, signal: libc::c_int) {
    let Ok(pgid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // The program was started as a session leader, so its group is its pid.
    // SAFETY: killpg has no memory effects; a stale group only gives ESRCH.
    unsafe {
        libc::killpg(pgid, signal);
    }
}
