use crate::term::BufWrite as _;
use alloc::{string::String, vec::Vec};

mod reflow;

#[derive(Clone, Debug)]
pub struct Grid {
    // patched (see PATCHES.md): every change to a row stamps it with the
    // next of `stamp`, so a viewer that saw a row's stamp (with the grid's
    // id) knows whether it changed since.
    id: GridId,
    stamp: u64,
    size: Size,
    pos: Pos,
    saved_pos: Pos,
    // patched (see PATCHES.md): a ring, so scrolling the whole screen moves
    // the top row to the bottom without moving every row in between.
    rows: alloc::collections::VecDeque<crate::row::Row>,
    scroll_top: u16,
    scroll_bottom: u16,
    origin_mode: bool,
    saved_origin_mode: bool,
    scrollback: Option<ScrollbackState>,
}

#[derive(Clone, Debug)]
struct ScrollbackState {
    // patched (see PATCHES.md): compact rows, expanded when read.
    rows: alloc::collections::VecDeque<crate::row::CompactRow>,
    capacity: usize,
    offset: usize,
    /// The number of rows of scrollback there *would* be if the scrollback
    /// capacity were unlimited.
    unbounded_len: usize,
    /// The rows of scrollback shown at `offset`, expanded and at least as
    /// wide as the screen, for what reads the stored offset
    /// (`visible_rows`); empty at offset 0.
    ///
    /// patched (see PATCHES.md): upstream padded the stored rows themselves.
    view: Vec<crate::row::Row>,
    /// What a row going into the scrollback is encoded into.
    scratch: Vec<u8>,
}

