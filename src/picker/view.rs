//! Drawing the picker popup. Nothing here touches the file system: all that
//! is shown was read when navigating, so a render is cheap and repeatable.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

use super::filter::Filter;
use super::listing::Listing;
use super::{Picker, Row, typed_path};
use crate::ui::theme::Theme;

/// A line of the list area: rows are selectable, the rest is not.
enum ListLine {
    Header(&'static str),
    Row(usize),
    Note(Note),
}

/// Why the list shows nothing where rows would be.
struct Note {
    text: String,
    /// Enter does nothing because of it: shown as a failure, not a hint.
    refusal: bool,
}

const GIT_TAG: &str = " git";

impl Picker {
    /// Draws the popup over `area`, which the caller has placed (centered,
    /// over the tabs). Also scrolls the list so the selection stays in view.
    pub fn render(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        Clear.render(area, buf);
        let title = fit_left(
            &typed_path::tildify(&self.dir, self.home.as_deref()),
            area.width.saturating_sub(4) as usize,
        );
        let block = Block::bordered()
            .title(Span::styled(
                format!(" {title} "),
                Style::default()
                    .fg(theme.accent)
                    .add_modifier(Modifier::BOLD),
            ))
            .border_style(Style::default().fg(theme.dim))
            .style(Style::default().fg(theme.chrome_fg).bg(theme.chrome_bg));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        let line = |y: u16| Rect {
            y,
            height: 1,
            ..inner
        };
        self.render_input(line(inner.y), buf, theme);
        // Too short for the info and hint lines: the filter and list matter more.
        let roomy = inner.height >= 4;
        let list_top = inner.y + if roomy { 2 } else { 1 };
        let list_bottom = inner.bottom() - u16::from(roomy);
        if roomy {
            self.render_info(line(inner.y + 1), buf, theme);
            self.render_hints(line(inner.bottom() - 1), buf, theme);
        }
        let list = Rect {
            y: list_top,
            height: list_bottom.saturating_sub(list_top),
            ..inner
        };
        self.render_list(list, buf, theme);
    }

    fn render_input(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let prompt = Span::styled(
            "> ",
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        );
        let cursor = Span::styled(" ", Style::default().add_modifier(Modifier::REVERSED));
        let line = if self.filter.is_empty() {
            Line::from(vec![
                prompt,
                cursor,
                Span::styled(
                    " type to filter, ~ for home, / for a path",
                    Style::default().fg(theme.dim),
                ),
            ])
        } else {
            let room = (area.width as usize).saturating_sub(3);
            Line::from(vec![
                prompt,
                Span::raw(fit_left(self.filter.query(), room)),
                cursor,
            ])
        };
        buf.set_line(area.x, area.y, &line, area.width);
    }

    /// fzf's info line: how many of the listed directories match, and how
    /// many hidden ones are left out.
    fn render_info(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let dim = Style::default().fg(theme.dim);
        let counts = match &self.listing {
            Listing::Entries(entries) => {
                let hidden_shown = self.hidden_shown();
                let shown = entries.iter().filter(|e| hidden_shown || !e.hidden).count();
                let matched = self
                    .rows
                    .iter()
                    .filter(|r| matches!(r, Row::Entry(_)))
                    .count();
                let hidden = entries.len() - shown;
                if hidden > 0 {
                    format!("  {matched}/{shown} (+{hidden} hidden) ")
                } else {
                    format!("  {matched}/{shown} ")
                }
            }
            Listing::Unreadable(_) => "  ".to_string(),
        };
        let rule = "─".repeat((area.width as usize).saturating_sub(counts.chars().count()));
        let line = Line::from(vec![Span::styled(counts, dim), Span::styled(rule, dim)]);
        buf.set_line(area.x, area.y, &line, area.width);
    }

