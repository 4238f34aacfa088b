//! ratatui's diff of two buffers (ratatui-core 0.1's `BufferDiff`), one row at a time: what it
//! sends for a row, in the same order, so that diffing only the rows that may have changed sends
//! exactly what diffing the whole frame would. ratatui diffs whole buffers only; copying rows
//! into buffers of their own for it costs more than the diff.
//!
//! The whole diff carries a cell that reaches past its row's end (or the columns it clears) into
//! the next row; a row that would is refused, and the caller diffs the whole frame instead.
//! `tests` checks this against ratatui's own diff on random buffers.

use ratatui::buffer::{Cell, CellDiffOption, CellWidth};
use ratatui::style::{Color, Modifier};

/// Attributes that show on a blank cell, so the columns a wide character covered are sent again
/// when a narrower one replaces it (ratatui's `VISIBLE_ON_BLANK`).
const VISIBLE_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK)
    .union(Modifier::CROSSED_OUT);

/// Appends to `out` what ratatui's diff sends for row `y` going from `prev` to `next` (cells of
/// the row from column `x` on), when nothing is carried into these cells from the ones before
/// them. False when the diff would carry something past them (into the next row, for cells
/// that end the row): `out` then holds part of them only.
pub fn diff_row<'a>(
    prev: &[Cell],
    next: &'a [Cell],
    x: u16,
    y: u16,
    out: &mut Vec<(u16, u16, &'a Cell)>,
) -> bool {
    let len = prev.len().min(next.len());
    let first = out.len();
    let at = |i: usize| u16::try_from(i).unwrap_or(u16::MAX);
    let mut pos = 0;
    while pos < len {
        let i = pos;
        pos += 1;
        let (current, previous) = (&next[i], &prev[i]);
        match current.diff_option {
            CellDiffOption::Skip => {}
            _ if is_skip(current) => {}
            CellDiffOption::ForcedWidth(width) => {
                pos += usize::from(width.get()) - 1;
                if current != previous {
                    out.push((at(i), y, current));
                }
            }
            CellDiffOption::None | CellDiffOption::AlwaysUpdate => {
                let width = usize::from(current.cell_width());
                if current.diff_option == CellDiffOption::None && current == previous {
                    pos += width.saturating_sub(1);
                    continue;
                }
                out.push((at(i), y, current));
                let previous_width = usize::from(previous.cell_width());
                // Some terminals leave a VS16 emoji's second column stale: it is sent if it
                // changed. A narrower cell over a wide one whose style shows on blanks: all the
                // columns it covered are sent.
                let vs16 = width > 1 && current.symbol().contains('\u{FE0F}');
                let visible =
                    previous.bg != Color::Reset || previous.modifier.intersects(VISIBLE_ON_BLANK);
                let trailing = if vs16 {
                    Some((i + width, false))
                } else if width > 1 {
                    pos += width - 1;
                    None
                } else if previous_width > width && visible {
                    Some((i + previous_width, true))
                } else {
                    None
                };
                if let Some((end, force)) = trailing {
                    let Some(end) = trail(prev, next, i + 1, end, force, y, out) else {
                        return false;
                    };
                    pos = end;
                }
            }
        }
    }
    // Columns of the cells given, from the row's start.
    for (col, _, _) in &mut out[first..] {
        *col = col.saturating_add(x);
    }
    pos == len
}

/// The columns after a changed cell, from `start` to `end` (which a wide cell among them moves
/// on), sent if `force`d or their text changed; where they end, or None past the row's end.
fn trail<'a>(
    prev: &[Cell],
    next: &'a [Cell],
    start: usize,
    mut end: usize,
    force: bool,
    y: u16,
    out: &mut Vec<(u16, u16, &'a Cell)>,
) -> Option<usize> {
    let len = prev.len().min(next.len());
    let mut j = start;
    while j < end {
        if end > len {
            return None;
        }
        let cell = &next[j];
        let k = j;
        j += usize::from(cell.cell_width().max(1));
        end = end.max(j);
        if !is_skip(cell) && (force || prev[k].symbol() != cell.symbol()) {
            out.push((u16::try_from(k).unwrap_or(u16::MAX), y, cell));
        }
    }
    (end <= len).then_some(end)
}

