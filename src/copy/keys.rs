//! Copy mode's own keys, in one list: what each key does, and its line in
//! the help overlay and the README (tests/readme_keys.rs holds the README's
//! copy mode table to `help()`). The keys are tmux's vi copy mode keys.
//! Any key not in the list leaves copy mode and goes to the session.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does in copy mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyKey {
    Left,
    Down,
    Up,
    Right,
    NextWord,
    PreviousWord,
    WordEnd,
    NextBigWord,
    PreviousBigWord,
    BigWordEnd,
    LineStart,
    FirstNonblank,
    LineEnd,
    /// The oldest line kept.
    Top,
    /// The newest line.
    Bottom,
    ViewTop,
    ViewMiddle,
    ViewBottom,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    /// The view a line up or down; the cursor stays on its line if it can.
    ScrollUp,
    ScrollDown,
    SearchForward,
    SearchBackward,
    NextMatch,
    PreviousMatch,
    /// Start a selection at the cursor, or drop the one there is.
    Select,
    /// The same by whole lines.
    SelectLines,
    /// Move the cursor to the selection's other end.
    OtherEnd,
    /// Copy the selection and leave.
    Copy,
    /// Drop the selection; without one, leave.
    Clear,
    Leave,
}

/// A key of copy mode: the keys that do it (with Ctrl or not), and its help
/// line (key labels, what).
struct Binding {
    does: CopyKey,
    keys: &'static [(KeyCode, bool)],
    help: Option<(&'static str, &'static str)>,
}

const fn plain(c: char) -> (KeyCode, bool) {
    (KeyCode::Char(c), false)
}

const fn ctrl(c: char) -> (KeyCode, bool) {
    (KeyCode::Char(c), true)
}

const fn key(code: KeyCode) -> (KeyCode, bool) {
    (code, false)
}

/// In help order; a binding without help is told by the one before it.
const BINDINGS: &[Binding] = &[
    Binding {
        does: CopyKey::Left,
        keys: &[plain('h'), key(KeyCode::Left)],
        help: Some(("h j k l, arrows", "Move the cursor")),
    },
    Binding {
        does: CopyKey::Down,
        keys: &[plain('j'), key(KeyCode::Down)],
        help: None,
    },
    Binding {
        does: CopyKey::Up,
        keys: &[plain('k'), key(KeyCode::Up)],
        help: None,
    },
    Binding {
        does: CopyKey::Right,
        keys: &[plain('l'), key(KeyCode::Right)],
        help: None,
    },
    Binding {
        does: CopyKey::NextWord,
        keys: &[plain('w')],
        help: Some(("w b e, W B E", "Next word, word back, word end")),
    },
    Binding {
        does: CopyKey::PreviousWord,
        keys: &[plain('b')],
        help: None,
    },
    Binding {
        does: CopyKey::WordEnd,
        keys: &[plain('e')],
        help: None,
    },
    Binding {
        does: CopyKey::NextBigWord,
        keys: &[plain('W')],
        help: None,
    },
    Binding {
        does: CopyKey::PreviousBigWord,
        keys: &[plain('B')],
        help: None,
    },
    Binding {
        does: CopyKey::BigWordEnd,
        keys: &[plain('E')],
        help: None,
    },
    Binding {
        does: CopyKey::LineStart,
        keys: &[plain('0'), key(KeyCode::Home)],
        help: Some(("0 ^ $, Home End", "Line start, first character, end")),
    },
    Binding {
        does: CopyKey::FirstNonblank,
        keys: &[plain('^')],
        help: None,
    },
    Binding {
        does: CopyKey::LineEnd,
        keys: &[plain('$'), key(KeyCode::End)],
        help: None,
    },
    Binding {
        does: CopyKey::Top,
        keys: &[plain('g')],
        help: Some(("g G", "Oldest line, newest line")),
    },
    Binding {
        does: CopyKey::Bottom,
        keys: &[plain('G')],
        help: None,
    },
    Binding {
        does: CopyKey::ViewTop,
        keys: &[plain('H')],
        help: Some(("H M L", "Top, middle, bottom of the view")),
    },
    Binding {
        does: CopyKey::ViewMiddle,
        keys: &[plain('M')],
        help: None,
    },
    Binding {
        does: CopyKey::ViewBottom,
        keys: &[plain('L')],
        help: None,
    },
    Binding {
        does: CopyKey::PageUp,
        keys: &[key(KeyCode::PageUp), ctrl('b')],
        help: Some(("PgUp PgDn, Ctrl-b Ctrl-f", "A page up, down")),
    },
    Binding {
        does: CopyKey::PageDown,
        keys: &[key(KeyCode::PageDown), ctrl('f')],
        help: None,
    },
    Binding {
        does: CopyKey::HalfPageUp,
        keys: &[ctrl('u')],
        help: Some(("Ctrl-u Ctrl-d", "Half a page up, down")),
    },
    Binding {
        does: CopyKey::HalfPageDown,
        keys: &[ctrl('d')],
        help: None,
    },
    Binding {
        does: CopyKey::ScrollUp,
        keys: &[ctrl('y')],
        help: Some(("Ctrl-y Ctrl-e", "Scroll a line up, down")),
    },
    Binding {
        does: CopyKey::ScrollDown,
        keys: &[ctrl('e')],
        help: None,
    },
    Binding {
        does: CopyKey::SearchForward,
        keys: &[plain('/')],
        help: Some(("/ ?", "Search down, up (lower case ignores case)")),
    },
    Binding {
        does: CopyKey::SearchBackward,
        keys: &[plain('?')],
        help: None,
    },
    Binding {
        does: CopyKey::NextMatch,
        keys: &[plain('n')],
        help: Some(("n N", "Next match, previous match")),
    },
    Binding {
        does: CopyKey::PreviousMatch,
        keys: &[plain('N')],
        help: None,
    },
    Binding {
        does: CopyKey::Select,
        keys: &[plain('v'), plain(' ')],
        help: Some(("v, Space", "Start a selection (again: drop it)")),
    },
    Binding {
        does: CopyKey::SelectLines,
        keys: &[plain('V')],
        help: Some(("V", "Select whole lines")),
    },
    Binding {
        does: CopyKey::OtherEnd,
        keys: &[plain('o')],
        help: Some(("o", "Go to the selection's other end")),
    },
    Binding {
        does: CopyKey::Copy,
        keys: &[plain('y'), key(KeyCode::Enter)],
        help: Some(("y, Enter", "Copy the selection and leave")),
    },
    Binding {
        does: CopyKey::Clear,
        keys: &[key(KeyCode::Esc)],
        help: Some(("Esc", "Drop the selection, else leave")),
    },
    Binding {
        does: CopyKey::Leave,
        keys: &[plain('q'), ctrl('c')],
        help: Some(("q, Ctrl-c", "Leave copy mode")),
    },
];

