//! Every process a session started, found and signalled as one tree.
//!
//! A program in a PTY is a session leader (portable-pty calls setsid), but
//! signalling its process group misses what left the group: `setsid`
//! children, daemons that double-fork, jobs the shell put in groups of their
//! own. Three marks find them, on Linux through /proc:
//! - ancestry: every descendant of the leader, or of anything found below;
//! - the leader's session and process group, while that id is still the
//!   leader's (it cannot be reused while any process carries it);
//! - `CCMUX_RUN=<token>` in the environment every process of this run of the
//!   session inherits (a token per run: a restarted session keeps its id, and
//!   sweeping what its last run left must not touch the new run),
//!   inherits, which survives reparenting: orphans come to us, since the
//!   process that owns sessions is a child subreaper, and lose their ancestry.
//!
//! Each process found is signalled through a pidfd opened before its identity
//! (pid and start time) is checked again, so no signal reaches a process
//! that took over a recycled pid. cgroups would be the stronger fence, but
//! creating one needs a delegated cgroup subtree (systemd's user manager, a
//! D-Bus call per session), which plain terminals, containers and CI lack.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A process as /proc shows it, enough to tell who it belongs to.
#[derive(Debug, Clone, Copy)]
struct Proc {
    pid: i32,
    ppid: i32,
    pgrp: i32,
    sid: i32,
    /// Clock ticks after boot: with the pid, names one process for good.
    start: u64,
    zombie: bool,
}

/// The session leaders this process started and has not reaped. Orphans are
/// reaped by whoever handles SIGCHLD, which must leave these to the
/// sessions' waiter threads: they read the exit status. Process-wide, like
/// the children it describes.
static LEADERS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

fn leaders() -> MutexGuard<'static, Vec<i32>> {
    LEADERS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Makes this process the reaper of every orphan its sessions leave, so that
/// none escapes to init with its ancestry lost. Idempotent.
pub(super) fn become_subreaper() {
    // SAFETY: PR_SET_CHILD_SUBREAPER takes one integer and touches no memory.
    // Failure (an old kernel) leaves orphans to init: the environment mark
    // still finds them.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

/// Runs `spawn`, which forks a session leader, and records the leader's pid
/// (as `pid_of` tells it) before any orphan reaping can look at it.
pub(super) fn spawn_leader<T, E>(
    spawn: impl FnOnce() -> Result<T, E>,
    pid_of: impl FnOnce(&T) -> Option<u32>,
) -> Result<T, E> {
    let mut leaders = leaders();
    let spawned = spawn()?;
    if let Some(pid) = pid_of(&spawned).and_then(|p| i32::try_from(p).ok()) {
        leaders.push(pid);
    }
    Ok(spawned)
}

/// Reaps the session leader `pid` with `reap`, and forgets it in the same
/// step, so orphan reaping never sees it half-gone.
pub(super) fn reap_leader<R>(pid: Option<u32>, reap: impl FnOnce() -> R) -> R {
    let mut leaders = leaders();
    let reaped = reap();
    if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) {
        leaders.retain(|l| *l != pid);
    }
    reaped
}

/// Reaps the orphans that came to this process (see `become_subreaper`):
/// call it on SIGCHLD in whatever loop owns the sessions. Leaves alone the
/// sessions' leaders, and children started by other code (in our own Unix
/// session, which no process of a ccmux session can join): their owners wait
/// for them. Returns how many it reaped.
pub fn reap_orphans() -> usize {
    if !any_child_exited() {
        return 0;
    }
    let (me, own_sid) = (self_pid(), own_sid());
    let leaders = leaders();
    let mut reaped = 0;
    for child in scan().into_iter().filter(|p| p.ppid == me) {
        if !child.zombie || child.sid == own_sid || leaders.contains(&child.pid) {
            continue;
        }
        // SAFETY: waitpid writes only into the status we pass, here none.
        if unsafe { libc::waitpid(child.pid, std::ptr::null_mut(), libc::WNOHANG) } == child.pid {
            reaped += 1;
        }
    }
    reaped
}

/// Whether some child of ours has exited and waits to be reaped: a cheap
/// look before reading /proc, as SIGCHLD also comes for every leader.
fn any_child_exited() -> bool {
    // SAFETY: waitid only writes into the siginfo we own.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let rc = libc::waitid(
            libc::P_ALL,
            0,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        rc == 0 && info.si_pid() != 0
    }
}

/// SIGHUP as for a closed terminal, SIGTERM for programs that only heed
/// that, SIGCONT so stopped jobs get to act on them.
const TERMINATE: [libc::c_int; 3] = [libc::SIGHUP, libc::SIGTERM, libc::SIGCONT];

/// SIGKILL rounds at most, and how long each waits for its processes to go.
const KILL_ROUNDS: usize = 8;
const KILL_WAIT: Duration = Duration::from_millis(100);

/// How often to look again for what is left, where the kernel has no pidfds
/// to wait on.
const POLL_WITHOUT_PIDFDS: Duration = Duration::from_millis(50);