/// A cell the diff never sends (ratatui's `is_skip`, which still reads the deprecated flag).
#[allow(deprecated)]
fn is_skip(cell: &Cell) -> bool {
    cell.diff_option == CellDiffOption::Skip
        || (cell.skip && cell.diff_option == CellDiffOption::None)
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU16;

    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    use super::*;

    /// A random cell: text of every width ratatui measures (emoji with VS16 too), blank or
    /// empty, styles that show on blanks or not, and every diff option.
    fn cell(r: &mut impl FnMut(usize) -> usize) -> Cell {
        const SYMBOLS: &[&str] = &[
            " ",
            " ",
            "a",
            "b",
            "",
            "漢",
            "字",
            "\u{2764}\u{FE0F}",
            "\u{1F44D}",
            "\u{FF9E}",
        ];
        let mut cell = Cell::new(SYMBOLS[r(SYMBOLS.len())]);
        cell.bg = [Color::Reset, Color::Reset, Color::Red][r(3)];
        cell.fg = [Color::Reset, Color::Blue][r(2)];
        cell.modifier = [Modifier::empty(), Modifier::BOLD, Modifier::REVERSED][r(3)];
        cell.diff_option = match r(12) {
            0 => CellDiffOption::Skip,
            1 => CellDiffOption::AlwaysUpdate,
            2 => CellDiffOption::ForcedWidth(NonZeroU16::new(1 + r(2) as u16).unwrap()),
            _ => CellDiffOption::None,
        };
        cell
    }

    /// Two random buffers of `rows` rows, the second a changed copy of the first. Wide cells fall
    /// anywhere, at a row's end too.
    fn pair(seed: u64, width: u16, rows: u16) -> (Buffer, Buffer) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut r = move |n: usize| rng.usize(..n);
        let area = Rect::new(0, 0, width, rows);
        let mut prev = Buffer::empty(area);
        for c in prev.content.iter_mut() {
            *c = cell(&mut r);
        }
        let mut next = prev.clone();
        let changes = r(usize::from(width * rows));
        for _ in 0..changes {
            let i = r(next.content.len());
            next.content[i] = cell(&mut r);
        }
        // ratatui's diff panics on a wide cell in the buffer's last column.
        for buf in [&mut prev, &mut next] {
            if let Some(last) = buf.content.last_mut() {
                last.set_symbol("z").set_diff_option(CellDiffOption::None);
            }
        }
        (prev, next)
    }

    #[test]
    fn rows_diffed_alone_are_ratatuis_diff_of_the_whole_buffer() {
        let (mut whole_rows, mut refused) = (0, 0);
        for seed in 1..=3000 {
            let (width, rows) = (1 + (seed % 9) as u16, 1 + (seed % 4) as u16);
            let (prev, next) = pair(seed, width, rows);
            let theirs: Vec<_> = prev.diff_iter(&next).collect();
            let mut ours = Vec::new();
            let w = usize::from(width);
            let alone = (0..rows).all(|y| {
                let row = usize::from(y) * w..usize::from(y + 1) * w;
                diff_row(
                    &prev.content[row.clone()],
                    &next.content[row],
                    0,
                    y,
                    &mut ours,
                )
            });
            if alone {
                assert_eq!(ours, theirs, "seed {seed}");
                whole_rows += 1;
            } else {
                refused += 1;
            }
        }
        // Both kinds are exercised.
        assert!(whole_rows > 1000 && refused > 100, "{whole_rows} {refused}");
    }

    #[test]
    fn columns_diffed_alone_are_ratatuis_diff_of_the_whole_row() {
        let (mut alone, mut refused) = (0, 0);
        for seed in 1..=3000 {
            let width = 2 + (seed % 12) as u16;
            let (mut prev, mut next) = pair(seed, width, 1);
            // Changes in columns `a..b` only, with one-column cells of plain text around them
            // (as `ScreenView` draws a row's changed columns alone).
            let a = (seed % u64::from(width)) as usize;
            let b = a + 1 + (seed / 7 % (u64::from(width) - a as u64)) as usize;
            for i in (0..a).chain(b..usize::from(width)) {
                let plain = Cell::new(["a", " ", "b"][i % 3]);
                prev.content[i] = plain.clone();
                next.content[i] = plain;
            }
            let theirs: Vec<_> = prev.diff_iter(&next).collect();
            let mut ours = Vec::new();
            let x = u16::try_from(a).unwrap();
            if diff_row(&prev.content[a..b], &next.content[a..b], x, 0, &mut ours) {
                assert_eq!(ours, theirs, "seed {seed}, columns {a}..{b}");
                alone += 1;
            } else {
                refused += 1;
            }
        }
        assert!(alone > 1000 && refused > 100, "{alone} {refused}");
    }

    #[test]
    fn a_wide_cell_in_the_last_column_is_refused() {
        let (mut prev, next) = (Buffer::empty(Rect::new(0, 0, 3, 1)), {
            let mut b = Buffer::empty(Rect::new(0, 0, 3, 1));
            b.content[2] = Cell::new("漢");
            b
        });
        assert!(!diff_row(
            &prev.content,
            &next.content,
            0,
            0,
            &mut Vec::new()
        ));
        // Over it, in the frame before, a narrower styled cell clears past the row's end.
        prev.content[2] = Cell::new("漢");
        prev.content[2].bg = Color::Red;
        let blank = Buffer::empty(prev.area);
        assert!(!diff_row(
            &prev.content,
            &blank.content,
            0,
            0,
            &mut Vec::new()
        ));
    }
}
