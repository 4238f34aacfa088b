//! vttest's menus 1, 2, 8 and 11.5 through ccmux's terminal (its `Term`, the patched vt100), step
//! by step, against the screens in tests/data/vttest (captured from tmux, corrected where tmux
//! is wrong, see their comments). Skipped, with a message, where vttest 2.7 (20221229) is not
//! installed (`apt-get install vttest`): other versions draw other screens.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ccmux::session::Term;
use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const ROWS: u16 = 24;
const COLS: u16 = 80;
const VERSION: &str = "VT100 test program, version 2.7 (20221229)";

/// One step of a fixture: keys to send, then the screen and cursor to wait for.
struct Step {
    keys: String,
    rows: Vec<String>,
    /// (row, column), as `Screen::cursor_position` gives it.
    cursor: (u16, u16),
}

fn steps(fixture: &str) -> Vec<Step> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/vttest")
        .join(fixture);
    let text = std::fs::read_to_string(&path).expect("fixture");
    let mut steps: Vec<Step> = Vec::new();
    for line in text.lines() {
        if let Some(step) = line.strip_prefix("@ send ") {
            let (keys, cursor) = step.split_once(" cursor ").expect("@ send KEYS cursor X,Y");
            let (x, y) = cursor.split_once(',').expect("X,Y");
            steps.push(Step {
                keys: keys.replace("\\r", "\r"),
                rows: Vec::new(),
                cursor: (y.parse().expect("row"), x.parse().expect("column")),
            });
        } else if let Some(row) = line.strip_prefix('|') {
            let step = steps.last_mut().expect("a row after @ send");
            step.rows.push(row.trim_end().to_string());
        }
    }
    for step in &steps {
        assert_eq!(
            step.rows.len(),
            usize::from(ROWS),
            "{fixture}: {:?}",
            step.keys
        );
    }
    steps
}

fn vttest() -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("vttest"))
        .find(|path| path.is_file())
}

fn rows(screen: &vt100::Screen) -> Vec<String> {
    screen
        .rows(0, COLS)
        .map(|row| row.trim_end().to_string())
        .collect()
}

/// Generous: a loaded 2-core box is slow.
const DEADLINE: Duration = Duration::from_secs(30);
/// How long a program that got a key may take to start answering it before the key is taken
/// as lost (vttest discards keys typed before it waits for one) and sent again.
const ANSWER: Duration = Duration::from_secs(3);

/// What the program drew, and how many bytes of it so far.
struct Screen {
    term: Term,
    bytes: u64,
}

/// vttest in a PTY, drawn by ccmux's terminal, which answers its queries.
struct Vttest {
    state: Arc<(Mutex<Screen>, Condvar)>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    child: Box<dyn Child + Send + Sync>,
}

impl Vttest {
    fn spawn(program: &Path, dir: &Path) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(program);
        cmd.cwd(dir);
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", dir);
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = Arc::new(Mutex::new(pair.master.take_writer().expect("writer")));
        let state = Arc::new((
            Mutex::new(Screen {
                term: Term::new(ROWS, COLS, 0),
                bytes: 0,
            }),
            Condvar::new(),
        ));
        let (shared, replies_to) = (state.clone(), writer.clone());
        std::thread::spawn(move || {
            // The master must outlive the reads.
            let _master = pair.master;
            let mut buf = [0u8; 16384];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                let (lock, cv) = &*shared;
                let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
                s.term.process(&buf[..n]);
                s.bytes += n as u64;
                let replies = s.term.take_replies();
                if !replies.is_empty() {
                    let _ = replies_to
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .write_all(&replies);
                }
                cv.notify_all();
            }
        });
        Self {
            state,
            writer,
            child,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Screen> {
        self.state.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until `done` holds or `until` passes; says whether it held.
    fn wait(&self, until: Instant, done: impl Fn(&Screen) -> bool) -> bool {
        let mut s = self.lock();
        loop {
            if done(&s) {
                return true;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            s = self
                .state
                .1
                .wait_timeout(s, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Sends `keys`, again if the program drew nothing in answer (it had not read them yet).
    fn send(&self, keys: &str) {
        loop {
            let before = self.lock().bytes;
            let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            w.write_all(keys.as_bytes()).expect("write to pty");
            w.flush().expect("flush pty");
            drop(w);
            if self.wait(Instant::now() + ANSWER, |s| s.bytes > before) {
                return;
            }
        }
    }
}

impl Drop for Vttest {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Waits until the screen and cursor are `step`'s; panics with both screens when they do not
/// get there in time.
fn wait_for_screen(vttest: &Vttest, fixture: &str, index: usize, step: &Step) {
    let matches = |s: &Screen| {
        rows(s.term.screen()) == step.rows && s.term.screen().cursor_position() == step.cursor
    };
    if vttest.wait(Instant::now() + DEADLINE, matches) {
        return;
    }
    let s = vttest.lock();
    let show = |rows: &[String]| {
        rows.iter()
            .enumerate()
            .map(|(i, r)| format!("{i:2}|{r}\n"))
            .collect::<String>()
    };
    panic!(
        "{fixture}, step {index} (sent {:?}): want cursor {:?}, got {:?}\nwant:\n{}got:\n{}",
        step.keys,
        step.cursor,
        s.term.screen().cursor_position(),
        show(&step.rows),
        show(&rows(s.term.screen()))
    );
}

fn run(fixture: &str) {
    let Some(program) = vttest() else {
        eprintln!("skipped: vttest is not installed (apt-get install vttest)");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let vttest = Vttest::spawn(&program, tmp.path());
    let menu = |s: &Screen| {
        rows(s.term.screen())
            .iter()
            .any(|r| r.contains("Enter choice number"))
    };
    assert!(
        vttest.wait(Instant::now() + DEADLINE, menu),
        "vttest never showed its menu"
    );
    let version = rows(vttest.lock().term.screen())
        .iter()
        .any(|r| r.contains(VERSION));
    if !version {
        eprintln!("skipped: the fixtures are for vttest's {VERSION:?}, this is another version");
        return;
    }
    for (index, step) in steps(fixture).iter().enumerate() {
        vttest.send(&step.keys);
        wait_for_screen(&vttest, fixture, index, step);
    }
}

#[test]
fn menu_1_cursor_movements() {
    run("menu1.txt");
}

#[test]
fn menu_2_screen_features() {
    run("menu2.txt");
}

#[test]
fn menu_8_insert_and_delete() {
    run("menu8.txt");
}

#[test]
fn menu_11_5_iso_6429_cursor_movement() {
    run("menu11_5.txt");
}
