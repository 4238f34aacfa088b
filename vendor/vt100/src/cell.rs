use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

// chosen to make the size of the cell struct 32 bytes
//
// patched (see PATCHES.md): was 22; the underline colour and style in
// `Attrs` took 5 bytes, so a cell now keeps the first 17 bytes of a
// grapheme cluster (was 18 to 21) and drops the rest, as before.
pub const CONTENT_BYTES: usize = 17;

pub const IS_WIDE: u8 = 0b1000_0000;
pub const IS_WIDE_CONTINUATION: u8 = 0b0100_0000;
// patched (see PATCHES.md): set when the attributes are not the default, so
// that a never-written cell is one with a zero length byte (`is_default`).
pub const IS_STYLED: u8 = 0b0010_0000;
pub const LEN_BITS: u8 = 0b0001_1111;

/// Represents a single terminal cell.
// patched (see PATCHES.md): Copy, so rows are blanked with memcpy (`blank`).
#[derive(Clone, Copy, Debug, Eq)]
pub struct Cell {
    contents: [u8; CONTENT_BYTES],
    len: u8,
    attrs: crate::attrs::Attrs,
}
const _: () = assert!(core::mem::size_of::<Cell>() == 32);

impl PartialEq<Self> for Cell {
    fn eq(&self, other: &Self) -> bool {
        if self.len != other.len {
            return false;
        }
        if self.attrs != other.attrs {
            return false;
        }
        let len = self.len();
        self.contents[..len] == other.contents[..len]
    }
}

/// Blank cells to copy from: a memcpy, where filling with `Cell::new()`
/// writes the fields of each cell one by one.
///
/// patched (see PATCHES.md): added by ccmux.
const BLANKS: [Cell; 64] = [Cell::DEFAULT; 64];

/// Makes every cell of `cells` a never-written blank.
///
/// patched (see PATCHES.md): added by ccmux.
pub fn blank(cells: &mut [Cell]) {
    for chunk in cells.chunks_mut(BLANKS.len()) {
        chunk.copy_from_slice(&BLANKS[..chunk.len()]);
    }
}

impl Cell {
    pub(crate) const DEFAULT: Self = Self::new();

    pub(crate) const fn new() -> Self {
        Self {
            contents: [0; CONTENT_BYTES],
            len: 0,
            attrs: crate::attrs::Attrs::new(),
        }
    }

    /// Whether this is `Self::DEFAULT`, a never-written blank cell.
    ///
    /// patched (see PATCHES.md): the same answer as `== Self::DEFAULT`, whose
    /// comparison of zero content bytes is still a call to memcmp; trimming
    /// the blank tail of every scrolled line spent most of its time there.
    /// The length byte carries whether the attributes are the default
    /// (`IS_STYLED`, kept by `set_styled` and `clear_styled`, the only
    /// writers of `attrs`):
    /// comparing `Attrs`, which grew, cost as much again.
    pub(crate) fn is_default(&self) -> bool {
        self.len == 0
    }

