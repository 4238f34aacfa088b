//! How ccmux reads keys from the host terminal, at the lowest level there is:
//! crossterm's own reader on a real PTY. The test re-runs this test binary
//! as a child whose terminal is the PTY (`reader_child` below), writes bytes
//! into the PTY the way a terminal (or `tmux send-keys`) does, in one write,
//! and reads back the key events the child's crossterm reported.

use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::crossterm::event::{self, Event, KeyCode};
use ratatui::crossterm::terminal;

/// Set in the child's environment: it then reads keys instead of testing.
const CHILD: &str = "CCMUX_TEST_HOST_INPUT_CHILD";
/// Generous: the wait is for a condition, and a loaded CI box is slow.
const DEADLINE: Duration = Duration::from_secs(30);

/// Two Esc presses in one read must be two Esc keys: the program behind
/// ccmux counts them (Claude Code's double-Esc opens Rewind), and tmux
/// delivers both. crossterm 0.29 as published reads `ESC ESC` as one Esc.
#[test]
fn escape_pressed_twice_in_one_read_is_two_escapes() {
    let mut child = Reader::start();
    for (bytes, want) in [
        (&b"\x1b\x1b"[..], "Esc Esc "),
        (b"\x1b\x1b\x1b", "Esc Esc Esc "),
        // The second Esc may start a sequence of its own: Up, then Alt-x.
        (b"\x1b\x1b[A", "Esc Up "),
        (b"\x1b\x1bx", "Esc Alt-x "),
        // Alone, Esc and Alt are as before.
        (b"\x1b", "Esc "),
        (b"\x1bx", "Alt-x "),
        (b"a\x1b", "a Esc "),
    ] {
        assert_eq!(child.keys_for(bytes), want, "{bytes:?}");
    }
}

/// Not a test of its own: the child process of the tests above, started
/// with `CHILD` set. It prints each key as `<key> ` and a `.` after each
/// batch the parent marks with Ctrl-a, so the parent can wait for it.
#[test]
fn reader_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    terminal::enable_raw_mode().expect("raw mode on the test PTY");
    let mut out = std::io::stdout();
    writeln!(out, "ready").unwrap();
    out.flush().unwrap();
    loop {
        let Event::Key(key) = event::read().expect("read a key") else {
            continue;
        };
        let text = match key.code {
            KeyCode::Char('a') if key.modifiers.contains(event::KeyModifiers::CONTROL) => {
                ".\n".to_string()
            }
            KeyCode::Char('q') if key.modifiers.contains(event::KeyModifiers::CONTROL) => break,
            KeyCode::Char(c) if key.modifiers.contains(event::KeyModifiers::ALT) => {
                format!("Alt-{c} ")
            }
            KeyCode::Char(c) => format!("{c} "),
            code => format!("{code:?} "),
        };
        write!(out, "{text}").unwrap();
        out.flush().unwrap();
    }
    terminal::disable_raw_mode().expect("restore the test PTY");
}

struct Reader {
    writer: Box<dyn Write + Send>,
    output: Receiver<Vec<u8>>,
    seen: String,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Kept open: dropping the master hangs the child up.
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Reader {
    fn start() -> Reader {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a PTY");
        let mut cmd = CommandBuilder::new(std::env::current_exe().expect("test binary path"));
        cmd.args(["--exact", "reader_child", "--nocapture", "--test-threads=1"]);
        cmd.env(CHILD, "1");
        let child = pair.slave.spawn_command(cmd).expect("start the child");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("PTY reader");
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                if tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let mut child = Reader {
            writer: pair.master.take_writer().expect("PTY writer"),
            output,
            seen: String::new(),
            child,
            _master: pair.master,
        };
        child.wait_for("ready\n");
        child
    }

    /// Writes `bytes` in one write, then a marker in another once the keys
    /// are read, and returns the keys the child reported in between.
    fn keys_for(&mut self, bytes: &[u8]) -> String {
        let start = self.seen.len();
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        // The marker must not land in the same read, or it would change how
        // the last byte parses (a trailing ESC would make it Alt-Ctrl-a): it
        // is written once the child has printed a key, so has read `bytes`.
        self.wait_until_drained(start);
        self.writer.write_all(b"\x01").unwrap();
        self.writer.flush().unwrap();
        let end = self.wait_for(".\n");
        self.seen[start..end]
            .trim_start_matches(['\r', '\n'])
            .to_string()
    }

    /// Waits until the child has printed something after `start`, i.e. has
    /// read and parsed the previous write.
    fn wait_until_drained(&mut self, start: usize) {
        let deadline = Instant::now() + DEADLINE;
        while self.seen.len() == start {
            self.pump(deadline);
        }
    }

    /// Reads until `text` appears after what was already matched; returns
    /// where it starts.
    fn wait_for(&mut self, text: &str) -> usize {
        let deadline = Instant::now() + DEADLINE;
        let from = self.seen.rfind(".\n").map_or(0, |i| i + 2);
        loop {
            if let Some(at) = self.seen[from..].find(text) {
                return from + at;
            }
            self.pump(deadline);
        }
    }

    fn pump(&mut self, deadline: Instant) {
        let left = deadline.saturating_duration_since(Instant::now());
        let chunk = self
            .output
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("the child said nothing more; so far: {:?}", self.seen));
        self.seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.writer.write_all(b"\x11");
        let _ = self.child.wait();
    }
}
