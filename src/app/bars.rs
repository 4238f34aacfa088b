//! What the tab bar and the status line show, as a value: two frames whose bars have equal
//! `Bars` draw the same bars, so a frame over the last one (`redraw`) leaves them as they are.
//! A key echo changes a screen row and nothing the bars show; redrawing them every frame was
//! more than half of such a frame's cost (`cargo bench --bench render`). Every field the bars
//! read is here, so the bars can never stay behind what they show (a status, a name, an
//! attention mark, a message); `tests/draw_paths.rs` fails when one is left out.

use std::path::PathBuf;

use ratatui::layout::Rect;

use super::App;
use crate::session::{SessionInfo, Status};

#[derive(Debug, PartialEq, Eq)]
pub(super) struct Bars {
    areas: [Rect; 2],
    focus_index: usize,
    /// Each tab's status glyph, attention mark and name (its number is its place).
    tabs: Vec<(Status, bool, String)>,
    /// The focused session's line: status and why, directory, the id shown.
    focused: Option<(Status, Option<String>, PathBuf, String)>,
    message: Option<String>,
    show_full_id: bool,
}

impl Bars {
    /// The bars `app` draws in `tabs` and `status` from `infos`, outside copy mode (the only
    /// way a frame is drawn over the last one).
    pub(super) fn of(app: &App, infos: &[SessionInfo], tabs: Rect, status: Rect) -> Bars {
        let focused = app.focused.and(infos.get(app.focus_index));
        Bars {
            areas: [tabs, status],
            focus_index: app.focus_index,
            tabs: infos
                .iter()
                .map(|s| (s.status.clone(), s.attention, s.name.clone()))
                .collect(),
            focused: focused.map(|s| {
                (
                    s.status.clone(),
                    s.reason.clone(),
                    s.dir.clone(),
                    s.shown_id(),
                )
            }),
            message: app.message.as_ref().map(|(m, _)| m.clone()),
            show_full_id: focused.is_some() && app.show_full_id,
        }
    }
}
