//! Cursor motions over a session's history, as vi (and tmux's vi copy mode)
//! moves: by character, word, line start and end. Positions are always on a
//! character's first cell, never on the right half of a wide one.

use super::history::{History, Pos, Row};

/// What a word is made of. `w`, `b` and `e` stop where the kind changes
/// (letters and digits, punctuation); `W`, `B` and `E` only at blanks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Small,
    Big,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    Letter,
    Punctuation,
}

fn kind(text: &str, word: Word) -> Kind {
    let c = text.chars().next().unwrap_or(' ');
    if c.is_whitespace() {
        Kind::Blank
    } else if word == Word::Big || c.is_alphanumeric() || c == '_' {
        Kind::Letter
    } else {
        Kind::Punctuation
    }
}

/// A row's characters as (column, kind).
fn kinds(row: Option<Row>, word: Word) -> Vec<(u16, Kind)> {
    row.map(|r| r.chars().map(|c| (c.col, kind(c.text, word))).collect())
        .unwrap_or_default()
}

/// The column of the character covering `col` on `line` (its first cell).
pub fn snap(h: &History, at: Pos) -> Pos {
    let col = h
        .row(at.line)
        .and_then(|r| r.char_at(at.col).map(|c| c.col))
        .unwrap_or(at.col);
    Pos::new(at.line, col.min(h.width().saturating_sub(1)))
}

/// One character left, staying on the line.
pub fn left(h: &History, at: Pos) -> Pos {
    snap(h, Pos::new(at.line, at.col.saturating_sub(1)))
}

/// One character right, staying on the line.
pub fn right(h: &History, at: Pos) -> Pos {
    let width = h
        .row(at.line)
        .and_then(|r| r.char_at(at.col).map(|c| c.width))
        .unwrap_or(1);
    let col = at
        .col
        .saturating_add(width)
        .min(h.width().saturating_sub(1));
    snap(h, Pos::new(at.line, col))
}

/// The first character of the line that is not blank (`^`).
pub fn first_nonblank(h: &History, line: u64) -> Pos {
    let col = kinds(h.row(line), Word::Big)
        .into_iter()
        .find(|(_, k)| *k != Kind::Blank)
        .map_or(0, |(col, _)| col);
    Pos::new(line, col)
}

/// The last character of the line that is not blank (`$`).
pub fn last_nonblank(h: &History, line: u64) -> Pos {
    let col = kinds(h.row(line), Word::Big)
        .into_iter()
        .rev()
        .find(|(_, k)| *k != Kind::Blank)
        .map_or(0, |(col, _)| col);
    Pos::new(line, col)
}

/// The start of the next word (`w`), on a later line if none is left on
/// this one; the last line's end if there is none.
pub fn next_word(h: &History, at: Pos, word: Word) -> Pos {
    let here = kinds(h.row(at.line), word);
    let found = here.windows(2).find_map(|pair| {
        let ((_, before), (col, kind)) = (pair[0], pair[1]);
        (col > at.col && kind != Kind::Blank && kind != before).then_some(col)
    });
    if let Some(col) = found {
        return Pos::new(at.line, col);
    }
    for line in at.line + 1..=h.last() {
        if let Some((col, _)) = kinds(h.row(line), word)
            .into_iter()
            .find(|(_, k)| *k != Kind::Blank)
        {
            return Pos::new(line, col);
        }
    }
    last_nonblank(h, at.line).max(at)
}

/// The start of this word, or of the one before (`b`), on an earlier line
/// if need be; the first line's start if there is none.
pub fn previous_word(h: &History, at: Pos, word: Word) -> Pos {
    let mut line = at.line;
    let mut before = Some(at.col);
    loop {
        let here = kinds(h.row(line), word);
        let starts = here
            .iter()
            .enumerate()
            .filter(|(i, (_, kind))| *kind != Kind::Blank && (*i == 0 || here[i - 1].1 != *kind));
        let found = starts
            .map(|(_, (col, _))| *col)
            .rfind(|col| before.is_none_or(|b| *col < b));
        if let Some(col) = found {
            return Pos::new(line, col);
        }
        if line <= h.first() {
            return Pos::new(h.first(), 0);
        }
        line -= 1;
        before = None;
    }
}

