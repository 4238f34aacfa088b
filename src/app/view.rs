use crate::picker::Picker;
use crate::session::SessionId;

/// What fills the screen besides the tab bar and status line.
pub enum View {
    /// The focused session's screen.
    Tabs,
    /// The focused session's scrollback, `offset` lines up from the bottom.
    Scroll {
        offset: usize,
    },
    /// The session table; `selected` indexes the registry.
    Table {
        selected: usize,
    },
    /// The directory picker over the tabs; Esc returns to `back`.
    Picker {
        picker: Box<Picker>,
        back: Back,
    },
    Help,
    Confirm(Confirm),
}

/// Where a popup returns to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Back {
    Tabs,
    Table,
}

/// An action that waits for the user's yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Stop { id: SessionId, back: Back },
    Quit,
}
