use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

use super::InputModes;
use crate::keys::control::control_byte;

const ESC: u8 = 0x1b;

/// The kitty protocol's "disambiguate escape codes": Esc, and a text key
/// with Alt or Ctrl, as `CSI code ; modifiers u`, so a program can tell Esc
/// from the start of a sequence and Ctrl-i from Tab. Other keys keep their
/// legacy bytes (Enter, Tab and Backspace on purpose, per the spec).
fn disambiguated(code: KeyCode, param: u8, alt_or_ctrl: bool) -> Option<Vec<u8>> {
    let key = match code {
        KeyCode::Esc => 27,
        // The unshifted key: shifted keys are reported only with flag 4.
        KeyCode::Char(c) if alt_or_ctrl => u32::from(c.to_ascii_lowercase()),
        _ => return None,
    };
    Some(if param == 1 {
        format!("\x1b[{key}u").into_bytes()
    } else {
        format!("\x1b[{key};{param}u").into_bytes()
    })
}

/// The bytes xterm sends for a key, in the session's modes. Empty when the
/// key has no encoding (a release, a bare modifier, media keys).
pub fn encode_key(key: &KeyEvent, modes: &InputModes) -> Vec<u8> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let mut mods = key.modifiers;
    let code = match key.code {
        KeyCode::BackTab => {
            mods |= KeyModifiers::SHIFT;
            KeyCode::Tab
        }
        code => code,
    };
    if modes.application_keypad
        && key.state.contains(KeyEventState::KEYPAD)
        && mods.is_empty()
        && let Some(final_byte) = keypad_application(code)
    {
        return vec![ESC, b'O', final_byte];
    }
    let shift = mods.contains(KeyModifiers::SHIFT);
    let alt = mods.contains(KeyModifiers::ALT);
    let ctrl = mods.contains(KeyModifiers::CONTROL);
    // xterm's modifier parameter: 1 + Shift 1 + Alt 2 + Ctrl 4.
    let param = 1 + u8::from(shift) + 2 * u8::from(alt) + 4 * u8::from(ctrl);
    let alt_prefixed = |bytes: &[u8]| -> Vec<u8> {
        if alt {
            [&[ESC], bytes].concat()
        } else {
            bytes.to_vec()
        }
    };
    if modes.kitty_flags & crate::session::KITTY_DISAMBIGUATE != 0
        && let Some(bytes) = disambiguated(code, param, alt || ctrl)
    {
        return bytes;
    }
    match code {
        KeyCode::Char(c) => alt_prefixed(&char_bytes(c, shift, ctrl)),
        // What Claude Code reads as "newline without submitting": the kitty
        // protocol's Enter with modifiers; plain and Alt-Enter stay legacy.
        KeyCode::Enter if !shift && !ctrl => alt_prefixed(b"\r"),
        KeyCode::Enter => format!("\x1b[13;{param}u").into_bytes(),
        KeyCode::Tab if param == 1 => b"\t".to_vec(),
        KeyCode::Tab if param == 2 => b"\x1b[Z".to_vec(),
        KeyCode::Tab if param == 3 => b"\x1b\t".to_vec(),
        KeyCode::Tab => format!("\x1b[9;{param}u").into_bytes(),
        KeyCode::Backspace => alt_prefixed(if ctrl { b"\x08" } else { b"\x7f" }),
        KeyCode::Esc => alt_prefixed(&[ESC]),
        KeyCode::Null => alt_prefixed(&[0]),
        KeyCode::Up => cursor(b'A', param, modes),
        KeyCode::Down => cursor(b'B', param, modes),
        KeyCode::Right => cursor(b'C', param, modes),
        KeyCode::Left => cursor(b'D', param, modes),
        KeyCode::Home => cursor(b'H', param, modes),
        KeyCode::End => cursor(b'F', param, modes),
        KeyCode::KeypadBegin => cursor(b'E', param, modes),
        KeyCode::Insert => tilde(2, param),
        KeyCode::Delete => tilde(3, param),
        KeyCode::PageUp => tilde(5, param),
        KeyCode::PageDown => tilde(6, param),
        KeyCode::F(n @ 1..=4) => {
            let final_byte = b'P' + (n - 1);
            if param == 1 {
                vec![ESC, b'O', final_byte]
            } else {
                let mut out = format!("\x1b[1;{param}").into_bytes();
                out.push(final_byte);
                out
            }
        }
        KeyCode::F(n @ 5..=12) => {
            // The VT220 numbering skips 16 and 22.
            const CODES: [u8; 8] = [15, 17, 18, 19, 20, 21, 23, 24];
            tilde(CODES[usize::from(n - 5)], param)
        }
        _ => Vec::new(),
    }
}

