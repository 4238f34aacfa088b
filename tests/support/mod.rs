//! Test support: run a program in a real PTY and read its screen as a user
//! would see it, with a terminal that answers queries like a real one.
#![allow(dead_code)] // each test binary uses a different part of it

pub mod fake_world;
pub mod procs;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use ccmux::session::{Alert, Term};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// The variables that keep a ccmux run inside `home`: its config, data,
/// state, and its server's socket (so every test has its own server).
pub fn sandbox_env(home: &Path) -> Vec<(&'static str, PathBuf)> {
    let run = home.join("run");
    // The socket directory's parent must exist, as XDG_RUNTIME_DIR does.
    std::fs::create_dir_all(&run).expect("mkdir run");
    vec![
        ("HOME", home.to_path_buf()),
        ("XDG_CONFIG_HOME", home.join(".config")),
        ("XDG_DATA_HOME", home.join(".local/share")),
        ("XDG_STATE_HOME", home.join(".local/state")),
        ("XDG_RUNTIME_DIR", run),
    ]
}

/// Runs `ccmux args…` to its end in the sandbox `home`, as a script would.
pub fn ccmux(home: &Path, args: &[&str], extra_env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(ccmux_bin());
    cmd.args(args).current_dir(home).env_clear();
    for var in ["PATH", "LANG", "LC_ALL", "USER"] {
        if let Some(v) = std::env::var_os(var) {
            cmd.env(var, v);
        }
    }
    cmd.envs(sandbox_env(home));
    cmd.envs(extra_env.iter().copied());
    cmd.stdin(std::process::Stdio::null());
    cmd.output().expect("run ccmux")
}

/// `ccmux ls --json` in `home`'s sandbox: its sessions.
pub fn ls_json(home: &Path, extra_env: &[(&str, &str)]) -> Vec<serde_json::Value> {
    let out = ccmux(home, &["ls", "--json"], extra_env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("ls --json prints an array")
}

/// Reads `ls --json` in `home`'s sandbox until `pred` holds of it; returns
/// that list. Fails after `DEADLINE` with `what` and `glance()`, what the
/// sessions show.
pub fn wait_ls(
    home: &Path,
    extra_env: &[(&str, &str)],
    what: &str,
    pred: impl Fn(&[serde_json::Value]) -> bool,
    glance: impl Fn() -> String,
) -> Vec<serde_json::Value> {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let list = ls_json(home, extra_env);
        if pred(&list) {
            return list;
        }
        if Instant::now() >= deadline {
            panic!("timed out waiting for {what}: {list:#?}\n{}", glance());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A canonical home in a new temporary directory, with `dirs` made in it.
pub fn temp_home<const N: usize>(dirs: [&str; N]) -> (tempfile::TempDir, PathBuf, [PathBuf; N]) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp
        .path()
        .canonicalize()
        .expect("canonicalize")
        .join("home");
    let dirs = dirs.map(|d| home.join(d));
    for d in std::iter::once(&home).chain(&dirs) {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    (tmp, home, dirs)
}

/// A temporary home with two project directories, `api` and `web`, whose
/// server (if a test starts one) is stopped when it is dropped. Its paths
/// are canonical, so they match what sessions report.
pub struct Sandbox {
    // Declared first, so the server is stopped before its home goes.
    _server: ServerGuard,
    _tmp: tempfile::TempDir,
    pub home: PathBuf,
    pub api: PathBuf,
    pub web: PathBuf,
}

impl Sandbox {
    pub fn new() -> Self {
        let (tmp, home, [api, web]) = temp_home(["api", "web"]);
        Sandbox {
            _server: ServerGuard(home.clone()),
            _tmp: tmp,
            home,
            api,
            web,
        }
    }
}

/// Stops the sandbox's server, if one runs, when dropped: no test leaves a
/// server (or its sessions) behind.
pub struct ServerGuard(pub PathBuf);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = ccmux(&self.0, &["kill-server"], &[]);
    }
}

/// Generous: tests wait on conditions, and a loaded 2-core CI box is slow.
pub const DEADLINE: Duration = Duration::from_secs(30);

pub fn ccmux_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ccmux"))
}

/// A test double: an example (never installed), which `cargo test` builds
/// beside the binaries.
pub fn example_bin(name: &str) -> PathBuf {
    let path = ccmux_bin()
        .parent()
        .expect("the target directory")
        .join("examples")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: run the whole `cargo test`, or `cargo build --examples` first",
        path.display()
    );
    path
}

pub fn fake_claude_bin() -> PathBuf {
    example_bin("fake-claude")
}

struct State {
    term: Term,
    /// Bytes the program has written so far.
    bytes: u64,
    eof: bool,
    /// BELs (and desktop notifications) the program sent its terminal.
    alerts: usize,
    /// The last OSC 52 clipboard copy (base64), if any.
    clipboard: Option<Vec<u8>>,
    /// Desktop notifications (OSC 9/99/777) the program sent, in order.
    notifications: Vec<String>,
}

pub struct Pty {
    state: Arc<(Mutex<State>, Condvar)>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
}

