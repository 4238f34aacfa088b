//! What the tab bar and the status line show, as a value: two frames whose bars have equal
//! `Bars` draw the same bars, so a frame over the last one (`redraw`) leaves them as they are.
//! A key echo changes a screen row and nothing the bars show; redrawing them every frame was
//! more than half of such a frame's cost (`cargo bench --bench render`), and gathering what
//! they show of every session (`Hub::infos`) most of the rest. Everything the bars read is
//! here, the sessions' part as the hub's count of changes every client shows, so the bars can
//! never stay behind what they show (a status, a name, an attention mark, a message);
//! `tests/draw_paths.rs` fails when one is left out.

use ratatui::layout::Rect;

use super::App;
use crate::hub::Hub;
use crate::session::SessionId;

#[derive(Debug, PartialEq, Eq)]
pub(super) struct Bars {
    areas: [Rect; 2],
    focus_index: usize,
    focused: Option<SessionId>,
    /// What the bars show of the sessions (their statuses and reasons,
    /// names, marks, the focused one's id and directory) changes only with
    /// this (`Hub::shown`), so a key echo compares a number instead of
    /// gathering every session's.
    shown: u64,
    message: Option<String>,
    show_full_id: bool,
}

impl Bars {
    /// The bars `app` draws in `tabs` and `status` from `hub`, outside copy mode (the only
    /// way a frame is drawn over the last one).
    pub(super) fn of(app: &App, hub: &Hub, tabs: Rect, status: Rect) -> Bars {
        Bars {
            areas: [tabs, status],
            focus_index: app.focus_index,
            focused: app.focused,
            shown: hub.shown(),
            message: app.message.as_ref().map(|(m, _)| m.clone()),
            show_full_id: app.focused.is_some() && app.show_full_id,
        }
    }
}
