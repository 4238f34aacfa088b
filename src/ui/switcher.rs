//! The session switcher's popup: the filter on top, then a row per session,
//! ` 12! ◆ api  waiting: needs permission for Bash`, the name's matched
//! characters in the accent colour.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::popup::{centered, frame};
use super::theme::Theme;
use super::{hints, status_style, text};
use crate::session::SessionInfo;

const TITLE: &str = "Switch session";
/// Names are cut past this, so the reasons keep some room.
const MAX_NAME: usize = 24;

/// One row: the session and the characters of its name to highlight.
pub struct SwitcherRow<'a> {
    pub session: &'a SessionInfo,
    pub matched: &'a [usize],
}

pub struct SwitcherView<'a> {
    pub rows: &'a [SwitcherRow<'a>],
    pub query: &'a str,
    /// Index into `rows`; kept on screen by scrolling.
    pub selected: usize,
    pub theme: &'a Theme,
}

impl SwitcherView<'_> {
    /// Draws the popup centred in `area`.
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = self.theme;
        let footer = [("↑↓", "move"), ("Enter", "go"), ("Esc", "close")];
        let width = area.width.saturating_sub(8).clamp(30, 80);
        // Border, filter line, rows (at least one, for "no match").
        let height = text::cells(self.rows.len().max(1) + 3);
        let rect = centered(
            area,
            width,
            height.min(area.height.saturating_sub(2)).max(3),
        );
        let (footer, _) = hints::fit(&footer, usize::from(rect.width.saturating_sub(4)), theme);
        let inner = frame(rect, buf, TITLE, footer, theme);
        if inner.is_empty() {
            return;
        }
        self.render_input(Rect { height: 1, ..inner }, buf);
        let list = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        if list.is_empty() {
            return;
        }
        if self.rows.is_empty() {
            let line = Line::styled(" no session matches", Style::new().fg(theme.dim));
            buf.set_line(list.x, list.y, &line, list.width);
            return;
        }
        let number_width = self
            .rows
            .iter()
            .map(|row| text::width(&row.session.number.to_string()))
            .max()
            .unwrap_or(1);
        let name_width = self
            .rows
            .iter()
            .map(|row| text::width(&row.session.name))
            .max()
            .unwrap_or(0)
            .min(MAX_NAME);
        let shown = usize::from(list.height);
        let selected = self.selected.min(self.rows.len() - 1);
        let first = (selected + 1).saturating_sub(shown);
        for (i, row) in self.rows.iter().enumerate().skip(first).take(shown) {
            let y = list.y + text::cells(i - first);
            let line = self.row_line(row, i == selected, number_width, name_width);
            let area = Rect::new(list.x, y, list.width, 1);
            if i == selected {
                buf.set_style(area, Style::new().fg(Color::Black).bg(theme.accent));
            }
            buf.set_line(area.x, area.y, &line, area.width);
        }
    }

    fn render_input(&self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let prompt = Span::styled(
            " > ",
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        );
        let room = usize::from(area.width).saturating_sub(4);
        let cursor = Span::styled(" ", Style::new().add_modifier(Modifier::REVERSED));
        let mut spans = vec![
            prompt,
            Span::raw(text::truncate_start(self.query, room)),
            cursor,
        ];
        if self.query.is_empty() {
            spans.push(Span::styled(
                " type a name to filter",
                Style::new().fg(theme.dim),
            ));
        }
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
    }

    /// ` 12! ◆ api  waiting: needs permission for Bash`
    fn row_line(
        &self,
        row: &SwitcherRow,
        selected: bool,
        number_width: usize,
        name_width: usize,
    ) -> Line<'static> {
        let theme = self.theme;
        let session = row.session;
        // On the accent, colours would be lost: the text says it anyway.
        let styled = |style: Style| {
            if selected {
                Style::new().fg(Color::Black).bg(theme.accent)
            } else {
                style
            }
        };
        let mark = if session.attention { "!" } else { " " };
        let mut spans = vec![
            Span::styled(
                format!(" {:>number_width$}", session.number),
                styled(Style::new().fg(theme.dim)),
            ),
            Span::styled(
                format!("{mark} "),
                styled(Style::new().fg(theme.attention)).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!("{} ", status_style::glyph(&session.status)),
                styled(Style::new().fg(status_style::color(&session.status, theme))),
            ),
        ];
        let name = text::truncate(&session.name, name_width);
        let plain = styled(Style::new().fg(theme.chrome_fg));
        let hit = plain.fg(theme.accent).add_modifier(Modifier::BOLD);
        let hit = if selected {
            plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            hit
        };
        for (i, c) in name.chars().enumerate() {
            let style = if row.matched.contains(&i) { hit } else { plain };
            spans.push(Span::styled(c.to_string(), style));
        }
        let pad = name_width.saturating_sub(text::width(&name)) + 2;
        spans.push(Span::styled(" ".repeat(pad), plain));
        spans.push(Span::styled(
            status_style::describe(session).into_owned(),
            styled(Style::new().fg(theme.dim)),
        ));
        Line::from(spans)
    }
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::*;
    use crate::session::Status;
    use crate::ui::fixtures::{draw_at_every_size, render, session};

    fn sessions() -> Vec<SessionInfo> {
        let mut all: Vec<SessionInfo> = (1..=12)
            .map(|i| session(i, &format!("/home/al/p{i}"), Status::Idle))
            .collect();
        all[1].name = "api-server".into();
        all[1].status = Status::Waiting;
        all[1].reason = Some("needs permission for Bash".into());
        all[1].attention = true;
        all[11].name = "web".into();
        all[11].status = Status::Busy;
        all
    }

    fn draw(
        width: u16,
        height: u16,
        sessions: &[SessionInfo],
        query: &str,
        selected: usize,
    ) -> String {
        let matched: Vec<usize> = if query.is_empty() { vec![] } else { vec![0, 1] };
        let rows: Vec<SwitcherRow> = sessions
            .iter()
            .map(|session| SwitcherRow {
                session,
                matched: &matched,
            })
            .collect();
        let theme = Theme::default();
        render(width, height, |area, buf| {
            SwitcherView {
                rows: &rows,
                query,
                selected,
                theme: &theme,
            }
            .render(area, buf)
        })
        .to_string()
    }

    #[test]
    fn every_session_with_status_name_and_reason() {
        assert_snapshot!(draw(70, 20, &sessions(), "", 1));
    }

    #[test]
    fn short_keeps_the_selected_row_in_view() {
        assert_snapshot!(draw(60, 9, &sessions(), "", 11));
    }

    #[test]
    fn the_selected_row_is_highlighted_and_matches_stand_out() {
        let theme = Theme::default();
        let all = sessions();
        let rows: Vec<SwitcherRow> = all[..3]
            .iter()
            .map(|session| SwitcherRow {
                session,
                matched: &[0],
            })
            .collect();
        let backend = render(40, 8, |area, buf| {
            SwitcherView {
                rows: &rows,
                query: "a",
                selected: 1,
                theme: &theme,
            }
            .render(area, buf)
        });
        let buf = backend.buffer();
        // The box is centred: its rows start at line 2, the list at line 3.
        let row_of = |text: &str| {
            (0..8)
                .find(|&y| {
                    (0..40)
                        .map(|x| buf[(x, y)].symbol())
                        .collect::<String>()
                        .contains(text)
                })
                .unwrap()
        };
        let api = row_of("api-server");
        assert_eq!(api, row_of("p1") + 1);
        assert_eq!(buf[(20, api)].bg, theme.accent);
        assert_ne!(buf[(20, row_of("p1"))].bg, theme.accent);
        let p3 = row_of("p3");
        let p = (0..40).find(|&x| buf[(x, p3)].symbol() == "p").unwrap();
        assert_eq!(buf[(p, p3)].fg, theme.accent);
        assert_ne!(buf[(p + 1, p3)].fg, theme.accent);
    }

    #[test]
    fn no_match_says_so() {
        assert_snapshot!(draw(50, 8, &[], "zzz", 0));
    }

    #[test]
    fn never_panics() {
        let all = sessions();
        for (rows, selected) in [(&all[..], 0), (&all[..], 99), (&[][..], 0)] {
            let theme = Theme::default();
            let rows: Vec<SwitcherRow> = rows
                .iter()
                .map(|session| SwitcherRow {
                    session,
                    matched: &[0, 5, 99],
                })
                .collect();
            draw_at_every_size(40, 12, |area, buf| {
                SwitcherView {
                    rows: &rows,
                    query: "a query",
                    selected,
                    theme: &theme,
                }
                .render(area, buf)
            });
        }
    }
}
