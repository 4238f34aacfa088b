//! A client's frames as the server draws them (`ClientScreen`, which redraws, diffs and sends
//! only the rows a frame changed when it can) against the whole frame drawn, diffed and sent by
//! ratatui's `Terminal`, as every frame was before: two clients of one hub see the same random
//! keys, session output and resizes, and a terminal fed each one's bytes must show the same after
//! every frame.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime};

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use ccmux::app::{App, Event};
use ccmux::server::screen::ClientScreen;

#[path = "../benches/common/app.rs"]
mod plain;

/// What a backend writes, kept for the test to take.
#[derive(Clone, Default)]
struct Sink(Rc<RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The whole path: ratatui's Terminal over crossterm, a fresh one (after a clear) whenever the
/// client's screen is fresh, as `ClientScreen` was before it kept frames.
struct Whole {
    terminal: Terminal<CrosstermBackend<Sink>>,
    sink: Sink,
}

impl Whole {
    fn new((cols, rows): (u16, u16)) -> Whole {
        let sink = Sink::default();
        sink.0
            .borrow_mut()
            .extend_from_slice(b"\x1b[0m\x1b[H\x1b[2J");
        let viewport = Viewport::Fixed(Rect::new(0, 0, cols, rows));
        let backend = CrosstermBackend::new(sink.clone());
        let terminal = Terminal::with_options(backend, TerminalOptions { viewport }).unwrap();
        Whole { terminal, sink }
    }

    fn draw(&mut self, app: &mut App, hub: &ccmux::hub::Hub, wall: SystemTime) -> Vec<u8> {
        self.terminal.draw(|f| app.draw(hub, f, wall)).unwrap();
        self.sink.0.take()
    }
}

/// A host terminal: its cells, cursor and whether the cursor shows.
fn shows(host: &vt100::Parser) -> (Vec<Vec<vt100::Cell>>, (u16, u16), bool) {
    let screen = host.screen();
    let cells = screen.visible_rows_cells().map(|r| r.to_vec()).collect();
    (cells, screen.cursor_position(), screen.hide_cursor())
}

fn host((cols, rows): (u16, u16)) -> vt100::Parser {
    let size = |n: u16| std::num::NonZeroU16::new(n).unwrap();
    vt100::Parser::new(size(rows), size(cols), 0)
}

/// What the sessions print: text, colours, wide characters and emoji sequences that span
/// columns, erasing, cursor movement, scrolling, the alternate screen, and single keys echoed on
/// the cursor's row (the frame the fast path is for).
const OUTPUT: &[&[u8]] = &[
    b"x",
    // A bell: a session not shown gets its attention mark in the tab bar.
    b"\x07",
    b"y",
    b"hello ",
    b"\r\n",
    b"\x1b[31;44mred\x1b[m",
    "漢字 ".as_bytes(),
    "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}".as_bytes(),
    "\u{2764}\u{FE0F}".as_bytes(),
    b"\x1b[2;3H\x1b[K",
    b"\x1b[5;1Hrow five",
    b"\x1b[A\x1b[2K",
    b"\x1b[?1049h\x1b[Halt",
    b"\x1b[?1049l",
    b"\x1b[3S",
    b"\x1b[?25l",
    b"\x1b[?25h",
    b"\x1b[H\x1b[2J",
    b"\x1b[4mline\x1b[m\x1b[7minverse\x1b[m",
    b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    // A line edited: back a column, characters deleted, a flag's halves typed one by one.
    b"\x08",
    b"\x1b[2P",
    "\u{1F1EB}".as_bytes(),
    "\u{1F1F7}".as_bytes(),
];

/// Hook payloads as Claude Code sends them (`CONV`: the conversation's id).
const HOOKS: &[&str] = &[
    r#"{"hook_event_name": "UserPromptSubmit", "session_id": "CONV", "prompt": "go"}"#,
    r#"{"hook_event_name": "PermissionRequest", "session_id": "CONV", "tool_name": "Bash"}"#,
    r#"{"hook_event_name": "PermissionRequest", "session_id": "CONV", "tool_name": "Edit"}"#,
    r#"{"hook_event_name": "Notification", "session_id": "CONV", "notification_type": "idle_prompt", "message": "waiting"}"#,
    r#"{"hook_event_name": "Stop", "session_id": "CONV"}"#,
];

/// Keys that only change what a client looks at (never a session, never the hub), so both
/// clients stay in step: popups, the table, the switcher, copy mode and its keys, tabs.
fn key(n: usize) -> Vec<KeyEvent> {
    let none = KeyModifiers::NONE;
    let prefix = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
    let plain = |code| vec![KeyEvent::new(code, none)];
    let prefixed = |c| vec![prefix, KeyEvent::new(KeyCode::Char(c), none)];
    match n % 20 {
        0 => prefixed('?'),
        1 => prefixed('s'),
        2 => prefixed('w'),
        3 => prefixed('['),
        4 => prefixed('n'),
        5 => prefixed('p'),
        6 => prefixed('i'),
        7 => prefixed('c'),
        8 => vec![prefix],
        9 => vec![KeyEvent::new(KeyCode::PageUp, KeyModifiers::SHIFT)],
        10 => plain(KeyCode::Up),
        11 => plain(KeyCode::Down),
        12 => plain(KeyCode::Char('k')),
        13 => plain(KeyCode::Char('j')),
        14 => plain(KeyCode::Char('g')),
        15 => plain(KeyCode::Char('G')),
        16 => plain(KeyCode::PageUp),
        17 => plain(KeyCode::Char('b')),
        _ => plain(KeyCode::Esc),
    }
}

/// Two clients of one hub over two sessions, both focused on the first: one draws through
/// `ClientScreen` (frames by rows), the other through ratatui's `Terminal` (whole frames), each
/// into a terminal of its own.
struct Rig {
    hub: ccmux::hub::Hub,
    rows_app: App,
    whole_app: App,
    screen: ClientScreen,
    whole: Whole,
    rows_host: vt100::Parser,
    whole_host: vt100::Parser,
    wall: SystemTime,
    _events: Box<dyn std::any::Any>,
    _dir: tempfile::TempDir,
}

impl Rig {
    fn start(size: (u16, u16), now: Instant) -> Rig {
        let dir = tempfile::tempdir().expect("tempdir");
        // The programs print once and never again, and do not echo what is typed: the screens
        // change only by what the test writes to them, so both clients draw the same.
        let script = "stty -echo; echo ready; exec sleep 1000";
        let launch = plain::launch("sh", &["-c", script], 100);
        let dirs = vec![dir.path().to_path_buf(); 2];
        let plain::Viewer {
            mut hub,
            app,
            events,
        } = plain::Viewer::new(launch, &dirs, size);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !hub
            .registry()
            .iter()
            .all(|s| s.term().screen().contents().contains("ready"))
        {
            assert!(Instant::now() < deadline, "the sessions did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        hub.attach(2, ccmux::app::session_size(size), now);
        let mut whole_app = App::new(2, plain::options(dir.path().to_path_buf()), size);
        whole_app.focus(&mut hub, 0, now);
        Rig {
            hub,
            rows_app: app,
            whole_app,
            screen: ClientScreen::new(size).unwrap(),
            whole: Whole::new(size),
            rows_host: host(size),
            whole_host: host(size),
            wall: SystemTime::now(),
            _events: Box::new(events),
            _dir: dir,
        }
    }

    /// Session `i` prints `bytes`, and its reader says so to the hub.
    fn output(&mut self, i: usize, bytes: &[u8], now: Instant) {
        let session = self.hub.registry().at(i).expect("session");
        session.term().process(bytes);
        let id = session.id();
        self.hub.on_session(id, now);
    }

    /// Both clients draw a frame; both terminals must show the same, from the same bytes.
    fn frame(&mut self, step: usize, now: Instant) {
        self.hub.on_time(now);
        self.hub.read_viewed(now);
        let (hub, wall) = (&self.hub, self.wall);
        let rows_app = &mut self.rows_app;
        let sent = self
            .screen
            .draw(|canvas| rows_app.paint(hub, canvas, wall))
            .unwrap();
        let want = self.whole.draw(&mut self.whole_app, hub, wall);
        self.rows_host.process(&sent);
        self.whole_host.process(&want);
        assert!(
            shows(&self.rows_host) == shows(&self.whole_host),
            "step {step}: the terminals differ\nrows:\n{}\nwhole:\n{}",
            self.rows_host.screen().contents(),
            self.whole_host.screen().contents()
        );
        // The same picture, never from more bytes (a key echo goes as the character alone).
        assert!(
            sent.len() <= want.len(),
            "step {step}: more bytes than a whole frame's\nrows:  {:?}\nwhole: {:?}",
            String::from_utf8_lossy(&sent),
            String::from_utf8_lossy(&want)
        );
    }

    /// Both clients are now `size`.
    fn resize(&mut self, size: (u16, u16), now: Instant) {
        self.rows_app
            .handle(&mut self.hub, Event::Resize(size.0, size.1), now);
        self.whole_app
            .handle(&mut self.hub, Event::Resize(size.0, size.1), now);
        self.screen.resize(size).unwrap();
        self.whole = Whole::new(size);
        (self.rows_host, self.whole_host) = (host(size), host(size));
    }
}

#[test]
fn frames_drawn_by_rows_show_what_whole_frames_show() {
    let mut now = Instant::now();
    let mut size = (60, 14);
    let mut rig = Rig::start(size, now);
    let mut rng = fastrand::Rng::with_seed(0x2545_f491_4f6c_dd1d);
    let mut next = move |n: usize| rng.usize(..n);
    for step in 0..4000 {
        now += Duration::from_millis(20);
        match next(24) {
            // Mostly output, mostly to the focused session: what typing and programs do.
            0..=11 => {
                let focused = rig.rows_app.focused();
                let i = if next(4) == 0 { 1 - focused } else { focused };
                rig.output(i, OUTPUT[next(OUTPUT.len())], now);
            }
            12..=16 => {
                for key in key(next(20)) {
                    rig.rows_app.handle(&mut rig.hub, Event::Key(key), now);
                    rig.whole_app.handle(&mut rig.hub, Event::Key(key), now);
                }
            }
            17 => {
                size = (30 + next(50) as u16, 6 + next(16) as u16);
                rig.resize(size, now);
            }
            18 => {
                // The client fell behind: its next frame is drawn whole, over a cleared screen.
                rig.screen.invalidate().unwrap();
                rig.whole = Whole::new(size);
            }
            _ => {
                // What the bars show changes: a session's name (its own, or back to its
                // directory's), or what its hooks say (its status, why it waits, the attention
                // mark of one not shown, its conversation's id).
                let id = rig.hub.registry().at(next(2)).expect("session").id();
                if next(2) == 0 {
                    let names = ["a", "build", "ünïcode name", "x"];
                    rig.hub
                        .rename(id, names.get(next(5)).map(|n| n.to_string()));
                } else {
                    let hook = HOOKS[next(HOOKS.len())];
                    let conversation = ["0b9e7c3a-5d1f-4c61-9a56-2f0c1d2e3f40", "7f00"][next(2)];
                    let payload = hook.replace("CONV", conversation);
                    rig.hub.on_hook(id, payload.as_bytes(), now);
                }
            }
        }
        rig.frame(step, now);
    }
    rig.hub.stop_all();
}

/// A bell in the session not shown marks its tab while the focused one only echoes a key: the
/// frame goes over the last one, and the tab bar must still be drawn again.
#[test]
fn an_attention_mark_reaches_a_frame_drawn_over_the_last_one() {
    let mut now = Instant::now();
    let mut rig = Rig::start((60, 14), now);
    // Echoes only: the second frame goes over the first.
    for step in 0..2 {
        now += Duration::from_millis(20);
        rig.output(0, b"x", now);
        rig.frame(step, now);
    }
    // The other session prints (it turns busy), read in the hub's next batch.
    now += Duration::from_millis(300);
    rig.output(1, b"a", now);
    rig.output(0, b"y", now);
    rig.frame(2, now);
    assert!(!rig.whole_host.screen().contents().contains('!'));
    // Then it rings, still busy: its attention mark is all the bars gain.
    now += Duration::from_millis(300);
    rig.output(1, b"\x07", now);
    rig.output(0, b"z", now);
    rig.frame(3, now);
    let tabs = rig.whole_host.screen().contents();
    assert!(
        tabs.lines().next().is_some_and(|l| l.contains('!')),
        "{tabs}"
    );
    rig.hub.stop_all();
}
