//! What a key binding can ask ccmux to do. Keys that are not bound go to the
//! focused session untouched.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    NextTab,
    PrevTab,
    /// 1-based tab number, as shown in the tab bar.
    GoToTab(u8),
    SessionTable,
    DirectoryPicker,
    StopSession,
    ScrollBack,
    Help,
    /// Leave this client; every session keeps running.
    Detach,
    /// Stop every session and end ccmux, for every client.
    Quit,
    /// The prefix pressed twice: send the prefix key itself to the session.
    SendPrefix,
    /// Show the focused session's full id and copy it to the clipboard (OSC 52).
    ShowId,
    /// Focus the session that has waited longest for the user.
    NextAttention,
}

impl Action {
    /// One line for the help screen.
    pub fn description(&self) -> &'static str {
        match self {
            Action::NextTab => "Next tab",
            Action::PrevTab => "Previous tab",
            Action::GoToTab(_) => "Go to tab by number",
            Action::SessionTable => "Table of all sessions",
            Action::DirectoryPicker => "New session: pick a directory",
            Action::StopSession => "Stop the focused session",
            Action::ScrollBack => "Scroll back through the output",
            Action::Help => "List every key",
            Action::Detach => "Detach: leave, sessions keep running",
            Action::Quit => "Quit: stop every session",
            Action::SendPrefix => "Send the prefix key to the session",
            Action::ShowId => "Show and copy the session id",
            Action::NextAttention => "Go to the session waiting longest",
        }
    }
}
