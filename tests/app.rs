//! The App driven with injected events and drawn on a TestBackend, with real
//! sessions running `cat` (which echoes whatever reaches its terminal), to
//! hold the core promise: navigation never writes to a session.

use std::path::Path;
use std::time::{Duration, Instant};

use ccmux::app::{App, Event, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

// The App options the benches use too: defaults, nothing persisted, UTC.
#[path = "../benches/common/app.rs"]
mod plain;
use plain::Rig;

const SIZE: (u16, u16) = (80, 24);

/// `sessions` sessions in `dir` running `cat`, as one client's App over a
/// hub sees them, without the socket.
fn harness(dir: &Path, sessions: usize) -> Rig {
    running(dir, sessions, "cat", &[])
}

fn running(dir: &Path, sessions: usize, program: &str, args: &[&str]) -> Rig {
    let launch = plain::launch(program, args, 100);
    Rig::new(launch, &vec![dir.to_path_buf(); sessions], SIZE)
}

impl Rig {
    fn wait_session(&mut self, i: usize, want: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.session_text(i).trim_end() != want {
            assert!(
                Instant::now() < deadline,
                "session {i} shows {:?}, want {want:?}",
                self.session_text(i)
            );
            std::thread::sleep(Duration::from_millis(10));
            self.pump();
        }
    }

    fn paste(&mut self, text: &str) {
        self.handle(Event::Paste(text.to_string()));
    }

    /// The mouse at cell (`col`, `row`) of the client's terminal.
    fn mouse(&mut self, kind: MouseEventKind, col: u16, row: u16) {
        self.handle(Event::Mouse(MouseEvent {
            kind,
            column: col,
            row,
            modifiers: KeyModifiers::NONE,
        }));
    }

    /// Waits until session `i`'s screen contains `want`.
    fn wait_contains(&mut self, i: usize, want: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.session_text(i).contains(want) {
            assert!(
                Instant::now() < deadline,
                "session {i} shows {:?}, want {want:?} in it",
                self.session_text(i)
            );
            std::thread::sleep(Duration::from_millis(10));
            self.pump();
        }
    }

    fn copying(&self) -> bool {
        matches!(self.app.view(), View::Copy(_))
    }

    /// What the App wrote for the client's terminal besides frames.
    fn take_output(&mut self) -> Vec<u8> {
        self.app.take_host_output()
    }
}

#[test]
fn navigation_never_writes_to_a_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(dir.path(), 2);
    h.typed("x");
    h.wait_session(0, "x");

    // Everything that only changes what is looked at.
    h.key(KeyCode::Char('2'), KeyModifiers::ALT);
    assert_eq!(h.app.focused(), 1);
    h.prefix('s');
    assert!(matches!(h.app.view(), View::Table(_)));
    h.key(KeyCode::Down, KeyModifiers::NONE);
    h.key(KeyCode::Esc, KeyModifiers::NONE);
    h.prefix('c');
    assert!(matches!(h.app.view(), View::Picker { .. }));
    h.typed("zz");
    h.key(KeyCode::Esc, KeyModifiers::NONE);
    h.prefix('?');
    assert!(matches!(h.app.view(), View::Help(None)));
    h.key(KeyCode::Esc, KeyModifiers::NONE);
    h.key(KeyCode::PageUp, KeyModifiers::SHIFT);
    h.key(KeyCode::Esc, KeyModifiers::NONE);
    h.key(KeyCode::PageDown, KeyModifiers::CONTROL);
    assert_eq!(h.app.focused(), 0);
    h.prefix('x');
    h.key(KeyCode::Char('n'), KeyModifiers::NONE);
    h.prefix('q');
    h.key(KeyCode::Esc, KeyModifiers::NONE);
    assert!(!h.app.should_quit());

    // A terminal is first in, first out: had anything above reached a
    // session, it would show before these.
    h.typed("y");
    h.wait_session(0, "xy");
    h.key(KeyCode::Char('2'), KeyModifiers::ALT);
    h.typed("z");
    h.wait_session(1, "z");
    assert!(h.hub.registry().iter().all(|s| s.status().is_live()));
}

#[test]
fn the_frame_shows_tabs_the_focused_screen_and_the_status_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(dir.path(), 2);
    h.typed("hello");
    h.wait_session(0, "hello");
    h.pump();
    let frame = h.frame();
    let lines: Vec<&str> = frame.lines().collect();
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    // Both tabs show the directory's name; `cat` has just printed, so the
    // focused one is busy by the output rule.
    assert!(lines[0].starts_with(&format!(" 1 ◐ {name}")), "{frame}");
    // The other has printed nothing: starting, then idle a moment later.
    assert!(
        lines[0].contains(&format!(" 2 ◌ {name}")) || lines[0].contains(&format!(" 2 ○ {name}")),
        "{frame}"
    );
    assert_eq!(lines[1].trim_end(), "hello", "{frame}");
    assert!(lines[23].contains("Ctrl-q ? help"), "{frame}");
}

