//! patched (see PATCHES.md): when the width changes, the main screen and its
//! scrollback are rewrapped, as tmux, alacritty and zellij do, instead of
//! cut: a line narrowed and widened again comes back whole. Added by ccmux.
//!
//! A line is a run of rows each wrapped into the next. Its cells are laid
//! out again at the new width; a wide character that no longer fits in a
//! row's last column moves to the next row and leaves a blank there (vt100
//! marks such a row wrapped too). Positions that must stay on the same
//! character (the cursor, the saved cursor, the screen's top) are followed
//! through the rewrap as marks.

use crate::cell::Cell;
use crate::row::{CompactRow, Line, Row};
use alloc::vec::Vec;

/// A position to follow: its row among the rows rewrapped, its column, and
/// whether the cursor there is waiting to wrap (one past the last column).
#[derive(Clone, Copy, Debug)]
struct Mark {
    row: usize,
    col: u16,
    pending: bool,
}

/// Where a mark landed: its row among the rewrapped rows, and its column
/// (the width itself for a cursor still waiting to wrap).
type Placed = (usize, u16);

impl super::Grid {
    /// Rewraps the scrollback and the screen at `cols` columns, keeping the
    /// height; `set_size` then changes the height as upstream did.
    ///
    /// The screen keeps showing the same lines from its top, unless they
    /// grew past its bottom (then the top goes into the scrollback), or the
    /// screen was full to the bottom row (then it stays full, pulling lines
    /// back from the scrollback when they shrank). The rows below both the
    /// cursor and the last written row are blank before and after. Only as
    /// many scrollback lines are rewrapped as the scrollback can keep.
    pub(super) fn reflow<F>(&mut self, cols: u16, mut on_row: F)
    where
        F: FnMut(Line<'_>),
    {
        let old_cols = self.size.cols();
        let height = usize::from(self.size.rows());
        let Some(scrollback) = self.scrollback.as_mut() else {
            return;
        };
        let old_len = scrollback.rows.len();

        // The rows that hold something, and whether they reached the bottom.
        let end = self
            .rows
            .iter()
            .rposition(|row| !row.is_blank())
            .map_or(0, |i| i + 1)
            .max(usize::from(self.pos.row) + 1)
            .min(height);
        let full = end == height;

        // The screen's rows, with the start of a line wrapped into its top
        // from the scrollback.
        let mut start = old_len;
        while start > 0 && scrollback.rows[start - 1].wrapped() {
            start -= 1;
        }
        let carried = old_len - start;
        let mut screen: Vec<Row> = scrollback
            .rows
            .drain(start..)
            .map(|row| Row::from_compact(&row))
            .collect();
        screen.extend(self.rows.drain(..end));
        self.rows.clear();

        let mark = |pos: super::Pos| Mark {
            row: carried + usize::from(pos.row),
            col: pos.col,
            pending: pos.col >= old_cols,
        };
        let saved_on_screen = usize::from(self.saved_pos.row) < end;
        let mut marks = vec![
            Mark {
                row: carried,
                col: 0,
                pending: false,
            },
            mark(self.pos),
        ];
        if saved_on_screen {
            marks.push(mark(self.saved_pos));
        }
        let (screen, placed) = rewrap_rows(screen, cols, &marks);

        // The scrollback, newest line first, until it holds what can be
        // kept: the capacity, plus a screenful the screen may pull back.
        // Each line is expanded, rewrapped and compacted again on its own,
        // so only one line at a time is held in full cells.
        let want = scrollback.capacity.saturating_add(height);
        let mut lines: Vec<Vec<CompactRow>> = Vec::new();
        let mut made = 0;
        while made < want && !scrollback.rows.is_empty() {
            let mut first = scrollback.rows.len() - 1;
            while first > 0 && scrollback.rows[first - 1].wrapped() {
                first -= 1;
            }
            let line: Vec<CompactRow> =
                scrollback.rows.drain(first..).collect();
            let rows = rewrap_stored(line, cols, &mut scrollback.scratch);
            made += rows.len();
            lines.push(rows);
        }
        let dropped = scrollback.rows.len();
        for row in scrollback.rows.drain(..) {
            on_row(Line::Scrollback(&row));
        }

        let mut all: Vec<Slot> = lines
            .into_iter()
            .rev()
            .flatten()
            .map(Slot::Stored)
            .collect();
        let base = all.len();
        all.extend(screen.into_iter().map(Slot::Screen));
        let top = base + placed[0].0;
        let cursor = base + placed[1].0;
        let bottom = all.len().saturating_sub(height);
        let screen_top = if full { bottom } else { top.max(bottom) }
            // only a screenful of rows below the cursor can be shown
            .min(cursor);

        let mut shown: Vec<Row> = all
            .drain(screen_top..)
            .take(height)
            .map(Slot::row)
            .collect();
        for row in &mut shown {
            row.set_width(cols);
        }
        shown.resize_with(height, || Row::new(cols));
        // patched (see PATCHES.md): the screen's rows are a ring
        self.rows = shown.into();

        // What is left goes into the scrollback, the oldest past its
        // capacity dropped.
        let overflow = all.len().saturating_sub(scrollback.capacity);
        for slot in all.drain(..overflow) {
            on_row(slot.line());
        }
        scrollback.unbounded_len = scrollback
            .unbounded_len
            .saturating_sub(old_len)
            .saturating_add(dropped + overflow + all.len());
        let scratch = &mut scrollback.scratch;
        scrollback.rows =
            all.into_iter().map(|slot| slot.stored(scratch)).collect();
        // rows made by rewrapping have no stamps of their own yet
        for row in &mut scrollback.rows {
            self.stamp += 1;
            row.set_stamp(self.stamp);
        }

        let to_screen = |(row, col): Placed| super::Pos {
            row: u16::try_from(
                (base + row).saturating_sub(screen_top).min(height - 1),
            )
            .unwrap_or(0),
            col,
        };
        self.pos = to_screen(placed[1]);
        self.saved_pos = if saved_on_screen {
            to_screen(placed[2])
        } else {
            self.saved_pos
        };
        self.saved_pos.col = self.saved_pos.col.min(cols - 1);
    }
}

/// A rewrapped row on its way to the screen or the scrollback: as it came.
enum Slot {
    Stored(CompactRow),
    Screen(Row),
}

impl Slot {
    fn line(&self) -> Line<'_> {
        match self {
            Self::Stored(row) => Line::Scrollback(row),
            Self::Screen(row) => Line::Screen(row),
        }
    }

