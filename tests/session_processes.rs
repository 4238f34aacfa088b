//! What sessions leave behind in the OS: open file descriptors, and the
//! processes their programs started. Real PTYs, real processes.
//!
//! The tests share this process's fd table and its adopted orphans, so they
//! run one at a time.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ccmux::session::{Launch, Registry, SessionId, reap_orphans};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const PATIENCE: Duration = Duration::from_secs(30);
/// Short, so the tests do not wait out the real grace for what ignores SIGTERM.
const GRACE: Duration = Duration::from_millis(300);

fn registry(script: &str) -> Registry {
    let launch = Launch {
        program: "sh".into(),
        args: vec!["-c".into(), script.into()],
        env: Vec::new(),
        scrollback: 100,
        claude: false,
        claude_hooks: None,
    };
    Registry::new(launch, 24, 80).0
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "waited in vain for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The pid a script wrote to `dir/name`, once it has.
fn pid_in(dir: &Path, name: &str) -> i32 {
    let path = dir.join(name);
    let mut pid = None;
    wait_until(&format!("{name}'s pid"), || {
        pid = std::fs::read_to_string(&path)
            .ok()
            .and_then(|s| s.trim().parse().ok());
        pid.is_some()
    });
    pid.unwrap_or_default()
}

/// Running or stopped, not a zombie and not gone.
fn alive(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next());
    !matches!(state, Some("Z" | "X") | None)
}

fn assert_all_gone(pids: &[i32]) {
    wait_until(&format!("{pids:?} to end"), || {
        !pids.iter().any(|&pid| alive(pid))
    });
    // They were ours to reap, if their parents went first.
    reap_orphans();
}

/// Kills the test's processes when it ends, passed or failed.
struct KillOnDrop(Vec<i32>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        for &pid in &self.0 {
            if alive(pid) {
                // SAFETY: kill has no memory effects; these are the test's own.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
    }
}

fn open_fds() -> Vec<String> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .map(|target| target.display().to_string())
        .collect()
}

#[test]
fn sessions_that_ended_leave_no_fds_open() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let mut registry = registry("exit 0");
    let before = open_fds();
    for _ in 0..30 {
        let id = registry.spawn(dir.path().to_path_buf());
        wait_until("the program to end", || {
            !registry.get(id).unwrap().status().is_live()
        });
        // Its threads close what they hold as they end.
        assert!(registry.close(id));
    }
    let mut now = Vec::new();
    wait_until("the fds to be closed", || {
        now = open_fds();
        now.len() <= before.len()
    });
    assert!(!now.iter().any(|fd| fd == "/dev/ptmx"), "{now:?}");
}

/// Starts `script` (which writes the pids the test looks at into files
/// named in `names`, in its directory), and returns the session and pids.
fn start(
    script: &str,
    names: &[&str],
) -> (Registry, SessionId, tempfile::TempDir, Vec<i32>, KillOnDrop) {
    let dir = tempfile::tempdir().unwrap();
    let mut registry = registry(script);
    let id = registry.spawn(dir.path().to_path_buf());
    let pids: Vec<i32> = names.iter().map(|n| pid_in(dir.path(), n)).collect();
    let guard = KillOnDrop(pids.clone());
    assert!(pids.iter().all(|&p| alive(p)), "{pids:?}");
    (registry, id, dir, pids, guard)
}

#[test]
fn stop_ends_children_that_ignore_hangup_and_terminate() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (registry, id, _dir, pids, _kill) = start(
        "sh -c 'trap \"\" HUP TERM; echo $$ > child; exec sleep 1004' & \
         echo $$ > leader; exec sleep 1005",
        &["child", "leader"],
    );
    registry.get(id).unwrap().stop(GRACE);
    assert_all_gone(&pids);
}

#[test]
fn stop_ends_a_grandchild_in_a_session_of_its_own() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (registry, id, _dir, pids, _kill) = start(
        "setsid sh -c 'echo $$ > away; exec sleep 1006' & \
         echo $$ > leader; exec sleep 1007",
        &["away", "leader"],
    );
    registry.get(id).unwrap().stop(GRACE);
    assert_all_gone(&pids);
}

#[test]
fn closing_an_ended_session_ends_what_its_program_left_running() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // Orphaned once the shell exits: no ancestry, but the session's mark.
    // The shell waits for it to leave its group, or the hangup at its exit
    // could end it first.
    let (mut registry, id, _dir, pids, _kill) = start(
        "setsid sh -c 'echo $$ > left; exec sleep 1008' </dev/null >/dev/null 2>&1 & \
         until [ -s left ]; do :; done",
        &["left"],
    );
    wait_until("the program to end", || {
        !registry.get(id).unwrap().status().is_live()
    });
    assert!(alive(pids[0]));
    assert!(registry.close(id));
    assert_all_gone(&pids);
}

#[test]
fn quitting_ends_orphans_that_dropped_the_mark() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // A daemon with a clean environment, in a session of its own, whose
    // parent is gone: only adoption ties it to us.
    let (registry, _id, _dir, pids, _kill) = start(
        "env -i setsid sh -c 'sh -c \"echo \\$\\$ > daemon; exec sleep 1009\" & exit' \
         </dev/null >/dev/null 2>&1; echo $$ > leader; exec sleep 1010",
        &["daemon", "leader"],
    );
    registry.stop_all();
    assert_all_gone(&pids);
}

/// A restarted session keeps its id, but not its processes' mark: sweeping
/// what its last run left (here a child that ignores SIGTERM, so the sweep
/// runs until SIGKILL after the grace) never touches the new run.
#[test]
fn restarting_ends_what_the_last_run_left_and_never_the_new_run() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut registry, id, dir, pids, _kill) = start(
        "if [ -e left ]; then echo $$ > second; exec sleep 1010; fi; \
         setsid sh -c 'trap \"\" HUP TERM; echo $$ > left; exec sleep 1009' \
           </dev/null >/dev/null 2>&1 & \
         until [ -s left ]; do :; done",
        &["left"],
    );
    wait_until("the first run to end", || {
        !registry.get(id).unwrap().status().is_live()
    });
    assert!(registry.restart(id, None));
    let second = pid_in(dir.path(), "second");
    let _kill_second = KillOnDrop(vec![second]);
    assert_all_gone(&pids);
    let session = registry.get(id).unwrap();
    assert!(session.status().is_live());
    assert!(alive(second), "the sweep of the last run ended the new one");
}
