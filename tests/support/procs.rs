//! The processes of a test's sandbox, found in /proc by the
//! `XDG_RUNTIME_DIR` every one of them inherits (the server, its clients and
//! every session's programs), and the server among them.

use std::path::Path;
use std::time::{Duration, Instant};

use super::DEADLINE;

/// Every live process of the sandbox in `home`.
pub fn of_sandbox(home: &Path) -> Vec<i32> {
    let runtime = format!("XDG_RUNTIME_DIR={}", home.join("run").display());
    std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            env.split(|b| *b == 0).any(|v| v == runtime.as_bytes())
        })
        .collect()
}

/// The sandbox's `ccmux server`.
pub fn server_pid(home: &Path) -> i32 {
    of_sandbox(home)
        .into_iter()
        .find(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            cmd.split(|b| *b == 0).any(|a| a == b"server")
        })
        .expect("the server runs")
}

/// What a crash, the OOM killer or a reboot does to the server.
pub fn kill_server_hard(home: &Path) {
    let pid = server_pid(home);
    // SAFETY: kill has no memory effects.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    wait_gone(&[pid], "the server to die");
}

/// Waits until none of `pids` is alive (a zombie counts as gone: it runs
/// nothing). Panics naming what lingers.
pub fn wait_gone(pids: &[i32], what: &str) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let alive = alive(pids);
        if alive.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: still running {}",
            describe(&alive)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Those of `pids` that still run: any of their threads not yet a zombie. A killed process's
/// first thread can be a zombie while the others still exit, and they hold its open files (its
/// listening socket too, which then takes connections and resets them) until the last goes.
pub fn alive(pids: &[i32]) -> Vec<i32> {
    let running = |stat: String| !stat.rsplit(')').next().unwrap_or("").starts_with(" Z");
    pids.iter()
        .copied()
        .filter(|pid| {
            std::fs::read_dir(format!("/proc/{pid}/task")).is_ok_and(|mut threads| {
                threads.any(|t| {
                    t.ok()
                        .and_then(|t| std::fs::read_to_string(t.path().join("stat")).ok())
                        .is_some_and(running)
                })
            })
        })
        .collect()
}

/// `pids` with their command lines, for a failure message.
pub fn describe(pids: &[i32]) -> String {
    pids.iter()
        .map(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            format!("{pid} ({})", cmd.chars().take(120).collect::<String>())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
