//! What a frame is drawn on: a ratatui buffer that may still hold the frame drawn on it before.
//! A drawer that knows what changed since its own last frame (a key echo changes one cell of a
//! row of fifty) may then redraw only that and name the rows, or the columns of a row, it
//! touched, and only those are diffed and sent; any other drawing starts from a blank buffer, as
//! ratatui's `Terminal` does.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget;

/// One frame drawn on a canvas, so a drawer can tell whether a buffer holds its last frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameId(u64);

impl FrameId {
    /// A frame no other has been or will be: ids are unique across screens.
    fn next() -> FrameId {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        FrameId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// What the buffer holds before the frame is drawn.
pub enum Held<'a> {
    /// Blank cells (`Buffer::empty`, or just reset).
    Blank,
    /// Frame `FrameId`, cell for cell, in the rows marked true; something else in the others.
    Frame(FrameId, &'a [bool]),
}

/// Which rows of a frame may differ from the frame before it.
#[derive(Debug, PartialEq, Eq)]
pub enum Damage {
    All,
    /// These rows, in order, each once; every other row is the last frame's, cell for cell.
    Rows(Vec<Touched>),
}

/// Row `y` of a frame, where the cells in columns `cols` may differ from the frame before and
/// every other cell of the row is the last frame's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Touched {
    pub y: u16,
    pub cols: Range<u16>,
}

enum State {
    /// Nothing drawn yet.
    Untouched,
    /// Drawn over the frame held, in these rows (and columns) only.
    Over(Vec<Touched>),
    /// Drawn on a blank buffer.
    Whole,
}

pub struct Canvas<'a> {
    buf: &'a mut Buffer,
    held: Held<'a>,
    id: FrameId,
    state: State,
    cursor: Option<Position>,
}

impl<'a> Canvas<'a> {
    /// A canvas over `buf`, which holds `held`.
    pub fn new(buf: &'a mut Buffer, held: Held<'a>) -> Canvas<'a> {
        Canvas {
            buf,
            held,
            id: FrameId::next(),
            state: State::Untouched,
            cursor: None,
        }
    }

    /// This frame.
    pub fn id(&self) -> FrameId {
        self.id
    }

    pub fn area(&self) -> Rect {
        self.buf.area
    }

    /// Goes on from frame `last` if that is what the buffer held last: nothing is cleared, every
    /// row drawn must be named (`touched`), and every row the returned rows do not mark as
    /// still holding frame `last` must be drawn, or put back as it was in that frame. None, and
    /// nothing changes, for another frame or once anything was drawn.
    pub fn resume(&mut self, last: FrameId) -> Option<&'a [bool]> {
        let Held::Frame(id, holds) = self.held else {
            return None;
        };
        if id != last || !matches!(self.state, State::Untouched) {
            return None;
        }
        self.state = State::Over(Vec::new());
        Some(holds)
    }

    /// Says rows `rows` may have changed (after `resume`).
    pub fn touched(&mut self, rows: impl IntoIterator<Item = u16>) {
        let cols = self.buf.area.x..self.buf.area.right();
        if let State::Over(touched) = &mut self.state {
            touched.extend(rows.into_iter().map(|y| Touched {
                y,
                cols: cols.clone(),
            }));
        }
    }

    /// Says the cells in columns `cols` of row `y` may have changed (after `resume`).
    pub fn touched_cols(&mut self, y: u16, cols: Range<u16>) {
        if let State::Over(touched) = &mut self.state {
            touched.push(Touched { y, cols });
        }
    }

    /// The buffer to draw on: blank unless the frame was resumed.
    pub fn buffer_mut(&mut self) -> &mut Buffer {
        if matches!(self.state, State::Untouched) {
            if !matches!(self.held, Held::Blank) {
                self.buf.reset();
            }
            self.state = State::Whole;
        }
        self.buf
    }

    pub fn render_widget(&mut self, widget: impl Widget, area: Rect) {
        widget.render(area, self.buffer_mut());
    }

    pub fn set_cursor_position(&mut self, position: impl Into<Position>) {
        self.cursor = Some(position.into());
    }

    /// Where the frame shows the cursor; None hides it.
    pub fn cursor(&self) -> Option<Position> {
        self.cursor
    }

    /// The rows that may differ from the frame before: all, unless the frame was resumed.
    pub fn finish(mut self) -> Damage {
        // A frame nothing was drawn on is blank, as on ratatui's Terminal.
        self.buffer_mut();
        match self.state {
            State::Over(mut rows) => {
                // One entry a row, over every column touched in it.
                rows.sort_unstable_by_key(|t| t.y);
                rows.dedup_by(|next, kept| {
                    let same = next.y == kept.y;
                    if same {
                        kept.cols =
                            kept.cols.start.min(next.cols.start)..kept.cols.end.max(next.cols.end);
                    }
                    same
                });
                Damage::Rows(rows)
            }
            _ => Damage::All,
        }
    }
}