    /// The key hints that fit, in order of importance; one that does not fit
    /// is left out whole rather than cut.
    fn render_hints(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let hidden = if self.show_hidden {
            "hide hidden"
        } else {
            "show hidden"
        };
        // What Enter starts matters more than how to move, once there is a
        // choice.
        let profile = (!self.profiles.is_empty())
            .then(|| format!("run {}", self.profile().unwrap_or("default")));
        let hints = [
            Some(("enter", "open")),
            Some(("esc", "close")),
            profile.as_deref().map(|what| ("^o", what)),
            Some(("tab", "into")),
            Some(("←", "up")),
            Some(("^t", hidden)),
        ];
        let mut spans = Vec::new();
        let mut width = 0;
        for (key, what) in hints.into_iter().flatten() {
            let gap = if spans.is_empty() { "" } else { "  " };
            let hint_width = Line::raw(format!("{gap}{key} {what}")).width();
            if width + hint_width > area.width as usize {
                continue;
            }
            width += hint_width;
            spans.push(Span::styled(
                format!("{gap}{key}"),
                Style::default().fg(theme.accent),
            ));
            spans.push(Span::styled(
                format!(" {what}"),
                Style::default().fg(theme.dim),
            ));
        }
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
    }

    fn render_list(&mut self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let lines = self.list_lines();
        let height = area.height as usize;
        self.page = height.max(1);
        self.scroll_to_selection(&lines, height);
        for (y, list_line) in (area.y..area.bottom()).zip(lines.iter().skip(self.scroll)) {
            let line_area = Rect {
                y,
                height: 1,
                ..area
            };
            match list_line {
                ListLine::Header(text) => {
                    let style = Style::default().fg(theme.dim).add_modifier(Modifier::BOLD);
                    buf.set_line(
                        line_area.x,
                        y,
                        &Line::styled(format!(" {text}"), style),
                        area.width,
                    );
                }
                ListLine::Note(note) => {
                    let color = if note.refusal {
                        theme.failed
                    } else {
                        theme.dim
                    };
                    buf.set_line(
                        line_area.x,
                        y,
                        &Line::styled(format!("  {}", note.text), Style::default().fg(color)),
                        area.width,
                    );
                }
                ListLine::Row(i) => self.render_row(*i, line_area, buf, theme),
            }
        }
    }

    /// The rows, with section headers when there are recent directories and
    /// a note where the current directory's entries would be but are not.
    fn list_lines(&self) -> Vec<ListLine> {
        let is_recent = |row: &Row| matches!(row, Row::Recent(_));
        let sectioned = self.rows.iter().any(is_recent);
        let mut lines = Vec::with_capacity(self.rows.len() + 3);
        let mut dir_header_shown = false;
        for (i, row) in self.rows.iter().enumerate() {
            let after_recent = i > 0 && is_recent(&self.rows[i - 1]);
            match row {
                Row::Recent(_) if !after_recent => lines.push(ListLine::Header("recent")),
                Row::Here | Row::Entry(_) if sectioned && !dir_header_shown => {
                    lines.push(ListLine::Header("directories"));
                    dir_header_shown = true;
                }
                _ => {}
            }
            lines.push(ListLine::Row(i));
        }
        if let Some(note) = self.note() {
            if sectioned && !dir_header_shown {
                lines.push(ListLine::Header("directories"));
            }
            lines.push(ListLine::Note(note));
        }
        lines
    }

    fn note(&self) -> Option<Note> {
        let refusal = |text: String| {
            Some(Note {
                text,
                refusal: true,
            })
        };
        let has = |pred: fn(&Row) -> bool| self.rows.iter().any(pred);
        if let Some(missing) = &self.missing
            && !has(|r| matches!(r, Row::Entry(_)))
        {
            let what = if missing.exists() {
                "not a directory"
            } else {
                "no such directory"
            };
            return Some(Note {
                text: format!(
                    "{what}: {}",
                    typed_path::tildify(missing, self.home.as_deref())
                ),
                // Recent directories may still match the filter.
                refusal: self.rows.is_empty(),
            });
        }
        if let Listing::Unreadable(reason) = &self.listing {
            return refusal(format!("cannot read: {reason}"));
        }
        let hint = |text: &str| {
            Some(Note {
                text: text.to_string(),
                refusal: false,
            })
        };
        if has(|r| matches!(r, Row::Entry(_))) || has(|r| matches!(r, Row::GoTo(_))) {
            None
        } else if self.filter.is_empty() {
            hint("no subdirectories")
        } else if self.rows.is_empty() {
            refusal("no match: nothing to open".to_string())
        } else {
            hint("no match in this directory")
        }
    }

