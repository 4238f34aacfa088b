//! The unit tests of the fake-claude test double. The double is an example
//! (so `cargo install` never installs it), and examples' own tests do not
//! run by default: its code is compiled here once more, its `main` unused.
//! The glob import lets its `crate::` paths resolve as in the example.
//!
//! Below them, the built double in a real PTY, for what only a process can
//! show: the transcript on disk that `--resume` reads back, and job control.
#![allow(dead_code)]

#[path = "bin/fake_claude/main.rs"]
mod double;
use double::*;

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{Pty, fake_claude_bin};

/// The fake in `dir` with `HOME` at `home`, hooks logging every payload to
/// `home/hooks.jsonl`.
fn spawn(dir: &Path, home: &Path, args: &[&str]) -> Pty {
    let log = home.join("hooks.jsonl");
    let hook = serde_json::json!([{"hooks": [{"type": "command",
        "command": format!("cat >> '{}'; echo >> '{}'", log.display(), log.display())}]}]);
    let settings = serde_json::json!({"hooks": {
        "SessionStart": hook, "SessionEnd": hook, "UserPromptSubmit": hook}})
    .to_string();
    let mut all = vec!["--no-queries", "--settings", &settings];
    all.extend(args);
    Pty::spawn(&fake_claude_bin(), &all, dir, home, &[], 100, 30)
}

/// The hook payloads so far, in order.
fn hook_log(home: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(home.join("hooks.jsonl")).unwrap_or_default();
    text.lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

fn transcript(home: &Path, dir: &Path, id: &str) -> PathBuf {
    let project: String = dir
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    home.join(".claude/projects")
        .join(project)
        .join(format!("{id}.jsonl"))
}

fn dirs() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let (dir, home) = (root.join("work"), root.join("home"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    (tmp, dir, home)
}

#[test]
fn a_conversation_is_resumed_with_its_prompts_then_cleared() {
    let (_tmp, dir, home) = dirs();
    let mut pty = spawn(&dir, &home, &["--session-id", "conv-1"]);
    pty.wait_text("conversation: conv-1");
    assert!(
        !transcript(&home, &dir, "conv-1").exists(),
        "nothing said, no transcript, as with Claude"
    );
    pty.type_line("hello");
    pty.wait_text("You said: hello");
    pty.type_line("again");
    pty.wait_text("You said: again");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    pty.wait_text("claude --resume conv-1");

    let mut pty = spawn(&dir, &home, &["--resume", "conv-1"]);
    // Announced once SessionStart's hooks have run.
    let screen = pty.wait_text("terminal: -");
    assert!(
        screen.contains("conversation: conv-1 (resumed)\nhistory: hello\nhistory: again\n"),
        "{screen}"
    );
    let start = hook_log(&home).pop().unwrap();
    assert_eq!(
        (
            &start["hook_event_name"],
            &start["source"],
            &start["session_id"]
        ),
        (&"SessionStart".into(), &"resume".into(), &"conv-1".into())
    );

    pty.type_line("/clear");
    let screen = pty.wait_for("a new conversation", |s| {
        s.lines()
            .any(|l| l.starts_with("conversation: ") && !l.contains("conv-1"))
    });
    assert!(!screen.contains("history: hello"), "the screen is wiped");
    let new_id = screen
        .lines()
        .find_map(|l| l.strip_prefix("conversation: "))
        .unwrap()
        .trim()
        .to_owned();
    let log = hook_log(&home);
    let [.., end, start] = &log[..] else {
        panic!("{log:?}")
    };
    assert_eq!(
        (&end["reason"], &end["session_id"]),
        (&"clear".into(), &"conv-1".into())
    );
    assert_eq!(start["source"], "clear");
    assert_eq!(start["session_id"], new_id.as_str());
    let path = transcript(&home, &dir, &new_id);
    assert_eq!(start["transcript_path"], path.to_str().unwrap());
    assert_eq!(
        double::transcript::prompts(&path).unwrap(),
        ["/clear"],
        "the new conversation can be resumed at once, as Claude's can"
    );
    assert_eq!(
        double::transcript::prompts(&transcript(&home, &dir, "conv-1")).unwrap(),
        ["hello", "again"]
    );
}

#[test]
fn resuming_an_unknown_conversation_fails_as_claude_does() {
    let (_tmp, dir, home) = dirs();
    let mut pty = spawn(&dir, &home, &["-r", "nope"]);
    pty.wait_text("No conversation found with session ID: nope");
    assert_eq!(pty.wait_exit(), 1);
    let log = hook_log(&home);
    let [end] = &log[..] else { panic!("{log:?}") };
    assert_eq!(
        (&end["hook_event_name"], &end["reason"]),
        (&"SessionEnd".into(), &"other".into())
    );
}

#[test]
fn a_session_id_whose_conversation_exists_is_refused_as_claude_does() {
    let (_tmp, dir, home) = dirs();
    let path = transcript(&home, &dir, "conv-1");
    double::transcript::record(&path, "conv-1", &dir, "hello").unwrap();
    let mut pty = spawn(&dir, &home, &["--session-id", "conv-1"]);
    pty.wait_text("Error: Session ID conv-1 is already in use.");
    assert_eq!(pty.wait_exit(), 1);
    assert_eq!(hook_log(&home), [] as [Value; 0], "no hook runs");
}

#[test]
fn ctrl_z_suspends_in_cooked_mode_until_continued() {
    let (_tmp, dir, home) = dirs();
    let mut pty = spawn(&dir, &home, &[]);
    pty.wait_text("? for shortcuts");
    pty.send("abc\x1a");
    pty.wait_text(double::app::SUSPENDED);
    assert!(pty.is_cooked(), "the terminal is given back");
    pty.signal(libc::SIGCONT);
    pty.wait_text(double::app::RESUMED);
    assert!(!pty.is_cooked(), "raw again");
    pty.send("\r");
    pty.wait_text("You said: abc");
}