impl ScrollbackState {
    /// Shows the scrollback at `offset` (clamped to its length).
    fn set_offset(&mut self, offset: usize, size: Size) {
        self.offset = offset.min(self.rows.len());
        self.view.clear();
        let shown = self
            .rows
            .range(self.rows.len() - self.offset..)
            .take(size.rows().into());
        self.view.extend(shown.map(|row| {
            let mut row = crate::row::Row::from_compact(row);
            row.grow(size.cols(), crate::cell::Cell::new());
            row
        }));
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Scrollback {
    Disabled,
    Enabled { capacity: usize },
}

impl Grid {
    pub fn new(size: Size, scrollback: Scrollback) -> Self {
        let scrollback = match scrollback {
            Scrollback::Disabled => None,
            Scrollback::Enabled { capacity } => Some(ScrollbackState {
                rows: alloc::collections::VecDeque::new(),
                capacity,
                offset: 0,
                unbounded_len: 0,
                view: Vec::new(),
                scratch: Vec::new(),
            }),
        };
        Self {
            id: GridId::new(),
            stamp: 0,
            size,
            pos: Pos::default(),
            saved_pos: Pos::default(),
            rows: alloc::collections::VecDeque::new(),
            scroll_top: 0,
            scroll_bottom: size.rows() - 1,
            origin_mode: false,
            saved_origin_mode: false,
            scrollback,
        }
    }

    pub fn allocate_rows(&mut self) {
        if self.rows.is_empty() {
            self.rows.resize_with(usize::from(self.size.rows()), || {
                crate::row::Row::new(self.size.cols())
            });
            stamp_rows(&mut self.stamp, &mut self.rows);
        }
    }

    /// The grid's identity, which with a row's stamp says what the row
    /// holds: equal (id, stamp) pairs are equal rows.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn id(&self) -> u64 {
        self.id.0
    }

    /// Writes as many of the printable ASCII characters at the start of
    /// `bytes` at the cursor as [`Self::put_ascii`] would one by one before
    /// it first refuses, and moves the cursor past them; the row is stamped
    /// once. Returns how many it wrote.
    ///
    /// patched (see PATCHES.md): the text fast path, added by ccmux.
    #[inline]
    pub fn put_ascii_run(
        &mut self,
        bytes: &[u8],
        attrs: crate::attrs::Attrs,
        styled: bool,
    ) -> usize {
        let pos = self.pos;
        let Some(row) = self.rows.get_mut(usize::from(pos.row)) else {
            return 0;
        };
        let n = row.put_ascii_run(pos.col, bytes, attrs, styled);
        if n > 0 {
            self.stamp += 1;
            // at most the row's width, a u16
            let end = pos.col.saturating_add(u16::try_from(n).unwrap_or(u16::MAX));
            row.stamp_cells(self.stamp, pos.col, end);
            self.pos.col = end;
        }
        n
    }

    /// Writes `c`, two cells wide if `wide` (its right half blank, as
    /// `Screen::text_cleanup` leaves it) or one, at the cursor and moves it
    /// on, if nothing calls for the general text path: the character fits
    /// before the edge, and no wide character is in those cells or just
    /// before them. Returns whether it did.
    ///
    /// patched (see PATCHES.md): the text fast path, added by ccmux.
    #[inline]
    pub fn put_char(
        &mut self,
        c: char,
        wide: bool,
        attrs: crate::attrs::Attrs,
        styled: bool,
    ) -> bool {
        let pos = self.pos;
        let width = 1 + u16::from(wide);
        if pos.col.saturating_add(width) > self.size.cols() {
            return false;
        }
        let Some(row) = self.rows.get_mut(usize::from(pos.row)) else {
            return false;
        };
        if !row.put_char(pos.col, c, wide, attrs, styled) {
            return false;
        }
        self.stamp += 1;
        row.stamp_cells(self.stamp, pos.col, pos.col + width);
        self.pos.col += width;
        true
    }

    /// Writes the printable ASCII character `b` at the cursor and moves it
    /// on, if nothing calls for the general text path: the cursor not
    /// waiting to wrap, no wide character there or just before it. Returns
    /// whether it did.
    ///
    /// patched (see PATCHES.md): the text fast path, added by ccmux.
    #[inline]
    pub fn put_ascii(
        &mut self,
        b: u8,
        attrs: crate::attrs::Attrs,
        styled: bool,
    ) -> bool {
        let pos = self.pos;
        if pos.col >= self.size.cols() {
            return false;
        }
        let Some(row) = self.rows.get_mut(usize::from(pos.row)) else {
            return false;
        };
        if !row.put_ascii(pos.col, b, attrs, styled) {
            return false;
        }
        self.stamp += 1;
        row.stamp_cells(self.stamp, pos.col, pos.col + 1);
        self.pos.col += 1;
        true
    }

    pub fn clear(&mut self) {
        self.pos = Pos::default();
        self.saved_pos = Pos::default();
        for row in self.drawing_rows_mut() {
            row.reset();
        }
        self.scroll_top = 0;
        self.scroll_bottom = self.size.rows() - 1;
        self.origin_mode = false;
        self.saved_origin_mode = false;
    }

    pub fn size(&self) -> Size {
        self.size
    }

    pub fn set_size<F>(&mut self, size: Size, mut on_row: F)
    where
        F: FnMut(crate::row::Line<'_>),
    {
        if size == self.size {
            return;
        }

        // patched (see PATCHES.md): a grid with scrollback (the main screen)
        // is rewrapped at the new width, then changes height as upstream
        // did; the alternate screen is cut, as in xterm.
        let reflow = size.cols() != self.size.cols()
            && self.scrollback.is_some()
            && !self.rows.is_empty();
        if reflow {
            self.reflow(size.cols(), &mut on_row);
            self.size.cols = size.cols;
        }

        // xterm always resets the scroll region and scrollback offset when the
        // screen is resized.
        self.scroll_top = 0;
        self.scroll_bottom = self.size.rows() - 1;
        if let Some(scrollback) = &mut self.scrollback {
            scrollback.set_offset(0, size);
        }

        let new_row = || crate::row::Row::new(size.cols());
        let diff = self.size.rows().abs_diff(size.rows());
        // `rows` might be empty if this is the alternate screen and the rows
        // haven't been allocated (Self::allocate_rows) yet.
        let is_empty = self.rows.is_empty();
        let pos_diff = if is_empty {
            0
        } else if size.rows() < self.size.rows() {
            let num_excess_bottom = self.size.rows() - self.pos.row - 1;
            let num_pushed = diff.saturating_sub(num_excess_bottom);
            self.scroll_up(num_pushed, &mut on_row);
            self.rows.truncate(size.rows().into());
            num_pushed
        } else if let Some(scrollback) = &mut self.scrollback {
            let num_pulled = u16::try_from(scrollback.unbounded_len)
                .unwrap_or(u16::MAX)
                .min(diff);
            // Number of rows actually pulled from scrollback.
            let num_pulled_scrollback =
                scrollback.rows.len().min(num_pulled.into());
            // Number of blank rows inserted at the top, because our scrollback
            // buffer isn't as large as the theoretical amount of scrollback
            // an unbounded terminal would have.
            let num_pulled_blank =
                usize::from(num_pulled) - num_pulled_scrollback;
            let pulled = core::iter::repeat_with(new_row)
                .take(num_pulled_blank)
                .chain(
                    scrollback
                        .rows
                        .drain(
                            scrollback.rows.len() - num_pulled_scrollback..,
                        )
                        .map(|row| crate::row::Row::from_compact(&row)),
                );
            // patched (see PATCHES.md): a ring has no splice
            let mut rows: alloc::collections::VecDeque<_> = pulled.collect();
            rows.append(&mut self.rows);
            self.rows = rows;
            self.rows.resize_with(size.rows().into(), new_row);
            scrollback.unbounded_len -= usize::from(num_pulled);
            num_pulled
        } else {
            self.rows.resize_with(size.rows().into(), new_row);
            0
        };

        // patched (see PATCHES.md): the ring's last row
        if let Some(row) = self.rows.back_mut() {
            // The last row is maintained to always be a valid row
            row.wrap(false);
        }
        // patched (see PATCHES.md): on the main screen, rows pulled back from
        // the scrollback are only padded, keeping their wrap flags (a wrapped
        // row there may be short, see Row::grow); it was rewrapped already.
        let main = self.scrollback.is_some();
        for row in &mut self.rows {
            if main {
                row.set_width(size.cols());
            } else {
                row.resize(size.cols(), crate::Cell::new());
            }
        }

        // Maintain the cursor position relative to the bottom-left corner of
        // the screen.
        if size.rows() < self.size.rows() {
            self.pos.row = self.pos.row.saturating_sub(pos_diff);
            self.saved_pos.row = self
                .saved_pos
                .row
                .saturating_sub(pos_diff)
                .min(size.rows() - 1);
        } else {
            self.pos.row += pos_diff;
            self.saved_pos.row += pos_diff;
        }

        // patched (see PATCHES.md): a rewrapped cursor may still wait to
        // wrap past the last column.
        let last_col = if reflow { size.cols() } else { size.cols() - 1 };
        self.pos.col = self.pos.col.min(last_col);
        self.saved_pos.col = self.saved_pos.col.min(size.cols() - 1);
        self.scroll_bottom = size.rows() - 1;
        self.size = size;

        if !is_empty {
            debug_assert_eq!(self.rows.len(), usize::from(self.size.rows()));
        }
        debug_assert!(self.pos.row < self.size.rows());
        debug_assert!(self.pos.col <= self.size.cols());
        debug_assert!(self.saved_pos.row < self.size.rows());
        debug_assert!(self.saved_pos.col < self.size.cols());
        // patched (see PATCHES.md): rows made, moved or pulled back
        stamp_rows(&mut self.stamp, &mut self.rows);
    }

    pub fn pos(&self) -> Pos {
        self.pos
    }

    pub fn set_pos(&mut self, mut pos: Pos) {
        if self.origin_mode {
            pos.row = pos.row.saturating_add(self.scroll_top);
        }
        self.pos = pos;
        self.row_clamp_top(self.origin_mode);
        self.row_clamp_bottom(self.origin_mode);
        self.col_clamp();
    }

    pub fn save_cursor(&mut self) {
        self.saved_pos = self.pos;
        self.saved_origin_mode = self.origin_mode;
    }

    pub fn restore_cursor(&mut self) {
        self.pos = self.saved_pos;
        self.origin_mode = self.saved_origin_mode;
    }

    pub fn visible_rows(&self) -> impl Iterator<Item = &crate::row::Row> {
        // patched (see PATCHES.md): the scrollback's rows are compact; the
        // ones shown at the stored offset are kept expanded.
        self.scrollback
            .as_ref()
            .map_or(&[][..], |s| &s.view[..])
            .iter()
            .chain(&self.rows)
            .take(self.rows.len())
    }

    /// The rows shown at scrollback offset `offset` (clamped to the
    /// scrollback's length), without moving the grid's own offset.
    ///
    /// patched (see PATCHES.md): upstream only had `visible_rows`, at the
    /// offset `set_scrollback` stored.
    pub fn visible_rows_at(
        &self,
        offset: usize,
    ) -> impl Iterator<Item = crate::row::Line<'_>> {
        self.scrollback
            .as_ref()
            .map(|s| s.rows.range(s.rows.len() - offset.min(s.rows.len())..))
            .into_iter()
            .flatten()
            .map(crate::row::Line::Scrollback)
            .chain(self.rows.iter().map(crate::row::Line::Screen))
            .take(self.rows.len())
    }

    /// Every row, each stamped as changed.
    pub fn drawing_rows_mut(
        &mut self,
    ) -> impl Iterator<Item = &mut crate::row::Row> {
        stamp_rows(&mut self.stamp, &mut self.rows);
        self.rows.iter_mut()
    }

    pub fn visible_row(&self, row: u16) -> Option<&crate::row::Row> {
        self.visible_rows().nth(usize::from(row))
    }

    pub fn drawing_row(&self, row: u16) -> Option<&crate::row::Row> {
        // patched (see PATCHES.md): by index; walking the ring's iterator
        // to it cost more than a Vec's did (`drawing_rows`, used nowhere
        // else, is gone).
        self.rows.get(usize::from(row))
    }

    /// Row `row`, stamped as changed.
    pub fn drawing_row_mut(
        &mut self,
        row: u16,
    ) -> Option<&mut crate::row::Row> {
        let row = self.rows.get_mut(usize::from(row))?;
        self.stamp += 1;
        row.set_stamp(self.stamp);
        Some(row)
    }

    pub fn current_row_mut(&mut self) -> &mut crate::row::Row {
        self.drawing_row_mut(self.pos.row)
            // we assume self.pos.row is always valid
            .unwrap()
    }

    pub fn visible_cell(&self, pos: Pos) -> Option<&crate::Cell> {
        self.visible_row(pos.row).and_then(|r| r.get(pos.col))
    }

    pub fn drawing_cell(&self, pos: Pos) -> Option<&crate::Cell> {
        self.drawing_row(pos.row).and_then(|r| r.get(pos.col))
    }

    pub fn drawing_cell_mut(&mut self, pos: Pos) -> Option<&mut crate::Cell> {
        self.drawing_row_mut(pos.row)
            .and_then(|r| r.get_mut(pos.col))
    }

    /// Stamps row `row` as changed.
    fn stamp_row(&mut self, row: u16) {
        if let Some(row) = self.rows.get_mut(usize::from(row)) {
            self.stamp += 1;
            row.set_stamp(self.stamp);
        }
    }

    pub fn scrollback_capacity(&self) -> usize {
        self.scrollback.as_ref().map_or(0, |s| s.capacity)
    }

    pub fn scrollback_len(&self) -> usize {
        self.scrollback.as_ref().map_or(0, |s| s.rows.len())
    }

    pub fn scrollback(&self) -> usize {
        self.scrollback.as_ref().map_or(0, |s| s.offset)
    }

    pub fn set_scrollback(&mut self, rows: usize) {
        let Some(scrollback) = &mut self.scrollback else {
            return;
        };
        scrollback.set_offset(rows, self.size);
    }

    pub fn write_contents(&self, contents: &mut String) {
        let mut wrapping = false;
        for row in self.visible_rows() {
            row.write_contents(contents, 0, self.size.cols(), wrapping);
            if !row.wrapped() {
                contents.push('\n');
            }
            wrapping = row.wrapped();
        }

        while contents.ends_with('\n') {
            contents.truncate(contents.len() - 1);
        }
    }

    pub fn write_contents_formatted(
        &self,
        contents: &mut String,
    ) -> crate::attrs::Attrs {
        crate::term::ClearAttrs.write_buf(contents);
        crate::term::ClearScreen.write_buf(contents);

        let mut prev_attrs = crate::attrs::Attrs::default();
        let mut prev_pos = Pos::default();
        let mut wrapping = false;

        for (i, row) in self.visible_rows().enumerate() {
            // we limit the number of cols to a u16 (see Size), so
            // visible_rows() can never return more rows than will fit
            let i = i.try_into().unwrap();
            let (new_pos, new_attrs) = row.write_contents_formatted(
                contents,
                0,
                self.size.cols(),
                i,
                wrapping,
                Some(prev_pos),
                Some(prev_attrs),
            );
            prev_pos = new_pos;
            prev_attrs = new_attrs;
            wrapping = row.wrapped();
        }

        self.write_cursor_position_formatted(
            contents,
            Some(prev_pos),
            Some(prev_attrs),
        );

        prev_attrs
    }

    pub fn write_contents_formatted_basic(
        &self,
        writer: &mut impl alloc::fmt::Write,
        range: crate::capture::BasicFormattedCaptureRange<'_>,
    ) -> alloc::fmt::Result {
        fn write<'a>(
            rows: impl Iterator<Item = crate::row::Line<'a>>,
            writer: &mut impl alloc::fmt::Write,
            state: &mut crate::capture::BasicFormattedCaptureState,
        ) -> alloc::fmt::Result {
            rows.map(crate::capture::RowContents)
                .try_for_each(|row| row.write_formatted_basic(writer, state))
        }
        match range {
            crate::capture::BasicFormattedCaptureRange::Full(state) => {
                if let Some(scrollback) = &self.scrollback {
                    let rows = scrollback.rows.iter();
                    write(
                        rows.map(crate::row::Line::Scrollback),
                        writer,
                        state,
                    )?;
                }
                let rows = self.rows.iter().map(crate::row::Line::Screen);
                write(rows, writer, state)
            }
            crate::capture::BasicFormattedCaptureRange::Visible => write(
                self.visible_rows().map(crate::row::Line::Screen),
                writer,
                &mut crate::capture::BasicFormattedCaptureState::new(),
            ),
        }
    }

