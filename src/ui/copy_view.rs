//! Copy mode drawn over a session's screen: the selection and the search's
//! matches, and the search prompt in the status line.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::text;
use super::theme::Theme;
use crate::copy::{Direction, Marks, Pos};

/// tmux's default colours for the same things (`copy-mode-match-style`,
/// `copy-mode-current-match-style`, `mode-style`), so they read the same.
const MATCH: Style = mark(Color::Cyan);
const CURRENT: Style = mark(Color::Magenta);
const SELECTED: Style = mark(Color::Yellow);

const fn mark(bg: Color) -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(bg)
        .remove_modifier(Modifier::REVERSED)
}

/// Colours the cells of `marks` in `area`, whose top row shows line `top`:
/// the matches, the one the cursor is on, then the selection over them.
pub fn paint_marks(buf: &mut Buffer, area: Rect, top: u64, marks: &Marks) {
    for m in &marks.matches {
        paint(buf, area, top, (m.start, m.end), MATCH);
    }
    if let Some(m) = marks.current {
        paint(buf, area, top, (m.start, m.end), CURRENT);
    }
    if let Some(s) = marks.selection {
        paint(buf, area, top, (s.start, s.end), SELECTED);
    }
}

/// Styles the cells from `start` to `end` (both included, running on from
/// the end of one row to the start of the next) that `area` shows.
fn paint(buf: &mut Buffer, area: Rect, top: u64, (start, end): (Pos, Pos), style: Style) {
    let area = area.intersection(buf.area);
    let bottom = top + u64::from(area.height);
    for line in start.line.max(top)..=end.line.min(bottom.saturating_sub(1)) {
        let from = if line == start.line { start.col } else { 0 };
        let to = if line == end.line {
            end.col.min(area.width.saturating_sub(1))
        } else {
            area.width.saturating_sub(1)
        };
        let y = area.y + u16::try_from(line - top).unwrap_or(0);
        for col in from..=to {
            if let Some(cell) = buf.cell_mut(Position::new(area.x + col, y)) {
                cell.set_style(style);
            }
        }
    }
}

/// The search prompt over the status line: which way, what is typed, and
/// whether it is found. Returns where the terminal's cursor goes (after the
/// text), if it fits.
pub fn render_search_prompt(
    area: Rect,
    buf: &mut Buffer,
    (direction, typed, found): (Direction, &str, bool),
    theme: &Theme,
) -> Option<Position> {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return None;
    }
    let row = Rect { height: 1, ..area };
    buf.set_style(row, Style::new().fg(theme.chrome_fg).bg(theme.chrome_bg));
    for x in row.left()..row.right() {
        if let Some(cell) = buf.cell_mut(Position::new(x, row.y)) {
            cell.set_symbol(" ");
        }
    }
    let label = match direction {
        Direction::Forward => "search down: ",
        Direction::Backward => "search up: ",
    };
    let room = usize::from(row.width.saturating_sub(2));
    // The end of what is typed is what the user looks at: keep it in view.
    let shown = text::truncate_start(typed, room.saturating_sub(text::width(label) + 1));
    let mut spans = vec![
        Span::styled(label, Style::new().fg(theme.accent)),
        Span::raw(shown.clone()),
    ];
    if !found {
        spans.push(Span::styled("  no match", Style::new().fg(theme.dim)));
    }
    buf.set_line(
        row.x + 1,
        row.y,
        &Line::from(spans),
        row.width.saturating_sub(1),
    );
    let x = row.x + 1 + text::cells(text::width(label) + text::width(&shown));
    (x < row.right()).then_some(Position::new(x, row.y))
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU16;

    use insta::assert_snapshot;
    use ratatui::widgets::Widget;

    use super::*;
    use crate::copy::{CopyMode, History};
    use crate::ui::screen_view::ScreenView;

    fn parser(text: &str) -> vt100::Parser {
        let nz = |n| NonZeroU16::new(n).expect("not zero");
        let mut parser = vt100::Parser::new(nz(6), nz(24), 100);
        parser.process(text.replace('\n', "\r\n").as_bytes());
        parser
    }

    fn keys(mode: &mut CopyMode, h: &History, keys: &str) {
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        for c in keys.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                c => KeyCode::Char(c),
            };
            mode.key(&KeyEvent::new(code, KeyModifiers::NONE), h);
        }
    }

    /// The session's screen in copy mode, as the App draws it: the view at
    /// its offset, the marks over it, and the status row.
    fn draw(mode: &mut CopyMode, h: &History, screen: &vt100::Screen) -> Buffer {
        let theme = Theme::default();
        let mut buf = Buffer::empty(Rect::new(0, 0, 24, 7));
        let body = Rect::new(0, 0, 24, 6);
        ScreenView::new(screen)
            .scrolled(h.offset_of(mode.top()))
            .render(body, &mut buf);
        paint_marks(&mut buf, body, mode.top(), &mode.marks(h));
        if let Some(prompt) = mode.prompt() {
            render_search_prompt(Rect::new(0, 6, 24, 1), &mut buf, prompt, &theme);
        }
        buf
    }

    const LOG: &str = "build: ok\ntest alpha: ok\ntest beta: FAILED\n\
                       test gamma: ok\nsummary: 1 test failed\nexit 1";

    #[test]
    fn matches_and_the_current_one() {
        let p = parser(LOG);
        let h = History::new(p.screen(), 0);
        let mut mode = CopyMode::new(&h, h.cursor());
        keys(&mut mode, &h, "?test\nn");
        assert_snapshot!(format!("{:?}", draw(&mut mode, &h, p.screen())));
    }

    #[test]
    fn a_selection_over_two_lines() {
        let p = parser(LOG);
        let h = History::new(p.screen(), 0);
        let mut mode = CopyMode::new(&h, h.cursor());
        keys(&mut mode, &h, "kkkwvj$");
        assert_snapshot!(format!("{:?}", draw(&mut mode, &h, p.screen())));
    }

    #[test]
    fn the_prompt_searches_as_typed() {
        let p = parser(LOG);
        let h = History::new(p.screen(), 0);
        let mut mode = CopyMode::new(&h, h.cursor());
        keys(&mut mode, &h, "?ok");
        assert_snapshot!(format!("{:?}", draw(&mut mode, &h, p.screen())));
        keys(&mut mode, &h, "z");
        let buf = draw(&mut mode, &h, p.screen());
        let status: String = (0..24).map(|x| buf[(x, 6)].symbol()).collect();
        assert_eq!(status, " search up: okz  no matc");
    }

    #[test]
    fn a_long_query_shows_its_end_and_the_cursor_after_it() {
        let theme = Theme::default();
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 1));
        let typed = "a very long query indeed";
        let at = render_search_prompt(
            buf.area,
            &mut buf,
            (Direction::Forward, typed, true),
            &theme,
        );
        let row: String = (0..20).map(|x| buf[(x, 0)].symbol()).collect();
        assert_eq!(row, " search down: …eed  ");
        assert_eq!(at, Some(Position::new(18, 0)));
    }
}
