//! The session table's own keys, in one list: what each key does, and the
//! footer hint that names it. The table draws its footer from this list, and
//! the App reads keys with `TableKey::of`, so the two cannot drift.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does in the session table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKey {
    Up,
    Down,
    First,
    Last,
    /// Focus the selected session's tab.
    Focus,
    /// Write a prompt for the marked sessions, else the selected one.
    Compose,
    /// Mark or unmark the selected session, and move down.
    Mark,
    /// Unmark every session.
    UnmarkAll,
    /// The selected session's queued prompts.
    Queue,
    Stop,
    /// Start an ended session again, in its directory: a Claude session
    /// resumes its conversation.
    Restart,
    /// The same in a new conversation.
    RestartFresh,
    /// Open the directory picker.
    New,
    /// Sort the sessions that need the user first, or not.
    AttentionFirst,
    /// Show the next status filter.
    Filter,
    /// Back to the tabs.
    Back,
}

/// A table key: the keys that do it, and its footer hint (key, what), if it
/// has one of its own.
struct Binding {
    does: TableKey,
    keys: &'static [KeyCode],
    hint: Option<(&'static str, &'static str)>,
}

/// In footer order; hints that do not fit are dropped from the end.
const BINDINGS: &[Binding] = &[
    Binding {
        does: TableKey::Up,
        keys: &[KeyCode::Up, KeyCode::Char('k')],
        // One hint for both directions.
        hint: Some(("↑↓/jk", "move")),
    },
    Binding {
        does: TableKey::Down,
        keys: &[KeyCode::Down, KeyCode::Char('j')],
        hint: None,
    },
    Binding {
        does: TableKey::Focus,
        keys: &[KeyCode::Enter],
        hint: Some(("Enter", "focus")),
    },
    Binding {
        does: TableKey::Stop,
        keys: &[KeyCode::Char('x')],
        hint: Some(("x", "stop")),
    },
    Binding {
        does: TableKey::Restart,
        keys: &[KeyCode::Char('r')],
        hint: Some(("r", "restart")),
    },
    Binding {
        does: TableKey::New,
        keys: &[KeyCode::Char('n')],
        hint: Some(("n", "new")),
    },
    Binding {
        does: TableKey::Compose,
        keys: &[KeyCode::Char('m')],
        hint: Some(("m", "prompt")),
    },
    Binding {
        does: TableKey::Mark,
        keys: &[KeyCode::Char(' ')],
        hint: Some(("space", "mark")),
    },
    Binding {
        does: TableKey::Queue,
        keys: &[KeyCode::Char('M')],
        hint: Some(("M", "queue")),
    },
    Binding {
        does: TableKey::AttentionFirst,
        keys: &[KeyCode::Char('a')],
        hint: Some(("a", "attention first")),
    },
    Binding {
        does: TableKey::Filter,
        keys: &[KeyCode::Char('f')],
        hint: Some(("f", "filter")),
    },
    Binding {
        does: TableKey::RestartFresh,
        keys: &[KeyCode::Char('R')],
        hint: Some(("R", "fresh")),
    },
    Binding {
        does: TableKey::UnmarkAll,
        keys: &[KeyCode::Char('u')],
        hint: Some(("u", "unmark all")),
    },
    Binding {
        does: TableKey::Back,
        keys: &[KeyCode::Esc, KeyCode::Char('q')],
        hint: Some(("Esc", "back")),
    },
    // Known to vi and less users; no room in the footer.
    Binding {
        does: TableKey::First,
        keys: &[KeyCode::Home, KeyCode::Char('g')],
        hint: None,
    },
    Binding {
        does: TableKey::Last,
        keys: &[KeyCode::End, KeyCode::Char('G')],
        hint: None,
    },
];

impl TableKey {
    /// What `key` does in the table, if anything. Keys with Ctrl or Alt do
    /// nothing here; Shift only makes the capital letter.
    pub fn of(key: &KeyEvent) -> Option<TableKey> {
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        BINDINGS
            .iter()
            .find(|b| b.keys.contains(&key.code))
            .map(|b| b.does)
    }
}

/// The footer's hints, in order.
pub(super) fn footer() -> Vec<(&'static str, &'static str)> {
    BINDINGS.iter().filter_map(|b| b.hint).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn keys_and_what_they_do() {
        let cases = [
            (KeyCode::Up, Some(TableKey::Up)),
            (KeyCode::Char('k'), Some(TableKey::Up)),
            (KeyCode::Char('j'), Some(TableKey::Down)),
            (KeyCode::Char('g'), Some(TableKey::First)),
            (KeyCode::Char('G'), Some(TableKey::Last)),
            (KeyCode::End, Some(TableKey::Last)),
            (KeyCode::Enter, Some(TableKey::Focus)),
            (KeyCode::Char('x'), Some(TableKey::Stop)),
            (KeyCode::Char('r'), Some(TableKey::Restart)),
            (KeyCode::Char('R'), Some(TableKey::RestartFresh)),
            (KeyCode::Char('n'), Some(TableKey::New)),
            (KeyCode::Char('a'), Some(TableKey::AttentionFirst)),
            (KeyCode::Char('f'), Some(TableKey::Filter)),
            (KeyCode::Char('m'), Some(TableKey::Compose)),
            (KeyCode::Char(' '), Some(TableKey::Mark)),
            (KeyCode::Char('u'), Some(TableKey::UnmarkAll)),
            (KeyCode::Char('M'), Some(TableKey::Queue)),
            (KeyCode::Esc, Some(TableKey::Back)),
            (KeyCode::Char('q'), Some(TableKey::Back)),
            (KeyCode::Char('z'), None),
            (KeyCode::Tab, None),
        ];
        for (code, want) in cases {
            assert_eq!(TableKey::of(&key(code)), want, "{code:?}");
        }
        let ctrl_n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(TableKey::of(&ctrl_n), None);
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(TableKey::of(&shift_g), Some(TableKey::Last));
    }

    #[test]
    fn every_hint_names_a_key_it_stands_for() {
        for binding in BINDINGS {
            let Some((label, _)) = binding.hint else {
                continue;
            };
            let named = binding.keys.iter().any(|code| match code {
                KeyCode::Char(' ') => label == "space",
                KeyCode::Char(c) => label.contains(*c),
                KeyCode::Up => label.contains('↑'),
                KeyCode::Enter => label == "Enter",
                KeyCode::Esc => label == "Esc",
                _ => false,
            });
            assert!(named, "{label:?} names none of {:?}", binding.keys);
        }
    }

    #[test]
    fn no_key_does_two_things() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                for code in a.keys {
                    assert!(!b.keys.contains(code), "{code:?}");
                }
            }
        }
    }
}
