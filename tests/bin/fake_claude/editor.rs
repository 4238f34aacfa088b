//! The prompt's input line. The cursor always sits at the end: tests type,
//! erase and submit, they do not move around.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Char(char),
    Newline,
    /// A multi-line paste, shown folded like Claude does and erased as a whole.
    Paste(String),
}

#[derive(Debug, Default)]
pub struct Editor {
    pieces: Vec<Piece>,
}

impl Editor {
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    pub fn insert_char(&mut self, c: char) {
        match c {
            '\n' => self.pieces.push(Piece::Newline),
            // A tab would break the column arithmetic of the prompt area.
            '\t' => self.pieces.push(Piece::Char(' ')),
            c if c.is_control() => {}
            c => self.pieces.push(Piece::Char(c)),
        }
    }

    pub fn insert_newline(&mut self) {
        self.pieces.push(Piece::Newline);
    }

    pub fn insert_paste(&mut self, text: &str) {
        if text.trim_end_matches('\n').contains('\n') {
            self.pieces.push(Piece::Paste(text.to_owned()));
        } else {
            text.chars().for_each(|c| self.insert_char(c));
        }
    }

    pub fn backspace(&mut self) {
        self.pieces.pop();
    }

    pub fn clear(&mut self) {
        self.pieces.clear();
    }

    /// What the prompt shows: newlines as `⏎`, multi-line pastes folded.
    pub fn display(&self) -> String {
        let mut shown = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Char(c) => shown.push(*c),
                Piece::Newline => shown.push('⏎'),
                Piece::Paste(text) => {
                    // Counted like Claude: a 30-line paste is "+29 lines".
                    let extra = text
                        .trim_end_matches('\n')
                        .lines()
                        .count()
                        .saturating_sub(1);
                    shown.push_str(&format!("[Pasted text +{extra} lines]"));
                }
            }
        }
        shown
    }

    /// Empty the line and return the text it stood for, pastes expanded.
    pub fn take(&mut self) -> String {
        let mut text = String::new();
        for piece in self.pieces.drain(..) {
            match piece {
                Piece::Char(c) => text.push(c),
                Piece::Newline => text.push('\n'),
                Piece::Paste(pasted) => text.push_str(&pasted),
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> Editor {
        let mut editor = Editor::default();
        s.chars().for_each(|c| editor.insert_char(c));
        editor
    }

    #[test]
    fn typing_and_backspace() {
        let mut editor = typed("hellp");
        editor.backspace();
        editor.insert_char('o');
        assert_eq!(editor.display(), "hello");
        assert_eq!(editor.take(), "hello");
        assert!(editor.is_empty());
        editor.backspace();
        assert!(editor.is_empty(), "backspace on empty input is harmless");
    }

    #[test]
    fn newline_shows_as_return_symbol() {
        let mut editor = typed("a");
        editor.insert_newline();
        editor.insert_char('b');
        assert_eq!(editor.display(), "a⏎b");
        assert_eq!(editor.take(), "a\nb");
    }

    #[test]
    fn multi_line_paste_is_folded_and_erased_whole() {
        let mut editor = typed("x ");
        editor.insert_paste("one\ntwo\nthree\n");
        assert_eq!(editor.display(), "x [Pasted text +2 lines]");
        assert_eq!(editor.take(), "x one\ntwo\nthree\n");

        editor.insert_paste("a\nb");
        editor.backspace();
        assert!(editor.is_empty());
    }

    #[test]
    fn single_line_paste_is_plain_text() {
        let mut editor = Editor::default();
        editor.insert_paste("ab\tc\x07\n");
        assert_eq!(editor.display(), "ab c⏎");
        editor.backspace();
        editor.backspace();
        assert_eq!(editor.display(), "ab ");
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(typed("a\x1bb\x00").display(), "ab");
    }
}
