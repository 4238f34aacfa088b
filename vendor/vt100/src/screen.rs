use crate::term::BufWrite as _;
use alloc::string::String;
use unicode_width::UnicodeWidthChar as _;

const MODE_APPLICATION_KEYPAD: u8 = 0b0000_0001;
const MODE_APPLICATION_CURSOR: u8 = 0b0000_0010;
const MODE_HIDE_CURSOR: u8 = 0b0000_0100;
const MODE_ALTERNATE_SCREEN: u8 = 0b0000_1000;
const MODE_BRACKETED_PASTE: u8 = 0b0001_0000;
// patched (see PATCHES.md): IRM, `CSI 4 h`.
const MODE_INSERT: u8 = 0b0010_0000;
// patched (see PATCHES.md): DECAWM reset, `CSI ? 7 l` (set by default).
const MODE_NO_AUTOWRAP: u8 = 0b0100_0000;

/// The xterm mouse handling mode currently in use.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum MouseProtocolMode {
    /// Mouse handling is disabled.
    #[default]
    None,

    /// Mouse button events should be reported on button press. Also known as
    /// X10 mouse mode.
    Press,

    /// Mouse button events should be reported on button press and release.
    /// Also known as VT200 mouse mode.
    PressRelease,

    // Highlight,
    /// Mouse button events should be reported on button press and release, as
    /// well as when the mouse moves between cells while a button is held
    /// down.
    ButtonMotion,

    /// Mouse button events should be reported on button press and release,
    /// and mouse motion events should be reported when the mouse moves
    /// between cells regardless of whether a button is held down or not.
    AnyMotion,
    // DecLocator,
}

/// The encoding to use for the enabled [`MouseProtocolMode`].
#[derive(Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum MouseProtocolEncoding {
    /// Default single-printable-byte encoding.
    #[default]
    Default,

    /// UTF-8-based encoding.
    Utf8,

    /// SGR-like encoding.
    Sgr,
    // Urxvt,
}

/// The cursor's visual style.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum CursorStyle {
    /// The cursor should match the terminal's default.
    #[default]
    Default,

    /// The cursor should be a blinking block.
    BlinkBlock,

    /// The cursor should be a steady block.
    SteadyBlock,

    /// The cursor should be a blinking underline.
    BlinkUnderline,

    /// The cursor should be a steady underline.
    SteadyUnderline,

    /// The cursor should be a blinking vertical bar.
    BlinkVerticalBar,

    /// The cursor should be a steady vertical bar.
    SteadyVerticalBar,
}

/// A row visible at some scrollback offset: see [`Screen::visible_rows_at`].
///
/// patched (see PATCHES.md): added by ccmux.
#[derive(Clone, Copy, Debug)]
pub struct VisibleRow<'a> {
    line: crate::row::Line<'a>,
    grid: u64,
}

impl<'a> VisibleRow<'a> {
    /// The row's cells: a screen row's borrowed, a scrollback row's
    /// expanded from its compact form. A scrollback row may hold fewer
    /// cells than the screen has columns (its blank tail was trimmed) or
    /// more (kept from a wider screen).
    #[must_use]
    pub fn cells(&self) -> alloc::borrow::Cow<'a, [crate::Cell]> {
        self.line.cells()
    }

    /// Whether the row's text wraps into the next row.
    #[must_use]
    pub fn wrapped(&self) -> bool {
        self.line.wrapped()
    }

    /// What the row holds: equal stamps are equal rows (cells and wrap
    /// flag). A row gets a new stamp whenever it changes, and when it is
    /// rewrapped or pulled back from the scrollback; the alternate screen's
    /// and a cloned screen's rows never share stamps with these. The screen
    /// is never told which stamps anyone saw, so every viewer keeps its own.
    #[must_use]
    pub fn stamp(&self) -> RowStamp {
        RowStamp {
            grid: self.grid,
            row: self.line.stamp(),
        }
    }

    /// The columns that hold every change since this row had stamp `seen`,
    /// when the row knows them (a row on the screen, changed since only by
    /// text written into it): a viewer that drew the row at `seen` redraws
    /// these columns alone. `seen` must have been read from this row, at
    /// the same place of the screen (not scrolled back): rows that move are
    /// restamped as a whole, so their old stamps give None.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    #[must_use]
    pub fn changed_since(&self, seen: RowStamp) -> Option<core::ops::Range<u16>> {
        if seen.grid != self.grid {
            return None;
        }
        let (start, end) = self.line.changed_since(seen.row)?;
        Some(start..end)
    }
}

/// What a row held when it was read: see [`VisibleRow::stamp`].
///
/// patched (see PATCHES.md): added by ccmux.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Hash)]
pub struct RowStamp {
    grid: u64,
    row: u64,
}

/// Represents the overall terminal state.
#[derive(Clone, Debug)]
pub struct Screen {
    grid: crate::grid::Grid,
    alternate_grid: crate::grid::Grid,

    attrs: crate::attrs::Attrs,
    // patched (see PATCHES.md): `!attrs.is_default()`, kept by `sgr` and
    // `restore_cursor` (the only writers of `attrs`) for the text path.
    styled: bool,
    saved_attrs: crate::attrs::Attrs,

    // patched (see PATCHES.md): G0-G3 and GL, saved with the cursor.
    charsets: crate::charset::Charsets,
    saved_charsets: crate::charset::Charsets,
    // patched (see PATCHES.md): settable tab stops.
    tabs: crate::tabs::TabStops,

    modes: u8,
    mouse_protocol_mode: MouseProtocolMode,
    mouse_protocol_encoding: MouseProtocolEncoding,
    cursor_style: CursorStyle,

    last_char: Option<char>,
}

impl Screen {
    pub(crate) fn new(
        size: crate::grid::Size,
        scrollback_capacity: usize,
    ) -> Self {
        let mut grid = crate::grid::Grid::new(
            size,
            crate::grid::Scrollback::Enabled {
                capacity: scrollback_capacity,
            },
        );
        grid.allocate_rows();
        Self {
            grid,
            alternate_grid: crate::grid::Grid::new(
                size,
                crate::grid::Scrollback::Disabled,
            ),

            attrs: crate::attrs::Attrs::default(),
            styled: false,
            saved_attrs: crate::attrs::Attrs::default(),

            charsets: crate::charset::Charsets::default(),
            saved_charsets: crate::charset::Charsets::default(),
            tabs: crate::tabs::TabStops::new(size.cols()),

            modes: 0,
            mouse_protocol_mode: MouseProtocolMode::default(),
            mouse_protocol_encoding: MouseProtocolEncoding::default(),
            cursor_style: CursorStyle::default(),

            last_char: None,
        }
    }

    /// Resizes the screen **without calling** the [`on_scroll`] callback.
    ///
    /// This method behaves the same as [`Parser::set_size`] but does not call
    /// the [`on_scroll`] callback. If you want that, use [`Parser::set_size`].
    ///
    /// [`on_scroll`]: crate::Callbacks::on_scroll
    /// [`Parser::set_size`]: crate::Parser::set_size
    pub fn set_size(
        &mut self,
        rows: core::num::NonZeroU16,
        cols: core::num::NonZeroU16,
    ) {
        self.grid.set_size(crate::grid::Size { rows, cols }, |_| {});
        self.alternate_grid
            .set_size(crate::grid::Size { rows, cols }, |_| {});
        self.reset_tabs_for(cols);
    }

    /// A change of width puts the tab stops back at every eighth column, as
    /// tmux does: stops set for the old width rarely suit the new one.
    ///
    /// patched (see PATCHES.md)
    fn reset_tabs_for(&mut self, cols: core::num::NonZeroU16) {
        if self.tabs.cols() != cols.get() {
            self.tabs = crate::tabs::TabStops::new(cols.get());
        }
    }

    /// Returns the current size of the terminal.
    ///
    /// The return value will be (rows, cols).
    #[must_use]
    pub fn size(&self) -> (core::num::NonZeroU16, core::num::NonZeroU16) {
        let size = self.grid().size();
        (size.rows, size.cols)
    }

    /// Returns the number of lines in the scrollback.
    #[must_use]
    pub fn scrollback_len(&self) -> usize {
        self.grid().scrollback_len()
    }

    /// Returns the maximum capacity of the scrollback.
    #[must_use]
    pub fn scrollback_capacity(&self) -> usize {
        self.grid().scrollback_capacity()
    }

    /// Scrolls to the given position in the scrollback.
    ///
    /// This position indicates the offset from the top of the screen, and
    /// should be `0` to put the normal screen in view.
    ///
    /// This affects the return values of methods called on the screen: for
    /// instance, `screen.cell(0, 0)` will return the top left corner of the
    /// screen after taking the scrollback offset into account.
    ///
    /// The value given will be clamped to the actual size of the scrollback.
    pub fn set_scrollback(&mut self, rows: usize) {
        self.grid_mut().set_scrollback(rows);
    }