/// The end of this word, or of the next (`e`), on a later line if need be.
pub fn word_end(h: &History, at: Pos, word: Word) -> Pos {
    let mut line = at.line;
    let mut after = Some(at.col);
    while line <= h.last() {
        let here = kinds(h.row(line), word);
        let found = here.iter().enumerate().find_map(|(i, (col, kind))| {
            let ends = *kind != Kind::Blank && here.get(i + 1).is_none_or(|(_, k)| k != kind);
            (ends && after.is_none_or(|a| *col > a)).then_some(*col)
        });
        if let Some(col) = found {
            return Pos::new(line, col);
        }
        line += 1;
        after = None;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::super::history::tests::parser;
    use super::*;

    fn at(line: u64, col: u16) -> Pos {
        Pos::new(line, col)
    }

    #[test]
    fn words_stop_where_letters_meet_punctuation() {
        let p = parser(4, 30, "let x = foo.bar(1);\n\n  next line");
        let h = History::new(p.screen(), 0);
        let w = |from| next_word(&h, from, Word::Small);
        assert_eq!(w(at(0, 0)), at(0, 4));
        assert_eq!(w(at(0, 8)), at(0, 11));
        assert_eq!(w(at(0, 11)), at(0, 12));
        // Past the last word: the next line with one.
        assert_eq!(w(at(0, 18)), at(2, 2));
        let big = |from| next_word(&h, from, Word::Big);
        assert_eq!(big(at(0, 8)), at(2, 2));
        assert_eq!(big(at(0, 6)), at(0, 8));
    }

    #[test]
    fn back_and_to_the_end_of_words() {
        let p = parser(3, 30, "alpha beta.gamma\n  delta");
        let h = History::new(p.screen(), 0);
        let b = |from| previous_word(&h, from, Word::Small);
        assert_eq!(b(at(0, 13)), at(0, 11));
        assert_eq!(b(at(0, 11)), at(0, 10));
        assert_eq!(b(at(0, 6)), at(0, 0));
        assert_eq!(b(at(1, 2)), at(0, 11));
        assert_eq!(b(at(0, 0)), at(0, 0));
        assert_eq!(previous_word(&h, at(0, 13), Word::Big), at(0, 6));
        let e = |from| word_end(&h, from, Word::Small);
        assert_eq!(e(at(0, 0)), at(0, 4));
        assert_eq!(e(at(0, 4)), at(0, 9));
        assert_eq!(e(at(0, 15)), at(1, 6));
        assert_eq!(word_end(&h, at(0, 6), Word::Big), at(0, 15));
    }

    #[test]
    fn line_starts_and_ends() {
        let p = parser(2, 20, "   indented  ");
        let h = History::new(p.screen(), 0);
        assert_eq!(first_nonblank(&h, 0), at(0, 3));
        assert_eq!(last_nonblank(&h, 0), at(0, 10));
        assert_eq!(last_nonblank(&h, 1), at(1, 0));
    }

    #[test]
    fn characters_step_over_wide_ones_whole() {
        let p = parser(2, 10, "a漢b");
        let h = History::new(p.screen(), 0);
        assert_eq!(right(&h, at(0, 0)), at(0, 1));
        assert_eq!(right(&h, at(0, 1)), at(0, 3));
        assert_eq!(left(&h, at(0, 3)), at(0, 1));
        assert_eq!(snap(&h, at(0, 2)), at(0, 1));
        assert_eq!(right(&h, at(0, 9)), at(0, 9));
        assert_eq!(left(&h, at(0, 0)), at(0, 0));
    }
}