impl CopyKey {
    /// What `key` does in copy mode, if anything. Alt is never a copy key;
    /// Shift only makes the capital letter (and Shift-PgUp is PgUp).
    pub fn of(key: &KeyEvent) -> Option<CopyKey> {
        if key.modifiers.contains(KeyModifiers::ALT) {
            return None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        BINDINGS
            .iter()
            .find(|b| b.keys.contains(&(key.code, ctrl)))
            .map(|b| b.does)
    }
}

/// The help lines: (keys, what they do), in order.
pub fn help() -> Vec<(&'static str, &'static str)> {
    BINDINGS.iter().filter_map(|b| b.help).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(code: KeyCode, mods: KeyModifiers) -> Option<CopyKey> {
        CopyKey::of(&KeyEvent::new(code, mods))
    }

    #[test]
    fn keys_and_what_they_do() {
        let none = KeyModifiers::NONE;
        assert_eq!(of(KeyCode::Char('k'), none), Some(CopyKey::Up));
        assert_eq!(of(KeyCode::Up, none), Some(CopyKey::Up));
        assert_eq!(
            of(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(CopyKey::Bottom)
        );
        assert_eq!(
            of(KeyCode::PageUp, KeyModifiers::SHIFT),
            Some(CopyKey::PageUp)
        );
        assert_eq!(
            of(KeyCode::Char('b'), KeyModifiers::CONTROL),
            Some(CopyKey::PageUp)
        );
        assert_eq!(of(KeyCode::Char('b'), none), Some(CopyKey::PreviousWord));
        assert_eq!(of(KeyCode::Enter, none), Some(CopyKey::Copy));
        // Not copy mode's: these go to the session.
        assert_eq!(of(KeyCode::Char('a'), none), None);
        assert_eq!(of(KeyCode::Char('c'), none), None);
        assert_eq!(of(KeyCode::Char('x'), KeyModifiers::CONTROL), None);
        assert_eq!(of(KeyCode::Char('w'), KeyModifiers::ALT), None);
        assert_eq!(of(KeyCode::PageUp, KeyModifiers::CONTROL), None);
        assert_eq!(of(KeyCode::Tab, none), None);
    }

    #[test]
    fn no_key_does_two_things() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                for key in a.keys {
                    assert!(!b.keys.contains(key), "{key:?}");
                }
            }
        }
    }

    #[test]
    fn the_first_binding_has_a_help_line() {
        assert!(BINDINGS[0].help.is_some());
    }
}
