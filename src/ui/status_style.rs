//! How a session's status looks everywhere in the chrome: one glyph, one word
//! and one colour per status, so the tab bar, status line and table agree.
//!
//! The glyphs are geometric shapes every common monospace font has, each a
//! different shape, so the status reads without colour too.

use std::borrow::Cow;

use ratatui::style::Color;

use super::theme::Theme;
use crate::session::{SessionInfo, Status};

pub fn glyph(status: &Status) -> &'static str {
    match status {
        Status::Starting => "◌",
        Status::Running => "●",
        Status::Idle => "○",
        Status::Busy => "◐",
        Status::Waiting => "◆",
        Status::Exited(_) => "■",
        Status::Failed(_) => "×",
    }
}

/// The status in a word or two: `idle`, `exited 0`, `failed: no such file`.
pub fn word(status: &Status) -> Cow<'static, str> {
    match status {
        Status::Exited(code) => Cow::Owned(format!("exited {code}")),
        Status::Failed(why) if why.is_empty() => Cow::Borrowed("failed"),
        Status::Failed(why) => Cow::Owned(format!("failed: {why}")),
        other => Cow::Borrowed(kind(other)),
    }
}

/// The status with why it waits, where known: `waiting: needs permission
/// for Bash`.
pub fn describe(session: &SessionInfo) -> Cow<'static, str> {
    match (&session.status, &session.reason) {
        (Status::Waiting, Some(why)) => Cow::Owned(format!("waiting: {why}")),
        (status, _) => word(status),
    }
}

/// The status without its details, for counting sessions by status.
pub fn kind(status: &Status) -> &'static str {
    match status {
        Status::Starting => "starting",
        Status::Running => "running",
        Status::Idle => "idle",
        Status::Busy => "busy",
        Status::Waiting => "waiting",
        Status::Exited(_) => "exited",
        Status::Failed(_) => "failed",
    }
}

pub fn color(status: &Status, theme: &Theme) -> Color {
    match status {
        Status::Starting => theme.dim,
        // Alive and nothing more known: plain text, neither good nor bad.
        Status::Running => theme.chrome_fg,
        Status::Idle => theme.idle,
        Status::Busy => theme.busy,
        Status::Waiting => theme.waiting,
        Status::Exited(0) => theme.exited,
        // A program that died with an error is as much news as one that failed to start.
        Status::Exited(_) | Status::Failed(_) => theme.failed,
    }
}

/// One status of each kind, in the order a session goes through them.
pub fn kinds() -> [Status; 7] {
    [
        Status::Starting,
        Status::Running,
        Status::Idle,
        Status::Busy,
        Status::Waiting,
        Status::Exited(0),
        Status::Failed(String::new()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_carry_the_details() {
        assert_eq!(word(&Status::Exited(0)), "exited 0");
        assert_eq!(word(&Status::Exited(130)), "exited 130");
        assert_eq!(
            word(&Status::Failed("no such file".into())),
            "failed: no such file"
        );
        assert_eq!(word(&Status::Failed(String::new())), "failed");
        assert_eq!(word(&Status::Busy), "busy");
    }

    #[test]
    fn waiting_says_why() {
        let mut s = crate::ui::fixtures::session(1, "/x", Status::Waiting);
        assert_eq!(describe(&s), "waiting");
        s.reason = Some("needs permission for Bash".into());
        assert_eq!(describe(&s), "waiting: needs permission for Bash");
        s.status = Status::Idle;
        assert_eq!(describe(&s), "idle");
    }

    #[test]
    fn glyphs_are_distinct_and_one_cell_wide() {
        let all = kinds();
        let glyphs: std::collections::HashSet<_> = all.iter().map(glyph).collect();
        assert_eq!(glyphs.len(), all.len());
        assert!(glyphs.iter().all(|g| super::super::text::width(g) == 1));
    }
}