    /// Moves `scroll` the least that brings the selected row into view,
    /// together with its section header when it is the section's first row.
    fn scroll_to_selection(&mut self, lines: &[ListLine], height: usize) {
        let Some(at) = lines
            .iter()
            .position(|l| matches!(l, ListLine::Row(i) if *i == self.selected))
        else {
            self.scroll = 0;
            return;
        };
        let top = match at.checked_sub(1).map(|i| &lines[i]) {
            Some(ListLine::Header(_)) => at - 1,
            _ => at,
        };
        if top < self.scroll {
            self.scroll = top;
        }
        if at >= self.scroll + height {
            self.scroll = at + 1 - height;
        }
        self.scroll = self.scroll.min(lines.len().saturating_sub(height));
    }

    fn render_row(&mut self, i: usize, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let selected = i == self.selected;
        let mut base = Style::default().fg(theme.chrome_fg);
        if selected {
            base = base.add_modifier(Modifier::BOLD);
        }
        let accent = Style::default()
            .fg(theme.accent)
            .add_modifier(Modifier::BOLD);
        let pointer = if selected { "> " } else { "  " };
        buf.set_span(area.x, area.y, &Span::styled(pointer, accent), area.width);

        let (label, git) = match &self.rows[i] {
            Row::GoTo(path) => {
                let target = typed_path::tildify(path, self.home.as_deref());
                (
                    Line::from(vec![
                        Span::styled("→ go to ", accent),
                        Span::styled(target, accent),
                    ]),
                    false,
                )
            }
            Row::Recent(r) => {
                let dir = &self.recent[*r];
                (
                    highlighted(&mut self.filter, &dir.label, base, accent),
                    dir.git,
                )
            }
            Row::Here => (
                Line::from(vec![
                    Span::styled(".", base),
                    Span::styled(" (this directory)", Style::default().fg(theme.dim)),
                ]),
                self.dir_is_git,
            ),
            Row::Entry(e) => {
                let Listing::Entries(entries) = &self.listing else {
                    return;
                };
                let entry = &entries[*e];
                (
                    highlighted(&mut self.names, &entry.name, base, accent),
                    entry.git,
                )
            }
        };
        let text_x = area.x + 2;
        let room = area
            .width
            .saturating_sub(2 + if git { GIT_TAG.len() as u16 } else { 0 });
        if room == 0 {
            return;
        }
        if label.width() > room as usize {
            buf.set_line(text_x, area.y, &label, room - 1);
            buf.set_span(text_x + room - 1, area.y, &Span::styled("…", base), 1);
        } else {
            buf.set_line(text_x, area.y, &label, room);
        }
        if git && area.width > GIT_TAG.len() as u16 + 2 {
            let x = area.right() - GIT_TAG.len() as u16;
            buf.set_span(
                x,
                area.y,
                &Span::styled(GIT_TAG, Style::default().fg(theme.dim)),
                GIT_TAG.len() as u16,
            );
        }
    }
}

/// `text` with the characters the filter matched in `hit` style.
fn highlighted(filter: &mut Filter, text: &str, base: Style, hit: Style) -> Line<'static> {
    let matched = if filter.is_empty() {
        Vec::new()
    } else {
        filter.matched_chars(text)
    };
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_is_hit = false;
    for (i, c) in text.chars().enumerate() {
        let is_hit = matched.binary_search(&i).is_ok();
        if is_hit != run_is_hit && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_is_hit { hit } else { base },
            ));
        }
        run_is_hit = is_hit;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_is_hit { hit } else { base }));
    }
    Line::from(spans)
}

