//! The real Claude Code CLI, offline against our mock of the Anthropic API
//! (tests/bin/mock_anthropic/), in ccmux sessions: statuses come from the
//! hooks ccmux injects, and the user's own settings stay untouched.
//!
//! Needs the CLI: set CCMUX_CLAUDE_BIN to its path (`.ci/run` installs a
//! pinned version with npm and sets it). Without it these tests are skipped
//! with a message, unless CCMUX_REQUIRE_CLAUDE=1 (as in CI) makes that a
//! failure.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{DEADLINE, Pty, ServerGuard, ccmux_bin, example_bin};

const PREFIX: &str = "\x11"; // Ctrl-q
const API_KEY: &str = "sk-ant-api03-ccmux-test-key-0000000000000000000000000000";

fn claude_bin() -> Option<PathBuf> {
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
                 CCMUX_CLAUDE_BIN=~/.cache/ccmux-claude/node_modules/.bin/claude cargo test --test claude_real"
            );
            None
        }
    }
}

/// The mock API on a free loopback port; killed on drop.
struct Mock {
    child: Child,
    port: u16,
}

impl Mock {
    fn start(dir: &Path) -> Mock {
        let port_file = dir.join("mock.port");
        let child = Command::new(example_bin("mock-anthropic"))
            .args(["--port", "0", "--port-file"])
            .arg(&port_file)
            .arg("--log")
            .arg(dir.join("mock.log"))
            .env("MOCK_SLOW_SECONDS", "3")
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
        Mock { child, port }
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

/// A throw-away HOME in which Claude Code skips its first-run screens and
/// trusts `dirs`, with a user settings file holding a hook of the user's own.
fn prepare_home(home: &Path, dirs: &[&Path], version: &str) -> PathBuf {
    let projects: serde_json::Map<String, serde_json::Value> = dirs
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

fn start(home: &Path, claude: &Path, mock: &Mock, dirs: &[&Path]) -> Pty {
    let base_url = format!("http://127.0.0.1:{}", mock.port);
    let env = [
        ("ANTHROPIC_API_KEY", API_KEY),
        ("ANTHROPIC_BASE_URL", base_url.as_str()),
        ("DISABLE_TELEMETRY", "1"),
        ("DISABLE_ERROR_REPORTING", "1"),
        ("DISABLE_AUTOUPDATER", "1"),
        ("DISABLE_BUG_COMMAND", "1"),
        ("DISABLE_INSTALLATION_CHECKS", "1"),
        ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"),
        ("CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY", "1"),
        ("CLAUDE_CODE_IDE_SKIP_AUTO_INSTALL", "1"),
        ("NO_PROXY", "127.0.0.1,localhost"),
    ];
    let mut args = vec!["--cmd", claude.to_str().unwrap()];
    args.extend(dirs.iter().map(|d| d.to_str().unwrap()));
    Pty::spawn(&ccmux_bin(), &args, home, home, &env, 120, 40)
}

/// The tab bar shows tab `n` of directory `name` with `glyph` (see
/// ui::status_style: ○ idle, ◐ busy, ◆ waiting).
fn tab(n: usize, glyph: &str, name: &str) -> String {
    format!("{n} {glyph} {name}")
}

#[test]
fn hooks_report_idle_busy_waiting_and_attention() {
    let Some(claude) = claude_bin() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let home = root.join("home");
    let (a, b) = (home.join("a"), home.join("b"));
    for d in [&home, &a, &b] {
        std::fs::create_dir_all(d).unwrap();
    }
    // Stops this test's server (and its sessions) whatever happens below.
    let _server = ServerGuard(home.clone());
    let settings = prepare_home(&home, &[&a, &b], &claude_version(&claude));
    let settings_before = std::fs::read(&settings).unwrap();
    let mock = Mock::start(&root);
    let mut pty = start(&home, &claude, &mock, &[&a, &b]);

    // Both reach idle (SessionStart).
    pty.wait_for("both sessions idle", |s| {
        s.contains(&tab(1, "○", "a")) && s.contains(&tab(2, "○", "b"))
    });
    pty.wait_text("? for shortcuts");

    // A prompt makes session 1 busy, then idle, with the prompt as its task.
    // Enter once the prompt shows what was typed: typed at once, Claude
    // would take it all as a paste and the Enter as a newline in it.
    pty.send("please be slow");
    pty.wait_text("please be slow");
    pty.send("\r");
    pty.wait_text(&tab(1, "◐", "a"));
    pty.wait_text("MOCK-SLOW-DONE");
    pty.wait_text(&tab(1, "○", "a"));
    pty.send(format!("{PREFIX}s"));
    pty.wait_for("the table with the prompt as task", |s| {
        s.contains("2 sessions: 2 idle") && s.contains("TASK") && s.contains("please be slow")
    });
    pty.send("\x1b");
    pty.wait_for("the table to close", |s| !s.contains("TASK"));

    // A tool call in session 2 while session 1 is focused: waiting, marked
    // for attention, and the host terminal hears a bell.
    pty.send("\x1b2");
    pty.wait_text("~/b");
    pty.send("please use the tool");
    pty.wait_text("please use the tool");
    pty.send("\r");
    pty.wait_text(&tab(2, "◐", "b"));
    let bells_before = pty.alerts();
    pty.send("\x1b1");
    let screen = pty.wait_text(&format!("{} !", tab(2, "◆", "b")));
    assert!(!screen.contains("Do you want to proceed?"), "{screen}");
    pty.wait_alert_after(bells_before);
    pty.send(format!("{PREFIX}s"));
    pty.wait_for("the table to say waiting", |s| {
        s.contains("waiting: needs permission for Bash")
            && s.contains("TASK")
            && s.contains("please use the tool")
    });
    pty.send("\x1b");
    pty.wait_for("the table to close", |s| !s.contains("TASK"));

    // The jump key lands on it; approving makes it busy, then idle.
    pty.send(format!("{PREFIX}a"));
    pty.wait_text("Do you want to proceed?");
    pty.send("\r");
    pty.wait_text("MOCK-TOOL-DONE");
    pty.wait_text(&tab(2, "○", "b"));
    assert!(
        !pty.screen().contains(&format!("{} !", tab(2, "○", "b"))),
        "attention stays after focus"
    );

    // The user's settings are byte-for-byte what they were, and their own
    // hook still ran alongside ours.
    assert_eq!(std::fs::read(&settings).unwrap(), settings_before);
    let user_log = std::fs::read_to_string(home.join("user-hook.log")).unwrap_or_default();
    assert!(user_log.contains("please use the tool"), "{user_log}");

    pty.send(format!("{PREFIX}q"));
    pty.wait_text("Quit ccmux");
    pty.send("y");
    assert_eq!(pty.wait_exit(), 0);
}
