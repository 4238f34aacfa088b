//! What a selection covers and the text it copies.

use super::history::{History, Pos};

/// A selection: from `anchor` to the cursor (either may come first), by
/// characters, or whole lines when `lines` (tmux's `V`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    pub anchor: Pos,
    pub lines: bool,
}

/// The first and the last cell of a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub fn contains(&self, at: Pos) -> bool {
        self.start <= at && at <= self.end
    }
}

impl Selection {
    /// What is selected with the cursor at `cursor`.
    pub fn span(&self, cursor: Pos) -> Span {
        let (start, end) = if self.anchor <= cursor {
            (self.anchor, cursor)
        } else {
            (cursor, self.anchor)
        };
        if self.lines {
            Span {
                start: Pos::new(start.line, 0),
                end: Pos::new(end.line, u16::MAX),
            }
        } else {
            Span { start, end }
        }
    }
}

/// The text of `span` as it is copied: rows that wrap into the next join it,
/// the others end with a newline, and the blanks that end a line are
/// dropped (as tmux copies). A wide character half inside is taken whole.
pub fn text(h: &History, span: Span) -> String {
    let mut out = String::new();
    for line in span.start.line..=span.end.line {
        let Some(row) = h.row(line) else {
            continue;
        };
        let from = if line == span.start.line {
            span.start.col
        } else {
            0
        };
        let to = if line == span.end.line {
            span.end.col
        } else {
            u16::MAX
        };
        for c in row.chars() {
            if c.col.saturating_add(c.width) > from && c.col <= to {
                out.push_str(c.text);
            }
        }
        let joins = row.wrapped && line < span.end.line;
        if !joins {
            out.truncate(out.trim_end_matches(' ').len());
            if line < span.end.line {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::history::tests::parser;
    use super::*;

    fn at(line: u64, col: u16) -> Pos {
        Pos::new(line, col)
    }

    fn chars(anchor: Pos, cursor: Pos) -> Span {
        Selection {
            anchor,
            lines: false,
        }
        .span(cursor)
    }

    #[test]
    fn either_end_may_come_first() {
        let a = chars(at(1, 5), at(0, 2));
        let b = chars(at(0, 2), at(1, 5));
        assert_eq!(a, b);
        assert!(a.contains(at(0, 79)) && a.contains(at(1, 0)) && a.contains(at(1, 5)));
        assert!(!a.contains(at(0, 1)) && !a.contains(at(1, 6)));
    }

    #[test]
    fn lines_take_whole_rows() {
        let s = Selection {
            anchor: at(3, 7),
            lines: true,
        };
        let span = s.span(at(2, 4));
        assert_eq!(span.start, at(2, 0));
        assert!(span.contains(at(3, 300)));
        assert!(!span.contains(at(4, 0)));
    }

    #[test]
    fn copies_lines_with_newlines_and_no_trailing_blanks() {
        let p = parser(4, 10, "first\nsecond\nthird");
        let h = History::new(p.screen(), 0);
        assert_eq!(text(&h, chars(at(0, 2), at(2, 2))), "rst\nsecond\nthi");
        assert_eq!(text(&h, chars(at(0, 0), at(0, 9))), "first");
        let lines = Selection {
            anchor: at(1, 3),
            lines: true,
        };
        assert_eq!(text(&h, lines.span(at(2, 0))), "second\nthird");
        // The blank rows under the text copy as nothing.
        assert_eq!(text(&h, chars(at(2, 0), at(3, 9))), "third\n");
    }

    #[test]
    fn wrapped_rows_join_into_one_line() {
        let p = parser(4, 6, "the needle\nx");
        let h = History::new(p.screen(), 0);
        assert_eq!(text(&h, chars(at(0, 0), at(2, 0))), "the needle\nx");
    }

    #[test]
    fn a_wide_character_half_selected_is_copied_whole() {
        let p = parser(2, 10, "a漢字b");
        let h = History::new(p.screen(), 0);
        assert_eq!(text(&h, chars(at(0, 2), at(0, 3))), "漢字");
        assert_eq!(text(&h, chars(at(0, 0), at(0, 5))), "a漢字b");
    }
}
