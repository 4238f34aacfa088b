//! What a session's scrollback costs in memory: the heap a `Term` (200x50,
//! 10,000 lines of scrollback) holds once its scrollback is full, per row,
//! for the kinds of output a session prints. Counted by a global allocator
//! that tracks the bytes asked for, so the figure is exact and the same on
//! every run (the allocator's own rounding and headers come on top; muxbench
//! measures the whole process from the outside).
//!
//! Also the peak while the width changes (reflow rewraps the scrollback):
//! what a resize costs on top of what is kept.
//!
//! `cargo bench --bench scrollback_memory`

#[path = "common/corpus.rs"]
mod corpus;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use ccmux::session::Term;
use corpus::{Kind, MIXED, Rng, corpus};

const ROWS: u16 = 50;
const COLS: u16 = 200;
const SCROLLBACK: usize = 10_000;

/// The system allocator, counting the bytes held and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        grew(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn main() {
    println!("scrollback_memory: {COLS}x{ROWS} screen, {SCROLLBACK} lines of scrollback");

    let cases: [(&str, Vec<u8>); 6] = [
        // muxbench's memory test: `gen_corpus.py --mode wide200`.
        ("full 200-column ASCII lines", full_ascii(SCROLLBACK + 100)),
        ("mixed corpus", corpus(MIXED, 4 << 20, 3)),
        (
            "truecolor runs, full width",
            lines(Kind::Truecolor, usize::from(COLS)),
        ),
        ("log lines, full width", lines(Kind::Log, usize::from(COLS))),
        (
            "wide characters, full width",
            lines(Kind::Wide, usize::from(COLS)),
        ),
        ("empty lines", vec![b'\n'; SCROLLBACK + 100]),
    ];
    let empty = {
        let before = live();
        let term = Term::new(ROWS, COLS, SCROLLBACK);
        let held = live() - before;
        black_box(&term);
        held
    };
    println!("an empty Term holds {} KiB", empty / 1024);
    println!(
        "{:<32} {:>12} {:>12} {:>14} {:>12}",
        "", "heap MiB", "B per row", "reflow peak MiB", "fill ms"
    );
    for (name, bytes) in &cases {
        let before = live();
        let start = Instant::now();
        let mut term = Term::new(ROWS, COLS, SCROLLBACK);
        term.process(bytes);
        let took = start.elapsed();
        assert_eq!(term.screen().scrollback_len(), SCROLLBACK, "{name}");
        let held = live() - before;
        let per_row = held.saturating_sub(empty) / SCROLLBACK;

        // Narrower then back: every line rewrapped twice.
        PEAK.store(live(), Ordering::Relaxed);
        term.set_size(ROWS, COLS - 80);
        term.set_size(ROWS, COLS);
        let peak = PEAK.load(Ordering::Relaxed) - before;
        black_box(&term);
        println!(
            "{name:<32} {:>12.2} {per_row:>12} {:>14.2} {:>12.1}",
            mib(held),
            mib(peak),
            took.as_secs_f64() * 1e3
        );
    }
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / f64::from(1 << 20)
}

/// Lines as `gen_corpus.py --mode wide200` makes them: a six-digit number,
/// a blank, then printable ASCII to the 200th column.
fn full_ascii(count: usize) -> Vec<u8> {
    let mut r = Rng::new(3);
    let mut out = Vec::new();
    for i in 0..count {
        out.extend_from_slice(format!("{i:06} ").as_bytes());
        let text = Kind::Words.line(&mut r, usize::from(COLS) - 7);
        out.extend_from_slice(format!("{text:<193}").as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Enough lines of `kind`, about `width` columns each, to fill the
/// scrollback.
fn lines(kind: Kind, width: usize) -> Vec<u8> {
    let mut r = Rng::new(5);
    let mut out = Vec::new();
    for _ in 0..SCROLLBACK + 100 {
        out.extend_from_slice(kind.line(&mut r, width).as_bytes());
        out.extend_from_slice(b"\x1b[m\r\n");
    }
    out
}
