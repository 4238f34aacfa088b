//! Prompt queues in the UI, with real sessions running `cat` (which shows
//! whatever reaches it) driven through the Hub and an App as the server
//! hosts them: writing a prompt (`prefix m`), one prompt for the sessions
//! marked in the table (space, then `m`), and the queue view (`prefix M`),
//! where prompts are reordered, deleted, edited, held and let go. The clock
//! is injected: the queue's rules are about time, the test waits only for
//! the programs' output.

use std::path::Path;
use std::time::{Duration, Instant};

use ccmux::app::{Event, View};
use ccmux::session::Status;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

// The App options the benches use too: defaults, nothing persisted, UTC.
#[path = "../benches/common/app.rs"]
mod plain;
use plain::Rig;

const SIZE: (u16, u16) = (100, 30);
const NONE: KeyModifiers = KeyModifiers::NONE;

/// `sessions` sessions running `cat` in `dir`, each idle (ready to take a
/// prompt at once), on an injected clock.
fn harness(dir: &Path, sessions: usize) -> Rig {
    let launch = plain::launch("cat", &[], 100);
    let mut h = Rig::new(launch, &vec![dir.to_path_buf(); sessions], SIZE);
    h.clock = Some(Instant::now());
    h.wait_until("every session idle", |h| {
        (0..sessions).all(|i| h.status(i) == Status::Idle)
    });
    h
}

impl Rig {
    /// Moves the clock on in small steps, and waits (really) for output,
    /// until `done`.
    fn wait_until(&mut self, what: &str, done: impl Fn(&Rig) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "never: {what}\n{}\nsessions: {:?}",
                self.frame(),
                (0..self.hub.registry().len())
                    .map(|i| self.session_text(i))
                    .collect::<Vec<_>>()
            );
            std::thread::sleep(Duration::from_millis(5));
            self.clock = Some(self.now() + Duration::from_millis(50));
            self.pump();
        }
    }

    fn status_line(&self) -> String {
        self.frame().lines().last().unwrap_or_default().to_string()
    }

    fn queue(&self, i: usize) -> Vec<String> {
        self.hub
            .queue_of(self.id(i))
            .into_iter()
            .map(|p| p.text)
            .collect()
    }

    /// `cat` is not Claude Code: composing for it asks first; yes.
    fn compose_raw(&mut self, open: impl FnOnce(&mut Rig)) {
        open(self);
        assert!(self.frame().contains("Not Claude Code"), "{}", self.frame());
        self.key(KeyCode::Char('y'), NONE);
        assert!(matches!(self.app.view(), View::Compose(_)));
    }

    fn editor_text(&self) -> String {
        match self.app.view() {
            View::Compose(c) => c.editor.text().to_string(),
            _ => panic!("not composing"),
        }
    }
}

#[test]
fn a_prompt_goes_in_at_once_and_a_held_queue_is_reordered_edited_and_let_go() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(dir.path(), 1);

    // An idle session takes a prompt at once; the editor takes pastes, and
    // Enter sends.
    h.compose_raw(|h| h.prefix('m'));
    assert!(h.frame().contains("Prompt for"), "{}", h.frame());
    assert!(h.frame().contains("Ctrl-J new line"), "{}", h.frame());
    h.typed("hel");
    h.handle(Event::Paste("lo".into()));
    assert_eq!(h.editor_text(), "hello");
    h.key(KeyCode::Enter, NONE);
    assert!(matches!(h.app.view(), View::Tabs));
    assert!(
        h.status_line().contains(": delivered"),
        "{}",
        h.status_line()
    );
    // The terminal echoes the line, then cat prints it.
    h.wait_until("hello delivered", |h| {
        h.session_text(0).contains("hello\nhello")
    });

    // The queue view; held, prompts wait in it in order.
    h.prefix('M');
    assert!(h.frame().contains("Queue of"), "{}", h.frame());
    assert!(h.frame().contains("No prompt waits"), "{}", h.frame());
    h.key(KeyCode::Char('p'), NONE);
    assert!(h.hub.is_paused(h.id(0)));
    for (i, prompt) in ["one", "two"].into_iter().enumerate() {
        h.compose_raw(|h| h.key(KeyCode::Char('m'), NONE));
        h.typed(prompt);
        h.key(KeyCode::Enter, NONE);
        assert!(matches!(h.app.view(), View::Queue(_)), "back in the queue");
        let said = format!("queued at position {}", i + 1);
        assert!(h.status_line().contains(&said), "{}", h.status_line());
    }
    h.compose_raw(|h| h.key(KeyCode::Char('m'), NONE));
    h.typed("three");
    h.key(KeyCode::Enter, KeyModifiers::ALT);
    h.typed("more");
    h.key(KeyCode::Enter, NONE);
    assert_eq!(h.queue(0), ["one", "two", "three\nmore"]);
    let frame = h.frame();
    assert!(frame.contains("3  three (+1 line)"), "{frame}");
    assert!(frame.contains("paused"), "{frame}");

    // The table shows the queue and its totals; M opens it from there too.
    h.key(KeyCode::Esc, NONE);
    h.prefix('s');
    let frame = h.frame();
    assert!(frame.contains("QUEUE"), "{frame}");
    assert!(frame.contains("3 paused"), "{frame}");
    assert!(frame.contains("3 queued · 1 paused"), "{frame}");
    h.key(KeyCode::Char('M'), KeyModifiers::SHIFT);
    assert!(matches!(h.app.view(), View::Queue(_)));

    // Reorder: the selection follows the prompt it moves.
    h.key(KeyCode::Char('J'), KeyModifiers::SHIFT);
    assert_eq!(h.queue(0), ["two", "one", "three\nmore"]);
    h.key(KeyCode::Down, KeyModifiers::SHIFT);
    assert_eq!(h.queue(0), ["two", "three\nmore", "one"]);
    h.key(KeyCode::Up, KeyModifiers::SHIFT);
    assert_eq!(h.queue(0), ["two", "one", "three\nmore"]);
    // Delete: the next one takes its place.
    h.key(KeyCode::Char('d'), NONE);
    assert_eq!(h.queue(0), ["two", "three\nmore"]);
    // Edit: the editor opens on the text, Enter saves.
    h.key(KeyCode::Char('k'), NONE);
    h.key(KeyCode::Char('e'), NONE);
    assert_eq!(h.editor_text(), "two");
    assert!(h.frame().contains("Edit a queued prompt"), "{}", h.frame());
    h.typed("!");
    h.key(KeyCode::Enter, NONE);
    assert!(
        h.status_line().contains("prompt saved"),
        "{}",
        h.status_line()
    );
    assert_eq!(h.queue(0), ["two!", "three\nmore"]);
    assert!(matches!(h.app.view(), View::Queue(_)));

    // Nothing went in while held. Let go, they go in in order, each once
    // the one before has been answered.
    assert!(!h.session_text(0).contains("two"));
    h.key(KeyCode::Char('p'), NONE);
    assert!(!h.hub.is_paused(h.id(0)));
    h.wait_until("the queue delivered", |h| h.queue(0).is_empty());
    // Its two lines, echoed by the terminal and printed by cat, in an
    // order that is theirs.
    h.wait_until("the last prompt echoed", |h| {
        let text = h.session_text(0);
        text.matches("three").count() == 2 && text.matches("more").count() == 2
    });
    let text = h.session_text(0);
    let two = text.find("two!").expect("two! went in");
    assert!(two < text.find("three").expect("three went in"), "{text}");
    assert!(!text.contains("one"), "a deleted prompt went in: {text}");
    // Back to the table it was opened from.
    h.key(KeyCode::Esc, NONE);
    assert!(matches!(h.app.view(), View::Table(_)));
}

