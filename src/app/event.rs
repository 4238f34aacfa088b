use ratatui::crossterm::event::{KeyEvent, MouseEvent};

/// What a client's terminal can tell its App. The server turns the client's
/// input into these; tests inject them directly. (Session output and hooks
/// go to the `Hub`, which every App reads.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    /// The terminal's new size, columns then rows.
    Resize(u16, u16),
    /// The terminal gained (true) or lost the user's focus.
    HostFocus(bool),
    /// The time the App asked for with `next_deadline` has come.
    Deadline,
}

impl Event {
    /// The App's view of a terminal input event.
    pub fn from_input(ev: ratatui::crossterm::event::Event) -> Event {
        use ratatui::crossterm::event::Event as In;
        match ev {
            In::Key(k) => Event::Key(k),
            In::Paste(p) => Event::Paste(p),
            In::Mouse(m) => Event::Mouse(m),
            In::Resize(cols, rows) => Event::Resize(cols, rows),
            In::FocusGained => Event::HostFocus(true),
            In::FocusLost => Event::HostFocus(false),
        }
    }
}
