//! The tab bar: one row at the top with a tab per session, ` 1 ● api `.
//!
//! Layout is computed once, as a list of segments, and both drawing and mouse
//! hit-testing read it, so a click always lands on the tab that is drawn there.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::status_style;
use super::text;
use super::theme::Theme;
use crate::session::SessionInfo;

/// Longer names are cut so one deep name cannot crowd out the others.
const MAX_NAME: usize = 24;
/// A name cut shorter than this (`ap…`) says too little to be worth its room.
const MIN_NAME: usize = 4;

/// Draws the tab bar in the first row of `area`.
pub fn render_tab_bar(
    area: Rect,
    buf: &mut Buffer,
    sessions: &[SessionInfo],
    focused: usize,
    theme: &Theme,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let row = Rect { height: 1, ..area };
    buf.set_style(row, Style::new().fg(theme.chrome_fg).bg(theme.chrome_bg));
    for segment in layout(area.width, sessions, focused) {
        let line = match &segment.kind {
            Kind::Tab { name, padded } => {
                let session = &sessions[segment.target];
                let is_focused = segment.target == focused.min(sessions.len() - 1);
                tab_line(session, name.as_deref(), *padded, is_focused, theme)
            }
            Kind::Hidden { text, attention } => {
                let color = if *attention {
                    theme.attention
                } else {
                    theme.dim
                };
                Line::styled(text.clone(), Style::new().fg(color))
            }
        };
        buf.set_line(area.x + segment.x, area.y, &line, segment.width);
    }
}

/// The session whose tab (or hidden-tabs count, which stands for the nearest
/// hidden tab) is drawn at column `x` of a tab bar drawn in `area`.
pub fn tab_at(area: Rect, sessions: &[SessionInfo], focused: usize, x: u16) -> Option<usize> {
    let column = x.checked_sub(area.x)?;
    layout(area.width, sessions, focused)
        .into_iter()
        .find(|segment| segment.x <= column && column < segment.x + segment.width)
        .map(|segment| segment.target)
}

/// A run of columns in the tab bar, relative to its left edge.
#[derive(Debug, PartialEq)]
struct Segment {
    x: u16,
    width: u16,
    /// The session a click here focuses.
    target: usize,
    kind: Kind,
}

#[derive(Debug, PartialEq)]
enum Kind {
    /// A tab, with its name cut to fit or dropped, and without its padding
    /// when even that does not fit.
    Tab { name: Option<String>, padded: bool },
    /// `«3` or `2»`: how many tabs are hidden on that side.
    Hidden { text: String, attention: bool },
}

fn layout(width: u16, sessions: &[SessionInfo], focused: usize) -> Vec<Segment> {
    if sessions.is_empty() || width == 0 {
        return Vec::new();
    }
    let n = sessions.len();
    let focused = focused.min(n - 1);
    let avail = usize::from(width);
    let names: Vec<String> = sessions
        .iter()
        .map(|s| text::truncate(&s.name, MAX_NAME))
        .collect();
    let widths: Vec<usize> = sessions
        .iter()
        .zip(&names)
        .map(|(session, name)| tab_width(session, Some(name), true))
        .collect();
    let marker = |hidden: usize| if hidden == 0 { 0 } else { digits(hidden) + 2 };
    let fits = |lo: usize, hi: usize| {
        widths[lo..hi].iter().sum::<usize>() + marker(lo) + marker(n - hi) <= avail
    };

    let (mut lo, mut hi) = (focused, focused + 1);
    let mut tabs = Vec::new();
    let mut markers = true;
    if fits(lo, hi) {
        // Grow the window around the focused tab, a tab each side in turn.
        loop {
            let mut grew = false;
            if hi < n && fits(lo, hi + 1) {
                hi += 1;
                grew = true;
            }
            if lo > 0 && fits(lo - 1, hi) {
                lo -= 1;
                grew = true;
            }
            if !grew {
                break;
            }
        }
        for i in lo..hi {
            tabs.push((i, Some(names[i].clone()), true, widths[i]));
        }
    } else {
        // Only the focused tab, squeezed: first its name shrinks, then the
        // hidden counts go, then the name, then the padding.
        let session = &sessions[focused];
        let bare_width = tab_width(session, None, true);
        let name = &names[focused];
        let min_name = text::width(name).min(MIN_NAME);
        let name_room = |room: usize| room.checked_sub(bare_width + 1).filter(|&r| r >= min_name);
        let with_markers = avail.saturating_sub(marker(lo) + marker(n - hi));
        let fitted = if let Some(r) = name_room(with_markers) {
            Some((Some(text::truncate(name, r)), true))
        } else {
            markers = false;
            if let Some(r) = name_room(avail) {
                Some((Some(text::truncate(name, r)), true))
            } else if bare_width <= avail {
                Some((None, true))
            } else {
                None
            }
        };
        let (name, padded) = fitted.unwrap_or((None, false));
        let w = tab_width(session, name.as_deref(), padded).min(avail);
        tabs.push((focused, name, padded, w));
    }

    let mut segments = Vec::new();
    let mut x = 0;
    if markers && lo > 0 {
        let text = format!("«{lo} ");
        x = text::width(&text);
        segments.push(Segment {
            x: 0,
            width: text::cells(x),
            target: lo - 1,
            kind: Kind::Hidden {
                text,
                attention: sessions[..lo].iter().any(|s| s.attention),
            },
        });
    }
    for (i, name, padded, w) in tabs {
        segments.push(Segment {
            x: text::cells(x),
            width: text::cells(w),
            target: i,
            kind: Kind::Tab { name, padded },
        });
        x += w;
    }
    if markers && hi < n {
        let text = format!(" {}»", n - hi);
        let w = text::width(&text);
        segments.push(Segment {
            x: text::cells(avail - w),
            width: text::cells(w),
            target: hi,
            kind: Kind::Hidden {
                text,
                attention: sessions[hi..].iter().any(|s| s.attention),
            },
        });
    }
    segments
}

