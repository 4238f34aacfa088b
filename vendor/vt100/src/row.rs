use crate::term::BufWrite as _;
use alloc::{borrow::Cow, string::String, vec::Vec};

mod compact;
pub use compact::CompactRow;

/// How wide the columns changed since a row's `since` may grow (see
/// `Row::stamp_cells`): a line typed into stays within it between two
/// frames, and a viewer never redraws more of a row than this for them.
///
/// patched (see PATCHES.md): added by ccmux.
const SPAN_MAX: u16 = 32;

/// A row as the grid holds it: on the screen, or compacted in the
/// scrollback.
///
/// patched (see PATCHES.md): added by ccmux with compact scrollback rows.
#[derive(Clone, Copy, Debug)]
pub enum Line<'a> {
    Screen(&'a Row),
    Scrollback(&'a CompactRow),
}

impl<'a> Line<'a> {
    /// The row's cells: borrowed from a screen row, expanded from a
    /// scrollback one.
    pub fn cells(self) -> Cow<'a, [crate::Cell]> {
        match self {
            Self::Screen(row) => Cow::Borrowed(&row.cells),
            Self::Scrollback(row) => Cow::Owned(row.cells()),
        }
    }

    pub fn wrapped(self) -> bool {
        match self {
            Self::Screen(row) => row.wrapped,
            Self::Scrollback(row) => row.wrapped(),
        }
    }

    pub fn stamp(self) -> u64 {
        match self {
            Self::Screen(row) => row.stamp,
            Self::Scrollback(row) => row.stamp(),
        }
    }

    /// The columns that hold every change made to the row after it had
    /// stamp `seen`, if the row knows them: `seen` is the row's stamp now
    /// (nothing changed: empty), the one before its last change (that
    /// change's columns alone), or the one its run of text changes started
    /// from, and it is a screen row.
    /// Stamps are never shared between rows, so a `seen` read from another
    /// row (rows move without new stamps when the screen scrolls) gives
    /// None.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn changed_since(self, seen: u64) -> Option<(u16, u16)> {
        match self {
            Self::Screen(row) if seen == row.stamp => Some((0, 0)),
            // 0 is the stamp of every row not stamped yet
            Self::Screen(row) if seen != 0 && seen == row.prev => {
                Some(row.last)
            }
            Self::Screen(row) if seen != 0 && seen == row.since => {
                Some(row.span)
            }
            _ => None,
        }
    }

    /// The row itself, expanded if it is a scrollback one.
    pub fn row(self) -> Cow<'a, Row> {
        match self {
            Self::Screen(row) => Cow::Borrowed(row),
            Self::Scrollback(row) => Cow::Owned(Row::from_compact(row)),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Row {
    cells: Vec<crate::Cell>,
    wrapped: bool,
    // patched (see PATCHES.md): what the grid stamped the row with when it
    // last changed (`Grid::stamp`), for viewers that skip unchanged rows.
    stamp: u64,
    // patched (see PATCHES.md): every cell changed after the row had stamp
    // `since` is in the columns `span` (start, end), and `prev` is the
    // stamp the row had before its last change (at least `since`), which
    // changed the columns `last`: a viewer that drew the row at `since`
    // redraws `span`, one that drew it at `prev` only `last` (a key echo
    // after the one before: its own cell). A change to the whole row sets
    // both stamps to its own.
    since: u64,
    prev: u64,
    span: (u16, u16),
    last: (u16, u16),
    // patched (see PATCHES.md): no cell from here on was ever written since
    // the row was last blank, so finding the blank tail of a scrolled row
    // starts here instead of at the end. Every writer keeps it an upper
    // bound of the cells that are not `is_default`.
    written: u16,
}

impl Row {
    pub fn new(cols: u16) -> Self {
        Self {
            cells: vec![crate::Cell::new(); usize::from(cols)],
            wrapped: false,
            stamp: 0,
            since: 0,
            prev: 0,
            span: (0, 0),
            last: (0, 0),
            written: 0,
        }
    }

    /// Notes that the cell at `col` may have been written.
    #[inline]
    fn wrote(&mut self, col: u16) {
        self.written = self.written.max(col.saturating_add(1));
    }

    /// Stamps the row as changed as a whole.
    pub fn set_stamp(&mut self, stamp: u64) {
        self.stamp = stamp;
        self.since = stamp;
        self.prev = stamp;
        self.span = (0, 0);
        self.last = (0, 0);
    }

    /// Stamps the row as changed in the columns `start..end` only (the
    /// text fast paths). The span since the last whole change grows to
    /// take them while it stays short; past that it starts again from
    /// the stamp before this change, and a viewer that drew the row
    /// before then redraws all of it.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    #[inline]
    pub fn stamp_cells(&mut self, stamp: u64, start: u16, end: u16) {
        let (from, to) = self.span;
        if from == to {
            // the first change since the last whole one
            self.span = (start, end);
        } else if start == to && end - from <= SPAN_MAX {
            // text going on where the last ended: the usual case, kept cheap
            self.span.1 = end;
        } else if from.min(start).saturating_add(SPAN_MAX) >= to.max(end) {
            self.span = (from.min(start), to.max(end));
        } else {
            self.since = self.stamp;
            self.span = (start, end);
        }
        self.prev = self.stamp;
        self.last = (start, end);
        self.stamp = stamp;
    }

    /// Writes the printable ASCII character `b` at `col`, unless that cell or
    /// the one before it is wide (the general path cleans their pairs up).
    ///
    /// patched (see PATCHES.md): the text fast path, added by ccmux.
    #[inline]
    pub fn put_ascii(
        &mut self,
        col: u16,
        b: u8,
        attrs: crate::attrs::Attrs,
        styled: bool,
    ) -> bool {
        let at = usize::from(col);
        let Some(cell) = self.cells.get(at) else {
            return false;
        };
        if cell.is_wide()
            || at
                .checked_sub(1)
                .is_some_and(|prev| self.cells[prev].is_wide())
        {
            return false;
        }
        self.cells[at].set_ascii(b, attrs, styled);
        self.wrote(col);
        true
    }

    /// Writes the printable ASCII characters at the start of `bytes` from
    /// `col` on, as [`Self::put_ascii`] would one by one, until the row ends,
    /// a byte is not printable ASCII or a cell is wide. Returns how many it
    /// wrote.
    ///
    /// patched (see PATCHES.md): the text fast path, added by ccmux. Only
    /// the first cell's left neighbour needs checking: each later one's was
    /// just written narrow.
    #[inline]
    pub fn put_ascii_run(
        &mut self,
        col: u16,
        bytes: &[u8],
        attrs: crate::attrs::Attrs,
        styled: bool,
    ) -> usize {
        let at = usize::from(col);
        if at
            .checked_sub(1)
            .and_then(|prev| self.cells.get(prev))
            .is_some_and(crate::Cell::is_wide)
        {
            return 0;
        }
        let Some(cells) = self.cells.get_mut(at..) else {
            return 0;
        };
        let mut n = 0;
        for (cell, &b) in cells.iter_mut().zip(bytes) {
            if !(0x20..=0x7e).contains(&b) || cell.is_wide() {
                break;
            }
            cell.set_ascii(b, attrs, styled);
            n += 1;
        }
        if n > 0 {
            // `col + n` is at most the row's width, a u16
            self.wrote(
                col.saturating_add(u16::try_from(n - 1).unwrap_or(u16::MAX)),
            );
        }
        n
    }

    /// Writes `c` at `col`, and for a `wide` one its right half at the next
    /// column, as `WrappedScreen::text` would, unless a cell it takes or
    /// the one before them is wide (the general path cleans their pairs
    /// up). Returns whether it did.
    ///
    /// patched (see PATCHES.md): the text fast path, added by ccmux.
    #[inline]
    pub fn put_char(
        &mut self,
        col: u16,
        c: char,
        wide: bool,
        attrs: crate::attrs::Attrs,
        styled: bool,
    ) -> bool {
        let at = usize::from(col);
        let last = at + usize::from(wide);
        let Some(taken) = self.cells.get(at.saturating_sub(1)..=last) else {
            return false;
        };
        if taken.iter().any(crate::Cell::is_wide) {
            return false;
        }
        self.cells[at].set_styled_wide(c, wide, attrs, styled);
        if wide {
            let rest = &mut self.cells[last];
            rest.clear(crate::attrs::Attrs::default());
            rest.set_wide_continuation(true);
        }
        // `last` is within the row, at most u16::MAX
        self.wrote(u16::try_from(last).unwrap_or(u16::MAX));
        true
    }

    fn cols(&self) -> u16 {
        self.cells
            .len()
            .try_into()
            // we limit the number of cols to a u16 (see Size)
            .unwrap()
    }

    pub fn clear(&mut self, attrs: crate::attrs::Attrs) {
        let styled = !attrs.is_default();
        for cell in &mut self.cells {
            cell.clear_styled(attrs, styled);
        }
        self.wrapped = false;
        self.written = if styled { self.cols() } else { 0 };
    }

    /// Every cell `c` with default attributes, as DECALN leaves them.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn fill(&mut self, c: char) {
        for cell in &mut self.cells {
            cell.set(c, crate::attrs::Attrs::default());
        }
        self.wrapped = false;
        self.written = self.cols();
    }

    pub fn reset(&mut self) {
        crate::cell::blank(&mut self.cells[..usize::from(self.written)]);
        self.wrapped = false;
        self.written = 0;
    }

    fn cells(&self) -> impl Iterator<Item = &crate::Cell> {
        self.cells.iter()
    }

    pub fn cells_slice(&self) -> &[crate::Cell] {
        &self.cells
    }

    pub fn get(&self, col: u16) -> Option<&crate::Cell> {
        self.cells.get(usize::from(col))
    }

    pub fn get_mut(&mut self, col: u16) -> Option<&mut crate::Cell> {
        self.wrote(col);
        self.cells.get_mut(usize::from(col))
    }

    /// Inserts empty cells without changing the size of the row.
    ///
    /// Cells at the end are dropped.
    pub fn insert(&mut self, i: u16, count: u16) {
        let count = usize::from(count).min(self.cells.len() - usize::from(i));
        if count == 0 {
            // Always "truncate", even when `count` is 0. However, because we
            // didn't actually insert any cells, we don't need to follow the
            // whole truncation procedure in `Self::set_truncated`; we can just
            // clear the `wrapped` flag.
            self.wrapped = false;
            return;
        }

        let is_wide_continuation = self.get_mut(i).is_some_and(|cell| {
            let is_wc = cell.is_wide_continuation();
            if is_wc {
                cell.set_wide_continuation(false);
            }
            is_wc
        });

        let slice = &mut self.cells[usize::from(i)..];
        slice.rotate_right(count);
        slice[..count].fill(crate::Cell::new());
        // the cells written moved right; `count` is at most the row's
        // length, a u16
        let moved = u16::try_from(count).unwrap_or(u16::MAX);
        self.written = self.written.saturating_add(moved).min(self.cols());
        if is_wide_continuation {
            self.get_mut(i).unwrap().set_wide_continuation(true);
        }
        self.set_truncated();
    }

    /// Removes cells without changing the size of the row.
    ///
    /// Empty cells are added to the end.
    pub fn remove(&mut self, range: core::ops::Range<u16>) {
        self.wrapped = false;
        if range.start >= range.end {
            return;
        }

        self.clear_wide(range.start);
        let last = range.end - 1;
        if last != range.start {
            self.clear_wide(last);
        }

        let count = usize::from(range.end - range.start);
        let slice = &mut self.cells[usize::from(range.start)..];
        slice[..count].fill(crate::Cell::new());
        slice.rotate_left(count);
    }

    /// Erases each column of `cols`.
    ///
    /// patched (see PATCHES.md): replaces the one-column `erase`, to ask
    /// once whether `attrs` are styled.
    pub fn erase_range(
        &mut self,
        cols: core::ops::Range<u16>,
        attrs: crate::attrs::Attrs,
    ) {
        let styled = !attrs.is_default();
        for i in cols {
            self.erase_styled(i, attrs, styled);
        }
    }

    fn erase_styled(
        &mut self,
        i: u16,
        attrs: crate::attrs::Attrs,
        styled: bool,
    ) {
        let wide = self.cells[usize::from(i)].is_wide();
        self.clear_wide(i);
        self.cells[usize::from(i)].clear_styled(attrs, styled);
        if styled {
            self.wrote(i);
        }
        // `wide` is captured pre-erase on purpose: a 2-wide char occupies the
        // logical last column at cols() - 2. saturating_sub guards the
        // degenerate case of an orphaned wide cell in a one-column row, where
        // cols() - 2 would underflow.
        if i == self.cols().saturating_sub(if wide { 2 } else { 1 }) {
            self.wrapped = false;
        }
    }

    pub fn truncate(&mut self, len: u16) {
        self.cells.truncate(usize::from(len));
        self.written = self.written.min(len);
        self.set_truncated();
    }

    fn set_truncated(&mut self) {
        self.wrapped = false;
        if let Some(last_cell) = self.cells.last_mut() {
            if last_cell.is_wide() {
                last_cell.clear(*last_cell.attrs());
            }
        }
    }

    fn grow_unchecked(&mut self, len: u16, cell: crate::Cell) {
        debug_assert!(self.cells.len() < usize::from(len));
        self.cells.resize(len.into(), cell);
        if !cell.is_default() {
            self.written = len;
        }
        self.wrapped = false;
    }

    /// Like [`Self::resize`], but never decreases the size of the row.
    ///
    /// patched (see PATCHES.md): keeps the wrap flag. This pads scrollback
    /// rows to be shown (`Grid::set_scrollback`), which must not cut a line
    /// in two: a wrapped row is shorter than the screen when a wide
    /// character moved on and left its last column blank.
    pub fn grow(&mut self, len: u16, cell: crate::Cell) {
        if self.cells.len() < usize::from(len) {
            let wrapped = self.wrapped;
            self.grow_unchecked(len, cell);
            self.wrapped = wrapped;
        }
    }

    pub fn resize(&mut self, len: u16, cell: crate::Cell) {
        match usize::from(len).cmp(&self.cells.len()) {
            core::cmp::Ordering::Equal => {}
            core::cmp::Ordering::Less => {
                self.truncate(len);
            }
            core::cmp::Ordering::Greater => {
                self.grow_unchecked(len, cell);
            }
        }
    }

    /// The row without its trailing blank cells, compacted for the
    /// scrollback (with `scratch` to encode into), and this row reset to
    /// blank in place.
    ///
    /// patched (see PATCHES.md): upstream trimmed the row itself (a shrinking
    /// realloc) and replaced it with a newly allocated blank row, two
    /// full-width allocations per scrolled line; this allocates only what
    /// the compact row keeps (about a byte a cell of plain text), nothing
    /// at all for a blank line.
    // patched (see PATCHES.md): always inlined, see `CompactRow::new`.
    #[inline(always)]
    pub fn take_compact(&mut self, scratch: &mut Vec<u8>) -> CompactRow {
        let len = self.trimmed_len();
        self.written = 0;
        let taken = CompactRow::new(
            &self.cells[..len],
            self.wrapped,
            self.stamp,
            scratch,
        );
        // the cells past `len` are blank already
        crate::cell::blank(&mut self.cells[..len]);
        self.wrapped = false;
        taken
    }

    /// A row of the scrollback expanded back into cells.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn from_compact(row: &CompactRow) -> Self {
        let cells = row.cells();
        Self {
            written: row.len_u16(),
            cells,
            wrapped: row.wrapped(),
            stamp: row.stamp(),
            since: row.stamp(),
            prev: row.stamp(),
            span: (0, 0),
            last: (0, 0),
        }
    }

    /// How many cells are left without the trailing never-written ones.
    ///
    /// patched (see PATCHES.md): looks from `written` back, not from the
    /// end: a scrolled line of a few words no longer checks every blank
    /// cell up to the edge of the screen.
    pub fn trimmed_len(&self) -> usize {
        let written = &self.cells[..usize::from(self.written)];
        debug_assert!(
            self.cells[written.len()..]
                .iter()
                .all(crate::Cell::is_default)
        );
        let excess =
            written.iter().rev().take_while(|c| c.is_default()).count();
        written.len() - excess
    }

    // patched (see PATCHES.md): the helpers below are for reflow
    // (grid/reflow.rs).

    pub fn from_cells(cells: Vec<crate::Cell>, wrapped: bool) -> Self {
        Self {
            // rows are at most u16::MAX cells wide (see Size)
            written: u16::try_from(cells.len()).unwrap_or(u16::MAX),
            cells,
            wrapped,
            stamp: 0,
            since: 0,
            prev: 0,
            span: (0, 0),
            last: (0, 0),
        }
    }

    pub fn into_cells(self) -> Vec<crate::Cell> {
        self.cells
    }

    /// Whether every cell is a never-written blank.
    pub fn is_blank(&self) -> bool {
        self.trimmed_len() == 0
    }

    /// Pads with blank cells or drops cells to `cols`, keeping the wrap flag
    /// (unlike [`Self::resize`], which is for cutting rows, not moving them).
    pub fn set_width(&mut self, cols: u16) {
        self.cells.resize(usize::from(cols), crate::Cell::new());
        self.written = self.written.min(cols);
    }

    /// The row without its trailing blank cells, compacted for the
    /// scrollback, as a row scrolled into it is kept (see
    /// [`Self::take_compact`]).
    pub fn compact(&self, scratch: &mut Vec<u8>) -> CompactRow {
        CompactRow::new(
            &self.cells[..self.trimmed_len()],
            self.wrapped,
            self.stamp,
            scratch,
        )
    }

    pub fn wrap(&mut self, wrap: bool) {
        self.wrapped = wrap;
    }

    pub fn wrapped(&self) -> bool {
        self.wrapped
    }

    pub fn clear_wide(&mut self, col: u16) {
        let col_idx = usize::from(col);
        let cell = &self.cells[col_idx];
        let other = if cell.is_wide() {
            let next = col_idx + 1;
            if next >= self.cells.len() {
                // Wide char at the last column with no continuation
                // (e.g. a shrinking resize that split the pair).
                // Clear the cell in place instead of indexing past
                // the end.
                let attrs = *self.cells[col_idx].attrs();
                self.cells[col_idx].clear(attrs);
                return;
            }
            &mut self.cells[next]
        } else if cell.is_wide_continuation() {
            &mut self.cells[usize::from(col - 1)]
        } else {
            return;
        };
        other.clear(*other.attrs());
    }

    pub fn write_contents(
        &self,
        contents: &mut String,
        start: u16,
        width: u16,
        wrapping: bool,
    ) {
        let mut prev_was_wide = false;

        let mut prev_col = start;
        for (col, cell) in self
            .cells()
            .enumerate()
            .skip(usize::from(start))
            .take(usize::from(width))
        {
            if prev_was_wide {
                prev_was_wide = false;
                continue;
            }
            prev_was_wide = cell.is_wide();

            // we limit the number of cols to a u16 (see Size)
            let col: u16 = col.try_into().unwrap();
            if cell.has_contents() {
                for _ in 0..(col - prev_col) {
                    contents.push(' ');
                }
                prev_col += col - prev_col;

                contents.push_str(cell.contents());
                prev_col += if cell.is_wide() { 2 } else { 1 };
            }
        }
        if prev_col == start && wrapping {
            contents.push('\n');
        }
    }

    pub fn write_contents_formatted(
        &self,
        contents: &mut String,
        start: u16,
        width: u16,
        row: u16,
        wrapping: bool,
        prev_pos: Option<crate::grid::Pos>,
        prev_attrs: Option<crate::attrs::Attrs>,
    ) -> (crate::grid::Pos, crate::attrs::Attrs) {
        let mut prev_was_wide = false;

        let mut prev_pos = prev_pos.unwrap_or_else(|| {
            if wrapping {
                crate::grid::Pos {
                    row: row - 1,
                    col: self.cols(),
                }
            } else {
                crate::grid::Pos { row, col: start }
            }
        });
        let mut prev_attrs = prev_attrs.unwrap_or_default();

        let first_cell = &self.cells[usize::from(start)];
        if wrapping && first_cell == &crate::cell::Cell::DEFAULT {
            let default_attrs = crate::cell::Cell::DEFAULT.attrs();
            if prev_attrs != *default_attrs {
                default_attrs.write_escape_code_diff(contents, &prev_attrs);
                prev_attrs = *default_attrs;
            }
            contents.push(' ');
            crate::term::Backspace.write_buf(contents);
            crate::term::EraseChar::new(1).write_buf(contents);
            prev_pos = crate::grid::Pos { row, col: 0 };
        }

        let mut erase: Option<(u16, &crate::attrs::Attrs)> = None;
        for (col, cell) in self
            .cells()
            .enumerate()
            .skip(usize::from(start))
            .take(usize::from(width))
        {
            if prev_was_wide {
                prev_was_wide = false;
                continue;
            }
            prev_was_wide = cell.is_wide();

            // we limit the number of cols to a u16 (see Size)
            let col: u16 = col.try_into().unwrap();
            let pos = crate::grid::Pos { row, col };

            if let Some((prev_col, attrs)) = erase {
                if cell.has_contents() || cell.attrs() != attrs {
                    let new_pos = crate::grid::Pos { row, col: prev_col };
                    if wrapping
                        && prev_pos.row + 1 == new_pos.row
                        && prev_pos.col >= self.cols()
                    {
                        if new_pos.col > 0 {
                            contents.push_str(
                                &" ".repeat(usize::from(new_pos.col)),
                            );
                        } else {
                            contents.push(' ');
                            crate::term::Backspace.write_buf(contents);
                        }
                    } else {
                        crate::term::MoveFromTo::new(prev_pos, new_pos)
                            .write_buf(contents);
                    }
                    prev_pos = new_pos;
                    if &prev_attrs != attrs {
                        attrs.write_escape_code_diff(contents, &prev_attrs);
                        prev_attrs = *attrs;
                    }
                    crate::term::EraseChar::new(pos.col - prev_col)
                        .write_buf(contents);
                    erase = None;
                }
            }

            if *cell != crate::cell::Cell::DEFAULT {
                let attrs = cell.attrs();
                if cell.has_contents() {
                    if pos != prev_pos {
                        if !wrapping
                            || prev_pos.row + 1 != pos.row
                            || prev_pos.col
                                < self.cols() - u16::from(cell.is_wide())
                            || pos.col != 0
                        {
                            crate::term::MoveFromTo::new(prev_pos, pos)
                                .write_buf(contents);
                        }
                        prev_pos = pos;
                    }

                    if &prev_attrs != attrs {
                        attrs.write_escape_code_diff(contents, &prev_attrs);
                        prev_attrs = *attrs;
                    }

                    prev_pos.col += if cell.is_wide() { 2 } else { 1 };
                    let cell_contents = cell.contents();
                    contents.push_str(cell_contents);
                } else if erase.is_none() {
                    erase = Some((pos.col, attrs));
                }
            }
        }
        if let Some((prev_col, attrs)) = erase {
            let new_pos = crate::grid::Pos { row, col: prev_col };
            if wrapping
                && prev_pos.row + 1 == new_pos.row
                && prev_pos.col >= self.cols()
            {
                if new_pos.col > 0 {
                    contents.push_str(&" ".repeat(usize::from(new_pos.col)));
                } else {
                    contents.push(' ');
                    crate::term::Backspace.write_buf(contents);
                }
            } else {
                crate::term::MoveFromTo::new(prev_pos, new_pos)
                    .write_buf(contents);
            }
            prev_pos = new_pos;
            if &prev_attrs != attrs {
                attrs.write_escape_code_diff(contents, &prev_attrs);
                prev_attrs = *attrs;
            }
            crate::term::ClearRowForward.write_buf(contents);
        }

        (prev_pos, prev_attrs)
    }

    pub fn write_contents_formatted_basic(
        &self,
        writer: &mut impl alloc::fmt::Write,
        current_attrs: &mut crate::attrs::Attrs,
    ) -> alloc::fmt::Result {
        let mut prev_was_wide = false;
        let mut num_empty = 0;

        for cell in self.cells() {
            if core::mem::take(&mut prev_was_wide) {
                continue;
            }
            prev_was_wide = cell.is_wide();

            if *cell == crate::cell::Cell::DEFAULT {
                num_empty += 1;
                continue;
            }

            for _ in 0..core::mem::take(&mut num_empty) {
                writer.write_char(' ')?;
            }

            let new_attrs = *cell.attrs();
            new_attrs.write_escape_code_diff_fmt(writer, current_attrs)?;
            *current_attrs = new_attrs;
            if cell.has_contents() {
                writer.write_str(cell.contents())?;
            } else {
                writer.write_char(' ')?;
            }
        }
        Ok(())
    }

    // while it's true that most of the logic in this is identical to
    // write_contents_formatted, i can't figure out how to break out the
    // common parts without making things noticeably slower.
    pub fn write_contents_diff(
        &self,
        contents: &mut String,
        prev: &Self,
        start: u16,
        width: u16,
        row: u16,
        wrapping: bool,
        prev_wrapping: bool,
        mut prev_pos: crate::grid::Pos,
        mut prev_attrs: crate::attrs::Attrs,
    ) -> (crate::grid::Pos, crate::attrs::Attrs) {
        let mut prev_was_wide = false;

        let first_cell = &self.cells[usize::from(start)];
        let prev_first_cell = &prev.cells[usize::from(start)];
        if wrapping
            && !prev_wrapping
            && first_cell == prev_first_cell
            && prev_pos.row + 1 == row
            && prev_pos.col
                >= self.cols() - u16::from(prev_first_cell.is_wide())
        {
            let first_cell_attrs = first_cell.attrs();
            if &prev_attrs != first_cell_attrs {
                first_cell_attrs
                    .write_escape_code_diff(contents, &prev_attrs);
                prev_attrs = *first_cell_attrs;
            }
            let mut cell_contents = prev_first_cell.contents();
            let need_erase = if cell_contents.is_empty() {
                cell_contents = " ";
                true
            } else {
                false
            };
            contents.push_str(cell_contents);
            crate::term::Backspace.write_buf(contents);
            if prev_first_cell.is_wide() {
                crate::term::Backspace.write_buf(contents);
            }
            if need_erase {
                crate::term::EraseChar::new(1).write_buf(contents);
            }
            prev_pos = crate::grid::Pos { row, col: 0 };
        }

        let mut erase: Option<(u16, &crate::attrs::Attrs)> = None;
        for (col, (cell, prev_cell)) in self
            .cells()
            .zip(prev.cells())
            .enumerate()
            .skip(usize::from(start))
            .take(usize::from(width))
        {
            if prev_was_wide {
                prev_was_wide = false;
                continue;
            }
            prev_was_wide = cell.is_wide();

            // we limit the number of cols to a u16 (see Size)
            let col: u16 = col.try_into().unwrap();
            let pos = crate::grid::Pos { row, col };

            if let Some((prev_col, attrs)) = erase {
                if cell.has_contents() || cell.attrs() != attrs {
                    let new_pos = crate::grid::Pos { row, col: prev_col };
                    if wrapping
                        && prev_pos.row + 1 == new_pos.row
                        && prev_pos.col >= self.cols()
                    {
                        if new_pos.col > 0 {
                            contents.push_str(
                                &" ".repeat(usize::from(new_pos.col)),
                            );
                        } else {
                            contents.push(' ');
                            crate::term::Backspace.write_buf(contents);
                        }
                    } else {
                        crate::term::MoveFromTo::new(prev_pos, new_pos)
                            .write_buf(contents);
                    }
                    prev_pos = new_pos;
                    if &prev_attrs != attrs {
                        attrs.write_escape_code_diff(contents, &prev_attrs);
                        prev_attrs = *attrs;
                    }
                    crate::term::EraseChar::new(pos.col - prev_col)
                        .write_buf(contents);
                    erase = None;
                }
            }

            if cell != prev_cell {
                let attrs = cell.attrs();
                if cell.has_contents() {
                    if pos != prev_pos {
                        if !wrapping
                            || prev_pos.row + 1 != pos.row
                            || prev_pos.col
                                < self.cols() - u16::from(cell.is_wide())
                            || pos.col != 0
                        {
                            crate::term::MoveFromTo::new(prev_pos, pos)
                                .write_buf(contents);
                        }
                        prev_pos = pos;
                    }

                    if &prev_attrs != attrs {
                        attrs.write_escape_code_diff(contents, &prev_attrs);
                        prev_attrs = *attrs;
                    }

                    prev_pos.col += if cell.is_wide() { 2 } else { 1 };
                    contents.push_str(cell.contents());
                } else if erase.is_none() {
                    erase = Some((pos.col, attrs));
                }
            }
        }
        if let Some((prev_col, attrs)) = erase {
            let new_pos = crate::grid::Pos { row, col: prev_col };
            if wrapping
                && prev_pos.row + 1 == new_pos.row
                && prev_pos.col >= self.cols()
            {
                if new_pos.col > 0 {
                    contents.push_str(&" ".repeat(usize::from(new_pos.col)));
                } else {
                    contents.push(' ');
                    crate::term::Backspace.write_buf(contents);
                }
            } else {
                crate::term::MoveFromTo::new(prev_pos, new_pos)
                    .write_buf(contents);
            }
            prev_pos = new_pos;
            if &prev_attrs != attrs {
                attrs.write_escape_code_diff(contents, &prev_attrs);
                prev_attrs = *attrs;
            }
            crate::term::ClearRowForward.write_buf(contents);
        }

        // if this row is going from wrapped to not wrapped, we need to erase
        // and redraw the last character to break wrapping. if this row is
        // wrapped, we need to redraw the last character without erasing it to
        // position the cursor after the end of the line correctly so that
        // drawing the next line can just start writing and be wrapped.
        if (!self.wrapped && prev.wrapped) || (!prev.wrapped && self.wrapped)
        {
            let end_pos = if self.cells[usize::from(self.cols() - 1)]
                .is_wide_continuation()
            {
                crate::grid::Pos {
                    row,
                    col: self.cols() - 2,
                }
            } else {
                crate::grid::Pos {
                    row,
                    col: self.cols() - 1,
                }
            };
            crate::term::MoveFromTo::new(prev_pos, end_pos)
                .write_buf(contents);
            prev_pos = end_pos;
            if !self.wrapped {
                crate::term::EraseChar::new(1).write_buf(contents);
            }
            let end_cell = &self.cells[usize::from(end_pos.col)];
            if end_cell.has_contents() {
                let attrs = end_cell.attrs();
                if &prev_attrs != attrs {
                    attrs.write_escape_code_diff(contents, &prev_attrs);
                    prev_attrs = *attrs;
                }
                contents.push_str(end_cell.contents());
                prev_pos.col += if end_cell.is_wide() { 2 } else { 1 };
            }
        }

        (prev_pos, prev_attrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // An orphaned wide cell (wide flag set, no continuation) in a
    // one-column row must not make Row::erase underflow when it derives the
    // logical last column as cols() - 2. Covers the Copilot review note on
    // the clear_wide OOB fix: clear_wide itself was hardened, but its caller
    // erase computed cols() - 2 == 1 - 2 from the captured `wide` value.
    #[test]
    fn erase_wide_cell_in_one_column_row_does_not_underflow() {
        let attrs = crate::attrs::Attrs::default();
        let mut row = Row::new(1);
        // A 2-wide char in the only column: a wide cell with no room for a
        // continuation cell.
        row.get_mut(0).unwrap().set('中', attrs);
        assert!(row.get(0).unwrap().is_wide());

        row.erase_range(0..1, attrs);

        let cell = row.get(0).unwrap();
        assert!(!cell.is_wide(), "erased cell must no longer be wide");
        assert!(!cell.has_contents(), "erased cell must be empty");
    }
}
