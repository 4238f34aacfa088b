//! The directory picker: browse to a directory (or type its path, or pick a
//! recent one) and start a session there.
//!
//! The list is, top to bottom: a "go to <path>" row when the filter reads as an
//! existing directory path, the recent directories that match the filter, then
//! `. (this directory)` (while the filter is empty) and the
//! current directory's subdirectories that match, best matches first. A
//! subdirectory whose name is exactly the filter is selected over better-ranked
//! recent ones: it is what was typed. Enter starts a session in the selected
//! row's directory, and nowhere when nothing is selected: an agent that edits
//! files must never start in a place the user did not pick. A filter that reads
//! as a path naming no directory lists nothing and says so, unless the path
//! leads into the directory shown: then its last part filters the list, as a
//! shell completes (`~/proj` at home). The file system is read once per
//! navigation; filtering and rendering work on what was read.
//!
//! Keys, for fzf and shell habits: typing filters (fzf syntax, smart case);
//! Up/Down, Ctrl-P/Ctrl-N, PageUp/PageDown, Home/End select; Enter opens (or,
//! on "go to", goes there); Tab or Right enters the selected directory; Left,
//! or Backspace on an empty filter, goes up; `~` on an empty filter goes home
//! (and a `/` right after it makes the filter `~/`, so `~/src/x` typed by habit
//! is that path); Ctrl-U clears the filter and Ctrl-W or Alt-Backspace deletes
//! a word; Ctrl-T (or Alt-H; Ctrl-H is Backspace on many terminals) toggles
//! hidden directories; Ctrl-O cycles through the config's profiles (what the
//! session runs), the default first; Esc, Ctrl-C or Ctrl-G closes.

mod filter;
mod listing;
mod recent;
mod typed_path;
mod view;

use std::path::{Path, PathBuf};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use filter::Filter as FuzzyFilter;
use filter::Filter;
use listing::Listing;
pub use recent::RecentDirs;

/// What the caller should do after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerOutcome {
    Pending,
    Cancel,
    /// Start (or focus) a session in `dir`, running `profile`: a name from
    /// the config's `[profiles]`, or `None` for the default one.
    Open {
        dir: PathBuf,
        profile: Option<String>,
    },
}

/// One selectable line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Row {
    /// The filter names this existing directory.
    GoTo(PathBuf),
    /// Index into `Picker::recent`.
    Recent(usize),
    /// The current directory itself.
    Here,
    /// Index into the listing's entries, which stay put between filters so
    /// that a row keeps its identity when the hidden toggle rebuilds the list.
    Entry(usize),
}

struct RecentDir {
    path: PathBuf,
    /// The path with home as `~`: what is shown and what the filter matches,
    /// so highlighted positions line up with what is drawn.
    label: String,
    git: bool,
}

pub struct Picker {
    dir: PathBuf,
    home: Option<PathBuf>,
    show_hidden: bool,
    recent: Vec<RecentDir>,
    listing: Listing,
    dir_is_git: bool,
    /// What was typed; recent directories are matched against it.
    filter: Filter,
    /// What subdirectory names are matched against: the filter, or the last
    /// part of a typed path into the directory shown (`extra` of `~/extra`
    /// at home).
    names: Filter,
    rows: Vec<Row>,
    /// Index into `rows`; meaningless while `rows` is empty.
    selected: usize,
    /// First list line drawn; render moves it to keep the selection visible.
    scroll: usize,
    /// List lines the last render had room for: the PageUp/PageDown step.
    page: usize,
    /// The last key was a `~` that went home: a `/` now is the rest of a
    /// typed `~/`, and must not start an absolute path.
    went_home: bool,
    /// The filter reads as a path, and nothing is there (or not a directory).
    missing: Option<PathBuf>,
    /// The config's profile names; Ctrl-O cycles through them.
    profiles: Vec<String>,
    /// Index into `profiles` of the one Enter starts; `None` is the default.
    profile: Option<usize>,
}