    /// Clears the scrollback history for the active screen and returns the
    /// scrollback position to the live viewport.
    ///
    /// This does not erase the visible screen contents, reset terminal
    /// modes, or call the `on_row` callback. To model a terminal action that
    /// clears both the visible display and scrollback history, process both
    /// `CSI 2 J` and `CSI 3 J`.
    pub fn clear_scrollback(&mut self) {
        self.grid_mut().erase_all_scrollback(|_| {});
    }

    /// Returns the current position in the scrollback.
    ///
    /// This position indicates the offset from the top of the screen, and is
    /// `0` when the normal screen is in view.
    #[must_use]
    pub fn scrollback(&self) -> usize {
        self.grid().scrollback()
    }

    /// Returns the text contents of the terminal.
    ///
    /// This will not include any formatting information, and will be in plain
    /// text format.
    #[must_use]
    pub fn contents(&self) -> String {
        let mut contents = String::new();
        self.write_contents(&mut contents);
        contents
    }

    fn write_contents(&self, contents: &mut String) {
        self.grid().write_contents(contents);
    }

    /// Returns the text contents of the terminal by row, restricted to the
    /// given subset of columns.
    ///
    /// This will not include any formatting information, and will be in plain
    /// text format.
    ///
    /// Newlines will not be included.
    pub fn rows(
        &self,
        start: u16,
        width: u16,
    ) -> impl Iterator<Item = String> + '_ {
        self.grid().visible_rows().map(move |row| {
            let mut contents = String::new();
            row.write_contents(&mut contents, start, width, false);
            contents
        })
    }

    /// Returns the text contents of the terminal logically between two cells.
    /// This will include the remainder of the starting row after `start_col`,
    /// followed by the entire contents of the rows between `start_row` and
    /// `end_row`, followed by the beginning of the `end_row` up until
    /// `end_col`. This is useful for things like determining the contents of
    /// a clipboard selection.
    #[must_use]
    pub fn contents_between(
        &self,
        start_row: u16,
        start_col: u16,
        end_row: u16,
        end_col: u16,
    ) -> String {
        match start_row.cmp(&end_row) {
            core::cmp::Ordering::Less => {
                let (_, cols) = self.size();
                let cols = cols.get();
                let mut contents = String::new();
                for (i, row) in self
                    .grid()
                    .visible_rows()
                    .enumerate()
                    .skip(usize::from(start_row))
                    .take(usize::from(end_row) - usize::from(start_row) + 1)
                {
                    if i == usize::from(start_row) {
                        row.write_contents(
                            &mut contents,
                            start_col,
                            cols - start_col,
                            false,
                        );
                        if !row.wrapped() {
                            contents.push('\n');
                        }
                    } else if i == usize::from(end_row) {
                        row.write_contents(&mut contents, 0, end_col, false);
                    } else {
                        row.write_contents(&mut contents, 0, cols, false);
                        if !row.wrapped() {
                            contents.push('\n');
                        }
                    }
                }
                contents
            }
            core::cmp::Ordering::Equal => {
                if start_col < end_col {
                    self.rows(start_col, end_col - start_col)
                        .nth(usize::from(start_row))
                        .unwrap_or_default()
                } else {
                    String::new()
                }
            }
            core::cmp::Ordering::Greater => String::new(),
        }
    }

    /// Return escape codes sufficient to reproduce the entire contents of the
    /// current terminal state. This is a convenience wrapper around
    /// [`contents_formatted`](Self::contents_formatted) and
    /// [`input_mode_formatted`](Self::input_mode_formatted).
    #[must_use]
    pub fn state_formatted(&self) -> String {
        let mut contents = String::new();
        self.write_contents_formatted(&mut contents);
        self.write_input_mode_formatted(&mut contents);
        contents
    }

    /// Return escape codes sufficient to turn the terminal state of the
    /// screen `prev` into the current terminal state. This is a convenience
    /// wrapper around [`contents_diff`](Self::contents_diff) and
    /// [`input_mode_diff`](Self::input_mode_diff).
    #[must_use]
    pub fn state_diff(&self, prev: &Self) -> String {
        let mut contents = String::new();
        self.write_contents_diff(&mut contents, prev);
        self.write_input_mode_diff(&mut contents, prev);
        contents
    }

    /// Returns the formatted visible contents of the terminal.
    ///
    /// Formatting information will be included inline as terminal escape
    /// codes. The result will be suitable for feeding directly to a raw
    /// terminal parser, and will result in the same visual output.
    #[must_use]
    pub fn contents_formatted(&self) -> String {
        let mut contents = String::new();
        self.write_contents_formatted(&mut contents);
        contents
    }

    fn write_contents_formatted(&self, contents: &mut String) {
        crate::term::HideCursor::new(self.hide_cursor()).write_buf(contents);
        let prev_attrs = self.grid().write_contents_formatted(contents);
        self.attrs.write_escape_code_diff(contents, &prev_attrs);
    }

    /// Returns the formatted visible contents of the terminal in a "basic"
    /// format.
    ///
    /// The contents will contain no escape sequences except SGR sequences,
    /// and no control characters except `'\n'`.
    ///
    /// A newline will be inserted after each row that does not wrap onto the
    /// next line, except the last. Trailing whitespace will not be trimmed
    /// from the string; a blank terminal *n* rows tall will result in a string
    /// with *n* - 1 newlines.
    ///
    /// Terminal attributes should be reset before and after displaying the
    /// returned string; it will not begin or end with a reset sequence.
    #[must_use]
    pub fn contents_formatted_basic(&self) -> String {
        let mut contents = String::new();
        // Writing to a `String` cannot fail.
        #[allow(clippy::missing_panics_doc)]
        self.write_contents_formatted_basic(
            &mut contents,
            crate::capture::BasicFormattedCaptureRange::Visible,
        )
        .unwrap();
        contents
    }

    /// Like [`Self::contents_formatted_basic`] but writes into the provided
    /// writer.
    ///
    /// For the `range` parameter, if you used the callback to write terminal
    /// data into this writer in a streaming fashion, pass
    /// [`BasicFormattedCaptureRange::Full`][full] with your existing
    /// [`BasicFormattedCaptureState`][state]. Otherwise, if you want the same
    /// result as [`Self::contents_formatted_basic`], pass
    /// [`BasicFormattedCaptureRange::Visible`][visible].
    ///
    /// [`on_scroll`]: crate::Callbacks::on_scroll
    /// [full]: crate::capture::BasicFormattedCaptureRange::Full
    /// [state]: crate::capture::BasicFormattedCaptureState
    /// [visible]: crate::capture::BasicFormattedCaptureRange::Visible
    ///
    /// # Errors
    ///
    /// If the writer returns an error, this method will forward that error.
    /// Otherwise, this method will not return any errors of its own.
    pub fn write_contents_formatted_basic(
        &self,
        writer: &mut impl alloc::fmt::Write,
        range: crate::capture::BasicFormattedCaptureRange<'_>,
    ) -> alloc::fmt::Result {
        self.grid().write_contents_formatted_basic(writer, range)
    }

    /// Returns the formatted visible contents of the terminal by row,
    /// restricted to the given subset of columns.
    ///
    /// Formatting information will be included inline as terminal escape
    /// codes. The result will be suitable for feeding directly to a raw
    /// terminal parser, and will result in the same visual output.
    ///
    /// You are responsible for positioning the cursor before printing each
    /// row, and the final cursor position after displaying each row is
    /// unspecified.
    // the unwraps in this method shouldn't be reachable
    #[allow(clippy::missing_panics_doc)]
    pub fn rows_formatted(
        &self,
        start: u16,
        width: u16,
    ) -> impl Iterator<Item = String> + '_ {
        let mut wrapping = false;
        self.grid().visible_rows().enumerate().map(move |(i, row)| {
            // number of rows in a grid is stored in a u16 (see Size), so
            // visible_rows can never return enough rows to overflow here
            let i = i.try_into().unwrap();
            let mut contents = String::new();
            row.write_contents_formatted(
                &mut contents,
                start,
                width,
                i,
                wrapping,
                None,
                None,
            );
            if start == 0 && width == self.grid.size().cols() {
                wrapping = row.wrapped();
            }
            contents
        })
    }

    /// Returns a string containing escape sequences sufficient to turn the
    /// visible contents of the screen described by `prev` into the visible
    /// contents of the screen described by `self`.
    ///
    /// The result of rendering `prev.contents_formatted()` followed by
    /// `self.contents_diff(prev)` should be equivalent to the result of
    /// rendering `self.contents_formatted()`. This is primarily useful when
    /// you already have a terminal parser whose state is described by `prev`,
    /// since the diff will likely require less memory and cause less
    /// flickering than redrawing the entire screen contents.
    #[must_use]
    pub fn contents_diff(&self, prev: &Self) -> String {
        let mut contents = String::new();
        self.write_contents_diff(&mut contents, prev);
        contents
    }

    fn write_contents_diff(&self, contents: &mut String, prev: &Self) {
        if self.hide_cursor() != prev.hide_cursor() {
            crate::term::HideCursor::new(self.hide_cursor())
                .write_buf(contents);
        }
        let prev_attrs = self.grid().write_contents_diff(
            contents,
            prev.grid(),
            prev.attrs,
        );
        self.attrs.write_escape_code_diff(contents, &prev_attrs);
    }

    /// Returns a sequence of strings containing escape sequences sufficient to
    /// turn the visible contents of the subset of each row from `prev` (as
    /// described by `start` and `width`) into the visible contents of the
    /// corresponding row subset in `self`.
    ///
    /// You are responsible for positioning the cursor before printing each
    /// row, and the final cursor position after displaying each row is
    /// unspecified.
    // the unwraps in this method shouldn't be reachable
    #[allow(clippy::missing_panics_doc)]
    pub fn rows_diff<'a>(
        &'a self,
        prev: &'a Self,
        start: u16,
        width: u16,
    ) -> impl Iterator<Item = String> + 'a {
        self.grid()
            .visible_rows()
            .zip(prev.grid().visible_rows())
            .enumerate()
            .map(move |(i, (row, prev_row))| {
                // number of rows in a grid is stored in a u16 (see Size), so
                // visible_rows can never return enough rows to overflow here
                let i = i.try_into().unwrap();
                let mut contents = String::new();
                row.write_contents_diff(
                    &mut contents,
                    prev_row,
                    start,
                    width,
                    i,
                    false,
                    false,
                    crate::grid::Pos { row: i, col: start },
                    crate::attrs::Attrs::default(),
                );
                contents
            })
    }

    /// Returns terminal escape sequences sufficient to set the current
    /// terminal's input modes.
    ///
    /// Supported modes are:
    /// * application keypad
    /// * application cursor
    /// * bracketed paste
    /// * xterm mouse support
    #[must_use]
    pub fn input_mode_formatted(&self) -> String {
        let mut contents = String::new();
        self.write_input_mode_formatted(&mut contents);
        contents
    }

    fn write_input_mode_formatted(&self, contents: &mut String) {
        crate::term::ApplicationKeypad::new(
            self.mode(MODE_APPLICATION_KEYPAD),
        )
        .write_buf(contents);
        crate::term::ApplicationCursor::new(
            self.mode(MODE_APPLICATION_CURSOR),
        )
        .write_buf(contents);
        crate::term::BracketedPaste::new(self.mode(MODE_BRACKETED_PASTE))
            .write_buf(contents);
        crate::term::MouseProtocolMode::new(
            self.mouse_protocol_mode,
            MouseProtocolMode::None,
        )
        .write_buf(contents);
        crate::term::MouseProtocolEncoding::new(
            self.mouse_protocol_encoding,
            MouseProtocolEncoding::Default,
        )
        .write_buf(contents);
        crate::term::CursorStyle::new(
            self.cursor_style,
            CursorStyle::Default,
        )
        .write_buf(contents);
    }

    /// Returns terminal escape sequences sufficient to change the previous
    /// terminal's input modes to the input modes enabled in the current
    /// terminal.
    #[must_use]
    pub fn input_mode_diff(&self, prev: &Self) -> String {
        let mut contents = String::new();
        self.write_input_mode_diff(&mut contents, prev);
        contents
    }

    fn write_input_mode_diff(&self, contents: &mut String, prev: &Self) {
        if self.mode(MODE_APPLICATION_KEYPAD)
            != prev.mode(MODE_APPLICATION_KEYPAD)
        {
            crate::term::ApplicationKeypad::new(
                self.mode(MODE_APPLICATION_KEYPAD),
            )
            .write_buf(contents);
        }
        if self.mode(MODE_APPLICATION_CURSOR)
            != prev.mode(MODE_APPLICATION_CURSOR)
        {
            crate::term::ApplicationCursor::new(
                self.mode(MODE_APPLICATION_CURSOR),
            )
            .write_buf(contents);
        }
        if self.mode(MODE_BRACKETED_PASTE) != prev.mode(MODE_BRACKETED_PASTE)
        {
            crate::term::BracketedPaste::new(self.mode(MODE_BRACKETED_PASTE))
                .write_buf(contents);
        }
        crate::term::MouseProtocolMode::new(
            self.mouse_protocol_mode,
            prev.mouse_protocol_mode,
        )
        .write_buf(contents);
        crate::term::MouseProtocolEncoding::new(
            self.mouse_protocol_encoding,
            prev.mouse_protocol_encoding,
        )
        .write_buf(contents);
        crate::term::CursorStyle::new(self.cursor_style, prev.cursor_style)
            .write_buf(contents);
    }

    /// Returns terminal escape sequences sufficient to set the current
    /// terminal's drawing attributes.
    ///
    /// Supported drawing attributes are:
    /// * fgcolor
    /// * bgcolor
    /// * bold
    /// * dim
    /// * italic
    /// * underline (and its style and colour)
    /// * inverse
    /// * strikethrough, overline, blink, hidden (patched, see PATCHES.md)
    ///
    /// This is not typically necessary, since
    /// [`contents_formatted`](Self::contents_formatted) will leave
    /// the current active drawing attributes in the correct state, but this
    /// can be useful in the case of drawing additional things on top of a
    /// terminal output, since you will need to restore the terminal state
    /// without the terminal contents necessarily being the same.
    #[must_use]
    pub fn attributes_formatted(&self) -> String {
        let mut contents = String::new();
        self.write_attributes_formatted(&mut contents);
        contents
    }

    fn write_attributes_formatted(&self, contents: &mut String) {
        crate::term::ClearAttrs.write_buf(contents);
        self.attrs.write_escape_code_diff(
            contents,
            &crate::attrs::Attrs::default(),
        );
    }

    /// Returns the current cursor position of the terminal.
    ///
    /// The return value will be (row, col).
    #[must_use]
    pub fn cursor_position(&self) -> (u16, u16) {
        let pos = self.grid().pos();
        (pos.row, pos.col)
    }

    /// Returns terminal escape sequences sufficient to set the current
    /// cursor state of the terminal.
    ///
    /// This is not typically necessary, since
    /// [`contents_formatted`](Self::contents_formatted) will leave
    /// the cursor in the correct state, but this can be useful in the case of
    /// drawing additional things on top of a terminal output, since you will
    /// need to restore the terminal state without the terminal contents
    /// necessarily being the same.
    ///
    /// Note that the string returned by this function may alter the active
    /// drawing attributes, because it may require redrawing existing cells in
    /// order to position the cursor correctly (for instance, in the case
    /// where the cursor is past the end of a row). Therefore, you should
    /// ensure to reset the active drawing attributes if necessary after
    /// processing this data, for instance by using
    /// [`attributes_formatted`](Self::attributes_formatted).
    #[must_use]
    pub fn cursor_state_formatted(&self) -> String {
        let mut contents = String::new();
        self.write_cursor_state_formatted(&mut contents);
        contents
    }

    fn write_cursor_state_formatted(&self, contents: &mut String) {
        crate::term::HideCursor::new(self.hide_cursor()).write_buf(contents);
        self.grid()
            .write_cursor_position_formatted(contents, None, None);

        // we don't just call write_attributes_formatted here, because that
        // would still be confusing - consider the case where the user sets
        // their own unrelated drawing attributes (on a different parser
        // instance) and then calls cursor_state_formatted. just documenting
        // it and letting the user handle it on their own is more
        // straightforward.
    }

    /// Returns the [`Cell`](crate::Cell) object at the given location in the
    /// terminal, if it exists.
    #[must_use]
    pub fn cell(&self, row: u16, col: u16) -> Option<&crate::Cell> {
        self.grid().visible_cell(crate::grid::Pos { row, col })
    }

    /// Returns the cells of each visible row, top to bottom, at the current
    /// scrollback offset: the same cells [`Self::cell`] returns, without
    /// walking the scrollback again for every cell. A row may hold more cells
    /// than the screen has columns (scrollback kept from a wider screen).
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn visible_rows_cells(
        &self,
    ) -> impl Iterator<Item = &[crate::Cell]> + '_ {
        self.grid().visible_rows().map(crate::row::Row::cells_slice)
    }

    /// Returns the cells of each row that would be visible at scrollback
    /// offset `offset` (clamped to [`Self::scrollback_len`]), top to bottom,
    /// without changing [`Self::scrollback`]: several viewers can each look at
    /// their own offset of one shared screen. The alternate screen has no
    /// scrollback and always shows its own rows.
    ///
    /// Unlike after [`Self::set_scrollback`], a row of scrollback may hold
    /// fewer cells than the screen has columns (its blank tail was trimmed
    /// when it scrolled off); the missing cells are blank. It may also hold
    /// more (scrollback kept from a wider screen).
    ///
    /// The screen's rows are borrowed; the scrollback's are kept compact and
    /// expanded here, each into cells of its own.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn rows_cells_at(
        &self,
        offset: usize,
    ) -> impl Iterator<Item = alloc::borrow::Cow<'_, [crate::Cell]>> + '_
    {
        self.grid()
            .visible_rows_at(offset)
            .map(crate::row::Line::cells)
    }

    /// Returns, for each row [`Self::rows_cells_at`] yields at `offset`,
    /// whether its text wraps into the next row: what joins a long line
    /// back together when it is searched or copied.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn rows_wrapped_at(
        &self,
        offset: usize,
    ) -> impl Iterator<Item = bool> + '_ {
        self.grid()
            .visible_rows_at(offset)
            .map(crate::row::Line::wrapped)
    }

    /// Returns the rows that would be visible at scrollback offset `offset`
    /// (clamped to [`Self::scrollback_len`]), top to bottom, without
    /// changing [`Self::scrollback`], each to read as needed: its cells
    /// ([`Self::rows_cells_at`]), its wrap flag ([`Self::rows_wrapped_at`])
    /// and its stamp, which a viewer keeps to skip the rows that did not
    /// change since it drew them.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    pub fn visible_rows_at(
        &self,
        offset: usize,
    ) -> impl Iterator<Item = VisibleRow<'_>> + '_ {
        let grid = self.grid().id();
        self.grid()
            .visible_rows_at(offset)
            .map(move |line| VisibleRow { line, grid })
    }

    /// Returns whether the text in row `row` should wrap to the next line.
    #[must_use]
    pub fn row_wrapped(&self, row: u16) -> bool {
        self.grid()
            .visible_row(row)
            .is_some_and(crate::row::Row::wrapped)
    }

    /// Returns whether the alternate screen is currently in use.
    #[must_use]
    pub fn alternate_screen(&self) -> bool {
        self.mode(MODE_ALTERNATE_SCREEN)
    }

    /// Returns whether the terminal should be in application keypad mode.
    #[must_use]
    pub fn application_keypad(&self) -> bool {
        self.mode(MODE_APPLICATION_KEYPAD)
    }

    /// Returns whether the terminal should be in application cursor mode.
    #[must_use]
    pub fn application_cursor(&self) -> bool {
        self.mode(MODE_APPLICATION_CURSOR)
    }

    /// Returns whether the terminal should be in hide cursor mode.
    #[must_use]
    pub fn hide_cursor(&self) -> bool {
        self.mode(MODE_HIDE_CURSOR)
    }

    /// Returns whether printed characters are inserted, pushing the rest of
    /// the row right (IRM, `CSI 4 h`), rather than replacing what is there.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    #[must_use]
    pub fn insert_mode(&self) -> bool {
        self.mode(MODE_INSERT)
    }

    /// Returns whether text wraps at the right margin (DECAWM, `CSI ? 7 h`,
    /// the default) rather than overwriting the last column.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    #[must_use]
    pub fn autowrap(&self) -> bool {
        !self.mode(MODE_NO_AUTOWRAP)
    }

    /// Returns whether the terminal should be in bracketed paste mode.
    #[must_use]
    pub fn bracketed_paste(&self) -> bool {
        self.mode(MODE_BRACKETED_PASTE)
    }

    /// Returns the currently active [`MouseProtocolMode`].
    #[must_use]
    pub fn mouse_protocol_mode(&self) -> MouseProtocolMode {
        self.mouse_protocol_mode
    }

    /// Returns the currently active [`MouseProtocolEncoding`].
    #[must_use]
    pub fn mouse_protocol_encoding(&self) -> MouseProtocolEncoding {
        self.mouse_protocol_encoding
    }

    /// Returns the currently active [`CursorStyle`].
    #[must_use]
    pub fn cursor_style(&self) -> CursorStyle {
        self.cursor_style
    }

    /// Returns the currently active foreground color.
    #[must_use]
    pub fn fgcolor(&self) -> crate::Color {
        self.attrs.fgcolor
    }

    /// Returns the currently active background color.
    #[must_use]
    pub fn bgcolor(&self) -> crate::Color {
        self.attrs.bgcolor
    }

    /// Returns whether newly drawn text should be rendered with the bold text
    /// attribute.
    #[must_use]
    pub fn bold(&self) -> bool {
        self.attrs.bold()
    }

    /// Returns whether newly drawn text should be rendered with the dim text
    /// attribute.
    #[must_use]
    pub fn dim(&self) -> bool {
        self.attrs.dim()
    }

    /// Returns whether newly drawn text should be rendered with the italic
    /// text attribute.
    #[must_use]
    pub fn italic(&self) -> bool {
        self.attrs.italic()
    }

    /// Returns whether newly drawn text should be rendered with the
    /// underlined text attribute.
    #[must_use]
    pub fn underline(&self) -> bool {
        self.attrs.underline()
    }

    /// Returns whether newly drawn text should be rendered with the inverse
    /// text attribute.
    #[must_use]
    pub fn inverse(&self) -> bool {
        self.attrs.inverse()
    }

    pub(crate) fn grid(&self) -> &crate::grid::Grid {
        if self.mode(MODE_ALTERNATE_SCREEN) {
            &self.alternate_grid
        } else {
            &self.grid
        }
    }

    fn grid_mut(&mut self) -> &mut crate::grid::Grid {
        if self.mode(MODE_ALTERNATE_SCREEN) {
            &mut self.alternate_grid
        } else {
            &mut self.grid
        }
    }

    fn enter_alternate_grid(&mut self) {
        self.grid_mut().set_scrollback(0);
        self.set_mode(MODE_ALTERNATE_SCREEN);
        self.alternate_grid.allocate_rows();
    }

    fn exit_alternate_grid(&mut self) {
        self.clear_mode(MODE_ALTERNATE_SCREEN);
    }

    fn save_cursor(&mut self) {
        self.grid_mut().save_cursor();
        self.saved_attrs = self.attrs;
        self.saved_charsets = self.charsets;
    }

    fn restore_cursor(&mut self) {
        self.grid_mut().restore_cursor();
        self.attrs = self.saved_attrs;
        self.styled = !self.attrs.is_default();
        self.charsets = self.saved_charsets;
    }

    fn set_mode(&mut self, mode: u8) {
        self.modes |= mode;
    }

    fn clear_mode(&mut self, mode: u8) {
        self.modes &= !mode;
    }

    fn mode(&self, mode: u8) -> bool {
        self.modes & mode != 0
    }

    fn set_mouse_mode(&mut self, mode: MouseProtocolMode) {
        self.mouse_protocol_mode = mode;
    }

    fn clear_mouse_mode(&mut self, mode: MouseProtocolMode) {
        if self.mouse_protocol_mode == mode {
            self.mouse_protocol_mode = MouseProtocolMode::default();
        }
    }

    fn set_mouse_encoding(&mut self, encoding: MouseProtocolEncoding) {
        self.mouse_protocol_encoding = encoding;
    }

    fn clear_mouse_encoding(&mut self, encoding: MouseProtocolEncoding) {
        if self.mouse_protocol_encoding == encoding {
            self.mouse_protocol_encoding = MouseProtocolEncoding::default();
        }
    }

    fn set_cursor_style(&mut self, style: CursorStyle) {
        self.cursor_style = style;
    }

    // determine the width of the character we're about to draw, and whether
    // it makes sense to even attempt to draw a character of that width.
    fn calculate_width(&self, c: char) -> Option<u16> {
        let pos = self.grid().pos();
        let size = self.grid().size();

        let width = c.width();
        if width.is_none() && (u32::from(c)) < 256 {
            // don't even try to draw control characters
            return None;
        }
        let width = u16::try_from(width.unwrap_or(1))
            // char::width() can only return 0, 1, 2, or 3
            .unwrap();
        // TODO: this is invalid for U+17D8 which has a width of 3 for some
        // reason, but adding triple width characters is going to be a
        // massive pain just for this one character
        let width = width.min(2);

        // if the character is wider than the screen, we can't draw it, so
        // just ignore it
        if width > size.cols() {
            return None;
        }

        // a continuation character without a base character before it is
        // meaningless
        if width == 0 && pos.col == 0 {
            return None;
        }

        Some(width)
    }

    // if this is the initial codepoint in a new cell, we need to determine
    // whether wrapping that character to the next row should set the row's
    // wrapping flag
    /// Whether the text fast paths (`Grid::put_ascii`, `put_ascii_run` and
    /// `put_char`) may be tried: not in insert mode, whose characters push
    /// the rest of the row right.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    #[inline]
    fn fast_text(&self) -> bool {
        #[cfg(test)]
        if tests::general_text_path() {
            return false;
        }
        self.modes & MODE_INSERT == 0
    }

    fn new_character_should_wrap(&self, width: u16) -> bool {
        let pos = self.grid().pos();
        let size = self.grid().size();

        // it doesn't make any sense to wrap if the last column in a row
        // didn't already have contents. don't try to handle the case
        // where a character wraps because there was only one column left
        // in the previous row - literally everything handles this case
        // differently, and this is tmux behavior (and also the
        // simplest). i'm open to reconsidering this behavior, but only
        // with a really good reason (xterm handles this by introducing
        // the concept of triple width cells, which i really don't want
        // to do).
        let mut wrap = false;
        if pos.col + width > size.cols() {
            // patched (see PATCHES.md): a wide character that does not fit
            // in the last column moves to the next row, and the row is
            // marked wrapped as tmux and xterm mark it, so that reflow keeps
            // the line whole (the blank left in the last column is not part
            // of it).
            if pos.col + 1 == size.cols() {
                return true;
            }
            let last_cell = self
                .grid()
                .drawing_cell(crate::grid::Pos {
                    row: pos.row,
                    col: size.cols() - 1,
                })
                // pos.row is valid, since it comes directly from
                // self.grid().pos() which we assume to always have a
                // valid row value. size.cols - 1 is also always a valid
                // column.
                .unwrap();
            if last_cell.has_contents() || last_cell.is_wide_continuation() {
                wrap = true;
            }
        }

        wrap
    }

    // if we already have a character in a cell, but adding a continuation
    // character widened the cell off the end of the row, we need to move the
    // base character to the beginning of the next row
    //
    // patched (see PATCHES.md): `widened` is the cell as it was before the
    // wrap, and `old_pos` where it is now, or None if the wrap scrolled it
    // off a one-row screen. upstream read the cell back at its position from
    // before the wrap, which after a scroll is the new blank row: the
    // character was lost and a wide cell with no continuation was left in the
    // last column, on which later writes unwrapped None.
    fn wrap_widened_cell(
        &mut self,
        widened: &crate::Cell,
        old_pos: Option<crate::grid::Pos>,
        new_pos: crate::grid::Pos,
    ) {
        if new_pos.col == 0 {
            let attrs = self.attrs;
            self.grid_mut()
                .drawing_cell_mut(new_pos)
                .unwrap()
                .set_contents(widened.contents(), attrs);
            if let Some(old_pos) = old_pos {
                self.grid_mut()
                    .drawing_cell_mut(old_pos)
                    .unwrap()
                    .clear(attrs);
            }
            self.grid_mut().col_inc(2);
        } else {
            self.grid_mut().col_inc(1);
        }
    }

    // once we have drawn a character, clean up the wide character state of
    // nearby cells that may have been disrupted.
    //
    // patched (see PATCHES.md): the common case, no wide character on either
    // side, returns early; the rest is out of line. With the larger `Attrs`
    // the whole function cost every character noticeably more.
    fn text_cleanup(
        &mut self,
        base_pos: crate::grid::Pos,
        cell_was_wide: bool,
        cell_is_wide: bool,
    ) {
        let prev_is_wide = base_pos.col > 0
            && self
                .grid()
                .drawing_cell(crate::grid::Pos {
                    row: base_pos.row,
                    col: base_pos.col - 1,
                })
                .is_some_and(crate::Cell::is_wide);
        if prev_is_wide || cell_was_wide || cell_is_wide {
            self.text_cleanup_wide(base_pos, cell_was_wide, cell_is_wide);
        }
    }

    #[cold]
    fn text_cleanup_wide(
        &mut self,
        base_pos: crate::grid::Pos,
        cell_was_wide: bool,
        cell_is_wide: bool,
    ) {
        let size = self.grid().size();

        if base_pos.col > 0 {
            let prev_cell = self
                .grid_mut()
                .drawing_cell_mut(crate::grid::Pos {
                    row: base_pos.row,
                    col: base_pos.col - 1,
                })
                // pos.row is assumed valid, and pos.col was just
                // checked to be greater than 0.
                .unwrap();
            if prev_cell.is_wide() {
                prev_cell.clear(*prev_cell.attrs());
            }
        }

        if cell_was_wide && !cell_is_wide {
            let attrs = self.attrs;
            let next_cell = self
                .grid_mut()
                .drawing_cell_mut(crate::grid::Pos {
                    row: base_pos.row,
                    col: base_pos.col + 1,
                })
                // base_pos.row is assumed valid, and this cell previously
                // was wide, so there must have been a continuation cell
                // after it.
                .unwrap();
            next_cell.set(' ', attrs);
        }

        if !cell_was_wide && cell_is_wide {
            let next_cell = self
                .grid_mut()
                .drawing_cell_mut(crate::grid::Pos {
                    row: base_pos.row,
                    col: base_pos.col + 1,
                })
                // base_pos.row is assumed valid, and the cell at base_pos
                // has become wide, so it must have a cell after it (if it
                // didn't, we would have wrapped earlier when widening the
                // cell).
                .unwrap();
            let next_cell_was_wide = next_cell.is_wide();
            next_cell.clear(crate::attrs::Attrs::default());
            next_cell.set_wide_continuation(true);
            if next_cell_was_wide {
                let attrs = self.attrs;
                let next_next_cell = self
                    .grid_mut()
                    .drawing_cell_mut(crate::grid::Pos {
                        row: base_pos.row,
                        col: base_pos.col + 2,
                    })
                    // the cell at base_pos.col + 1 was previously wide, so
                    // it must have had a continuation cell after it.
                    .unwrap();
                next_next_cell.clear(attrs);
                if base_pos.col + 2 == size.cols() - 1 {
                    self.grid_mut()
                        .drawing_row_mut(base_pos.row)
                        .unwrap()
                        .wrap(false);
                }
            }
        }
    }
}

