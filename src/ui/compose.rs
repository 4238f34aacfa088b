//! The popup a prompt is written in: who it goes to on top, the text (as
//! the editor laid it out) with a block where the cursor is, and the keys
//! that submit it, start a new line and cancel in the footer.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::popup::{centered, frame};
use super::theme::Theme;
use super::{hints, text};

/// Rows of text shown even when the prompt has fewer: it is a box to write in.
const MIN_ROWS: usize = 3;
/// The frame and a cell of padding each side.
const SIDES: u16 = 4;

pub struct ComposeView<'a> {
    pub title: &'a str,
    /// Who it goes to and what becomes of it, dimmed.
    pub to: &'a str,
    /// The text's rows, wrapped at `text_width(area) - 1`.
    pub rows: &'a [String],
    /// Row and column (cells) of the cursor in `rows`.
    pub cursor: (usize, usize),
    /// What Enter does: `send`, `save`.
    pub submit: &'a str,
    pub theme: &'a Theme,
}

/// The popup's width in `area`.
fn popup_width(area: Rect) -> u16 {
    area.width.saturating_sub(8).clamp(30, 100).min(area.width)
}

/// How many cells wide the text is shown in a popup drawn in `area`, the
/// cursor's cell included: wrap the text one cell narrower.
pub fn text_width(area: Rect) -> usize {
    usize::from(popup_width(area).saturating_sub(SIDES))
}

impl ComposeView<'_> {
    /// Draws the popup centred in `area`.
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = self.theme;
        // Border, who it goes to, a blank, the text.
        let height = text::cells(self.rows.len().max(MIN_ROWS) + 4);
        let rect = centered(
            area,
            popup_width(area),
            height.min(area.height.saturating_sub(2)).max(3),
        );
        // Ctrl-J makes a new line in every terminal; Alt-Enter, Shift-Enter
        // and `\` Enter do too where they can (see `app::editor`).
        let footer = [
            ("Enter", self.submit),
            ("Ctrl-J", "new line"),
            ("Esc", "cancel"),
        ];
        let (footer, _) = hints::fit(&footer, usize::from(rect.width.saturating_sub(4)), theme);
        let inner = frame(rect, buf, self.title, footer, theme);
        let inner = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            ..inner
        };
        if inner.is_empty() {
            return;
        }
        let dim = Style::new().fg(theme.dim);
        let to = text::truncate(self.to, usize::from(inner.width));
        buf.set_line(inner.x, inner.y, &Line::styled(to, dim), inner.width);
        let gap = u16::from(inner.height > 2);
        let body = Rect {
            y: inner.y + 1 + gap,
            height: inner.height.saturating_sub(1 + gap),
            ..inner
        };
        if body.is_empty() {
            return;
        }
        let shown = usize::from(body.height);
        let (row, col) = self.cursor;
        let first = (row + 1).saturating_sub(shown);
        let style = Style::new().fg(theme.chrome_fg);
        for (i, line) in self.rows.iter().enumerate().skip(first).take(shown) {
            let y = body.y + text::cells(i - first);
            buf.set_stringn(body.x, y, line, usize::from(body.width), style);
        }
        let (x, y) = (body.x + text::cells(col), body.y + text::cells(row - first));
        if x < body.right() && y < body.bottom() {
            let cursor = Style::new().add_modifier(Modifier::REVERSED);
            buf.set_style(Rect::new(x, y, 1, 1), cursor);
            if self.rows.iter().all(|r| r.is_empty()) {
                let hint = Span::styled(" type the prompt", dim);
                buf.set_span(x + 1, y, &hint, body.right() - x - 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::*;
    use crate::ui::fixtures::{draw_at_every_size, render};

    fn compose(width: u16, height: u16, rows: &[&str], cursor: (usize, usize)) -> String {
        let theme = Theme::default();
        let rows: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
        render(width, height, |area, buf| {
            ComposeView {
                title: "Prompt for api",
                to: "api · busy: it waits behind 2",
                rows: &rows,
                cursor,
                submit: "send",
                theme: &theme,
            }
            .render(area, buf)
        })
        .to_string()
    }

    #[test]
    fn who_it_goes_to_the_text_and_the_keys() {
        let rows = ["Fix the flaky login test, then ", "run the suite", ""];
        assert_snapshot!(compose(60, 12, &rows, (2, 0)));
    }

    #[test]
    fn empty_says_what_to_type() {
        assert_snapshot!(compose(50, 9, &[""], (0, 0)));
    }

    #[test]
    fn long_text_scrolls_to_the_cursor() {
        let rows: Vec<String> = (1..=20).map(|i| format!("line {i}")).collect();
        let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
        assert_snapshot!(compose(40, 10, &rows, (14, 7)));
    }

    #[test]
    fn the_cursor_block_is_where_the_editor_says() {
        let theme = Theme::default();
        let rows = vec!["abc".to_string(), "de".to_string()];
        let backend = render(40, 10, |area, buf| {
            ComposeView {
                title: "t",
                to: "",
                rows: &rows,
                cursor: (1, 2),
                submit: "send",
                theme: &theme,
            }
            .render(area, buf)
        });
        let buf = backend.buffer();
        let reversed: Vec<(u16, u16)> = (0..10)
            .flat_map(|y| (0..40).map(move |x| (x, y)))
            .filter(|&(x, y)| buf[(x, y)].modifier.contains(Modifier::REVERSED))
            .collect();
        assert_eq!(reversed.len(), 1);
        let (x, y) = reversed[0];
        assert_eq!(buf[(x - 2, y)].symbol(), "d");
        assert_eq!(text_width(Rect::new(0, 0, 40, 10)), 28);
    }

    #[test]
    fn never_panics() {
        let theme = Theme::default();
        let rows = vec!["a row of text".to_string(); 9];
        for cursor in [(0, 0), (8, 13), (8, 99), (99, 0)] {
            draw_at_every_size(40, 14, |area, buf| {
                ComposeView {
                    title: "Prompt for 3 sessions",
                    to: "api, web, cli",
                    rows: &rows,
                    cursor: (cursor.0.min(8), cursor.1),
                    submit: "send",
                    theme: &theme,
                }
                .render(area, buf)
            });
        }
    }
}