/// One session's processes, as the three marks in the module comment find them.
pub(super) struct Tree {
    leader: i32,
    /// `CCMUX_RUN=<token>`, as it appears in /proc/PID/environ.
    mark: Vec<u8>,
    /// Whether the leader is still unreaped, so its pid is still ours.
    leader_unreaped: Box<dyn Fn() -> bool + Send>,
}

impl Tree {
    pub(super) fn new(
        leader: u32,
        mark: String,
        leader_unreaped: impl Fn() -> bool + Send + 'static,
    ) -> Self {
        Self {
            leader: i32::try_from(leader).unwrap_or(0),
            mark: mark.into_bytes(),
            leader_unreaped: Box::new(leader_unreaped),
        }
    }
}

/// Ends every process of `trees` (and, with `adopted`, every orphan this
/// process adopted: children that are neither session leaders nor in our own
/// Unix session, whatever their environment): TERMINATE at once, SIGKILL to
/// whatever is left after `grace`. Returns once all are gone or killed.
pub(super) fn end(trees: &[Tree], adopted: bool, grace: Duration) {
    let deadline = Instant::now() + grace;
    let mut kill_rounds = 0;
    loop {
        let found = Snapshot::take().members(trees, adopted);
        let left = deadline.saturating_duration_since(Instant::now());
        // Past the grace, SIGKILL until nothing is left: what is killed
        // cannot fork, but its children forked since the scan are found by
        // the next one.
        let (signals, wait) = if left.is_zero() {
            kill_rounds += 1;
            (&[libc::SIGKILL][..], KILL_WAIT)
        } else {
            (&TERMINATE[..], left)
        };
        let (live, pidfds) = signal(&found, signals);
        if live == 0 || kill_rounds > KILL_ROUNDS {
            return;
        }
        // Those that go meanwhile are found again only if they forked.
        if pidfds.len() == live {
            wait_gone(pidfds, wait);
        } else {
            std::thread::sleep(wait.min(POLL_WITHOUT_PIDFDS));
        }
    }
}

/// Every process, read once, with the session id each was started with.
struct Snapshot {
    procs: Vec<Proc>,
    /// pid → the `CCMUX_RUN=…` entry of its environment.
    marks: HashMap<i32, Vec<u8>>,
}

impl Snapshot {
    fn take() -> Self {
        let procs = scan();
        let marks = procs
            .iter()
            .filter(|p| !p.zombie)
            .filter_map(|p| Some((p.pid, session_mark(p.pid)?)))
            .collect();
        Self { procs, marks }
    }

    /// The live processes of `trees` (and adopted orphans), descendants included.
    fn members(&self, trees: &[Tree], adopted: bool) -> Vec<Proc> {
        let mut found: HashSet<i32> = HashSet::new();
        for tree in trees {
            let marked = |p: &Proc| self.marks.get(&p.pid) == Some(&tree.mark);
            // Asked after the scan: unreaped now means unreaped during it,
            // so the leader's id was its own in everything the scan saw.
            // Otherwise one of ours carrying the id proves it still is.
            let id = tree.leader;
            let id_is_ours = id > 0
                && ((tree.leader_unreaped)()
                    || self
                        .procs
                        .iter()
                        .any(|p| marked(p) && (p.sid == id || p.pgrp == id)));
            found.extend(
                self.procs
                    .iter()
                    .filter(|p| {
                        marked(p) || (id_is_ours && (p.pid == id || p.sid == id || p.pgrp == id))
                    })
                    .map(|p| p.pid),
            );
        }
        if adopted {
            let (me, own_sid) = (self_pid(), own_sid());
            let leaders = leaders();
            found.extend(
                self.procs
                    .iter()
                    .filter(|p| p.ppid == me && p.sid != own_sid && !leaders.contains(&p.pid))
                    .map(|p| p.pid),
            );
        }
        loop {
            let before = found.len();
            for p in &self.procs {
                if found.contains(&p.ppid) {
                    found.insert(p.pid);
                }
            }
            if found.len() == before {
                break;
            }
        }
        let me = self_pid();
        self.procs
            .iter()
            .filter(|p| found.contains(&p.pid) && !p.zombie && p.pid != me && p.pid > 1)
            .copied()
            .collect()
    }
}

/// Sends `signals` to each of `procs` that is still the process the scan saw.
/// Returns how many were, and pidfds of them to wait on (fewer where the
/// kernel has none).
fn signal(procs: &[Proc], signals: &[libc::c_int]) -> (usize, Vec<OwnedFd>) {
    let mut live = 0;
    let mut pidfds = Vec::new();
    for p in procs {
        let pidfd = pidfd_open(p.pid);
        // Gone already; any other failure (no pidfds in this kernel, no fds
        // left) falls back to kill.
        if pidfd.is_none() && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH) {
            continue;
        }
        // Checked once the pidfd holds the process: the pid cannot change
        // hands between this check and the signals.
        if !read_stat(p.pid).is_some_and(|now| now.start == p.start && !now.zombie) {
            continue;
        }
        for &signal in signals {
            match &pidfd {
                // SAFETY: pidfd_send_signal reads nothing but its arguments.
                Some(fd) => unsafe {
                    libc::syscall(
                        libc::SYS_pidfd_send_signal,
                        fd.as_raw_fd(),
                        signal,
                        std::ptr::null::<libc::siginfo_t>(),
                        0,
                    );
                },
                // A plain kill, right after the check.
                // SAFETY: kill has no memory effects.
                None => unsafe {
                    libc::kill(p.pid, signal);
                },
            }
        }
        live += 1;
        pidfds.extend(pidfd);
    }
    (live, pidfds)
}

