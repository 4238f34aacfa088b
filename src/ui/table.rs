//! The session table: every session on one screen, as tmux's choose-tree
//! lists them, to pick one, stop it or start another, mark some and write
//! them a prompt; with each one's prompt queue, and the totals on top.

use std::path::Path;
use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::path::display_path;
use super::theme::Theme;
use super::{hints, status_style, table_keys, text};
use crate::session::{SessionId, SessionInfo};

const GAP: usize = 2;
/// Cells before the first column: margin, selection mark, the mark of a
/// session marked for a prompt, space.
const LEAD: usize = 4;
/// A marked session's mark.
const MARK: &str = "✓";
/// Directories, failure reasons and why a session waits are cut past these,
/// so they leave the task some room. `◆ waiting: needs permission for Bash`
/// fits whole.
const MAX_DIR: usize = 40;
const MAX_STATUS: usize = 38;
const MAX_NAME: usize = 24;
/// A directory or title cut shorter than this says too little to keep.
const MIN_DIR: usize = 6;
const MIN_TITLE: usize = 8;
const MIN_NAME: usize = 4;
/// Room for `◆ waiting` and `■ exited 130`; only reasons are longer.
const MIN_STATUS: usize = 12;

/// How long ago, in the largest whole unit: `0s`, `59s`, `5m`, `1h`, `3d`.
pub fn age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}

pub struct SessionTable<'a> {
    /// The rows, in the order shown (sorted and filtered by the caller).
    pub sessions: &'a [SessionInfo],
    /// Every session, for the header's counts.
    pub all: &'a [SessionInfo],
    /// How the rows are sorted and filtered, when not plainly, e.g.
    /// `attention first · only waiting`.
    pub note: Option<&'a str>,
    /// Index into `sessions`; kept on screen by scrolling.
    pub selected: usize,
    pub theme: &'a Theme,
    pub now: SystemTime,
    /// The zone start times are shown in: `TimeZone::system()` for the user.
    pub tz: TimeZone,
    /// Shown as `~` in directories.
    pub home: Option<&'a Path>,
    /// The sessions marked for a prompt.
    pub marked: &'a [SessionId],
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Col {
    Number,
    Name,
    Id,
    Dir,
    Started,
    Status,
    Queue,
    Activity,
    Title,
}

/// How many columns there are.
const COLS: usize = 9;

impl Col {
    const ALL: [Col; COLS] = [
        Col::Number,
        Col::Name,
        Col::Id,
        Col::Dir,
        Col::Started,
        Col::Status,
        Col::Queue,
        Col::Activity,
        Col::Title,
    ];

    fn heading(self) -> &'static str {
        match self {
            Col::Number => "#",
            Col::Name => "NAME",
            Col::Id => "ID",
            Col::Dir => "DIRECTORY",
            Col::Started => "STARTED",
            Col::Status => "STATUS",
            Col::Queue => "QUEUE",
            Col::Activity => "OUTPUT",
            Col::Title => "TASK",
        }
    }
}

impl Widget for SessionTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let theme = self.theme;
        buf.set_style(area, Style::new().fg(theme.chrome_fg).bg(theme.chrome_bg));

        // Rows of sessions come first; the rest is added as height allows.
        let h = area.height;
        let has_header = h >= 2;
        let has_footer = h >= 3;
        let has_headings = h >= 4;
        let has_blank = h >= 6;
        let mut y = area.y;
        let x = area.x + 1;
        let width = area.width.saturating_sub(1);
        if has_header {
            self.render_header(Rect::new(x, y, width, 1), buf);
            y += 1;
        }
        if has_blank {
            y += 1;
        }
        let widths = self.column_widths(usize::from(area.width));
        if has_headings && !self.sessions.is_empty() {
            self.render_headings(area.x, y, &widths, buf);
            y += 1;
        }
        let bottom = if has_footer {
            area.bottom() - 1
        } else {
            area.bottom()
        };
        self.render_rows(Rect::new(area.x, y, area.width, bottom - y), &widths, buf);
        if has_footer {
            let footer = table_keys::footer();
            let (spans, _) = hints::fit(&footer, usize::from(width.saturating_sub(1)), theme);
            buf.set_line(x, bottom, &Line::from(spans), width);
        }
    }
}

