//! Sessions and rendering for the widgets' tests.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::session::{SessionId, SessionInfo, Status};

/// 2024-05-01 14:10:00 UTC: the tests' "now".
pub const NOW_SECS: u64 = 1_714_572_600;

pub fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

pub fn now() -> SystemTime {
    at(NOW_SECS)
}

/// A session numbered `number` in `dir` and named after it, started 8
/// minutes before now, with an id made from its number so snapshots are
/// stable.
pub fn session(number: usize, dir: &str, status: Status) -> SessionInfo {
    SessionInfo {
        conversation: None,
        crashes: 0,
        restored: false,
        queued: 0,
        paused: false,
        id: SessionId(uuid::Uuid::from_u128(
            0x3f2a_9c1d_0000_4000_8000_0000_0000_0000
                + number as u128 * 0x1111_0000_0000_0000_0000_0000_0000,
        )),
        number,
        name: dir
            .rsplit('/')
            .find(|part| !part.is_empty())
            .unwrap_or(dir)
            .to_string(),
        dir: PathBuf::from(dir),
        status,
        title: String::new(),
        attention: false,
        started: at(NOW_SECS - 8 * 60),
        last_output: None,
        task: None,
        reason: None,
    }
}

/// What drawing with `draw` shows on a `width` x `height` terminal.
pub fn render(width: u16, height: u16, draw: impl FnOnce(Rect, &mut Buffer)) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| draw(frame.area(), frame.buffer_mut()))
        .expect("draw");
    terminal.backend().clone()
}

/// Draws with `draw` at every size up to `max_width` x `max_height`, including
/// zero, and in an area offset from the buffer's origin: none may panic.
pub fn draw_at_every_size(max_width: u16, max_height: u16, draw: impl Fn(Rect, &mut Buffer)) {
    for width in 0..=max_width {
        for height in 0..=max_height {
            let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
            draw(buf.area, &mut buf);
            let offset = Rect::new(2, 1, width, height);
            let mut buf = Buffer::empty(Rect::new(0, 0, width + 2, height + 1));
            draw(offset, &mut buf);
            // An area larger than the buffer must be clipped, not trusted.
            let mut buf = Buffer::empty(Rect::new(0, 0, width / 2, height / 2));
            draw(Rect::new(0, 0, width, height), &mut buf);
        }
    }
}
