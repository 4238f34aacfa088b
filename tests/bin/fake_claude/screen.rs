//! Drawing like Claude's classic renderer: the transcript scrolls on the main
//! screen and the prompt area below it is redrawn in place with relative
//! cursor motion. The alternate screen gets a full page drawn with absolute
//! positioning instead, like the fullscreen renderer.

use std::collections::VecDeque;
use std::fmt::Write as _;

use crate::area::Area;
use crate::width::{rows_taken, truncate};

/// Transcript lines kept to repaint the screen after a resize or `alt off`.
const KEPT_LINES: usize = 500;

pub struct Screen {
    cols: usize,
    rows: usize,
    /// Frame output in `CSI ?2026h … CSI ?2026l` (the terminal said it can).
    sync: bool,
    alt: bool,
    /// Height of the prompt area on the main screen and the row within it that
    /// holds the cursor: where the next redraw starts from.
    drawn_height: usize,
    drawn_cursor_row: usize,
    transcript: VecDeque<String>,
    out: String,
}

impl Screen {
    pub fn new(cols: u16, rows: u16) -> Screen {
        Screen {
            cols: cols.into(),
            rows: rows.into(),
            sync: false,
            alt: false,
            drawn_height: 0,
            drawn_cursor_row: 0,
            transcript: VecDeque::new(),
            out: String::new(),
        }
    }

    pub fn size(&self) -> (usize, usize) {
        (self.cols, self.rows)
    }

    pub fn set_sync(&mut self, sync: bool) {
        self.sync = sync;
    }

    /// Bytes that are not drawing (titles, bells, mode switches), in order
    /// with the drawing.
    pub fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// The output produced so far, to be written to the terminal.
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    /// Append lines to the transcript above the prompt area.
    pub fn print(&mut self, lines: &[String], area: &Area) {
        for line in lines {
            if self.transcript.len() == KEPT_LINES {
                self.transcript.pop_front();
            }
            self.transcript.push_back(line.clone());
        }
        if self.alt {
            return self.draw_page(area);
        }
        self.begin();
        self.move_to_area_top();
        // Erase the old prompt area; the transcript takes its place.
        self.out.push_str("\x1b[J");
        for line in lines {
            self.out.push_str(line);
            self.out.push_str("\r\n");
        }
        self.draw_area(area);
        self.end();
    }

    /// Redraw the prompt area where it is.
    pub fn redraw(&mut self, area: &Area) {
        if self.alt {
            return self.draw_page(area);
        }
        self.begin();
        self.move_to_area_top();
        self.draw_area(area);
        self.end();
    }

    /// The terminal changed size: old lines may have been rewrapped anywhere,
    /// so repaint the whole visible screen like Claude does.
    pub fn resize(&mut self, cols: u16, rows: u16, area: &Area) {
        self.cols = cols.into();
        self.rows = rows.into();
        self.repaint(area);
    }

    /// `clear`: wipe the screen and the scrollback, prompt area at the top.
    pub fn clear(&mut self, area: &Area) {
        self.transcript.clear();
        if self.alt {
            return self.draw_page(area);
        }
        self.begin();
        self.out.push_str("\x1b[H\x1b[2J\x1b[3J");
        self.drawn_height = 0;
        self.draw_area(area);
        self.end();
    }

    pub fn set_alt(&mut self, on: bool, area: &Area) {
        if on == self.alt {
            return;
        }
        self.alt = on;
        if on {
            self.out.push_str("\x1b[?1049h");
        } else {
            self.out.push_str("\x1b[?1049l");
        }
        self.repaint(area);
    }

    /// Before exit: back to the main screen, cursor on a fresh line below the
    /// prompt area so the shell prompt does not overwrite it.
    pub fn leave(&mut self) {
        if self.alt {
            self.alt = false;
            self.out.push_str("\x1b[?1049l");
        }
        let below = self.drawn_height.saturating_sub(self.drawn_cursor_row + 1);
        if below > 0 {
            let _ = write!(self.out, "\x1b[{below}B");
        }
        self.out.push_str("\r\n");
    }

    /// Before a suspend: the shell gets the main screen, its cursor on a
    /// fresh line below the prompt area. The alternate screen comes back
    /// with `resume`.
    pub fn suspend(&mut self) {
        let alt = self.alt;
        self.leave();
        self.alt = alt;
    }

    /// After a suspend the shell has drawn over the screen: repaint it all,
    /// as Claude does when it is continued.
    pub fn resume(&mut self, area: &Area) {
        if self.alt {
            self.out.push_str("\x1b[?1049h");
        }
        self.repaint(area);
    }

    fn repaint(&mut self, area: &Area) {
        if self.alt {
            return self.draw_page(area);
        }
        self.begin();
        // Erase line by line: `CSI 2J` would push the screen into tmux's history.
        for row in 1..=self.rows {
            let _ = write!(self.out, "\x1b[{row};1H\x1b[2K");
        }
        self.out.push_str("\x1b[H");
        let free = self.rows.saturating_sub(area.height());
        let mut used = 0;
        let tail = self
            .transcript
            .iter()
            .rev()
            .take_while(|line| {
                used += rows_taken(line, self.cols);
                used <= free
            })
            .count();
        let skip = self.transcript.len() - tail;
        for line in self.transcript.iter().skip(skip) {
            self.out.push_str(line);
            self.out.push_str("\r\n");
        }
        self.drawn_height = 0;
        self.draw_area(area);
        self.end();
    }

