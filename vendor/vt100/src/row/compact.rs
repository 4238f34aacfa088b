//! patched (see PATCHES.md): scrollback rows, stored compactly. Added by
//! ccmux.
//!
//! A row that scrolled off the screen never changes again, and a cell takes
//! 32 bytes, most of them the same attributes over and over, or zeros. So
//! the scrollback keeps each row as a string of small operations: printable
//! ASCII as itself, other single characters as their UTF-8, the attributes
//! only where they change, runs of the same cell as a count; the blank tail
//! was dropped before. A full row of plain text takes about a byte a cell.
//! A row is expanded back into cells only when it is read (drawn, searched,
//! copied, rewrapped), exactly as it was: every cell's text, width flags and
//! attributes.

use crate::attrs::{Attrs, Color, UnderlineStyle};
use crate::cell::{
    CONTENT_BYTES, Cell, IS_STYLED, IS_WIDE, IS_WIDE_CONTINUATION, LEN_BITS,
};
use alloc::{boxed::Box, vec::Vec};

// The operations. 0x20..=0x7e is that ASCII character, one cell; 0xc2..=0xf4
// starts the UTF-8 of one character, one narrow cell. Every cell takes the
// current attributes, which start as the default ones, except `WIDE_REST`.

/// A never-written cell: no text.
const BLANK: u8 = 0x00;
/// Followed by a count n: the cell before, n more times.
const REPEAT: u8 = 0x01;
/// Followed by a cell's shape (`Cell::shape`) and as many bytes of text as
/// it says: any cell the short forms cannot say.
const CELL: u8 = 0x02;
/// Followed by attributes (`write_attrs`): the current ones from here on.
const ATTRS: u8 = 0x03;
/// The right half of a wide character as vt100 leaves it: no text, default
/// attributes.
const WIDE_REST: u8 = 0x04;
/// Followed by the UTF-8 of one character: that character, wide, then its
/// right half (`WIDE_REST`).
const WIDE: u8 = 0x05;

/// A row of the scrollback: its cells encoded (see above), how many there
/// are, whether the row wraps into the next, and the stamp it had on the
/// screen (`Grid::stamp`).
#[derive(Clone, Debug)]
pub struct CompactRow {
    ops: Box<[u8]>,
    len: u16,
    wrapped: bool,
    stamp: u64,
}

impl CompactRow {
    /// `cells` encoded, with `scratch` to encode into (kept by the caller so
    /// scrolling a line allocates only what the row keeps).
    ///
    /// patched (see PATCHES.md): always inlined, as `Row::take_compact` is,
    /// so the row is built in its scrollback slot. Returned through two
    /// calls, it was stored a field at a time and read back 16 bytes at a
    /// time, a load the store buffer cannot forward: a stall on every
    /// scrolled line.
    #[inline(always)]
    pub fn new(
        cells: &[Cell],
        wrapped: bool,
        stamp: u64,
        scratch: &mut Vec<u8>,
    ) -> Self {
        encode(cells, scratch);
        Self {
            ops: scratch.as_slice().into(),
            // rows are at most u16::MAX cells wide (see Size)
            len: u16::try_from(cells.len()).unwrap_or(u16::MAX),
            wrapped,
            stamp,
        }
    }

    pub fn stamp(&self) -> u64 {
        self.stamp
    }

    pub fn set_stamp(&mut self, stamp: u64) {
        self.stamp = stamp;
    }

    /// How many cells the row holds.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn len_u16(&self) -> u16 {
        self.len
    }

    pub fn wrapped(&self) -> bool {
        self.wrapped
    }

    /// The row's cells, as they were when it was stored.
    pub fn cells(&self) -> Vec<Cell> {
        let mut cells = Vec::with_capacity(self.len());
        decode(&self.ops, &mut cells);
        debug_assert_eq!(cells.len(), self.len());
        cells
    }

    /// The bytes the row keeps on the heap.
    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        self.ops.len()
    }
}

/// How many bytes the UTF-8 character starting with `lead` takes.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// Whether `cell` is the right half of a wide character as vt100 makes it.
fn is_wide_rest(cell: &Cell) -> bool {
    cell.shape() == IS_WIDE_CONTINUATION && !cell.is_styled()
}

