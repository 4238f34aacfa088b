use super::InputModes;

const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Pasted text for the session. Control characters other than tab and line
/// breaks are dropped: an ESC could end the bracket early (`ESC[201~` inside
/// the text) and let the rest run as keystrokes, and a stray Ctrl-C or C1
/// control would act instead of being text. Without bracketed paste, line
/// breaks become CR, as if typed, like a terminal pastes them.
pub fn encode_paste(text: &str, modes: &InputModes) -> Vec<u8> {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if clean.is_empty() {
        return Vec::new();
    }
    if modes.bracketed_paste {
        [PASTE_START, clean.as_bytes(), PASTE_END].concat()
    } else {
        clean.replace("\r\n", "\r").replace('\n', "\r").into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bracketed() -> InputModes {
        InputModes {
            bracketed_paste: true,
            ..InputModes::default()
        }
    }

    #[test]
    fn pastes() {
        let plain = InputModes::default();
        let cases: [(&str, &InputModes, &[u8]); 10] = [
            ("hello", &plain, b"hello"),
            ("hello", &bracketed(), b"\x1b[200~hello\x1b[201~"),
            ("a\nb\r\nc", &plain, b"a\rb\rc"),
            ("a\nb\r\nc", &bracketed(), b"\x1b[200~a\nb\r\nc\x1b[201~"),
            ("tab\there", &plain, b"tab\there"),
            (
                "x\x1b[201~rm -rf /\n",
                &bracketed(),
                b"\x1b[200~x[201~rm -rf /\n\x1b[201~",
            ),
            ("stop\x03\x04\x7f", &plain, b"stop"),
            ("c1\u{9b}201~", &bracketed(), b"\x1b[200~c1201~\x1b[201~"),
            (
                "h\u{e9}llo \u{1f600}",
                &plain,
                "h\u{e9}llo \u{1f600}".as_bytes(),
            ),
            ("\x1b\x1b", &bracketed(), b""),
        ];
        for (text, modes, want) in cases {
            assert_eq!(
                encode_paste(text, modes),
                want,
                "{text:?} bracketed={}",
                modes.bracketed_paste
            );
        }
    }

    #[test]
    fn empty_paste_sends_nothing() {
        assert!(encode_paste("", &bracketed()).is_empty());
        assert!(encode_paste("", &InputModes::default()).is_empty());
    }
}