    /// The alternate screen: a header, the end of the transcript and the
    /// prompt area at the bottom, every row placed with CUP.
    fn draw_page(&mut self, area: &Area) {
        self.begin();
        let header = format!("Fake Claude alt screen {}x{}", self.cols, self.rows);
        let body_rows = self.rows.saturating_sub(area.height() + 2);
        let skip = self.transcript.len().saturating_sub(body_rows);
        let mut page: Vec<&str> = vec![&header, ""];
        page.extend(self.transcript.iter().skip(skip).map(String::as_str));
        page.resize(self.rows.saturating_sub(area.height()), "");
        page.extend(area.lines.iter().map(String::as_str));
        for (row, line) in page.iter().take(self.rows).enumerate() {
            let line = truncate(line, self.cols);
            let _ = write!(self.out, "\x1b[{};1H\x1b[2K{line}", row + 1);
        }
        let top = self.rows.saturating_sub(area.height());
        let (row, col) = area.cursor;
        let _ = write!(self.out, "\x1b[{};{}H", top + row + 1, col + 1);
        self.end();
    }

    /// From the cursor's row in the prompt area to the start of its first line.
    fn move_to_area_top(&mut self) {
        self.out.push('\r');
        if self.drawn_cursor_row > 0 {
            let _ = write!(self.out, "\x1b[{}A", self.drawn_cursor_row);
        }
    }

    /// Draw the area from the start of the current line down, erase whatever
    /// an older, taller area left below, and put the cursor in place.
    fn draw_area(&mut self, area: &Area) {
        for (i, line) in area.lines.iter().enumerate() {
            if i > 0 {
                self.out.push_str("\r\n");
            }
            self.out.push_str("\x1b[2K");
            self.out.push_str(truncate(line, self.cols));
        }
        self.out.push_str("\x1b[J");
        let (row, col) = area.cursor;
        let up = area.height().saturating_sub(row + 1);
        if up > 0 {
            let _ = write!(self.out, "\x1b[{up}A");
        }
        let _ = write!(self.out, "\x1b[{}G", col + 1);
        self.drawn_height = area.height();
        self.drawn_cursor_row = row;
    }

    fn begin(&mut self) {
        if self.sync {
            self.out.push_str("\x1b[?2026h");
        }
    }

    fn end(&mut self) {
        if self.sync {
            self.out.push_str("\x1b[?2026l");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(lines: &[&str], cursor: (usize, usize)) -> Area {
        Area {
            lines: lines.iter().map(|s| s.to_string()).collect(),
            cursor,
        }
    }

    #[test]
    fn first_draw_then_redraw_in_place() {
        let mut screen = Screen::new(20, 10);
        let a = area(&["--", "> x", "--", "footer"], (1, 3));
        screen.redraw(&a);
        assert_eq!(
            screen.take_output(),
            "\r\x1b[2K--\r\n\x1b[2K> x\r\n\x1b[2K--\r\n\x1b[2Kfooter\x1b[J\x1b[2A\x1b[4G"
        );
        screen.redraw(&a);
        assert!(screen.take_output().starts_with("\r\x1b[1A\x1b[2K--"));
    }

    #[test]
    fn printing_replaces_the_area_then_redraws_it() {
        let mut screen = Screen::new(20, 10);
        screen.set_sync(true);
        let a = area(&["--", "> ", "--"], (1, 2));
        screen.redraw(&a);
        screen.take_output();
        screen.print(&["one".into(), "two".into()], &a);
        assert_eq!(
            screen.take_output(),
            "\x1b[?2026h\r\x1b[1A\x1b[Jone\r\ntwo\r\n\
             \x1b[2K--\r\n\x1b[2K> \r\n\x1b[2K--\x1b[J\x1b[1A\x1b[3G\x1b[?2026l"
        );
    }

    #[test]
    fn repaint_shows_as_much_transcript_as_fits() {
        let mut screen = Screen::new(10, 4);
        let a = area(&["> "], (0, 2));
        screen.print(&["a".into(), "b".into(), "0123456789xy".into()], &a);
        screen.take_output();
        screen.resize(10, 4, &a);
        let out = screen.take_output();
        let after_clear = out.rsplit("\x1b[H").next().unwrap_or_default();
        assert_eq!(
            after_clear, "b\r\n0123456789xy\r\n\x1b[2K> \x1b[J\x1b[3G",
            "3 free rows hold `b` and the two-row line, not `a`"
        );
    }

    #[test]
    fn alt_page_is_absolute() {
        let mut screen = Screen::new(12, 5);
        let a = area(&["> "], (0, 2));
        screen.print(&["x".into()], &a);
        screen.take_output();
        screen.set_alt(true, &a);
        let out = screen.take_output();
        assert!(out.starts_with("\x1b[?1049h\x1b[1;1H\x1b[2KFake Claude "));
        assert!(out.contains("\x1b[3;1H\x1b[2Kx"));
        assert!(out.ends_with("\x1b[5;1H\x1b[2K> \x1b[5;3H"));
        screen.leave();
        assert!(screen.take_output().starts_with("\x1b[?1049l"));
    }
}
