//! End-to-end: the real `ccmux` binary in a PTY, running the fake Claude in
//! two directories, driven with keys and read from its screen.

mod support;

use std::path::Path;

use support::{Pty, Sandbox, ccmux, ccmux_bin, fake_claude_bin};

const PREFIX: &str = "\x11"; // Ctrl-q
const ALT_1: &str = "\x1b1";
const ALT_2: &str = "\x1b2";

fn start(w: &Sandbox, dirs: &[&Path]) -> Pty {
    let fake = fake_claude_bin();
    let mut args = vec!["--cmd", fake.to_str().expect("utf-8 path")];
    args.extend(dirs.iter().map(|d| d.to_str().expect("utf-8 path")));
    Pty::spawn(&ccmux_bin(), &args, &w.home, &w.home, &[], 120, 40)
}

/// Waits until the focused session shows the fake Claude's idle prompt.
fn wait_idle(pty: &Pty) -> String {
    pty.wait_text("? for shortcuts")
}

#[test]
fn two_tabs_and_switching_shows_the_other_session() {
    let w = Sandbox::new();
    let mut pty = start(&w, &[&w.api, &w.web]);
    let screen = pty.wait_text(&format!("cwd: {}", w.api.display()));
    assert!(screen.contains("api") && screen.contains("web"), "{screen}");
    wait_idle(&pty);

    pty.send(ALT_2);
    pty.wait_text(&format!("cwd: {}", w.web.display()));
    pty.send(ALT_1);
    pty.wait_text(&format!("cwd: {}", w.api.display()));
}

#[test]
fn the_fake_claude_gets_its_queries_answered_through_ccmux() {
    let w = Sandbox::new();
    let pty = start(&w, &[&w.api]);
    let screen = pty.wait_text("terminal: ccmux");
    assert!(!screen.contains("QUERY FAILED"), "{screen}");
    assert!(screen.contains("sync=on"), "{screen}");
}

