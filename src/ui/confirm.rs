//! The confirm dialog: a question in a small box, answered with y or n.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;

use super::popup::{centered, frame};
use super::text;
use super::theme::Theme;

/// Messages wider than this are wrapped; a dialog reads best narrow.
const MAX_TEXT_WIDTH: usize = 48;

/// Draws `message` under `title` in a centred box, with the keys that answer.
pub fn render_confirm(area: Rect, buf: &mut Buffer, title: &str, message: &str, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let key = Style::new().fg(theme.accent).add_modifier(Modifier::BOLD);
    let dim = Style::new().fg(theme.dim);
    let footer = vec![
        Span::styled("y", key),
        Span::styled(" yes · ", dim),
        Span::styled("n/Esc", key),
        Span::styled(" no", dim),
    ];
    let footer_width: usize = footer.iter().map(|s| text::width(&s.content)).sum();
    // Border and padding: two cells each side, a row above and below.
    let (frame_width, frame_height) = (6, 4);
    let text_width = text::width(message)
        .max(text::width(title) + 2)
        .max(footer_width)
        .min(MAX_TEXT_WIDTH)
        .min(usize::from(area.width).saturating_sub(frame_width))
        .max(1);
    let lines = text::wrap(message, text_width);
    let rect = centered(
        area,
        text::cells(text_width + frame_width),
        text::cells(lines.len() + frame_height),
    );
    let inner = frame(rect, buf, title, footer, theme);

    let pad_y = u16::from(usize::from(inner.height) >= lines.len() + 2);
    let content = Rect {
        y: inner.y + pad_y,
        height: inner.height.saturating_sub(2 * pad_y),
        ..inner
    };
    // The lines are centred as a block: a ragged centred paragraph is hard to read.
    let block_width = lines
        .iter()
        .map(|line| text::width(line))
        .max()
        .unwrap_or(0);
    let offset = usize::from(content.width).saturating_sub(block_width) / 2;
    let x = content.x + text::cells(offset);
    let style = Style::new().fg(theme.chrome_fg);
    for (line, y) in lines.iter().zip(content.top()..content.bottom()) {
        buf.set_stringn(x, y, line, usize::from(content.width), style);
    }
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::*;
    use crate::ui::fixtures::{draw_at_every_size, render};

    fn confirm(width: u16, height: u16, message: &str) -> String {
        let theme = Theme::default();
        render(width, height, |area, buf| {
            render_confirm(area, buf, "Stop session?", message, &theme)
        })
        .to_string()
    }

    #[test]
    fn short_message() {
        assert_snapshot!(confirm(60, 9, "Stop 2 ~/code/web?"));
    }

    #[test]
    fn long_message_wraps() {
        let message = "Stop 2 ~/code/web? Claude Code is still working on a task there; \
                       its conversation can be resumed later.";
        assert_snapshot!(confirm(70, 12, message));
    }

    #[test]
    fn tiny() {
        assert_snapshot!(confirm(14, 4, "Stop 2 ~/code/web?"));
    }

    #[test]
    fn never_panics() {
        let theme = Theme::default();
        draw_at_every_size(40, 10, |area, buf| {
            render_confirm(area, buf, "Quit ccmux?", "Sessions keep running.", &theme)
        });
        draw_at_every_size(10, 5, |area, buf| render_confirm(area, buf, "", "", &theme));
    }
}
