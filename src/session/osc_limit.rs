//! Keeps a program from making the parser store an endless OSC string.
//!
//! vt100 enables vte's `std` feature, where the OSC buffer is a `Vec` that
//! grows until the string ends: `printf '\e]0;'; exec yes` would take all the
//! memory there is, then hand the whole of it over as a title. vte without
//! `std` has a fixed buffer instead, but one inline array per parser, sized
//! for the largest OSC we accept (an OSC 52 copy), would cost every session
//! that much memory from the start. So the bytes go through this filter
//! first: it follows vte's state machine just far enough to know when vte is
//! inside an OSC string, counts the string's bytes, and drops those past
//! [`MAX_OSC`] until the string ends.
//!
//! The states mirror vte 0.15 exactly where it matters: ESC enters vte's
//! Escape state from every state (it also ends an OSC string there), and only
//! `ESC ]` straight from Escape opens an OSC string. Only OSC strings are
//! buffered by vte; DCS, SOS, PM and APC contents are passed through or
//! ignored byte by byte, so they need no limit.

/// The most bytes of one OSC string handed to the parser, counted from after
/// `ESC ]` (control bytes inside the string included): 1 MiB, room for an OSC
/// 52 copy of 768 KiB of text, the largest string ccmux uses. vte's buffer
/// grows by doubling, so this is also the most it ever holds.
pub const MAX_OSC: usize = 1 << 20;

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;
/// CAN and SUB abort any sequence (vte still dispatches an OSC ended by them).
const CAN: u8 = 0x18;
const SUB: u8 = 0x1a;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Anywhere but the two states below: only ESC matters here.
    #[default]
    Other,
    /// Right after an ESC (vte's Escape state).
    Escape,
    /// Inside an OSC string, this many bytes into it.
    Osc { len: usize, cut: bool },
}

/// What to do with the next part of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Hand this many bytes to the parser.
    Parse(usize),
    /// Drop this many bytes: they are past the limit of an OSC string.
    Drop(usize),
    /// The next byte ends an OSC string that was cut short: parse it alone,
    /// knowing that what it dispatches is incomplete.
    EndOfCut,
}

#[derive(Debug, Default)]
pub struct OscLimit {
    state: State,
}

impl OscLimit {
    /// Splits off the next part of `bytes` (which must not be empty).
    pub fn next(&mut self, bytes: &[u8]) -> Part {
        let mut i = 0;
        while i < bytes.len() {
            match self.state {
                State::Other => match memchr::memchr(ESC, &bytes[i..]) {
                    Some(at) => {
                        i += at + 1;
                        self.state = State::Escape;
                    }
                    None => i = bytes.len(),
                },
                State::Escape => {
                    self.state = match bytes[i] {
                        b']' => State::Osc { len: 0, cut: false },
                        ESC => State::Escape,
                        CAN | SUB | 0x20..=0x7e => State::Other,
                        // vte executes other C0 controls (and ignores DEL
                        // and high bytes) without leaving Escape.
                        _ => State::Escape,
                    };
                    i += 1;
                }
                State::Osc { len, cut } => {
                    let rest = &bytes[i..];
                    let body = rest
                        .iter()
                        .position(|&b| matches!(b, BEL | CAN | SUB | ESC))
                        .unwrap_or(rest.len());
                    if cut {
                        // Cut strings only start a call: nothing is before them.
                        if body > 0 {
                            return Part::Drop(body);
                        }
                        self.end_osc(rest[0]);
                        return Part::EndOfCut;
                    }
                    let room = MAX_OSC - len;
                    if body > room {
                        self.state = State::Osc {
                            len: MAX_OSC,
                            cut: true,
                        };
                        let keep = i + room;
                        return if keep > 0 {
                            Part::Parse(keep)
                        } else {
                            Part::Drop(body)
                        };
                    }
                    i += body;
                    self.state = State::Osc {
                        len: len + body,
                        cut: false,
                    };
                    if let Some(&end) = rest.get(body) {
                        self.end_osc(end);
                        i += 1;
                    }
                }
            }
        }
        Part::Parse(i)
    }