impl SessionTable<'_> {
    /// `3 sessions: 2 idle · 1 exited` on the left, `4 queued · 1 paused ·
    /// 2 marked` on the right. What does not fit is left off: first the
    /// marks, then the pauses, the note, the status counts from the last,
    /// and the prompts queued only after them all.
    fn render_header(&self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let room = usize::from(area.width);
        let n = self.all.len();
        let total = match n {
            0 => "no sessions".to_string(),
            1 => "1 session".to_string(),
            _ => format!("{n} sessions"),
        };
        let count =
            |what: &dyn Fn(&SessionInfo) -> bool| self.all.iter().filter(|s| what(s)).count();
        let queued: usize = self.all.iter().map(|s| s.queued).sum();
        let paused = count(&|s| s.paused);
        let marked = count(&|s| self.marked.contains(&s.id));
        let statuses = status_style::kinds().into_iter().filter_map(|kind| {
            let name = status_style::kind(&kind);
            let n = count(&|s| status_style::kind(&s.status) == name);
            (n > 0).then(|| (format!("{n} {name}"), status_style::color(&kind, theme)))
        });
        let left_parts: Vec<(String, Color)> = statuses.collect();
        let right_parts: Vec<(String, Color)> = [
            (queued, "queued", theme.accent),
            (paused, "paused", theme.waiting),
            (marked, "marked", theme.chrome_fg),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, what, color)| (format!("{n} {what}"), color))
        .collect();
        let note = self.note.map(|note| format!("  [{note}]"));

        let parts_width = |parts: &[(String, Color)], first_sep: usize| -> usize {
            parts
                .iter()
                .enumerate()
                .map(|(i, (p, _))| text::width(p) + if i == 0 { first_sep } else { 3 })
                .sum()
        };
        let note_width = note.as_deref().map_or(0, text::width);
        let fits = |left: usize, right: usize, with_note: bool| {
            let note = if with_note { note_width } else { 0 };
            let right = &right_parts[..right];
            // The right group keeps a cell of margin, and a gap from the left.
            let right = if right.is_empty() {
                0
            } else {
                parts_width(right, 0) + 1 + GAP
            };
            text::width(&total) + parts_width(&left_parts[..left], 2) + note + right <= room
        };
        // Parts are added in this order as long as they fit: (status
        // counts, right parts, note) kept at each step.
        let mut keep = (0, 0, false);
        let steps = [(0, 1, false)]
            .into_iter()
            .chain((1..=left_parts.len()).map(|l| (l, 1, false)))
            .chain([(left_parts.len(), 1, true)])
            .chain((2..=right_parts.len()).map(|r| (left_parts.len(), r, true)));
        for (left, right, with_note) in steps {
            let right = right.min(right_parts.len());
            if !fits(left, right, with_note) {
                break;
            }
            keep = (left, right, with_note);
        }
        let (left, right, with_note) = keep;

        let dim = Style::new().fg(theme.dim);
        let mut spans = vec![Span::styled(
            total,
            Style::new().add_modifier(Modifier::BOLD),
        )];
        for (i, (part, color)) in left_parts[..left].iter().enumerate() {
            spans.push(Span::styled(if i == 0 { ": " } else { " · " }, dim));
            spans.push(Span::styled(part.clone(), Style::new().fg(*color)));
        }
        if let (true, Some(note)) = (with_note, note) {
            spans.push(Span::styled(note, dim));
        }
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
        let right = &right_parts[..right];
        if !right.is_empty() {
            let mut spans = Vec::new();
            for (i, (part, color)) in right.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(" · ", dim));
                }
                spans.push(Span::styled(part.clone(), Style::new().fg(*color)));
            }
            let width = parts_width(right, 0);
            let x = area.right().saturating_sub(text::cells(width + 1));
            buf.set_line(x, area.y, &Line::from(spans), text::cells(width));
        }
    }

    fn cell(&self, session: &SessionInfo, col: Col) -> String {
        match col {
            Col::Number => session.number.to_string(),
            Col::Name => session.name.clone(),
            Col::Id => session.shown_id().chars().take(8).collect(),
            Col::Dir => display_path(&session.dir, self.home),
            Col::Started => format!(
                "{} ({})",
                clock(session.started, &self.tz),
                age(since(self.now, session.started))
            ),
            Col::Status => {
                let mut cell = format!(
                    "{} {}",
                    status_style::glyph(&session.status),
                    status_style::describe(session)
                );
                match session.crashes {
                    0 => {}
                    1 => cell.push_str(" · 1 crash"),
                    n => cell.push_str(&format!(" · {n} crashes")),
                }
                cell
            }
            Col::Queue => match (session.queued, session.paused) {
                (0, false) => String::new(),
                (n, false) => n.to_string(),
                (n, true) => format!("{n} paused"),
            },
            Col::Activity => match session.last_output {
                Some(t) => age(since(self.now, t)),
                None => "–".to_string(),
            },
            Col::Title => session
                .task
                .clone()
                .unwrap_or_else(|| session.title.clone()),
        }
    }

    /// The width of each column that fits in `avail` cells, `None` for the
    /// columns left out: first the title, then output age, start time and id;
    /// then the status shrinks to its common words, the directory shrinks
    /// and goes, the name shrinks and goes, the queue shrinks to its length,
    /// and the status shrinks to what is left. The queue column shows only
    /// while some queue holds a prompt or is paused.
    fn column_widths(&self, avail: usize) -> [Option<usize>; COLS] {
        let any_queue = self.sessions.iter().any(|s| s.queued > 0 || s.paused);
        let mut widths = Col::ALL.map(|col| {
            let natural = self
                .sessions
                .iter()
                .map(|s| text::width(&self.cell(s, col)))
                .chain([text::width(col.heading())])
                .max()
                .unwrap_or(0);
            Some(match col {
                Col::Queue if !any_queue => return None,
                // Room for the attention mark after the number.
                Col::Number => natural + 1,
                Col::Dir => natural.min(MAX_DIR),
                Col::Name => natural.min(MAX_NAME),
                Col::Status => natural.min(MAX_STATUS),
                _ => natural,
            })
        });
        let total = |widths: &[Option<usize>; COLS]| {
            let shown = widths.iter().flatten();
            LEAD + shown.clone().sum::<usize>() + GAP * shown.count().saturating_sub(1)
        };
        // The title takes what is left, if that is enough to read.
        let title = Col::Title as usize;
        let title_natural = widths[title].unwrap_or(0);
        widths[title] = None;
        let title_room = avail.saturating_sub(total(&widths) + GAP);
        let any_title = self
            .sessions
            .iter()
            .any(|s| s.task.is_some() || !s.title.is_empty());
        if any_title && (title_room >= title_natural || title_room >= MIN_TITLE) {
            widths[title] = Some(title_natural.min(title_room));
        }
        for col in [Col::Activity, Col::Started, Col::Id] {
            if total(&widths) > avail {
                widths[col as usize] = None;
            }
        }
        // The queue's lengths stay whole, however narrow.
        let min_queue = self
            .sessions
            .iter()
            .map(|s| text::width(&queue_compact(&self.cell(s, Col::Queue))))
            .max()
            .unwrap_or(0);
        // A long failure reason is cut before any directory is. The status
        // and the queue stay, however narrow.
        for (col, min) in [
            (Col::Status, MIN_STATUS),
            (Col::Dir, MIN_DIR),
            (Col::Name, MIN_NAME),
            (Col::Queue, min_queue),
            (Col::Status, 1),
        ] {
            let over = total(&widths).saturating_sub(avail);
            if over > 0 {
                let w = &mut widths[col as usize];
                *w = w.and_then(|w| {
                    let cut = w.saturating_sub(over);
                    if cut >= min {
                        Some(cut)
                    } else if matches!(col, Col::Status | Col::Queue) {
                        Some(w.min(min))
                    } else {
                        None
                    }
                });
            }
        }
        widths
    }

    fn render_headings(&self, x: u16, y: u16, widths: &[Option<usize>; COLS], buf: &mut Buffer) {
        let style = Style::new().fg(self.theme.dim).add_modifier(Modifier::BOLD);
        let cells = Col::ALL.map(|col| (col.heading().to_string(), style));
        render_cells(buf, x, y, widths, cells);
    }

    fn render_rows(&self, area: Rect, widths: &[Option<usize>; COLS], buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let theme = self.theme;
        if self.sessions.is_empty() {
            // Sessions hidden by the filter are not absent: say how to see them.
            let text = if self.all.is_empty() {
                "Press n to start a session."
            } else {
                "No session matches the filter. Press f to change it."
            };
            let line = Line::styled(text, Style::new().fg(theme.dim));
            buf.set_line(area.x + 1, area.y, &line, area.width.saturating_sub(1));
            return;
        }
        let rows = usize::from(area.height);
        let selected = self.selected.min(self.sessions.len() - 1);
        let first = (selected + 1).saturating_sub(rows);
        for (i, session) in self.sessions.iter().enumerate().skip(first).take(rows) {
            let y = area.y + (i - first) as u16;
            let is_selected = i == selected;
            let row_style = if is_selected {
                // The accent would swallow status colours; the text says it anyway.
                Style::new().fg(Color::Black).bg(theme.accent)
            } else {
                Style::new()
            };
            buf.set_style(Rect::new(area.x, y, area.width, 1), row_style);
            let plain = |style: Style| if is_selected { row_style } else { style };
            if is_selected {
                let mark = Line::styled("›", row_style.add_modifier(Modifier::BOLD));
                buf.set_line(area.x + 1, y, &mark, area.width.saturating_sub(1));
            }
            if self.marked.contains(&session.id) {
                let style = plain(Style::new().fg(theme.accent)).add_modifier(Modifier::BOLD);
                let mark = Line::styled(MARK, style);
                buf.set_line(area.x + 2, y, &mark, area.width.saturating_sub(2));
            }
            let cells = Col::ALL.map(|col| {
                let style = match col {
                    Col::Number | Col::Title => Style::new().fg(theme.chrome_fg),
                    Col::Name => Style::new()
                        .fg(theme.chrome_fg)
                        .add_modifier(Modifier::BOLD),
                    Col::Dir => Style::new().fg(theme.chrome_fg),
                    Col::Status => Style::new().fg(status_style::color(&session.status, theme)),
                    Col::Queue if session.paused => Style::new().fg(theme.waiting),
                    Col::Queue => Style::new().fg(theme.accent),
                    Col::Id | Col::Started | Col::Activity => Style::new().fg(theme.dim),
                };
                (self.cell(session, col), plain(style))
            });
            render_cells(buf, area.x, y, widths, cells);
            if session.attention
                && let Some(w) = widths[Col::Number as usize]
            {
                let mark_x = area.x + (LEAD + w - 1) as u16;
                let style = plain(Style::new().fg(theme.attention)).add_modifier(Modifier::BOLD);
                if mark_x < area.right() {
                    buf.set_stringn(mark_x, y, "!", 1, style);
                }
            }
        }
    }
}

