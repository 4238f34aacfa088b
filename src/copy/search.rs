//! Searching a session's history, as tmux's copy mode does: a match may run
//! across rows that wrap into each other, the search goes round the ends of
//! the history, and a query in lower case ignores case (smart case).
//!
//! The history's text is kept between searches (`Searcher`): reading it
//! means walking every cell of the scrollback, 32 bytes each (64 MB for
//! 10,000 rows of 200 columns), which memory bandwidth makes a frame's
//! worth of time, while the text is a few MB that memchr's SIMD search
//! goes through in a fraction of a millisecond. Rows in the scrollback do
//! not change once there, so only the lines that scrolled in since are
//! read, and the screen's rows, which do change, every time.

use memchr::memmem;

use super::history::{History, Pos};

/// Which way a search goes: forward is down, towards newer output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

impl Direction {
    pub fn reverse(self) -> Direction {
        match self {
            Direction::Forward => Direction::Backward,
            Direction::Backward => Direction::Forward,
        }
    }
}

/// What is searched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// As the user typed it.
    text: String,
    /// What is looked for: in lower case when case is ignored.
    needle: String,
    fold: bool,
}

impl Query {
    /// None for an empty query. Case is ignored unless the query has a
    /// capital letter. Control characters are dropped: the text searched
    /// ends its lines with newlines, which must not match.
    pub fn new(text: &str) -> Option<Query> {
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        if text.is_empty() {
            return None;
        }
        let fold = !text.chars().any(char::is_uppercase);
        let needle = if fold {
            text.to_lowercase()
        } else {
            text.clone()
        };
        Some(Query { text, needle, fold })
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Where a match is: its first cell and its last (a wide character's right
/// half included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub start: Pos,
    pub end: Pos,
}

impl Match {
    pub fn contains(&self, at: Pos) -> bool {
        self.start <= at && at <= self.end
    }
}

/// Where the last match of `needle` in `text` starts. memmem's own reverse
/// search has no SIMD prefilter and is 30 times slower than its forward one
/// here, so blocks are searched forward from the end.
fn rfind(text: &[u8], needle: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64 * 1024;
    let finder = memmem::Finder::new(needle);
    let mut end = text.len();
    loop {
        let start = end.saturating_sub(BLOCK);
        // Matches that start in start..end, which may end past it.
        let window = &text[start..(end + needle.len()).saturating_sub(1).min(text.len())];
        if let Some(i) = finder.find_iter(window).last() {
            return Some(start + i);
        }
        if start == 0 {
            return None;
        }
        end = start;
    }
}

/// One viewer's searches of one history, with its text kept between them
/// (as it is, and in lower case for queries that ignore case).
#[derive(Default)]
pub struct Searcher {
    plain: Option<Haystack>,
    folded: Option<Haystack>,
}

impl Searcher {
    /// The match nearest `from` in `direction`, strictly after (or before)
    /// it, going round the end of the history when there is none that way.
    pub fn find(
        &mut self,
        h: &History,
        query: &Query,
        from: Pos,
        direction: Direction,
    ) -> Option<Match> {
        let hay = self.haystack(h, query.fold);
        let needle = query.needle.as_bytes();
        let text = hay.text.as_bytes();
        let here = hay.byte_of(h, from);
        let at = match direction {
            Direction::Forward => text
                .get(here + 1..)
                .and_then(|after| memmem::find(after, needle))
                .map(|i| here + 1 + i)
                .or_else(|| memmem::find(text, needle)),
            Direction::Backward => {
                let before = (here + needle.len()).saturating_sub(1).min(text.len());
                rfind(&text[..before], needle).or_else(|| rfind(text, needle))
            }
        }?;
        hay.match_at(h, at, needle.len())
    }

    /// Every match on lines `first..=last`, in order (those that only begin
    /// or end there too).
    pub fn matches_on(&mut self, h: &History, query: &Query, first: u64, last: u64) -> Vec<Match> {
        let hay = self.haystack(h, query.fold);
        let needle = query.needle.as_bytes();
        let reach = needle.len().saturating_sub(1);
        let from = hay.row_start(first).saturating_sub(reach);
        let to = (hay.row_start(last.saturating_add(1)) + reach).min(hay.text.len());
        let Some(window) = hay.text.as_bytes().get(from..to) else {
            return Vec::new();
        };
        memmem::find_iter(window, needle)
            .filter_map(|i| hay.match_at(h, from + i, needle.len()))
            .filter(|m| m.end.line >= first && m.start.line <= last)
            .collect()
    }

    fn haystack(&mut self, h: &History, fold: bool) -> &Haystack {
        let slot = if fold {
            &mut self.folded
        } else {
            &mut self.plain
        };
        let hay = slot.get_or_insert_with(|| Haystack::new(fold));
        hay.update(h);
        hay
    }
}

/// A history's text: each row's characters (see `push_cell`), then a
/// newline unless it wraps into the next row, so a match runs on across a
/// wrap but never across the end of a line.
struct Haystack {
    fold: bool,
    /// What numbered the rows held; when it changes they are read again.
    width: u16,
    alternate: bool,
    /// The line of the first row held.
    first: u64,
    text: String,
    /// Where each row's text starts.
    starts: Vec<usize>,
    /// How many of the rows held are the scrollback's, and their bytes:
    /// they are kept, the screen's are read again on each update.
    scrollback: usize,
    scrollback_bytes: usize,
}

impl Haystack {
    fn new(fold: bool) -> Haystack {
        Haystack {
            fold,
            width: 0,
            alternate: false,
            first: 0,
            text: String::new(),
            starts: Vec::new(),
            scrollback: 0,
            scrollback_bytes: 0,
        }
    }

    fn update(&mut self, h: &History) {
        self.text.truncate(self.scrollback_bytes);
        self.starts.truncate(self.scrollback);
        let held_end = self.first + self.scrollback as u64;
        // A reflow (the width changed), the alternate screen, or a screen
        // rebuilt: the numbers no longer name the same rows.
        let renumbered = self.width != h.width()
            || self.alternate != h.alternate()
            || held_end > h.live_top()
            || (self.scrollback > 0 && self.first > h.first());
        if renumbered {
            self.text.clear();
            self.starts.clear();
            self.scrollback = 0;
            self.width = h.width();
            self.alternate = h.alternate();
        }
        // Lines that dropped off the far end of the scrollback.
        let gone = usize::try_from(h.first().saturating_sub(self.first))
            .map_or(self.scrollback, |n| n.min(self.scrollback));
        if gone > 0 {
            let cut = self.starts.get(gone).copied().unwrap_or(self.text.len());
            self.text.drain(..cut);
            self.starts.drain(..gone);
            self.starts.iter_mut().for_each(|s| *s -= cut);
            self.scrollback -= gone;
        }
        if self.scrollback == 0 {
            self.first = h.first();
        }
        for line in self.first + self.scrollback as u64..h.live_top() {
            self.push_row(h, line);
            self.scrollback += 1;
        }
        self.scrollback_bytes = self.text.len();
        for line in h.live_top()..=h.last() {
            self.push_row(h, line);
        }
    }

    fn push_row(&mut self, h: &History, line: u64) {
        self.starts.push(self.text.len());
        let Some(row) = h.row(line) else {
            self.text.push('\n');
            return;
        };
        for cell in row.cells.iter() {
            push_cell(&mut self.text, cell, self.fold);
        }
        if !row.wrapped {
            self.text.push('\n');
        }
    }

    /// Where line `line`'s text starts (the end of the text past the last).
    fn row_start(&self, line: u64) -> usize {
        let i = line.saturating_sub(self.first);
        usize::try_from(i)
            .ok()
            .and_then(|i| self.starts.get(i).copied())
            .unwrap_or(self.text.len())
    }

    /// The byte of the text where the character at `at` starts.
    fn byte_of(&self, h: &History, at: Pos) -> usize {
        let mut byte = self.row_start(at.line);
        let Some(row) = h.row(at.line) else {
            return byte;
        };
        let mut scratch = String::new();
        for (col, cell) in row.cells.iter().enumerate() {
            if col >= usize::from(at.col) {
                break;
            }
            scratch.clear();
            push_cell(&mut scratch, cell, self.fold);
            byte += scratch.len();
        }
        byte
    }

    /// The cell whose character holds byte `at` of the text.
    fn pos_of(&self, h: &History, at: usize) -> Option<Pos> {
        let i = self.starts.partition_point(|start| *start <= at);
        let i = i.checked_sub(1)?;
        let line = self.first + i as u64;
        let row = h.row(line)?;
        let mut byte = self.starts[i];
        let mut scratch = String::new();
        for (col, cell) in row.cells.iter().enumerate() {
            scratch.clear();
            push_cell(&mut scratch, cell, self.fold);
            byte += scratch.len();
            if at < byte {
                return Some(Pos::new(line, u16::try_from(col).ok()?));
            }
        }
        None
    }

    /// The match of `len` bytes at byte `at`.
    fn match_at(&self, h: &History, at: usize, len: usize) -> Option<Match> {
        let start = self.pos_of(h, at)?;
        let end = self.pos_of(h, at + len.max(1) - 1)?;
        let width = h
            .row(end.line)
            .and_then(|r| r.char_at(end.col).map(|c| c.width))
            .unwrap_or(1);
        Some(Match {
            start,
            end: Pos::new(end.line, end.col.saturating_add(width - 1)),
        })
    }
}

/// A cell's text as searched: a blank for a cell never written, nothing
/// for the right half of a wide character (as `Row::chars` gives it), in
/// lower case when `fold`. Every cell of the history goes through here when
/// it is first read, so it is kept tight.
fn push_cell(out: &mut String, cell: &vt100::Cell, fold: bool) {
    if cell.is_wide_continuation() {
        return;
    }
    let text = cell.contents();
    match text.as_bytes() {
        [] => out.push(' '),
        // One byte of UTF-8 is ASCII.
        [b] if fold => out.push(char::from(b.to_ascii_lowercase())),
        [b] => out.push(char::from(*b)),
        _ if fold => out.extend(text.chars().flat_map(char::to_lowercase)),
        _ => out.push_str(text),
    }
}

#[cfg(test)]
mod tests {
    use super::super::history::tests::parser;
    use super::*;

    fn query(text: &str) -> Query {
        Query::new(text).expect("a query")
    }

    fn at(line: u64, col: u16) -> Pos {
        Pos::new(line, col)
    }

    fn span(start: (u64, u16), end: (u64, u16)) -> Match {
        Match {
            start: at(start.0, start.1),
            end: at(end.0, end.1),
        }
    }

    #[test]
    fn finds_forward_and_backward_and_goes_round_the_ends() {
        let p = parser(4, 20, "one fox\ntwo\nthe fox and fox\nfour");
        let h = History::new(p.screen(), 0);
        let fox = query("fox");
        let forward = |from| Searcher::default().find(&h, &fox, from, Direction::Forward);
        let backward = |from| Searcher::default().find(&h, &fox, from, Direction::Backward);
        assert_eq!(forward(at(0, 0)), Some(span((0, 4), (0, 6))));
        assert_eq!(forward(at(0, 4)), Some(span((2, 4), (2, 6))));
        assert_eq!(forward(at(2, 4)), Some(span((2, 12), (2, 14))));
        // Past the last one: round to the first.
        assert_eq!(forward(at(2, 12)), Some(span((0, 4), (0, 6))));
        assert_eq!(backward(at(3, 0)), Some(span((2, 12), (2, 14))));
        assert_eq!(backward(at(2, 12)), Some(span((2, 4), (2, 6))));
        assert_eq!(backward(at(0, 4)), Some(span((2, 12), (2, 14))));
        assert_eq!(forward(at(0, 0)).map(|m| m.start), Some(at(0, 4)));
        assert_eq!(
            Searcher::default().find(&h, &query("cat"), at(0, 0), Direction::Forward),
            None
        );
    }

    #[test]
    fn the_only_match_is_found_again_from_itself() {
        let p = parser(3, 20, "a needle here");
        let h = History::new(p.screen(), 0);
        let q = query("needle");
        let m = Some(span((0, 2), (0, 7)));
        assert_eq!(
            Searcher::default().find(&h, &q, at(0, 2), Direction::Forward),
            m
        );
        assert_eq!(
            Searcher::default().find(&h, &q, at(0, 2), Direction::Backward),
            m
        );
    }

    #[test]
    fn lower_case_ignores_case_and_a_capital_does_not() {
        let p = parser(3, 20, "Error: ERROR error");
        let h = History::new(p.screen(), 0);
        let starts = |q: &str| -> Vec<u16> {
            Searcher::default()
                .matches_on(&h, &query(q), 0, 2)
                .iter()
                .map(|m| m.start.col)
                .collect()
        };
        assert_eq!(starts("error"), [0, 7, 13]);
        assert_eq!(starts("ERROR"), [7]);
        assert_eq!(starts("Error"), [0]);
    }

    #[test]
    fn a_match_runs_across_a_wrapped_row() {
        // "the needle" wraps after "the ne".
        let p = parser(3, 6, "the needle\nneedle");
        let h = History::new(p.screen(), 0);
        let found = Searcher::default().matches_on(&h, &query("needle"), 0, 2);
        assert_eq!(found, [span((0, 4), (1, 3)), span((2, 0), (2, 5))]);
        // Looking at the second row only still finds the match it ends.
        assert_eq!(
            Searcher::default()
                .matches_on(&h, &query("needle"), 1, 1)
                .len(),
            1
        );
    }

    #[test]
    fn wide_characters_count_as_two_columns() {
        let p = parser(2, 20, "ab漢字cd");
        let h = History::new(p.screen(), 0);
        assert_eq!(
            Searcher::default().matches_on(&h, &query("字c"), 0, 1),
            [span((0, 4), (0, 6))]
        );
        assert_eq!(
            Searcher::default().matches_on(&h, &query("漢"), 0, 1),
            [span((0, 2), (0, 3))]
        );
    }

    #[test]
    fn searches_the_scrollback() {
        let text: Vec<String> = (0..50).map(|i| format!("line {i}")).collect();
        let p = parser(5, 20, &text.join("\n"));
        let h = History::new(p.screen(), 45);
        assert_eq!(h.first(), 0);
        let m =
            Searcher::default().find(&h, &query("line 3"), at(h.last(), 0), Direction::Backward);
        assert_eq!(m, Some(span((39, 0), (39, 5))));
        let m = Searcher::default().find(&h, &query("line 7"), at(10, 0), Direction::Forward);
        assert_eq!(m, Some(span((7, 0), (7, 5))));
    }

    #[test]
    fn an_empty_query_is_none() {
        assert_eq!(Query::new(""), None);
    }
}