    /// The parser was replaced by a fresh one, which starts outside any sequence.
    pub fn reset(&mut self) {
        self.state = State::Other;
    }

    fn end_osc(&mut self, end: u8) {
        self.state = if end == ESC {
            State::Escape
        } else {
            State::Other
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the parser gets, with `|` where a cut string's end was parsed.
    fn filtered(chunks: &[&[u8]]) -> Vec<u8> {
        let mut limit = OscLimit::default();
        let mut out = Vec::new();
        for chunk in chunks {
            let mut rest = *chunk;
            while !rest.is_empty() {
                match limit.next(rest) {
                    Part::Parse(n) => {
                        assert!(n > 0);
                        out.extend_from_slice(&rest[..n]);
                        rest = &rest[n..];
                    }
                    Part::Drop(n) => rest = &rest[n..],
                    Part::EndOfCut => {
                        out.push(b'|');
                        out.push(rest[0]);
                        rest = &rest[1..];
                    }
                }
            }
        }
        out
    }

    #[test]
    fn leaves_everything_within_the_limit_alone() {
        let text: &[u8] = b"plain \x1b[1mbold\x1b[m \x1b]0;title\x07 \x1b]52;c;aGk=\x1b\\ \
            \x1bP$q\"p\x1b\\ \x1b_apc\x1b\\ \xe2\x9c\xb3 \x1b\x1b]2;x\x18 \x1b(]";
        assert_eq!(filtered(&[text]), text);
        let byte_by_byte: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(filtered(&byte_by_byte), text);
    }

    #[test]
    fn cuts_a_long_osc_string_and_marks_its_end() {
        let mut long = b"a\x1b]0;".to_vec();
        long.extend(std::iter::repeat_n(b'x', MAX_OSC + 100));
        long.extend_from_slice(b"\x07after");
        let mut expected = b"a\x1b]0;".to_vec();
        expected.extend(std::iter::repeat_n(b'x', MAX_OSC - 2));
        expected.extend_from_slice(b"|\x07after");
        assert_eq!(filtered(&[&long]), expected);
        // However the output is split into reads.
        let chunks: Vec<&[u8]> = long.chunks(4093).collect();
        assert_eq!(filtered(&chunks), expected);
    }

    #[test]
    fn esc_ends_a_cut_string_and_starts_a_sequence() {
        let mut long = b"\x1b]0;".to_vec();
        long.extend(std::iter::repeat_n(b'x', MAX_OSC * 2));
        long.extend_from_slice(b"\x1b\\\x1b]0;t\x07");
        let mut expected = b"\x1b]0;".to_vec();
        expected.extend(std::iter::repeat_n(b'x', MAX_OSC - 2));
        expected.extend_from_slice(b"|\x1b\\\x1b]0;t\x07");
        assert_eq!(filtered(&[&long]), expected);
        // A string that fills the limit exactly is cut by its next byte.
        let mut full = b"\x1b]".to_vec();
        full.extend(std::iter::repeat_n(b'x', MAX_OSC));
        let chunks = [&full[..], b"y", b"\x07"];
        let mut expected = full.clone();
        expected.extend_from_slice(b"|\x07");
        assert_eq!(filtered(&chunks), expected);
    }

    #[test]
    fn only_esc_bracket_from_escape_opens_a_string() {
        // After an intermediate, `]` is a final byte; in a CSI, ESC starts over.
        let long = |prefix: &[u8]| {
            let mut v = prefix.to_vec();
            v.extend(std::iter::repeat_n(b'x', MAX_OSC + 1));
            v
        };
        for prefix in [&b"\x1b(]"[..], b"\x1b[1]", b"]", b"\x1bP]"] {
            let text = long(prefix);
            assert_eq!(filtered(&[&text]), text, "{prefix:?}");
        }
        // C0 controls inside Escape keep it; the OSC still opens.
        let text = long(b"\x1b\x0d]");
        assert_eq!(filtered(&[&text]).len(), 3 + MAX_OSC);
    }
}