impl Picker {
    /// `recent` is most recent first; those that are no longer directories
    /// are left out. `home` is shown as `~` and is where `~` jumps to.
    pub fn new(
        start: PathBuf,
        recent: Vec<PathBuf>,
        show_hidden: bool,
        home: Option<PathBuf>,
    ) -> Self {
        let recent = recent
            .into_iter()
            .filter(|path| path.is_dir())
            .map(|path| RecentDir {
                label: typed_path::tildify(&path, home.as_deref()),
                git: listing::is_git_repo(&path),
                path,
            })
            .collect();
        let start = std::path::absolute(&start).unwrap_or(start);
        let mut picker = Self {
            dir: PathBuf::new(),
            home,
            show_hidden,
            recent,
            listing: Listing::Entries(Vec::new()),
            dir_is_git: false,
            filter: Filter::new(),
            names: Filter::new(),
            rows: Vec::new(),
            selected: 0,
            scroll: 0,
            page: 10,
            went_home: false,
            missing: None,
            profiles: Vec::new(),
            profile: None,
        };
        picker.go_to(typed_path::normalize(&start), None);
        // On opening, the most recent directory is the likeliest target;
        // after a navigation it is the directory navigated to.
        picker.selected = 0;
        picker
    }

    /// Offers the config's named profiles besides the default one (which
    /// stays selected until Ctrl-O picks another).
    pub fn with_profiles(mut self, names: Vec<String>) -> Self {
        self.profiles = names;
        self.profile = None;
        self
    }

    /// The profile Enter starts, `None` for the default.
    pub fn profile(&self) -> Option<&str> {
        self.profile.map(|i| self.profiles[i].as_str())
    }

    pub fn current_dir(&self) -> &Path {
        &self.dir
    }

    /// Whether hidden directories are shown now, for the caller to remember
    /// the user's last choice.
    pub fn show_hidden(&self) -> bool {
        self.show_hidden
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> PickerOutcome {
        if key.kind == KeyEventKind::Release {
            return PickerOutcome::Pending;
        }
        let went_home = std::mem::take(&mut self.went_home);
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Esc => return PickerOutcome::Cancel,
            KeyCode::Char('c' | 'g') if ctrl => return PickerOutcome::Cancel,
            KeyCode::Enter => return self.enter(),
            KeyCode::Tab | KeyCode::Right => self.descend(),
            KeyCode::Left => self.up(),
            KeyCode::Backspace if alt => self.delete_word(),
            KeyCode::Backspace => self.backspace(),
            KeyCode::Up => self.move_selection(-1),
            KeyCode::Down => self.move_selection(1),
            KeyCode::Char('p') if ctrl => self.move_selection(-1),
            KeyCode::Char('n') if ctrl => self.move_selection(1),
            KeyCode::PageUp => self.move_selection(-(self.page as isize)),
            KeyCode::PageDown => self.move_selection(self.page as isize),
            KeyCode::Home => self.selected = 0,
            KeyCode::End => self.selected = self.rows.len().saturating_sub(1),
            KeyCode::Char('t') if ctrl => self.toggle_hidden(),
            KeyCode::Char('o') if ctrl => self.next_profile(),
            KeyCode::Char('h') if alt => self.toggle_hidden(),
            KeyCode::Char('u') if ctrl => self.set_filter(String::new()),
            KeyCode::Char('w') if ctrl => self.delete_word(),
            KeyCode::Char('/') if went_home && self.filter.is_empty() => {
                self.set_filter("~/".to_string());
            }
            KeyCode::Char(c) if !ctrl && !alt => self.type_char(c),
            _ => {}
        }
        PickerOutcome::Pending
    }

    /// Pasted text goes into the filter: its first non-blank line, without
    /// control characters, so a path copied with its newline still works.
    pub fn handle_paste(&mut self, text: &str) {
        let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let mut query = self.filter.query().to_string();
        query.extend(line.chars().filter(|c| !c.is_control()));
        self.set_filter(query);
    }

    /// Opens the selected row. With nothing listed (no match, a typed path
    /// that names nothing, an unreadable directory) nothing is opened: the
    /// note on screen says why.
    fn enter(&mut self) -> PickerOutcome {
        match self.rows.get(self.selected).cloned() {
            Some(Row::GoTo(path)) => {
                self.go_to(path, None);
                PickerOutcome::Pending
            }
            Some(Row::Recent(i)) => self.open(self.recent[i].path.clone()),
            Some(Row::Entry(i)) => self.open(self.entries()[i].path.clone()),
            // Listed only when the directory could be read.
            Some(Row::Here) => self.open(self.dir.clone()),
            None => PickerOutcome::Pending,
        }
    }

    fn open(&self, dir: PathBuf) -> PickerOutcome {
        PickerOutcome::Open {
            dir,
            profile: self.profile().map(str::to_string),
        }
    }

    /// The default, then each named profile, then the default again.
    fn next_profile(&mut self) {
        self.profile = match self.profile {
            None if !self.profiles.is_empty() => Some(0),
            Some(i) if i + 1 < self.profiles.len() => Some(i + 1),
            _ => None,
        };
    }