/// What a tab is made of, each part with its role so drawing can style it.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Pad,
    Number,
    Glyph,
    Name,
    Attention,
}

fn tab_parts(session: &SessionInfo, name: Option<&str>, padded: bool) -> Vec<(Part, String)> {
    let pad = |parts: &mut Vec<(Part, String)>| {
        if padded {
            parts.push((Part::Pad, " ".into()));
        }
    };
    let mut parts = Vec::new();
    pad(&mut parts);
    parts.push((Part::Number, session.number.to_string()));
    pad(&mut parts);
    parts.push((Part::Glyph, status_style::glyph(&session.status).into()));
    if let Some(name) = name {
        parts.push((Part::Pad, " ".into()));
        parts.push((Part::Name, name.to_string()));
    }
    pad(&mut parts);
    if session.attention {
        parts.push((Part::Attention, "!".into()));
        pad(&mut parts);
    }
    parts
}

fn tab_width(session: &SessionInfo, name: Option<&str>, padded: bool) -> usize {
    tab_parts(session, name, padded)
        .iter()
        .map(|(_, s)| text::width(s))
        .sum()
}

fn tab_line(
    session: &SessionInfo,
    name: Option<&str>,
    padded: bool,
    focused: bool,
    theme: &Theme,
) -> Line<'static> {
    let spans = tab_parts(session, name, padded)
        .into_iter()
        .map(|(part, s)| {
            let style = if focused {
                // The status colour would fight the accent; the glyph's shape still tells it.
                Style::new()
                    .fg(Color::Black)
                    .bg(theme.accent)
                    .add_modifier(Modifier::BOLD)
            } else {
                match part {
                    Part::Pad => Style::new(),
                    Part::Number => Style::new().fg(theme.dim),
                    Part::Glyph => Style::new().fg(status_style::color(&session.status, theme)),
                    Part::Name => Style::new().fg(theme.chrome_fg),
                    Part::Attention => Style::new()
                        .fg(theme.attention)
                        .add_modifier(Modifier::BOLD),
                }
            };
            Span::styled(s, style)
        })
        .collect::<Vec<_>>();
    Line::from(spans)
}

