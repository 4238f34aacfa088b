//! Key hints as zellij shows them: the key in the accent colour, what it does
//! dimmed, as many as fit, dropping from the right.

use ratatui::style::{Modifier, Style};
use ratatui::text::Span;

use super::text;
use super::theme::Theme;

const GAP: &str = "  ";

/// The spans of the leading `hints` that fit in `max` cells, and their width.
pub(crate) fn fit<K: AsRef<str>, L: AsRef<str>>(
    hints: &[(K, L)],
    max: usize,
    theme: &Theme,
) -> (Vec<Span<'static>>, usize) {
    let key_style = Style::new().fg(theme.accent).add_modifier(Modifier::BOLD);
    let label_style = Style::new().fg(theme.dim);
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, label) in hints {
        let (key, label) = (key.as_ref(), label.as_ref());
        let gap = if spans.is_empty() { 0 } else { GAP.len() };
        let w = gap + text::width(key) + 1 + text::width(label);
        if used + w > max {
            break;
        }
        if gap > 0 {
            spans.push(Span::raw(GAP));
        }
        spans.push(Span::styled(key.to_string(), key_style));
        spans.push(Span::styled(format!(" {label}"), label_style));
        used += w;
    }
    (spans, used)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(max: usize) -> (String, usize) {
        let hints = [("Ctrl-q ?", "help"), ("Ctrl-q c", "new")];
        let (spans, width) = fit(&hints, max, &Theme::default());
        (spans.iter().map(|s| s.content.as_ref()).collect(), width)
    }

    #[test]
    fn hints_drop_from_the_right() {
        assert_eq!(shown(100), ("Ctrl-q ? help  Ctrl-q c new".into(), 27));
        assert_eq!(shown(26), ("Ctrl-q ? help".into(), 13));
        assert_eq!(shown(12), (String::new(), 0));
    }
}