    fn descend(&mut self) {
        let target = match self.rows.get(self.selected) {
            Some(Row::GoTo(path)) => path.clone(),
            Some(Row::Recent(i)) => self.recent[*i].path.clone(),
            Some(Row::Entry(i)) => self.entries()[*i].path.clone(),
            Some(Row::Here) | None => return,
        };
        self.go_to(target, None);
    }

    /// To the parent, with the directory we came from selected.
    fn up(&mut self) {
        if let Some(parent) = self.dir.parent() {
            let from = self.dir.clone();
            self.go_to(parent.to_path_buf(), Some(&from));
        }
    }

    fn backspace(&mut self) {
        let mut query = self.filter.query().to_string();
        if query.pop().is_some() {
            self.set_filter(query);
        } else {
            self.up();
        }
    }

    /// Deletes back to the previous space or `/`, so `~/src/foo` becomes
    /// `~/src/` and then `~/`.
    fn delete_word(&mut self) {
        let is_separator = |c: char| c.is_whitespace() || c == '/';
        let query = self.filter.query();
        let kept = query
            .trim_end_matches(is_separator)
            .trim_end_matches(|c| !is_separator(c));
        self.set_filter(kept.to_string());
    }

    fn type_char(&mut self, c: char) {
        if c == '~' && self.filter.is_empty() {
            if let Some(home) = self.home.clone() {
                self.go_to(home, None);
                self.went_home = true;
                return;
            }
        }
        let mut query = self.filter.query().to_string();
        query.push(c);
        self.set_filter(query);
    }

    fn set_filter(&mut self, query: String) {
        self.filter.set_query(query);
        self.refresh_rows();
        self.selected = self.exact_name_row().unwrap_or(0);
    }

    /// The row of the subdirectory named exactly what was typed (ignoring case
    /// while the filter is all lower case, as the matching does), which wins
    /// over recent directories that rank higher by merely containing it.
    fn exact_name_row(&self) -> Option<usize> {
        let query = self.names.query();
        let entries = self.entries();
        let name_of = |row: &Row| match row {
            Row::Entry(i) => Some(entries[*i].name.as_str()),
            _ => None,
        };
        let smart_case = !query.chars().any(char::is_uppercase);
        self.rows
            .iter()
            .position(|row| name_of(row) == Some(query))
            .or_else(|| {
                self.rows.iter().position(|row| {
                    smart_case && name_of(row).is_some_and(|name| name.to_lowercase() == query)
                })
            })
    }

    fn toggle_hidden(&mut self) {
        let selected = self.rows.get(self.selected).cloned();
        self.show_hidden = !self.show_hidden;
        self.refresh_rows();
        self.selected = selected
            .and_then(|row| self.rows.iter().position(|r| *r == row))
            .unwrap_or(0);
    }

    fn move_selection(&mut self, by: isize) {
        let last = self.rows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(by).min(last);
    }

    /// Reads `dir` and shows it unfiltered, selecting the entry at `select`
    /// if it is listed, else the directory itself.
    fn go_to(&mut self, dir: PathBuf, select: Option<&Path>) {
        self.listing = listing::read(&dir);
        self.dir_is_git = listing::is_git_repo(&dir);
        self.dir = dir;
        self.filter.set_query(String::new());
        self.refresh_rows();
        let entries = self.entries();
        self.selected = self
            .rows
            .iter()
            .position(|row| match (row, select) {
                (Row::Entry(i), Some(path)) => entries[*i].path == path,
                (Row::Here, None) => true,
                _ => false,
            })
            .or_else(|| self.rows.iter().position(|row| *row == Row::Here))
            .unwrap_or(0);
        self.scroll = 0;
    }

    fn entries(&self) -> &[listing::Entry] {
        match &self.listing {
            Listing::Entries(entries) => entries,
            Listing::Unreadable(_) => &[],
        }
    }

    /// Whether hidden entries pass. A filter starting with `.` (and not a
    /// path like `../x`) is looking for hidden ones, whatever the setting.
    fn hidden_shown(&self) -> bool {
        let query = self.names.query();
        self.show_hidden || (query.starts_with('.') && !query.contains('/'))
    }