    /// [`Self::set`] with `styled`, which must be `!a.is_default()`, known:
    /// the text path keeps it from one SGR to the next instead of asking
    /// for every character.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub(crate) fn set_styled(
        &mut self,
        c: char,
        a: crate::attrs::Attrs,
        styled: bool,
    ) {
        self.set_styled_wide(c, c.width().unwrap_or(1) > 1, a, styled);
    }

    /// [`Self::set_styled`] with whether `c` is wide known: the text fast
    /// path measured it already.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub(crate) fn set_styled_wide(
        &mut self,
        c: char,
        wide: bool,
        a: crate::attrs::Attrs,
        styled: bool,
    ) {
        debug_assert_eq!(styled, !a.is_default());
        debug_assert_eq!(wide, c.width().unwrap_or(1) > 1);
        self.len = 0;
        self.append_char(0, c);
        self.set_wide(wide);
        self.attrs = a;
        self.len |= u8::from(styled) * IS_STYLED;
    }

    fn len(&self) -> usize {
        usize::from(self.len & LEN_BITS)
    }

    /// [`Self::set_styled`] for a printable ASCII character (never wide), in
    /// fewer steps.
    ///
    /// patched (see PATCHES.md): the text fast path, added by ccmux.
    #[inline]
    pub(crate) fn set_ascii(
        &mut self,
        b: u8,
        a: crate::attrs::Attrs,
        styled: bool,
    ) {
        debug_assert!((0x20..=0x7e).contains(&b));
        debug_assert_eq!(styled, !a.is_default());
        self.contents[0] = b;
        self.len = 1 | (u8::from(styled) * IS_STYLED);
        self.attrs = a;
    }

    /// The length byte without `IS_STYLED`: how many bytes of text and
    /// whether the cell is wide or the right half of a wide character. With
    /// [`Self::content_bytes`] and the attributes, all a cell holds.
    ///
    /// patched (see PATCHES.md): this and the three below are for compact
    /// scrollback rows (row/compact.rs).
    pub(crate) fn shape(&self) -> u8 {
        self.len & !IS_STYLED
    }

    /// The length byte itself: [`Self::shape`] and `IS_STYLED`.
    pub(crate) fn raw_len(&self) -> u8 {
        self.len
    }

    /// Whether the attributes are not the default ones.
    pub(crate) fn is_styled(&self) -> bool {
        self.len & IS_STYLED != 0
    }

    /// The first byte of text (0 without text).
    pub(crate) fn first_byte(&self) -> u8 {
        self.contents[0]
    }

    /// Makes a one-byte cell hold `b` instead, a printable ASCII character.
    pub(crate) fn set_first_byte(&mut self, b: u8) {
        debug_assert!(self.len() == 1 && (0x20..=0x7e).contains(&b));
        self.contents[0] = b;
    }

    pub(crate) fn content_bytes(&self) -> &[u8] {
        &self.contents[..self.len()]
    }

    /// The cell of [`Self::shape`] `shape` holding `bytes` (as many as the
    /// shape says, UTF-8 a cell held) in `attrs`; `styled` must be
    /// `!attrs.is_default()`.
    pub(crate) fn from_parts(
        shape: u8,
        bytes: &[u8],
        attrs: crate::attrs::Attrs,
        styled: bool,
    ) -> Self {
        debug_assert_eq!(styled, !attrs.is_default());
        debug_assert_eq!(usize::from(shape & LEN_BITS), bytes.len());
        let mut contents = [0; CONTENT_BYTES];
        contents[..bytes.len()].copy_from_slice(bytes);
        Self {
            contents,
            len: shape | (u8::from(styled) * IS_STYLED),
            attrs,
        }
    }

    pub(crate) fn set(&mut self, c: char, a: crate::attrs::Attrs) {
        // if we're setting a single character, we can just look at that one
        // character to determine the cell width (in set_styled)
        self.set_styled(c, a, !a.is_default());
    }

    pub(crate) fn append(&mut self, c: char) {
        let len = self.len();
        // patched (see PATCHES.md): upstream kept 4 bytes free for any
        // character; measuring this one lets the smaller cell keep clusters
        // of up to CONTENT_BYTES bytes.
        if len + usize::from(len == 0) + c.len_utf8() > CONTENT_BYTES {
            return;
        }
        if len == 0 {
            self.contents[0] = b' ';
            self.len += 1;
        }

        // we already checked that we have space for another codepoint
        self.append_char(self.len(), c);
    }

    pub(crate) fn set_contents(&mut self, s: &str, a: crate::attrs::Attrs) {
        let mut chars = s.chars();
        let Some(c) = chars.next() else {
            return;
        };
        self.set(c, a);
        for c in chars {
            self.append(c);
        }
    }

    // Writes bytes representing c at start
    // Requires caller to verify start <= CODEPOINTS_IN_CELL * 4
    fn append_char(&mut self, start: usize, c: char) {
        c.encode_utf8(&mut self.contents[start..]);
        self.len += u8::try_from(c.len_utf8()).unwrap();
        // if we're appending characters, we have to account for emoji
        // presentation being requested, which can turn a base character that
        // is otherwise considered to be narrow into a wide character
        if c == '\u{FE0F}' {
            self.set_wide(self.contents().width() > 1);
        }
    }

    pub(crate) fn clear(&mut self, attrs: crate::attrs::Attrs) {
        self.clear_styled(attrs, !attrs.is_default());
    }

    /// [`Self::clear`] with `styled`, which must be `!attrs.is_default()`,
    /// known: erasing a row asks once, not for every cell.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub(crate) fn clear_styled(
        &mut self,
        attrs: crate::attrs::Attrs,
        styled: bool,
    ) {
        debug_assert_eq!(styled, !attrs.is_default());
        self.len = u8::from(styled) * IS_STYLED;
        self.attrs = attrs;
    }

    /// Returns the text contents of the cell.
    ///
    /// Can include multiple unicode characters if combining characters are
    /// used, but will contain at most one character with a non-zero character
    /// width.
    // Since contents has been constructed by appending chars encoded as UTF-8 it will be valid UTF-8
    #[allow(clippy::missing_panics_doc)]
    #[must_use]
    pub fn contents(&self) -> &str {
        core::str::from_utf8(&self.contents[..self.len()]).unwrap()
    }

    /// Returns whether the cell contains any text data.
    #[must_use]
    pub fn has_contents(&self) -> bool {
        self.len() > 0
    }

    /// Returns whether the text data in the cell represents a wide character.
    #[must_use]
    pub fn is_wide(&self) -> bool {
        self.len & IS_WIDE != 0
    }

    /// Returns whether the cell contains the second half of a wide character
    /// (in other words, whether the previous cell in the row contains a wide
    /// character)
    #[must_use]
    pub fn is_wide_continuation(&self) -> bool {
        self.len & IS_WIDE_CONTINUATION != 0
    }

    fn set_wide(&mut self, wide: bool) {
        if wide {
            self.len |= IS_WIDE;
        } else {
            self.len &= !IS_WIDE;
        }
    }

    pub(crate) fn set_wide_continuation(&mut self, wide: bool) {
        if wide {
            self.len |= IS_WIDE_CONTINUATION;
        } else {
            self.len &= !IS_WIDE_CONTINUATION;
        }
    }

    pub(crate) fn attrs(&self) -> &crate::attrs::Attrs {
        &self.attrs
    }

    /// Returns the foreground color of the cell.
    #[must_use]
    pub fn fgcolor(&self) -> crate::Color {
        self.attrs.fgcolor
    }

    /// Returns the background color of the cell.
    #[must_use]
    pub fn bgcolor(&self) -> crate::Color {
        self.attrs.bgcolor
    }

    /// Returns whether the cell should be rendered with the bold text
    /// attribute.
    #[must_use]
    pub fn bold(&self) -> bool {
        self.attrs.bold()
    }

    /// Returns whether the cell should be rendered with the dim text
    /// attribute.
    #[must_use]
    pub fn dim(&self) -> bool {
        self.attrs.dim()
    }

    /// Returns whether the cell should be rendered with the italic text
    /// attribute.
    #[must_use]
    pub fn italic(&self) -> bool {
        self.attrs.italic()
    }

    /// Returns whether the cell should be rendered with the underlined text
    /// attribute.
    #[must_use]
    pub fn underline(&self) -> bool {
        self.attrs.underline()
    }

    /// Returns whether the cell should be rendered with the inverse text
    /// attribute.
    #[must_use]
    pub fn inverse(&self) -> bool {
        self.attrs.inverse()
    }

    /// Returns how the cell is underlined; [`Self::underline`] is whether it
    /// is at all.
    ///
    /// patched (see PATCHES.md): this and the accessors below are new.
    #[must_use]
    pub fn underline_style(&self) -> crate::UnderlineStyle {
        self.attrs.underline
    }

    /// Returns the colour of the underline (SGR 58; `Color::Default` is the
    /// text's colour).
    #[must_use]
    pub fn underline_color(&self) -> crate::Color {
        self.attrs.ulcolor
    }

    /// Returns whether the cell is struck through (SGR 9).
    #[must_use]
    pub fn strikethrough(&self) -> bool {
        self.attrs.strikethrough()
    }

    /// Returns whether the cell has a line over it (SGR 53).
    #[must_use]
    pub fn overline(&self) -> bool {
        self.attrs.overline()
    }

    /// Returns whether the cell blinks (SGR 5 or 6).
    #[must_use]
    pub fn blink(&self) -> bool {
        self.attrs.blink()
    }

    /// Returns whether the cell's text is hidden (SGR 8).
    #[must_use]
    pub fn hidden(&self) -> bool {
        self.attrs.hidden()
    }
}
