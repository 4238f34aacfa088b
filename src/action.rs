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
    Quit,
    /// The prefix pressed twice: send the prefix key itself to the session.
    SendPrefix,
    /// Show the focused session's full id and copy it to the clipboard (OSC 52).
    ShowId,
    /// Focus the session that has waited longest for the user.
    NextAttention,
}
