//! How ccmux reads keys from the host terminal, end to end: the client passes
//! its terminal to the server, which reads it (what one write put there, one
//! read(2) takes) and parses it with crossterm's parser; each key then
//! reaches the session encoded again. The real binary runs in a PTY, the
//! session runs `od`, one byte a line, and the test reads the bytes the
//! session got from the screen.

mod support;

use std::os::unix::fs::PermissionsExt;

use support::{Pty, Sandbox, ccmux_bin};

/// Two Esc presses in one read must be two Esc keys: the program behind
/// ccmux counts them (Claude Code's double-Esc opens Rewind), and tmux
/// delivers both. crossterm 0.29 as published reads `ESC ESC` as one Esc.
#[test]
fn escape_pressed_twice_in_one_read_is_two_escapes() {
    let w = Sandbox::new();
    let script = w.home.join("bytes.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nstty raw -echo\nexec od -An -tx1 -v -w1\n",
    )
    .expect("write the script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut pty = Pty::spawn(
        &ccmux_bin(),
        &["--cmd", script.to_str().unwrap(), w.api.to_str().unwrap()],
        &w.home,
        &w.home,
        &[],
        120,
        40,
    );
    pty.wait_text("api");
    for (bytes, want) in [
        (&b"\x1b\x1b"[..], "1b 1b"),
        (b"\x1b\x1b\x1b", "1b 1b 1b"),
        // The second Esc may start a sequence of its own: Up, then Alt-x.
        (b"\x1b\x1b[A", "1b 1b 5b 41"),
        (b"\x1b\x1bx", "1b 1b 78"),
        // Alone, Esc and Alt are as before.
        (b"\x1b", "1b"),
        (b"\x1bx", "1b 78"),
        (b"a\x1b", "61 1b"),
    ] {
        let before = session_bytes(&pty.screen()).len();
        pty.send(bytes);
        // The marker must not land in the same read, or it would change how
        // the last byte parses (a trailing ESC would make it Alt-Ctrl-a): it
        // is written once the session got something, so the server has read
        // `bytes`.
        pty.wait_for("the session got the keys", |s| {
            session_bytes(s).len() > before
        });
        pty.send(b"\x01");
        let screen = pty.wait_for("the marker", |s| {
            session_bytes(s).last().is_some_and(|b| b == "01")
        });
        let got = session_bytes(&screen);
        assert_eq!(got[before..got.len() - 1].join(" "), want, "{bytes:?}");
    }
}

/// The bytes `od` printed, one a line, in order.
fn session_bytes(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(str::trim)
        .filter(|l| l.len() == 2 && l.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
        .collect()
}