/// Writes the operations that make `cells` into `out` (cleared first).
///
/// Every line that scrolls off goes through here, so the common case, a run
/// of printable ASCII characters in the same attributes, is found with a few
/// compares a cell and copied byte by byte; a repeat elsewhere is found by
/// comparing the operation with the one just written rather than whole cells.
fn encode(cells: &[Cell], out: &mut Vec<u8>) {
    out.clear();
    let mut run = Run::default();
    let mut attrs = Attrs::default();
    // the length byte a plain ASCII cell in `attrs` has
    let mut ascii = 1;
    let mut i = 0;
    while let Some(cell) = cells.get(i) {
        let plain = ascii_run(&cells[i..], ascii, &attrs);
        if plain > 0 {
            run.end(out);
            let start = out.len();
            out.extend(cells[i..i + plain].iter().map(Cell::first_byte));
            if repeats(&out[start..]) {
                // written again, with the runs of one character counted
                for b in out.split_off(start) {
                    run.byte(out, b);
                }
            }
            run.len = 1;
            i += plain;
            continue;
        }
        // A gap of never-written cells (cursor movement), in one go.
        if ascii == 1 && cell.raw_len() == 0 {
            let n = cells[i..]
                .iter()
                .position(|c| c.raw_len() != 0)
                .unwrap_or(cells.len() - i);
            run.end(out);
            out.push(BLANK);
            let mut more = n - 1;
            while more > 2 {
                let count = u8::try_from(more).unwrap_or(u8::MAX);
                out.extend_from_slice(&[REPEAT, count]);
                more -= usize::from(count);
            }
            out.extend_from_slice(&[BLANK, BLANK][..more]);
            i += n;
            continue;
        }
        i += 1;
        if is_wide_rest(cell) {
            run.end(out);
            out.push(WIDE_REST);
            continue;
        }
        let styled = ascii != 1;
        if cell.is_styled() != styled || (styled && cell.attrs() != &attrs) {
            run.end(out);
            attrs = *cell.attrs();
            ascii = (cell.raw_len() & IS_STYLED) | 1;
            out.push(ATTRS);
            write_attrs(&attrs, out);
        }
        let shape = cell.shape();
        let text = cell.content_bytes();
        match (shape, text) {
            (0, _) => run.op(out, &[BLANK]),
            (1, &[b @ 0x20..=0x7e]) => run.byte(out, b),
            (2..=4, &[lead, ..])
                if lead >= 0xc2 && utf8_len(lead) == text.len() =>
            {
                run.op(out, text);
            }
            (_, &[lead, ..])
                if shape & !LEN_BITS == IS_WIDE
                    && lead >= 0xc2
                    && utf8_len(lead) == text.len()
                    && cells.get(i).is_some_and(is_wide_rest) =>
            {
                run.end(out);
                out.push(WIDE);
                out.extend_from_slice(text);
                // its right half goes with it
                i += 1;
            }
            _ => {
                let mut op = [0; 2 + CONTENT_BYTES];
                op[0] = CELL;
                op[1] = shape;
                op[2..2 + text.len()].copy_from_slice(text);
                run.op(out, &op[..2 + text.len()]);
            }
        }
    }
    run.end(out);
}

/// How many cells from the start of `cells` are printable ASCII characters
/// in `attrs`, whose plain ASCII cells have the length byte `ascii`.
fn ascii_run(cells: &[Cell], ascii: u8, attrs: &Attrs) -> usize {
    cells
        .iter()
        .position(|cell| {
            cell.raw_len() != ascii
                || !(0x20..=0x7e).contains(&cell.first_byte())
                || (ascii != 1 && cell.attrs() != attrs)
        })
        .unwrap_or(cells.len())
}

/// Whether one byte comes four times or more in a row in `bytes`: what is
/// worth a count (`REPEAT`). Most text has none, so the places where one
/// byte comes three times are counted first, which the compiler does many
/// at a time: four in a row make two of them.
fn repeats(bytes: &[u8]) -> bool {
    let threes = bytes
        .windows(3)
        .map(|w| u32::from(w[0] == w[1]) & u32::from(w[1] == w[2]));
    threes.sum::<u32>() >= 2
        && bytes
            .windows(4)
            .any(|w| w[0] == w[1] && w[1] == w[2] && w[2] == w[3])
}

/// The operation that made the last cell, at the end of what is written,
/// and how many more of that cell are waiting to be written.
#[derive(Default)]
struct Run {
    /// Its length, 0 when what was written last does not make one cell.
    len: usize,
    pending: u8,
}

impl Run {
    /// [`Self::op`] for a one-byte operation, the common case.
    #[inline]
    fn byte(&mut self, out: &mut Vec<u8>, b: u8) {
        if self.len == 1 && out.last() == Some(&b) {
            self.pending += 1;
            if self.pending == u8::MAX {
                self.flush(out);
            }
            return;
        }
        self.flush(out);
        out.push(b);
        self.len = 1;
    }

