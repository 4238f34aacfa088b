//! What a frame costs: `ScreenView` copying a 200x50 session screen into a
//! ratatui buffer, the same through ratatui's diff and crossterm's encoding
//! (with the bytes a frame sends to the host terminal), and a whole
//! `App::draw` (tab bar, screen, status line) on a `TestBackend` and as the
//! server draws a client's frame (`ClientScreen`).
//!
//! `cargo bench --bench render`

#[path = "common/app.rs"]
mod app;
#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/timing.rs"]
mod timing;

use std::cell::Cell;
use std::convert::Infallible;
use std::hint::black_box;
use std::io::{self, Write};

use std::rc::Rc;
use std::time::{Duration, Instant};

use ratatui::backend::{Backend, CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use ratatui::{Terminal, TerminalOptions, Viewport};

use app::Viewer;
use ccmux::server::screen::ClientScreen;
use ccmux::session::Term;
use ccmux::ui::row_cache::RowCache;
use ccmux::ui::screen_view::ScreenView;

use corpus::{Kind, MIXED, Rng, corpus};
use timing::{Stats, machine, report, sample};

const ROWS: u16 = 50;
const COLS: u16 = 200;
const WARMUP: usize = 200;
const FRAMES: usize = 2000;

fn main() {
    println!("render: {COLS}x{ROWS} session screen, {FRAMES} frames after {WARMUP} warm-up");
    println!("machine: {}", machine());

    let full = usize::from(ROWS);
    let screens = [
        ("truecolor text", pair(Kind::Truecolor, full)),
        ("256-colour text", pair(Kind::Sgr256, full)),
        ("wide chars (CJK/emoji)", pair(Kind::Wide, full)),
        ("mixed corpus", (mixed_tail(1), mixed_tail(2))),
        // What a shell or `cat` shows: most of the screen blank.
        ("5 short lines, rest blank", pair(Kind::Words, 5)),
    ];

    println!("\nScreenView::render into a Buffer:");
    for (name, (a, _)) in &screens {
        let term = term_with(a);
        let mut buf = Buffer::empty(Rect::new(0, 0, COLS, ROWS));
        let Ok(stats) = sample(WARMUP, FRAMES, || {
            let start = Instant::now();
            ScreenView::new(term.screen()).render(buf.area, &mut buf);
            let took = start.elapsed();
            black_box(&buf);
            Ok::<_, Infallible>(took)
        });
        report(&format!("  {name}"), &stats, None);
        // The same with the viewer's RowCache: every row unchanged, copied from the last frame.
        let mut cache = RowCache::default();
        let Ok(stats) = sample(WARMUP, FRAMES, || {
            let start = Instant::now();
            ScreenView::new(term.screen())
                .cached(&mut cache)
                .render(buf.area, &mut buf);
            let took = start.elapsed();
            black_box(&buf);
            Ok::<_, Infallible>(took)
        });
        report(&format!("  {name}, RowCache, unchanged"), &stats, None);
    }

    println!("\nTerminal::draw through crossterm into a byte counter (render + diff + encode):");
    for (name, (a, b)) in &screens {
        let frames = [term_with(a), term_with(b)];
        let (stats, bytes) = host_frames(|i| &frames[i % 2]);
        report(&format!("  {name}, repainted"), &stats, None);
        println!("{:<44} {bytes} B per frame to the host terminal", "");
        let (stats, bytes) = host_frames(|_| &frames[0]);
        report(&format!("  {name}, unchanged"), &stats, None);
        println!("{:<44} {bytes} B per frame to the host terminal", "");
        let (stats, _) = host_frames_cached(|_| &frames[0]);
        report(&format!("  {name}, unchanged, RowCache"), &stats, None);
        // A key echo: one character typed on the bottom row between frames.
        let mut term = term_with(a);
        let (stats, bytes) = echo_frames(&mut term, None);
        report(&format!("  {name}, one row changed"), &stats, None);
        println!("{:<44} {bytes} B per frame to the host terminal", "");
        let mut cache = RowCache::default();
        let (stats, _) = echo_frames(&mut term, Some(&mut cache));
        report(
            &format!("  {name}, one row changed, RowCache"),
            &stats,
            None,
        );
    }

    println!("\nApp::draw, two tabs, the focused one showing the screen:");
    for (name, (a, b)) in &screens {
        println!(" {name}:");
        if let Err(e) = app_frames(a, b) {
            println!("  cannot run the App bench: {e}");
        }
    }
    println!("machine: {}", machine());
}

/// Two different paints of the first `rows` rows with lines of `kind`, so
/// every drawn cell changes from one to the other.
fn pair(kind: Kind, rows: usize) -> (Vec<u8>, Vec<u8>) {
    (paint(kind, rows, 1), paint(kind, rows, 2))
}

/// Bytes that clear the screen and fill its first `rows` rows with lines of
/// `kind`, without scrolling, the way a full-screen program repaints. Full
/// screens get full-width lines, partial ones short lines.
fn paint(kind: Kind, rows: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let width = if rows < usize::from(ROWS) {
        40
    } else {
        usize::from(COLS)
    };
    let mut out = b"\x1b[H\x1b[2J".to_vec();
    for row in 1..=rows {
        out.extend_from_slice(format!("\x1b[{row};1H").as_bytes());
        out.extend_from_slice(kind.line(&mut r, width).as_bytes());
    }
    out
}

/// What the screen shows after the mixed corpus scrolled through it.
fn mixed_tail(seed: u64) -> Vec<u8> {
    corpus(MIXED, 256 * 1024, seed)
}

fn term_with(bytes: &[u8]) -> Term {
    let mut term = Term::new(ROWS, COLS, 0);
    term.process(bytes);
    term
}

/// Counts what crossterm would send to the host terminal. Shared, since the
/// backend's own accessor for its writer is an unstable ratatui feature.
#[derive(Clone, Default)]
struct Counter(Rc<Cell<u64>>);

impl Counter {
    fn get(&self) -> u64 {
        self.0.get()
    }
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.set(self.0.get() + buf.len() as u64);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A 200x50 terminal on crossterm whose output is counted.
type Host = Terminal<CrosstermBackend<Counter>>;

/// Calls `draw(terminal, i)` for frame i, `WARMUP` times and then `FRAMES` times, on a fresh
/// `Host`; `draw` times its own frame (what it readies first is not timed). The times, and the
/// mean bytes a frame wrote.
fn time_frames(mut draw: impl FnMut(&mut Host, usize) -> Duration) -> (Stats, u64) {
    let area = Rect::new(0, 0, COLS, ROWS);
    let counter = Counter::default();
    let backend = CrosstermBackend::new(counter.clone());
    let options = TerminalOptions {
        viewport: Viewport::Fixed(area),
    };
    let Ok(mut terminal) = Terminal::with_options(backend, options) else {
        return (Stats::of(Vec::new()), 0);
    };
    for i in 0..WARMUP {
        draw(&mut terminal, i);
    }
    let before = counter.get();
    let stats = Stats::of(
        (WARMUP..WARMUP + FRAMES)
            .map(|i| draw(&mut terminal, i))
            .collect(),
    );
    let bytes = (counter.get() - before) / FRAMES as u64;
    (stats, bytes)
}

/// Draws `view` on `terminal`; how long that took.
fn timed_draw(terminal: &mut Host, view: ScreenView) -> Duration {
    let start = Instant::now();
    let drawn = terminal.draw(|f| f.render_widget(view, f.area()));
    let took = start.elapsed();
    black_box(drawn.is_ok());
    took
}

/// Frames drawn with `screen(i)` as frame i's content: the time of each
/// `Terminal::draw`, and the mean bytes a frame wrote.
fn host_frames<'a>(screen: impl Fn(usize) -> &'a Term) -> (Stats, u64) {
    time_frames(|terminal, i| timed_draw(terminal, ScreenView::new(screen(i).screen())))
}

/// `host_frames` with one RowCache kept across the frames, as a viewer keeps its own.
fn host_frames_cached<'a>(screen: impl Fn(usize) -> &'a Term) -> (Stats, u64) {
    let mut cache = RowCache::default();
    time_frames(|terminal, i| {
        timed_draw(
            terminal,
            ScreenView::new(screen(i).screen()).cached(&mut cache),
        )
    })
}

