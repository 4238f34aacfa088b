use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use crate::session::SessionId;

/// Everything that can change the App. The terminal loop turns the host
/// terminal's input and the sessions' change messages into these; tests inject
/// them directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    /// The host terminal's new size, columns then rows.
    Resize(u16, u16),
    /// Something changed in a session (output, title, bell, exit).
    Session(SessionId),
    /// A Claude Code hook fired in a session: its JSON payload, as received.
    Hook {
        session: SessionId,
        payload: Vec<u8>,
    },
    /// The host terminal gained (true) or lost the user's focus.
    HostFocus(bool),
    /// The time the App asked for with `next_deadline` has come.
    Deadline,
}
