//! A session's queue view: the prompts waiting for it, next first, each on
//! its first line (`+3 lines` when it has more), under a line saying what
//! the session is doing and whether its queue is held.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::popup::{centered, frame};
use super::theme::Theme;
use super::{hints, queue_keys, status_style, text};
use crate::session::SessionInfo;

pub struct QueueList<'a> {
    pub session: &'a SessionInfo,
    /// The prompts' texts, next first.
    pub prompts: &'a [String],
    /// Index into `prompts`; kept on screen by scrolling.
    pub selected: usize,
    pub theme: &'a Theme,
}

impl QueueList<'_> {
    /// Draws the popup centred in `area`.
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = self.theme;
        let session = self.session;
        let width = area.width.saturating_sub(8).clamp(30, 100);
        // Border, the session's line, a blank, the rows (at least one).
        let height = text::cells(self.prompts.len().max(1) + 4);
        let rect = centered(
            area,
            width,
            height.min(area.height.saturating_sub(2)).max(3),
        );
        let footer = queue_keys::footer(session.paused);
        let (footer, _) = hints::fit(&footer, usize::from(rect.width.saturating_sub(4)), theme);
        let title = format!("Queue of {}", session.name);
        let inner = frame(rect, buf, &title, footer, theme);
        if inner.is_empty() {
            return;
        }
        let inner = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            ..inner
        };
        buf.set_line(inner.x, inner.y, &self.summary(), inner.width);
        let gap = u16::from(inner.height > 2);
        let list = Rect {
            y: inner.y + 1 + gap,
            height: inner.height.saturating_sub(1 + gap),
            ..inner
        };
        if list.is_empty() {
            return;
        }
        if self.prompts.is_empty() {
            let line = Line::styled("No prompt waits. m writes one.", Style::new().fg(theme.dim));
            buf.set_line(list.x, list.y, &line, list.width);
            return;
        }
        let number_width = text::width(&self.prompts.len().to_string());
        let shown = usize::from(list.height);
        let selected = self.selected.min(self.prompts.len() - 1);
        let first = (selected + 1).saturating_sub(shown);
        for (i, prompt) in self.prompts.iter().enumerate().skip(first).take(shown) {
            let y = list.y + text::cells(i - first);
            let row = Rect::new(list.x, y, list.width, 1);
            if i == selected {
                buf.set_style(row, Style::new().fg(Color::Black).bg(theme.accent));
            }
            let line = self.row(
                i,
                prompt,
                number_width,
                usize::from(list.width),
                i == selected,
            );
            buf.set_line(row.x, row.y, &line, row.width);
        }
    }

    /// `◐ busy · 3 waiting · the next goes in when idle`.
    fn summary(&self) -> Line<'static> {
        let theme = self.theme;
        let session = self.session;
        let status = &session.status;
        let mut spans = vec![Span::styled(
            format!(
                "{} {}",
                status_style::glyph(status),
                status_style::describe(session)
            ),
            Style::new().fg(status_style::color(status, theme)),
        )];
        let dim = Style::new().fg(theme.dim);
        let n = self.prompts.len();
        if n > 0 {
            spans.push(Span::styled(format!(" · {n} waiting"), dim));
        }
        if session.paused {
            spans.push(Span::styled(" · ", dim));
            spans.push(Span::styled("paused", Style::new().fg(theme.waiting)));
            spans.push(Span::styled(": p resumes", dim));
        } else if n > 0 {
            spans.push(Span::styled(" · the next goes in when idle", dim));
        }
        Line::from(spans)
    }

    /// ` 2  Then run the whole suite (+3 lines)`.
    fn row(
        &self,
        i: usize,
        prompt: &str,
        number_width: usize,
        room: usize,
        selected: bool,
    ) -> Line<'static> {
        let theme = self.theme;
        // On the accent, colours would be lost: the text says it anyway.
        let styled = |style: Style| {
            if selected {
                Style::new().fg(Color::Black).bg(theme.accent)
            } else {
                style
            }
        };
        let number = format!("{:>number_width$}  ", i + 1);
        let mut lines = prompt.lines();
        let first = lines.next().unwrap_or("");
        let more = lines.count();
        let more = match more {
            0 => String::new(),
            1 => " (+1 line)".to_string(),
            n => format!(" (+{n} lines)"),
        };
        let room = room.saturating_sub(text::width(&number) + text::width(&more));
        Line::from(vec![
            Span::styled(number, styled(Style::new().fg(theme.dim))),
            Span::styled(
                text::truncate(first, room),
                styled(Style::new().fg(theme.chrome_fg)),
            ),
            Span::styled(more, styled(Style::new().fg(theme.dim))),
        ])
    }
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::*;
    use crate::session::Status;
    use crate::ui::fixtures::{draw_at_every_size, render, session};

    fn prompts() -> Vec<String> {
        vec![
            "Fix the flaky login test".into(),
            "Then run the whole suite\nand tell me what still fails\nwith the logs".into(),
            "Write the release notes for 0.2, listing every user-visible change since 0.1".into(),
        ]
    }

    fn draw(
        width: u16,
        height: u16,
        info: &SessionInfo,
        prompts: &[String],
        selected: usize,
    ) -> String {
        let theme = Theme::default();
        render(width, height, |area, buf| {
            QueueList {
                session: info,
                prompts,
                selected,
                theme: &theme,
            }
            .render(area, buf)
        })
        .to_string()
    }

    #[test]
    fn prompts_next_first_with_what_the_session_does() {
        let mut api = session(1, "/home/al/code/api", Status::Busy);
        api.queued = 3;
        assert_snapshot!(draw(70, 10, &api, &prompts(), 1));
    }

    #[test]
    fn a_paused_queue_says_so_and_p_resumes() {
        let mut api = session(1, "/home/al/code/api", Status::Idle);
        api.queued = 3;
        api.paused = true;
        assert_snapshot!(draw(50, 8, &api, &prompts(), 2));
    }

    #[test]
    fn an_empty_queue_says_how_to_fill_it() {
        let api = session(1, "/home/al/code/api", Status::Idle);
        assert_snapshot!(draw(50, 7, &api, &[], 0));
    }

    #[test]
    fn the_selected_prompt_is_highlighted() {
        let theme = Theme::default();
        let api = session(1, "/home/al/code/api", Status::Idle);
        let prompts = prompts();
        let backend = render(60, 10, |area, buf| {
            QueueList {
                session: &api,
                prompts: &prompts,
                selected: 1,
                theme: &theme,
            }
            .render(area, buf)
        });
        let buf = backend.buffer();
        let row_of = |needle: &str| {
            (0..10)
                .find(|&y| {
                    (0..60)
                        .map(|x| buf[(x, y)].symbol())
                        .collect::<String>()
                        .contains(needle)
                })
                .expect("shown")
        };
        assert_eq!(buf[(20, row_of("whole suite"))].bg, theme.accent);
        assert_ne!(buf[(20, row_of("flaky"))].bg, theme.accent);
    }

    #[test]
    fn never_panics() {
        let theme = Theme::default();
        let api = session(1, "/x", Status::Busy);
        let all = prompts();
        for (prompts, selected) in [(&all[..], 0), (&all[..], 99), (&[][..], 0)] {
            draw_at_every_size(40, 12, |area, buf| {
                QueueList {
                    session: &api,
                    prompts,
                    selected,
                    theme: &theme,
                }
                .render(area, buf)
            });
        }
    }
}