#[test]
fn a_background_session_keeps_working() {
    let w = Sandbox::new();
    let mut pty = start(&w, &[&w.api, &w.web]);
    wait_idle(&pty);
    pty.type_line("count");
    pty.wait_text("count 3");
    pty.send(ALT_2);
    pty.wait_text(&format!("cwd: {}", w.web.display()));
    // While another tab is shown, the server reads the counter's output:
    // its last output moves (the PTY's buffer would hold it otherwise).
    let last_output = || {
        let out = ccmux(&w.home, &["ls", "--json"], &[]);
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("ls --json");
        list[0]["last_output"].as_u64()
    };
    let seen = last_output();
    let deadline = std::time::Instant::now() + support::DEADLINE;
    while last_output() <= seen {
        assert!(
            std::time::Instant::now() < deadline,
            "the hidden tab was not read"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(pty.screen().contains(&format!("cwd: {}", w.web.display())));
    pty.send(ALT_1);
    pty.wait_for("the count to have advanced in the background", |s| {
        s.contains("count 20")
    });
}

#[test]
fn typing_reaches_only_the_focused_session() {
    let w = Sandbox::new();
    let mut pty = start(&w, &[&w.api, &w.web]);
    wait_idle(&pty);
    pty.type_line("hello from api");
    pty.wait_text("You said: hello from api");
    pty.send(ALT_2);
    let web = pty.wait_text(&format!("cwd: {}", w.web.display()));
    assert!(!web.contains("hello from api"), "{web}");
    pty.type_line("hello from web");
    pty.wait_text("You said: hello from web");
    pty.send(ALT_1);
    let api = pty.wait_text("You said: hello from api");
    assert!(!api.contains("hello from web"), "{api}");
}

#[test]
fn the_picker_starts_a_session_in_the_chosen_directory() {
    let w = Sandbox::new();
    let extra = w.home.join("extra-project");
    std::fs::create_dir(&extra).expect("mkdir");
    let mut pty = start(&w, &[&w.api]);
    wait_idle(&pty);
    pty.send(format!("{PREFIX}c"));
    pty.wait_text("extra-project");
    pty.send("~/extra-proj");
    pty.send("\r");
    pty.wait_text(&format!("cwd: {}", extra.display()));
    // The new session is the second tab and focused; the first still runs.
    pty.send(ALT_1);
    pty.wait_text(&format!("cwd: {}", w.api.display()));
}

#[test]
fn the_table_lists_both_directories_with_their_status() {
    let w = Sandbox::new();
    let mut pty = start(&w, &[&w.api, &w.web]);
    wait_idle(&pty);
    pty.send(format!("{PREFIX}s"));
    // Plain programs are idle once their output has been quiet a moment.
    pty.wait_for("the table", |s| {
        s.contains("~/api") && s.contains("~/web") && s.contains("2 sessions: 2 idle")
    });
    pty.send("\x1b");
    wait_idle(&pty);
}

#[test]
fn stop_asks_and_then_ends_only_that_session() {
    let w = Sandbox::new();
    let mut pty = start(&w, &[&w.api, &w.web]);
    wait_idle(&pty);
    pty.send(format!("{PREFIX}x"));
    pty.wait_text("Stop session");
    pty.send("n");
    pty.type_line("still here");
    pty.wait_text("You said: still here");

    pty.send(format!("{PREFIX}x"));
    pty.wait_text("Stop session");
    pty.send("y");
    pty.wait_text("exited");
    pty.send(format!("{PREFIX}s"));
    let table = pty.wait_for("one live, one exited", |s| {
        s.contains("1 idle") && s.contains("1 exited")
    });
    assert!(table.contains("~/web"), "{table}");

    // `r` starts the ended one again, in its directory, as a new session.
    pty.send("r");
    pty.wait_text("restarted");
    pty.send("\r");
    pty.wait_text(&format!("cwd: {}", w.api.display()));
    pty.wait_text("? for shortcuts");
}

#[test]
fn a_nonexistent_directory_is_refused_with_exit_2() {
    let w = Sandbox::new();
    let missing = w.home.join("missing");
    let mut pty = start(&w, &[&w.api, &missing]);
    assert_eq!(pty.wait_exit(), 2);
    pty.wait_eof();
    let screen = pty.screen();
    assert!(
        screen.contains(&format!("no such directory: {}", missing.display())),
        "{screen}"
    );
    assert!(!screen.contains("Fake Claude"), "{screen}");
}

#[test]
fn quitting_restores_the_terminal() {
    let w = Sandbox::new();
    let mut pty = start(&w, &[&w.api]);
    wait_idle(&pty);
    assert!(pty.with_screen(|s| s.alternate_screen()));
    assert!(!pty.is_cooked(), "ccmux runs the terminal raw");
    pty.send(format!("{PREFIX}q"));
    pty.wait_text("Quit ccmux");
    pty.send("y");
    assert_eq!(pty.wait_exit(), 0);
    assert!(pty.is_cooked(), "raw mode left behind");
    // Quitting stops everything: no server is left to list sessions.
    let ls = ccmux(&w.home, &["ls"], &[]);
    assert!(!ls.status.success());
    assert!(String::from_utf8_lossy(&ls.stderr).contains("no server running"));
    pty.wait_eof();
    pty.with_screen(|s| {
        assert!(!s.alternate_screen(), "still on the alternate screen");
        assert!(!s.hide_cursor(), "cursor still hidden");
        assert!(!s.bracketed_paste(), "bracketed paste still on");
        assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
    });
}

#[test]
fn a_host_resize_reaches_background_sessions_too() {
    let w = Sandbox::new();
    let mut pty = start(&w, &[&w.api, &w.web]);
    wait_idle(&pty);
    pty.resize(100, 30);
    // The tab bar and status line take two rows of the 30.
    pty.wait_text("resized to 100x28");
    // The hidden tab has the new size already, before anyone looks at it.
    let deadline = std::time::Instant::now() + support::DEADLINE;
    loop {
        let out = ccmux(&w.home, &["ls", "--json"], &[]);
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("ls --json");
        if list[1]["size"] == serde_json::json!([100, 28]) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "web was not resized: {list}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    pty.send(ALT_2);
    pty.wait_text(&format!("cwd: {}", w.web.display()));
    pty.wait_text("resized to 100x28");
}

#[test]
fn a_session_that_stops_reading_cannot_freeze_the_ui() {
    let w = Sandbox::new();
    // `sleep` never reads its terminal: input piles up until the PTY is full.
    let mut pty = Pty::spawn(
        &ccmux_bin(),
        &[
            "--cmd",
            "sleep",
            w.api.to_str().unwrap(),
            w.web.to_str().unwrap(),
            "--",
            "600",
        ],
        &w.home,
        &w.home,
        &[],
        120,
        40,
    );
    pty.wait_text("~/api");
    let paste = format!("\x1b[200~{}\x1b[201~", "x".repeat(1 << 20));
    pty.send(paste);
    pty.send(ALT_2);
    pty.wait_for("the other tab focused", |s| {
        s.contains("~/web") && !s.contains("~/api  ")
    });
    pty.send(format!("{PREFIX}?"));
    pty.wait_text("ccmux — keys");
}

#[test]
fn help_scrollback_and_a_click_on_a_tab() {
    let w = Sandbox::new();
    let mut pty = start(&w, &[&w.api, &w.web]);
    wait_idle(&pty);
    pty.send(format!("{PREFIX}?"));
    pty.wait_text("ccmux — keys");
    // Wait for Esc to land before typing on: a terminal reads Esc followed at
    // once by a letter as Alt+letter.
    pty.send("\x1b");
    pty.wait_for("help to close", |s| !s.contains("ccmux — keys"));
    pty.type_line("stream 80");
    pty.wait_text("line 80");
    pty.send("\x1b[5;2~"); // Shift-PgUp
    pty.wait_text("copy mode · ");
    let scrolled = pty.wait_text("line 20");
    assert!(!scrolled.contains("line 80"), "{scrolled}");
    pty.send("\x1b");
    pty.wait_text("line 80");
    // The wheel scrolls our scrollback too (the session did not ask for the mouse).
    for _ in 0..15 {
        pty.send("\x1b[<64;20;10M");
    }
    pty.wait_text("copy mode · 45 lines up");
    for _ in 0..15 {
        pty.send("\x1b[<65;20;10M");
    }
    pty.wait_for("back at the bottom", |s| !s.contains("copy mode · "));
    pty.wait_text("line 80");
    // SGR mouse press and release on the second tab's label.
    let tabs: Vec<char> = pty.screen().lines().next().unwrap().chars().collect();
    let col = tabs.windows(2).position(|w| w == ['2', ' ']).unwrap() + 1;
    pty.send(format!("\x1b[<0;{col};1M\x1b[<0;{col};1m"));
    pty.wait_text(&format!("cwd: {}", w.web.display()));
}

#[test]
fn a_program_that_cannot_start_says_why_and_exits_show_their_code() {
    let w = Sandbox::new();
    let mut pty = Pty::spawn(
        &ccmux_bin(),
        &[
            "--cmd",
            "surely-not-installed-anywhere",
            w.api.to_str().unwrap(),
        ],
        &w.home,
        &w.home,
        &[],
        120,
        40,
    );
    pty.wait_text("failed to start: `surely-not-installed-anywhere` is not on PATH");
    pty.send(format!("{PREFIX}q"));
    assert_eq!(pty.wait_exit(), 0);

    let mut pty = start(&w, &[&w.api]);
    wait_idle(&pty);
    pty.type_line("exit 7");
    pty.wait_text("exited 7");
}

/// ccmux whose config runs the fake Claude as a wrapper would be run, with
/// `agent = "claude"`: it then gets `--settings` hooks like the real one and
/// reports through `ccmux hook`.
fn start_with_hooks(w: &Sandbox) -> Pty {
    let config = w.home.join("ccmux.toml");
    let fake = fake_claude_bin();
    std::fs::write(
        &config,
        format!(
            "command = {:?}\nagent = \"claude\"\n",
            fake.display().to_string()
        ),
    )
    .expect("write config");
    Pty::spawn(
        &ccmux_bin(),
        &[
            "--config",
            config.to_str().unwrap(),
            w.api.to_str().unwrap(),
            w.web.to_str().unwrap(),
        ],
        &w.home,
        &w.home,
        &[],
        120,
        40,
    )
}

#[test]
fn a_turn_finished_in_the_background_is_marked_until_focused() {
    let w = Sandbox::new();
    let mut pty = start_with_hooks(&w);
    pty.wait_for("both idle", |s| {
        s.contains("1 ○ api") && s.contains("2 ○ web")
    });
    pty.send(ALT_2);
    pty.wait_text(&format!("cwd: {}", w.web.display()));
    pty.type_line("slow 1");
    pty.wait_text("2 ◐ web");
    pty.send(ALT_1);
    pty.wait_text(&format!("cwd: {}", w.api.display()));
    // Stop, then idle after the debounce: the turn is over, and marked.
    pty.wait_text("2 ○ web !");
    pty.send(ALT_2);
    pty.wait_for("the mark cleared on focus", |s| {
        s.contains("slow done") && s.contains("2 ○ web") && !s.contains("2 ○ web !")
    });
}

/// Statuses follow the fake Claude's hook events.
#[test]
fn hooks_mark_a_background_permission_prompt_and_the_jump_key_lands_on_it() {
    let w = Sandbox::new();
    let mut pty = start_with_hooks(&w);
    let screen = pty.wait_for("both idle from SessionStart", |s| {
        s.contains("1 ○ api") && s.contains("2 ○ web")
    });
    assert!(screen.contains("hooks: on"), "{screen}");

    pty.send(ALT_2);
    pty.wait_text(&format!("cwd: {}", w.web.display()));
    // The prompt must come up while another tab is focused: the fake queues
    // `perm` behind a one-second job, and we leave at once.
    pty.type_line("slow 1");
    pty.type_line("perm");
    let bells = pty.alerts();
    pty.send(ALT_1);
    pty.wait_text(&format!("cwd: {}", w.api.display()));
    pty.wait_text("2 ◆ web !");
    pty.wait_alert_after(bells);
    // One notification naming the session and why, in OSC 9 for this
    // terminal (TERM_PROGRAM unset).
    let notes = pty.notifications();
    assert!(
        notes.iter().any(|n| n == "web: needs permission for Bash"),
        "{notes:?}"
    );

    pty.send(format!("{PREFIX}s"));
    pty.wait_for("the table", |s| {
        s.contains("1 idle")
            && s.contains("waiting: needs permission for Bash")
            && s.contains("perm")
    });
    pty.send("\x1b");
    pty.wait_for("the tabs again", |s| !s.contains("TASK"));
    pty.send(format!("{PREFIX}a"));
    pty.wait_text("Do you want to proceed?");
    pty.send("1");
    pty.wait_text("approved");
    pty.wait_for("idle again, attention cleared", |s| {
        s.contains("2 ○ web") && !s.contains("2 ○ web !")
    });
}

/// A signal ends the client, never the sessions: the terminal is restored
/// and both sessions still run in the server.
#[test]
fn a_fatal_signal_to_the_client_restores_the_terminal_and_keeps_the_sessions() {
    let w = Sandbox::new();
    for (signal, name) in [
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGINT, "SIGINT"),
        (libc::SIGQUIT, "SIGQUIT"),
        (libc::SIGUSR1, "SIGUSR1"),
    ] {
        let mut pty = start(&w, &[]);
        wait_idle(&pty);
        assert!(!pty.is_cooked());
        pty.signal(signal);
        assert_eq!(pty.wait_exit(), 128 + signal as u32, "{name}");
        pty.wait_eof();
        assert!(pty.is_cooked(), "raw mode left behind after {name}");
        let screen = pty.screen();
        assert!(
            screen.contains(&format!("detached: got {name}")),
            "{screen}"
        );
        pty.with_screen(|s| {
            assert!(!s.alternate_screen(), "{name}");
            assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
        });
        let ls = ccmux(&w.home, &["ls", "--json"], &[]);
        let list: serde_json::Value = serde_json::from_slice(&ls.stdout).expect("ls --json");
        let sessions = list.as_array().expect("an array");
        assert_eq!(sessions.len(), 1, "{list}");
        assert!(sessions[0]["exit_code"].is_null(), "{name}: {list}");
    }
}

#[test]
fn the_full_session_id_is_shown_and_copied() {
    let w = Sandbox::new();
    let mut pty = start(&w, &[&w.api]);
    let screen = wait_idle(&pty);
    let id = screen
        .lines()
        .find_map(|l| l.strip_prefix("session: "))
        .expect("the fake prints its CCMUX_SESSION_ID")
        .trim()
        .to_string();
    pty.send(format!("{PREFIX}i"));
    pty.wait_text(&format!("session id {id} copied"));
    use base64::Engine;
    let copied = base64::engine::general_purpose::STANDARD
        .decode(pty.wait_clipboard())
        .expect("base64");
    assert_eq!(String::from_utf8_lossy(&copied), id);
}

/// A wrapper script that starts Claude Code, run without `agent = "claude"`:
/// ccmux cannot know, so it says what it sees and how to fix it.
#[test]
fn a_wrapper_without_agent_claude_is_pointed_out() {
    let w = Sandbox::new();
    let wrapper = w.home.join("run-claude.sh");
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\nexec {} \"$@\"\n", fake_claude_bin().display()),
    )
    .expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let pty = Pty::spawn(
        &ccmux_bin(),
        &["--cmd", wrapper.to_str().unwrap(), w.api.to_str().unwrap()],
        &w.home,
        &w.home,
        &[],
        200,
        40,
    );
    pty.wait_text("looks like Claude Code");
    pty.wait_text("agent = \"claude\"");
}

