//! The help overlay: every key binding in a box over the screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;

use super::popup::{centered, frame};
use super::text;
use super::theme::Theme;

/// Between a key and what it does.
const KEY_GAP: usize = 2;
/// Between the two columns.
const COLUMN_GAP: usize = 4;
/// Past this many bindings one column is a long read, so two are used if they fit.
const LONG_LIST: usize = 12;

/// Draws the bindings (key label, description) in a centred box, in two
/// columns when the list is long or one column would not fit the height.
pub fn render_help(
    area: Rect,
    buf: &mut Buffer,
    title: &str,
    bindings: &[(String, String)],
    theme: &Theme,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let key_width = bindings
        .iter()
        .map(|(k, _)| text::width(k))
        .max()
        .unwrap_or(0);
    let desc_width = bindings
        .iter()
        .map(|(_, d)| text::width(d))
        .max()
        .unwrap_or(0);
    let entry_width = key_width + KEY_GAP + desc_width;
    // Border and padding: a cell each side, a row above and below.
    let frame_width = 4;
    let frame_height = 4;
    let n = bindings.len();
    let room_height = usize::from(area.height).saturating_sub(frame_height);
    let two_fit = 2 * entry_width + COLUMN_GAP + frame_width <= usize::from(area.width);
    let columns = if n > 1 && (n > LONG_LIST || n > room_height) && two_fit {
        2
    } else {
        1
    };
    let rows = n.div_ceil(columns);
    let footer = vec![
        Span::styled(
            "Esc",
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ),
        Span::styled(" to close", Style::new().fg(theme.dim)),
    ];
    let width = (columns * entry_width + (columns - 1) * COLUMN_GAP)
        .max(text::width(title) + 2)
        .max(12)
        + frame_width;
    let rect = centered(area, text::cells(width), text::cells(rows + frame_height));
    let inner = frame(rect, buf, title, footer, theme);

    // Padding only where there is room to spare for it.
    let pad_x = u16::from(usize::from(inner.width) > columns * entry_width);
    let pad_y = u16::from(usize::from(inner.height) >= rows + 2);
    let content = Rect {
        x: inner.x + pad_x,
        y: inner.y + pad_y,
        width: inner.width.saturating_sub(2 * pad_x),
        height: inner.height.saturating_sub(2 * pad_y),
    };
    if content.is_empty() {
        return;
    }
    let visible_rows = rows.min(usize::from(content.height));
    let slots = visible_rows * columns;
    let column_width =
        (usize::from(content.width).saturating_sub((columns - 1) * COLUMN_GAP)) / columns;
    let key_style = Style::new().fg(theme.accent).add_modifier(Modifier::BOLD);
    let desc_style = Style::new().fg(theme.chrome_fg);
    for slot in 0..slots {
        // Down the first column, then the second, as a reader goes.
        let (column, row) = (slot / visible_rows, slot % visible_rows);
        let x = usize::from(content.x) + column * (column_width + COLUMN_GAP);
        let y = content.y + text::cells(row);
        if slot + 1 == slots && n > slots {
            let more = format!("… {} more", n - slots + 1);
            buf.set_stringn(
                text::cells(x),
                y,
                more,
                column_width,
                Style::new().fg(theme.dim),
            );
            break;
        }
        let Some((key, desc)) = bindings.get(slot) else {
            break;
        };
        let key = text::truncate(key, column_width.min(key_width));
        buf.set_stringn(text::cells(x), y, &key, column_width, key_style);
        let desc_x = key_width + KEY_GAP;
        if let Some(room) = column_width.checked_sub(desc_x).filter(|&r| r > 0) {
            let desc = text::truncate(desc, room);
            buf.set_stringn(text::cells(x + desc_x), y, desc, room, desc_style);
        }
    }
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::*;
    use crate::ui::fixtures::{draw_at_every_size, render};

    fn bindings(n: usize) -> Vec<(String, String)> {
        let all = [
            ("Ctrl-q ?", "show this help"),
            ("Ctrl-q c", "new session in a directory"),
            ("Ctrl-q s", "session table"),
            ("Ctrl-q n", "next tab"),
            ("Ctrl-q p", "previous tab"),
            ("Alt-1..9", "go to tab"),
            ("Ctrl-q x", "stop session"),
            ("Ctrl-q [", "scroll back"),
            ("Ctrl-q i", "show and copy session id"),
            ("Ctrl-q a", "go to session that needs you"),
            ("Ctrl-q Ctrl-q", "send Ctrl-q"),
            ("Ctrl-q d", "quit (sessions keep running)"),
            ("Ctrl-q r", "restart session"),
            ("Ctrl-q l", "redraw"),
        ];
        all.iter()
            .take(n)
            .map(|(k, d)| (k.to_string(), d.to_string()))
            .collect()
    }

    fn help(width: u16, height: u16, n: usize) -> String {
        let theme = Theme::default();
        let bindings = bindings(n);
        render(width, height, |area, buf| {
            render_help(area, buf, "ccmux — keys", &bindings, &theme)
        })
        .to_string()
    }

    #[test]
    fn short_list_in_one_column() {
        assert_snapshot!(help(70, 16, 6));
    }

    #[test]
    fn long_list_in_two_columns() {
        assert_snapshot!(help(100, 16, 14));
    }

    #[test]
    fn too_short_for_all_says_how_many_more() {
        assert_snapshot!(help(50, 8, 14));
    }

    #[test]
    fn tiny() {
        assert_snapshot!(help(12, 5, 14));
    }

    #[test]
    fn never_panics() {
        let theme = Theme::default();
        for n in [0, 1, 14] {
            let bindings = bindings(n);
            draw_at_every_size(40, 12, |area, buf| {
                render_help(area, buf, "ccmux — keys", &bindings, &theme)
            });
        }
    }
}