    fn refresh_rows(&mut self) {
        let mut rows = Vec::new();
        self.missing = None;
        let query = self.filter.query();
        let mut names = query;
        // A typed path is offered even when it names the current directory
        // (`~/` at home): going there clears the filter and selects `.`.
        match typed_path::resolve(query, &self.dir, self.home.as_deref()) {
            Some(target) if target.is_dir() => rows.push(Row::GoTo(target)),
            Some(target) => {
                match typed_path::last_part_here(query, &target, &self.dir) {
                    // A path into the directory shown: its last part filters
                    // the list, as if typed alone.
                    Some(last) => names = last,
                    // What was typed is a place, and it is not there: fuzzy
                    // matches elsewhere would only be a wrong place to start.
                    None => {
                        self.missing = Some(target);
                        self.rows = rows;
                        return;
                    }
                }
                self.missing = Some(target);
            }
            None => {}
        }
        if self.names.query() != names {
            self.names.set_query(names.to_string());
        }
        let recent = self
            .recent
            .iter()
            .enumerate()
            .filter_map(|(i, dir)| self.filter.score(&dir.label).map(|score| (i, score)))
            .collect();
        rows.extend(ranked(recent).map(Row::Recent));
        let hidden_shown = self.hidden_shown();
        if let Listing::Entries(entries) = &self.listing {
            if self.filter.is_empty() {
                rows.push(Row::Here);
            }
            let filter = &mut self.names;
            let scored = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| hidden_shown || !e.hidden)
                .filter_map(|(i, e)| filter.score(&e.name).map(|score| (i, score)))
                .collect();
            rows.extend(ranked(scored).map(Row::Entry));
        }
        self.rows = rows;
    }
}

