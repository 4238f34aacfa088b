//! What copy mode's search costs over a full scrollback: 10,000 lines of
//! 200 columns (plus a 50-row screen), searched from the bottom for a word
//! that is nowhere (all the text searched), for one only in the oldest
//! line, with and without case, and the per-frame cost of finding the
//! matches on the lines shown. A frame is 16 ms; a search should take well
//! under one.
//!
//! "Warm" is every search after a viewer's first (each key typed into the
//! prompt, `n`, `N`): the history's text is kept, and only what changed is
//! read. "Cold" is the first, which reads every cell of the scrollback.
//!
//! `cargo bench --bench copy_search`

#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/timing.rs"]
mod timing;

use std::convert::Infallible;
use std::hint::black_box;
use std::time::Instant;

use ccmux::copy::{Direction, History, Pos, Query, Searcher};
use ccmux::session::Term;

use corpus::{Kind, Rng};
use timing::{machine, report, sample};

const ROWS: u16 = 50;
const COLS: u16 = 200;
const SCROLLBACK: usize = 10_000;
const WARMUP: usize = 5;
const RUNS: usize = 50;

fn main() {
    println!("copy_search: {SCROLLBACK} lines of scrollback, {COLS}x{ROWS} screen");
    println!("machine: {}", machine());

    let term = filled();
    let screen = term.screen();
    assert_eq!(screen.scrollback_len(), SCROLLBACK);
    let history = History::new(screen, term.lines_scrolled());
    let bottom = Pos::new(history.last(), 0);
    let oldest = history.first();

    let searches = [
        (
            "absent, ignoring case",
            "zebra-striped",
            Direction::Backward,
        ),
        (
            "absent, with a capital",
            "Zebra-striped",
            Direction::Backward,
        ),
        (
            "absent, forward (round the end)",
            "zebra-striped",
            Direction::Forward,
        ),
        (
            "only in the oldest line",
            "needle-in-the-oldest",
            Direction::Backward,
        ),
    ];
    let mut warm = Searcher::default();
    for (name, text, direction) in searches {
        let query = Query::new(text).expect("a query");
        let mut found = None;
        let Ok(stats) = sample(WARMUP, RUNS, || {
            let start = Instant::now();
            found = black_box(warm.find(&history, &query, bottom, direction));
            Ok::<_, Infallible>(start.elapsed())
        });
        report(&format!("  warm find: {name}"), &stats, None);
        if text.starts_with("needle") {
            assert_eq!(found.map(|m| m.start.line), Some(oldest));
        } else {
            assert_eq!(found, None);
        }
    }

    for (name, text) in [
        ("ignoring case", "zebra-striped"),
        ("with a capital", "Zebra-striped"),
    ] {
        let query = Query::new(text).expect("a query");
        let Ok(stats) = sample(1, RUNS / 5, || {
            let mut cold = Searcher::default();
            let start = Instant::now();
            black_box(cold.find(&history, &query, bottom, Direction::Backward));
            Ok::<_, Infallible>(start.elapsed())
        });
        report(&format!("  cold find (first search): {name}"), &stats, None);
    }

    // What a session's scrollback is more like: lines of 0 to 300 columns,
    // colours, wide characters (the corpus the other benches use), whose
    // rows are kept trimmed to their text.
    let mut mixed = Term::new(ROWS, COLS, SCROLLBACK);
    mixed.process(&corpus::corpus(corpus::MIXED, 4 << 20, 3));
    assert_eq!(mixed.screen().scrollback_len(), SCROLLBACK);
    let mixed_history = History::new(mixed.screen(), mixed.lines_scrolled());
    let query = Query::new("zebra-striped").expect("a query");
    let from = Pos::new(mixed_history.last(), 0);
    let Ok(stats) = sample(1, RUNS / 5, || {
        let mut cold = Searcher::default();
        let start = Instant::now();
        black_box(cold.find(&mixed_history, &query, from, Direction::Backward));
        Ok::<_, Infallible>(start.elapsed())
    });
    report("  cold find: mixed corpus, absent", &stats, None);

    // Every match on the 50 lines shown, for drawing them: per frame.
    let common = Query::new("the").expect("a query");
    let top = history.live_top() - 5_000;
    let Ok(stats) = sample(WARMUP, RUNS * 10, || {
        let start = Instant::now();
        black_box(warm.matches_on(&history, &common, top, top + u64::from(ROWS) - 1));
        Ok::<_, Infallible>(start.elapsed())
    });
    report("  matches on the 50 lines shown (\"the\")", &stats, None);
}

/// A session's Term with a full scrollback: the oldest line holds the
/// needle, every line is a full 200 columns of words.
fn filled() -> Term {
    let mut term = Term::new(ROWS, COLS, SCROLLBACK);
    let mut r = Rng::new(7);
    let lines = SCROLLBACK + usize::from(ROWS);
    let mut bytes = Vec::new();
    for i in 0..lines {
        let mut line = Kind::Words.line(&mut r, usize::from(COLS));
        if i == 0 {
            line.replace_range(..20, "needle-in-the-oldest");
        }
        // Full width: padded to the last column, without wrapping.
        let pad = usize::from(COLS) - line.chars().count();
        line.extend(std::iter::repeat_n('.', pad));
        bytes.extend_from_slice(line.as_bytes());
        if i + 1 < lines {
            bytes.extend_from_slice(b"\r\n");
        }
    }
    term.process(&bytes);
    term
}