    /// Writes `op`, which makes one cell, or counts it if it is the last
    /// one again.
    fn op(&mut self, out: &mut Vec<u8>, op: &[u8]) {
        if self.len == op.len() && out.ends_with(op) {
            self.pending += 1;
            if self.pending == u8::MAX {
                self.flush(out);
            }
            return;
        }
        self.flush(out);
        out.extend_from_slice(op);
        self.len = op.len();
    }

    /// Writes the repeats waiting: as a count, or as the same operation
    /// again where that is as short.
    #[inline]
    fn flush(&mut self, out: &mut Vec<u8>) {
        if self.pending != 0 {
            self.write_pending(out);
        }
    }

    #[cold]
    fn write_pending(&mut self, out: &mut Vec<u8>) {
        let n = core::mem::take(&mut self.pending);
        let op = out.len() - self.len..out.len();
        if self.len * usize::from(n) <= 2 {
            for _ in 0..n {
                out.extend_from_within(op.clone());
            }
        } else {
            out.extend_from_slice(&[REPEAT, n]);
            // the count, not the operation, is what ends `out` now
            self.len = 0;
        }
    }

    /// Writes the repeats waiting, before something that is not a cell's
    /// operation of its own.
    fn end(&mut self, out: &mut Vec<u8>) {
        self.flush(out);
        self.len = 0;
    }
}

/// Appends the cells `ops` make to `cells`.
fn decode(ops: &[u8], cells: &mut Vec<Cell>) {
    let mut attrs = Attrs::default();
    let mut styled = false;
    let wide_rest =
        Cell::from_parts(IS_WIDE_CONTINUATION, &[], Attrs::default(), false);
    let mut i = 0;
    while let Some(&op) = ops.get(i) {
        i += 1;
        match op {
            0x20..=0x7e => {
                // the whole run of ASCII at once: one cell copied, its
                // character changed
                let run = ops[i - 1..]
                    .iter()
                    .position(|b| !(0x20..=0x7e).contains(b))
                    .unwrap_or(ops.len() - (i - 1));
                let cell = Cell::from_parts(1, &[op], attrs, styled);
                cells.extend(ops[i - 1..i - 1 + run].iter().map(|&b| {
                    let mut cell = cell;
                    cell.set_first_byte(b);
                    cell
                }));
                i += run - 1;
            }
            BLANK => cells.push(Cell::from_parts(0, &[], attrs, styled)),
            REPEAT => {
                let n = ops[i];
                i += 1;
                if let Some(&cell) = cells.last() {
                    cells.extend(core::iter::repeat_n(cell, usize::from(n)));
                }
            }
            CELL => {
                let shape = ops[i];
                let text = &ops[i + 1..=i + usize::from(shape & LEN_BITS)];
                i += 1 + text.len();
                cells.push(Cell::from_parts(shape, text, attrs, styled));
            }
            ATTRS => {
                i += read_attrs(&ops[i..], &mut attrs);
                styled = !attrs.is_default();
            }
            WIDE_REST => cells.push(wide_rest),
            WIDE => {
                let text = &ops[i..i + utf8_len(ops[i])];
                i += text.len();
                // one UTF-8 character: at most 4 bytes, within LEN_BITS
                let shape = IS_WIDE | u8::try_from(text.len()).unwrap_or(0);
                cells.push(Cell::from_parts(shape, text, attrs, styled));
                cells.push(wide_rest);
            }
            lead => {
                let text = &ops[i - 1..i - 1 + utf8_len(lead)];
                i += text.len() - 1;
                let shape = u8::try_from(text.len()).unwrap_or(0);
                cells.push(Cell::from_parts(shape, text, attrs, styled));
            }
        }
    }
}

// Attributes: a byte saying which parts differ from the default (two bits
// per colour: default, indexed or RGB; one bit each for the mode bits and
// the underline style), then those parts in that order.
const COLOR_IDX: u8 = 1;
const COLOR_RGB: u8 = 2;
const HAS_MODE: u8 = 1 << 6;
const HAS_UNDERLINE: u8 = 1 << 7;