/// Draws one row of cells in the columns `widths` keeps, each cut to its width.
fn render_cells(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    widths: &[Option<usize>; COLS],
    cells: [(String, Style); COLS],
) {
    let right = usize::from(buf.area.right());
    let mut cx = usize::from(x) + LEAD;
    for ((col, width), (content, style)) in Col::ALL.iter().zip(widths).zip(cells) {
        let Some(width) = *width else { continue };
        if cx >= right {
            break;
        }
        let content = match col {
            // Right-aligned, leaving the last cell for the attention mark.
            Col::Number => format!("{content:>w$}", w = width.saturating_sub(1)),
            Col::Dir => text::truncate_start(&content, width),
            Col::Queue if text::width(&content) > width => queue_compact(&content),
            _ => text::truncate(&content, width),
        };
        buf.set_stringn(cx as u16, y, content, width, style);
        cx += width + GAP;
    }
}

/// A queue cell cut to its length, `12 paused` to `12…`.
fn queue_compact(cell: &str) -> String {
    match cell.split_once(' ') {
        Some((count, _)) => format!("{count}{}", text::ELLIPSIS),
        None => cell.to_string(),
    }
}

/// How long before `now` `then` was; nothing if the clock says it is to come.
fn since(now: SystemTime, then: SystemTime) -> Duration {
    now.duration_since(then).unwrap_or_default()
}

