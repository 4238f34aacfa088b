//! How fast a session's reader turns program output into a screen: the bytes
//! `Term::process` gets through per second, fed in the 4 KiB pieces a PTY read
//! hands over, on a 200x50 screen keeping 10,000 lines of scrollback (the
//! default), so scrolling and trimming scrollback are part of the cost.
//!
//! `cargo bench --bench parse`
//!
//! For instruction counts, which the machine's load does not move: build with
//! `cargo bench --bench parse --no-run`, then run the binary it names with
//! `--count KIND` (`words`, `log`, `sgr16`, `sgr256`, `truecolor`, `wide`,
//! `progress`, `cursor`, `empty`, `mixed`) under
//! `valgrind --tool=callgrind --toggle-collect='*Term::process*'`: one pass
//! over 1 MiB of that kind, only the parsing counted.

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
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--count") {
        count(args.get(i + 1).map_or("", String::as_str));
        return;
    }
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

/// One untimed pass over 1 MiB of `kind`, for callgrind.
fn count(kind: &str) {
    let mix = match kind {
        "mixed" => MIXED.to_vec(),
        _ => match MIXED.iter().find(|(_, k)| key(*k) == kind) {
            Some(&(_, k)) => vec![(1.0, k)],
            None => {
                let keys: Vec<&str> = MIXED.iter().map(|(_, k)| key(*k)).collect();
                println!("--count takes mixed or one of {}", keys.join(", "));
                return;
            }
        },
    };
    let bytes = corpus(&mix, MIB, 2);
    let mut term = Term::new(ROWS, COLS, SCROLLBACK);
    for chunk in bytes.chunks(CHUNK) {
        term.process(chunk);
    }
    black_box(&term);
}

/// The name `--count` knows a kind by.
fn key(kind: Kind) -> &'static str {
    match kind {
        Kind::Words => "words",
        Kind::Log => "log",
        Kind::Sgr16 => "sgr16",
        Kind::Sgr256 => "sgr256",
        Kind::Truecolor => "truecolor",
        Kind::Wide => "wide",
        Kind::Progress => "progress",
        Kind::Cursor => "cursor",
        Kind::Empty => "empty",
    }
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
