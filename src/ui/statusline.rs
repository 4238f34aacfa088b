//! The status line: one row at the bottom about the focused session, with key
//! hints (or a passing message) on the right.

use std::path::Path;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::path::display_path;
use super::theme::Theme;
use super::{hints, status_style, text};
use crate::session::SessionInfo;

const GAP: &str = "  ";

/// ` ● running  api  ~/code/api  3f2a9c1d         Ctrl-q ? help  Ctrl-q c new `
///
/// When narrow, hints go first (from the right), then the id, then the
/// directory shrinks and goes, then the name, then the status word shrinks. A message is
/// what the user just asked for, so it stays longest.
pub struct StatusLine<'a> {
    /// The focused session; `None` when there is none.
    pub session: Option<&'a SessionInfo>,
    /// Shown as `~` in the directory.
    pub home: Option<&'a Path>,
    /// The whole id rather than its first 8 digits.
    pub show_full_id: bool,
    /// (key, what it does), most important first.
    pub hints: &'a [(String, &'a str)],
    /// Shown instead of the hints: "copied id to clipboard".
    pub message: Option<&'a str>,
    pub theme: &'a Theme,
}

impl Widget for StatusLine<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let row = Rect { height: 1, ..area };
        let theme = self.theme;
        buf.set_style(row, Style::new().fg(theme.chrome_fg).bg(theme.chrome_bg));
        // A cell of margin at each edge, as the tab bar's padding gives it.
        let inner = usize::from(row.width.saturating_sub(2));

        let (left, right) = match self.message {
            Some(message) => {
                let message = text::truncate(message, inner);
                let room = inner.saturating_sub(text::width(&message) + GAP.len());
                let right = vec![Span::styled(message, Style::new().fg(theme.accent))];
                (self.session_spans(room), right)
            }
            None => {
                let left = self.session_spans(inner);
                let room = inner.saturating_sub(spans_width(&left) + GAP.len());
                (left, hints::fit(self.hints, room, theme).0)
            }
        };
        let (x, y) = (row.x + 1, row.y);
        buf.set_line(x, y, &Line::from(left), row.width.saturating_sub(1));
        let right_width = u16::try_from(spans_width(&right)).unwrap_or(u16::MAX);
        let right_x = (row.right().saturating_sub(1 + right_width)).max(row.x);
        buf.set_line(right_x, y, &Line::from(right), row.width);
    }
}

impl StatusLine<'_> {
    /// Status, name, directory and id, as many as fit in `room` cells.
    fn session_spans(&self, room: usize) -> Vec<Span<'static>> {
        let Some(session) = self.session else {
            return Vec::new();
        };
        let theme = self.theme;
        let glyph = status_style::glyph(&session.status);
        let word = status_style::describe(session);
        let status_style = Style::new().fg(status_style::color(&session.status, theme));
        let dir = display_path(&session.dir, self.home);
        let shown = session.shown_id();
        let id = if self.show_full_id {
            shown
        } else {
            shown.chars().take(8).collect()
        };

        let status_width = text::width(glyph) + 1 + text::width(&word);
        let name_width = GAP.len() + text::width(&session.name);
        let dir_width = GAP.len() + text::width(&dir);
        let id_width = GAP.len() + text::width(&id);
        let status = |word: &str| Span::styled(format!("{glyph} {word}"), status_style);
        let name = |name: String| {
            let style = Style::new()
                .fg(theme.chrome_fg)
                .add_modifier(Modifier::BOLD);
            Span::styled(format!("{GAP}{name}"), style)
        };
        let dir_span =
            |dir: String| Span::styled(format!("{GAP}{dir}"), Style::new().fg(theme.chrome_fg));
        let named = status_width + name_width;

        if named + dir_width + id_width <= room {
            vec![
                status(&word),
                name(session.name.clone()),
                dir_span(dir),
                Span::styled(format!("{GAP}{id}"), Style::new().fg(theme.dim)),
            ]
        } else if named + dir_width <= room {
            vec![status(&word), name(session.name.clone()), dir_span(dir)]
        } else {
            // A directory or name cut to fewer cells than these says too little to keep.
            const MIN_DIR: usize = 6;
            const MIN_NAME: usize = 4;
            let dir_room = room.saturating_sub(named + GAP.len());
            let name_room = room.saturating_sub(status_width + GAP.len());
            if dir_room >= MIN_DIR {
                vec![
                    status(&word),
                    name(session.name.clone()),
                    dir_span(text::truncate_start(&dir, dir_room)),
                ]
            } else if name_room >= text::width(&session.name).min(MIN_NAME) {
                vec![
                    status(&word),
                    name(text::truncate(&session.name, name_room)),
                ]
            } else if room > text::width(glyph) + 1 {
                let word_room = room - text::width(glyph) - 1;
                vec![status(&text::truncate(&word, word_room))]
            } else if room >= text::width(glyph) {
                vec![Span::styled(glyph, status_style)]
            } else {
                Vec::new()
            }
        }
    }
}

