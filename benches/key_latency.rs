//! Keystroke to echo, inside ccmux: from a key handed to `App::handle` until
//! its echo is on the focused session's screen. The way there is the whole
//! input path: the App encodes the key and queues it, the session's writer
//! thread writes it to the PTY, the tty echoes it (the session runs `cat`),
//! and the reader thread parses the echo into the screen. The screen is polled
//! under its lock in a tight loop, so the figure includes one lock hand-over
//! but no frame pacing and no host terminal.
//!
//! Measured idle, and while a background tab floods output in a `cat` loop.
//! The App is driven directly, without the loop that would also read that
//! tab's change messages every 250 ms; that costs next to nothing.
//!
//! `cargo bench --bench key_latency`

#[path = "common/app.rs"]
mod app;
#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/timing.rs"]
mod timing;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use ccmux::app::Event;

use app::Viewer;

use corpus::{MIXED, corpus};
use timing::{Stats, machine, report, sample};

const ROWS: u16 = 50;
const COLS: u16 = 200;
const WARMUP: usize = 20;
const KEYS: usize = 400;
/// Enter after this many keys, so the line never wraps.
const LINE: usize = 40;
/// Longer than any echo should take, even on a box under load.
const PATIENCE: Duration = Duration::from_secs(10);

fn main() {
    println!(
        "key_latency: App::handle(key) -> echo on the focused screen, {KEYS} keys after {WARMUP}"
    );
    println!("machine: {}", machine());
    if let Err(e) = run() {
        eprintln!("key_latency: {e}");
        std::process::exit(1);
    }
    println!("machine: {}", machine());
}

fn run() -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    // Every session runs `sh s.sh` in its own directory: that is how one
    // launch command gives each tab a different program.
    let echo = session_dir(tmp.path(), "echo", "exec cat\n")?;
    let big = tmp.path().join("big.txt");
    std::fs::write(&big, corpus(MIXED, 16 << 20, 3)).map_err(|e| e.to_string())?;
    let flood = session_dir(
        tmp.path(),
        "flood",
        &format!("while :; do cat '{}'; done\n", big.display()),
    )?;

    let stats = keys(&[&echo])?;
    report("idle", &stats, None);
    let stats = keys(&[&echo, &flood])?;
    report("a background tab floods (cat loop)", &stats, None);
    Ok(())
}

fn session_dir(root: &Path, name: &str, script: &str) -> Result<PathBuf, String> {
    let dir = root.join(name);
    std::fs::create_dir(&dir)
        .and_then(|_| std::fs::write(dir.join("s.sh"), script))
        .map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Types into the first of `dirs`' sessions (the focused tab) and times each
/// echo.
fn keys(dirs: &[&Path]) -> Result<Stats, String> {
    let launch = app::launch("sh", &["s.sh"], 10_000);
    let dirs: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    let mut app = Viewer::new(launch, &dirs, (COLS, ROWS + 2));
    let result = type_keys(&mut app, dirs.len() > 1);
    app.hub.stop_all();
    result
}

fn type_keys(app: &mut Viewer, flooding: bool) -> Result<Stats, String> {
    if flooding {
        wait_until("the flood to start", || {
            app.hub
                .registry()
                .at(1)
                .is_some_and(|s| s.last_output().is_some())
        })?;
    }
    let mut line = String::new();
    let mut i = 0u64;
    sample(WARMUP, KEYS, || {
        if line.len() == LINE {
            press(app, KeyCode::Enter, Instant::now());
            wait_until("cat to print the line back", || line_copied(app, &line))?;
            line.clear();
        }
        let c = char::from(b'a' + (i % 26) as u8);
        let (row, col) = screen(app, |s| s.cursor_position()).ok_or("the session is gone")?;
        let start = Instant::now();
        press(app, KeyCode::Char(c), start);
        wait_until("the echo", || {
            screen(app, |s| {
                s.cell(row, col)
                    .map(|cell| cell.contents() == c.to_string())
            })
            .flatten()
            .unwrap_or(false)
        })?;
        let took = start.elapsed();
        line.push(c);
        // Spaced like typing, and like muxbench's probe (which waits 10-30 ms).
        std::thread::sleep(Duration::from_millis(5 + (i * 7) % 11));
        i += 1;
        Ok(took)
    })
}

fn press(v: &mut Viewer, code: KeyCode, now: Instant) {
    v.app.handle(
        &mut v.hub,
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        now,
    );
}

/// Reads the focused session's screen under its lock.
fn screen<T>(v: &Viewer, f: impl FnOnce(&vt100::Screen) -> T) -> Option<T> {
    let session = v.hub.registry().at(v.app.focused())?;
    Some(f(session.term().screen()))
}

/// The tty echoed the line and `cat` printed it again: the two rows above the
/// cursor both hold it.
fn line_copied(app: &Viewer, line: &str) -> bool {
    screen(app, |s| {
        let (row, col) = s.cursor_position();
        if col != 0 || row < 2 {
            return false;
        }
        let rows: Vec<String> = s.rows(0, COLS).skip(usize::from(row - 2)).take(2).collect();
        rows.iter().all(|r| r == line)
    })
    .unwrap_or(false)
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) -> Result<(), String> {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        if Instant::now() > deadline {
            return Err(format!("gave up waiting for {what} after {PATIENCE:?}"));
        }
        std::thread::yield_now();
    }
    Ok(())
}
