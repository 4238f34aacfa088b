//! A client's screen as the server draws it: ratatui over a crossterm
//! backend that writes into a buffer, so each frame is exactly the bytes a
//! local terminal would get (ratatui's diff, cursor moves, colours), sent to
//! the client as one output frame.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Frame, Terminal, TerminalOptions, Viewport};

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
    terminal: Terminal<CrosstermBackend<Sink>>,
    sink: Sink,
    /// The client's terminal may show anything (just attached, resized, or
    /// frames were dropped): the next frame clears it and draws everything.
    fresh: bool,
}

impl ClientScreen {
    /// A screen of `size` (columns, rows).
    pub fn new(size: (u16, u16)) -> io::Result<ClientScreen> {
        let sink = Sink::default();
        let area = Rect::new(0, 0, size.0.max(1), size.1.max(1));
        let terminal = Terminal::with_options(
            CrosstermBackend::new(sink.clone()),
            TerminalOptions {
                // Fixed: ratatui never asks the (absent) terminal its size.
                viewport: Viewport::Fixed(area),
            },
        )?;
        Ok(ClientScreen {
            terminal,
            sink,
            fresh: true,
        })
    }

    /// Forgets what the client shows: the next frame is drawn whole.
    pub fn invalidate(&mut self) -> io::Result<()> {
        let size = self.terminal.get_frame().area();
        self.resize((size.width, size.height))
    }

    /// The client's terminal is now `size` (columns, rows): the next frame
    /// is drawn whole at that size.
    pub fn resize(&mut self, size: (u16, u16)) -> io::Result<()> {
        *self = ClientScreen::new(size)?;
        Ok(())
    }

    /// Draws a frame and returns its bytes.
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame)) -> io::Result<Vec<u8>> {
        if std::mem::take(&mut self.fresh) {
            // Attributes off, home, clear: nothing of what was there stays.
            self.sink
                .0
                .borrow_mut()
                .extend_from_slice(b"\x1b[0m\x1b[H\x1b[2J");
        }
        self.terminal.draw(render)?;
        Ok(std::mem::take(&mut *self.sink.0.borrow_mut()))
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
