//! A line being typed, drawn over the status line: `go to tab: 12▏`, the
//! label in the accent colour and a block where the next character goes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

use super::text;
use super::theme::Theme;

/// Draws `label` then `input` in the first row of `area`. When both do not
/// fit, the input keeps its end (where the typing is), then the label is cut.
pub fn render_prompt(area: Rect, buf: &mut Buffer, label: &str, input: &str, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let row = Rect { height: 1, ..area };
    // It takes the whole row: nothing of the status line stays around it.
    Clear.render(row, buf);
    buf.set_style(row, Style::new().fg(theme.chrome_fg).bg(theme.chrome_bg));
    // A cell of margin each side, and one for the cursor block.
    let room = usize::from(row.width.saturating_sub(3));
    let input = text::truncate_start(input, room);
    let label = text::truncate(label, room - text::width(&input));
    let line = Line::from(vec![
        Span::styled(
            label,
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ),
        Span::raw(input),
        Span::styled(" ", Style::new().add_modifier(Modifier::REVERSED)),
    ]);
    let x = row.x + u16::from(row.width > 1);
    buf.set_line(x, row.y, &line, row.right() - x);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::fixtures::{draw_at_every_size, render};

    /// The prompt drawn over a status line.
    fn prompt(width: u16, label: &str, input: &str) -> String {
        let theme = Theme::default();
        render(width, 1, |area, buf| {
            buf.set_string(0, 0, "x".repeat(usize::from(width)), Style::new());
            render_prompt(area, buf, label, input, &theme)
        })
        .to_string()
    }

    #[test]
    fn the_typing_end_stays_in_view() {
        assert_eq!(
            prompt(24, "go to tab: ", "12"),
            "\" go to tab: 12          \"\n"
        );
        assert_eq!(prompt(12, "go to tab: ", "12"), "\" go to …12  \"\n");
        assert_eq!(prompt(8, "rename: ", "api-server"), "\" …rver  \"\n");
    }

    #[test]
    fn the_cursor_block_follows_the_input() {
        let theme = Theme::default();
        let backend = render(20, 1, |area, buf| {
            render_prompt(area, buf, "go to tab: ", "7", &theme)
        });
        let reversed = |x: u16| {
            backend.buffer()[(x, 0)]
                .modifier
                .contains(Modifier::REVERSED)
        };
        assert_eq!((0..20).filter(|&x| reversed(x)).collect::<Vec<_>>(), [13]);
    }

    #[test]
    fn never_panics() {
        let theme = Theme::default();
        draw_at_every_size(30, 2, |area, buf| {
            render_prompt(area, buf, "rename tab: ", "a name that is long", &theme)
        });
    }
}
