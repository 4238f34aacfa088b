//! The real Claude Code CLI in ccmux sessions, offline: our mock of the
//! Anthropic API (tests/bin/mock_anthropic/), a throw-away HOME in which
//! Claude skips its first-run screens and trusts the test's directories, and
//! a ccmux server of the test's own. Shared by the `claude_real*` tests.
//!
//! Needs the CLI: set CCMUX_CLAUDE_BIN to its path (`.ci/run` installs a
//! pinned version with npm and sets it). Without it the tests are skipped
//! with a message, unless CCMUX_REQUIRE_CLAUDE=1 (as in CI) makes that a
//! failure.
#![allow(dead_code)] // each test binary uses a different part of it

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{DEADLINE, Pty, ServerGuard, ccmux, ccmux_bin, example_bin, procs};

pub const PREFIX: &str = "\x11"; // Ctrl-q
const API_KEY: &str = "sk-ant-api03-ccmux-test-key-0000000000000000000000000000";
/// How long the mock's `slow` answer pings before it answers: long enough
/// to act while Claude is busy, short enough for CI.
const SLOW_SECONDS: &str = "3";

/// The CLI to run, or None (with a message) when it is not installed.
pub fn claude_bin() -> Option<PathBuf> {
    let bin = std::env::var_os("CCMUX_CLAUDE_BIN").map(PathBuf::from);
    match bin {
        Some(b) if b.exists() => Some(b),
        _ if std::env::var("CCMUX_REQUIRE_CLAUDE").as_deref() == Ok("1") => {
            panic!("CCMUX_REQUIRE_CLAUDE=1 but CCMUX_CLAUDE_BIN is not an installed CLI");
        }
        _ => {
            eprintln!(
                "skipped: the real Claude Code CLI is not installed. To run these tests:\n  \
                 npm install --prefix ~/.cache/ccmux-claude @anthropic-ai/claude-code@2.1.197\n  \
                 CCMUX_CLAUDE_BIN=~/.cache/ccmux-claude/node_modules/.bin/claude \
                 cargo test --test 'claude_real*'"
            );
            None
        }
    }
}

/// Types `prompt` into Claude and submits it. Enter goes once the prompt
/// shows what was typed: typed at once, Claude would take it all as a paste
/// and the Enter as a newline in it.
pub fn submit(pty: &mut Pty, prompt: &str) {
    pty.send(prompt);
    pty.wait_text(prompt);
    pty.send("\r");
}

/// Asks Claude `question` and waits for the mock's answer on screen.
pub fn ask(pty: &mut Pty, question: &str) -> String {
    submit(pty, question);
    pty.wait_text(&format!("Mock answer to: {question} MOCK-ANSWER-OK"))
}

/// The mock API on a free loopback port; killed on drop.
pub struct Mock {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Mock {
    fn start(dir: &Path) -> Mock {
        let port_file = dir.join("mock.port");
        let log = dir.join("mock.log");
        let child = Command::new(example_bin("mock-anthropic"))
            .args(["--port", "0", "--port-file"])
            .arg(&port_file)
            .arg("--log")
            .arg(&log)
            .env("MOCK_SLOW_SECONDS", SLOW_SECONDS)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mock-anthropic");
        let deadline = Instant::now() + DEADLINE;
        let port = loop {
            if let Some(port) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|s| s.trim().parse().ok())
            {
                break port;
            }
            assert!(Instant::now() < deadline, "the mock did not start");
            std::thread::sleep(Duration::from_millis(20));
        };
        Mock { child, port, log }
    }

