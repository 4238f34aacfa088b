//! End to end: nothing is lost. Sessions come back after their server dies,
//! with their ids, in their order, resuming their Claude conversations; a
//! restart resumes the conversation Claude is really in; Ctrl-Z never hangs
//! a session. The fake Claude keeps transcripts and resumes them as the real
//! one does.

mod support;

use support::fake_world::{FakeWorld, idle};
use support::procs;

const ALT_2: &str = "\x1b2";

#[test]
fn a_killed_server_comes_back_with_every_session_and_conversation() {
    let w = FakeWorld::new();
    let a = w.new_session(&[], &w.a);
    let b = w.new_session(&[], &w.b);
    w.wait_ls("both idle", idle);
    for (id, words) in [(&a, "hello from a"), (&b, "hello from b")] {
        let (out, err, code) = w.run(&["send", id, words]);
        assert_eq!(code, 0, "{out}{err}");
    }
    // The turn is over once each has answered (and so written it down).
    let before = w.wait_ls("both prompts answered", |l| {
        idle(l)
            && l.iter()
                .all(|s| s["task"].as_str().is_some_and(|t| t.starts_with("hello")))
    });
    procs::kill_server_hard(&w.home);

    // Attaching starts a server, which brings them back.
    let pty = w.attach();
    let screen = pty.wait_text("(resumed)");
    assert!(screen.contains("history: hello from"), "{screen}");
    let after = w.wait_ls("both back", |l| l.len() == 2 && idle(l));
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(old["id"], new["id"], "same ids, same order");
        assert_eq!(old["dir"], new["dir"]);
        assert_eq!(old["conversation"], new["conversation"]);
        assert_eq!(new["restored"], true);
    }
    let (table, _, _) = w.run(&["ls"]);
    assert!(table.contains("restored"), "{table}");
}

/// A shutdown (SIGTERM, SIGINT or SIGQUIT to the server, as at a reboot) ends the server as it
/// should, not by the signal's default action: the socket is taken down, and the sessions come
/// back with the next server.
#[test]
fn a_shutdown_signal_ends_the_server_cleanly_and_its_sessions_come_back() {
    for (signal, name) in [
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGINT, "SIGINT"),
        (libc::SIGQUIT, "SIGQUIT"),
    ] {
        let w = FakeWorld::new();
        let a = w.new_session(&[], &w.a);
        w.wait_ls("idle", idle);
        let socket = w.home.join("run/ccmux/default");
        assert!(socket.exists(), "{name}: no socket at {}", socket.display());
        let pid = procs::server_pid(&w.home);
        // SAFETY: kill has no memory effects.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
        procs::wait_gone(&[pid], "the server to end");
        // Killed by the signal itself, it would have left its socket behind.
        assert!(!socket.exists(), "{name}: the socket was left behind");

        let pty = w.attach();
        pty.wait_text("restored 1 session");
        let after = w.wait_ls("the session back", |l| l.len() == 1 && idle(l));
        assert_eq!(after[0]["id"], a.as_str(), "{name}");
        assert_eq!(after[0]["restored"], true, "{name}");
    }
}

#[test]
fn an_explicit_stop_is_not_restored_and_a_gone_directory_says_why() {
    let w = FakeWorld::new();
    let a = w.new_session(&[], &w.a);
    let b = w.new_session(&[], &w.b);
    w.wait_ls("both idle", idle);
    let (_, err, code) = w.run(&["stop", &a]);
    assert_eq!(code, 0, "{err}");
    w.wait_ls("a stopped", |l| l[0]["status"] == "exited");
    std::fs::remove_dir_all(&w.b).expect("rm b");
    procs::kill_server_hard(&w.home);

    let pty = w.attach();
    pty.wait_text("cannot come back");
    let list = w.ls();
    assert_eq!(list.len(), 1, "the stopped one stays stopped: {list:?}");
    assert_eq!(list[0]["id"], b.as_str());
    assert_eq!(list[0]["status"], "failed");
    assert!(
        list[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("no longer exists")),
        "{list:?}"
    );
}

#[test]
fn a_corrupt_saved_file_is_set_aside_and_said_so() {
    let w = FakeWorld::new();
    let state = w.home.join(".local/state/ccmux");
    std::fs::create_dir_all(&state).expect("mkdir");
    std::fs::write(state.join("default.sessions.json"), "{ torn").expect("write");
    let (_, err, code) = w.run(&["new", w.a.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    let aside: Vec<_> = std::fs::read_dir(&state)
        .expect("state dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    let pty = w.attach();
    pty.wait_text("could not be read");
}

#[test]
fn a_restart_resumes_the_conversation_claude_is_really_in() {
    let w = FakeWorld::new();
    let a = w.new_session(&[], &w.a);
    w.wait_ls("idle", idle);
    w.run(&["send", &a, "before the clear"]);
    let first = w.wait_ls("answered", |l| {
        idle(l) && l[0]["task"] == "before the clear"
    })[0]["conversation"]
        .clone();
    assert_eq!(
        first,
        a.as_str(),
        "a new conversation is named after the session"
    );
    // /clear starts a new conversation under a new id; the hooks say which.
    w.run(&["send", &a, "/clear"]);
    let cleared =
        w.wait_ls("a new conversation", |l| l[0]["conversation"] != first)[0]["conversation"]
            .as_str()
            .expect("an id")
            .to_string();
    w.run(&["send", &a, "exit 0"]);
    w.wait_ls("ended", |l| l[0]["status"] == "exited");
    let (_, err, code) = w.run(&["restart", &a[..8]]);
    assert_eq!(code, 0, "{err}");
    let mut pty = w.attach();
    pty.wait_text(&format!("conversation: {cleared} (resumed)"));
    // `R` in the table (or --fresh) starts a new one instead.
    pty.send("\x11s");
    pty.wait_text("fresh");
    w.run(&["send", &a, "exit 0"]);
    w.wait_ls("ended again", |l| l[0]["status"] == "exited");
    pty.send("R");
    let screen = pty.wait_text("restarted in a new conversation");
    assert!(!screen.contains("(resumed)"), "{screen}");
    let fresh = w.wait_ls("a fresh conversation", |l| {
        l[0]["status"] == "idle" && l[0]["conversation"] != cleared.as_str()
    });
    assert_eq!(fresh[0]["id"], a.as_str(), "the session keeps its id");
}

#[test]
fn ctrl_z_no_longer_hangs_a_session() {
    let w = FakeWorld::new();
    w.new_session(&[], &w.a);
    w.new_session(&[], &w.b);
    w.wait_ls("both idle", idle);
    let mut pty = w.attach();
    pty.wait_text("? for shortcuts");
    pty.send(ALT_2);
    pty.wait_text(&format!("cwd: {}", w.b.display()));
    pty.send("\x1a");
    let screen = pty.wait_text("resumed after suspend");
    assert!(screen.contains("ccmux continued it"), "{screen}");
    pty.type_line("still typing");
    pty.wait_text("You said: still typing");
}
