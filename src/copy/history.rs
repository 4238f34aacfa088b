//! A session's history as copy mode reads it: the rows of its scrollback,
//! oldest first, then its screen's, each with a number that stays with it
//! while output scrolls it up (so a view, a cursor or a selection stays on
//! the same text).
//!
//! Rows are read with `Screen::rows_cells_at` and `rows_wrapped_at`, which
//! take any scrollback offset without moving the screen's own: the screen is
//! shared by every viewer and never changed here. The caller holds the
//! session's `Term` lock for as long as a `History` lives. The screen's rows
//! are borrowed; vt100 keeps the scrollback's compact and expands a row into
//! cells of its own when it is read.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Deref;
use std::rc::Rc;

/// A place in a session's history: a line number (see `History`) and a
/// column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u64,
    pub col: u16,
}

impl Pos {
    pub fn new(line: u64, col: u16) -> Pos {
        Pos { line, col }
    }
}

/// One row of the history: its cells (a scrollback row may hold fewer than
/// the screen is wide, its blank tail trimmed, or more, kept from a wider
/// screen) and whether its text wraps into the next row.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub cells: Cells<'a>,
    pub wrapped: bool,
}

/// A row's cells: the screen's own, or a scrollback row's as vt100 expanded
/// it, shared by every copy of the row handed out (cheap to clone).
#[derive(Debug, Clone)]
pub enum Cells<'a> {
    Screen(&'a [vt100::Cell]),
    Scrollback(Rc<Vec<vt100::Cell>>),
}

impl<'a> From<Cow<'a, [vt100::Cell]>> for Cells<'a> {
    fn from(cells: Cow<'a, [vt100::Cell]>) -> Self {
        match cells {
            Cow::Borrowed(cells) => Cells::Screen(cells),
            Cow::Owned(cells) => Cells::Scrollback(Rc::new(cells)),
        }
    }
}

impl Deref for Cells<'_> {
    type Target = [vt100::Cell];

    fn deref(&self) -> &[vt100::Cell] {
        match self {
            Cells::Screen(cells) => cells,
            Cells::Scrollback(cells) => cells,
        }
    }
}

/// One character of a row as text: where it starts, how many columns it
/// takes, and its text (a blank for a cell never written).
pub struct Char<'a> {
    pub col: u16,
    pub width: u16,
    pub text: &'a str,
}

impl Row<'_> {
    /// The row's characters in column order; the right half of a wide
    /// character is part of it, not a character of its own.
    pub fn chars(&self) -> impl Iterator<Item = Char<'_>> + '_ {
        self.cells
            .iter()
            .enumerate()
            .filter_map(move |(col, cell)| {
                if cell.is_wide_continuation() {
                    return None;
                }
                let col = u16::try_from(col).ok()?;
                let text = if cell.has_contents() {
                    cell.contents()
                } else {
                    " "
                };
                let width = if cell.is_wide() { 2 } else { 1 };
                Some(Char { col, width, text })
            })
    }

    /// The character covering column `col`, if the row reaches it.
    pub fn char_at(&self, col: u16) -> Option<Char<'_>> {
        self.chars().find(|c| col < c.col.saturating_add(c.width))
    }
}

/// The rows of one screen and its scrollback, numbered: the oldest row kept
/// is `first()`, the screen's top row `live_top()`, its bottom row
/// `last()`. Lines that drop off the scrollback's far end take their numbers
/// with them; new ones get higher numbers.
pub struct History<'a> {
    screen: &'a vt100::Screen,
    first: u64,
    scrollback: usize,
    rows: u16,
    cols: u16,
    /// The rows last read, a screenful: finding a row at an offset walks
    /// the scrollback to it, so rows are read a page at a time, and a search
    /// going either way reads each page once.
    page: RefCell<Page<'a>>,
}

#[derive(Default)]
struct Page<'a> {
    /// The line of `rows[0]`.
    start: u64,
    rows: Vec<Row<'a>>,
}

impl<'a> History<'a> {
    /// `scrolled` is how many lines ever scrolled off the top of the screen
    /// (`Term::lines_scrolled`): the number of the screen's top row.
    pub fn new(screen: &'a vt100::Screen, scrolled: u64) -> History<'a> {
        let scrollback = screen.scrollback_len();
        let (rows, cols) = screen.size();
        History {
            screen,
            first: scrolled.saturating_sub(scrollback as u64),
            scrollback,
            rows: rows.get(),
            cols: cols.get(),
            page: RefCell::default(),
        }
    }

    /// The oldest line kept.
    pub fn first(&self) -> u64 {
        self.first
    }

    /// The screen's top row: the lowest a view's top can go.
    pub fn live_top(&self) -> u64 {
        self.first + self.scrollback as u64
    }

    /// The screen's bottom row: the newest line.
    pub fn last(&self) -> u64 {
        self.live_top() + u64::from(self.rows) - 1
    }

    /// The screen's columns.
    pub fn width(&self) -> u16 {
        self.cols
    }

    /// The screen's rows: a view's height.
    pub fn height(&self) -> u16 {
        self.rows
    }

    /// The screen read, to draw it.
    pub fn screen(&self) -> &'a vt100::Screen {
        self.screen
    }

