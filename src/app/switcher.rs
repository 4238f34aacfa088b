//! The session switcher (`prefix w`): every session with its status, name
//! and why it waits, filtered fuzzily by name as you type; Enter focuses.

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::prompt::{LineKey, line_key, typed_char};
use super::{App, View};
use crate::hub::Hub;
use crate::picker::FuzzyFilter;
use crate::session::{SessionId, SessionInfo};

pub struct Switcher {
    filter: FuzzyFilter,
    /// The session the selection is on, kept as rows come and go; the first
    /// row when it is not listed.
    selected: Option<SessionId>,
}

/// A row of the switcher: a session (its index in `Hub::infos`) and the
/// characters of its name the filter matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub index: usize,
    pub matched: Vec<usize>,
}

impl Switcher {
    /// Opens on the session the user is looking at.
    pub fn new(focused: Option<SessionId>) -> Switcher {
        Switcher {
            filter: FuzzyFilter::new(),
            selected: focused,
        }
    }

    pub fn query(&self) -> &str {
        self.filter.query()
    }

    /// The sessions whose name matches, best first; all of them in tab order
    /// while nothing is typed.
    pub fn rows(&mut self, infos: &[SessionInfo]) -> Vec<Row> {
        let mut scored: Vec<(u32, Row)> = infos
            .iter()
            .enumerate()
            .filter_map(|(index, info)| {
                let score = self.filter.score(&info.name)?;
                let matched = if self.filter.is_empty() {
                    Vec::new()
                } else {
                    self.filter.matched_chars(&info.name)
                };
                Some((score, Row { index, matched }))
            })
            .collect();
        // Stable: equal scores stay in tab order.
        scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        scored.into_iter().map(|(_, row)| row).collect()
    }

    /// The position of the selected row among `rows`.
    pub fn selected(&self, rows: &[Row], infos: &[SessionInfo]) -> usize {
        rows.iter()
            .position(|row| Some(infos[row.index].id) == self.selected)
            .unwrap_or(0)
    }

    fn set_query(&mut self, query: String, infos: &[SessionInfo]) {
        self.filter.set_query(query);
        // The best match is what Enter should take.
        let rows = self.rows(infos);
        self.selected = rows.first().map(|row| infos[row.index].id);
    }

    fn move_by(&mut self, delta: isize, infos: &[SessionInfo]) {
        let rows = self.rows(infos);
        if rows.is_empty() {
            return;
        }
        let at = self.selected(&rows, infos).saturating_add_signed(delta);
        let at = at.min(rows.len() - 1);
        self.selected = Some(infos[rows[at].index].id);
    }

    /// Adds pasted text to the filter: its first line.
    pub fn paste(&mut self, text: &str, infos: &[SessionInfo]) {
        let line = text.lines().next().unwrap_or("");
        let mut query = self.query().to_string();
        query.extend(line.chars().filter(|c| !c.is_control()));
        self.set_query(query, infos);
    }
}

/// Rows a page key moves by.
const PAGE: isize = 10;

impl App {
    pub(super) fn on_switcher_key(
        &mut self,
        hub: &mut Hub,
        mut switcher: Box<Switcher>,
        key: KeyEvent,
        now: Instant,
    ) {
        self.needs_draw = true;
        let infos = hub.infos();
        let mut query = switcher.query().to_string();
        match line_key(&mut query, &key) {
            LineKey::Cancel => return,
            LineKey::Submit => {
                let rows = switcher.rows(&infos);
                if let Some(row) = rows.get(switcher.selected(&rows, &infos)) {
                    self.focus(hub, row.index, now);
                }
                return;
            }
            LineKey::Edited => switcher.set_query(query, &infos),
            LineKey::Other => {
                let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
                match key.code {
                    KeyCode::Up => switcher.move_by(-1, &infos),
                    KeyCode::Char('p' | 'k') if ctrl => switcher.move_by(-1, &infos),
                    KeyCode::Down => switcher.move_by(1, &infos),
                    KeyCode::Char('n' | 'j') if ctrl => switcher.move_by(1, &infos),
                    KeyCode::PageUp => switcher.move_by(-PAGE, &infos),
                    KeyCode::PageDown => switcher.move_by(PAGE, &infos),
                    KeyCode::Home => switcher.move_by(isize::MIN, &infos),
                    KeyCode::End => switcher.move_by(isize::MAX, &infos),
                    _ => {
                        if let Some(c) = typed_char(&key) {
                            query.push(c);
                            switcher.set_query(query, &infos);
                        }
                    }
                }
            }
        }
        self.view = View::Switcher(switcher);
    }
}
