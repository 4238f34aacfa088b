//! The queue view's own keys, in one list: what each key does, and the
//! footer hint that names it (as `table_keys` does for the table).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does in a session's queue view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKey {
    Up,
    Down,
    First,
    Last,
    /// Move the selected prompt one place sooner.
    Sooner,
    /// Move the selected prompt one place later.
    Later,
    /// Edit the selected prompt.
    Edit,
    /// Delete the selected prompt.
    Delete,
    /// Hold the queue, or let it go.
    Pause,
    /// Write a new prompt for this queue.
    Compose,
    /// Back to where the view was opened from.
    Back,
}

/// A queue key: the keys that do it (with Shift or not: a letter's case
/// says it already), and its footer hint (key, what).
struct Binding {
    does: QueueKey,
    keys: &'static [(KeyCode, bool)],
    hint: Option<(&'static str, &'static str)>,
}

/// In footer order; hints that do not fit are dropped from the end.
const BINDINGS: &[Binding] = &[
    Binding {
        does: QueueKey::Edit,
        keys: &[(KeyCode::Char('e'), false), (KeyCode::Enter, false)],
        hint: Some(("e", "edit")),
    },
    Binding {
        does: QueueKey::Delete,
        keys: &[
            (KeyCode::Char('d'), false),
            (KeyCode::Char('x'), false),
            (KeyCode::Delete, false),
        ],
        hint: Some(("d", "delete")),
    },
    // As vi's and tig's capitals move things; Shift-arrows as in editors.
    Binding {
        does: QueueKey::Sooner,
        keys: &[(KeyCode::Char('K'), false), (KeyCode::Up, true)],
        hint: Some(("K/J", "reorder")),
    },
    Binding {
        does: QueueKey::Later,
        keys: &[(KeyCode::Char('J'), false), (KeyCode::Down, true)],
        hint: None,
    },
    Binding {
        does: QueueKey::Pause,
        keys: &[(KeyCode::Char('p'), false)],
        hint: Some(("p", "pause")),
    },
    Binding {
        does: QueueKey::Compose,
        keys: &[(KeyCode::Char('m'), false)],
        hint: Some(("m", "new")),
    },
    Binding {
        does: QueueKey::Back,
        keys: &[(KeyCode::Esc, false), (KeyCode::Char('q'), false)],
        hint: Some(("Esc", "back")),
    },
    // Moving needs the least telling: its hint goes first when room is short.
    Binding {
        does: QueueKey::Up,
        keys: &[(KeyCode::Up, false), (KeyCode::Char('k'), false)],
        hint: Some(("↑↓/jk", "move")),
    },
    Binding {
        does: QueueKey::Down,
        keys: &[(KeyCode::Down, false), (KeyCode::Char('j'), false)],
        hint: None,
    },
    Binding {
        does: QueueKey::First,
        keys: &[(KeyCode::Home, false), (KeyCode::Char('g'), false)],
        hint: None,
    },
    Binding {
        does: QueueKey::Last,
        keys: &[(KeyCode::End, false), (KeyCode::Char('G'), false)],
        hint: None,
    },
];

impl QueueKey {
    /// What `key` does in the queue view, if anything. Keys with Ctrl or Alt
    /// do nothing here.
    pub fn of(key: &KeyEvent) -> Option<QueueKey> {
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        BINDINGS
            .iter()
            .find(|b| {
                b.keys.iter().any(|&(code, shifted)| match code {
                    KeyCode::Char(_) => code == key.code,
                    _ => code == key.code && shifted == shift,
                })
            })
            .map(|b| b.does)
    }
}

/// The footer's hints, in order; `p` says what it will do.
pub(super) fn footer(paused: bool) -> Vec<(&'static str, &'static str)> {
    BINDINGS
        .iter()
        .filter_map(|b| b.hint)
        .map(|(key, what)| match (key, paused) {
            ("p", true) => (key, "resume"),
            _ => (key, what),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn keys_and_what_they_do() {
        let (none, shift) = (KeyModifiers::NONE, KeyModifiers::SHIFT);
        let cases = [
            (key(KeyCode::Up, none), Some(QueueKey::Up)),
            (key(KeyCode::Char('j'), none), Some(QueueKey::Down)),
            (key(KeyCode::Up, shift), Some(QueueKey::Sooner)),
            (key(KeyCode::Down, shift), Some(QueueKey::Later)),
            (key(KeyCode::Char('K'), shift), Some(QueueKey::Sooner)),
            (key(KeyCode::Char('J'), none), Some(QueueKey::Later)),
            (key(KeyCode::Enter, none), Some(QueueKey::Edit)),
            (key(KeyCode::Char('e'), none), Some(QueueKey::Edit)),
            (key(KeyCode::Char('d'), none), Some(QueueKey::Delete)),
            (key(KeyCode::Char('x'), none), Some(QueueKey::Delete)),
            (key(KeyCode::Char('p'), none), Some(QueueKey::Pause)),
            (key(KeyCode::Char('m'), none), Some(QueueKey::Compose)),
            (key(KeyCode::Esc, none), Some(QueueKey::Back)),
            (key(KeyCode::Char('G'), shift), Some(QueueKey::Last)),
            (key(KeyCode::Char('z'), none), None),
            (key(KeyCode::Enter, shift), None),
            (key(KeyCode::Char('d'), KeyModifiers::CONTROL), None),
        ];
        for (key, want) in cases {
            assert_eq!(QueueKey::of(&key), want, "{key:?}");
        }
    }

    #[test]
    fn no_key_does_two_things_and_the_pause_hint_says_what_p_does() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                for k in a.keys {
                    assert!(!b.keys.contains(k), "{k:?}");
                }
            }
        }
        assert!(footer(false).contains(&("p", "pause")));
        assert!(footer(true).contains(&("p", "resume")));
    }
}