    /// Where the program's cursor is on its screen (row, column).
    pub fn cursor(&self) -> (u16, u16) {
        self.screen.cursor_position()
    }

    /// Whether the program is on the alternate screen, which has no
    /// scrollback (full-screen programs keep their own history there).
    pub fn alternate(&self) -> bool {
        self.screen.alternate_screen()
    }

    /// The scrollback offset at which the screen shows `top` as its top row.
    pub fn offset_of(&self, top: u64) -> usize {
        let up = self.live_top().saturating_sub(top);
        usize::try_from(up).map_or(self.scrollback, |up| up.min(self.scrollback))
    }

    /// `line` brought into what is held.
    pub fn clamp(&self, line: u64) -> u64 {
        line.clamp(self.first, self.last())
    }

    /// Line `line`, if it is held.
    pub fn row(&self, line: u64) -> Option<Row<'a>> {
        if !(self.first..=self.last()).contains(&line) {
            return None;
        }
        let mut page = self.page.borrow_mut();
        let cached = line.checked_sub(page.start).and_then(|i| {
            let i = usize::try_from(i).ok()?;
            page.rows.get(i).cloned()
        });
        if cached.is_some() {
            return cached;
        }
        // Going up, read the page that ends at `line`; going down (or
        // anywhere else), the one that starts there.
        let height = u64::from(self.rows);
        let start = if line < page.start && line + height > page.start {
            line.saturating_sub(height - 1).max(self.first)
        } else {
            line
        };
        self.read_page(&mut page, start);
        let i = usize::try_from(line - page.start).ok()?;
        page.rows.get(i).cloned()
    }

    /// Reads the screenful of rows from line `start` on.
    fn read_page(&self, page: &mut Page<'a>, start: u64) {
        let index = usize::try_from(start - self.first).unwrap_or(usize::MAX);
        // A scrollback row is the top row at its own offset; the screen's
        // rows are read at offset 0, from its top.
        let (offset, start) = match self.scrollback.checked_sub(index) {
            Some(up) if up > 0 => (up, start),
            _ => (0, self.live_top()),
        };
        let cells = self.screen.rows_cells_at(offset);
        let wraps = self.screen.rows_wrapped_at(offset);
        page.start = start;
        page.rows.clear();
        page.rows
            .extend(cells.zip(wraps).map(|(cells, wrapped)| Row {
                cells: cells.into(),
                wrapped,
            }));
    }

    /// Whether line `line` wraps into the next one.
    pub fn wraps(&self, line: u64) -> bool {
        self.row(line).is_some_and(|r| r.wrapped)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::num::NonZeroU16;

    use super::*;

    /// A screen of `rows` x `cols` with a scrollback of 100 that was sent
    /// `text` (`\n` as CR LF).
    pub(crate) fn parser(rows: u16, cols: u16, text: &str) -> vt100::Parser {
        let nz = |n| NonZeroU16::new(n).expect("not zero");
        let mut parser = vt100::Parser::new(nz(rows), nz(cols), 100);
        parser.process(text.replace('\n', "\r\n").as_bytes());
        parser
    }

    /// The text of line `line`, blanks trimmed.
    pub(crate) fn text(h: &History, line: u64) -> String {
        let row = h.row(line).expect("a line held");
        let text: String = row.chars().map(|c| c.text).collect();
        text.trim_end().to_string()
    }

    #[test]
    fn numbers_the_scrollback_then_the_screen() {
        let p = parser(3, 10, "l1\nl2\nl3\nl4\nl5");
        // Two lines scrolled off before: numbering starts at 7 - 2 kept = 5.
        let h = History::new(p.screen(), 7);
        assert_eq!((h.first(), h.live_top(), h.last()), (5, 7, 9));
        let lines: Vec<String> = (5..=9).map(|n| text(&h, n)).collect();
        assert_eq!(lines, ["l1", "l2", "l3", "l4", "l5"]);
        assert!(h.row(4).is_none() && h.row(10).is_none());
        assert_eq!(h.offset_of(5), 2);
        assert_eq!(h.offset_of(7), 0);
        assert_eq!(h.offset_of(0), 2);
        assert_eq!(h.clamp(100), 9);
        // Reading moved nothing.
        assert_eq!(p.screen().scrollback(), 0);
    }

    #[test]
    fn knows_wrapped_rows_and_wide_characters() {
        let p = parser(3, 4, "abcdef\n漢x");
        let h = History::new(p.screen(), 0);
        assert!(h.wraps(0) && !h.wraps(1));
        let row = h.row(2).expect("row");
        let chars: Vec<(u16, u16, &str)> = row.chars().map(|c| (c.col, c.width, c.text)).collect();
        assert_eq!(chars[..2], [(0, 2, "漢"), (2, 1, "x")]);
        assert_eq!(row.char_at(1).map(|c| c.col), Some(0));
    }
}
