//! Many tabs: what focusing one changes (only the focus), with real sessions
//! driven through the Hub and Apps as the server hosts them. Time is
//! injected wherever the rule is about time.

use std::time::{Duration, Instant};

use ccmux::app::App;
use ccmux::hub::Hub;
use ccmux::session::{Launch, SessionId, Status};
use tokio::sync::mpsc::UnboundedReceiver;

// The App options the benches use too: defaults, nothing persisted, UTC.
#[path = "../benches/common/app.rs"]
mod plain;
use plain::Viewer;

const SIZE: (u16, u16) = (80, 24);

fn launch(program: &str, args: &[&str]) -> Launch {
    Launch {
        program: program.into(),
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        scrollback: 100,
        claude: false,
        claude_hooks: None,
    }
}

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
    } = Viewer::new(launch("sh", &["-c", script]), &[dir.path().into()], SIZE);
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
