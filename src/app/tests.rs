//! What a client's terminal hears of the hub's notices.

use std::time::Instant;

use super::*;
use crate::proto::NewSession;

fn options(clipboard: bool) -> Options {
    Options {
        keymap: Keymap::default(),
        theme: Theme::default(),
        picker_start: "/".into(),
        show_hidden: false,
        home: None,
        notify: true,
        notify_style: NotifyStyle::Osc9,
        clipboard,
        tz: jiff::tz::TimeZone::UTC,
        env: None,
        launch: NewSession::default(),
    }
}

/// A hub with two sessions (failed at once: no processes) and a client
/// focused on the first.
fn focused(clipboard: bool) -> (Hub, App, SessionId, SessionId) {
    let mut hub = crate::hub::test_hub();
    let now = Instant::now();
    hub.attach(1, (22, 80), now);
    let mut ids = Vec::new();
    for n in 0..2 {
        let new = NewSession {
            dir: format!("/nonexistent/ccmux-test/{n}").into(),
            ..NewSession::default()
        };
        ids.push(hub.start(&new, None, Some(1), now).expect("started").0);
    }
    let mut app = App::new(1, options(clipboard), (80, 24));
    app.focus(&mut hub, 0, now);
    (hub, app, ids[0], ids[1])
}

#[test]
fn only_the_focused_session_may_set_the_clipboard_within_its_cap() {
    let (_hub, mut app, shown, hidden) = focused(true);
    let copy = |session, len| Notice::Clipboard {
        session,
        base64: vec![b'A'; len],
    };
    app.on_notice(&copy(hidden, 4), Instant::now());
    assert!(app.take_host_output().is_empty(), "a background tab's copy");
    app.on_notice(&copy(shown, MAX_CLIPBOARD + 1), Instant::now());
    assert!(app.take_host_output().is_empty(), "an oversized copy");
    app.on_notice(&copy(shown, 4), Instant::now());
    assert_eq!(app.take_host_output(), b"\x1b]52;c;AAAA\x07");

    let (_hub, mut off, shown, _) = focused(false);
    off.on_notice(&copy(shown, 4), Instant::now());
    assert!(off.take_host_output().is_empty(), "clipboard = false");
}

#[test]
fn announcements_reach_a_terminal_that_does_not_show_the_session() {
    let (mut hub, mut app, shown, hidden) = focused(true);
    let announce = |session, from_program| Notice::Announce {
        session,
        name: "api".into(),
        why: "needs permission for Bash".into(),
        from_program,
    };
    app.on_notice(&announce(hidden, false), Instant::now());
    assert_eq!(
        app.take_host_output(),
        b"\x07\x1b]9;api: needs permission for Bash\x07"
    );
    // Looking at it: ccmux says nothing; the program's own notification
    // still rings.
    app.on_notice(&announce(shown, false), Instant::now());
    assert!(app.take_host_output().is_empty());
    app.on_notice(&announce(shown, true), Instant::now());
    assert_eq!(app.take_host_output(), b"\x07");
    // The terminal lost the user's focus: it is told after all.
    app.handle(&mut hub, Event::HostFocus(false), Instant::now());
    assert_eq!(app.focused_id(), Some(shown));
    app.on_notice(&announce(shown, false), Instant::now());
    assert!(!app.take_host_output().is_empty());
}

#[test]
fn a_notice_never_replaces_what_the_user_asked_for_and_is_said_after_it() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (mut hub, mut app, shown, hidden) = focused(true);
    let start = Instant::now();
    let said = |app: &App| {
        app.message
            .as_ref()
            .map(|(m, _)| m.clone())
            .unwrap_or_default()
    };
    let notice = |session| Notice::Say {
        session,
        text: "looks like Claude Code".into(),
    };
    // Ctrl-q i: the session id, copied.
    let ask_for_the_id = |app: &mut App, hub: &mut Hub, now| {
        let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
        app.handle(hub, Event::Key(ctrl_q), now);
        app.handle(hub, Event::Key(KeyEvent::from(KeyCode::Char('i'))), now);
        assert!(said(app).contains("copied"), "{}", said(app));
    };
    // The hub's notice comes just after.
    ask_for_the_id(&mut app, &mut hub, start);
    app.on_notice(&notice(shown), start);
    app.on_notice(&notice(hidden), start);
    assert!(said(&app).contains("copied"), "{}", said(&app));
    // Its time up, the notice is said, once.
    let later = start + MESSAGE_TIME;
    app.handle(&mut hub, Event::Deadline, later);
    assert_eq!(said(&app), "looks like Claude Code");
    // A key the user presses takes the line; the notice it replaced comes back after.
    ask_for_the_id(&mut app, &mut hub, later);
    let last = later + MESSAGE_TIME;
    app.handle(&mut hub, Event::Deadline, last);
    assert_eq!(said(&app), "looks like Claude Code");
    app.handle(&mut hub, Event::Deadline, last + MESSAGE_TIME);
    assert_eq!(said(&app), "", "said twice, or the other session's");
}