#[test]
fn keys_follow_the_kitty_flags_a_session_pushed() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Pushes "disambiguate", then echoes what it is sent (the tty shows ESC
    // as ^[).
    let script = r#"printf '\033[>1u'; exec cat"#;
    let mut h = running(dir.path(), 1, "sh", &["-c", script]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while h
        .hub
        .registry()
        .at(0)
        .expect("session")
        .term()
        .kitty_flags()
        == 0
    {
        assert!(Instant::now() < deadline, "the push never arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
    h.key(KeyCode::Esc, KeyModifiers::NONE);
    h.key(KeyCode::Char('c'), KeyModifiers::ALT);
    h.typed("x");
    h.wait_session(0, "^[[27u^[[99;3ux");
}

/// Background output is read in batches at most every 250 ms: a flood in a
/// hidden tab costs the server a few looks a second, not one per read. Time
/// is injected, so this is about the rule, not the clock. (That a session
/// sends nothing more until its change is taken is the session core's own
/// unit test.)
#[test]
fn background_changes_are_read_at_most_four_times_a_second() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(dir.path(), 2);
    h.pump();
    let hidden = h.hub.registry().at(1).expect("session").id();
    let next_event = |h: &mut Rig| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(id) = h.events.try_recv() {
                return id;
            }
            assert!(Instant::now() < deadline, "no change reported");
            std::thread::sleep(Duration::from_millis(5));
        }
    };

    let t0 = Instant::now() + Duration::from_secs(10);
    let write = |h: &Rig, bytes: &[u8]| {
        h.hub
            .registry()
            .at(1)
            .expect("session")
            .write(bytes.to_vec())
    };
    write(&h, b"a");
    assert_eq!(next_event(&mut h), hidden);
    assert!(!h.hub.on_session(hidden, t0), "nobody shows it");
    // The first change is read at once.
    assert_eq!(h.hub.read_due(), Some(t0));
    h.hub.on_time(t0);
    assert_eq!(h.hub.read_due(), None);

    write(&h, b"b");
    assert_eq!(next_event(&mut h), hidden);
    let t1 = t0 + Duration::from_millis(10);
    h.hub.on_session(hidden, t1);
    // The next one waits for its batch.
    assert_eq!(h.hub.read_due(), Some(t0 + Duration::from_millis(250)));
}

/// Scrolled back, the lines being read stay put while output goes on.
#[test]
fn the_scrolled_back_view_stays_on_its_lines_as_output_arrives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = running(dir.path(), 1, "sh", &["-c", "seq 1 100; exec cat"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !h.session_text(0).contains("100") {
        assert!(Instant::now() < deadline, "no output");
        std::thread::sleep(Duration::from_millis(10));
        h.pump();
    }
    h.key(KeyCode::PageUp, KeyModifiers::SHIFT);
    h.pump();
    let before = h.frame();
    let top = before.lines().nth(1).expect("a body row").to_string();
    assert!(top.trim().parse::<u32>().is_ok(), "{before}");

    // The terminal echoes both lines, then cat prints them: four more lines
    // scroll off the top.
    h.hub
        .registry()
        .at(0)
        .expect("session")
        .write(b"a\rb\r".to_vec());
    let deadline = Instant::now() + Duration::from_secs(30);
    while !h.session_text(0).contains("a\nb\na\nb") {
        assert!(
            Instant::now() < deadline,
            "no echo: {:?}",
            h.session_text(0)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    h.pump();
    let after = h.frame();
    assert_eq!(after.lines().nth(1), Some(top.as_str()), "{after}");
    assert!(after.contains("copy mode · "), "{after}");
}

/// Scrolled back, only copy mode's keys are copy mode's: any other key
/// leaves it and reaches the session, as in tmux (it used to vanish), and so
/// does a paste.
#[test]
fn keys_and_pastes_in_copy_mode_reach_the_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(dir.path(), 1);
    h.key(KeyCode::PageUp, KeyModifiers::SHIFT);
    assert!(h.copying());
    // A copy mode key (word back) stays in copy mode and is not typed.
    h.typed("b");
    assert!(h.copying());
    h.typed("a");
    assert!(!h.copying());
    h.wait_session(0, "a");

    h.prefix('[');
    assert!(h.copying());
    h.paste("pasted");
    assert!(!h.copying());
    h.wait_session(0, "apasted");

    h.prefix('[');
    h.key(KeyCode::Char('x'), KeyModifiers::CONTROL);
    assert!(!h.copying());
    h.typed("c");
    // cat's terminal echoes Ctrl-X as ^X.
    h.wait_session(0, "apasted^Xc");
}

/// Search, select with the keyboard, copy to the client's clipboard with
/// OSC 52, and say so.
#[test]
fn copy_mode_searches_selects_and_copies_to_the_clipboard() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = running(dir.path(), 1, "sh", &["-c", "seq 1 100; exec cat"]);
    h.wait_contains(0, "100");
    h.take_output();
    h.prefix('[');
    // To the oldest line, then down to the first 57.
    h.typed("g/57");
    let frame = h.frame();
    assert!(frame.contains("search down: 57"), "{frame}");
    h.key(KeyCode::Enter, KeyModifiers::NONE);
    h.typed("v$y");
    assert!(!h.copying());
    assert_eq!(h.take_output(), b"\x1b]52;c;NTc=\x07");
    assert!(h.frame().contains("copied 2 characters"), "{}", h.frame());
    // Nothing reached the session.
    assert!(h.session_text(0).trim_end().ends_with("100"));
}

/// A drag over the screen (while the program has not asked for the mouse)
/// selects in copy mode, and its release copies.
#[test]
fn a_mouse_drag_selects_and_copies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(dir.path(), 1);
    h.typed("hello world");
    h.wait_session(0, "hello world");
    h.take_output();
    // The screen's first row is the terminal's second.
    h.mouse(MouseEventKind::Down(MouseButton::Left), 6, 1);
    assert!(!h.copying());
    h.mouse(MouseEventKind::Drag(MouseButton::Left), 8, 1);
    assert!(h.copying());
    h.mouse(MouseEventKind::Drag(MouseButton::Left), 10, 1);
    h.mouse(MouseEventKind::Up(MouseButton::Left), 10, 1);
    assert!(!h.copying());
    // "world", base64.
    assert_eq!(h.take_output(), b"\x1b]52;c;d29ybGQ=\x07");
}