/// Waits until every process behind `pidfds` has exited (a pidfd turns
/// readable then), at most `timeout`.
fn wait_gone(mut pidfds: Vec<OwnedFd>, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while !pidfds.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        let mut polled: Vec<libc::pollfd> = pidfds
            .iter()
            .map(|fd| libc::pollfd {
                fd: fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        let ms = libc::c_int::try_from(left.as_millis().max(1)).unwrap_or(libc::c_int::MAX);
        // SAFETY: poll writes only into the array we own, of the length given.
        let rc = unsafe { libc::poll(polled.as_mut_ptr(), polled.len() as libc::nfds_t, ms) };
        if rc < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return;
        }
        let exited: HashSet<i32> = polled
            .iter()
            .filter(|p| p.revents != 0)
            .map(|p| p.fd)
            .collect();
        pidfds.retain(|fd| !exited.contains(&fd.as_raw_fd()));
    }
}

fn pidfd_open(pid: i32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new fd or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    let fd = i32::try_from(fd).ok().filter(|fd| *fd >= 0)?;
    // SAFETY: the fd was just returned to us and nothing else owns it.
    Some(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn self_pid() -> i32 {
    i32::try_from(std::process::id()).unwrap_or(0)
}

/// Every process /proc shows now.
fn scan() -> Vec<Proc> {
    let Ok(dir) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter_map(read_stat)
        .collect()
}

fn read_stat(pid: i32) -> Option<Proc> {
    parse_stat(&fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// `pid (comm) state ppid pgrp session … starttime …` (proc(5)); the command
/// name may hold spaces and parentheses, so fields count from its last `)`.
fn parse_stat(stat: &str) -> Option<Proc> {
    let (head, tail) = stat.rsplit_once(')')?;
    let pid = head.split_once(' ')?.0.parse().ok()?;
    let fields: Vec<&str> = tail.split_whitespace().collect();
    Some(Proc {
        pid,
        zombie: matches!(*fields.first()?, "Z" | "X"),
        ppid: fields.get(1)?.parse().ok()?,
        pgrp: fields.get(2)?.parse().ok()?,
        sid: fields.get(3)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
    })
}

/// The variable that marks every process of one run of a session.
pub(super) const RUN_ENV: &str = "CCMUX_RUN";

/// The `CCMUX_RUN=…` entry `pid` was started with, if any. Other users'
/// processes cannot be read, and are not ours.
fn session_mark(pid: i32) -> Option<Vec<u8>> {
    let env = fs::read(format!("/proc/{pid}/environ")).ok()?;
    let prefix = format!("{RUN_ENV}=");
    env.split(|&b| b == 0)
        .find(|var| var.starts_with(prefix.as_bytes()))
        .map(<[u8]>::to_vec)
}

/// What `session_mark` finds for the processes of the run `run`.
pub(super) fn mark_of(run: &impl std::fmt::Display) -> String {
    format!("{RUN_ENV}={run}")
}

fn own_sid() -> i32 {
    // SAFETY: getsid(0) has no preconditions.
    unsafe { libc::getsid(0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stat_lines_whatever_the_command_name() {
        let line = "4242 (a) b (c)) S 1 4240 4239 34816 4240 4194560 107 0 0 0 0 0 0 0 \
                    20 0 1 0 987654 2330624 213 18446744073709551615";
        let p = parse_stat(line).unwrap();
        assert_eq!((p.pid, p.ppid, p.pgrp, p.sid), (4242, 1, 4240, 4239));
        assert_eq!(p.start, 987654);
        assert!(!p.zombie);
        assert!(parse_stat("12 (x) Z 1 12 12").is_none());
        let me = read_stat(self_pid()).unwrap();
        assert_eq!(me.pid, self_pid());
        assert!(me.start > 0);
    }

    #[test]
    fn reads_the_session_mark_from_the_environment() {
        use std::io::BufRead;
        let id = "0b9e7c3a-5d1f-4c61-9a56-2f0c1d2e3f40";
        // The shell stays the process (no exec after it speaks: during an
        // exec its environment cannot be read), waiting on its stdin.
        let mut child = std::process::Command::new("sh")
            .args(["-c", "echo started; read line"])
            .env(RUN_ENV, id)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Its environment is its own once it has started (a forked child
        // shows ours until it execs).
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let pid = child.id() as i32;
        assert_eq!(session_mark(pid), Some(mark_of(&id).into_bytes()));
        // Ours, unless the tests run inside a ccmux session.
        let own = std::env::var(RUN_ENV)
            .ok()
            .map(|id| mark_of(&id).into_bytes());
        assert_eq!(session_mark(self_pid()), own);
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