    pub fn write_contents_diff(
        &self,
        contents: &mut String,
        prev: &Self,
        mut prev_attrs: crate::attrs::Attrs,
    ) -> crate::attrs::Attrs {
        let mut prev_pos = prev.pos;
        let mut wrapping = false;
        let mut prev_wrapping = false;
        for (i, (row, prev_row)) in
            self.visible_rows().zip(prev.visible_rows()).enumerate()
        {
            // we limit the number of cols to a u16 (see Size), so
            // visible_rows() can never return more rows than will fit
            let i = i.try_into().unwrap();
            let (new_pos, new_attrs) = row.write_contents_diff(
                contents,
                prev_row,
                0,
                self.size.cols(),
                i,
                wrapping,
                prev_wrapping,
                prev_pos,
                prev_attrs,
            );
            prev_pos = new_pos;
            prev_attrs = new_attrs;
            wrapping = row.wrapped();
            prev_wrapping = prev_row.wrapped();
        }

        self.write_cursor_position_formatted(
            contents,
            Some(prev_pos),
            Some(prev_attrs),
        );

        prev_attrs
    }

    pub fn write_cursor_position_formatted(
        &self,
        contents: &mut String,
        prev_pos: Option<Pos>,
        prev_attrs: Option<crate::attrs::Attrs>,
    ) {
        let prev_attrs = prev_attrs.unwrap_or_default();
        // writing a character to the last column of a row doesn't wrap the
        // cursor immediately - it waits until the next character is actually
        // drawn. it is only possible for the cursor to have this kind of
        // position after drawing a character though, so if we end in this
        // position, we need to redraw the character at the end of the row.
        if prev_pos != Some(self.pos) && self.pos.col >= self.size.cols() {
            let mut pos = Pos {
                row: self.pos.row,
                col: self.size.cols() - 1,
            };
            if self
                .drawing_cell(pos)
                // we assume self.pos.row is always valid, and self.size.cols
                // - 1 is always a valid column
                .unwrap()
                .is_wide_continuation()
            {
                pos.col = self.size.cols() - 2;
            }
            let cell =
                // we assume self.pos.row is always valid, and self.size.cols
                // - 2 must be a valid column because self.size.cols - 1 is
                // always valid and we just checked that the cell at
                // self.size.cols - 1 is a wide continuation character, which
                // means that the first half of the wide character must be
                // before it
                self.drawing_cell(pos).unwrap();
            if cell.has_contents() {
                if let Some(prev_pos) = prev_pos {
                    crate::term::MoveFromTo::new(prev_pos, pos)
                        .write_buf(contents);
                } else {
                    crate::term::MoveTo::new(pos).write_buf(contents);
                }
                cell.attrs().write_escape_code_diff(contents, &prev_attrs);
                contents.push_str(cell.contents());
                prev_attrs.write_escape_code_diff(contents, cell.attrs());
            } else {
                // if the cell doesn't have contents, we can't have gotten
                // here by drawing a character in the last column. this means
                // that as far as i'm aware, we have to have reached here from
                // a newline when we were already after the end of an earlier
                // row. in the case where we are already after the end of an
                // earlier row, we can just write a few newlines, otherwise we
                // also need to do the same as above to get ourselves to after
                // the end of a row.
                let mut found = false;
                for i in (0..self.pos.row).rev() {
                    pos.row = i;
                    pos.col = self.size.cols() - 1;
                    if self
                        .drawing_cell(pos)
                        // i is always less than self.pos.row, which we assume
                        // to be always valid, so it must also be valid.
                        // self.size.cols - 1 is always a valid col.
                        .unwrap()
                        .is_wide_continuation()
                    {
                        pos.col = self.size.cols() - 2;
                    }
                    let cell = self
                        .drawing_cell(pos)
                        // i is always less than self.pos.row, which we assume
                        // to be always valid, so it must also be valid.
                        // self.size.cols - 2 is valid because self.size.cols
                        // - 1 is always valid, and col gets set to
                        // self.size.cols - 2 when the cell at self.size.cols
                        // - 1 is a wide continuation character, meaning that
                        // the first half of the wide character must be before
                        // it
                        .unwrap();
                    if cell.has_contents() {
                        if let Some(prev_pos) = prev_pos {
                            if prev_pos.row != i
                                || prev_pos.col < self.size.cols()
                            {
                                crate::term::MoveFromTo::new(prev_pos, pos)
                                    .write_buf(contents);
                                cell.attrs().write_escape_code_diff(
                                    contents,
                                    &prev_attrs,
                                );
                                contents.push_str(cell.contents());
                                prev_attrs.write_escape_code_diff(
                                    contents,
                                    cell.attrs(),
                                );
                            }
                        } else {
                            crate::term::MoveTo::new(pos).write_buf(contents);
                            cell.attrs().write_escape_code_diff(
                                contents,
                                &prev_attrs,
                            );
                            contents.push_str(cell.contents());
                            prev_attrs.write_escape_code_diff(
                                contents,
                                cell.attrs(),
                            );
                        }
                        contents.push_str(
                            &"\n".repeat(usize::from(self.pos.row - i)),
                        );
                        found = true;
                        break;
                    }
                }

                // this can happen if you get the cursor off the end of a row,
                // and then do something to clear the end of the current row
                // without moving the cursor (IL, DL, ED, EL, etc). we know
                // there can't be something in the last column because we
                // would have caught that above, so it should be safe to
                // overwrite it.
                if !found {
                    pos = Pos {
                        row: self.pos.row,
                        col: self.size.cols() - 1,
                    };
                    if let Some(prev_pos) = prev_pos {
                        crate::term::MoveFromTo::new(prev_pos, pos)
                            .write_buf(contents);
                    } else {
                        crate::term::MoveTo::new(pos).write_buf(contents);
                    }
                    contents.push(' ');
                    // we know that the cell has no contents, but it still may
                    // have drawing attributes (background color, etc)
                    let end_cell = self
                        .drawing_cell(pos)
                        // we assume self.pos.row is always valid, and
                        // self.size.cols - 1 is always a valid column
                        .unwrap();
                    end_cell
                        .attrs()
                        .write_escape_code_diff(contents, &prev_attrs);
                    crate::term::SaveCursor.write_buf(contents);
                    crate::term::Backspace.write_buf(contents);
                    crate::term::EraseChar::new(1).write_buf(contents);
                    crate::term::RestoreCursor.write_buf(contents);
                    prev_attrs
                        .write_escape_code_diff(contents, end_cell.attrs());
                }
            }
        } else if let Some(prev_pos) = prev_pos {
            crate::term::MoveFromTo::new(prev_pos, self.pos)
                .write_buf(contents);
        } else {
            crate::term::MoveTo::new(self.pos).write_buf(contents);
        }
    }

