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
    /// The time the App asked for with `next_deadline` has come.
    Deadline,
}
