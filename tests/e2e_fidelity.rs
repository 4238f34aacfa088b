//! End-to-end terminal fidelity: the real `ccmux` binary in a PTY runs a small program, and what
//! the program drew is read back from ccmux's own screen as a user would see it.

mod support;

use support::{Pty, ServerGuard, ccmux_bin};

/// A run: the server goes first (the guard stops it), then its home.
struct Run {
    _server: ServerGuard,
    _tmp: tempfile::TempDir,
}

/// Runs `script` with sh in ccmux (a `cols` x `rows` host), kept alive afterwards by `cat`.
fn run(script: &str, cols: u16, rows: u16) -> (Run, Pty) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().canonicalize().expect("canonicalize");
    let dir_arg = dir.to_str().expect("utf-8 path");
    let script = format!("{script}; exec cat");
    let args = ["--cmd", "sh", dir_arg, "--", "-c", &script];
    let pty = Pty::spawn(&ccmux_bin(), &args, &dir, &dir, &[], cols, rows);
    let run = Run {
        _server: ServerGuard(dir),
        _tmp: tmp,
    };
    (run, pty)
}

#[test]
fn a_dec_special_graphics_box_shows_as_lines() {
    // What ncurses sends for a box under TERM=xterm-256color: G0 designated DEC graphics, then
    // back to ASCII; and dialog's way, G1 designated once and shifted in with SO.
    let (_tmp, pty) = run(
        r"printf '\033(0lqqk\033(B\n\033(0x\033(Bok\033(0x\033(B\n\033)0\016mqqj\017 done\n'",
        60,
        12,
    );
    let screen = pty.wait_text("done");
    assert!(screen.contains("┌──┐\n│ok│\n└──┘ done"), "{screen}");
}

#[test]
fn a_long_line_narrowed_and_widened_again_comes_back_whole() {
    let line: String = (0..110)
        .map(|i| char::from(b'a' + u8::try_from(i % 26).unwrap()))
        .collect();
    let (_tmp, mut pty) = run(&format!("printf '{line}\\nend\\n'"), 120, 12);
    pty.wait_text("end");
    pty.wait_text(&line);
    pty.resize(60, 12);
    pty.wait_text(&format!("{}\n{}\nend", &line[..60], &line[60..]));
    pty.resize(120, 12);
    pty.wait_text(&format!("{line}\nend"));
}