    fn row(self) -> Row {
        match self {
            Self::Stored(row) => Row::from_compact(&row),
            Self::Screen(row) => row,
        }
    }

    /// The row as the scrollback keeps it (trimmed and compact).
    fn stored(self, scratch: &mut Vec<u8>) -> CompactRow {
        match self {
            Self::Stored(row) => row,
            Self::Screen(row) => row.compact(scratch),
        }
    }
}

/// Rewraps one line of the scrollback at `cols`: a row that fits as it is
/// stays as it is, the others are expanded, rewrapped and compacted again.
fn rewrap_stored(
    line: Vec<CompactRow>,
    cols: u16,
    scratch: &mut Vec<u8>,
) -> Vec<CompactRow> {
    if let [row] = line.as_slice() {
        if !row.wrapped() && row.len() <= usize::from(cols) {
            return line;
        }
    }
    let rows = line.iter().map(Row::from_compact).collect();
    let (rows, _) = rewrap_rows(rows, cols, &[]);
    rows.iter().map(|row| row.compact(scratch)).collect()
}

/// Rewraps `rows` (whole lines) at `cols`, and says where each mark landed.
fn rewrap_rows(
    rows: Vec<Row>,
    cols: u16,
    marks: &[Mark],
) -> (Vec<Row>, Vec<Placed>) {
    let mut out = Vec::with_capacity(rows.len());
    let mut placed = vec![(0, 0); marks.len()];
    let mut rows = rows.into_iter().enumerate();
    while let Some((first, row)) = rows.next() {
        let mut wrapped = row.wrapped();
        let mut line = vec![row];
        while wrapped {
            let Some((_, row)) = rows.next() else {
                break;
            };
            wrapped = row.wrapped();
            line.push(row);
        }
        let in_line: Vec<(usize, Mark)> = marks
            .iter()
            .enumerate()
            .filter(|(_, m)| (first..first + line.len()).contains(&m.row))
            .map(|(i, m)| {
                (
                    i,
                    Mark {
                        row: m.row - first,
                        ..*m
                    },
                )
            })
            .collect();
        let line_marks: Vec<Mark> = in_line.iter().map(|(_, m)| *m).collect();
        let base = out.len();
        let landed = rewrap_line(line, cols, &line_marks);
        for ((i, _), (row, col)) in in_line.iter().zip(landed.placed) {
            placed[*i] = (base + row, col);
        }
        out.extend(landed.rows);
    }
    (out, placed)
}

struct Rewrapped {
    rows: Vec<Row>,
    placed: Vec<Placed>,
}

