//! Copy mode's search: the prompt that searches as it is typed, and `n`
//! and `N` after it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::CopyMode;
use crate::copy::history::{History, Pos};
use crate::copy::search::{Direction, Query};

/// The longest search, in characters: far more than a line holds, and a
/// paste of a whole file into the prompt stays cheap to search for.
const MAX_QUERY: usize = 1024;

/// The search prompt, searching as it is typed.
pub(super) struct Prompt {
    pub(super) text: String,
    direction: Direction,
    /// The view and cursor when it opened: each search starts there, and
    /// Esc goes back there.
    top: u64,
    cursor: Pos,
    found: bool,
}

impl Prompt {
    /// Keeps where Esc goes back to inside what the history holds.
    pub(super) fn clamp(&mut self, h: &History) {
        self.top = self.top.clamp(h.first(), h.live_top());
        self.cursor.line = h.clamp(self.cursor.line);
    }
}

impl CopyMode {
    pub(super) fn open_prompt(&mut self, direction: Direction) {
        self.prompt = Some(Prompt {
            text: String::new(),
            direction,
            top: self.top,
            cursor: self.cursor,
            found: true,
        });
    }

    pub(super) fn prompt_key(&mut self, key: &KeyEvent, h: &History) {
        let Some(prompt) = &mut self.prompt else {
            return;
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return self.cancel_prompt(),
            KeyCode::Char('c') if ctrl => return self.cancel_prompt(),
            KeyCode::Enter => return self.accept_prompt(h),
            KeyCode::Backspace if prompt.text.is_empty() => return self.cancel_prompt(),
            KeyCode::Backspace => {
                prompt.text.pop();
            }
            KeyCode::Char('u') if ctrl => prompt.text.clear(),
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                if prompt.text.chars().count() < MAX_QUERY {
                    prompt.text.push(c);
                }
            }
            _ => return,
        }
        self.seek(h);
    }

    /// Typed into the prompt (a paste): searched for as typed.
    pub fn prompt_paste(&mut self, text: &str, h: &History) {
        if let Some(prompt) = &mut self.prompt {
            let room = MAX_QUERY.saturating_sub(prompt.text.chars().count());
            let typed = text.chars().filter(|c| !c.is_control()).take(room);
            prompt.text.extend(typed);
            self.seek(h);
        }
    }

    pub fn prompting(&self) -> bool {
        self.prompt.is_some()
    }

    /// Searches for what the prompt holds from where it opened.
    fn seek(&mut self, h: &History) {
        let Some(prompt) = &mut self.prompt else {
            return;
        };
        self.top = prompt.top;
        self.cursor = prompt.cursor;
        let found = Query::new(&prompt.text)
            .and_then(|q| self.searcher.find(h, &q, prompt.cursor, prompt.direction));
        prompt.found = found.is_some() || prompt.text.is_empty();
        if let Some(m) = found {
            self.jump(h, m.start);
        }
    }

    fn cancel_prompt(&mut self) {
        if let Some(prompt) = self.prompt.take() {
            self.top = prompt.top;
            self.cursor = prompt.cursor;
        }
    }

    fn accept_prompt(&mut self, h: &History) {
        let Some(prompt) = self.prompt.take() else {
            return;
        };
        match Query::new(&prompt.text) {
            Some(query) => {
                if !prompt.found {
                    self.note = Some(format!("no match for “{}”", query.text()));
                }
                self.search = Some((query, prompt.direction));
            }
            // An empty search repeats the last one, the way it now goes.
            None => {
                if let Some((query, _)) = self.search.take() {
                    self.search = Some((query, prompt.direction));
                    self.next_match(h, false);
                }
            }
        }
    }

    pub(super) fn next_match(&mut self, h: &History, reverse: bool) {
        let Some((query, direction)) = &self.search else {
            self.note = Some("no search yet: / or ? starts one".into());
            return;
        };
        let direction = if reverse {
            direction.reverse()
        } else {
            *direction
        };
        match self.searcher.find(h, query, self.cursor, direction) {
            Some(m) => self.jump(h, m.start),
            None => self.note = Some(format!("no match for “{}”", query.text())),
        }
    }

    /// Puts the cursor on `at`; a place out of view is brought to the
    /// middle of it.
    fn jump(&mut self, h: &History, at: Pos) {
        self.cursor = at;
        let height = u64::from(h.height());
        if at.line < self.top || at.line >= self.top + height {
            self.top = at.line.saturating_sub(height / 2);
        }
        self.top = self.top.clamp(h.first(), h.live_top());
    }

    /// The search prompt, if open: which way it goes, what is typed, and
    /// whether it is found.
    pub fn prompt(&self) -> Option<(Direction, &str, bool)> {
        self.prompt
            .as_ref()
            .map(|p| (p.direction, p.text.as_str(), p.found))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{code, numbered, press};
    use super::*;

    #[test]
    fn searches_as_typed_and_esc_goes_back() {
        let p = numbered();
        let h = History::new(p.screen(), 25);
        let mut mode = CopyMode::new(&h, (4, 0));
        press(&mut mode, &h, "?line 1");
        assert_eq!(mode.cursor(), Pos::new(19, 0));
        assert_eq!(mode.prompt(), Some((Direction::Backward, "line 1", true)));
        // In view: the middle of it.
        assert_eq!(mode.top(), 17);
        press(&mut mode, &h, "2");
        assert_eq!(mode.cursor(), Pos::new(12, 0));
        code(&mut mode, &h, KeyCode::Esc);
        assert_eq!((mode.top(), mode.cursor()), (25, Pos::new(29, 0)));
        assert_eq!(mode.prompt(), None);
    }

    #[test]
    fn n_and_capital_n_go_through_the_matches() {
        let p = numbered();
        let h = History::new(p.screen(), 25);
        let mut mode = CopyMode::new(&h, (4, 0));
        press(&mut mode, &h, "?line 2");
        code(&mut mode, &h, KeyCode::Enter);
        assert_eq!(mode.cursor(), Pos::new(28, 0));
        press(&mut mode, &h, "n");
        assert_eq!(mode.cursor(), Pos::new(27, 0));
        press(&mut mode, &h, "NN");
        assert_eq!(mode.cursor(), Pos::new(29, 0));
        let marks = mode.marks(&h);
        assert_eq!(marks.current.map(|m| m.start), Some(Pos::new(29, 0)));
        assert_eq!(marks.matches.len(), 5);
        // What is not there says so, and the cursor stays.
        press(&mut mode, &h, "/zebra");
        code(&mut mode, &h, KeyCode::Enter);
        assert_eq!(mode.cursor(), Pos::new(29, 0));
        assert!(mode.status(&h).contains("no match for “zebra”"));
    }
}