/// Best score first; equal scores keep their listing order (a stable sort),
/// so an empty filter shows everything as listed.
fn ranked(mut scored: Vec<(usize, u32)>) -> impl Iterator<Item = usize> {
    scored.sort_by_key(|(_, score)| std::cmp::Reverse(*score));
    scored.into_iter().map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn press(picker: &mut Picker, code: KeyCode) -> PickerOutcome {
        picker.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    /// Opening `dir` with the default profile.
    fn open(dir: PathBuf) -> PickerOutcome {
        PickerOutcome::Open { dir, profile: None }
    }

    fn press_with(picker: &mut Picker, modifiers: KeyModifiers, c: char) -> PickerOutcome {
        picker.handle_key(KeyEvent::new(KeyCode::Char(c), modifiers))
    }

    fn type_text(picker: &mut Picker, text: &str) {
        for c in text.chars() {
            press(picker, KeyCode::Char(c));
        }
    }

    /// The rows as a person reads them.
    fn rows(picker: &Picker) -> Vec<String> {
        picker
            .rows
            .iter()
            .map(|row| describe(picker, row))
            .collect()
    }

    fn selected(picker: &Picker) -> String {
        describe(picker, &picker.rows[picker.selected])
    }

    fn describe(picker: &Picker, row: &Row) -> String {
        match row {
            Row::GoTo(path) => format!(
                "go to {}",
                typed_path::tildify(path, picker.home.as_deref())
            ),
            Row::Recent(i) => format!("recent {}", picker.recent[*i].label),
            Row::Here => ".".to_string(),
            Row::Entry(i) => picker.entries()[*i].name.clone(),
        }
    }

    /// home/
    ///   projects/ alpha (git), Beta, gamma, .dots
    ///   notes/
    fn tree() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        for dir in [
            "projects/alpha/.git",
            "projects/Beta",
            "projects/gamma",
            "projects/.dots",
            "notes",
        ] {
            fs::create_dir_all(tmp.path().join(dir)).unwrap();
        }
        fs::write(tmp.path().join("projects/readme"), "").unwrap();
        tmp
    }

    fn picker_in(tmp: &tempfile::TempDir, dir: &str, recent: &[&str]) -> Picker {
        let recent = recent.iter().map(|r| tmp.path().join(r)).collect();
        Picker::new(
            tmp.path().join(dir),
            recent,
            false,
            Some(tmp.path().to_path_buf()),
        )
    }

    #[test]
    fn lists_subdirectories_after_this_directory() {
        let tmp = tree();
        let picker = picker_in(&tmp, "projects", &[]);
        assert_eq!(rows(&picker), [".", "alpha", "Beta", "gamma"]);
        assert_eq!(selected(&picker), ".");
        assert!(picker.entries()[1].git, "alpha is a git repository");
        assert_eq!(picker.current_dir(), tmp.path().join("projects"));
    }

    #[test]
    fn hidden_toggle_keeps_the_selection() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &[]);
        press(&mut picker, KeyCode::Down);
        press(&mut picker, KeyCode::Down);
        assert_eq!(selected(&picker), "Beta");
        press_with(&mut picker, KeyModifiers::CONTROL, 't');
        assert!(picker.show_hidden());
        assert_eq!(rows(&picker), [".", ".dots", "alpha", "Beta", "gamma"]);
        assert_eq!(selected(&picker), "Beta");
        press_with(&mut picker, KeyModifiers::ALT, 'h');
        assert!(!picker.show_hidden());
        assert_eq!(rows(&picker), [".", "alpha", "Beta", "gamma"]);
    }

    #[test]
    fn a_filter_starting_with_a_dot_finds_hidden_directories() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &[]);
        type_text(&mut picker, ".do");
        assert_eq!(rows(&picker), [".dots"]);
    }

    #[test]
    fn recent_directories_come_first_and_vanished_ones_are_skipped() {
        let tmp = tree();
        let picker = picker_in(&tmp, "projects", &["notes", "gone", "projects/gamma"]);
        assert_eq!(
            rows(&picker),
            [
                "recent ~/notes",
                "recent ~/projects/gamma",
                ".",
                "alpha",
                "Beta",
                "gamma"
            ]
        );
        // Opening, the most recent is the likeliest choice.
        assert_eq!(selected(&picker), "recent ~/notes");
    }

    #[test]
    fn filter_ranks_best_matches_first_in_each_section() {
        let tmp = tempfile::tempdir().unwrap();
        for dir in ["cool-mode", "ccmux", "scratch", "Cmx"] {
            fs::create_dir(tmp.path().join(dir)).unwrap();
        }
        let recent = vec![tmp.path().join("scratch"), tmp.path().join("ccmux")];
        let mut picker = Picker::new(tmp.path().into(), recent, false, Some(tmp.path().into()));
        type_text(&mut picker, "cm");
        assert_eq!(
            rows(&picker),
            ["recent ~/ccmux", "Cmx", "cool-mode", "ccmux"]
        );
        assert_eq!(selected(&picker), "recent ~/ccmux");
        // Smart case: an upper-case letter makes the filter case-sensitive.
        press_with(&mut picker, KeyModifiers::CONTROL, 'u');
        type_text(&mut picker, "Cm");
        assert_eq!(rows(&picker), ["Cmx"]);
    }

    #[test]
    fn descending_clears_the_filter_and_going_up_selects_where_we_were() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "", &[]);
        type_text(&mut picker, "proj");
        assert_eq!(press(&mut picker, KeyCode::Tab), PickerOutcome::Pending);
        assert_eq!(picker.current_dir(), tmp.path().join("projects"));
        assert_eq!(picker.filter.query(), "");
        press(&mut picker, KeyCode::Down);
        press(&mut picker, KeyCode::Right);
        assert_eq!(picker.current_dir(), tmp.path().join("projects/alpha"));
        press(&mut picker, KeyCode::Backspace);
        assert_eq!(picker.current_dir(), tmp.path().join("projects"));
        assert_eq!(selected(&picker), "alpha");
        press(&mut picker, KeyCode::Left);
        assert_eq!(picker.current_dir(), tmp.path());
        assert_eq!(selected(&picker), "projects");
    }

    #[test]
    fn backspace_edits_a_filter_before_going_up() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &[]);
        type_text(&mut picker, "ga");
        press(&mut picker, KeyCode::Backspace);
        assert_eq!(picker.filter.query(), "g");
        press(&mut picker, KeyCode::Backspace);
        assert_eq!(picker.current_dir(), tmp.path().join("projects"));
        press(&mut picker, KeyCode::Backspace);
        assert_eq!(picker.current_dir(), tmp.path());
    }

    #[test]
    fn going_up_at_the_root_stays_there() {
        let mut picker = Picker::new("/".into(), Vec::new(), false, None);
        press(&mut picker, KeyCode::Left);
        press(&mut picker, KeyCode::Backspace);
        assert_eq!(picker.current_dir(), Path::new("/"));
    }

    #[test]
    fn tilde_on_an_empty_filter_jumps_home() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects/alpha", &[]);
        press(&mut picker, KeyCode::Char('~'));
        assert_eq!(picker.current_dir(), tmp.path());
        assert_eq!(picker.filter.query(), "");
        // Later in a filter it is just a character.
        type_text(&mut picker, "a~");
        assert_eq!(picker.filter.query(), "a~");
    }

    #[test]
    fn typing_a_home_path_by_habit_works() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects/alpha", &[]);
        type_text(&mut picker, "~/projects/gamma");
        assert_eq!(picker.current_dir(), tmp.path());
        assert_eq!(picker.filter.query(), "~/projects/gamma");
        assert_eq!(rows(&picker), ["go to ~/projects/gamma"]);
        // Only right after the jump: later a leading `/` is the root.
        press_with(&mut picker, KeyModifiers::CONTROL, 'u');
        press(&mut picker, KeyCode::Char('~'));
        press(&mut picker, KeyCode::Down);
        press(&mut picker, KeyCode::Char('/'));
        assert_eq!(picker.filter.query(), "/");
    }

    #[test]
    fn tilde_without_a_home_is_just_a_character() {
        let tmp = tree();
        let mut picker = Picker::new(tmp.path().into(), Vec::new(), false, None);
        press(&mut picker, KeyCode::Char('~'));
        assert_eq!(picker.filter.query(), "~");
        assert_eq!(picker.current_dir(), tmp.path());
    }

    #[test]
    fn a_typed_path_is_offered_and_enter_goes_there() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects/alpha", &[]);
        type_text(&mut picker, "../gamma");
        assert_eq!(rows(&picker), ["go to ~/projects/gamma"]);
        assert_eq!(press(&mut picker, KeyCode::Enter), PickerOutcome::Pending);
        assert_eq!(picker.current_dir(), tmp.path().join("projects/gamma"));
        assert_eq!(picker.filter.query(), "");

        let absolute = tmp.path().join("notes");
        type_text(&mut picker, absolute.to_str().unwrap());
        assert_eq!(rows(&picker), ["go to ~/notes"]);
        press(&mut picker, KeyCode::Tab);
        assert_eq!(picker.current_dir(), absolute);
    }

    #[test]
    fn a_typed_path_that_is_not_a_directory_is_not_offered() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &[]);
        type_text(&mut picker, "./readme");
        assert!(rows(&picker).is_empty());
        type_text(&mut picker, "/nope");
        assert!(rows(&picker).is_empty());
    }

    #[test]
    fn pasted_paths_go_into_the_filter_without_their_newline() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "notes", &[]);
        picker.handle_paste("~/projects/Beta\n");
        assert_eq!(picker.filter.query(), "~/projects/Beta");
        assert_eq!(rows(&picker), ["go to ~/projects/Beta"]);
        press(&mut picker, KeyCode::Enter);
        assert_eq!(picker.current_dir(), tmp.path().join("projects/Beta"));
    }

    #[test]
    fn enter_opens_the_selected_directory() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &["notes"]);
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            open(tmp.path().join("notes"))
        );
        press(&mut picker, KeyCode::Down);
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            open(tmp.path().join("projects"))
        );
        type_text(&mut picker, "gam");
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            open(tmp.path().join("projects/gamma"))
        );
    }

    #[test]
    fn enter_with_nothing_matching_opens_nothing() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &[]);
        type_text(&mut picker, "zzz");
        assert!(rows(&picker).is_empty());
        assert_eq!(press(&mut picker, KeyCode::Enter), PickerOutcome::Pending);
        assert_eq!(picker.current_dir(), tmp.path().join("projects"));
    }

    /// `/tmp/x/wbe` for `/tmp/x/web` must not start a session in the
    /// picker's current directory, nor in a recent one that fuzzy-matches.
    #[test]
    fn a_mistyped_path_opens_nothing() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &["projects/gamma"]);
        let typo = tmp.path().join("projects/gmama");
        type_text(&mut picker, typo.to_str().unwrap());
        assert_eq!(picker.missing, Some(typo));
        assert!(rows(&picker).is_empty());
        assert_eq!(press(&mut picker, KeyCode::Enter), PickerOutcome::Pending);
        assert_eq!(press(&mut picker, KeyCode::Tab), PickerOutcome::Pending);
        assert_eq!(picker.current_dir(), tmp.path().join("projects"));
        // Relative and home paths alike; a file is not a directory either.
        for typed in ["../nots", "~/projects/readme"] {
            press_with(&mut picker, KeyModifiers::CONTROL, 'u');
            type_text(&mut picker, typed);
            assert!(picker.missing.is_some(), "{typed}");
            assert_eq!(press(&mut picker, KeyCode::Enter), PickerOutcome::Pending);
        }
        // Fixing the typo offers the place again.
        press_with(&mut picker, KeyModifiers::CONTROL, 'u');
        type_text(&mut picker, "~/notes");
        assert_eq!(picker.missing, None);
        assert_eq!(rows(&picker), ["go to ~/notes"]);
    }

    /// Typing `many` in a directory that has `many` opens it, not the recent
    /// `many/d1` that the filter also matches and that is listed first.
    #[test]
    fn an_exact_local_name_beats_recent_directories() {
        let tmp = tempfile::tempdir().unwrap();
        for dir in ["x/many/d1", "x/manyother", "x/Many"] {
            fs::create_dir_all(tmp.path().join(dir)).unwrap();
        }
        let recent = vec![tmp.path().join("x/many/d1")];
        let mut picker = Picker::new(tmp.path().join("x"), recent, false, None);
        type_text(&mut picker, "many");
        assert_eq!(
            rows(&picker)[0],
            format!("recent {}", tmp.path().join("x/many/d1").display())
        );
        assert_eq!(selected(&picker), "many");
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            open(tmp.path().join("x/many"))
        );
        // Smart case: `Many` names the other one; `MANY` names none, and the
        // best match is selected as usual.
        press_with(&mut picker, KeyModifiers::CONTROL, 'u');
        type_text(&mut picker, "Many");
        assert_eq!(selected(&picker), "Many");
        press_with(&mut picker, KeyModifiers::CONTROL, 'u');
        type_text(&mut picker, "man");
        assert_eq!(picker.selected, 0);
    }

    /// `~/proj` at home, or `../gam` one level down, is a path whose last
    /// part filters the directory it is in, when that is the one shown.
    #[test]
    fn a_path_into_the_directory_shown_filters_it_by_its_last_part() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &[]);
        press(&mut picker, KeyCode::Char('~'));
        type_text(&mut picker, "/proj");
        assert_eq!(picker.filter.query(), "~/proj");
        assert_eq!(rows(&picker), ["projects"]);
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            open(tmp.path().join("projects"))
        );
        // Elsewhere than the directory shown, a missing path is refused.
        press_with(&mut picker, KeyModifiers::CONTROL, 'u');
        type_text(&mut picker, "projects/gam");
        assert!(rows(&picker).is_empty());
        assert_eq!(press(&mut picker, KeyCode::Enter), PickerOutcome::Pending);
    }

    #[test]
    fn tilde_then_a_path_is_that_path() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects/alpha", &["projects"]);
        press(&mut picker, KeyCode::Char('~'));
        type_text(&mut picker, "/projects/gamma");
        assert_eq!(picker.filter.query(), "~/projects/gamma");
        assert_eq!(rows(&picker), ["go to ~/projects/gamma"]);
        // Missing, it opens nothing (rather than home, where `~` went).
        press_with(&mut picker, KeyModifiers::CONTROL, 'u');
        press(&mut picker, KeyCode::Char('~'));
        type_text(&mut picker, "/src/x");
        assert_eq!(picker.filter.query(), "~/src/x");
        assert_eq!(press(&mut picker, KeyCode::Enter), PickerOutcome::Pending);
        // `~/` alone names home, where the picker already is.
        press_with(&mut picker, KeyModifiers::CONTROL, 'u');
        press(&mut picker, KeyCode::Char('~'));
        press(&mut picker, KeyCode::Char('/'));
        assert_eq!(selected(&picker), "go to ~");
        press(&mut picker, KeyCode::Enter);
        assert_eq!(picker.filter.query(), "");
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            open(tmp.path().to_path_buf())
        );
    }

    #[test]
    fn esc_and_ctrl_c_cancel_without_side_effects() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &[]);
        type_text(&mut picker, "al");
        assert_eq!(press(&mut picker, KeyCode::Esc), PickerOutcome::Cancel);
        assert_eq!(
            press_with(&mut picker, KeyModifiers::CONTROL, 'c'),
            PickerOutcome::Cancel
        );
        assert_eq!(picker.current_dir(), tmp.path().join("projects"));
    }

    #[test]
    fn selection_moves_and_stops_at_the_ends() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &[]);
        press(&mut picker, KeyCode::Up);
        assert_eq!(selected(&picker), ".");
        press_with(&mut picker, KeyModifiers::CONTROL, 'n');
        assert_eq!(selected(&picker), "alpha");
        press_with(&mut picker, KeyModifiers::CONTROL, 'p');
        assert_eq!(selected(&picker), ".");
        press(&mut picker, KeyCode::PageDown);
        assert_eq!(selected(&picker), "gamma");
        press(&mut picker, KeyCode::PageUp);
        assert_eq!(selected(&picker), ".");
        press(&mut picker, KeyCode::End);
        assert_eq!(selected(&picker), "gamma");
        press(&mut picker, KeyCode::Home);
        assert_eq!(selected(&picker), ".");
    }

    #[test]
    fn key_releases_are_ignored() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &[]);
        let mut release = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        picker.handle_key(release);
        assert_eq!(picker.filter.query(), "");
    }

    #[test]
    fn ctrl_w_deletes_back_to_a_space_or_slash() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &[]);
        type_text(&mut picker, "../src/foo");
        press_with(&mut picker, KeyModifiers::CONTROL, 'w');
        assert_eq!(picker.filter.query(), "../src/");
        press_with(&mut picker, KeyModifiers::CONTROL, 'w');
        assert_eq!(picker.filter.query(), "../");
    }

    #[test]
    fn a_vanished_directory_shows_why_and_cannot_be_opened() {
        let tmp = tree();
        let mut picker = picker_in(&tmp, "projects", &[]);
        fs::remove_dir(tmp.path().join("projects/gamma")).unwrap();
        type_text(&mut picker, "gamma");
        press(&mut picker, KeyCode::Tab);
        assert_eq!(picker.current_dir(), tmp.path().join("projects/gamma"));
        assert_eq!(
            picker.listing,
            Listing::Unreadable("No such file or directory".into())
        );
        assert!(rows(&picker).is_empty());
        assert_eq!(press(&mut picker, KeyCode::Enter), PickerOutcome::Pending);
        press(&mut picker, KeyCode::Left);
        assert_eq!(rows(&picker), [".", "alpha", "Beta"]);
    }

    #[test]
    fn an_unreadable_directory_shows_why() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tree();
        let locked = tmp.path().join("projects/gamma");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        let readable_anyway = fs::read_dir(&locked).is_ok();
        let mut picker = picker_in(&tmp, "projects", &[]);
        assert!(rows(&picker).contains(&"gamma".to_string()), "still listed");
        type_text(&mut picker, "gamma");
        press(&mut picker, KeyCode::Tab);
        let listing = picker.listing.clone();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        // Root reads anything; the vanished-directory test covers the error
        // path there.
        if !readable_anyway {
            assert_eq!(listing, Listing::Unreadable("Permission denied".into()));
        }
    }

    #[test]
    fn names_that_are_not_utf8_open_their_real_path() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        let raw = tmp.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
        if fs::create_dir(&raw).is_err() {
            return; // The file system insists on UTF-8 names.
        }
        let mut picker = Picker::new(tmp.path().into(), Vec::new(), false, None);
        assert_eq!(rows(&picker), [".", "caf\u{fffd}"]);
        press(&mut picker, KeyCode::Down);
        assert_eq!(press(&mut picker, KeyCode::Enter), open(raw));
    }

    #[test]
    fn a_large_directory_is_read_once_and_filtered_in_memory() {
        // Creating the 10k directories this is about costs the test more in
        // disk time than it proves; 2k exercise the same path.
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..2_000 {
            fs::create_dir(tmp.path().join(format!("dir{i:04}"))).unwrap();
        }
        let mut picker = Picker::new(tmp.path().into(), Vec::new(), false, None);
        assert_eq!(picker.rows.len(), 2_001);
        // Gone from disk, still listed: filtering does not read again.
        fs::remove_dir(tmp.path().join("dir1999")).unwrap();
        type_text(&mut picker, "1999");
        assert_eq!(selected(&picker), "dir1999");
    }

    #[test]
    fn ctrl_o_cycles_profiles_and_enter_carries_the_choice() {
        let tmp = tempfile::tempdir().unwrap();
        let picker = Picker::new(tmp.path().into(), Vec::new(), false, None);
        let mut picker = picker.with_profiles(vec!["shell".into(), "tests".into()]);
        let ctrl_o = KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL);
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        let open = |profile: Option<&str>| PickerOutcome::Open {
            dir: tmp.path().into(),
            profile: profile.map(str::to_string),
        };
        assert_eq!(picker.profile(), None);
        assert_eq!(picker.handle_key(enter), open(None));
        for want in [Some("shell"), Some("tests"), None, Some("shell")] {
            assert_eq!(picker.handle_key(ctrl_o), PickerOutcome::Pending);
            assert_eq!(picker.profile(), want);
            assert_eq!(picker.handle_key(enter), open(want));
        }
        // Without profiles, Ctrl-O does nothing.
        let mut plain = Picker::new(tmp.path().into(), Vec::new(), false, None);
        plain.handle_key(ctrl_o);
        assert_eq!(plain.profile(), None);
        assert_eq!(plain.filter.query(), "");
    }
}