    pub fn erase_all(&mut self, attrs: crate::attrs::Attrs) {
        for row in self.drawing_rows_mut() {
            row.clear(attrs);
        }
    }

    /// DECALN: the screen full of `c`, the scroll region the whole screen,
    /// the cursor home.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn fill(&mut self, c: char) {
        for row in self.drawing_rows_mut() {
            row.fill(c);
        }
        self.reset_scroll_region_and_home();
    }

    /// The scroll region the whole screen, the cursor home (DECALN,
    /// DECCOLM).
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn reset_scroll_region_and_home(&mut self) {
        self.set_scroll_region(0, self.size.rows() - 1);
        self.set_pos(Pos::default());
    }

    pub fn erase_all_forward(&mut self, attrs: crate::attrs::Attrs) {
        let pos = self.pos;
        for row in self.drawing_rows_mut().skip(usize::from(pos.row) + 1) {
            row.clear(attrs);
        }

        self.erase_row_forward(attrs);
    }

    pub fn erase_all_backward(&mut self, attrs: crate::attrs::Attrs) {
        let pos = self.pos;
        for row in self.drawing_rows_mut().take(usize::from(pos.row)) {
            row.clear(attrs);
        }

        self.erase_row_backward(attrs);
    }

    pub fn erase_all_scrollback<F>(&mut self, mut on_row: F)
    where
        F: FnMut(crate::row::Line<'_>),
    {
        if let Some(scrollback) = &mut self.scrollback {
            for row in scrollback.rows.drain(..) {
                on_row(crate::row::Line::Scrollback(&row));
            }
            scrollback.unbounded_len = 0;
            scrollback.set_offset(0, self.size);
        }
    }

    pub fn erase_row(&mut self, attrs: crate::attrs::Attrs) {
        self.current_row_mut().clear(attrs);
    }

    pub fn erase_row_forward(&mut self, attrs: crate::attrs::Attrs) {
        let size = self.size;
        let pos = self.pos;
        let row = self.current_row_mut();
        row.erase_range(pos.col.min(size.cols())..size.cols(), attrs);
    }

    pub fn erase_row_backward(&mut self, attrs: crate::attrs::Attrs) {
        let size = self.size;
        let pos = self.pos;
        let row = self.current_row_mut();
        row.erase_range(0..pos.col.min(size.cols() - 1) + 1, attrs);
    }

    pub fn insert_cells(&mut self, count: u16) {
        let pos = self.pos;
        let row = self.current_row_mut();
        row.insert(pos.col, count);
    }

    pub fn delete_cells(&mut self, count: u16) {
        let size = self.size;
        let pos = self.pos;
        let row = self.current_row_mut();
        row.remove(pos.col..pos.col.saturating_add(count).min(size.cols()));
    }

    pub fn erase_cells(&mut self, count: u16, attrs: crate::attrs::Attrs) {
        let size = self.size;
        let pos = self.pos;
        let row = self.current_row_mut();
        row.erase_range(
            pos.col.min(size.cols())
                ..pos.col.saturating_add(count).min(size.cols()),
            attrs,
        );
    }

    pub fn insert_lines(&mut self, count: u16) {
        if count == 0 {
            return;
        }
        if !(self.scroll_top..=self.scroll_bottom).contains(&self.pos.row) {
            return;
        }
        // patched (see PATCHES.md): the ring's rows in order, as one slice
        let between = &mut self.rows.make_contiguous()
            [usize::from(self.pos.row)..=usize::from(self.scroll_bottom)];
        let num_between = between.len();
        let num_removed = usize::from(count).min(num_between);
        between.rotate_right(num_removed);
        for row in &mut between[..num_removed] {
            row.reset();
        }
        stamp_rows(&mut self.stamp, &mut between[..num_removed]);
        // self.scroll_bottom is maintained to always be a valid row
        self.rows[usize::from(self.scroll_bottom)].wrap(false);
        self.stamp_row(self.scroll_bottom);
    }

    pub fn delete_lines(&mut self, count: u16) {
        if !(self.scroll_top..=self.scroll_bottom).contains(&self.pos.row) {
            return;
        }
        // patched (see PATCHES.md): the ring's rows in order, as one slice
        let between = &mut self.rows.make_contiguous()
            [usize::from(self.pos.row)..=usize::from(self.scroll_bottom)];
        let num_between = between.len();
        let num_removed = usize::from(count).min(num_between);
        for row in &mut between[..num_removed] {
            row.reset();
        }
        stamp_rows(&mut self.stamp, &mut between[..num_removed]);
        between.rotate_left(num_removed);
    }

    pub fn scroll_up<F>(&mut self, count: u16, mut on_row: F)
    where
        F: FnMut(crate::row::Line<'_>),
    {
        // This can be true even when `self.scrollback` is `None`; it controls
        // whether we call the `on_row` callback.
        let scrollback_enabled = self.scroll_top == 0;
        let top = usize::from(self.scroll_top);
        let num_between = usize::from(self.scroll_bottom) + 1 - top;
        let count = usize::from(count).min(num_between);

        // Number of to-be-removed rows.
        let num_removed = count.min(num_between);
        // patched (see PATCHES.md): the rows are a ring, so the region's
        // rows are reached by index ranges rather than one slice.
        let removed = top..top + num_removed;

        if let Some(scrollback) =
            self.scrollback.as_mut().filter(|_| scrollback_enabled)
        {
            scrollback.unbounded_len =
                scrollback.unbounded_len.saturating_add(num_removed);

            // Number of rows that will be pushed to the scrollback.
            let num_pushed = count.min(scrollback.capacity);

            // Scrollback length is capped at `scrollback.capacity`. These rows
            // will be lost, so just remove them now to avoid allocating.
            let scrollback_overflow = (scrollback.rows.len() + num_pushed)
                .saturating_sub(scrollback.capacity);
            for row in scrollback.rows.drain(0..scrollback_overflow) {
                on_row(crate::row::Line::Scrollback(&row));
            }

            // Number of rows that will simply be reset rather than pushed to
            // the scrollback.
            let num_reset = num_removed - num_pushed;

            for row in self.rows.range_mut(top..top + num_reset) {
                on_row(crate::row::Line::Screen(row));
                row.reset();
            }

            // screen rows are always as wide as the screen, so resetting one
            // in place leaves what upstream's fresh Row::new(cols) was.
            // patched (see PATCHES.md): a loop rather than `extend` with a
            // closure, so the compact row is built straight into its slot
            // (see `CompactRow::new`).
            let scratch = &mut scrollback.scratch;
            for row in self.rows.range_mut(top + num_reset..removed.end) {
                scrollback.rows.push_back(row.take_compact(scratch));
            }

            if scrollback.offset > 0 {
                let offset = scrollback.offset.saturating_add(count);
                scrollback.set_offset(offset, self.size);
            }
        } else {
            for row in self.rows.range_mut(removed.clone()) {
                if scrollback_enabled {
                    on_row(crate::row::Line::Screen(row));
                }
                row.reset();
            }
        }

        // patched (see PATCHES.md): the rows reset are new rows
        stamp_rows(&mut self.stamp, self.rows.range_mut(removed));
        // Finally, rotate the rows so the "removed" ones (which have now been
        // reset to empty) are at the bottom. patched (see PATCHES.md): when
        // the region is the whole screen, by turning the ring.
        if num_between == self.rows.len() {
            self.rows.rotate_left(num_removed);
        } else {
            self.rows.make_contiguous()[top..top + num_between]
                .rotate_left(num_removed);
        }
    }

    pub fn scroll_down(&mut self, count: u16) {
        if count == 0 {
            return;
        }
        // patched (see PATCHES.md): the ring's rows in order, as one slice
        let between = &mut self.rows.make_contiguous()
            [usize::from(self.scroll_top)..=usize::from(self.scroll_bottom)];
        let num_between = between.len();
        let num_removed = usize::from(count).min(num_between);
        between.rotate_right(num_removed);
        for row in &mut between[..num_removed] {
            row.reset();
        }
        stamp_rows(&mut self.stamp, &mut between[..num_removed]);
        // self.scroll_bottom is maintained to always be a valid row
        self.rows[usize::from(self.scroll_bottom)].wrap(false);
        self.stamp_row(self.scroll_bottom);
    }

    pub fn set_scroll_region(&mut self, top: u16, bottom: u16) {
        let bottom = bottom.min(self.size().rows() - 1);
        if top < bottom {
            self.scroll_top = top;
            self.scroll_bottom = bottom;
        } else {
            self.scroll_top = 0;
            self.scroll_bottom = self.size().rows() - 1;
        }
        self.pos.row = self.scroll_top;
        self.pos.col = 0;
    }

    fn in_scroll_region(&self) -> bool {
        self.pos.row >= self.scroll_top && self.pos.row <= self.scroll_bottom
    }

    pub fn set_origin_mode(&mut self, mode: bool) {
        self.origin_mode = mode;
        self.set_pos(Pos { row: 0, col: 0 });
    }

    pub fn row_inc_clamp(&mut self, count: u16) {
        let in_scroll_region = self.in_scroll_region();
        self.pos.row = self.pos.row.saturating_add(count);
        self.row_clamp_bottom(in_scroll_region);
    }

    pub fn row_inc_scroll<F>(&mut self, count: u16, on_row: F) -> u16
    where
        F: FnMut(crate::row::Line<'_>),
    {
        let in_scroll_region = self.in_scroll_region();
        self.pos.row = self.pos.row.saturating_add(count);
        let lines = self.row_clamp_bottom(in_scroll_region);
        if in_scroll_region {
            self.scroll_up(lines, on_row);
            lines
        } else {
            0
        }
    }

    pub fn row_dec_clamp(&mut self, count: u16) {
        let in_scroll_region = self.in_scroll_region();
        self.pos.row = self.pos.row.saturating_sub(count);
        self.row_clamp_top(in_scroll_region);
    }

    pub fn row_dec_scroll(&mut self, count: u16) {
        let in_scroll_region = self.in_scroll_region();
        // need to account for clamping by both row_clamp_top and by
        // saturating_sub
        let extra_lines = count.saturating_sub(self.pos.row);
        self.pos.row = self.pos.row.saturating_sub(count);
        let lines = self.row_clamp_top(in_scroll_region);
        self.scroll_down(lines + extra_lines);
    }

    pub fn row_set(&mut self, i: u16) {
        self.pos.row = i;
        self.row_clamp();
    }

    pub fn col_inc(&mut self, count: u16) {
        self.pos.col = self.pos.col.saturating_add(count);
    }

    pub fn col_inc_clamp(&mut self, count: u16) {
        self.pos.col = self.pos.col.saturating_add(count);
        self.col_clamp();
    }

    pub fn col_dec(&mut self, count: u16) {
        self.pos.col = self.pos.col.saturating_sub(count);
    }

    /// Moves the cursor back so a character `width` columns wide fits
    /// before the right edge (the last column(s) are written over), as text
    /// does without autowrap.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn col_clamp_for(&mut self, width: u16) {
        self.pos.col =
            self.pos.col.min(self.size.cols().saturating_sub(width));
    }

    pub fn col_set(&mut self, i: u16) {
        self.pos.col = i;
        self.col_clamp();
    }

    /// Returns the number of rows scrolled up to make room (patched: see
    /// PATCHES.md), so callers holding a position can follow their cell.
    pub fn col_wrap<F>(&mut self, width: u16, wrap: bool, on_row: F) -> u16
    where
        F: FnMut(crate::row::Line<'_>),
    {
        if self.pos.col <= self.size.cols() - width {
            // we haven't reached the end of the row yet
            return 0;
        }

        let mut prev_pos = self.pos;
        self.pos.col = 0;
        let scrolled = self.row_inc_scroll(1, on_row);
        if prev_pos.row == 0 && scrolled > 0 {
            // we're trying to scroll but we're already at the top of the
            // grid - this can happen when the grid height is set to 1. in
            // this case, we want to do the scrolling (via row_inc_scroll)
            // but don't want to set the wrap state (since it never makes
            // sense on a 1-height grid).
            return scrolled;
        }

        prev_pos.row -= scrolled;
        let new_pos = self.pos;
        self.drawing_row_mut(prev_pos.row)
            // we assume self.pos.row is always valid, and so prev_pos.row
            // must be valid because it is always less than or equal to
            // self.pos.row
            .unwrap()
            .wrap(wrap && prev_pos.row + 1 == new_pos.row);
        scrolled
    }

    fn row_clamp_top(&mut self, limit_to_scroll_region: bool) -> u16 {
        if limit_to_scroll_region && self.pos.row < self.scroll_top {
            let rows = self.scroll_top - self.pos.row;
            self.pos.row = self.scroll_top;
            rows
        } else {
            0
        }
    }

    fn row_clamp_bottom(&mut self, limit_to_scroll_region: bool) -> u16 {
        let bottom = if limit_to_scroll_region {
            self.scroll_bottom
        } else {
            self.size.rows() - 1
        };
        if self.pos.row > bottom {
            let rows = self.pos.row - bottom;
            self.pos.row = bottom;
            rows
        } else {
            0
        }
    }

    fn row_clamp(&mut self) {
        if self.pos.row > self.size.rows() - 1 {
            self.pos.row = self.size.rows() - 1;
        }
    }

    fn col_clamp(&mut self) {
        if self.pos.col > self.size.cols() - 1 {
            self.pos.col = self.size.cols() - 1;
        }
    }
}

/// Stamps each of `rows` as changed, with the stamps after `stamp`.
///
/// patched (see PATCHES.md): added by ccmux; takes any rows, as the ring's
/// are not one slice.
fn stamp_rows<'a>(
    stamp: &mut u64,
    rows: impl IntoIterator<Item = &'a mut crate::row::Row>,
) {
    for row in rows {
        *stamp += 1;
        row.set_stamp(*stamp);
    }
}

/// A grid's identity (`Grid::id`): new for every grid made, and for every
/// clone, whose rows then change apart from the original's under the same
/// stamps.
///
/// patched (see PATCHES.md): added by ccmux.
#[derive(Debug)]
struct GridId(u64);

impl GridId {
    fn new() -> Self {
        static NEXT: core::sync::atomic::AtomicU64 =
            core::sync::atomic::AtomicU64::new(1);
        Self(NEXT.fetch_add(1, core::sync::atomic::Ordering::Relaxed))
    }
}

impl Clone for GridId {
    fn clone(&self) -> Self {
        Self::new()
    }
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct Size {
    pub rows: core::num::NonZeroU16,
    pub cols: core::num::NonZeroU16,
}

impl Size {
    pub fn rows(self) -> u16 {
        self.rows.get()
    }

    pub fn cols(self) -> u16 {
        self.cols.get()
    }
}

#[derive(Copy, Clone, Debug, Default, Eq, PartialEq)]
pub struct Pos {
    pub row: u16,
    pub col: u16,
}