/// Frames of `term` through crossterm, a character typed on its bottom row (untimed) before
/// each, as a key echo changes the screen; with `cache`, drawn with that RowCache.
fn echo_frames(term: &mut Term, mut cache: Option<&mut RowCache>) -> (Stats, u64) {
    time_frames(|terminal, i| {
        let col = i % usize::from(COLS) + 1;
        let key = char::from(b'a' + (i % 26) as u8);
        term.process(format!("\x1b[{ROWS};{col}H{key}").as_bytes());
        let view = match cache.as_deref_mut() {
            Some(cache) => ScreenView::new(term.screen()).cached(cache),
            None => ScreenView::new(term.screen()),
        };
        timed_draw(terminal, view)
    })
}

/// A whole App frame on a TestBackend (and on crossterm, for the bytes):
/// two tabs running `sleep`, the focused one's screen filled by hand with
/// `a`, then, for the changing case, repainted with `a` and `b` in turn
/// between frames (the repaint is not timed).
fn app_frames(a: &[u8], b: &[u8]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let launch = app::launch("sleep", &["1000"], 10_000);
    let dirs = [dir.path().to_path_buf(), dir.path().to_path_buf()];
    let mut app = Viewer::new(launch, &dirs, (COLS, ROWS + 2));
    let result = time_app(&mut app, a, b);
    app.hub.stop_all();
    result
}

