//! The text of a prompt being written: several lines, a cursor, and the keys
//! a user of Claude Code's own input expects. Enter submits; Alt-Enter,
//! Shift-Enter (where the terminal tells it apart), Ctrl-J or a `\` typed
//! just before Enter start a new line.
//!
//! Pure logic: the popup that shows it gets its rows from `layout`.

use std::ops::Range;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::ui::text;

/// The most a prompt holds: far beyond what anyone types, and a paste of a
/// whole file still fits; what goes past is left out.
pub const MAX_BYTES: usize = 256 * 1024;
/// A tab is typed (or pasted) as this many spaces: the screen has no tab
/// stops to show one.
const TAB: &str = "    ";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Editor {
    text: String,
    /// A byte offset into `text`, on a character boundary.
    cursor: usize,
    /// The column Up and Down aim for, kept across a run of them so a short
    /// row on the way does not pull the cursor left for good.
    goal: Option<usize>,
}

/// What a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorKey {
    Edited,
    Submit,
    Cancel,
    /// Not a key the editor knows: nothing changed.
    Ignored,
}

/// The text as shown `width` cells wide: each row's text, and where the
/// cursor is (row, column in cells).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub rows: Vec<String>,
    pub cursor: (usize, usize),
}

impl Editor {
    /// An editor holding `text`, the cursor at its end.
    pub fn with_text(text: &str) -> Editor {
        let mut editor = Editor::default();
        editor.insert(text);
        editor
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Inserts typed or pasted text at the cursor: line ends of any kind
    /// become `\n`, tabs spaces, other control characters are left out.
    /// False when it did not all fit (`MAX_BYTES`).
    pub fn insert(&mut self, typed: &str) -> bool {
        let mut clean = String::with_capacity(typed.len());
        let mut chars = typed.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => {
                    chars.next_if_eq(&'\n');
                    clean.push('\n');
                }
                '\n' => clean.push('\n'),
                '\t' => clean.push_str(TAB),
                c if c.is_control() => {}
                c => clean.push(c),
            }
        }
        let room = MAX_BYTES.saturating_sub(self.text.len());
        let whole = clean.len() <= room;
        if !whole {
            let mut cut = room;
            while !clean.is_char_boundary(cut) {
                cut -= 1;
            }
            clean.truncate(cut);
        }
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
        self.goal = None;
        whole
    }

    /// Applies `key`; `width` is how wide the text is shown, for Up and Down.
    pub fn key(&mut self, key: &KeyEvent, width: usize) -> EditorKey {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        if !matches!(key.code, KeyCode::Up | KeyCode::Down) {
            self.goal = None;
        }
        match key.code {
            KeyCode::Enter if alt || shift => self.newline(),
            // Claude Code's own way to a new line, which works everywhere.
            KeyCode::Enter if self.text[..self.cursor].ends_with('\\') => {
                self.cursor -= 1;
                self.text.remove(self.cursor);
                self.newline()
            }
            KeyCode::Enter => return EditorKey::Submit,
            KeyCode::Char('j') if ctrl => self.newline(),
            KeyCode::Esc => return EditorKey::Cancel,
            KeyCode::Char('c' | 'g') if ctrl => return EditorKey::Cancel,
            KeyCode::Backspace if alt => self.delete_back(self.word_start()),
            KeyCode::Char('w') if ctrl => self.delete_back(self.word_start()),
            KeyCode::Backspace => self.delete_back(self.prev(self.cursor)),
            KeyCode::Delete => {
                let next = self.next(self.cursor);
                self.text.drain(self.cursor..next);
            }
            KeyCode::Char('u') if ctrl => self.delete_back(self.line_start()),
            KeyCode::Char('k') if ctrl => {
                let end = self.line_end();
                self.text.drain(self.cursor..end);
            }
            KeyCode::Left if ctrl || alt => self.cursor = self.word_start(),
            KeyCode::Right if ctrl || alt => self.cursor = self.word_end(),
            KeyCode::Left => self.cursor = self.prev(self.cursor),
            KeyCode::Right => self.cursor = self.next(self.cursor),
            KeyCode::Home if ctrl => self.cursor = 0,
            KeyCode::End if ctrl => self.cursor = self.text.len(),
            KeyCode::Home => self.cursor = self.line_start(),
            KeyCode::Char('a') if ctrl => self.cursor = self.line_start(),
            KeyCode::End => self.cursor = self.line_end(),
            KeyCode::Char('e') if ctrl => self.cursor = self.line_end(),
            KeyCode::Up => self.vertical(width, false),
            KeyCode::Down => self.vertical(width, true),
            KeyCode::Tab if !ctrl && !alt => {
                self.insert(TAB);
            }
            KeyCode::Char(c) if !ctrl && !alt => {
                self.insert(c.encode_utf8(&mut [0; 4]));
            }
            _ => return EditorKey::Ignored,
        }
        EditorKey::Edited
    }

    /// The text wrapped `width` cells wide, at spaces where it can be.
    /// The cursor may sit one cell past a full row: draw it `width + 1` wide.
    pub fn layout(&self, width: usize) -> Layout {
        let ranges = wrap(&self.text, width);
        let row = cursor_row(&ranges, self.cursor);
        let col = text::width(&self.text[ranges[row].start..self.cursor]);
        Layout {
            rows: ranges
                .iter()
                .map(|r| self.text[r.clone()].to_string())
                .collect(),
            cursor: (row, col),
        }
    }

    fn newline(&mut self) {
        self.insert("\n");
    }

    fn delete_back(&mut self, from: usize) {
        self.text.drain(from..self.cursor);
        self.cursor = from;
    }

    fn prev(&self, at: usize) -> usize {
        self.text[..at]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next(&self, at: usize) -> usize {
        self.text[at..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8())
    }

    fn line_start(&self) -> usize {
        self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self) -> usize {
        self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |i| self.cursor + i)
    }

    /// Where the word before the cursor starts, blanks after it included,
    /// as a shell's Ctrl-W.
    fn word_start(&self) -> usize {
        let before = self.text[..self.cursor].trim_end();
        before.rfind(char::is_whitespace).map_or(0, |i| i + 1)
    }

    /// Where the word at or after the cursor ends.
    fn word_end(&self) -> usize {
        let after = &self.text[self.cursor..];
        let blanks = after.len() - after.trim_start().len();
        let word = after[blanks..]
            .find(char::is_whitespace)
            .unwrap_or(after.len() - blanks);
        self.cursor + blanks + word
    }

    /// Up or Down a row as shown `width` wide, staying in the goal column;
    /// past the first or last row, to the start or end of the text.
    fn vertical(&mut self, width: usize, down: bool) {
        let ranges = wrap(&self.text, width);
        let row = cursor_row(&ranges, self.cursor);
        let goal = *self
            .goal
            .get_or_insert_with(|| text::width(&self.text[ranges[row].start..self.cursor]));
        let target = if down {
            row + 1
        } else if let Some(up) = row.checked_sub(1) {
            up
        } else {
            self.cursor = 0;
            return;
        };
        let Some(range) = ranges.get(target) else {
            self.cursor = self.text.len();
            return;
        };
        // A row that the next one continues ends before its last character:
        // the cursor past it is at the start of the next row.
        let continued = ranges
            .get(target + 1)
            .is_some_and(|next| next.start == range.end);
        let last = if continued {
            self.prev(range.end).max(range.start)
        } else {
            range.end
        };
        let mut at = range.start;
        let mut used = 0;
        for (i, c) in self.text[range.start..last].char_indices() {
            let w = text::width(c.encode_utf8(&mut [0; 4]));
            if used + w > goal {
                break;
            }
            used += w;
            at = range.start + i + c.len_utf8();
        }
        self.cursor = at.min(last);
    }
}