/// A character with Shift and Ctrl applied; Alt is added by the caller.
fn char_bytes(c: char, shift: bool, ctrl: bool) -> Vec<u8> {
    if ctrl && let Some(byte) = control_byte(c) {
        return vec![byte];
    }
    // Some terminals report Shift with the base letter rather than the
    // uppercase one.
    let c = if shift && c.is_lowercase() {
        let mut upper = c.to_uppercase();
        match (upper.next(), upper.next()) {
            (Some(u), None) => u,
            _ => c,
        }
    } else {
        c
    };
    c.to_string().into_bytes()
}

/// Arrows, Home, End: `SS3 x` in application cursor mode, `CSI x` otherwise,
/// `CSI 1;<m> x` with modifiers in either mode.
fn cursor(final_byte: u8, param: u8, modes: &InputModes) -> Vec<u8> {
    if param > 1 {
        let mut out = format!("\x1b[1;{param}").into_bytes();
        out.push(final_byte);
        out
    } else if modes.application_cursor {
        vec![ESC, b'O', final_byte]
    } else {
        vec![ESC, b'[', final_byte]
    }
}

fn tilde(number: u8, param: u8) -> Vec<u8> {
    if param > 1 {
        format!("\x1b[{number};{param}~").into_bytes()
    } else {
        format!("\x1b[{number}~").into_bytes()
    }
}

