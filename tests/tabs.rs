//! Many tabs: going to tab 12, the session switcher, names, and what
//! focusing a tab changes (only the focus), with real sessions driven through
//! the Hub and Apps as the server hosts them. Time is injected wherever the
//! rule is about time.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ccmux::app::{App, View};
use ccmux::hub::{Hub, Notice};
use ccmux::session::{SessionId, Status};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use tokio::sync::mpsc::UnboundedReceiver;

mod support;

// The App options the benches use too: defaults, nothing persisted, UTC.
#[path = "../benches/common/app.rs"]
mod plain;
use plain::{Rig, Viewer};

const SIZE: (u16, u16) = (80, 24);

/// Waits (really) until the session reports a change, then hands it to the
/// hub at the injected time `now`, as the server's loop would.
fn next_change(events: &mut UnboundedReceiver<SessionId>, hub: &mut Hub, now: Instant) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(id) = events.try_recv() {
            hub.on_session(id, now);
            return;
        }
        assert!(Instant::now() < deadline, "no change reported");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn wait_screen(hub: &Hub, i: usize, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let text = || {
        hub.registry()
            .at(i)
            .expect("session")
            .term()
            .screen()
            .contents()
    };
    while !text().contains(want) {
        assert!(
            Instant::now() < deadline,
            "{want:?} never shown: {:?}",
            text()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A second client of another size focuses a shell: the session takes its
/// size, and the shell redraws its prompt on SIGWINCH. That redraw is not
/// work: an idle session stays idle (it used to flash busy for 1.5 s).
#[test]
fn focusing_from_a_client_of_another_size_leaves_an_idle_session_idle() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A stand-in for a shell: prints only when its window changes size.
    let script = "trap 'printf redrawn' WINCH; printf ready; while :; do sleep 1 & wait; done";
    let Viewer {
        mut hub,
        app: _first,
        mut events,
    } = Viewer::new(
        plain::launch("sh", &["-c", script], 100),
        &[dir.path().into()],
        SIZE,
    );
    let id = hub.registry().at(0).expect("session").id();
    let status = |hub: &Hub| hub.status_of(hub.registry().get(id).expect("session"));

    let t0 = Instant::now();
    wait_screen(&hub, 0, "ready");
    next_change(&mut events, &mut hub, t0);
    hub.read_viewed(t0);
    let quiet = t0 + Duration::from_secs(5);
    hub.on_time(quiet);
    assert_eq!(status(&hub), Status::Idle);

    let small = (70, 18);
    hub.attach(2, ccmux::app::session_size(small), quiet);
    let mut second = App::new(2, plain::options(dir.path().into()), small);
    let t1 = quiet + Duration::from_secs(1);
    second.focus(&mut hub, 0, t1);
    wait_screen(&hub, 0, "redrawn");
    let t2 = t1 + Duration::from_millis(20);
    next_change(&mut events, &mut hub, t2);
    hub.read_viewed(t2);
    assert_eq!(status(&hub), Status::Idle, "focus alone changed the status");
}

/// One client's App over a hub of `n` sessions in `dirs` (cycled), each
/// running `cat`, drawn on a TestBackend as the server would.
fn client(dirs: &[&Path], n: usize) -> Rig {
    let dirs: Vec<PathBuf> = dirs
        .iter()
        .cycle()
        .take(n)
        .map(|d| d.to_path_buf())
        .collect();
    let mut client = Rig::new(plain::launch("cat", &[], 100), &dirs, SIZE);
    client.pump();
    client
}

impl Rig {
    fn enter(&mut self) {
        self.key(KeyCode::Enter, KeyModifiers::NONE);
    }

    fn names(&self) -> Vec<String> {
        self.hub.infos().into_iter().map(|s| s.name).collect()
    }
}

#[test]
fn tab_twelve_is_a_typed_number_away() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = client(&[dir.path()], 12);
    c.prefix('\'');
    assert!(matches!(c.app.view(), View::Prompt(_)));
    assert!(
        c.frame_lines()[23].contains("go to tab: "),
        "{:?}",
        c.frame_lines()[23]
    );
    c.typed("1x2");
    assert!(
        c.frame_lines()[23].contains("go to tab: 12"),
        "{:?}",
        c.frame_lines()[23]
    );
    c.enter();
    assert_eq!(c.app.focused(), 11);
    assert!(matches!(c.app.view(), View::Tabs));

    c.prefix('\'');
    c.typed("13");
    c.enter();
    assert_eq!(c.app.focused(), 11);
    assert!(
        c.frame_lines()[23].contains("no tab 13 (there are 12)"),
        "{:?}",
        c.frame_lines()[23]
    );
    c.prefix('\'');
    c.typed("3");
    c.key(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(c.app.focused(), 11);

    // None of it reached a session: what is typed now is all tab 12 has.
    c.typed("x");
    let deadline = Instant::now() + Duration::from_secs(30);
    let text = |c: &Rig, i: usize| {
        c.hub
            .registry()
            .at(i)
            .expect("s")
            .term()
            .screen()
            .contents()
    };
    while text(&c, 11).trim_end() != "x" {
        assert!(Instant::now() < deadline, "tab 12 shows {:?}", text(&c, 11));
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!((0..11).all(|i| text(&c, i).trim().is_empty()));
}

#[test]
fn the_switcher_lists_every_session_and_enter_goes_to_the_match() {
    let root = tempfile::tempdir().expect("tempdir");
    let dirs: Vec<PathBuf> = ["api", "web", "ops"]
        .iter()
        .map(|name| {
            let dir = root.path().join(name);
            std::fs::create_dir(&dir).expect("mkdir");
            dir
        })
        .collect();
    let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let mut c = client(&dirs, 12);
    c.prefix('w');
    assert!(matches!(c.app.view(), View::Switcher(_)));
    let frame = c.frame_lines().join("\n");
    for (number, name) in [(1, "api"), (5, "web-2"), (12, "ops-4")] {
        let row = frame
            .lines()
            .find(|line| line.contains(&format!(" {number:>2}  ")))
            .unwrap_or_else(|| panic!("no row {number}:\n{frame}"));
        assert!(row.contains(name), "{row}");
        assert!(row.contains('○') || row.contains('◌'), "{row}");
    }

    c.typed("ops4");
    let rows: Vec<String> = c
        .frame_lines()
        .into_iter()
        .filter(|l| l.contains('│'))
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[1].contains("12  ◌ ops-4") || rows[1].contains("12  ○ ops-4"),
        "{rows:?}"
    );
    c.enter();
    assert_eq!(c.app.focused(), 11);
    assert!(matches!(c.app.view(), View::Tabs));

    // Esc leaves focus where it was; arrows move the selection.
    c.prefix('w');
    c.key(KeyCode::Up, KeyModifiers::NONE);
    c.key(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(c.app.focused(), 11);
    c.prefix('w');
    c.key(KeyCode::Up, KeyModifiers::NONE);
    c.enter();
    assert_eq!(c.app.focused(), 10);
}

#[test]
fn a_renamed_tab_shows_its_name_everywhere_and_an_empty_name_gives_the_default_back() {
    let root = tempfile::tempdir().expect("tempdir");
    let real = root.path().join("real");
    let other = root.path().join("other");
    for dir in [&real, &other] {
        std::fs::create_dir(dir).expect("mkdir");
    }
    let mut c = client(&[&real, &real, &other], 3);
    assert_eq!(c.names(), ["real", "real-2", "other"]);
    assert!(
        c.frame_lines()[0].contains(" 2 ◌ real-2") || c.frame_lines()[0].contains(" 2 ○ real-2")
    );

    c.key(KeyCode::Char('2'), KeyModifiers::ALT);
    c.prefix(',');
    assert!(
        c.frame_lines()[23].contains("real-2"),
        "{:?}",
        c.frame_lines()[23]
    );
    c.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    c.typed("api server");
    c.enter();
    let id = c.id(1);
    assert_eq!(c.hub.display_name(id), "api server");
    // Naming one session changes no other's name.
    assert_eq!(c.names(), ["real", "api server", "other"]);
    let frame = c.frame_lines();
    assert!(frame[0].contains("api server"), "{:?}", frame[0]);
    assert!(frame[23].contains("api server"), "{:?}", frame[23]);
    c.prefix('s');
    assert!(
        c.frame_lines().iter().any(|l| l.contains("api server")),
        "{:?}",
        c.frame_lines()
    );
    c.key(KeyCode::Esc, KeyModifiers::NONE);

    c.prefix(',');
    c.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    c.enter();
    assert_eq!(c.names(), ["real", "real-2", "other"]);
}

/// Notifications say the session's name, as the user named it.
#[test]
fn notifications_name_the_session_by_its_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = "read x; printf '\\033]9;done\\007'; exec cat";
    let Viewer {
        mut hub,
        app: _app,
        mut events,
    } = Viewer::new(
        plain::launch("sh", &["-c", script], 100),
        &[dir.path().into(), dir.path().into()],
        SIZE,
    );
    let hidden = hub.registry().at(1).expect("session").id();
    assert!(hub.rename(hidden, Some("  deploy\n".into())));
    assert_eq!(hub.display_name(hidden), "deploy");
    hub.registry()
        .get(hidden)
        .expect("session")
        .write(b"\n".to_vec());

    let deadline = Instant::now() + Duration::from_secs(30);
    let mut announced = Vec::new();
    while announced.is_empty() {
        assert!(Instant::now() < deadline, "no notification");
        std::thread::sleep(Duration::from_millis(5));
        let now = Instant::now() + Duration::from_secs(1);
        while let Ok(id) = events.try_recv() {
            hub.on_session(id, now);
        }
        hub.on_time(now);
        announced.extend(hub.take_notices().into_iter().filter_map(|n| match n {
            Notice::Announce { session, name, .. } => Some((session, name)),
            _ => None,
        }));
    }
    assert_eq!(announced, [(hidden, "deploy".to_string())]);
}

/// A session restarted in its tab keeps the name it was given.
#[test]
fn a_restarted_session_keeps_its_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Viewer { mut hub, .. } =
        Viewer::new(plain::launch("true", &[], 100), &[dir.path().into()], SIZE);
    let id = hub.registry().at(0).expect("session").id();
    hub.rename(id, Some("build".into()));
    let deadline = Instant::now() + Duration::from_secs(30);
    let now = Instant::now();
    while hub.restart(id, false, now).is_err() {
        assert!(Instant::now() < deadline, "never ended");
        std::thread::sleep(Duration::from_millis(10));
    }
    // A restart keeps the session's id, and so its name.
    let new = id;
    assert_eq!(hub.display_name(new), "build");
    while !hub.close(new) {
        assert!(Instant::now() < deadline, "never ended");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!hub.rename(new, Some("gone".into())));
}

/// As a user would: the real binary in a PTY, two sessions in one directory,
/// the first renamed with `Ctrl-q ,`; `ccmux ls` says so, as text and JSON.
#[test]
fn ls_shows_the_names_the_user_gave() {
    use support::{Pty, ServerGuard, ccmux, ccmux_bin};
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().canonicalize().expect("canonicalize");
    let _server = ServerGuard(home.clone());
    let real = home.join("real");
    std::fs::create_dir(&real).expect("mkdir");
    let dir = real.to_str().expect("utf-8");
    let args = ["--cmd", "cat", dir, dir];
    let mut pty = Pty::spawn(&ccmux_bin(), &args, &home, &home, &[], 80, 24);
    pty.wait_text("real-2");
    // Ctrl-q , then Ctrl-u clears the name it starts from.
    pty.send("\x11,\x15api\r");
    pty.wait_text(" 1 ○ api ");

    let ls = |args: &[&str]| {
        let out = ccmux(&home, args, &[]);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let text = ls(&["ls"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ID        NAME    STATUS"), "{text}");
    assert!(lines[1].contains(" api     "), "{text}");
    assert!(lines[2].contains(" real-2  "), "{text}");
    let json: serde_json::Value = serde_json::from_str(&ls(&["ls", "--json"])).expect("JSON");
    let names: Vec<&str> = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|s| s["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["api", "real-2"]);
}
