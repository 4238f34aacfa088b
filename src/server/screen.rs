//! A client's screen as the server draws it: the App's frame on a ratatui buffer, diffed with the
//! frame before by ratatui and encoded by its crossterm backend into a buffer, so each frame
//! leaves the terminal showing what ratatui's `Terminal` would have it show (its diff, cursor
//! moves, colours), sent to the client as one output frame.
//!
//! `Terminal` diffs all of the frame's cells and clears a whole buffer for each frame. Here the
//! buffer drawn on keeps the last frame, so a frame that changed a few rows (`Damage::Rows`) is
//! drawn, diffed and kept by those rows alone, or by the columns of them that changed; anything
//! else goes as `Terminal` would.
//!
//! The screen also knows where the terminal's cursor is and whether it shows, as tmux does, so
//! a key echo is sent as the character alone: no cursor move where the cursor already is, no
//! colours reset that were never set, no cursor shown that shows. Any other frame is encoded by
//! ratatui's crossterm backend.

use std::cell::RefCell;
use std::io::{self, Write};
use std::ops::Range;
use std::rc::Rc;

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier};

use super::row_diff;
use crate::ui::canvas::{Canvas, Damage, FrameId, Held, Touched};

/// The bytes the backend writes, shared with the screen that takes them.
#[derive(Clone, Default)]
struct Sink(Rc<RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The client's terminal as the frames leave it: the bytes of the frame being made, and where
/// its cursor is and whether it shows, when known.
struct Host {
    backend: CrosstermBackend<Sink>,
    sink: Sink,
    cursor_at: Option<Position>,
    cursor_shown: Option<bool>,
}

pub struct ClientScreen {
    host: Host,
    /// What the client's terminal shows: the last frame, `shown_id`.
    shown: Buffer,
    shown_id: Option<FrameId>,
    /// The buffer frames are drawn on; between frames, per row, whether it holds `shown`'s row
    /// (else an older frame's).
    next: Buffer,
    next_holds: Vec<bool>,
    /// The client's terminal may show anything (just attached, resized, or
    /// frames were dropped): the next frame clears it and draws everything.
    fresh: bool,
}

impl ClientScreen {
    /// A screen of `size` (columns, rows).
    pub fn new(size: (u16, u16)) -> io::Result<ClientScreen> {
        let sink = Sink::default();
        let area = Rect::new(0, 0, size.0.max(1), size.1.max(1));
        Ok(ClientScreen {
            host: Host {
                backend: CrosstermBackend::new(sink.clone()),
                sink,
                cursor_at: None,
                cursor_shown: None,
            },
            shown: Buffer::empty(area),
            shown_id: None,
            next: Buffer::empty(area),
            next_holds: vec![false; usize::from(area.height)],
            fresh: true,
        })
    }

    /// Forgets what the client shows: the next frame is drawn whole.
    pub fn invalidate(&mut self) -> io::Result<()> {
        let size = self.shown.area;
        self.resize((size.width, size.height))
    }

    /// The client's terminal is now `size` (columns, rows): the next frame
    /// is drawn whole at that size.
    pub fn resize(&mut self, size: (u16, u16)) -> io::Result<()> {
        *self = ClientScreen::new(size)?;
        Ok(())
    }

    /// Draws a frame and returns its bytes.
    pub fn draw(&mut self, render: impl FnOnce(&mut Canvas)) -> io::Result<Vec<u8>> {
        if std::mem::take(&mut self.fresh) {
            // Attributes off, home, clear: nothing of what was there stays.
            self.host
                .sink
                .0
                .borrow_mut()
                .extend_from_slice(b"\x1b[0m\x1b[H\x1b[2J");
        }
        let held = match self.shown_id {
            None => Held::Blank,
            Some(id) => Held::Frame(id, &self.next_holds),
        };
        let mut canvas = Canvas::new(&mut self.next, held);
        render(&mut canvas);
        let (id, cursor) = (canvas.id(), canvas.cursor());
        let damage = canvas.finish();
        self.shown_id = Some(id);
        match damage {
            // Past half the rows, one diff of the whole frame is cheaper.
            Damage::Rows(rows) if rows.len() <= self.rows_max() && self.send_rows(&rows)? => {}
            Damage::Rows(rows) => self.send_all(Some(&rows))?,
            Damage::All => self.send_all(None)?,
        }
        self.host.cursor(cursor)?;
        Backend::flush(&mut self.host.backend)?;
        Ok(std::mem::take(&mut *self.host.sink.0.borrow_mut()))
    }

    /// Sends the whole frame's changes, as ratatui's `Terminal::draw`; the buffer drawn on then
    /// holds the frame before, which is this one's in all rows but `changed` (the frame's
    /// `Damage::Rows`; None: no row is known to be).
    fn send_all(&mut self, changed: Option<&[Touched]>) -> io::Result<()> {
        self.host.backend.draw(self.shown.diff_iter(&self.next))?;
        // Wherever the diff left it.
        self.host.cursor_at = None;
        std::mem::swap(&mut self.shown, &mut self.next);
        self.next_holds.fill(changed.is_some());
        for touched in changed.unwrap_or_default() {
            if let Some(holds) = self.next_holds.get_mut(usize::from(touched.y)) {
                *holds = false;
            }
        }
        Ok(())
    }

    /// Sends the changes of the cells `rows` name, in order, if every other cell is the last
    /// frame's, and none of these carries past its columns in ratatui's diff (see `row_diff`);
    /// the buffer drawn on then holds the frame still. False, and nothing sent, otherwise.
    fn send_rows(&mut self, rows: &[Touched]) -> io::Result<bool> {
        let mut updates = Vec::new();
        for touched in rows {
            let cells = self.cells(touched);
            let (Some(prev), Some(next)) = (
                self.shown.content.get(cells.clone()),
                self.next.content.get(cells),
            ) else {
                return Ok(false);
            };
            if !row_diff::diff_row(prev, next, touched.cols.start, touched.y, &mut updates) {
                return Ok(false);
            }
        }
        self.host.send(&updates, self.shown.area.width)?;
        for touched in rows {
            let cells = self.cells(touched);
            self.shown.content[cells.clone()].clone_from_slice(&self.next.content[cells]);
        }
        self.next_holds.fill(true);
        Ok(true)
    }

    fn rows_max(&self) -> usize {
        usize::from(self.shown.area.height / 2)
    }

    /// Where the cells `touched` names are in a buffer (its columns past the row's end left out).
    fn cells(&self, touched: &Touched) -> Range<usize> {
        let width = self.shown.area.width;
        let start = usize::from(touched.y) * usize::from(width);
        let cols = touched.cols.start.min(width)..touched.cols.end.min(width);
        start + usize::from(cols.start)..start + usize::from(cols.end)
    }
}

impl Host {
    /// Sends `updates`: text in the default style going on from the cursor (a key echo) as the
    /// text alone, anything else through the backend. `width`: the terminal's.
    fn send(&mut self, updates: &[(u16, u16, &Cell)], width: u16) -> io::Result<()> {
        let Some(&(x, y, _)) = updates.first() else {
            return Ok(());
        };
        let end = x.saturating_add(u16::try_from(updates.len()).unwrap_or(u16::MAX));
        let typed = self.cursor_at == Some(Position::new(x, y))
            // Not up to the last column, where the cursor would wait to wrap.
            && end < width
            && updates
                .iter()
                .zip(x..)
                .all(|(&(at, row, cell), col)| at == col && row == y && plain(cell));
        if !typed {
            self.backend.draw(updates.iter().copied())?;
            self.cursor_at = None;
            return Ok(());
        }
        let mut out = self.sink.0.borrow_mut();
        for (_, _, cell) in updates {
            out.extend_from_slice(cell.symbol().as_bytes());
        }
        self.cursor_at = Some(Position::new(end, y));
        Ok(())
    }

    /// As ratatui's Terminal does after its diff: the cursor shown at `at`, or hidden (None),
    /// unless it is so already.
    fn cursor(&mut self, at: Option<Position>) -> io::Result<()> {
        match at {
            None if self.cursor_shown != Some(false) => {
                self.backend.hide_cursor()?;
                self.cursor_shown = Some(false);
            }
            None => {}
            Some(at) => {
                if self.cursor_shown != Some(true) {
                    self.backend.show_cursor()?;
                    self.cursor_shown = Some(true);
                }
                if self.cursor_at != Some(at) {
                    self.backend.set_cursor_position(at)?;
                    self.cursor_at = Some(at);
                }
            }
        }
        Ok(())
    }
}

/// One printable ASCII character in the default style, which a terminal draws where its cursor
/// is and moves past.
fn plain(cell: &Cell) -> bool {
    let symbol = cell.symbol().as_bytes();
    symbol.len() == 1
        && (0x20..0x7f).contains(&symbol[0])
        && cell.fg == Color::Reset
        && cell.bg == Color::Reset
        && cell.underline_color == Color::Reset
        && cell.modifier == Modifier::empty()
        && cell.diff_option == CellDiffOption::None
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::widgets::Paragraph;

    #[test]
    fn the_first_frame_is_whole_and_the_next_only_what_changed() {
        let mut screen = ClientScreen::new((20, 3)).unwrap();
        let first = screen
            .draw(|f| f.render_widget(Paragraph::new("hello"), f.area()))
            .unwrap();
        assert!(first.starts_with(b"\x1b[0m\x1b[H\x1b[2J"));
        assert!(String::from_utf8_lossy(&first).contains("hello"));
        let same = screen
            .draw(|f| f.render_widget(Paragraph::new("hello"), f.area()))
            .unwrap();
        assert!(!String::from_utf8_lossy(&same).contains("hello"));
        screen.invalidate().unwrap();
        let again = screen
            .draw(|f| f.render_widget(Paragraph::new("hello"), f.area()))
            .unwrap();
        assert!(String::from_utf8_lossy(&again).contains("hello"));
    }

    /// A frame over the last one (`last`; None: a first, whole frame showing "hello"): `touch`
    /// draws on it, then the cursor goes to `cursor`. Its bytes.
    fn frame(
        screen: &mut ClientScreen,
        last: &mut Option<FrameId>,
        touch: &dyn Fn(&mut Canvas),
        cursor: Option<(u16, u16)>,
    ) -> Vec<u8> {
        screen
            .draw(|canvas| {
                match *last {
                    Some(id) => assert!(canvas.resume(id).is_some()),
                    None => canvas.render_widget(Paragraph::new("hello"), canvas.area()),
                }
                touch(canvas);
                if let Some(at) = cursor {
                    canvas.set_cursor_position(at);
                }
                *last = Some(canvas.id());
            })
            .unwrap()
    }

    /// `c` typed at column `x` of the first row.
    fn typed(c: &'static str, x: u16) -> impl Fn(&mut Canvas) {
        move |canvas: &mut Canvas| {
            canvas.buffer_mut()[(x, 0)].set_symbol(c);
            canvas.touched_cols(0, x..x + 1);
        }
    }

    #[test]
    fn a_key_echo_is_the_character_alone_and_the_cursor_moves_only_when_it_must() {
        let mut screen = ClientScreen::new((20, 3)).unwrap();
        let last = &mut None;
        let first = frame(&mut screen, last, &|_| {}, Some((5, 0)));
        assert!(first.ends_with(b"\x1b[?25h\x1b[1;6H"), "{first:?}");
        assert_eq!(frame(&mut screen, last, &typed("!", 5), Some((6, 0))), b"!");
        assert_eq!(frame(&mut screen, last, &typed("?", 6), Some((7, 0))), b"?");
        // Nothing changed: nothing sent.
        assert_eq!(frame(&mut screen, last, &|_| {}, Some((7, 0))), b"");
        // Not where the cursor is: moved there first.
        assert_eq!(
            frame(&mut screen, last, &typed("x", 2), Some((3, 0))),
            b"\x1b[1;3Hx\x1b[39m\x1b[49m\x1b[59m\x1b[0m\x1b[1;4H"
        );
        assert_eq!(frame(&mut screen, last, &|_| {}, None), b"\x1b[?25l");
        assert_eq!(frame(&mut screen, last, &|_| {}, None), b"");
        assert_eq!(
            frame(&mut screen, last, &|_| {}, Some((2, 1))),
            b"\x1b[?25h\x1b[2;3H"
        );
        // A fresh screen knows nothing of the terminal's cursor.
        screen.invalidate().unwrap();
        *last = None;
        let again = frame(&mut screen, last, &|_| {}, Some((2, 1)));
        assert!(again.ends_with(b"\x1b[?25h\x1b[2;3H"), "{again:?}");
    }
}