impl Pty {
    /// Starts `program` in a `cols` x `rows` PTY. `env` is added to a minimal
    /// environment with HOME and XDG dirs pointing into `home`, so the user's
    /// own config and data are never read or written.
    pub fn spawn(
        program: &Path,
        args: &[&str],
        cwd: &Path,
        home: &Path,
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env_clear();
        for var in ["PATH", "LANG", "LC_ALL", "USER"] {
            if let Some(v) = std::env::var_os(var) {
                cmd.env(var, v);
            }
        }
        cmd.env("TERM", "xterm-256color");
        for (k, v) in sandbox_env(home) {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = Arc::new(Mutex::new(pair.master.take_writer().expect("writer")));
        let state = Arc::new((
            Mutex::new(State {
                term: Term::new(rows, cols, 1000),
                bytes: 0,
                eof: false,
                alerts: 0,
                clipboard: None,
                notifications: Vec::new(),
            }),
            Condvar::new(),
        ));
        let (st, replies_to) = (state.clone(), writer.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let (lock, cv) = &*st;
                let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
                s.term.process(&buf[..n]);
                s.bytes += n as u64;
                match s.term.take_alert() {
                    Some(Alert::Notification(text)) => {
                        s.alerts += 1;
                        s.notifications.push(text);
                    }
                    Some(Alert::Bell) => s.alerts += 1,
                    None => {}
                }
                if let Some(copy) = s.term.take_clipboard() {
                    s.clipboard = Some(copy);
                }
                // Answer queries the way a real terminal does.
                let replies = s.term.take_replies();
                if !replies.is_empty() {
                    let _ = replies_to
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .write_all(&replies);
                }
                cv.notify_all();
            }
            let (lock, cv) = &*st;
            lock.lock().unwrap_or_else(|e| e.into_inner()).eof = true;
            cv.notify_all();
        });
        Pty {
            state,
            writer,
            child,
            master: pair.master,
        }
    }

    pub fn send(&mut self, bytes: impl AsRef<[u8]>) {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        w.write_all(bytes.as_ref()).expect("write to pty");
        w.flush().expect("flush pty");
    }

    /// Types text and presses Enter, as a person would.
    pub fn type_line(&mut self, text: &str) {
        self.send(text);
        self.send("\r");
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
        let (lock, _) = &*self.state;
        lock.lock()
            .unwrap_or_else(|e| e.into_inner())
            .term
            .set_size(rows, cols);
    }

    /// The screen's text, rows joined by newlines.
    pub fn screen(&self) -> String {
        let (lock, _) = &*self.state;
        lock.lock()
            .unwrap_or_else(|e| e.into_inner())
            .term
            .screen()
            .contents()
    }

    /// Bytes the program has written so far.
    pub fn bytes(&self) -> u64 {
        let (lock, _) = &*self.state;
        lock.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }

    /// Waits until `done` holds of the screen and the bytes written so far,
    /// or `until` passes; says whether it held.
    pub fn wait_until(&self, until: Instant, done: impl Fn(&vt100::Screen, u64) -> bool) -> bool {
        let (lock, cv) = &*self.state;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if done(s.term.screen(), s.bytes) {
                return true;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            s = cv
                .wait_timeout(s, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Calls `f` with the parsed screen.
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        let (lock, _) = &*self.state;
        f(lock.lock().unwrap_or_else(|e| e.into_inner()).term.screen())
    }

    /// Waits until `pred` holds for the screen text; panics with the screen
    /// when it does not within the deadline.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let (lock, cv) = &*self.state;
        let deadline = Instant::now() + DEADLINE;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let text = s.term.screen().contents();
            if pred(&text) {
                return text;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!("timed out waiting for {what}; screen:\n{text}");
            }
            s = cv.wait_timeout(s, left).unwrap().0;
        }
    }

    pub fn wait_text(&self, needle: &str) -> String {
        self.wait_for(&format!("{needle:?}"), |s| s.contains(needle))
    }

    /// How many bells and notifications the program has sent so far.
    pub fn alerts(&self) -> usize {
        let (lock, _) = &*self.state;
        lock.lock().unwrap_or_else(|e| e.into_inner()).alerts
    }

    /// Waits for the program to exit and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "program did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The desktop notifications the program has sent so far.
    pub fn notifications(&self) -> Vec<String> {
        let (lock, _) = &*self.state;
        lock.lock()
            .unwrap_or_else(|e| e.into_inner())
            .notifications
            .clone()
    }

    /// Waits for the program's first OSC 52 clipboard copy and returns it
    /// (base64).
    pub fn wait_clipboard(&self) -> Vec<u8> {
        let (lock, cv) = &*self.state;
        let deadline = Instant::now() + DEADLINE;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(copy) = &s.clipboard {
                return copy.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no OSC 52 copy reached the terminal");
            s = cv
                .wait_timeout(s, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Waits until the program has sent more than `seen` bells or
    /// notifications.
    pub fn wait_alert_after(&self, seen: usize) {
        let (lock, cv) = &*self.state;
        let deadline = Instant::now() + DEADLINE;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        while s.alerts <= seen {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "no bell or notification reached the terminal"
            );
            s = cv
                .wait_timeout(s, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Sends `signal` to the program.
    pub fn signal(&self, signal: libc::c_int) {
        let pid = self.child.process_id().expect("pid") as libc::pid_t;
        // SAFETY: kill has no memory effects.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill");
    }

    /// Whether the terminal is in cooked mode (line editing and echo on), as
    /// a shell expects it: raw mode left behind would break the user's shell.
    pub fn is_cooked(&self) -> bool {
        let fd = self.master.as_raw_fd().expect("pty fd");
        // SAFETY: tcgetattr writes only into the termios we own; on Linux the
        // master side reports the terminal's (slave's) settings.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0, "tcgetattr");
        t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
    }

    /// Everything the program wrote is parsed and the PTY closed.
    pub fn wait_eof(&self) {
        let (lock, cv) = &*self.state;
        let deadline = Instant::now() + DEADLINE;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        while !s.eof {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no EOF");
            s = cv.wait_timeout(s, left).unwrap().0;
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
