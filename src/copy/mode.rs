//! Copy mode's state for one viewer: where its view and cursor are in the
//! session's history, its selection, its search and the search prompt. Keys
//! and the mouse move it; the App draws what it says and does what it asks
//! (leave, copy). Positions are line numbers of the history, so they stay on
//! the same text while output goes on, and two viewers of one session each
//! keep their own.

use ratatui::crossterm::event::KeyEvent;

use super::history::{History, Pos};
use super::keys::CopyKey;
use super::motion::{self, Word};
use super::search::{Direction, Match, Query, Searcher};
use super::select::{self, Selection, Span};

mod mouse;
mod prompt;

use prompt::Prompt;

/// What the App should do after a key or a mouse event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Stay,
    Leave,
    /// Copy this text to the clipboard, and leave.
    Copy(String),
    /// Not a copy mode key: leave, and let the key go where it would have
    /// gone outside.
    NotMine,
}

pub struct CopyMode {
    /// The line at the top of the view.
    top: u64,
    cursor: Pos,
    selection: Option<Selection>,
    /// The last search, for `n` and `N`.
    search: Option<(Query, Direction)>,
    prompt: Option<Prompt>,
    /// Said in the status line until the next key: "no match".
    note: Option<String>,
    /// Where the mouse button went down; its first drag starts a selection
    /// there.
    press: Option<Pos>,
    dragged: bool,
    /// The history's text, kept between searches.
    searcher: Searcher,
}

/// What to draw over the view.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Marks {
    pub selection: Option<Span>,
    /// The matches of the search on the lines shown.
    pub matches: Vec<Match>,
    /// The match the cursor is on.
    pub current: Option<Match>,
}

impl CopyMode {
    /// Copy mode at the bottom of the history, the cursor where the
    /// program's is (`cursor`: row and column on its screen).
    pub fn new(h: &History, cursor: (u16, u16)) -> CopyMode {
        let (row, col) = cursor;
        let at = Pos::new(h.clamp(h.live_top() + u64::from(row)), col);
        CopyMode {
            top: h.live_top(),
            cursor: motion::snap(h, at),
            selection: None,
            search: None,
            prompt: None,
            note: None,
            press: None,
            dragged: false,
            searcher: Searcher::default(),
        }
    }

    /// The line at the top of the view.
    pub fn top(&self) -> u64 {
        self.top
    }

    pub fn cursor(&self) -> Pos {
        self.cursor
    }

    pub fn selecting(&self) -> bool {
        self.selection.is_some()
    }

    /// Keeps the view, the cursor and the selection on lines the history
    /// still holds (the oldest drop off as output goes on).
    pub fn clamp(&mut self, h: &History) {
        self.top = self.top.clamp(h.first(), h.live_top());
        self.cursor.line = h.clamp(self.cursor.line);
        if let Some(s) = &mut self.selection {
            s.anchor.line = h.clamp(s.anchor.line);
        }
        if let Some(press) = &mut self.press {
            press.line = h.clamp(press.line);
        }
        if let Some(prompt) = &mut self.prompt {
            prompt.clamp(h);
        }
    }

    pub fn key(&mut self, key: &KeyEvent, h: &History) -> Outcome {
        self.clamp(h);
        self.note = None;
        if self.prompt.is_some() {
            self.prompt_key(key, h);
            return Outcome::Stay;
        }
        let Some(does) = CopyKey::of(key) else {
            return Outcome::NotMine;
        };
        self.act(does, h)
    }