fn write_attrs(attrs: &Attrs, out: &mut Vec<u8>) {
    let at = out.len();
    out.push(0);
    let mut head = 0;
    for (shift, color) in [attrs.fgcolor, attrs.bgcolor, attrs.ulcolor]
        .into_iter()
        .enumerate()
    {
        let kind = match color {
            Color::Default => 0,
            Color::Idx(i) => {
                out.push(i);
                COLOR_IDX
            }
            Color::Rgb(r, g, b) => {
                out.extend_from_slice(&[r, g, b]);
                COLOR_RGB
            }
        };
        head |= kind << (2 * shift);
    }
    if attrs.mode != 0 {
        head |= HAS_MODE;
        out.push(attrs.mode);
    }
    if attrs.underline != UnderlineStyle::None {
        head |= HAS_UNDERLINE;
        out.push(attrs.underline.sgr());
    }
    out[at] = head;
}

/// Reads attributes `write_attrs` wrote at the start of `ops` into `attrs`;
/// returns how many bytes they took.
fn read_attrs(ops: &[u8], attrs: &mut Attrs) -> usize {
    let head = ops[0];
    let mut i = 1;
    let mut color = |shift: u8| match (head >> (2 * shift)) & 0b11 {
        COLOR_IDX => {
            i += 1;
            Color::Idx(ops[i - 1])
        }
        COLOR_RGB => {
            i += 3;
            Color::Rgb(ops[i - 3], ops[i - 2], ops[i - 1])
        }
        _ => Color::Default,
    };
    let fgcolor = color(0);
    let bgcolor = color(1);
    let ulcolor = color(2);
    let mut byte_if = |bit: u8| {
        if head & bit == 0 {
            0
        } else {
            i += 1;
            ops[i - 1]
        }
    };
    let mode = byte_if(HAS_MODE);
    let underline =
        UnderlineStyle::from_sgr(u16::from(byte_if(HAS_UNDERLINE)))
            .unwrap_or_default();
    *attrs = Attrs {
        fgcolor,
        bgcolor,
        ulcolor,
        mode,
        underline,
    };
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(cells: &[Cell]) -> CompactRow {
        let row = CompactRow::new(cells, false, 0, &mut Vec::new());
        assert_eq!(row.cells(), cells);
        assert_eq!(row.len(), cells.len());
        row
    }

    fn text(s: &str, attrs: Attrs) -> Vec<Cell> {
        s.chars()
            .map(|c| {
                let mut cell = Cell::new();
                cell.set(c, attrs);
                cell
            })
            .collect()
    }

    #[test]
    fn plain_text_takes_a_byte_a_cell() {
        let cells = text("hello, world", Attrs::default());
        assert_eq!(round_trip(&cells).heap_bytes(), 12);
    }

    #[test]
    fn runs_of_one_cell_take_a_count() {
        let cells = text(&"-".repeat(200), Attrs::default());
        // the cell, then 199 more in one count of 255 at most
        assert_eq!(round_trip(&cells).heap_bytes(), 3);
        let cells = text(&"═".repeat(600), Attrs::default());
        round_trip(&cells);
    }

    #[test]
    fn every_attribute_and_shape_comes_back() {
        let mut attrs = Attrs {
            fgcolor: Color::Rgb(1, 2, 3),
            bgcolor: Color::Idx(200),
            ulcolor: Color::Rgb(250, 0, 9),
            ..Attrs::default()
        };
        attrs.set_bold();
        attrs.set_italic(true);
        attrs.set_strikethrough(true);
        attrs.underline = UnderlineStyle::Curly;
        let mut cells = text("aé€😀", attrs);
        cells.extend(text("x", Attrs::default()));
        let mut wide = Cell::new();
        wide.set('漢', attrs);
        let mut rest = Cell::new();
        rest.set_wide_continuation(true);
        cells.extend([wide, rest]);
        // a wide character with a variation selector, a combining mark, a
        // styled blank, a never-written blank, a styled right half
        let mut emoji = Cell::new();
        emoji.set('⚠', attrs);
        emoji.append('\u{FE0F}');
        let mut combined = Cell::new();
        combined.set('e', Attrs::default());
        combined.append('\u{301}');
        let mut styled_blank = Cell::new();
        styled_blank.clear(attrs);
        let mut styled_rest = Cell::new();
        styled_rest.clear(attrs);
        styled_rest.set_wide_continuation(true);
        cells.extend([emoji, rest, combined, styled_blank, Cell::new()]);
        cells.extend([styled_rest, styled_blank, styled_blank, styled_blank]);
        round_trip(&cells);
    }

    #[test]
    fn an_empty_row_holds_nothing() {
        assert_eq!(round_trip(&[]).heap_bytes(), 0);
    }
}