/// `14:02` in `tz`.
fn clock(t: SystemTime, tz: &TimeZone) -> String {
    match Timestamp::try_from(t) {
        Ok(ts) => {
            let local = tz.to_datetime(ts);
            format!("{:02}:{:02}", local.hour(), local.minute())
        }
        Err(_) => "–".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::*;
    use crate::session::Status;
    use crate::ui::fixtures::{NOW_SECS, at, draw_at_every_size, now, render, session};

    #[test]
    fn age_uses_the_largest_whole_unit() {
        let s = Duration::from_secs;
        assert_eq!(age(s(0)), "0s");
        assert_eq!(age(Duration::from_millis(1999)), "1s");
        assert_eq!(age(s(59)), "59s");
        assert_eq!(age(s(60)), "1m");
        assert_eq!(age(s(3599)), "59m");
        assert_eq!(age(s(3600)), "1h");
        assert_eq!(age(s(86399)), "23h");
        assert_eq!(age(s(86400)), "1d");
        assert_eq!(age(s(40 * 86400)), "40d");
    }

    #[test]
    fn a_time_to_come_is_no_time_ago() {
        assert_eq!(since(at(10), at(20)), Duration::ZERO);
        assert_eq!(since(at(20), at(10)), Duration::from_secs(10));
    }

    #[test]
    fn clock_is_in_the_given_zone() {
        let t = at(NOW_SECS);
        assert_eq!(clock(t, &TimeZone::UTC), "14:10");
        let paris = TimeZone::fixed(jiff::tz::offset(2));
        assert_eq!(clock(t, &paris), "16:10");
    }

    fn sessions() -> Vec<SessionInfo> {
        let mut all = vec![
            session(1, "/home/al/code/api", Status::Busy),
            session(2, "/home/al/code/web", Status::Waiting),
            session(3, "/srv/ops", Status::Exited(0)),
            session(
                4,
                "/home/al/notes",
                Status::Failed("claude: not found".into()),
            ),
            session(5, "/home/al/code/cli", Status::Idle),
        ];
        all[0].title = "Fix the flaky login test".into();
        all[0].last_output = Some(at(NOW_SECS - 2));
        all[1].attention = true;
        all[1].title = "Approve plan?".into();
        all[1].last_output = Some(at(NOW_SECS - 5 * 60));
        all[2].started = at(NOW_SECS - 3 * 3600);
        all[2].last_output = Some(at(NOW_SECS - 2 * 3600));
        all[4].started = at(NOW_SECS - 20);
        all
    }

    fn table(width: u16, height: u16, sessions: &[SessionInfo], selected: usize) -> String {
        let theme = Theme::default();
        render(width, height, |area, buf| {
            SessionTable {
                sessions,
                all: sessions,
                note: None,
                selected,
                theme: &theme,
                now: now(),
                tz: TimeZone::UTC,
                home: Some(Path::new("/home/al")),
                marked: &[],
            }
            .render(area, buf)
        })
        .to_string()
    }

    #[test]
    fn wide() {
        assert_snapshot!(table(110, 12, &sessions(), 1));
    }

    #[test]
    fn narrow_drops_title_then_output_then_start_then_id() {
        let all = sessions();
        let shown: Vec<String> = [80, 64, 50, 40, 30, 20]
            .into_iter()
            .map(|w| table(w, 9, &all, 0))
            .collect();
        assert_snapshot!(shown.join("\n"));
    }

    #[test]
    fn short_keeps_the_selected_row_in_view() {
        let all = sessions();
        let shown: Vec<String> = [(6, 4), (4, 4), (3, 4), (2, 4), (1, 4)]
            .into_iter()
            .map(|(h, selected)| table(60, h, &all, selected))
            .collect();
        assert_snapshot!(shown.join("\n"));
    }

    /// Queue lengths and paused queues in their column, marked sessions
    /// marked, and the totals on the right of the header, kept as the
    /// table narrows while the status counts give way.
    #[test]
    fn queues_marks_and_totals() {
        let mut all = sessions();
        all[0].queued = 3;
        all[1].queued = 12;
        all[1].paused = true;
        all[4].paused = true;
        let marked = [all[0].id, all[4].id];
        let theme = Theme::default();
        let shown: Vec<String> = [110, 80, 50, 30, 20]
            .into_iter()
            .map(|width| {
                render(width, 9, |area, buf| {
                    SessionTable {
                        sessions: &all,
                        all: &all,
                        note: None,
                        selected: 4,
                        theme: &theme,
                        now: now(),
                        tz: TimeZone::UTC,
                        home: Some(Path::new("/home/al")),
                        marked: &marked,
                    }
                    .render(area, buf)
                })
                .to_string()
            })
            .collect();
        assert_snapshot!(shown.join("\n"));
    }

    #[test]
    fn empty() {
        assert_snapshot!(table(60, 6, &[], 0));
    }

    #[test]
    fn all_filtered_out_says_how_to_see_them() {
        let theme = Theme::default();
        let all = sessions();
        let shown = render(60, 6, |area, buf| {
            SessionTable {
                sessions: &[],
                all: &all,
                note: Some("only waiting"),
                selected: 0,
                theme: &theme,
                now: now(),
                tz: TimeZone::UTC,
                home: None,
                marked: &[],
            }
            .render(area, buf)
        });
        assert_snapshot!(shown.to_string());
    }

    #[test]
    fn selected_row_is_highlighted() {
        let theme = Theme::default();
        let all = sessions();
        let backend = render(80, 10, |area, buf| {
            SessionTable {
                sessions: &all,
                all: &all,
                note: None,
                selected: 2,
                theme: &theme,
                now: now(),
                tz: TimeZone::UTC,
                home: None,
                marked: &[],
            }
            .render(area, buf)
        });
        // Header, blank, headings, then rows: row 2 is on line 5.
        for y in 0..10 {
            let accented = backend.buffer()[(40, y)].bg == theme.accent;
            assert_eq!(accented, y == 5, "line {y}");
        }
    }

    #[test]
    fn never_panics() {
        let theme = Theme::default();
        let all = sessions();
        for (sessions, selected) in [(&all[..], 0), (&all[..], 4), (&all[..], 99), (&[][..], 0)] {
            draw_at_every_size(70, 8, |area, buf| {
                SessionTable {
                    sessions,
                    all: sessions,
                    note: None,
                    selected,
                    theme: &theme,
                    now: now(),
                    tz: TimeZone::UTC,
                    home: None,
                    marked: &[],
                }
                .render(area, buf)
            });
        }
    }
}