    /// Does what `does` does (the App's scroll-back key pages up with it).
    pub fn act(&mut self, does: CopyKey, h: &History) -> Outcome {
        self.clamp(h);
        let at = self.cursor;
        let page = u64::from(h.height().saturating_sub(1).max(1));
        match does {
            CopyKey::Left => self.go(h, motion::left(h, at)),
            CopyKey::Right => self.go(h, motion::right(h, at)),
            CopyKey::Up => self.go(h, Pos::new(at.line.saturating_sub(1), at.col)),
            CopyKey::Down => self.go(h, Pos::new(at.line + 1, at.col)),
            CopyKey::NextWord => self.go(h, motion::next_word(h, at, Word::Small)),
            CopyKey::PreviousWord => self.go(h, motion::previous_word(h, at, Word::Small)),
            CopyKey::WordEnd => self.go(h, motion::word_end(h, at, Word::Small)),
            CopyKey::NextBigWord => self.go(h, motion::next_word(h, at, Word::Big)),
            CopyKey::PreviousBigWord => self.go(h, motion::previous_word(h, at, Word::Big)),
            CopyKey::BigWordEnd => self.go(h, motion::word_end(h, at, Word::Big)),
            CopyKey::LineStart => self.go(h, Pos::new(at.line, 0)),
            CopyKey::FirstNonblank => self.go(h, motion::first_nonblank(h, at.line)),
            CopyKey::LineEnd => self.go(h, motion::last_nonblank(h, at.line)),
            CopyKey::Top => self.go(h, Pos::new(h.first(), 0)),
            CopyKey::Bottom => self.go(h, Pos::new(h.last(), 0)),
            CopyKey::ViewTop => self.go(h, motion::first_nonblank(h, self.top)),
            CopyKey::ViewMiddle => {
                let shown = u64::from(h.height()).min(h.last() + 1 - self.top);
                self.go(h, motion::first_nonblank(h, self.top + shown / 2));
            }
            CopyKey::ViewBottom => {
                let bottom = self.top + u64::from(h.height()) - 1;
                self.go(h, motion::first_nonblank(h, h.clamp(bottom)));
            }
            CopyKey::PageUp => self.page(h, -(page as i64)),
            CopyKey::PageDown => self.page(h, page as i64),
            CopyKey::HalfPageUp => self.page(h, -((page as i64 + 1) / 2)),
            CopyKey::HalfPageDown => self.page(h, (page as i64 + 1) / 2),
            CopyKey::ScrollUp => self.scroll(h, -1),
            CopyKey::ScrollDown => self.scroll(h, 1),
            CopyKey::SearchForward => self.open_prompt(Direction::Forward),
            CopyKey::SearchBackward => self.open_prompt(Direction::Backward),
            CopyKey::NextMatch => self.next_match(h, false),
            CopyKey::PreviousMatch => self.next_match(h, true),
            CopyKey::Select => self.toggle_selection(false),
            CopyKey::SelectLines => self.toggle_selection(true),
            CopyKey::OtherEnd => {
                if let Some(s) = &mut self.selection {
                    std::mem::swap(&mut s.anchor, &mut self.cursor);
                    self.show(h);
                }
            }
            CopyKey::Copy => {
                return match self.selection {
                    Some(s) => Outcome::Copy(select::text(h, s.span(self.cursor))),
                    None => Outcome::Leave,
                };
            }
            CopyKey::Clear => {
                if self.selection.take().is_none() {
                    return Outcome::Leave;
                }
            }
            CopyKey::Leave => return Outcome::Leave,
        }
        Outcome::Stay
    }

    /// Moves the cursor to `to` (brought inside the history, onto a
    /// character's first cell) and the view as little as shows it.
    fn go(&mut self, h: &History, to: Pos) {
        self.cursor = motion::snap(h, Pos::new(h.clamp(to.line), to.col));
        self.show(h);
    }

    fn show(&mut self, h: &History) {
        let height = u64::from(h.height());
        if self.cursor.line < self.top {
            self.top = self.cursor.line;
        } else if self.cursor.line >= self.top + height {
            self.top = self.cursor.line + 1 - height;
        }
        self.top = self.top.clamp(h.first(), h.live_top());
    }

    /// Moves the view and the cursor by `lines` (up when negative), as
    /// tmux's page keys do: the cursor keeps its row on screen.
    fn page(&mut self, h: &History, lines: i64) {
        let by = |line: u64| line.saturating_add_signed(lines);
        self.top = by(self.top).clamp(h.first(), h.live_top());
        self.cursor = motion::snap(h, Pos::new(h.clamp(by(self.cursor.line)), self.cursor.col));
        self.show(h);
    }

    /// Moves the view by `lines` (up when negative); the cursor stays on its
    /// line unless that leaves the view.
    pub fn scroll(&mut self, h: &History, lines: i64) {
        self.clamp(h);
        let height = u64::from(h.height());
        self.top = self
            .top
            .saturating_add_signed(lines)
            .clamp(h.first(), h.live_top());
        let line = self.cursor.line.clamp(self.top, self.top + height - 1);
        self.cursor = motion::snap(h, Pos::new(h.clamp(line), self.cursor.col));
    }

    /// Whether the view shows the live screen (nothing scrolled back).
    pub fn at_bottom(&self, h: &History) -> bool {
        self.top >= h.live_top()
    }

    fn toggle_selection(&mut self, lines: bool) {
        self.selection = match self.selection {
            Some(s) if s.lines == lines => None,
            Some(s) => Some(Selection { lines, ..s }),
            None => Some(Selection {
                anchor: self.cursor,
                lines,
            }),
        };
    }