/// The final byte of a keypad key in application keypad mode (`SS3 p` for
/// keypad 0 …).
fn keypad_application(code: KeyCode) -> Option<u8> {
    match code {
        KeyCode::Char(c @ '0'..='9') => Some(b'p' + (c as u8 - b'0')),
        KeyCode::Char('.') => Some(b'n'),
        KeyCode::Char('+') => Some(b'k'),
        KeyCode::Char('-') => Some(b'm'),
        KeyCode::Char('*') => Some(b'j'),
        KeyCode::Char('/') => Some(b'o'),
        KeyCode::Char('=') => Some(b'X'),
        KeyCode::Enter => Some(b'M'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
    const ALT: KeyModifiers = KeyModifiers::ALT;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;

    fn enc(code: KeyCode, mods: KeyModifiers) -> Vec<u8> {
        encode_key(&KeyEvent::new(code, mods), &InputModes::default())
    }

    fn show(bytes: &[u8]) -> String {
        bytes.escape_ascii().to_string()
    }

    #[test]
    fn characters() {
        let cases: &[(KeyCode, KeyModifiers, &[u8])] = &[
            (KeyCode::Char('a'), NONE, b"a"),
            (KeyCode::Char('A'), SHIFT, b"A"),
            (KeyCode::Char('a'), SHIFT, b"A"),
            (KeyCode::Char('?'), SHIFT, b"?"),
            (KeyCode::Char(' '), NONE, b" "),
            (KeyCode::Char('\u{e9}'), NONE, "\u{e9}".as_bytes()),
            (KeyCode::Char('\u{1f600}'), NONE, "\u{1f600}".as_bytes()),
            (KeyCode::Char('\u{df}'), SHIFT, "\u{df}".as_bytes()),
            (KeyCode::Char('a'), CTRL, b"\x01"),
            (KeyCode::Char('c'), CTRL, b"\x03"),
            (KeyCode::Char('z'), CTRL, b"\x1a"),
            (KeyCode::Char('A'), CTRL.union(SHIFT), b"\x01"),
            (KeyCode::Char(' '), CTRL, b"\x00"),
            (KeyCode::Char('@'), CTRL, b"\x00"),
            (KeyCode::Char('['), CTRL, b"\x1b"),
            (KeyCode::Char('\\'), CTRL, b"\x1c"),
            (KeyCode::Char('4'), CTRL, b"\x1c"),
            (KeyCode::Char(']'), CTRL, b"\x1d"),
            (KeyCode::Char('^'), CTRL, b"\x1e"),
            (KeyCode::Char('_'), CTRL, b"\x1f"),
            (KeyCode::Char('7'), CTRL, b"\x1f"),
            (KeyCode::Char('/'), CTRL, b"\x1f"),
            (KeyCode::Char('?'), CTRL, b"\x7f"),
            (KeyCode::Char('1'), CTRL, b"1"),
            (KeyCode::Char('\u{e9}'), CTRL, "\u{e9}".as_bytes()),
            (KeyCode::Char('b'), ALT, b"\x1bb"),
            (KeyCode::Char('B'), ALT.union(SHIFT), b"\x1bB"),
            (KeyCode::Char('1'), ALT, b"\x1b1"),
            (KeyCode::Char('c'), ALT.union(CTRL), b"\x1b\x03"),
            (KeyCode::Char('\u{e9}'), ALT, "\x1b\u{e9}".as_bytes()),
            (KeyCode::Null, NONE, b"\x00"),
        ];
        for (code, mods, want) in cases {
            assert_eq!(show(&enc(*code, *mods)), show(want), "{code:?} {mods:?}");
        }
    }

    #[test]
    fn kitty_disambiguate_reports_esc_alt_and_ctrl_keys_as_csi_u() {
        let m = InputModes {
            kitty_flags: crate::session::KITTY_DISAMBIGUATE,
            ..InputModes::default()
        };
        let cases: &[(KeyCode, KeyModifiers, &[u8])] = &[
            (KeyCode::Esc, NONE, b"\x1b[27u"),
            (KeyCode::Esc, SHIFT, b"\x1b[27;2u"),
            (KeyCode::Char('c'), CTRL, b"\x1b[99;5u"),
            (KeyCode::Char('i'), CTRL, b"\x1b[105;5u"),
            (KeyCode::Char('b'), ALT, b"\x1b[98;3u"),
            (KeyCode::Char('B'), ALT.union(SHIFT), b"\x1b[98;4u"),
            // Text, Enter, Tab, Backspace and arrows stay as they were.
            (KeyCode::Char('a'), NONE, b"a"),
            (KeyCode::Char('A'), SHIFT, b"A"),
            (KeyCode::Enter, NONE, b"\r"),
            (KeyCode::Enter, SHIFT, b"\x1b[13;2u"),
            (KeyCode::Tab, NONE, b"\t"),
            (KeyCode::Backspace, NONE, b"\x7f"),
            (KeyCode::Up, CTRL, b"\x1b[1;5A"),
        ];
        for (code, mods, want) in cases {
            assert_eq!(
                encode_key(&KeyEvent::new(*code, *mods), &m),
                want.to_vec(),
                "{code:?} {mods:?}"
            );
        }
    }

    #[test]
    fn editing_keys() {
        let cases: &[(KeyCode, KeyModifiers, &[u8])] = &[
            (KeyCode::Enter, NONE, b"\r"),
            (KeyCode::Enter, SHIFT, b"\x1b[13;2u"),
            (KeyCode::Enter, ALT, b"\x1b\r"),
            (KeyCode::Enter, CTRL, b"\x1b[13;5u"),
            (KeyCode::Enter, SHIFT.union(ALT), b"\x1b[13;4u"),
            (KeyCode::Tab, NONE, b"\t"),
            (KeyCode::Tab, SHIFT, b"\x1b[Z"),
            (KeyCode::BackTab, SHIFT, b"\x1b[Z"),
            (KeyCode::BackTab, NONE, b"\x1b[Z"),
            (KeyCode::Tab, ALT, b"\x1b\t"),
            (KeyCode::Tab, CTRL, b"\x1b[9;5u"),
            (KeyCode::BackTab, CTRL.union(SHIFT), b"\x1b[9;6u"),
            (KeyCode::Backspace, NONE, b"\x7f"),
            (KeyCode::Backspace, CTRL, b"\x08"),
            (KeyCode::Backspace, ALT, b"\x1b\x7f"),
            (KeyCode::Backspace, ALT.union(CTRL), b"\x1b\x08"),
            (KeyCode::Esc, NONE, b"\x1b"),
            (KeyCode::Esc, ALT, b"\x1b\x1b"),
        ];
        for (code, mods, want) in cases {
            assert_eq!(show(&enc(*code, *mods)), show(want), "{code:?} {mods:?}");
        }
    }

    #[test]
    fn cursor_and_function_keys() {
        let normal = InputModes::default();
        let app = InputModes {
            application_cursor: true,
            ..InputModes::default()
        };
        let cases: &[(KeyCode, KeyModifiers, &InputModes, &[u8])] = &[
            (KeyCode::Up, NONE, &normal, b"\x1b[A"),
            (KeyCode::Down, NONE, &normal, b"\x1b[B"),
            (KeyCode::Right, NONE, &normal, b"\x1b[C"),
            (KeyCode::Left, NONE, &normal, b"\x1b[D"),
            (KeyCode::Home, NONE, &normal, b"\x1b[H"),
            (KeyCode::End, NONE, &normal, b"\x1b[F"),
            (KeyCode::Up, NONE, &app, b"\x1bOA"),
            (KeyCode::Left, NONE, &app, b"\x1bOD"),
            (KeyCode::Home, NONE, &app, b"\x1bOH"),
            (KeyCode::End, NONE, &app, b"\x1bOF"),
            (KeyCode::Up, SHIFT, &normal, b"\x1b[1;2A"),
            (KeyCode::Up, SHIFT, &app, b"\x1b[1;2A"),
            (KeyCode::Left, ALT, &normal, b"\x1b[1;3D"),
            (KeyCode::Right, CTRL, &app, b"\x1b[1;5C"),
            (KeyCode::End, CTRL.union(SHIFT), &normal, b"\x1b[1;6F"),
            (
                KeyCode::Down,
                CTRL.union(ALT).union(SHIFT),
                &normal,
                b"\x1b[1;8B",
            ),
            (KeyCode::KeypadBegin, NONE, &normal, b"\x1b[E"),
            (KeyCode::Insert, NONE, &normal, b"\x1b[2~"),
            (KeyCode::Delete, NONE, &app, b"\x1b[3~"),
            (KeyCode::PageUp, NONE, &normal, b"\x1b[5~"),
            (KeyCode::PageDown, NONE, &normal, b"\x1b[6~"),
            (KeyCode::PageUp, SHIFT, &normal, b"\x1b[5;2~"),
            (KeyCode::Delete, CTRL, &normal, b"\x1b[3;5~"),
            (KeyCode::F(1), NONE, &normal, b"\x1bOP"),
            (KeyCode::F(2), NONE, &normal, b"\x1bOQ"),
            (KeyCode::F(3), NONE, &normal, b"\x1bOR"),
            (KeyCode::F(4), NONE, &normal, b"\x1bOS"),
            (KeyCode::F(1), SHIFT, &normal, b"\x1b[1;2P"),
            (KeyCode::F(4), CTRL, &normal, b"\x1b[1;5S"),
            (KeyCode::F(5), NONE, &normal, b"\x1b[15~"),
            (KeyCode::F(6), NONE, &normal, b"\x1b[17~"),
            (KeyCode::F(7), NONE, &normal, b"\x1b[18~"),
            (KeyCode::F(8), NONE, &normal, b"\x1b[19~"),
            (KeyCode::F(9), NONE, &normal, b"\x1b[20~"),
            (KeyCode::F(10), NONE, &normal, b"\x1b[21~"),
            (KeyCode::F(11), NONE, &normal, b"\x1b[23~"),
            (KeyCode::F(12), NONE, &normal, b"\x1b[24~"),
            (KeyCode::F(5), ALT, &normal, b"\x1b[15;3~"),
            (KeyCode::F(12), CTRL.union(SHIFT), &normal, b"\x1b[24;6~"),
            (KeyCode::F(0), NONE, &normal, b""),
            (KeyCode::F(13), NONE, &normal, b""),
            (KeyCode::CapsLock, NONE, &normal, b""),
            (KeyCode::Menu, NONE, &normal, b""),
        ];
        for (code, mods, modes, want) in cases {
            let got = encode_key(&KeyEvent::new(*code, *mods), modes);
            assert_eq!(
                show(&got),
                show(want),
                "{code:?} {mods:?} app_cursor={}",
                modes.application_cursor
            );
        }
    }

    #[test]
    fn keypad_in_application_keypad_mode() {
        let app = InputModes {
            application_keypad: true,
            ..InputModes::default()
        };
        let keypad = |code| {
            KeyEvent::new_with_kind_and_state(
                code,
                NONE,
                KeyEventKind::Press,
                KeyEventState::KEYPAD,
            )
        };
        let cases: &[(KeyCode, &[u8])] = &[
            (KeyCode::Char('0'), b"\x1bOp"),
            (KeyCode::Char('9'), b"\x1bOy"),
            (KeyCode::Char('.'), b"\x1bOn"),
            (KeyCode::Char('+'), b"\x1bOk"),
            (KeyCode::Char('-'), b"\x1bOm"),
            (KeyCode::Char('*'), b"\x1bOj"),
            (KeyCode::Char('/'), b"\x1bOo"),
            (KeyCode::Enter, b"\x1bOM"),
            (KeyCode::Up, b"\x1b[A"),
        ];
        for (code, want) in cases {
            assert_eq!(
                show(&encode_key(&keypad(*code), &app)),
                show(want),
                "{code:?}"
            );
        }
        // The same keys from the main keyboard, or without the mode, are plain.
        assert_eq!(
            encode_key(&KeyEvent::new(KeyCode::Char('5'), NONE), &app),
            b"5"
        );
        assert_eq!(
            encode_key(&keypad(KeyCode::Char('5')), &InputModes::default()),
            b"5"
        );
    }

    #[test]
    fn releases_send_nothing_and_repeats_send_again() {
        let release = KeyEvent::new_with_kind(KeyCode::Char('a'), NONE, KeyEventKind::Release);
        assert!(encode_key(&release, &InputModes::default()).is_empty());
        let repeat = KeyEvent::new_with_kind(KeyCode::Char('a'), NONE, KeyEventKind::Repeat);
        assert_eq!(encode_key(&repeat, &InputModes::default()), b"a");
    }
}
