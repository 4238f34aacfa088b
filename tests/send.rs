//! End to end: `ccmux send` and the prompt queue, with the fake Claude as
//! Claude Code (hooks on). A prompt goes in only while its session is idle
//! at its prompt; otherwise it waits in the session's queue, in order, and
//! survives the server.

mod support;

use support::fake_world::{FakeWorld, idle};

#[test]
fn an_idle_session_gets_it_at_once_a_busy_one_after_its_turn_in_order() {
    let w = FakeWorld::new();
    let a = w.new_session(&[], &w.a);
    w.wait_ls("idle", idle);
    assert_eq!(w.send(&[&a, "slow 2"]), format!("{}: delivered\n", &a[..8]));
    w.wait_ls("busy", |l| l[0]["status"] == "busy");
    for (n, words) in ["one", "two", "three"].iter().enumerate() {
        let said = w.send(&[&a, words]);
        assert_eq!(said, format!("{}: queued at position {}\n", &a[..8], n + 1));
    }
    assert_eq!(w.ls()[0]["queued"], 3);
    w.wait_ls("all three delivered", |l| {
        l[0]["queued"] == 0 && l[0]["task"] == "three" && idle(l)
    });
    let pty = w.attach();
    let screen = pty.wait_text("You said: three");
    let at = |s: &str| screen.find(&format!("You said: {s}")).expect(s);
    assert!(at("one") < at("two") && at("two") < at("three"), "{screen}");
}

#[test]
fn a_permission_prompt_holds_the_queue_until_the_user_answers() {
    let w = FakeWorld::new();
    let a = w.new_session(&[], &w.a);
    w.wait_ls("idle", idle);
    w.send(&[&a, "perm"]);
    w.wait_ls("waiting", |l| l[0]["status"] == "waiting");
    assert!(w.send(&[&a, "after"]).contains("queued at position 1"));
    let mut pty = w.attach();
    pty.wait_text("Do you want to proceed?");
    assert_eq!(w.ls()[0]["queued"], 1, "nothing typed into the dialog");
    pty.send("1");
    pty.wait_text("You said: after");
}

#[test]
fn all_reaches_every_claude_session_and_skips_a_shell() {
    let w = FakeWorld::new();
    let a = w.new_session(&[], &w.a);
    let b = w.new_session(&[], &w.b);
    let shell = w.new_session(&["--cmd", "sh"], &w.home);
    w.wait_ls("idle", |l| l.len() == 3 && idle(l));
    let (out, err, code) = w.run(&["send", "--all", "hello all"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("{}: delivered", &a[..8])), "{out}");
    assert!(out.contains(&format!("{}: delivered", &b[..8])), "{out}");
    assert!(
        err.contains(&format!("skipped {}", &shell[..8])) && err.contains("not Claude Code"),
        "{err}"
    );
    w.wait_ls("both answered", |l| {
        l[0]["task"] == "hello all" && l[1]["task"] == "hello all" && idle(l)
    });
    // --dir names sessions by where they run.
    let out = w.send(&["--dir", w.b.to_str().expect("utf-8"), "just b"]);
    assert_eq!(out, format!("{}: delivered\n", &b[..8]));
}

#[test]
fn wait_prints_each_turns_last_message_and_says_when_a_session_asks() {
    let w = FakeWorld::new();
    let a = w.new_session(&[], &w.a);
    w.wait_ls("idle", idle);
    let (out, err, code) = w.run(&["send", "--wait", &a, "first step"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "You said: first step\n");
    let (out, err, code) = w.run(&["send", "--wait", &a, "second step"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "You said: second step\n");
    // A turn that asks for permission ends the wait with 4.
    let (out, err, code) = w.run(&["send", "--wait", &a, "perm"]);
    assert_eq!(code, 4, "{out}{err}");
    assert!(
        err.contains("asks the user: needs permission for Bash"),
        "{err}"
    );
}

#[test]
fn a_queue_survives_a_killed_server() {
    let w = FakeWorld::new();
    let a = w.new_session(&[], &w.a);
    w.wait_ls("idle", idle);
    w.send(&[&a, "perm"]);
    w.wait_ls("waiting", |l| l[0]["status"] == "waiting");
    w.send(&[&a, "kept"]);
    w.wait_ls("queued", |l| l[0]["queued"] == 1);
    let runtime = format!("XDG_RUNTIME_DIR={}", w.home.join("run").display());
    let pid = std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .find(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            cmd.split(|b| *b == 0).any(|a| a == b"server")
                && env.split(|b| *b == 0).any(|v| v == runtime.as_bytes())
        })
        .expect("the server");
    // SAFETY: kill has no memory effects.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    // Gone first: a client connecting while it dies was reset (1 run in 30).
    support::procs::wait_gone(&[pid], "the server to die");
    let pty = w.attach();
    // Back, idle at its prompt (the dialog went with the old process), and
    // the kept prompt goes in.
    pty.wait_text("You said: kept");
    assert_eq!(w.ls()[0]["queued"], 0);
}
