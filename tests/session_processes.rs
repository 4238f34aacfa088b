//! What sessions leave behind in the OS: open file descriptors. Real PTYs,
//! real processes.
//!
//! The tests share this process's fd table, so they run one at a time.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use ccmux::session::{Launch, Registry};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const PATIENCE: Duration = Duration::from_secs(30);

fn registry(script: &str) -> Registry {
    let launch = Launch {
        program: "sh".into(),
        args: vec!["-c".into(), script.into()],
        env: Vec::new(),
        scrollback: 100,
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