    /// The requests answered so far, one JSON object each, in the order
    /// their answers ended.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    /// Waits for the main turn (not the title side call) that answered
    /// `prompt`, and returns its log record.
    pub fn wait_turn(&self, prompt: &str) -> Value {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let found = self
                .requests()
                .into_iter()
                .find(|r| r["prompt"] == prompt && r["behaviour"] != "title" && r["path"] != "/");
            if let Some(record) = found {
                return record;
            }
            assert!(
                Instant::now() < deadline,
                "the mock never answered {prompt:?}: {:#?}",
                self.requests()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn claude_version(bin: &Path) -> String {
    let out = Command::new(bin)
        .arg("--version")
        .output()
        .expect("claude --version");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or("0")
        .to_string()
}

/// Makes `home` one in which Claude Code skips its first-run screens and
/// trusts `dirs`, with a user settings file holding a hook of the user's
/// own (it appends every UserPromptSubmit payload to `user-hook.log`).
/// Returns the settings file.
fn prepare_home(home: &Path, dirs: &[PathBuf], version: &str) -> PathBuf {
    let projects: serde_json::Map<String, Value> = dirs
        .iter()
        .map(|d| {
            (
                d.canonicalize().unwrap().display().to_string(),
                serde_json::json!({
                    "hasTrustDialogAccepted": true,
                    "hasCompletedProjectOnboarding": true,
                    "projectOnboardingSeenCount": 1,
                    "allowedTools": []
                }),
            )
        })
        .collect();
    let config = serde_json::json!({
        "hasCompletedOnboarding": true,
        "lastOnboardingVersion": version,
        "theme": "dark",
        "numStartups": 1,
        // No `autoUpdates` here: Claude Code would migrate it into the user's
        // settings.json (DISABLE_AUTOUPDATER is in the environment instead).
        "hasSeenTasksHint": true,
        "hasSeenAutoDefaultNudge": true,
        "shiftEnterKeyBindingInstalled": true,
        "customApiKeyResponses": {
            "approved": [&API_KEY[API_KEY.len() - 20..]],
            "rejected": []
        },
        "projects": projects,
    });
    std::fs::write(home.join(".claude.json"), config.to_string()).unwrap();
    let settings_dir = home.join(".claude");
    std::fs::create_dir_all(&settings_dir).unwrap();
    let user_log = home.join("user-hook.log");
    let settings = serde_json::json!({
        "permissions": { "defaultMode": "default" },
        "hooks": {
            "UserPromptSubmit": [{ "hooks": [{
                "type": "command",
                "command": format!("cat >> '{}'", user_log.display())
            }]}]
        }
    });
    let path = settings_dir.join("settings.json");
    std::fs::write(&path, serde_json::to_string_pretty(&settings).unwrap()).unwrap();
    path
}

/// A test's world: its home with directories to run Claude in, the mock,
/// and its ccmux server, which is stopped on drop; then no process of the
/// test may be left (a Claude that outlived its server, say).
pub struct World {
    server: Option<ServerGuard>,
    pub claude: PathBuf,
    pub home: PathBuf,
    /// The settings file of the user's own.
    pub settings: PathBuf,
    pub mock: Mock,
    /// What Claude needs to run offline against the mock; every ccmux
    /// command gets it, so every session starts with it.
    env: Vec<(&'static str, String)>,
    _tmp: tempfile::TempDir,
}

impl World {
    /// A world with a directory for each of `dirs` in its home; None when
    /// the CLI is not installed (the test is skipped).
    pub fn new(dirs: &[&str]) -> Option<World> {
        let claude = claude_bin()?;
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().canonicalize().expect("canonicalize");
        let home = root.join("home");
        let dirs: Vec<PathBuf> = dirs.iter().map(|d| home.join(d)).collect();
        std::fs::create_dir_all(&home).expect("mkdir home");
        for d in &dirs {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        let settings = prepare_home(&home, &dirs, &claude_version(&claude));
        let mock = Mock::start(&root);
        let env = vec![
            ("ANTHROPIC_API_KEY", API_KEY.to_string()),
            (
                "ANTHROPIC_BASE_URL",
                format!("http://127.0.0.1:{}", mock.port),
            ),
            ("DISABLE_TELEMETRY", "1".into()),
            ("DISABLE_ERROR_REPORTING", "1".into()),
            ("DISABLE_AUTOUPDATER", "1".into()),
            ("DISABLE_BUG_COMMAND", "1".into()),
            ("DISABLE_INSTALLATION_CHECKS", "1".into()),
            ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1".into()),
            ("CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY", "1".into()),
            ("CLAUDE_CODE_IDE_SKIP_AUTO_INSTALL", "1".into()),
            ("NO_PROXY", "127.0.0.1,localhost".into()),
        ];
        Some(World {
            server: Some(ServerGuard(home.clone())),
            claude,
            home,
            settings,
            mock,
            env,
            _tmp: tmp,
        })
    }

    pub fn dir(&self, name: &str) -> PathBuf {
        self.home.join(name)
    }

    fn env(&self) -> Vec<(&str, &str)> {
        self.env.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }

    /// `ccmux --cmd CLAUDE DIR…` in a 120x40 terminal: a session per
    /// directory, attached.
    pub fn start(&self, dirs: &[&str]) -> Pty {
        let dirs: Vec<String> = dirs
            .iter()
            .map(|d| self.dir(d).display().to_string())
            .collect();
        let mut args = vec!["--cmd", self.claude.to_str().expect("utf-8")];
        args.extend(dirs.iter().map(String::as_str));
        Pty::spawn(
            &ccmux_bin(),
            &args,
            &self.home,
            &self.home,
            &self.env(),
            120,
            40,
        )
    }

    /// `ccmux attach` in a new 120x40 terminal.
    pub fn attach(&self) -> Pty {
        Pty::spawn(
            &ccmux_bin(),
            &["attach"],
            &self.home,
            &self.home,
            &self.env(),
            120,
            40,
        )
    }

    /// Runs `ccmux args…` to its end: stdout, stderr, exit code. One that
    /// has not ended within the deadline (a `send --wait` whose turn never
    /// ends) fails the test; the drop then ends it with the server.
    pub fn run(&self, args: &[&str]) -> (String, String, i32) {
        let home = self.home.clone();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let env = self.env.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let command = args.clone();
        std::thread::spawn(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let _ = tx.send(ccmux(&home, &args, &env));
        });
        let Ok(out) = rx.recv_timeout(DEADLINE) else {
            panic!(
                "`ccmux {}` did not end; the session shows:\n{}",
                command.join(" "),
                self.glance()
            );
        };
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code().unwrap_or(-1),
        )
    }

    /// Starts Claude in directory `name` without attaching; its ccmux id.
    pub fn new_session(&self, name: &str) -> String {
        let dir = self.dir(name);
        let claude = self.claude.to_str().expect("utf-8");
        let (out, err, code) = self.run(&["new", "--cmd", claude, dir.to_str().expect("utf-8")]);
        assert_eq!(code, 0, "{err}");
        out.lines().last().unwrap_or_default().trim().to_string()
    }

    /// `ccmux send ARGS…`, which must succeed: what it printed.
    pub fn send(&self, args: &[&str]) -> String {
        let mut all = vec!["send"];
        all.extend(args);
        let (out, err, code) = self.run(&all);
        assert_eq!(code, 0, "{out}{err}");
        out
    }

    pub fn ls(&self) -> Vec<Value> {
        crate::support::ls_json(&self.home, &self.env())
    }

    /// Polls `ccmux ls --json` until `pred` holds; returns that list.
    pub fn wait_ls(&self, what: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let glance = || format!("what the sessions show:\n{}", self.glance());
        crate::support::wait_ls(&self.home, &self.env(), what, pred, glance)
    }

    /// Where Claude keeps `conversation` (it names the file after it), once
    /// it has written it.
    pub fn transcript(&self, conversation: &str) -> Option<PathBuf> {
        std::fs::read_dir(self.home.join(".claude/projects"))
            .ok()?
            .filter_map(|project| Some(project.ok()?.path().join(format!("{conversation}.jsonl"))))
            .find(|path| path.exists())
    }

    /// Waits until Claude's transcript of `conversation` satisfies `pred`.
    pub fn wait_transcript(&self, conversation: &str, what: &str, pred: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let text = self
                .transcript(conversation)
                .and_then(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default();
            if pred(&text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; transcript:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the focused session shows now, seen by attaching for a moment:
    /// for a failure's message.
    pub fn glance(&self) -> String {
        let pty = self.attach();
        // Drawn once the status line (the last row) is there.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let screen = pty.screen();
            if screen.lines().count() >= 40 || Instant::now() >= deadline {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The processes of this test's ccmux: its server, clients and every
    /// session's, which all inherit the test's XDG_RUNTIME_DIR.
    pub fn processes(&self) -> Vec<i32> {
        procs::of_sandbox(&self.home)
    }

    /// What a crash, the OOM killer or a reboot does to the server.
    pub fn kill_server_hard(&self) {
        procs::kill_server_hard(&self.home);
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // kill-server returns once its server has ended; a session's
        // processes may take the stop's grace time longer.
        drop(self.server.take());
        let deadline = Instant::now() + DEADLINE;
        let mut left = self.processes();
        while !left.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            left = procs::alive(&left);
        }
        if left.is_empty() {
            return;
        }
        let what = procs::describe(&left);
        for pid in left {
            // SAFETY: kill has no memory effects.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        if !std::thread::panicking() {
            panic!("the test left processes behind: {what}");
        }
    }
}