#[test]
fn one_prompt_for_the_sessions_marked_in_the_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(dir.path(), 3);
    h.prefix('s');
    // Space marks and moves down.
    h.key(KeyCode::Char(' '), NONE);
    h.key(KeyCode::Down, NONE);
    h.key(KeyCode::Char(' '), NONE);
    let frame = h.frame();
    assert!(frame.contains("2 marked"), "{frame}");
    assert_eq!(frame.matches('✓').count(), 2, "{frame}");

    h.compose_raw(|h| h.key(KeyCode::Char('m'), NONE));
    assert!(h.frame().contains("Prompt for 2 sessions"), "{}", h.frame());
    h.typed("all");
    h.key(KeyCode::Enter, NONE);
    assert!(matches!(h.app.view(), View::Table(_)));
    assert!(
        h.status_line()
            .contains("sent to 2 sessions: 2 delivered, 0 queued"),
        "{}",
        h.status_line()
    );
    h.wait_until("both marked sessions answered", |h| {
        h.session_text(0).contains("all\nall") && h.session_text(2).contains("all\nall")
    });
    assert_eq!(
        h.session_text(1).trim(),
        "",
        "an unmarked session was written to"
    );

    // Unmarked, a prompt goes to the selected session; the question comes
    // first, and no leaves everything as it was.
    h.key(KeyCode::Char('u'), NONE);
    assert!(!h.frame().contains('✓'), "{}", h.frame());
    h.key(KeyCode::Char('m'), NONE);
    assert!(h.frame().contains("Not Claude Code"), "{}", h.frame());
    h.key(KeyCode::Char('n'), NONE);
    assert!(matches!(h.app.view(), View::Table(_)));
    assert!((0..3).all(|i| h.queue(i).is_empty()));
}

/// A prompt that goes in (or is deleted by another terminal) while it is
/// being edited: the edit is neither lost nor sent without a word.
#[test]
fn an_edit_of_a_prompt_gone_meanwhile_is_offered_as_a_new_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(dir.path(), 1);
    let id = h.id(0);
    h.prefix('M');
    h.key(KeyCode::Char('p'), NONE);
    h.compose_raw(|h| h.key(KeyCode::Char('m'), NONE));
    h.typed("first");
    h.key(KeyCode::Enter, NONE);
    h.key(KeyCode::Enter, NONE);
    assert_eq!(h.editor_text(), "first");
    let prompt = h.hub.queue_of(id)[0].id;
    h.hub.remove_prompt(id, prompt);
    h.typed(" again");
    h.key(KeyCode::Enter, NONE);
    assert!(matches!(h.app.view(), View::Compose(_)), "still writing");
    assert!(
        h.status_line().contains("went in meanwhile"),
        "{}",
        h.status_line()
    );
    assert!(h.queue(0).is_empty());
    h.key(KeyCode::Enter, NONE);
    assert_eq!(h.queue(0), ["first again"]);
    assert!(matches!(h.app.view(), View::Queue(_)));
}
