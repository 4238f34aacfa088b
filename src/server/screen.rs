//! A client's screen as the server draws it: the App's frame on a ratatui buffer, diffed with the
//! frame before by ratatui and encoded by its crossterm backend into a buffer, so each frame is
//! exactly the bytes a local terminal would get from ratatui's `Terminal` (its diff, cursor
//! moves, colours), sent to the client as one output frame.
//!
//! `Terminal` diffs all of the frame's cells and clears a whole buffer for each frame. Here the
//! buffer drawn on keeps the last frame, so a frame that changed a few rows (`Damage::Rows`) is
//! drawn, diffed and kept by those rows alone, or by the columns of them that changed; anything
//! else goes as `Terminal` would.

use std::cell::RefCell;
use std::io::{self, Write};
use std::ops::Range;
use std::rc::Rc;

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

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

pub struct ClientScreen {
    backend: CrosstermBackend<Sink>,
    sink: Sink,
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
            backend: CrosstermBackend::new(sink.clone()),
            sink,
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
            self.sink
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
        // As ratatui's Terminal does after its diff: the cursor, then a flush.
        match cursor {
            None => self.backend.hide_cursor()?,
            Some(at) => {
                self.backend.show_cursor()?;
                self.backend.set_cursor_position(at)?;
            }
        }
        Backend::flush(&mut self.backend)?;
        Ok(std::mem::take(&mut *self.sink.0.borrow_mut()))
    }

    /// Sends the whole frame's changes, as ratatui's `Terminal::draw`; the buffer drawn on then
    /// holds the frame before, which is this one's in all rows but `changed` (the frame's
    /// `Damage::Rows`; None: no row is known to be).
    fn send_all(&mut self, changed: Option<&[Touched]>) -> io::Result<()> {
        self.backend.draw(self.shown.diff_iter(&self.next))?;
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
        self.backend.draw(updates.into_iter())?;
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
}
