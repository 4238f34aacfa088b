//! The shipped screen rules against screens captured from the real Claude Code
//! CLI (2.1.197, 120x40; see tests/data/screens), and against the footer
//! variants of 2.1.330 and 2.1.112.

use ccmux::status::{Rules, ScreenStatus};

const IDLE: &str = include_str!("data/screens/01-idle.txt");
const BUSY: &str = include_str!("data/screens/03-busy-spinner.txt");
const PERMISSION: &str = include_str!("data/screens/06-permission.txt");
const TOOL_DONE: &str = include_str!("data/screens/07-tool-done-idle.txt");
const INTERRUPTED: &str = include_str!("data/screens/10-interrupted-idle.txt");
const EXITED: &str = include_str!("data/screens/12-exited.txt");

fn status(screen: &str) -> Option<ScreenStatus> {
    Rules::default().classify(screen).map(|v| v.status)
}

fn rule(screen: &str) -> Option<String> {
    Rules::default()
        .classify(screen)
        .map(|v| v.rule.to_string())
}

/// `screen` with its footer line (the one holding `old`) rewritten.
fn footer(screen: &str, old: &str, new: &str) -> String {
    assert!(screen.contains(old), "fixture has no {old:?}");
    screen
        .lines()
        .map(|line| if line.contains(old) { new } else { line })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn idle_prompt() {
    assert_eq!(status(IDLE), Some(ScreenStatus::Idle));
}

#[test]
fn busy_spinner() {
    assert_eq!(status(BUSY), Some(ScreenStatus::Busy));
}

#[test]
fn permission_dialog() {
    let rules = Rules::default();
    let v = rules.classify(PERMISSION).unwrap();
    assert_eq!(v.status, ScreenStatus::Waiting);
    assert_eq!(v.reason, Some("needs permission"));
}

#[test]
fn permission_dialog_with_another_option_selected() {
    let moved = PERMISSION
        .replace(" ❯ 1. Yes", "   1. Yes")
        .replace("   3. No", " ❯ 3. No");
    assert_eq!(status(&moved), Some(ScreenStatus::Waiting));
}

#[test]
fn idle_after_a_tool_ran() {
    assert_eq!(status(TOOL_DONE), Some(ScreenStatus::Idle));
}

#[test]
fn idle_after_an_interrupt() {
    assert_eq!(status(INTERRUPTED), Some(ScreenStatus::Idle));
}

#[test]
fn interrupted_before_any_text_leaves_an_empty_footer() {
    let screen =
        footer(INTERRUPTED, "? for shortcuts", "").replace("❯\u{a0}", "❯ slow again please");
    assert_eq!(status(&screen), Some(ScreenStatus::Idle));
    assert_eq!(rule(&screen).as_deref(), Some("interrupted"));
}

#[test]
fn exit_confirmation_is_still_idle() {
    let screen = footer(IDLE, "? for shortcuts", "  Press Ctrl-C again to exit");
    assert_eq!(status(&screen), Some(ScreenStatus::Idle));
    assert_eq!(rule(&screen).as_deref(), Some("exit confirmation"));
}

#[test]
fn exited_screen_says_nothing() {
    // The resume hint below the last prompt is no status; the exit itself is
    // known from the process.
    assert_eq!(status(EXITED), None);
}

#[test]
fn version_2_1_330_footers() {
    let idle = footer(
        IDLE,
        "? for shortcuts",
        "  ⏸ manual mode on · ? for shortcuts",
    );
    assert_eq!(status(&idle), Some(ScreenStatus::Idle));
    let busy = footer(
        BUSY,
        "esc to interrupt",
        "  ⏸ manual mode on · esc to interrupt",
    );
    assert_eq!(status(&busy), Some(ScreenStatus::Busy));
}

#[test]
fn version_2_1_112_busy_footer() {
    let busy = footer(BUSY, "esc to interrupt", "  esc to interrupt");
    assert_eq!(status(&busy), Some(ScreenStatus::Busy));
}

#[test]
fn a_question_in_claudes_answer_is_not_a_dialog() {
    let answer = "● Do you want to proceed? Options:\n  1. Yes\n  2. No\n";
    let screen = IDLE.replacen("─", &format!("{answer}─"), 1);
    assert_eq!(status(&screen), Some(ScreenStatus::Idle));
}

#[test]
fn plan_approval_and_first_run_questions_wait() {
    let plan = " Claude has written up a plan and is ready to execute. Would you like to proceed?\n\n \
                ❯ 1. Yes, and auto-accept edits\n   2. Yes, and manually approve edits\n   3. No, keep planning\n";
    let trust = " Accessing workspace:\n /home/dev/work\n Quick safety check: Is this a project you \
                 created or one you trust?\n ❯ 1. Yes, I trust this folder\n   2. No, exit\n";
    let key = " Detected a custom API key in your environment\n Do you want to use this API key?\n   \
               1. Yes\n ❯ 2. No (recommended)\n";
    let rules = Rules::default();
    for (screen, reason) in [
        (plan, "has a plan to approve"),
        (trust, "asks whether to trust this folder"),
        (key, "asks whether to use the API key"),
    ] {
        let v = rules.classify(screen).unwrap();
        assert_eq!((v.status, v.reason), (ScreenStatus::Waiting, Some(reason)));
    }
}