/// The byte ranges of `text`'s rows `width` cells wide: each line broken
/// after its last space that fits, or inside a word longer than a row.
fn wrap(text: &str, width: usize) -> Vec<Range<usize>> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut base = 0;
    for line in text.split('\n') {
        let mut start = 0;
        let mut used = 0;
        let mut after_space = None;
        for (i, c) in line.char_indices() {
            let w = text::width(c.encode_utf8(&mut [0; 4]));
            if used + w > width && i > start {
                let cut = after_space.filter(|&s| s > start).unwrap_or(i);
                rows.push(base + start..base + cut);
                start = cut;
                used = text::width(&line[start..i]);
                after_space = None;
            }
            used += w;
            if c == ' ' {
                after_space = Some(i + 1);
            }
        }
        rows.push(base + start..base + line.len());
        base += line.len() + 1;
    }
    rows
}

/// The row the cursor at byte `at` is shown on: at the end of a row the next
/// one continues, it is at the start of that next row.
fn cursor_row(rows: &[Range<usize>], at: usize) -> usize {
    rows.iter()
        .enumerate()
        .position(|(i, r)| {
            let continued = rows.get(i + 1).is_some_and(|next| next.start == r.end);
            r.start <= at && (at < r.end || (at == r.end && !continued))
        })
        .unwrap_or(rows.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(editor: &mut Editor, code: KeyCode, mods: KeyModifiers) -> EditorKey {
        editor.key(&KeyEvent::new(code, mods), 20)
    }

    fn typed(editor: &mut Editor, text: &str) {
        for c in text.chars() {
            press(editor, KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    /// The text with `|` where the cursor is.
    fn shown(editor: &Editor) -> String {
        let mut s = editor.text.clone();
        s.insert(editor.cursor, '|');
        s
    }

    #[test]
    fn enter_submits_and_the_newline_keys_of_claude_code_add_a_line() {
        let none = KeyModifiers::NONE;
        let mut e = Editor::default();
        typed(&mut e, "one");
        assert_eq!(
            press(&mut e, KeyCode::Enter, KeyModifiers::ALT),
            EditorKey::Edited
        );
        typed(&mut e, "two");
        press(&mut e, KeyCode::Enter, KeyModifiers::SHIFT);
        typed(&mut e, "three");
        press(&mut e, KeyCode::Char('j'), KeyModifiers::CONTROL);
        typed(&mut e, "four\\");
        assert_eq!(press(&mut e, KeyCode::Enter, none), EditorKey::Edited);
        assert_eq!(shown(&e), "one\ntwo\nthree\nfour\n|");
        assert_eq!(press(&mut e, KeyCode::Enter, none), EditorKey::Submit);
        assert_eq!(press(&mut e, KeyCode::Esc, none), EditorKey::Cancel);
        let ctrl_c = press(&mut e, KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(ctrl_c, EditorKey::Cancel);
        assert_eq!(press(&mut e, KeyCode::F(5), none), EditorKey::Ignored);
    }

    #[test]
    fn keys_edit_as_in_a_shell_line() {
        let (none, ctrl, alt) = (KeyModifiers::NONE, KeyModifiers::CONTROL, KeyModifiers::ALT);
        let mut e = Editor::with_text("fix the tests\nthen commit");
        press(&mut e, KeyCode::Backspace, none);
        assert_eq!(shown(&e), "fix the tests\nthen commi|");
        press(&mut e, KeyCode::Char('w'), ctrl);
        assert_eq!(shown(&e), "fix the tests\nthen |");
        press(&mut e, KeyCode::Up, none);
        assert_eq!(shown(&e), "fix t|he tests\nthen ");
        press(&mut e, KeyCode::Char('k'), ctrl);
        assert_eq!(shown(&e), "fix t|\nthen ");
        press(&mut e, KeyCode::Left, alt);
        assert_eq!(shown(&e), "fix |t\nthen ");
        press(&mut e, KeyCode::Char('u'), ctrl);
        assert_eq!(shown(&e), "|t\nthen ");
        press(&mut e, KeyCode::Delete, none);
        press(&mut e, KeyCode::End, none);
        assert_eq!(shown(&e), "|\nthen ");
        press(&mut e, KeyCode::Right, none);
        press(&mut e, KeyCode::Right, ctrl);
        assert_eq!(shown(&e), "\nthen| ");
        press(&mut e, KeyCode::Home, none);
        assert_eq!(shown(&e), "\n|then ");
        press(&mut e, KeyCode::Backspace, alt);
        assert_eq!(shown(&e), "|then ");
        press(&mut e, KeyCode::End, ctrl);
        press(&mut e, KeyCode::Char('a'), ctrl);
        assert_eq!(shown(&e), "|then ");
        press(&mut e, KeyCode::Char('e'), ctrl);
        press(&mut e, KeyCode::Home, ctrl);
        assert_eq!(shown(&e), "|then ");
        // At the ends nothing breaks.
        press(&mut e, KeyCode::Backspace, none);
        press(&mut e, KeyCode::Left, none);
        press(&mut e, KeyCode::Char('w'), ctrl);
        press(&mut e, KeyCode::End, ctrl);
        press(&mut e, KeyCode::Delete, none);
        press(&mut e, KeyCode::Right, none);
        assert_eq!(shown(&e), "then |");
    }

    #[test]
    fn pasted_text_keeps_its_lines_and_loses_control_characters() {
        let e = Editor::with_text("a\r\nb\rc\td\x1b[31me\u{7}");
        assert_eq!(e.text(), "a\nb\nc    d[31me");
        let mut full = Editor::with_text(&"x".repeat(MAX_BYTES - 1));
        assert!(!full.insert("éé"), "a paste past the cap says so");
        assert_eq!(full.text().len(), MAX_BYTES - 1, "no half character");
        assert!(full.insert("y"));
        assert_eq!(full.text().len(), MAX_BYTES);
        assert!(!full.insert("z"));
    }

    #[test]
    fn multibyte_characters_move_and_delete_whole() {
        let none = KeyModifiers::NONE;
        let mut e = Editor::with_text("añ語");
        press(&mut e, KeyCode::Left, none);
        assert_eq!(shown(&e), "añ|語");
        press(&mut e, KeyCode::Backspace, none);
        assert_eq!(shown(&e), "a|語");
        press(&mut e, KeyCode::Delete, none);
        assert_eq!(shown(&e), "a|");
    }

    #[test]
    fn rows_wrap_at_spaces_and_inside_long_words() {
        let e = Editor::with_text("fix the flaky login test\n\nabcdefghijkl");
        let layout = e.layout(10);
        assert_eq!(
            layout.rows,
            ["fix the ", "flaky ", "login test", "", "abcdefghij", "kl"]
        );
        assert_eq!(layout.cursor, (5, 2));
        let e = Editor::default();
        assert_eq!(e.layout(10).rows, [""]);
        assert_eq!(e.layout(10).cursor, (0, 0));
        // Wide characters are never split across the edge.
        let e = Editor::with_text("語語語");
        assert_eq!(e.layout(5).rows, ["語語", "語"]);
        assert_eq!(e.layout(0).rows, ["語", "語", "語"]);
    }

    #[test]
    fn the_cursor_at_a_wrap_is_on_the_next_row_and_at_a_full_line_end_stays() {
        let mut e = Editor::with_text("abcdefghij");
        assert_eq!(e.layout(5).cursor, (1, 5), "past the end of a full row");
        e.cursor = 5;
        assert_eq!(e.layout(5).cursor, (1, 0));
        e.cursor = 4;
        assert_eq!(e.layout(5).cursor, (0, 4));
    }

    #[test]
    fn up_and_down_move_by_rows_as_shown_keeping_the_column() {
        let none = KeyModifiers::NONE;
        let mut e = Editor::with_text("a long first line that wraps\nab\nthird line");
        e.cursor = 12; // "a long first| line"
        let down = |e: &mut Editor| e.key(&KeyEvent::new(KeyCode::Down, none), 14);
        let up = |e: &mut Editor| e.key(&KeyEvent::new(KeyCode::Up, none), 14);
        // Rows at 14: "a long first ", "line that ", "wraps", "ab", "third line".
        // The row "line that " goes on in the next: the cursor stops before
        // its last character.
        down(&mut e);
        assert_eq!(shown(&e), "a long first line that| wraps\nab\nthird line");
        down(&mut e);
        assert_eq!(shown(&e), "a long first line that wraps|\nab\nthird line");
        down(&mut e);
        assert_eq!(shown(&e), "a long first line that wraps\nab|\nthird line");
        down(&mut e);
        assert_eq!(
            shown(&e),
            "a long first line that wraps\nab\nthird line|",
            "back in the goal column"
        );
        down(&mut e);
        assert_eq!(e.cursor, e.text.len());
        up(&mut e);
        up(&mut e);
        assert_eq!(shown(&e), "a long first line that wraps|\nab\nthird line");
        up(&mut e);
        assert_eq!(shown(&e), "a long first line that| wraps\nab\nthird line");
        up(&mut e);
        up(&mut e);
        assert_eq!(e.cursor, 0, "up from the first row: the start");
    }
}
