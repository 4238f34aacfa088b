//! A line typed in the status line, as tmux's prompts: the number of the tab
//! to go to (`prefix '`, for tabs past 9) and a tab's new name (`prefix ,`).

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, View};
use crate::hub::Hub;
use crate::session::SessionId;

/// Longest line a prompt takes: a tab number or a name needs far less.
const MAX_INPUT_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    input: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// A tab number.
    GoTo,
    /// A new name for this session.
    Rename(SessionId),
}

impl Prompt {
    pub fn go_to() -> Prompt {
        Prompt {
            kind: PromptKind::GoTo,
            input: String::new(),
        }
    }

    /// Starts from the session's name, as tmux's rename-window does.
    pub fn rename(id: SessionId, name: &str) -> Prompt {
        let mut prompt = Prompt {
            kind: PromptKind::Rename(id),
            input: String::new(),
        };
        prompt.insert(name);
        prompt
    }

    /// What the prompt asks, before the typed line.
    pub fn label(&self) -> &'static str {
        match self.kind {
            PromptKind::GoTo => "go to tab: ",
            PromptKind::Rename(_) => "rename tab (empty: its default name): ",
        }
    }

    pub fn input(&self) -> &str {
        &self.input
    }

    /// Adds typed or pasted text: its first line, without control
    /// characters; a tab number takes digits only.
    pub fn insert(&mut self, text: &str) {
        let line = text.lines().next().unwrap_or("");
        let room = MAX_INPUT_CHARS.saturating_sub(self.input.chars().count());
        let kind = self.kind;
        let kept = line.chars().filter(|c| match kind {
            PromptKind::GoTo => c.is_ascii_digit(),
            PromptKind::Rename(_) => !c.is_control(),
        });
        self.input.extend(kept.take(room));
    }
}

/// What a key did to a line being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKey {
    Edited,
    Submit,
    Cancel,
    /// Not a key of line editing.
    Other,
}

/// Applies the keys every typed line in ccmux takes: Backspace, Ctrl-U,
/// Ctrl-W (or Alt-Backspace) to delete, Enter to submit, Esc, Ctrl-C or
/// Ctrl-G to cancel. Characters are the caller's to insert.
pub fn line_key(line: &mut String, key: &KeyEvent) -> LineKey {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::Enter => LineKey::Submit,
        KeyCode::Esc => LineKey::Cancel,
        KeyCode::Char('c' | 'g') if ctrl => LineKey::Cancel,
        KeyCode::Char('u') if ctrl => {
            line.clear();
            LineKey::Edited
        }
        KeyCode::Char('w') if ctrl => {
            delete_word(line);
            LineKey::Edited
        }
        KeyCode::Backspace if alt => {
            delete_word(line);
            LineKey::Edited
        }
        KeyCode::Backspace => {
            line.pop();
            LineKey::Edited
        }
        _ => LineKey::Other,
    }
}

/// Deletes the last word and the blanks after it, as a shell's Ctrl-W.
fn delete_word(line: &mut String) {
    let kept = line.trim_end().len();
    line.truncate(kept);
    let start = line.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    line.truncate(start);
}

/// A character typed as text: no Ctrl or Alt with it.
pub fn typed_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

impl App {
    pub(super) fn on_prompt_key(
        &mut self,
        hub: &mut Hub,
        mut prompt: Prompt,
        key: KeyEvent,
        now: Instant,
    ) {
        self.needs_draw = true;
        match line_key(&mut prompt.input, &key) {
            LineKey::Cancel => {}
            LineKey::Submit => self.submit(hub, prompt, now),
            LineKey::Edited | LineKey::Other => {
                if let Some(c) = typed_char(&key) {
                    prompt.insert(c.encode_utf8(&mut [0; 4]));
                }
                self.view = View::Prompt(prompt);
            }
        }
    }

    fn submit(&mut self, hub: &mut Hub, prompt: Prompt, now: Instant) {
        match prompt.kind {
            PromptKind::GoTo => {
                if prompt.input.is_empty() {
                    return;
                }
                let tabs = hub.registry().len();
                match prompt.input.parse::<usize>() {
                    Ok(n) if (1..=tabs).contains(&n) => self.focus(hub, n - 1, now),
                    _ => self.say(format!("no tab {} (there are {tabs})", prompt.input), now),
                }
            }
            PromptKind::Rename(id) => {
                let name = Some(prompt.input).filter(|name| !name.trim().is_empty());
                if !hub.rename(id, name) {
                    self.say("that session is gone", now);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn lines_are_edited_as_in_a_shell() {
        let mut line = "git  commit -m".to_string();
        let none = KeyModifiers::NONE;
        assert_eq!(
            line_key(&mut line, &key(KeyCode::Backspace, none)),
            LineKey::Edited
        );
        assert_eq!(line, "git  commit -");
        line_key(&mut line, &key(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(line, "git  commit ");
        line_key(&mut line, &key(KeyCode::Backspace, KeyModifiers::ALT));
        assert_eq!(line, "git  ");
        line_key(&mut line, &key(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(line, "");
        assert_eq!(
            line_key(&mut line, &key(KeyCode::Enter, none)),
            LineKey::Submit
        );
        assert_eq!(
            line_key(&mut line, &key(KeyCode::Esc, none)),
            LineKey::Cancel
        );
        let ctrl_g = key(KeyCode::Char('g'), KeyModifiers::CONTROL);
        assert_eq!(line_key(&mut line, &ctrl_g), LineKey::Cancel);
        assert_eq!(
            line_key(&mut line, &key(KeyCode::Char('x'), none)),
            LineKey::Other
        );
        assert_eq!(typed_char(&key(KeyCode::Char('x'), none)), Some('x'));
        assert_eq!(
            typed_char(&key(KeyCode::Char('X'), KeyModifiers::SHIFT)),
            Some('X')
        );
        assert_eq!(
            typed_char(&key(KeyCode::Char('x'), KeyModifiers::ALT)),
            None
        );
    }

    #[test]
    fn a_tab_number_takes_digits_and_a_name_one_clean_line() {
        let mut go_to = Prompt::go_to();
        go_to.insert("1a2\n3");
        assert_eq!(go_to.input(), "12");
        let mut rename = Prompt::rename(SessionId::new(), "api");
        rename.insert("-v2\x1b[31m\nrm -rf");
        assert_eq!(rename.input(), "api-v2[31m");
        rename.insert(&"x".repeat(1000));
        assert_eq!(rename.input().chars().count(), MAX_INPUT_CHARS);
    }
}