/// Two clients on one session each have their own copy mode, and the
/// session's screen is never scrolled for either.
#[test]
fn two_viewers_scroll_back_independently() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = running(dir.path(), 1, "sh", &["-c", "seq 1 100; exec cat"]);
    h.wait_contains(0, "100");
    let now = Instant::now();
    h.hub.attach(2, ccmux::app::session_size(SIZE), now);
    let mut other = App::new(2, plain::options(dir.path().to_path_buf()), SIZE);
    other.focus(&mut h.hub, 0, now);
    let mut other_terminal = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).expect("backend");

    h.prefix('[');
    h.typed("gjj");
    other.handle(
        &mut h.hub,
        Event::Key(KeyEvent::new(KeyCode::PageUp, KeyModifiers::SHIFT)),
        now,
    );
    h.pump();
    other_terminal
        .draw(|f| other.draw(&h.hub, f, std::time::SystemTime::now()))
        .expect("draw");
    // The screen shows 80 to 100; a page up is 21 lines.
    let top = |frame: String| frame.lines().nth(1).unwrap_or_default().trim().to_string();
    assert_eq!(top(h.frame()), "1");
    assert_eq!(top(plain::frame_text(&other_terminal)), "59");
    let screen_top = h
        .session_text(0)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        screen_top.trim(),
        "80",
        "the shared screen stays at the bottom"
    );
    assert_eq!(
        h.hub
            .registry()
            .at(0)
            .expect("session")
            .term()
            .screen()
            .scrollback(),
        0
    );
    // Leaving one copy mode leaves the other as it was.
    h.key(KeyCode::Char('q'), KeyModifiers::NONE);
    assert!(!h.copying());
    assert!(matches!(other.view(), View::Copy(_)));
}

/// On the alternate screen (Claude's fullscreen renderer) there is no
/// scrollback to go to: copy mode says the program keeps its own history.
#[test]
fn copy_mode_on_the_alternate_screen_says_where_the_history_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = r#"printf '\033[?1049hfullscreen'; exec cat"#;
    let mut h = running(dir.path(), 1, "sh", &["-c", script]);
    h.wait_contains(0, "fullscreen");
    h.prefix('[');
    let frame = h.frame();
    assert!(frame.contains("alternate screen"), "{frame}");
}

/// The prefix works in copy mode: its help lists copy mode's keys and
/// returns to copy mode as it was.
#[test]
fn help_from_copy_mode_lists_its_keys_and_returns_to_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = running(dir.path(), 1, "sh", &["-c", "seq 1 100; exec cat"]);
    h.wait_contains(0, "100");
    h.prefix('[');
    h.typed("gv");
    h.prefix('?');
    assert!(matches!(h.app.view(), View::Help(Some(_))));
    let frame = h.frame();
    assert!(frame.contains("copy mode keys"), "{frame}");
    assert!(frame.contains("Search down, up"), "{frame}");
    h.key(KeyCode::Esc, KeyModifiers::NONE);
    let View::Copy(mode) = h.app.view() else {
        panic!("not back in copy mode");
    };
    assert!(mode.selecting());
    assert_eq!(h.frame().lines().nth(1).map(str::trim), Some("1"));
}