fn digits(n: usize) -> usize {
    n.to_string().len()
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::*;
    use crate::session::Status;
    use crate::ui::fixtures::{draw_at_every_size, render, session};

    fn four() -> Vec<SessionInfo> {
        let mut sessions = vec![
            session(1, "/home/al/code/api", Status::Busy),
            session(2, "/home/al/code/web", Status::Idle),
            session(3, "/home/al/work/web", Status::Waiting),
            session(4, "/srv/ops", Status::Exited(0)),
        ];
        sessions[1].name = "code/web".into();
        sessions[2].name = "work/web".into();
        sessions[2].attention = true;
        sessions
    }

    fn many(n: usize) -> Vec<SessionInfo> {
        (1..=n)
            .map(|i| {
                let mut s = session(i, &format!("/home/al/p{i}"), Status::Idle);
                s.attention = i == 2 || i == n;
                s
            })
            .collect()
    }

    fn bar(width: u16, sessions: &[SessionInfo], focused: usize) -> String {
        let theme = Theme::default();
        render(width, 1, |area, buf| {
            render_tab_bar(area, buf, sessions, focused, &theme)
        })
        .to_string()
    }

    #[test]
    fn all_tabs_fit() {
        assert_snapshot!(bar(60, &four(), 1));
    }

    #[test]
    fn overflow_keeps_the_focused_tab_and_counts_the_hidden() {
        let sessions = many(12);
        assert_snapshot!("overflow_middle", bar(40, &sessions, 6));
        assert_snapshot!("overflow_first", bar(40, &sessions, 0));
        assert_snapshot!("overflow_last", bar(40, &sessions, 11));
    }

    #[test]
    fn tiny_widths_squeeze_the_focused_tab() {
        let sessions = four();
        let shown: Vec<String> = [1, 3, 6, 9, 12, 16]
            .into_iter()
            .map(|w| bar(w, &sessions, 2))
            .collect();
        assert_snapshot!(shown.join(""));
    }

    #[test]
    fn long_names_are_cut() {
        let sessions = [
            session(
                1,
                "/home/al/a-very-long-project-name-indeed",
                Status::Running,
            ),
            session(2, "/home/al/x", Status::Starting),
        ];
        assert_snapshot!(bar(60, &sessions, 0));
    }

    #[test]
    fn focused_tab_is_highlighted_with_the_accent() {
        let theme = Theme::default();
        let sessions = four();
        let backend = render(60, 1, |area, buf| {
            render_tab_bar(area, buf, &sessions, 1, &theme)
        });
        let area = Rect::new(0, 0, 60, 1);
        for x in 0..60 {
            let accented = backend.buffer()[(x, 0)].bg == theme.accent;
            assert_eq!(
                accented,
                tab_at(area, &sessions, 1, x) == Some(1),
                "column {x}"
            );
        }
    }

    /// Every column tab_at gives to a tab shows that tab: the runs of columns
    /// with one answer read ` 7 ○ p7 ` (or a hidden count) for that tab.
    #[test]
    fn tab_at_agrees_with_the_drawing() {
        let sessions = many(12);
        for width in [1, 5, 9, 14, 20, 40, 80, 200] {
            for focused in [0, 5, 11] {
                let area = Rect::new(3, 0, width, 1);
                let theme = Theme::default();
                let backend = render(width + 3, 1, |_, buf| {
                    render_tab_bar(area, buf, &sessions, focused, &theme)
                });
                let mut runs: Vec<(Option<usize>, String)> = Vec::new();
                for x in 0..width + 3 {
                    let hit = tab_at(area, &sessions, focused, x);
                    let symbol = backend.buffer()[(x, 0)].symbol().to_string();
                    match runs.last_mut() {
                        Some((last, text)) if *last == hit => text.push_str(&symbol),
                        _ => runs.push((hit, symbol)),
                    }
                }
                let shown: Vec<usize> = runs.iter().filter_map(|(hit, _)| *hit).collect();
                assert!(shown.contains(&focused), "{width}: focused tab not shown");
                for (hit, text) in runs {
                    let Some(i) = hit else {
                        assert!(text.trim().is_empty(), "{width}: {text:?} is not clickable");
                        continue;
                    };
                    let number = (i + 1).to_string();
                    let hidden = text.contains('«') || text.contains('»');
                    // A tab cut to the width may show only part of its number.
                    let shown = text.trim();
                    let is_tab = shown.starts_with(&number) || number.starts_with(shown);
                    assert!(
                        hidden || is_tab,
                        "{width}/{focused}: {text:?} is not tab {number}"
                    );
                }
            }
        }
    }

    #[test]
    fn hidden_counts_focus_the_nearest_hidden_tab() {
        let sessions = many(12);
        let area = Rect::new(0, 0, 40, 1);
        // «5 stands for tab 5, 3» for tab 10.
        assert_eq!(tab_at(area, &sessions, 6, 0), Some(4));
        assert_eq!(tab_at(area, &sessions, 6, 39), Some(9));
        assert_eq!(tab_at(area, &sessions, 6, 40), None);
    }

    #[test]
    fn no_sessions_and_clicks_left_of_the_bar_hit_nothing() {
        let area = Rect::new(5, 0, 40, 1);
        assert_eq!(tab_at(area, &[], 0, 6), None);
        assert_eq!(tab_at(area, &four(), 0, 4), None);
        assert_eq!(tab_at(area, &four(), 0, 5), Some(0));
    }

    #[test]
    fn never_panics() {
        let theme = Theme::default();
        let sessions = many(12);
        for focused in [0, 6, 11, 99] {
            draw_at_every_size(50, 2, |area, buf| {
                render_tab_bar(area, buf, &sessions, focused, &theme)
            });
        }
        draw_at_every_size(5, 1, |area, buf| render_tab_bar(area, buf, &[], 0, &theme));
    }
}