/// `text` cut from the left, with a leading `…`, to fit `width` columns: the
/// end of a path says more than its start.
fn fit_left(text: &str, width: usize) -> String {
    if Line::raw(text).width() <= width {
        return text.to_string();
    }
    for (at, _) in text.char_indices().skip(1) {
        let tail = &text[at..];
        if Line::raw(tail).width() < width {
            return format!("…{tail}");
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::fs;

    fn draw(picker: &mut Picker, width: u16, height: u16) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| picker.render(frame.area(), frame.buffer_mut(), &Theme::default()))
            .unwrap();
        terminal
    }

    fn press(picker: &mut Picker, code: KeyCode) {
        picker.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    fn type_text(picker: &mut Picker, text: &str) {
        text.chars().for_each(|c| press(picker, KeyCode::Char(c)));
    }

    /// home (the temp dir, shown as `~` so snapshots do not depend on it):
    ///   src/ ccmux (git), dotfiles (git), Notes, scratch, .cache
    ///   work/
    /// recent: ~/work, ~/src/ccmux, and ~/gone which no longer exists.
    fn picker() -> (tempfile::TempDir, Picker) {
        let tmp = tempfile::tempdir().unwrap();
        for dir in [
            "src/ccmux/.git",
            "src/dotfiles/.git",
            "src/Notes",
            "src/scratch",
            "src/.cache",
            "work",
        ] {
            fs::create_dir_all(tmp.path().join(dir)).unwrap();
        }
        let recent = ["work", "src/ccmux", "gone"]
            .iter()
            .map(|d| tmp.path().join(d))
            .collect();
        let picker = Picker::new(
            tmp.path().join("src"),
            recent,
            false,
            Some(tmp.path().into()),
        );
        (tmp, picker)
    }

    #[test]
    fn recent_section_then_this_directory_then_entries() {
        let (_tmp, mut picker) = picker();
        insta::assert_snapshot!(draw(&mut picker, 60, 20).backend());
    }

    #[test]
    fn filter_shows_matches_best_first() {
        let (_tmp, mut picker) = picker();
        type_text(&mut picker, "cm");
        insta::assert_snapshot!(draw(&mut picker, 60, 14).backend());
    }

    #[test]
    fn matched_characters_are_highlighted() {
        let (_tmp, mut picker) = picker();
        type_text(&mut picker, "cx");
        let terminal = draw(&mut picker, 60, 14);
        let buf = terminal.backend().buffer();
        // Row 3 is the "recent" header, row 4 `~/src/ccmux`, text from column 3.
        let row: String = (3..14).map(|x| buf[(x, 4)].symbol()).collect();
        assert_eq!(row, "~/src/ccmux");
        let accent: Vec<bool> = (3..14)
            .map(|x| buf[(x, 4)].fg == Theme::default().accent)
            .collect();
        let expected: Vec<bool> = "~/src/ccmux"
            .chars()
            .enumerate()
            .map(|(i, _)| i == 6 || i == 10)
            .collect();
        assert_eq!(accent, expected);
    }

    #[test]
    fn hidden_directories_shown_on_request() {
        let (_tmp, mut picker) = picker();
        picker.handle_key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL));
        insta::assert_snapshot!(draw(&mut picker, 60, 16).backend());
    }

    #[test]
    fn a_typed_path_is_offered() {
        let (_tmp, mut picker) = picker();
        type_text(&mut picker, "../work");
        insta::assert_snapshot!(draw(&mut picker, 60, 10).backend());
    }

    #[test]
    fn a_typed_home_path_comes_before_matching_recent_directories() {
        let (_tmp, mut picker) = picker();
        type_text(&mut picker, "~/src/ccmux");
        insta::assert_snapshot!(draw(&mut picker, 60, 10).backend());
    }

    #[test]
    fn no_match_says_nothing_opens() {
        let (_tmp, mut picker) = picker();
        type_text(&mut picker, "zzz");
        insta::assert_snapshot!(draw(&mut picker, 60, 8).backend());
    }

    #[test]
    fn a_mistyped_path_says_there_is_no_such_directory() {
        let (_tmp, mut picker) = picker();
        // `work` is a recent directory, and `~/wrok` fuzzy-matches it.
        type_text(&mut picker, "~/wrok");
        insta::assert_snapshot!(draw(&mut picker, 60, 8).backend());
    }

    #[test]
    fn an_exact_name_is_selected_below_recent_matches() {
        let (tmp, mut picker) = picker();
        fs::create_dir(tmp.path().join("src/work")).unwrap();
        press(&mut picker, KeyCode::Left);
        press(&mut picker, KeyCode::Right); // read src again
        type_text(&mut picker, "work");
        insta::assert_snapshot!(draw(&mut picker, 60, 10).backend());
    }

    #[test]
    fn the_footer_shows_the_profile_enter_starts() {
        let (_tmp, picker) = picker();
        let mut picker = picker.with_profiles(vec!["shell".into(), "tests".into()]);
        let first = draw(&mut picker, 60, 6).backend().to_string();
        picker.handle_key(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL));
        let second = draw(&mut picker, 60, 6).backend().to_string();
        insta::assert_snapshot!(format!("{first}\n{second}"));
    }

    #[test]
    fn numbered_directories_sort_as_numbers() {
        let tmp = tempfile::tempdir().unwrap();
        for dir in ["d10", "d9", "d1", "d2", "d11"] {
            fs::create_dir(tmp.path().join(dir)).unwrap();
        }
        let mut picker = Picker::new(
            tmp.path().into(),
            Vec::new(),
            false,
            Some(tmp.path().into()),
        );
        insta::assert_snapshot!(draw(&mut picker, 30, 11).backend());
    }

    #[test]
    fn an_unreadable_directory_shows_the_reason() {
        let (tmp, mut picker) = picker();
        fs::remove_dir(tmp.path().join("src/scratch")).unwrap();
        type_text(&mut picker, "scr");
        press(&mut picker, KeyCode::Tab);
        insta::assert_snapshot!(draw(&mut picker, 60, 12).backend());
    }

    #[test]
    fn the_list_scrolls_to_the_selection_and_long_titles_keep_their_end() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp
            .path()
            .join("a-rather-long-directory-name/and-another-one");
        for i in 0..30 {
            fs::create_dir_all(deep.join(format!("dir{i:02}"))).unwrap();
        }
        let mut picker = Picker::new(deep, Vec::new(), false, Some(tmp.path().into()));
        press(&mut picker, KeyCode::End);
        press(&mut picker, KeyCode::Up);
        insta::assert_snapshot!(draw(&mut picker, 36, 10).backend());
        // Back at the top, the view follows.
        press(&mut picker, KeyCode::Home);
        insta::assert_snapshot!(draw(&mut picker, 36, 10).backend());
    }

    #[test]
    fn page_keys_move_by_what_the_last_render_showed() {
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..30 {
            fs::create_dir(tmp.path().join(format!("dir{i:02}"))).unwrap();
        }
        let mut picker = Picker::new(tmp.path().into(), Vec::new(), false, None);
        draw(&mut picker, 40, 10); // borders, filter, info and hints leave 5 lines
        assert_eq!(picker.page, 5);
        press(&mut picker, KeyCode::PageDown);
        assert_eq!(picker.selected, 5);
    }

    #[test]
    fn any_size_renders_without_panicking() {
        let (_tmp, mut picker) = picker();
        type_text(&mut picker, "s");
        for width in 0..24 {
            for height in 0..10 {
                draw(&mut picker, width, height);
            }
        }
    }
}
