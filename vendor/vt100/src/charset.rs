//! patched (see PATCHES.md): character sets designated into G0-G3 and
//! shifted into GL, so DEC Special Graphics (`ESC ( 0`, or `ESC ) 0` then
//! SO) draws lines the way xterm does. Added by ccmux.

/// A 94-character set a program can designate into G0-G3.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Charset {
    /// US ASCII (`B`), and every set we do not know: a set we cannot draw
    /// is closest to plain ASCII.
    #[default]
    Ascii,
    /// British (`A`): `#` is the pound sign.
    Uk,
    /// DEC Special Graphics (`0`): line drawing and a few symbols in
    /// 0x5f-0x7e.
    DecSpecialGraphics,
}

/// DEC Special Graphics for 0x5f (`_`) to 0x7e (`~`), as xterm draws them
/// in UTF-8: 0x5f is a blank, 0x62-0x65 and 0x68-0x69 are the
/// control-picture glyphs for HT, FF, CR, LF, NL and VT.
const DEC_SPECIAL_GRAPHICS: [char; 32] = [
    ' ', '◆', '▒', '␉', '␌', '␍', '␊', '°', '±', '␤', '␋', '┘', '┐', '┌',
    '└', '┼', '⎺', '⎻', '─', '⎼', '⎽', '├', '┤', '┴', '┬', '│', '≤', '≥',
    'π', '≠', '£', '·',
];

impl Charset {
    /// The set a designation's final byte names.
    pub fn from_final(b: u8) -> Self {
        match b {
            b'0' => Self::DecSpecialGraphics,
            b'A' => Self::Uk,
            _ => Self::Ascii,
        }
    }

    fn translate(self, c: char) -> char {
        match self {
            Self::Uk if c == '#' => '£',
            Self::Ascii | Self::Uk => c,
            Self::DecSpecialGraphics => usize::try_from(u32::from(c))
                .ok()
                .and_then(|n| n.checked_sub(0x5f))
                .and_then(|i| DEC_SPECIAL_GRAPHICS.get(i))
                .copied()
                .unwrap_or(c),
        }
    }
}

/// G0-G3 and which of them is shifted into GL, saved and restored with the
/// cursor (DECSC/DECRC) as xterm does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Charsets {
    g: [Charset; 4],
    gl: u8,
    /// `g[gl]`, kept so printing plain text costs one comparison.
    active: Charset,
}

impl Charsets {
    /// Designates `charset` into G`slot` (0-3).
    pub fn designate(&mut self, slot: u8, charset: Charset) {
        if let Some(g) = self.g.get_mut(usize::from(slot)) {
            *g = charset;
        }
        self.active = self.g[usize::from(self.gl)];
    }

    /// Shifts G`slot` (0-3) into GL: SI is 0, SO 1, LS2 2, LS3 3.
    pub fn shift(&mut self, slot: u8) {
        if usize::from(slot) < self.g.len() {
            self.gl = slot;
            self.active = self.g[usize::from(slot)];
        }
    }

    /// Whether every character is drawn as itself.
    #[inline]
    pub fn is_ascii(self) -> bool {
        self.active == Charset::Ascii
    }

    /// The character `c` is drawn as.
    #[inline]
    pub fn translate(self, c: char) -> char {
        if self.active == Charset::Ascii {
            c
        } else {
            self.active.translate(c)
        }
    }
}