pub struct WrappedScreen<CB: crate::Callbacks> {
    pub screen: Screen,
    pub callbacks: CB,
    // patched (see PATCHES.md): set by an escape or control sequence's
    // dispatch, after which vte is in its ground state with nothing pending
    // (see `Parser::process`).
    pub dispatched: bool,
}

impl<CB: crate::Callbacks> WrappedScreen<CB> {
    /// Gets the `on_row` callback for methods like
    /// [`crate::grid::Grid::scroll_up`].
    fn on_row<'cb>(
        screen: &Screen,
        callbacks: &'cb mut CB,
    ) -> impl FnMut(crate::row::Line<'_>) + 'cb {
        let is_alternate = screen.mode(MODE_ALTERNATE_SCREEN);
        move |row| {
            callbacks
                .on_scroll(crate::capture::RowContents(row), is_alternate);
        }
    }

    /// Resizes the screen, calling [`on_scroll`] for each row that is pushed
    /// off the top of the screen's scrollback.
    ///
    /// [`on_scroll`]: crate::Callbacks::on_scroll
    pub fn set_size_with_cb(
        &mut self,
        rows: core::num::NonZeroU16,
        cols: core::num::NonZeroU16,
    ) {
        let callbacks = &mut self.callbacks;
        self.screen
            .grid
            .set_size(crate::grid::Size { rows, cols }, |row| {
                callbacks.on_scroll(crate::capture::RowContents(row), false);
            });
        self.screen.alternate_grid.set_size(
            crate::grid::Size { rows, cols },
            |row| {
                callbacks.on_scroll(crate::capture::RowContents(row), true);
            },
        );
        self.screen.reset_tabs_for(cols);
    }

    /// Takes the bytes at the start of `bytes` that vte, in its ground state
    /// with no partial character pending, would only print or execute, and
    /// does exactly what vte would: up to an escape, an invalid or
    /// incomplete character, or the end. Returns how many bytes it took.
    ///
    /// patched (see PATCHES.md): added by ccmux. vte decodes each run of
    /// text up to the next escape and calls `print` per character; this
    /// writes runs of printable ASCII a row at a time (`print_ascii`).
    pub fn ground(&mut self, bytes: &[u8]) -> usize {
        use vte::Perform as _;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                0x20..=0x7e => i += self.print_ascii(&bytes[i..]),
                0x1b => break,
                0x00..=0x1f => {
                    self.execute(b);
                    i += 1;
                }
                0x7f => {
                    vte::Perform::print(self, '\x7f');
                    i += 1;
                }
                _ => {
                    let len = match b {
                        0xc0..=0xdf => 2,
                        0xe0..=0xef => 3,
                        0xf0..=0xff => 4,
                        // a continuation byte: invalid, vte says how
                        _ => 1,
                    };
                    let Some(c) = bytes
                        .get(i..i + len)
                        .and_then(|utf8| core::str::from_utf8(utf8).ok())
                        .and_then(|s| s.chars().next())
                    else {
                        break;
                    };
                    // C1 controls, as vte's ground state treats them
                    match u8::try_from(c) {
                        Ok(c1 @ 0x80..=0x9f) => self.execute(c1),
                        _ => vte::Perform::print(self, c),
                    }
                    i += len;
                }
            }
        }
        i
    }

    /// Prints the run of printable ASCII at the start of `bytes` as `print`
    /// would one character at a time, and returns its length. While the
    /// character set is ASCII and insert mode is off, as many characters as
    /// fit are written into the cursor's row at once (`Grid::put_ascii_run`);
    /// a character that wraps, lands on a wide character or is translated
    /// takes `print`.
    ///
    /// patched (see PATCHES.md): added by ccmux.
    fn print_ascii(&mut self, bytes: &[u8]) -> usize {
        let mut i = 0;
        loop {
            let screen = &mut self.screen;
            if screen.charsets.is_ascii() && screen.fast_text() {
                let (attrs, styled) = (screen.attrs, screen.styled);
                let rest = &bytes[i..];
                let n = screen.grid_mut().put_ascii_run(rest, attrs, styled);
                if let Some(&last) = rest[..n].last() {
                    screen.last_char = Some(char::from(last));
                    i += n;
                }
            }
            match bytes.get(i) {
                Some(&b @ 0x20..=0x7e) => {
                    self.print(char::from(b));
                    i += 1;
                }
                _ => return i,
            }
        }
    }

    /// A printable character from the program, drawn in the character set
    /// shifted into GL.
    ///
    /// patched (see PATCHES.md): upstream drew every character as is.
    ///
    /// Printable ASCII, the bulk of most output, is written straight into
    /// its cell when nothing about the cursor calls for more (see
    /// `Grid::put_ascii`): no width lookup, wrap or wide-character cleanup.
    /// So is any other character one or two cells wide that fits before
    /// the edge, over cells no wide character covers (`Grid::put_char`).
    pub fn print(&mut self, c: char) {
        let c = self.screen.charsets.translate(c);
        let screen = &mut self.screen;
        if screen.fast_text() {
            let (attrs, styled) = (screen.attrs, screen.styled);
            let grid = screen.grid_mut();
            let done = match u8::try_from(c) {
                Ok(b @ 0x20..=0x7e) => grid.put_ascii(b, attrs, styled),
                // as `calculate_width` measures it: U+17D8's 3 is 2
                _ => match c.width() {
                    Some(w @ 1..) => {
                        grid.put_char(c, w.min(2) == 2, attrs, styled)
                    }
                    _ => false,
                },
            };
            if done {
                screen.last_char = Some(c);
                return;
            }
        }
        self.text(c);
    }

    pub fn text(&mut self, c: char) {
        let screen = &mut self.screen;
        let pos = screen.grid().pos();
        let attrs = screen.attrs;
        let styled = screen.styled;

        let Some(width) = screen.calculate_width(c) else {
            return;
        };

        // base_pos will always be set to a valid cell, so
        // .drawing_cell(base_pos).unwrap() will always be valid
        let mut base_pos;
        let cell_was_wide;

        if width > 0 {
            // patched (see PATCHES.md): without autowrap a character past
            // the last column is written over the last one(s) instead.
            let unusual = screen.modes & (MODE_NO_AUTOWRAP | MODE_INSERT);
            if unusual & MODE_NO_AUTOWRAP != 0 {
                screen.grid_mut().col_clamp_for(width);
            }
            let wrap = screen.new_character_should_wrap(width);
            let on_row = Self::on_row(screen, &mut self.callbacks);
            screen.grid_mut().col_wrap(width, wrap, on_row);
            // col_wrap always sets self.grid().pos() to a valid cell
            base_pos = screen.grid().pos();
            // patched (see PATCHES.md): in insert mode the character pushes
            // the rest of the row right; what passes the edge is lost.
            if unusual & MODE_INSERT != 0 {
                screen.grid_mut().insert_cells(width);
            }
            cell_was_wide =
                screen.grid().drawing_cell(base_pos).unwrap().is_wide();

            screen
                .grid_mut()
                .drawing_cell_mut(base_pos)
                .unwrap()
                .set_styled(c, attrs, styled);
            screen.last_char = Some(c);
            screen.grid_mut().col_inc(width);
        } else {
            // pos.row is valid, since it comes directly from
            // self.grid().pos() which we assume to always have a
            // valid row value. pos.col - 1 is valid because we just
            // returned early if pos.col == 0.
            base_pos = crate::grid::Pos {
                row: pos.row,
                col: pos.col - 1,
            };
            if screen
                .grid_mut()
                .drawing_cell_mut(base_pos)
                .unwrap()
                .is_wide_continuation()
            {
                // pos.row is valid, since it comes directly from
                // self.grid().pos() which we assume to always have a
                // valid row value. we know pos.col - 2 is valid
                // because the cell at pos.col - 1 is a wide
                // continuation character, which means there must be
                // the first half of the wide character before it.
                base_pos = crate::grid::Pos {
                    row: pos.row,
                    col: pos.col - 2,
                };
            }
            cell_was_wide =
                screen.grid().drawing_cell(base_pos).unwrap().is_wide();

            screen
                .grid_mut()
                .drawing_cell_mut(base_pos)
                .unwrap()
                .append(c);
            let cell_is_wide =
                screen.grid().drawing_cell(base_pos).unwrap().is_wide();
            if !cell_was_wide && cell_is_wide {
                let widened = *screen.grid().drawing_cell(base_pos).unwrap();
                let on_row = Self::on_row(screen, &mut self.callbacks);
                let scrolled = screen.grid_mut().col_wrap(1, false, on_row);
                // col_wrap always leaves self.grid().pos() on a valid cell,
                // so .drawing_cell(new_pos).unwrap() will always be valid.
                let new_pos = screen.grid().pos();
                // the widened cell's row moved up with the scroll, or off
                // the top of a one-row screen.
                let old_pos = base_pos.row.checked_sub(scrolled).map(|row| {
                    crate::grid::Pos {
                        row,
                        col: base_pos.col,
                    }
                });
                screen.wrap_widened_cell(&widened, old_pos, new_pos);
                if new_pos.col == 0 {
                    base_pos = new_pos;
                }
            }
        }

        let cell_is_wide =
            screen.grid().drawing_cell(base_pos).unwrap().is_wide();

        screen.text_cleanup(base_pos, cell_was_wide, cell_is_wide);
    }

    // control codes

    pub fn bs(&mut self) {
        self.screen.grid_mut().col_dec(1);
    }

    // patched (see PATCHES.md): to the next tab stop, not the next multiple
    // of eight.
    pub fn tab(&mut self) {
        self.cht(1);
    }

    pub fn lf(&mut self) {
        let on_row = Self::on_row(&self.screen, &mut self.callbacks);
        self.screen.grid_mut().row_inc_scroll(1, on_row);
    }

    pub fn vt(&mut self) {
        self.lf();
    }

    pub fn ff(&mut self) {
        self.lf();
    }

    pub fn cr(&mut self) {
        self.screen.grid_mut().col_set(0);
    }

    // SI, SO, ESC n, ESC o: G0-G3 into GL
    pub fn shift_charset(&mut self, slot: u8) {
        self.screen.charsets.shift(slot);
    }

    // escape codes

    // ESC ( ) * + F: designate the set named by F into G0-G3
    pub fn designate_charset(&mut self, slot: u8, final_byte: u8) {
        self.screen
            .charsets
            .designate(slot, crate::charset::Charset::from_final(final_byte));
    }

    // ESC D
    //
    // patched (see PATCHES.md): IND, and NEL below, were unhandled.
    pub fn ind(&mut self) {
        self.lf();
    }

    // ESC E
    pub fn nel(&mut self) {
        self.cr();
        self.lf();
    }

    // ESC # 8
    //
    // patched (see PATCHES.md): DECALN was unhandled.
    pub fn decaln(&mut self) {
        self.screen.grid_mut().fill('E');
    }

    // CSI ? 3 h and l: the 80/132 column switch. The size is the host's to
    // choose, but the switch clears the screen and homes the cursor as a
    // VT100 does (and tmux).
    //
    // patched (see PATCHES.md): upstream left it unhandled.
    fn deccolm(&mut self) {
        let attrs = self.screen.attrs;
        let grid = self.screen.grid_mut();
        grid.erase_all(attrs);
        grid.reset_scroll_region_and_home();
    }

    // ESC H
    pub fn hts(&mut self) {
        let col = self.tab_col();
        self.screen.tabs.set(col, true);
    }

    /// The cursor's column for tab stops: a cursor waiting to wrap is on the
    /// last column.
    fn tab_col(&self) -> u16 {
        let grid = self.screen.grid();
        grid.pos().col.min(grid.size().cols() - 1)
    }

    // ESC 7
    pub fn decsc(&mut self) {
        self.screen.save_cursor();
    }

    // ESC 8
    pub fn decrc(&mut self) {
        self.screen.restore_cursor();
    }

    // ESC =
    pub fn deckpam(&mut self) {
        self.screen.set_mode(MODE_APPLICATION_KEYPAD);
    }

    // ESC >
    pub fn deckpnm(&mut self) {
        self.screen.clear_mode(MODE_APPLICATION_KEYPAD);
    }

    // ESC M
    pub fn ri(&mut self) {
        self.screen.grid_mut().row_dec_scroll(1);
    }

    // ESC c
    pub fn ris(&mut self) {
        self.screen = Screen::new(
            self.screen.grid.size(),
            self.screen.grid.scrollback_capacity(),
        );
    }

    // csi codes

    // CSI SP
    pub(crate) fn decscusr(
        &mut self,
        cursor_style: u16,
        mut unhandled: impl FnMut(&mut Self),
    ) {
        match cursor_style {
            0 => self.screen.set_cursor_style(CursorStyle::Default),
            1 => self.screen.set_cursor_style(CursorStyle::BlinkBlock),
            2 => self.screen.set_cursor_style(CursorStyle::SteadyBlock),
            3 => self.screen.set_cursor_style(CursorStyle::BlinkUnderline),
            4 => self.screen.set_cursor_style(CursorStyle::SteadyUnderline),
            5 => self.screen.set_cursor_style(CursorStyle::BlinkVerticalBar),
            6 => self.screen.set_cursor_style(CursorStyle::SteadyVerticalBar),
            _ => unhandled(self),
        }
    }

    // CSI @
    pub fn ich(&mut self, count: u16) {
        self.screen.grid_mut().insert_cells(count);
    }

    // CSI A
    pub fn cuu(&mut self, offset: u16) {
        self.screen.grid_mut().row_dec_clamp(offset);
    }

    // CSI B
    pub fn cud(&mut self, offset: u16) {
        self.screen.grid_mut().row_inc_clamp(offset);
    }

    // CSI C
    pub fn cuf(&mut self, offset: u16) {
        self.screen.grid_mut().col_inc_clamp(offset);
    }

    // CSI D
    pub fn cub(&mut self, offset: u16) {
        self.screen.grid_mut().col_dec(offset);
    }

    // CSI E
    pub fn cnl(&mut self, offset: u16) {
        self.screen.grid_mut().col_set(0);
        self.screen.grid_mut().row_inc_clamp(offset);
    }

    // CSI F
    pub fn cpl(&mut self, offset: u16) {
        self.screen.grid_mut().col_set(0);
        self.screen.grid_mut().row_dec_clamp(offset);
    }

    // CSI I
    pub fn cht(&mut self, count: u16) {
        let col = self.screen.grid().pos().col;
        // a cursor waiting to wrap stays so, as in xterm and tmux: the
        // next character still goes to the next row
        if col >= self.screen.grid().size().cols() {
            return;
        }
        let to = self.screen.tabs.forward(col, count);
        self.screen.grid_mut().col_set(to);
    }

    // CSI Z
    pub fn cbt(&mut self, count: u16) {
        let to = self.screen.tabs.backward(self.tab_col(), count);
        self.screen.grid_mut().col_set(to);
    }

    // CSI g
    pub fn tbc(&mut self, mode: u16, mut unhandled: impl FnMut(&mut Self)) {
        match mode {
            0 => {
                let col = self.tab_col();
                self.screen.tabs.set(col, false);
            }
            3 => self.screen.tabs.clear_all(),
            _ => unhandled(self),
        }
    }

    // CSI G
    pub fn cha(&mut self, col: u16) {
        self.screen.grid_mut().col_set(col - 1);
    }

    // CSI `  (HPA - Horizontal Position Absolute, equivalent to CHA)
    pub(crate) fn hpa(&mut self, col: u16) {
        self.cha(col);
    }

    // CSI b (REP - Repeat last printed character)
    pub(crate) fn rep(&mut self, count: u16) {
        if let Some(c) = self.screen.last_char {
            for _ in 0..count {
                self.text(c);
            }
        }
    }

    // CSI H
    pub fn cup(&mut self, (row, col): (u16, u16)) {
        self.screen.grid_mut().set_pos(crate::grid::Pos {
            row: row - 1,
            col: col - 1,
        });
    }

    // CSI J
    pub fn ed(&mut self, mode: u16, mut unhandled: impl FnMut(&mut Self)) {
        let attrs = self.screen.attrs;
        match mode {
            0 => self.screen.grid_mut().erase_all_forward(attrs),
            1 => self.screen.grid_mut().erase_all_backward(attrs),
            2 => self.screen.grid_mut().erase_all(attrs),
            3 => {
                let on_row = Self::on_row(&self.screen, &mut self.callbacks);
                self.screen.grid_mut().erase_all_scrollback(on_row);
            }
            _ => unhandled(self),
        }
    }

    // CSI ? J
    pub fn decsed(&mut self, mode: u16, unhandled: impl FnMut(&mut Self)) {
        self.ed(mode, unhandled);
    }

    // CSI K
    pub fn el(&mut self, mode: u16, mut unhandled: impl FnMut(&mut Self)) {
        let attrs = self.screen.attrs;
        match mode {
            0 => self.screen.grid_mut().erase_row_forward(attrs),
            1 => self.screen.grid_mut().erase_row_backward(attrs),
            2 => self.screen.grid_mut().erase_row(attrs),
            _ => unhandled(self),
        }
    }

    // CSI ? K
    pub fn decsel(&mut self, mode: u16, unhandled: impl FnMut(&mut Self)) {
        self.el(mode, unhandled);
    }

    // CSI L
    pub fn il(&mut self, count: u16) {
        self.screen.grid_mut().insert_lines(count);
    }

    // CSI M
    pub fn dl(&mut self, count: u16) {
        self.screen.grid_mut().delete_lines(count);
    }

    // CSI P
    pub fn dch(&mut self, count: u16) {
        self.screen.grid_mut().delete_cells(count);
    }

    // CSI S
    pub fn su(&mut self, count: u16) {
        let on_row = Self::on_row(&self.screen, &mut self.callbacks);
        self.screen.grid_mut().scroll_up(count, on_row);
    }

    // CSI T
    pub fn sd(&mut self, count: u16) {
        self.screen.grid_mut().scroll_down(count);
    }

    // CSI X
    pub fn ech(&mut self, count: u16) {
        let attrs = self.screen.attrs;
        self.screen.grid_mut().erase_cells(count, attrs);
    }

    // CSI d
    pub fn vpa(&mut self, row: u16) {
        self.screen.grid_mut().row_set(row - 1);
    }

    // CSI h
    //
    // patched (see PATCHES.md): upstream left ANSI modes unhandled.
    pub fn sm(
        &mut self,
        params: &vte::Params,
        mut unhandled: impl FnMut(&mut Self),
    ) {
        for param in params {
            match param {
                [4] => self.screen.set_mode(MODE_INSERT),
                _ => unhandled(self),
            }
        }
    }

    // CSI l
    pub fn rm(
        &mut self,
        params: &vte::Params,
        mut unhandled: impl FnMut(&mut Self),
    ) {
        for param in params {
            match param {
                [4] => self.screen.clear_mode(MODE_INSERT),
                _ => unhandled(self),
            }
        }
    }

    // CSI ? h
    pub fn decset(
        &mut self,
        params: &vte::Params,
        mut unhandled: impl FnMut(&mut Self),
    ) {
        for param in params {
            let screen = &mut self.screen;
            match param {
                [1] => screen.set_mode(MODE_APPLICATION_CURSOR),
                [3] => self.deccolm(),
                [6] => screen.grid_mut().set_origin_mode(true),
                [7] => screen.clear_mode(MODE_NO_AUTOWRAP),
                [9] => screen.set_mouse_mode(MouseProtocolMode::Press),
                [25] => screen.clear_mode(MODE_HIDE_CURSOR),
                [47] => screen.enter_alternate_grid(),
                [1000] => {
                    screen.set_mouse_mode(MouseProtocolMode::PressRelease);
                }
                [1002] => {
                    screen.set_mouse_mode(MouseProtocolMode::ButtonMotion);
                }
                [1003] => screen.set_mouse_mode(MouseProtocolMode::AnyMotion),
                [1005] => {
                    screen.set_mouse_encoding(MouseProtocolEncoding::Utf8);
                }
                [1006] => {
                    screen.set_mouse_encoding(MouseProtocolEncoding::Sgr);
                }
                [1049] => {
                    self.decsc();
                    self.screen.alternate_grid.clear();
                    self.screen.enter_alternate_grid();
                }
                [2004] => screen.set_mode(MODE_BRACKETED_PASTE),
                _ => unhandled(self),
            }
        }
    }

    // CSI ? l
    pub fn decrst(
        &mut self,
        params: &vte::Params,
        mut unhandled: impl FnMut(&mut Self),
    ) {
        for param in params {
            let screen = &mut self.screen;
            match param {
                [1] => screen.clear_mode(MODE_APPLICATION_CURSOR),
                [3] => self.deccolm(),
                [6] => screen.grid_mut().set_origin_mode(false),
                [7] => screen.set_mode(MODE_NO_AUTOWRAP),
                [9] => screen.clear_mouse_mode(MouseProtocolMode::Press),
                [25] => screen.set_mode(MODE_HIDE_CURSOR),
                [47] => {
                    screen.exit_alternate_grid();
                }
                [1000] => {
                    screen.clear_mouse_mode(MouseProtocolMode::PressRelease);
                }
                [1002] => {
                    screen.clear_mouse_mode(MouseProtocolMode::ButtonMotion);
                }
                [1003] => {
                    screen.clear_mouse_mode(MouseProtocolMode::AnyMotion);
                }
                [1005] => {
                    screen.clear_mouse_encoding(MouseProtocolEncoding::Utf8);
                }
                [1006] => {
                    screen.clear_mouse_encoding(MouseProtocolEncoding::Sgr);
                }
                [1049] => {
                    screen.exit_alternate_grid();
                    self.decrc();
                }
                [2004] => screen.clear_mode(MODE_BRACKETED_PASTE),
                _ => unhandled(self),
            }
        }
    }

    // CSI m
    pub fn sgr(
        &mut self,
        params: &vte::Params,
        unhandled: impl FnMut(&mut Self),
    ) {
        self.sgr_params(params, unhandled);
        // patched (see PATCHES.md)
        self.screen.styled = !self.screen.attrs.is_default();
    }

    fn sgr_params(
        &mut self,
        params: &vte::Params,
        mut unhandled: impl FnMut(&mut Self),
    ) {
        // XXX really i want to just be able to pass in a default Params
        // instance with a 0 in it, but vte doesn't allow creating new Params
        // instances
        if params.is_empty() {
            self.screen.attrs = crate::attrs::Attrs::default();
            return;
        }

        let mut iter = params.iter();

        macro_rules! next_param {
            () => {
                match iter.next() {
                    Some(n) => n,
                    _ => return,
                }
            };
        }

        macro_rules! to_u8 {
            ($n:expr) => {
                if let Some(n) = u16_to_u8($n) {
                    n
                } else {
                    return;
                }
            };
        }

        macro_rules! next_param_u8 {
            () => {
                if let &[n] = next_param!() {
                    to_u8!(n)
                } else {
                    return;
                }
            };
        }

        // The colour of SGR 38, 48 or 58: from its colon-separated
        // subparameters (`38:2:r:g:b`, `38:2:cs:r:g:b`, `38:5:i`) or, with
        // none, from the parameters that follow (`38;2;r;g;b`, `38;5;i`).
        //
        // patched (see PATCHES.md): shared by the three, and the form with a
        // colour space (`38:2::r:g:b`, as kitty and vim send it) is new.
        macro_rules! extended_color {
            ($rest:expr) => {
                match $rest {
                    [2, r, g, b] | [2, _, r, g, b] => {
                        crate::Color::Rgb(to_u8!(*r), to_u8!(*g), to_u8!(*b))
                    }
                    [5, i] => crate::Color::Idx(to_u8!(*i)),
                    [] => match next_param!() {
                        [2] => {
                            let r = next_param_u8!();
                            let g = next_param_u8!();
                            let b = next_param_u8!();
                            crate::Color::Rgb(r, g, b)
                        }
                        [5] => crate::Color::Idx(next_param_u8!()),
                        _ => {
                            unhandled(self);
                            return;
                        }
                    },
                    _ => {
                        unhandled(self);
                        continue;
                    }
                }
            };
        }

        loop {
            let screen = &mut self.screen;
            match next_param!() {
                [0] => screen.attrs = crate::attrs::Attrs::default(),
                [1] => screen.attrs.set_bold(),
                [2] => screen.attrs.set_dim(),
                [3] => screen.attrs.set_italic(true),
                [4] => screen.attrs.set_underline(true),
                [7] => screen.attrs.set_inverse(true),
                [22] => screen.attrs.set_normal_intensity(),
                [23] => screen.attrs.set_italic(false),
                [24] => screen.attrs.set_underline(false),
                [27] => screen.attrs.set_inverse(false),
                [n] if (30..=37).contains(n) => {
                    screen.attrs.fgcolor = crate::Color::Idx(to_u8!(*n) - 30);
                }
                [38, rest @ ..] => {
                    screen.attrs.fgcolor = extended_color!(rest);
                }
                [39] => {
                    screen.attrs.fgcolor = crate::Color::Default;
                }
                [n] if (40..=47).contains(n) => {
                    screen.attrs.bgcolor = crate::Color::Idx(to_u8!(*n) - 40);
                }
                [48, rest @ ..] => {
                    screen.attrs.bgcolor = extended_color!(rest);
                }
                [49] => {
                    screen.attrs.bgcolor = crate::Color::Default;
                }
                // patched (see PATCHES.md): from here to 59, new.
                [4, n] => match crate::attrs::UnderlineStyle::from_sgr(*n) {
                    Some(style) => screen.attrs.underline = style,
                    None => unhandled(self),
                },
                [21] => {
                    screen.attrs.underline =
                        crate::attrs::UnderlineStyle::Double;
                }
                // xterm and tmux blink alike at either speed
                [5 | 6] => screen.attrs.set_blink(true),
                [25] => screen.attrs.set_blink(false),
                [8] => screen.attrs.set_hidden(true),
                [28] => screen.attrs.set_hidden(false),
                [9] => screen.attrs.set_strikethrough(true),
                [29] => screen.attrs.set_strikethrough(false),
                [53] => screen.attrs.set_overline(true),
                [55] => screen.attrs.set_overline(false),
                [58, rest @ ..] => {
                    screen.attrs.ulcolor = extended_color!(rest);
                }
                [59] => screen.attrs.ulcolor = crate::Color::Default,
                [n] if (90..=97).contains(n) => {
                    screen.attrs.fgcolor = crate::Color::Idx(to_u8!(*n) - 82);
                }
                [n] if (100..=107).contains(n) => {
                    screen.attrs.bgcolor = crate::Color::Idx(to_u8!(*n) - 92);
                }
                _ => unhandled(self),
            }
        }
    }

    // CSI r
    pub fn decstbm(&mut self, (top, bottom): (u16, u16)) {
        self.screen
            .grid_mut()
            .set_scroll_region(top - 1, bottom - 1);
    }
}