/// The server reads keys from and writes frames to the client's own
/// terminal, which it makes non-blocking; however the client goes, the
/// shell after it gets the terminal back blocking (a non-blocking terminal
/// makes the next program's reads fail with EAGAIN).
#[test]
fn the_terminal_is_handed_back_blocking() {
    let w = Sandbox::new();
    let fake = fake_claude_bin();
    let script = "\"$0\" --cmd \"$1\" \"$2\"; printf 'fd0 flags %s\\n' \
                  \"$(sed -n 's/^flags:[[:space:]]*//p' /proc/self/fdinfo/0)\"; sleep 30";
    for how in ["detach", "signal"] {
        let mut pty = Pty::spawn(
            Path::new("/bin/sh"),
            &[
                "-c",
                script,
                ccmux_bin().to_str().unwrap(),
                fake.to_str().unwrap(),
                w.api.to_str().unwrap(),
            ],
            &w.home,
            &w.home,
            &[],
            120,
            40,
        );
        wait_idle(&pty);
        // A key still goes through the server's reading of the terminal.
        pty.type_line("hello");
        pty.wait_text("You said: hello");
        if how == "detach" {
            pty.send(format!("{PREFIX}d"));
        } else {
            let pid = support::procs::of_sandbox(&w.home)
                .into_iter()
                .find(|p| {
                    let cmd = std::fs::read(format!("/proc/{p}/cmdline")).unwrap_or_default();
                    cmd.split(|b| *b == 0).nth(1) == Some(b"--cmd")
                })
                .expect("the client's pid");
            // SAFETY: a signal to the client we started.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
        let screen = pty.wait_text("fd0 flags");
        let flags = screen
            .lines()
            .find_map(|l| l.trim().strip_prefix("fd0 flags "))
            .expect("the flags line");
        let flags = u32::from_str_radix(flags.trim(), 8).expect("octal flags");
        assert_eq!(flags & libc::O_NONBLOCK as u32, 0, "{how}: {screen}");
        assert!(pty.is_cooked(), "{how}");
    }
}
