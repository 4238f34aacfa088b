//! The real Claude Code CLI, offline against our mock of the Anthropic API,
//! in ccmux sessions: statuses come from the hooks ccmux injects, and the
//! user's own settings stay untouched. See tests/real_claude for what it
//! needs (CCMUX_CLAUDE_BIN).

mod real_claude;
mod support;

use real_claude::{PREFIX, World};

/// The tab bar shows tab `n` of directory `name` with `glyph` (see
/// ui::status_style: ○ idle, ◐ busy, ◆ waiting).
fn tab(n: usize, glyph: &str, name: &str) -> String {
    format!("{n} {glyph} {name}")
}

#[test]
fn hooks_report_idle_busy_waiting_and_attention() {
    let Some(w) = World::new(&["a", "b"]) else {
        return;
    };
    let settings_before = std::fs::read(&w.settings).unwrap();
    let mut pty = w.start(&["a", "b"]);

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
    assert_eq!(std::fs::read(&w.settings).unwrap(), settings_before);
    let user_log = std::fs::read_to_string(w.home.join("user-hook.log")).unwrap_or_default();
    assert!(user_log.contains("please use the tool"), "{user_log}");

    pty.send(format!("{PREFIX}q"));
    pty.wait_text("Quit ccmux");
    pty.send("y");
    assert_eq!(pty.wait_exit(), 0);
}
