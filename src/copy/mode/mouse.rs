//! Copy mode under the mouse: a click moves the cursor, a drag selects,
//! its release copies.

use super::{CopyMode, Outcome};
use crate::copy::history::{History, Pos};
use crate::copy::motion;
use crate::copy::select::{self, Selection};

impl CopyMode {
    /// A mouse button went down on `at`: the cursor goes there and the
    /// selection is dropped.
    pub fn click(&mut self, h: &History, at: Pos) {
        self.clamp(h);
        self.go(h, at);
        self.selection = None;
        self.press = Some(self.cursor);
        self.dragged = false;
    }

    /// The mouse was dragged to `row` of the view (above or below it
    /// scrolls a line), column `col`: the selection runs from where it went
    /// down to there.
    pub fn drag(&mut self, h: &History, row: i32, col: u16) {
        self.clamp(h);
        let height = i32::from(h.height());
        if row < 0 {
            self.scroll(h, -1);
        } else if row >= height {
            self.scroll(h, 1);
        }
        let row = u64::try_from(row.clamp(0, height - 1)).unwrap_or(0);
        self.cursor = motion::snap(h, Pos::new(h.clamp(self.top + row), col));
        if !self.dragged {
            self.dragged = true;
            self.selection = Some(Selection {
                anchor: self.press.unwrap_or(self.cursor),
                lines: false,
            });
        }
    }

    /// The mouse button came up: what was dragged over is copied (as in
    /// tmux); a click copies nothing.
    pub fn release(&mut self, h: &History) -> Outcome {
        self.press = None;
        match (std::mem::take(&mut self.dragged), self.selection) {
            (true, Some(s)) => Outcome::Copy(select::text(h, s.span(self.cursor))),
            _ => Outcome::Stay,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::numbered;
    use super::*;

    #[test]
    fn a_drag_selects_and_its_release_copies() {
        let p = numbered();
        let h = History::new(p.screen(), 25);
        let mut mode = CopyMode::new(&h, (4, 0));
        mode.click(&h, Pos::new(26, 2));
        assert_eq!(mode.release(&h), Outcome::Stay);
        mode.click(&h, Pos::new(26, 2));
        mode.drag(&h, 2, 3);
        assert_eq!(mode.release(&h), Outcome::Copy("ne 26\nline".into()));
        // Dragged above the view: it scrolls.
        mode.click(&h, Pos::new(25, 0));
        mode.drag(&h, -1, 0);
        assert_eq!((mode.top(), mode.cursor()), (24, Pos::new(24, 0)));
    }
}
