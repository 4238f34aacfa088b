//! What the hub tells every client: each decides from what it shows whether
//! its terminal hears a bell, a desktop notification or a clipboard copy.

use crate::session::SessionId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The session rang its bell.
    Bell { session: SessionId },
    /// The session wants the user or finished a turn: "api: why".
    Announce {
        session: SessionId,
        /// How notifications name the session.
        name: String,
        why: String,
        /// The program's own notification (OSC 9/99/777), not ccmux's: a
        /// client looking at the session still hears its bell.
        from_program: bool,
    },
    /// The session copied to the clipboard (OSC 52, base64).
    Clipboard { session: SessionId, base64: Vec<u8> },
    /// Something a client showing the session should say in its status line.
    Say { session: SessionId, text: String },
}
