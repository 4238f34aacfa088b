//! What the help overlay and the confirm dialog share: a framed box centred
//! over whatever is below it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use super::text;
use super::theme::Theme;

/// A `width` x `height` rectangle centred in `area`, shrunk to fit it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Clears `rect`, frames it with `title` on the top border and `footer` (spans,
/// so keys can be coloured) on the bottom one, and returns the inside.
pub(crate) fn frame(
    rect: Rect,
    buf: &mut Buffer,
    title: &str,
    footer: Vec<Span<'static>>,
    theme: &Theme,
) -> Rect {
    let rect = rect.intersection(buf.area);
    Clear.render(rect, buf);
    // Border titles get the width between the corners, less a space each side.
    let room = usize::from(rect.width.saturating_sub(4));
    let title = text::truncate(title, room);
    let footer_width: usize = footer.iter().map(|span| text::width(&span.content)).sum();
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(theme.accent))
        .style(Style::new().fg(theme.chrome_fg).bg(theme.chrome_bg))
        .title(
            Line::from(format!(" {title} "))
                .style(Style::new().add_modifier(Modifier::BOLD))
                .centered(),
        );
    let block = if footer_width <= room {
        let mut spans = vec![Span::raw(" ")];
        spans.extend(footer);
        spans.push(Span::raw(" "));
        block.title_bottom(Line::from(spans).centered())
    } else {
        block
    };
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centered_is_centred_and_clamped() {
        let area = Rect::new(10, 5, 80, 24);
        assert_eq!(centered(area, 20, 10), Rect::new(40, 12, 20, 10));
        assert_eq!(centered(area, 200, 100), area);
        assert_eq!(centered(area, 0, 0), Rect::new(50, 17, 0, 0));
        assert_eq!(centered(Rect::ZERO, 5, 5), Rect::ZERO);
    }
}