fn time_app(app: &mut Viewer, a: &[u8], b: &[u8]) -> Result<(), String> {
    let paint = |app: &Viewer, bytes: &[u8]| {
        if let Some(s) = app.hub.registry().at(0) {
            s.term().process(bytes);
        }
    };
    paint(app, a);
    let area = Rect::new(0, 0, COLS, ROWS + 2);

    let test = TestBackend::new(area.width, area.height);
    let mut terminal = Terminal::new(test).map_err(|e| e.to_string())?;
    let stats = sample(WARMUP, FRAMES, || app_frame(&mut terminal, app))?;
    report("  TestBackend, nothing changes", &stats, None);
    let mut flip = false;
    let stats = sample(WARMUP, FRAMES, || {
        flip = !flip;
        paint(app, if flip { a } else { b });
        app_frame(&mut terminal, app)
    })?;
    report("  TestBackend, screen repainted", &stats, None);

    let counter = Counter::default();
    let options = TerminalOptions {
        viewport: Viewport::Fixed(area),
    };
    let backend = CrosstermBackend::new(counter.clone());
    let mut terminal = Terminal::with_options(backend, options).map_err(|e| e.to_string())?;
    let before = counter.get();
    let stats = sample(0, FRAMES, || {
        flip = !flip;
        paint(app, if flip { a } else { b });
        app_frame(&mut terminal, app)
    })?;
    let bytes = (counter.get() - before) / FRAMES as u64;
    report("  crossterm, screen repainted", &stats, None);
    println!("{:<44} {bytes} B per frame to the host terminal", "");

    // As the server draws a client's frame (render, diff, encode into bytes); a key echo is one
    // character typed on the screen's bottom row (untimed) before each frame.
    let mut screen = ClientScreen::new((area.width, area.height)).map_err(|e| e.to_string())?;
    paint(app, a);
    let stats = sample(WARMUP, FRAMES, || {
        server_frame(&mut screen, app).map(|(t, _)| t)
    })?;
    report("  server's frame, nothing changes", &stats, None);
    let (mut i, mut bytes) = (0, 0);
    let stats = sample(WARMUP, FRAMES, || {
        i += 1;
        let col = i % usize::from(COLS) + 1;
        let key = char::from(b'a' + (i % 26) as u8);
        paint(app, format!("\x1b[{ROWS};{col}H{key}").as_bytes());
        let (took, sent) = server_frame(&mut screen, app)?;
        bytes = sent;
        Ok::<_, String>(took)
    })?;
    report("  server's frame, one row changed", &stats, None);
    println!("{:<44} {bytes} B per frame to the host terminal", "");
    // The same with the caches cold, as between two keys typed by a person: 64 MiB written
    // (untimed) before each frame pushes the frame's data out of them.
    let mut sweep = vec![0u8; 64 << 20];
    let stats = sample(WARMUP / 10, FRAMES / 4, || {
        i += 1;
        let col = i % usize::from(COLS) + 1;
        let key = char::from(b'a' + (i % 26) as u8);
        paint(app, format!("\x1b[{ROWS};{col}H{key}").as_bytes());
        for (n, byte) in sweep.iter_mut().enumerate().step_by(64) {
            *byte = byte.wrapping_add(n as u8);
        }
        black_box(&sweep);
        server_frame(&mut screen, app).map(|(t, _)| t)
    })?;
    report("  server's frame, one row changed, cold", &stats, None);
    let stats = sample(WARMUP, FRAMES, || {
        flip = !flip;
        paint(app, if flip { a } else { b });
        server_frame(&mut screen, app).map(|(t, _)| t)
    })?;
    report("  server's frame, screen repainted", &stats, None);
    Ok(())
}

/// One frame of `viewer`'s App drawn as the server draws it; how long that took and the bytes.
fn server_frame(
    screen: &mut ClientScreen,
    viewer: &mut Viewer,
) -> Result<(Duration, usize), String> {
    let now = Instant::now();
    let (hub, app) = (&viewer.hub, &mut viewer.app);
    let bytes = screen
        .draw(|canvas| app.paint(hub, canvas, std::time::SystemTime::now()))
        .map_err(|e| format!("cannot draw: {e}"))?;
    Ok((now.elapsed(), black_box(bytes).len()))
}

fn app_frame<B: Backend>(
    terminal: &mut Terminal<B>,
    viewer: &mut Viewer,
) -> Result<Duration, String> {
    let now = Instant::now();
    let (hub, app) = (&viewer.hub, &mut viewer.app);
    terminal
        .draw(|f| app.draw(hub, f, std::time::SystemTime::now()))
        .map_err(|e| format!("cannot draw: {e}"))?;
    Ok(now.elapsed())
}
