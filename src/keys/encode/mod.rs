//! Turning what the user does into the bytes the focused session reads,
//! following xterm, in the modes the session asked for.

mod key;
mod mouse;
mod paste;

pub use key::encode_key;
pub use mouse::encode_mouse;
pub use paste::encode_paste;

/// The input modes a session has switched on with escape sequences; they
/// decide how keys, pastes and the mouse are encoded for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InputModes {
    /// DECCKM: arrows, Home and End as `SS3 A` instead of `CSI A`.
    pub application_cursor: bool,
    /// DECKPAM: keypad keys as `SS3 p`…, when the host terminal says a key
    /// came from the keypad.
    pub application_keypad: bool,
    pub bracketed_paste: bool,
    pub mouse_mode: vt100::MouseProtocolMode,
    pub mouse_encoding: vt100::MouseProtocolEncoding,
    /// Kitty keyboard protocol flags the session pushed (vt100 does not
    /// track them; the session's Term does).
    pub kitty_flags: u8,
}

impl InputModes {
    pub fn from_screen(screen: &vt100::Screen) -> Self {
        Self {
            application_cursor: screen.application_cursor(),
            application_keypad: screen.application_keypad(),
            bracketed_paste: screen.bracketed_paste(),
            mouse_mode: screen.mouse_protocol_mode(),
            mouse_encoding: screen.mouse_protocol_encoding(),
            kitty_flags: 0,
        }
    }

    /// Everything the session asked for: the screen's modes and its kitty
    /// keyboard flags.
    pub fn of(term: &crate::session::Term) -> Self {
        Self {
            kitty_flags: term.kitty_flags(),
            ..Self::from_screen(term.screen())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_follow_what_the_session_switched_on() {
        let size = |n| std::num::NonZeroU16::new(n).unwrap();
        let mut parser = vt100::Parser::new(size(24), size(80), 0);
        assert_eq!(
            InputModes::from_screen(parser.screen()),
            InputModes::default()
        );
        parser.process(b"\x1b[?1h\x1b=\x1b[?2004h\x1b[?1002h\x1b[?1006h");
        assert_eq!(
            InputModes::from_screen(parser.screen()),
            InputModes {
                application_cursor: true,
                application_keypad: true,
                bracketed_paste: true,
                mouse_mode: vt100::MouseProtocolMode::ButtonMotion,
                mouse_encoding: vt100::MouseProtocolEncoding::Sgr,
                kitty_flags: 0,
            }
        );
    }
}
