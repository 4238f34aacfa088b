//! Output built to exhaust ccmux: what it makes the session's terminal keep
//! must stay bounded, measured as heap bytes in use on the parsing thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ccmux::session::{MAX_OSC, MAX_TITLE, Term};

/// Counts the bytes this thread has allocated and not yet freed, and the
/// most of them at any moment since the last reset.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    // try_with: thread-local storage may be gone while a thread exits.
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + delta);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
    });
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        track(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        track(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        track(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and says how far above the starting point the heap went.
fn peak_growth(f: impl FnOnce()) -> isize {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    f();
    PEAK.with(Cell::get) - start
}

const MIB: usize = 1 << 20;
/// What the session's reader hands the terminal at once.
const READ: usize = 64 * 1024;

#[test]
fn an_unterminated_title_flood_keeps_memory_bounded_and_the_title_short() {
    let mut term = Term::new(24, 80, 100);
    let chunk = vec![b'x'; READ];
    let growth = peak_growth(|| {
        term.process(b"\x1b]0;");
        for _ in 0..(64 * MIB / READ) {
            term.process(&chunk);
        }
    });
    // The OSC buffer (at most MAX_OSC) and small change; unbounded, it is
    // the whole 64 MiB.
    assert!(
        growth < (MAX_OSC + MIB) as isize,
        "64 MiB of OSC grew the heap by {} KiB",
        growth / 1024
    );
    term.process(b"\x07");
    assert_eq!(term.take_title().map(|t| t.len()), Some(MAX_TITLE));
}

#[test]
fn floods_of_every_other_string_keep_memory_bounded() {
    // DCS, APC, PM and SOS contents, and an OSC 52 copy that never ends.
    for opener in [
        &b"\x1bP1$q"[..],
        b"\x1b_",
        b"\x1b^",
        b"\x1bX",
        b"\x1b]52;c;",
    ] {
        let mut term = Term::new(24, 80, 100);
        let chunk = vec![b'A'; READ];
        let growth = peak_growth(|| {
            term.process(opener);
            for _ in 0..(16 * MIB / READ) {
                term.process(&chunk);
            }
            term.process(b"\x1b\\");
        });
        assert!(
            growth < (MAX_OSC + MIB) as isize,
            "{opener:?}: grew the heap by {} KiB",
            growth / 1024
        );
        assert_eq!(term.take_clipboard(), None, "{opener:?}");
    }
}
