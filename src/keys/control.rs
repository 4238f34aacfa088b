//! The C0 byte a terminal sends for Ctrl plus a character. Both the encoder
//! (what to send a session) and key normalization (which keys a legacy terminal
//! cannot tell apart) follow this one xterm table.

/// `None` when Ctrl does not change the character (Ctrl-1, Ctrl-é): xterm then
/// sends the character alone.
pub fn control_byte(c: char) -> Option<u8> {
    match c {
        'a'..='z' | 'A'..='Z' => Some(c as u8 & 0x1f),
        '@' | ' ' | '2' => Some(0x00),
        '[' | '3' => Some(0x1b),
        '\\' | '4' => Some(0x1c),
        ']' | '5' => Some(0x1d),
        '^' | '6' | '~' => Some(0x1e),
        '_' | '7' | '/' => Some(0x1f),
        '?' | '8' => Some(0x7f),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xterm_table() {
        let cases = [
            ('a', Some(0x01)),
            ('q', Some(0x11)),
            ('Z', Some(0x1a)),
            (' ', Some(0x00)),
            ('@', Some(0x00)),
            ('2', Some(0x00)),
            ('[', Some(0x1b)),
            ('\\', Some(0x1c)),
            (']', Some(0x1d)),
            ('^', Some(0x1e)),
            ('_', Some(0x1f)),
            ('/', Some(0x1f)),
            ('?', Some(0x7f)),
            ('8', Some(0x7f)),
            ('1', None),
            ('9', None),
            ('é', None),
            ('.', None),
        ];
        for (c, want) in cases {
            assert_eq!(control_byte(c), want, "ctrl-{c:?}");
        }
    }
}