fn u16_to_u8(i: u16) -> Option<u8> {
    if i > u16::from(u8::MAX) {
        None
    } else {
        // safe because we just ensured that the value fits in a u8
        Some(i.try_into().unwrap())
    }
}

// patched (see PATCHES.md): the text fast paths checked against the general
// path they stand in for. Added by ccmux.
#[cfg(test)]
mod tests {
    use std::cell::Cell;

    std::thread_local! {
        static GENERAL: Cell<bool> = const { Cell::new(false) };
    }

    /// Whether this test thread wants every character drawn by the general
    /// path (`WrappedScreen::text`).
    pub fn general_text_path() -> bool {
        GENERAL.with(Cell::get)
    }

    /// xorshift64: a deterministic stream of choices for each seed.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % u64::try_from(n).unwrap()).unwrap()
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    /// Output that draws text of every width over text of every width, at
    /// and past the edge, with the modes and sets that change how.
    fn output(seed: u64) -> String {
        let mut r = Rng(seed);
        let mut out = String::new();
        for _ in 0..2000 {
            let piece = match r.below(10) {
                0..=2 => r.pick(&["ab", "x", "hello world", "=", "  "]),
                3 | 4 => r.pick(&["é", "─", "ä€", "漢", "字字", "😀", "한"]),
                5 => r.pick(&["e\u{301}", "⚠\u{FE0F}", "\u{200B}", "a漢b"]),
                6 => r.pick(&["\r", "\n", "\r\n", "\x08", "\t"]),
                7 => r.pick(&[
                    "\x1b[3G", "\x1b[9G", "\x1b[2C", "\x1b[3D", "\x1b[A",
                    "\x1b[K", "\x1b[2@", "\x1b[P", "\x1b[2X", "\x1b[2b",
                ]),
                8 => r.pick(&[
                    "\x1b[31m",
                    "\x1b[1;4m",
                    "\x1b[m",
                    "\x1b[48;5;9m",
                ]),
                _ => r.pick(&[
                    "\x1b[4h", "\x1b[4l", "\x1b[?7l", "\x1b[?7h", "\x1b(0",
                    "\x1b(B", "\x1b(A",
                ]),
            };
            out += piece;
        }
        out
    }

    fn drawn(bytes: &[u8], general: bool) -> (Vec<Vec<crate::Cell>>, String) {
        GENERAL.with(|g| g.set(general));
        let size = core::num::NonZeroU16::new;
        let mut parser =
            crate::Parser::new(size(5).unwrap(), size(9).unwrap(), 100);
        parser.process(bytes);
        GENERAL.with(|g| g.set(false));
        let screen = parser.screen();
        let rows = (0..=screen.scrollback_len())
            .flat_map(|offset| screen.rows_cells_at(offset))
            .map(alloc::borrow::Cow::into_owned)
            .collect();
        (rows, screen.state_formatted())
    }

    #[test]
    fn the_text_fast_paths_draw_what_the_general_path_draws() {
        for seed in 1..=20 {
            let bytes = output(seed).into_bytes();
            assert!(
                drawn(&bytes, false) == drawn(&bytes, true),
                "seed {seed}"
            );
        }
    }
}