fn spans_width(spans: &[Span]) -> usize {
    spans.iter().map(|span| text::width(&span.content)).sum()
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::*;
    use crate::session::Status;
    use crate::ui::fixtures::{draw_at_every_size, render, session};

    fn hints() -> Vec<(String, &'static str)> {
        [
            ("Ctrl-q ?", "help"),
            ("Ctrl-q c", "new"),
            ("Ctrl-q s", "sessions"),
            ("Alt-1..9", "tab"),
        ]
        .map(|(key, label)| (key.to_string(), label))
        .to_vec()
    }

    fn line(
        width: u16,
        session: Option<&SessionInfo>,
        full_id: bool,
        message: Option<&str>,
    ) -> String {
        let theme = Theme::default();
        let hints = hints();
        render(width, 1, |area, buf| {
            StatusLine {
                session,
                home: Some(Path::new("/home/al")),
                show_full_id: full_id,
                hints: &hints,
                message,
                theme: &theme,
            }
            .render(area, buf)
        })
        .to_string()
    }

    #[test]
    fn wide_shows_everything() {
        let s = session(1, "/home/al/code/api", Status::Idle);
        assert_snapshot!(line(100, Some(&s), false, None));
    }

    #[test]
    fn narrowing_drops_hints_then_id_then_directory_then_name() {
        let mut s = session(1, "/home/al/code/api", Status::Busy);
        s.name = "api-server".into();
        let shown: Vec<String> = [80, 60, 42, 34, 28, 22, 16, 13, 8, 3, 1]
            .into_iter()
            .map(|w| line(w, Some(&s), false, None))
            .collect();
        assert_snapshot!(shown.join(""));
    }

    #[test]
    fn full_id_and_failure_reason() {
        let s = session(
            2,
            "/srv/ops",
            Status::Failed("claude: command not found".into()),
        );
        assert_snapshot!(line(100, Some(&s), true, None));
    }

    #[test]
    fn a_message_replaces_the_hints_and_stays_longest() {
        let s = session(1, "/home/al/code/api", Status::Exited(0));
        let msg = Some("scrollback: 12/340 lines — Esc to leave");
        let shown: Vec<String> = [100, 60, 30, 8]
            .into_iter()
            .map(|w| line(w, Some(&s), false, msg))
            .collect();
        assert_snapshot!(shown.join(""));
    }

    #[test]
    fn without_a_session_only_hints_show() {
        assert_snapshot!(line(60, None, false, None));
    }

    #[test]
    fn the_status_is_coloured() {
        let theme = Theme::default();
        let s = session(1, "/home/al/code/api", Status::Waiting);
        let hints = hints();
        let backend = render(80, 1, |area, buf| {
            StatusLine {
                session: Some(&s),
                home: None,
                show_full_id: false,
                hints: &hints,
                message: None,
                theme: &theme,
            }
            .render(area, buf)
        });
        assert_eq!(backend.buffer()[(1, 0)].symbol(), "◆");
        assert_eq!(backend.buffer()[(1, 0)].fg, theme.waiting);
    }

    #[test]
    fn never_panics() {
        let theme = Theme::default();
        let s = session(
            1,
            "/home/al/code/api",
            Status::Failed("a long reason why".into()),
        );
        let hints = hints();
        for message in [None, Some("copied id to clipboard")] {
            draw_at_every_size(60, 2, |area, buf| {
                StatusLine {
                    session: Some(&s),
                    home: None,
                    show_full_id: true,
                    hints: &hints,
                    message,
                    theme: &theme,
                }
                .render(area, buf)
            });
        }
    }
}