/// Rewraps one line (rows each wrapped into the next) at `cols`.
fn rewrap_line(line: Vec<Row>, cols: u16, marks: &[Mark]) -> Rewrapped {
    // Short enough as it is: moved, not copied.
    if let [row] = line.as_slice() {
        if !row.wrapped()
            && row.trimmed_len() <= usize::from(cols)
            && marks.iter().all(|m| m.col < cols)
        {
            return Rewrapped {
                placed: marks.iter().map(|m| (0, m.col)).collect(),
                rows: line,
            };
        }
    }

    // The line's cells, and each mark's offset into them.
    let last = line.len() - 1;
    let mut cells: Vec<Cell> = Vec::new();
    let mut offsets = vec![0; marks.len()];
    let mut next_starts_wide = false;
    for (i, row) in line.into_iter().enumerate().rev() {
        let starts_wide = row.get(0).is_some_and(Cell::is_wide);
        let mut row_cells = row.into_cells();
        // The blank a wide character left in the last column when it moved
        // to the next row is not part of the line.
        if i < last
            && next_starts_wide
            && row_cells.last().is_some_and(Cell::is_default)
        {
            row_cells.pop();
        }
        next_starts_wide = starts_wide;
        for (offset, mark) in offsets.iter_mut().zip(marks) {
            if mark.row == i {
                let col = usize::from(mark.col);
                *offset = if i == last {
                    col
                } else {
                    col.min(row_cells.len())
                };
            } else if mark.row > i {
                *offset += row_cells.len();
            }
        }
        row_cells.append(&mut cells);
        cells = row_cells;
    }

    let text_len = cells
        .iter()
        .rposition(|c| c.has_contents() || c.is_wide_continuation())
        .map_or(0, |i| i + 1);
    let tail_len = cells
        .iter()
        .rposition(|c| !c.is_default())
        .map_or(0, |i| i + 1);

    let width = usize::from(cols);
    let mut rows = Vec::new();
    let mut row: Vec<Cell> = Vec::with_capacity(width);
    let mut placed = vec![None; marks.len()];
    let mut cells = cells.into_iter().take(tail_len).enumerate().peekable();
    while let Some((i, cell)) = cells.next() {
        if i >= text_len {
            // A blank tail (a background painted to the end of the line)
            // fills the last row at most.
            if row.len() < width {
                row.push(cell);
            }
            continue;
        }
        if cell.is_wide_continuation() {
            // its wide character is gone
            push_cell(&mut rows, &mut row, width, Cell::new());
            place(&mut placed, marks, &offsets, i..=i, rows.len(), row.len());
            continue;
        }
        if cell.is_wide() {
            if width < 2 {
                push_cell(&mut rows, &mut row, width, Cell::new());
                continue;
            }
            if row.len() + 2 > width {
                row.resize(width, Cell::new());
                end_row(&mut rows, &mut row, width);
            }
            place(
                &mut placed,
                marks,
                &offsets,
                i..=i + 1,
                rows.len(),
                row.len(),
            );
            row.push(cell);
            // its right half, made up if it went missing
            let half = cells
                .next_if(|(_, c)| c.is_wide_continuation())
                .map_or_else(
                    || {
                        let mut half = Cell::new();
                        half.set_wide_continuation(true);
                        half
                    },
                    |(_, half)| half,
                );
            row.push(half);
            continue;
        }
        if row.len() == width {
            end_row(&mut rows, &mut row, width);
        }
        place(&mut placed, marks, &offsets, i..=i, rows.len(), row.len());
        row.push(cell);
    }

    // Marks past the text: counted on from its end, waiting to wrap where
    // they did.
    let (end_row_index, end_col) = (rows.len(), row.len());
    let mut need = end_row_index;
    for (slot, (mark, &offset)) in
        placed.iter_mut().zip(marks.iter().zip(&offsets))
    {
        if slot.is_some() {
            continue;
        }
        let linear = end_col + offset.saturating_sub(text_len);
        let (r, c) = if mark.pending && linear > 0 && linear % width == 0 {
            (end_row_index + linear / width - 1, width)
        } else {
            (end_row_index + linear / width, linear % width)
        };
        need = need.max(r);
        *slot = Some((r, u16::try_from(c).unwrap_or(cols)));
    }
    rows.push(Row::from_cells(row, false));
    while rows.len() <= need {
        if let Some(last) = rows.last_mut() {
            last.wrap(true);
        }
        rows.push(Row::from_cells(Vec::with_capacity(width), false));
    }

    Rewrapped {
        rows,
        placed: placed.into_iter().map(Option::unwrap_or_default).collect(),
    }
}

/// Ends a full row, wrapped into the next.
fn end_row(rows: &mut Vec<Row>, row: &mut Vec<Cell>, width: usize) {
    let full = core::mem::replace(row, Vec::with_capacity(width));
    rows.push(Row::from_cells(full, true));
}

fn push_cell(
    rows: &mut Vec<Row>,
    row: &mut Vec<Cell>,
    width: usize,
    cell: Cell,
) {
    if row.len() == width {
        end_row(rows, row, width);
    }
    row.push(cell);
}

/// Records where the marks on the cells `at` landed: the row and column of
/// the first of them.
fn place(
    placed: &mut [Option<Placed>],
    marks: &[Mark],
    offsets: &[usize],
    at: core::ops::RangeInclusive<usize>,
    row: usize,
    col: usize,
) {
    for ((slot, _), offset) in placed.iter_mut().zip(marks).zip(offsets) {
        if slot.is_none() && at.contains(offset) {
            *slot = Some((row, u16::try_from(col).unwrap_or(0)));
        }
    }
}