    /// What to draw over the lines shown.
    pub fn marks(&mut self, h: &History) -> Marks {
        let selection = self.selection.map(|s| s.span(self.cursor));
        let query = match &self.prompt {
            Some(prompt) => Query::new(&prompt.text),
            None => self.search.as_ref().map(|(q, _)| q.clone()),
        };
        let Some(query) = query else {
            return Marks {
                selection,
                ..Marks::default()
            };
        };
        let last = self.top + u64::from(h.height()) - 1;
        let matches = self.searcher.matches_on(h, &query, self.top, last);
        let current = matches.iter().find(|m| m.start == self.cursor).copied();
        Marks {
            selection,
            matches,
            current,
        }
    }

    /// The status line's words about copy mode.
    pub fn status(&self, h: &History) -> String {
        if let Some(note) = &self.note {
            return note.clone();
        }
        if h.alternate() {
            return "copy mode · this program draws its own history (alternate screen): \
                    scroll inside it — q to leave"
                .into();
        }
        let up = h.offset_of(self.top);
        match self.selection {
            Some(_) => format!("copy mode · {up} lines up · y copy, Esc drop, q leave"),
            None => format!("copy mode · {up} lines up · / ? search, v select, q leave"),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    use super::super::history::tests::parser;
    use super::*;

    pub(crate) fn press(mode: &mut CopyMode, h: &History, keys: &str) -> Outcome {
        let mut last = Outcome::Stay;
        for c in keys.chars() {
            last = mode.key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), h);
        }
        last
    }

    pub(crate) fn code(mode: &mut CopyMode, h: &History, code: KeyCode) -> Outcome {
        mode.key(&KeyEvent::new(code, KeyModifiers::NONE), h)
    }

    /// 30 numbered lines on a 5-row screen: 25 in the scrollback.
    pub(crate) fn numbered() -> vt100::Parser {
        let text: Vec<String> = (0..30).map(|i| format!("line {i}")).collect();
        parser(5, 20, &text.join("\n"))
    }

    #[test]
    fn starts_at_the_programs_cursor_and_pages_up() {
        let p = numbered();
        let h = History::new(p.screen(), 25);
        let mut mode = CopyMode::new(&h, (4, 7));
        assert_eq!((mode.top(), mode.cursor()), (25, Pos::new(29, 7)));
        code(&mut mode, &h, KeyCode::PageUp);
        assert_eq!((mode.top(), mode.cursor()), (21, Pos::new(25, 7)));
        press(&mut mode, &h, "g");
        assert_eq!((mode.top(), mode.cursor()), (0, Pos::new(0, 0)));
        press(&mut mode, &h, "G");
        assert_eq!((mode.top(), mode.cursor()), (25, Pos::new(29, 0)));
        press(&mut mode, &h, "kkkkk");
        assert_eq!((mode.top(), mode.cursor().line), (24, 24));
    }

    #[test]
    fn other_keys_are_not_copy_modes() {
        let p = numbered();
        let h = History::new(p.screen(), 25);
        let mut mode = CopyMode::new(&h, (0, 0));
        for c in ['a', 'c', 'x', 'i', 'z'] {
            assert_eq!(
                press(&mut mode, &h, &c.to_string()),
                Outcome::NotMine,
                "{c}"
            );
        }
        assert_eq!(press(&mut mode, &h, "q"), Outcome::Leave);
    }

    #[test]
    fn selects_and_copies() {
        let p = numbered();
        let h = History::new(p.screen(), 25);
        let mut mode = CopyMode::new(&h, (0, 0));
        assert_eq!(code(&mut mode, &h, KeyCode::Enter), Outcome::Leave);
        press(&mut mode, &h, "wvj$");
        assert!(mode.selecting());
        assert_eq!(
            press(&mut mode, &h, "y"),
            Outcome::Copy("25\nline 26".into())
        );
        // Esc drops the selection first, then leaves.
        press(&mut mode, &h, "V");
        assert_eq!(code(&mut mode, &h, KeyCode::Esc), Outcome::Stay);
        assert!(!mode.selecting());
        assert_eq!(code(&mut mode, &h, KeyCode::Esc), Outcome::Leave);
    }

    #[test]
    fn lines_that_drop_off_take_the_view_with_them() {
        let p = numbered();
        let h = History::new(p.screen(), 25);
        let mut mode = CopyMode::new(&h, (4, 0));
        press(&mut mode, &h, "g");
        // Ten more lines scrolled off and the oldest ten were dropped.
        let later = History::new(p.screen(), 35);
        mode.clamp(&later);
        assert_eq!((mode.top(), mode.cursor().line), (10, 10));
    }
}
