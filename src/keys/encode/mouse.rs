use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use vt100::{MouseProtocolEncoding, MouseProtocolMode};

use super::InputModes;

/// Motion is reported as the button code plus this.
const MOTION: u8 = 32;
/// The button bits of a release (and of motion without a button) in the
/// encodings that cannot say which button.
const NO_BUTTON: u8 = 3;

/// A mouse event for the session, at `col`, `row` (0-based, relative to the
/// session's screen). `None` when the session did not ask for mouse reports,
/// so the caller may use the wheel to scroll ccmux's own scrollback; an empty
/// report when it asked, but not for this kind of event.
pub fn encode_mouse(ev: &MouseEvent, col: u16, row: u16, modes: &InputModes) -> Option<Vec<u8>> {
    let mode = modes.mouse_mode;
    if mode == MouseProtocolMode::None {
        return None;
    }
    let motion_reported = matches!(
        mode,
        MouseProtocolMode::ButtonMotion | MouseProtocolMode::AnyMotion
    );
    let (button, release) = match ev.kind {
        MouseEventKind::Down(button) => (button_code(button), false),
        MouseEventKind::Up(button) if mode != MouseProtocolMode::Press => {
            (button_code(button), true)
        }
        MouseEventKind::Drag(button) if motion_reported => (button_code(button) + MOTION, false),
        MouseEventKind::Moved if mode == MouseProtocolMode::AnyMotion => {
            (NO_BUTTON + MOTION, false)
        }
        MouseEventKind::ScrollUp => (64, false),
        MouseEventKind::ScrollDown => (65, false),
        MouseEventKind::ScrollLeft => (66, false),
        MouseEventKind::ScrollRight => (67, false),
        MouseEventKind::Up(_) | MouseEventKind::Drag(_) | MouseEventKind::Moved => {
            return Some(Vec::new());
        }
    };
    // X10 mode (Press) reports no modifiers.
    let mods = if mode == MouseProtocolMode::Press {
        0
    } else {
        modifier_bits(ev.modifiers)
    };
    let x = u32::from(col) + 1;
    let y = u32::from(row) + 1;
    Some(match modes.mouse_encoding {
        MouseProtocolEncoding::Sgr => {
            let end = if release { 'm' } else { 'M' };
            format!("\x1b[<{};{x};{y}{end}", button | mods).into_bytes()
        }
        MouseProtocolEncoding::Default => {
            let code = if release { NO_BUTTON } else { button } | mods;
            legacy(code, x, y, 223, |value, out| {
                // Checked against the limit, so it fits in a byte.
                out.push(u8::try_from(value).unwrap_or(u8::MAX));
            })
        }
        MouseProtocolEncoding::Utf8 => {
            let code = if release { NO_BUTTON } else { button } | mods;
            legacy(code, x, y, 2015, |value, out| {
                if let Some(c) = char::from_u32(value) {
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            })
        }
    })
}

/// `CSI M` followed by code, x and y, each offset by 32 and written by
/// `put`. A position past `limit` cannot be written: nothing is sent.
fn legacy(code: u8, x: u32, y: u32, limit: u32, put: impl Fn(u32, &mut Vec<u8>)) -> Vec<u8> {
    if x > limit || y > limit {
        return Vec::new();
    }
    let mut out = b"\x1b[M".to_vec();
    for value in [u32::from(code), x, y] {
        put(value + 32, &mut out);
    }
    out
}

fn button_code(button: MouseButton) -> u8 {
    match button {
        MouseButton::Left => 0,
        MouseButton::Middle => 1,
        MouseButton::Right => 2,
    }
}

fn modifier_bits(mods: KeyModifiers) -> u8 {
    let mut bits = 0;
    if mods.contains(KeyModifiers::SHIFT) {
        bits |= 4;
    }
    if mods.contains(KeyModifiers::ALT) {
        bits |= 8;
    }
    if mods.contains(KeyModifiers::CONTROL) {
        bits |= 16;
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: KeyModifiers = KeyModifiers::NONE;

    /// Mode, event, modifiers, column, row, and the report expected.
    type Case = (
        MouseProtocolMode,
        MouseEventKind,
        KeyModifiers,
        u16,
        u16,
        &'static [u8],
    );

    fn modes(mode: MouseProtocolMode, encoding: MouseProtocolEncoding) -> InputModes {
        InputModes {
            mouse_mode: mode,
            mouse_encoding: encoding,
            ..InputModes::default()
        }
    }

    fn event(kind: MouseEventKind, modifiers: KeyModifiers) -> MouseEvent {
        // The screen position comes from the caller's col/row, not from here.
        MouseEvent {
            kind,
            column: 999,
            row: 999,
            modifiers,
        }
    }

    fn show(bytes: &[u8]) -> String {
        bytes.escape_ascii().to_string()
    }

    #[test]
    fn no_mouse_mode_means_not_for_the_session() {
        let m = modes(MouseProtocolMode::None, MouseProtocolEncoding::Sgr);
        for kind in [
            MouseEventKind::ScrollUp,
            MouseEventKind::Down(MouseButton::Left),
            MouseEventKind::Moved,
        ] {
            assert_eq!(encode_mouse(&event(kind, NONE), 0, 0, &m), None);
        }
    }

    #[test]
    fn sgr() {
        use MouseButton::{Left, Middle, Right};
        use MouseEventKind::*;
        use MouseProtocolMode::{AnyMotion, ButtonMotion, Press, PressRelease};
        let shift = KeyModifiers::SHIFT;
        let alt = KeyModifiers::ALT;
        let ctrl = KeyModifiers::CONTROL;
        let cases: &[Case] = &[
            (PressRelease, Down(Left), NONE, 0, 0, b"\x1b[<0;1;1M"),
            (PressRelease, Down(Middle), NONE, 4, 2, b"\x1b[<1;5;3M"),
            (PressRelease, Down(Right), NONE, 9, 19, b"\x1b[<2;10;20M"),
            (PressRelease, Up(Left), NONE, 0, 0, b"\x1b[<0;1;1m"),
            (PressRelease, Up(Right), NONE, 3, 4, b"\x1b[<2;4;5m"),
            (PressRelease, Drag(Left), NONE, 1, 1, b""),
            (PressRelease, Moved, NONE, 1, 1, b""),
            (PressRelease, ScrollUp, NONE, 7, 8, b"\x1b[<64;8;9M"),
            (PressRelease, ScrollDown, NONE, 7, 8, b"\x1b[<65;8;9M"),
            (PressRelease, ScrollLeft, NONE, 0, 0, b"\x1b[<66;1;1M"),
            (PressRelease, ScrollRight, NONE, 0, 0, b"\x1b[<67;1;1M"),
            (PressRelease, Down(Left), shift, 0, 0, b"\x1b[<4;1;1M"),
            (PressRelease, Down(Left), alt, 0, 0, b"\x1b[<8;1;1M"),
            (PressRelease, Down(Left), ctrl, 0, 0, b"\x1b[<16;1;1M"),
            (
                PressRelease,
                ScrollUp,
                ctrl.union(shift),
                0,
                0,
                b"\x1b[<84;1;1M",
            ),
            (Press, Down(Left), ctrl, 0, 0, b"\x1b[<0;1;1M"),
            (Press, Up(Left), NONE, 0, 0, b""),
            (Press, Drag(Left), NONE, 0, 0, b""),
            (Press, ScrollDown, NONE, 0, 0, b"\x1b[<65;1;1M"),
            (ButtonMotion, Drag(Left), NONE, 2, 3, b"\x1b[<32;3;4M"),
            (ButtonMotion, Drag(Right), alt, 2, 3, b"\x1b[<42;3;4M"),
            (ButtonMotion, Moved, NONE, 2, 3, b""),
            (ButtonMotion, Up(Left), NONE, 2, 3, b"\x1b[<0;3;4m"),
            (AnyMotion, Moved, NONE, 2, 3, b"\x1b[<35;3;4M"),
            (AnyMotion, Drag(Middle), NONE, 2, 3, b"\x1b[<33;3;4M"),
            (AnyMotion, Down(Left), NONE, 300, 400, b"\x1b[<0;301;401M"),
            (
                AnyMotion,
                Down(Left),
                NONE,
                u16::MAX,
                u16::MAX,
                b"\x1b[<0;65536;65536M",
            ),
        ];
        for (mode, kind, mods, col, row, want) in cases {
            let m = modes(*mode, MouseProtocolEncoding::Sgr);
            let got = encode_mouse(&event(*kind, *mods), *col, *row, &m);
            assert_eq!(
                got.as_deref().map(show),
                Some(show(want)),
                "{mode:?} {kind:?} {mods:?} at {col},{row}"
            );
        }
    }

    #[test]
    fn default_encoding() {
        use MouseButton::{Left, Right};
        use MouseEventKind::*;
        use MouseProtocolMode::{AnyMotion, Press, PressRelease};
        let cases: &[Case] = &[
            (PressRelease, Down(Left), NONE, 0, 0, b"\x1b[M !!"),
            (PressRelease, Down(Right), NONE, 9, 19, b"\x1b[M\"*4"),
            (PressRelease, Up(Right), NONE, 9, 19, b"\x1b[M#*4"),
            (
                PressRelease,
                Up(Left),
                KeyModifiers::SHIFT,
                0,
                0,
                b"\x1b[M'!!",
            ),
            (PressRelease, ScrollUp, NONE, 0, 0, b"\x1b[M`!!"),
            (PressRelease, ScrollDown, NONE, 0, 0, b"\x1b[Ma!!"),
            (
                PressRelease,
                Down(Left),
                KeyModifiers::CONTROL,
                0,
                0,
                b"\x1b[M0!!",
            ),
            (AnyMotion, Moved, NONE, 0, 0, b"\x1b[MC!!"),
            (Press, Down(Left), KeyModifiers::CONTROL, 0, 0, b"\x1b[M !!"),
            // 1-based column 223 is the last one a byte can carry.
            (PressRelease, Down(Left), NONE, 222, 222, b"\x1b[M \xff\xff"),
            (PressRelease, Down(Left), NONE, 223, 0, b""),
            (PressRelease, Down(Left), NONE, 0, 223, b""),
        ];
        for (mode, kind, mods, col, row, want) in cases {
            let m = modes(*mode, MouseProtocolEncoding::Default);
            let got = encode_mouse(&event(*kind, *mods), *col, *row, &m);
            assert_eq!(
                got.as_deref().map(show),
                Some(show(want)),
                "{mode:?} {kind:?} {mods:?} at {col},{row}"
            );
        }
    }

    #[test]
    fn utf8_encoding() {
        let m = modes(MouseProtocolMode::PressRelease, MouseProtocolEncoding::Utf8);
        let down = event(MouseEventKind::Down(MouseButton::Left), NONE);
        assert_eq!(encode_mouse(&down, 0, 0, &m), Some(b"\x1b[M !!".to_vec()));
        // Past 95 (1-based) the values take two UTF-8 bytes.
        let mut want = b"\x1b[M ".to_vec();
        want.extend("\u{12c}\u{21}".as_bytes());
        assert_eq!(encode_mouse(&down, 267, 0, &m), Some(want));
        assert_eq!(
            encode_mouse(&down, 2014, 0, &m).map(|b| b.is_empty()),
            Some(false)
        );
        assert_eq!(encode_mouse(&down, 2015, 0, &m), Some(Vec::new()));
    }
}
