//! Turns the bytes a terminal sends into key events.
//!
//! Only the keys the fake reacts to are told apart; everything else is `Other`
//! so that unknown sequences (mouse reports, focus events, F-keys) are swallowed
//! whole instead of leaking into the input line as text.

/// One decoded key press (or paste).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    /// Shift+Enter (`CSI 13;2u`, `CSI 27;2;13~`), Meta+Enter or Ctrl+J: a newline in the input.
    Newline,
    Backspace,
    CtrlC,
    CtrlD,
    /// Suspend, as Claude Code 2.1.x takes it (it reads raw input, so the
    /// terminal's own `susp` character does nothing).
    CtrlZ,
    Esc,
    Up,
    Down,
    /// The text between `CSI 200~` and `CSI 201~`, with line ends normalised to `\n`.
    Paste(String),
    Other,
}

const ESC: u8 = 0x1b;
const PASTE_END: &[u8] = b"\x1b[201~";

/// Buffers input so that sequences split across reads are decoded whole.
#[derive(Debug, Default)]
pub struct KeyParser {
    buf: Vec<u8>,
}

enum Step {
    Key(Key, usize),
    /// The buffer holds the start of a sequence; more bytes may complete it.
    Incomplete,
}

impl KeyParser {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete key, if the buffer holds one.
    pub fn next_key(&mut self) -> Option<Key> {
        match step(&self.buf) {
            Step::Key(key, len) => {
                self.buf.drain(..len);
                Some(key)
            }
            Step::Incomplete => None,
        }
    }

    /// Bytes are waiting that a short timeout should resolve (a lone ESC is the
    /// Esc key only if nothing follows it). An unfinished paste is not timed out:
    /// a large paste may take several reads.
    pub fn needs_flush(&self) -> bool {
        !self.buf.is_empty() && !self.buf.starts_with(b"\x1b[200~")
    }

    /// Resolve what is left after the timeout: a lone ESC is Esc, a truncated
    /// sequence is dropped.
    pub fn flush(&mut self) -> Option<Key> {
        if !self.needs_flush() {
            return None;
        }
        let key = if self.buf == [ESC] {
            Key::Esc
        } else {
            Key::Other
        };
        self.buf.clear();
        Some(key)
    }

