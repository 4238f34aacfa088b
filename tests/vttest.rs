//! vttest's menus 1, 2, 8 and 11.5 through ccmux's terminal (its `Term`, the patched vt100), step
//! by step, against the screens in tests/data/vttest (captured from tmux, corrected where tmux
//! is wrong, see their comments). Skipped, with a message, where vttest 2.7 (20221229) is not
//! installed (`apt-get install vttest`): other versions draw other screens.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::Pty;

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

/// Sends `keys`, again if the program drew nothing in answer (it had not
/// read them yet).
fn send(vttest: &mut Pty, keys: &str) {
    loop {
        let before = vttest.bytes();
        vttest.send(keys);
        if vttest.wait_until(Instant::now() + ANSWER, |_, bytes| bytes > before) {
            return;
        }
    }
}

/// Waits until the screen and cursor are `step`'s; panics with both screens when they do not
/// get there in time.
fn wait_for_screen(vttest: &Pty, fixture: &str, index: usize, step: &Step) {
    let matches = |s: &vt100::Screen, _| rows(s) == step.rows && s.cursor_position() == step.cursor;
    if vttest.wait_until(Instant::now() + DEADLINE, matches) {
        return;
    }
    let show = |rows: &[String]| {
        rows.iter()
            .enumerate()
            .map(|(i, r)| format!("{i:2}|{r}\n"))
            .collect::<String>()
    };
    let (cursor, got) = vttest.with_screen(|s| (s.cursor_position(), rows(s)));
    panic!(
        "{fixture}, step {index} (sent {:?}): want cursor {:?}, got {cursor:?}\nwant:\n{}got:\n{}",
        step.keys,
        step.cursor,
        show(&step.rows),
        show(&got)
    );
}

fn run(fixture: &str) {
    let Some(program) = vttest() else {
        eprintln!("skipped: vttest is not installed (apt-get install vttest)");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut vttest = Pty::spawn(&program, &[], tmp.path(), tmp.path(), &[], COLS, ROWS);
    let menu = |s: &vt100::Screen, _| rows(s).iter().any(|r| r.contains("Enter choice number"));
    assert!(
        vttest.wait_until(Instant::now() + DEADLINE, menu),
        "vttest never showed its menu"
    );
    let version = vttest.with_screen(|s| rows(s).iter().any(|r| r.contains(VERSION)));
    if !version {
        eprintln!("skipped: the fixtures are for vttest's {VERSION:?}, this is another version");
        return;
    }
    for (index, step) in steps(fixture).iter().enumerate() {
        send(&mut vttest, &step.keys);
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
