//! How fast a session's reader turns program output into a screen: the bytes
//! `Term::process` gets through per second, fed in the 4 KiB pieces a PTY read
//! hands over, on a 200x50 screen keeping 10,000 lines of scrollback (the
//! default), so scrolling and trimming scrollback are part of the cost.
//!
//! `cargo bench --bench parse`

#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/timing.rs"]
mod timing;

use std::convert::Infallible;
use std::hint::black_box;
use std::time::Instant;

use ccmux::session::Term;
use corpus::{Kind, MIXED, corpus};
use timing::{machine, report, sample};

const ROWS: u16 = 50;
const COLS: u16 = 200;
const SCROLLBACK: usize = 10_000;
/// What one read(2) on a Linux PTY master returns under a flood.
const CHUNK: usize = 4096;
const MIB: usize = 1 << 20;

fn main() {
    println!(
        "parse: Term::process, {COLS}x{ROWS}, {SCROLLBACK} lines of scrollback, {CHUNK} B chunks"
    );
    println!("machine: {}", machine());

    let mixed = corpus(MIXED, 32 * MIB, 1);
    bench("mixed corpus, 32 MiB", &mixed, 5);
    let ascii = corpus(&[(1.0, Kind::Words)], 32 * MIB, 1);
    bench("plain ASCII lines, 32 MiB", &ascii, 5);

    // Which ingredient of the mix costs what, per byte.
    for &(_, kind) in MIXED {
        let bytes = corpus(&[(1.0, kind)], 8 * MIB, 2);
        bench(&format!("  only {}, 8 MiB", name(kind)), &bytes, 3);
    }
    println!("machine: {}", machine());
}

fn bench(label: &str, bytes: &[u8], iters: usize) {
    let Ok(stats) = sample(1, iters, || {
        let mut term = Term::new(ROWS, COLS, SCROLLBACK);
        let start = Instant::now();
        for chunk in bytes.chunks(CHUNK) {
            term.process(chunk);
        }
        let took = start.elapsed();
        // Keep the screen alive past the clock so its drop is not timed.
        black_box(&term);
        Ok::<_, Infallible>(took)
    });
    report(label, &stats, Some(bytes.len()));
}

fn name(kind: Kind) -> &'static str {
    match kind {
        Kind::Words => "plain words",
        Kind::Log => "log lines, 16-colour level",
        Kind::Sgr16 => "16-colour runs",
        Kind::Sgr256 => "256-colour runs",
        Kind::Truecolor => "truecolor runs",
        Kind::Wide => "CJK/Hangul/emoji (wide)",
        Kind::Progress => "\\r progress bars",
        Kind::Cursor => "CUU/CHA/DECSC rewrites",
        Kind::Empty => "empty lines",
    }
}