    /// Hand over the undecoded bytes (the key dump wants them raw).
    pub fn take_raw(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
}

fn step(buf: &[u8]) -> Step {
    let Some(&first) = buf.first() else {
        return Step::Incomplete;
    };
    let key = match first {
        ESC => return escape(buf),
        b'\r' => Key::Enter,
        b'\n' => Key::Newline,
        0x7f | 0x08 => Key::Backspace,
        0x03 => Key::CtrlC,
        0x04 => Key::CtrlD,
        0x1a => Key::CtrlZ,
        0x00..=0x1f => Key::Other,
        _ => return utf8(buf),
    };
    Step::Key(key, 1)
}

fn escape(buf: &[u8]) -> Step {
    match buf.get(1) {
        None => Step::Incomplete,
        Some(b'[') => csi(buf),
        Some(b'O') => match buf.get(2) {
            None => Step::Incomplete,
            Some(b'A') => Step::Key(Key::Up, 3),
            Some(b'B') => Step::Key(Key::Down, 3),
            Some(_) => Step::Key(Key::Other, 3),
        },
        // DCS, OSC, APC, PM: a reply that came too late for the startup
        // queries (or a stray report) must not be typed into the input.
        Some(b'P' | b']' | b'_' | b'^') => string_sequence(buf),
        // What `/terminal-setup` makes Shift+Enter send.
        Some(b'\r') => Step::Key(Key::Newline, 2),
        // ESC ESC: the first one was a key press on its own.
        Some(&ESC) => Step::Key(Key::Esc, 1),
        Some(_) => Step::Key(Key::Other, 2),
    }
}

fn csi(buf: &[u8]) -> Step {
    // ECMA-48: parameter bytes 0x30-0x3f, intermediates 0x20-0x2f, final 0x40-0x7e.
    let body = &buf[2..];
    let Some(end) = body.iter().position(|b| !(0x20..=0x3f).contains(b)) else {
        return Step::Incomplete;
    };
    let final_byte = body[end];
    let len = 2 + end + 1;
    if !(0x40..=0x7e).contains(&final_byte) {
        // Malformed: drop what we scanned so the stray byte is decoded afresh.
        return Step::Key(Key::Other, 2 + end);
    }
    let params = &body[..end];
    let key = match (params, final_byte) {
        (b"200", b'~') => return paste(buf, len),
        (b"13;2", b'u') | (b"27;2;13", b'~') => Key::Newline,
        (b"", b'A') => Key::Up,
        (b"", b'B') => Key::Down,
        _ => Key::Other,
    };
    Step::Key(key, len)
}

/// A control string runs to ST (`ESC \`); OSC may also end with BEL.
fn string_sequence(buf: &[u8]) -> Step {
    let body = &buf[2..];
    let st = body.windows(2).position(|w| w == b"\x1b\\").map(|i| i + 2);
    let bel = (buf[1] == b']')
        .then(|| body.iter().position(|&b| b == 0x07).map(|i| i + 1))
        .flatten();
    match (st, bel) {
        (Some(a), Some(b)) => Step::Key(Key::Other, 2 + a.min(b)),
        (Some(end), None) | (None, Some(end)) => Step::Key(Key::Other, 2 + end),
        (None, None) => Step::Incomplete,
    }
}

fn paste(buf: &[u8], start: usize) -> Step {
    let content = &buf[start..];
    let Some(end) = content
        .windows(PASTE_END.len())
        .position(|w| w == PASTE_END)
    else {
        return Step::Incomplete;
    };
    let text = String::from_utf8_lossy(&content[..end])
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    Step::Key(Key::Paste(text), start + end + PASTE_END.len())
}

fn utf8(buf: &[u8]) -> Step {
    let len = match buf[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Step::Key(Key::Other, 1),
    };
    let Some(bytes) = buf.get(..len) else {
        // A truncated character may still be a valid prefix: wait for the rest
        // unless the bytes so far already rule that out.
        return if buf[1..].iter().all(|b| b & 0xc0 == 0x80) {
            Step::Incomplete
        } else {
            Step::Key(Key::Other, 1)
        };
    };
    match std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => Step::Key(Key::Char(c), len),
        None => Step::Key(Key::Other, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(bytes: &[u8]) -> Vec<Key> {
        let mut parser = KeyParser::default();
        parser.push(bytes);
        std::iter::from_fn(|| parser.next_key()).collect()
    }

    #[test]
    fn plain_text_and_controls() {
        assert_eq!(
            keys(b"a\x7f\r\x03\x04\x1a"),
            [
                Key::Char('a'),
                Key::Backspace,
                Key::Enter,
                Key::CtrlC,
                Key::CtrlD,
                Key::CtrlZ
            ]
        );
    }

    #[test]
    fn shift_enter_forms() {
        assert_eq!(
            keys(b"\x1b[13;2u\x1b[27;2;13~\x1b\r\n"),
            [Key::Newline, Key::Newline, Key::Newline, Key::Newline]
        );
    }

    #[test]
    fn arrows_in_both_cursor_modes() {
        assert_eq!(
            keys(b"\x1b[A\x1bOB"),
            [Key::Up, Key::Down],
            "normal (CSI) and application (SS3) cursor keys"
        );
    }

    #[test]
    fn unknown_sequences_are_swallowed_whole() {
        assert_eq!(keys(b"\x1b[<0;3;4Mx"), [Key::Other, Key::Char('x')]);
        assert_eq!(keys(b"\x1b[I"), [Key::Other]);
    }

    #[test]
    fn late_replies_are_not_typed() {
        assert_eq!(
            keys(b"\x1bP>|tmux 3.3a\x1b\\\x1b]11;rgb:0/0/0\x07\x1b]0;t\x1b\\k"),
            [Key::Other, Key::Other, Key::Other, Key::Char('k')]
        );
        let mut parser = KeyParser::default();
        parser.push(b"\x1bP>|tm");
        assert_eq!(parser.next_key(), None);
        assert_eq!(
            parser.flush(),
            Some(Key::Other),
            "an unfinished one is dropped"
        );
    }

    #[test]
    fn bracketed_paste_is_one_key() {
        assert_eq!(
            keys(b"\x1b[200~one\r\ntwo\rthree\x1b[201~z"),
            [Key::Paste("one\ntwo\nthree".into()), Key::Char('z')]
        );
    }

    #[test]
    fn paste_split_across_reads_waits_for_its_end() {
        let mut parser = KeyParser::default();
        parser.push(b"\x1b[200~hel");
        assert_eq!(parser.next_key(), None);
        assert!(
            !parser.needs_flush(),
            "a paste in progress is never timed out"
        );
        parser.push(b"lo\x1b[20");
        assert_eq!(parser.next_key(), None);
        parser.push(b"1~");
        assert_eq!(parser.next_key(), Some(Key::Paste("hello".into())));
    }

    #[test]
    fn lone_escape_needs_the_timeout() {
        let mut parser = KeyParser::default();
        parser.push(b"\x1b");
        assert_eq!(parser.next_key(), None);
        assert!(parser.needs_flush());
        assert_eq!(parser.flush(), Some(Key::Esc));
        assert_eq!(parser.flush(), None);
    }

    #[test]
    fn sequence_split_across_reads() {
        let mut parser = KeyParser::default();
        parser.push(b"\x1b[13;");
        assert_eq!(parser.next_key(), None);
        parser.push(b"2u");
        assert_eq!(parser.next_key(), Some(Key::Newline));
    }

    #[test]
    fn double_escape_is_esc_then_more() {
        assert_eq!(keys(b"\x1b\x1b[A"), [Key::Esc, Key::Up]);
    }

    #[test]
    fn utf8_whole_split_and_invalid() {
        assert_eq!(keys("❯é".as_bytes()), [Key::Char('❯'), Key::Char('é')]);
        let mut parser = KeyParser::default();
        parser.push(&"日".as_bytes()[..2]);
        assert_eq!(parser.next_key(), None);
        parser.push(&"日".as_bytes()[2..]);
        assert_eq!(parser.next_key(), Some(Key::Char('日')));
        assert_eq!(keys(b"\xff\xe2a"), [Key::Other, Key::Other, Key::Char('a')]);
    }

    #[test]
    fn raw_bytes_can_be_taken() {
        let mut parser = KeyParser::default();
        parser.push(b"\x1b[1");
        assert_eq!(parser.next_key(), None);
        assert_eq!(parser.take_raw(), b"\x1b[1");
        assert!(!parser.needs_flush());
    }
}
