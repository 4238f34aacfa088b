//! The fake's state machine: keys and timer ticks in, screen output and hook
//! events out. It does no I/O itself, so the event loop in main.rs stays a
//! thin shell.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::area::{
    self, Area, Body, Footer, PERMISSION_COMMAND, PERMISSION_DESCRIPTION, SPINNER_GLYPHS, View,
};
use crate::commands::{self, Ask, Command, Slash};
use crate::editor::Editor;
use crate::hooks::{self, EndReason, Event, Source, ToolUse};
use crate::keys::{Key, KeyParser};
use crate::screen::Screen;

const SPIN_EVERY: Duration = Duration::from_millis(100);
const COUNT_EVERY: Duration = Duration::from_millis(100);
/// How long a lone ESC waits for the rest of a sequence before it is the Esc key.
const ESC_WAIT: Duration = Duration::from_millis(30);
const IDLE_TITLE: &str = "\x1b]0;✳ Fake Claude\x07";
const BUSY_TITLE: &str = "\x1b]0;⠂ Fake Claude\x07";
/// Claude Code's words on Ctrl-Z.
pub const SUSPENDED: &str = "Claude Code has been suspended. Run `fg` to bring Claude Code back.";
/// Printed when continued, so a test can tell.
pub const RESUMED: &str = "resumed after suspend";

/// What the event loop must do, in this order: hooks see the screen as it
/// was when they fired.
#[derive(Debug, PartialEq)]
pub enum Effect {
    Output(String),
    Hook(Event),
    /// Append this prompt to the conversation's transcript.
    Record(String),
    /// From here on the conversation has this id (after `/clear`).
    Conversation(String),
    /// Ctrl-Z: give the terminal its own settings back (cooked mode)…
    Cooked,
    /// …then stop until continued, back in raw mode; call `resume` then.
    Stop,
}

/// How the conversation begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opening {
    Fresh,
    /// `--resume`: the prompts said so far, shown again.
    Resumed(Vec<String>),
}

/// What the event loop should do next.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Exit(i32),
}

enum State {
    Idle,
    Busy {
        task: Task,
        spin: usize,
        spin_due: Instant,
    },
    Permission {
        selected: usize,
        /// The tool waiting for the answer.
        tool: ToolUse,
    },
    KeyDump,
}

enum Task {
    Stream {
        next: u64,
        last: u64,
        every: Duration,
        due: Instant,
    },
    Count {
        next: u64,
        due: Instant,
    },
    Slow {
        until: Instant,
    },
}

impl Task {
    fn due(&self) -> Instant {
        match self {
            Task::Stream { due, .. } | Task::Count { due, .. } => *due,
            Task::Slow { until } => *until,
        }
    }
}

/// Terminal modes the user switched on, to switch off again on exit.
#[derive(Default)]
struct Modes {
    app_cursor: bool,
    mouse: bool,
}

pub struct App {
    screen: Screen,
    editor: Editor,
    keys: KeyParser,
    esc_due: Option<Instant>,
    state: State,
    /// Lines submitted while busy, run in order once idle.
    queued: VecDeque<String>,
    ctrl_c_armed: bool,
    modes: Modes,
    /// Output and hooks not yet handed to the event loop; the output still
    /// being drawn stays in the screen until the next hook or hand-over.
    effects: Vec<Effect>,
    /// SessionEnd has fired: it fires once, whichever way the fake exits.
    ended: bool,
    /// For `tool_use_id`s unique within the session.
    tool_uses: u64,
    /// The conversation's id, and whether it has a transcript yet (then
    /// `claude --resume` can take it up again).
    conversation: String,
    recorded: bool,
}

impl App {
    pub fn new(screen: Screen) -> App {
        App {
            screen,
            editor: Editor::default(),
            keys: KeyParser::default(),
            esc_due: None,
            state: State::Idle,
            queued: VecDeque::new(),
            ctrl_c_armed: false,
            modes: Modes::default(),
            effects: Vec::new(),
            ended: false,
            tool_uses: 0,
            conversation: String::new(),
            recorded: false,
        }
    }

    /// Startup: set the title, print the banner, the conversation (and, on
    /// a resume, its earlier prompts) and the first prompt.
    pub fn start(&mut self, banner: &[String], conversation: String, opening: Opening) {
        self.screen.raw("\x1b[?2004h");
        self.screen.raw(IDLE_TITLE);
        let mut lines = banner.to_vec();
        let source = match opening {
            Opening::Fresh => {
                lines.push(format!("conversation: {conversation}"));
                Source::Startup
            }
            Opening::Resumed(prompts) => {
                lines.push(format!("conversation: {conversation} (resumed)"));
                lines.extend(prompts.iter().map(|p| format!("history: {}", one_line(p))));
                self.recorded = true;
                Source::Resume
            }
        };
        self.conversation = conversation;
        self.print(&lines);
        self.hook(Event::SessionStart(source));
    }

    /// SessionEnd, unless it already fired (the user exited at the prompt).
    pub fn end(&mut self, reason: EndReason) {
        if !self.ended {
            self.ended = true;
            self.hook(Event::SessionEnd(reason));
        }
    }

    /// Lines for the transcript that are not answers to anything typed.
    pub fn announce(&mut self, lines: &[String]) {
        self.print(lines);
    }

    pub fn set_sync(&mut self, sync: bool) {
        self.screen.set_sync(sync);
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        self.flush_output();
        std::mem::take(&mut self.effects)
    }

    /// Hooks held the event loop for `by`. Timers move on by as much, as if
    /// the clock had stopped meanwhile: a task started just before a slow
    /// hook must not then burst out every step it missed.
    pub fn shift_clock(&mut self, by: Duration) {
        if let Some(due) = &mut self.esc_due {
            *due += by;
        }
        if let State::Busy { task, spin_due, .. } = &mut self.state {
            *spin_due += by;
            match task {
                Task::Stream { due, .. } | Task::Count { due, .. } => *due += by,
                Task::Slow { until } => *until += by,
            }
        }
    }

    /// When the loop must wake up even without input; `None` means sleep.
    pub fn deadline(&self) -> Option<Instant> {
        let busy = match &self.state {
            State::Busy { task, spin_due, .. } => Some(task.due().min(*spin_due)),
            _ => None,
        };
        match (busy, self.esc_due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    pub fn input(&mut self, bytes: &[u8], now: Instant) -> Flow {
        self.keys.push(bytes);
        let flow = self.drain_keys(now);
        self.esc_due = self.keys.needs_flush().then(|| now + ESC_WAIT);
        flow
    }

    pub fn tick(&mut self, now: Instant) -> Flow {
        if self.esc_due.is_some_and(|due| due <= now) {
            self.esc_due = None;
            if let Some(key) = self.keys.flush() {
                if let Flow::Exit(code) = self.key(key, now) {
                    return Flow::Exit(code);
                }
            }
        }
        self.advance(now)
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        if self.screen.size() == (cols.into(), rows.into()) {
            return;
        }
        let area = self.area_for(cols.into(), rows.into());
        self.screen.resize(cols, rows, &area);
        self.print(&[format!("resized to {cols}x{rows}")]);
    }

    /// Undo every terminal mode we set, before the process exits, and say
    /// how to come back to a conversation that has something in it, as
    /// Claude does.
    pub fn finish(&mut self) -> String {
        self.screen.leave();
        self.modes_off();
        self.screen.raw("\x1b]0;\x07");
        if self.recorded {
            let id = &self.conversation;
            self.screen.raw(&format!(
                "Resume this session with:\r\nclaude --resume {id}\r\n"
            ));
        }
        self.screen.take_output()
    }

    /// Continued after a suspend: modes back on, and the screen repainted,
    /// since the shell drew over it.
    pub fn resume(&mut self) {
        self.modes_on();
        let area = self.area();
        self.screen.resume(&area);
        self.print(&[RESUMED.to_owned()]);
    }

    /// Ctrl-Z, like Claude Code: the terminal back in cooked mode with our
    /// modes off, the prompt area left behind, a word on how to come back,
    /// then stop.
    fn suspend(&mut self) {
        self.screen.suspend();
        self.modes_off();
        self.flush_output();
        self.effects.push(Effect::Cooked);
        self.screen.raw(&format!("{SUSPENDED}\r\n"));
        self.flush_output();
        self.effects.push(Effect::Stop);
    }

    fn modes_off(&mut self) {
        if self.modes.app_cursor {
            self.screen.raw("\x1b[?1l");
        }
        if self.modes.mouse {
            self.screen.raw("\x1b[?1006l\x1b[?1000l");
        }
        self.screen.raw("\x1b[?2004l");
    }

    fn modes_on(&mut self) {
        self.screen.raw("\x1b[?2004h");
        if self.modes.app_cursor {
            self.screen.raw("\x1b[?1h");
        }
        if self.modes.mouse {
            self.screen.raw("\x1b[?1000h\x1b[?1006h");
        }
    }

    fn drain_keys(&mut self, now: Instant) -> Flow {
        loop {
            if matches!(self.state, State::KeyDump) {
                let raw = self.keys.take_raw();
                return self.dump(&raw, now);
            }
            let Some(key) = self.keys.next_key() else {
                return Flow::Continue;
            };
            if let Flow::Exit(code) = self.key(key, now) {
                return Flow::Exit(code);
            }
        }
    }

    /// Key dump mode shows every read as it came, undecoded.
    fn dump(&mut self, raw: &[u8], now: Instant) -> Flow {
        if raw.is_empty() {
            return Flow::Continue;
        }
        if raw == b"q" {
            self.state = State::Idle;
            self.print(&["key dump done".to_owned()]);
            return self.run_queued(now);
        }
        let hex: Vec<String> = raw.iter().map(|b| format!("{b:02x}")).collect();
        self.print(&[hex.join(" ")]);
        Flow::Continue
    }

    fn key(&mut self, key: Key, now: Instant) -> Flow {
        if key == Key::CtrlZ {
            self.suspend();
            return Flow::Continue;
        }
        if matches!(self.state, State::Permission { .. }) {
            return self.permission_key(key, now);
        }
        if key != Key::CtrlC {
            self.ctrl_c_armed = false;
        }
        match key {
            Key::Char(c) => self.editor.insert_char(c),
            Key::Newline => self.editor.insert_newline(),
            Key::Paste(text) => self.editor.insert_paste(&text),
            Key::Backspace => self.editor.backspace(),
            Key::Enter if !self.editor.is_empty() => {
                let line = self.editor.take();
                if matches!(self.state, State::Busy { .. }) {
                    self.queued.push_back(line);
                } else {
                    return self.submit(&line, now);
                }
            }
            Key::CtrlC if !self.editor.is_empty() => self.editor.clear(),
            Key::CtrlC if self.ctrl_c_armed => return self.exit(0, EndReason::PromptInputExit),
            Key::CtrlC => self.ctrl_c_armed = true,
            Key::CtrlD if self.editor.is_empty() => {
                return self.exit(0, EndReason::PromptInputExit);
            }
            Key::Esc if matches!(self.state, State::Busy { .. }) => {
                self.queued.clear();
                self.become_idle();
                self.print(&["  ⎿  Interrupted · What should Claude do instead?".to_owned()]);
                return Flow::Continue;
            }
            _ => return Flow::Continue,
        }
        self.redraw();
        Flow::Continue
    }

    fn permission_key(&mut self, key: Key, now: Instant) -> Flow {
        let approve = match key {
            Key::Char('1') => true,
            Key::Char('2') | Key::Esc | Key::CtrlC => false,
            Key::Enter => matches!(self.state, State::Permission { selected: 0, .. }),
            Key::Up | Key::Down => {
                if let State::Permission { selected, .. } = &mut self.state {
                    *selected = 1 - *selected;
                }
                self.redraw();
                return Flow::Continue;
            }
            _ => return Flow::Continue,
        };
        let State::Permission { tool, .. } = std::mem::replace(&mut self.state, State::Idle) else {
            return Flow::Continue;
        };
        if approve {
            let response =
                json!({"stdout": "", "stderr": "", "interrupted": false, "isImage": false});
            self.hook(Event::PostToolUse { tool, response });
            self.print(&["● approved".to_owned()]);
            self.end_turn("● approved");
        } else {
            // Claude stops the turn on a denial: no Stop hook, like Esc.
            self.print(&["● denied".to_owned()]);
        }
        self.run_queued(now)
    }

    fn submit(&mut self, line: &str, now: Instant) -> Flow {
        if let Some(Slash::Clear) = commands::slash(line) {
            return self.new_conversation(now);
        }
        // The echo and the answer go out together, drawn with the state the
        // command leads to, so the prompt area is redrawn once.
        let mut lines: Vec<String> = line
            .split('\n')
            .enumerate()
            .map(|(i, part)| format!("{}{part}", if i == 0 { "> " } else { "  " }))
            .collect();
        self.hook(Event::UserPromptSubmit {
            prompt: line.to_owned(),
        });
        self.record(line);
        let reply = match commands::parse(line) {
            Command::Stream { lines: last, every } => {
                self.begin_task(
                    Task::Stream {
                        next: 1,
                        last,
                        every,
                        due: now + every,
                    },
                    now,
                );
                self.print(&lines);
                return Flow::Continue;
            }
            Command::Count => {
                self.begin_task(
                    Task::Count {
                        next: 1,
                        due: now + COUNT_EVERY,
                    },
                    now,
                );
                self.print(&lines);
                return Flow::Continue;
            }
            Command::Slow(wait) => {
                self.begin_task(Task::Slow { until: now + wait }, now);
                self.print(&lines);
                return Flow::Continue;
            }
            Command::Perm(ask) => {
                let input = json!({
                    "command": PERMISSION_COMMAND,
                    "description": PERMISSION_DESCRIPTION,
                });
                let tool = self.tool_use("Bash", input);
                self.hook(Event::PreToolUse(tool.clone()));
                self.state = State::Permission {
                    selected: 0,
                    tool: tool.clone(),
                };
                lines.push(format!("● Bash({PERMISSION_COMMAND})"));
                self.print(&lines);
                // Fired once the dialog is on screen, as Claude does.
                self.hook(match ask {
                    Ask::PermissionRequest => Event::PermissionRequest(tool),
                    Ask::Notification => Event::Notification {
                        kind: "permission_prompt".to_owned(),
                        message: "Claude needs your permission to use Bash".to_owned(),
                    },
                });
                return Flow::Continue;
            }
            Command::Tool(name) => {
                let tool = self.tool_use(&name, json!({}));
                self.hook(Event::PreToolUse(tool.clone()));
                let response = json!({"output": "done"});
                self.hook(Event::PostToolUse { tool, response });
                format!("● {name} done")
            }
            Command::Keys => {
                self.state = State::KeyDump;
                "key dump: every read in hex, q alone to stop".to_owned()
            }
            Command::Title(title) => {
                self.screen.raw(&format!("\x1b]0;{title}\x07"));
                format!("● title {title}")
            }
            Command::Bell => {
                self.screen.raw("\x07");
                "● bell".to_owned()
            }
            Command::Notify(text) => {
                self.screen.raw(&format!("\x1b]9;{text}\x07"));
                format!("● notify {text}")
            }
            Command::AppCursor(on) => {
                self.modes.app_cursor = on;
                self.screen.raw(if on { "\x1b[?1h" } else { "\x1b[?1l" });
                format!("● appcursor {}", on_off(on))
            }
            Command::Mouse(on) => {
                self.modes.mouse = on;
                let seq = if on {
                    "\x1b[?1000h\x1b[?1006h"
                } else {
                    "\x1b[?1006l\x1b[?1000l"
                };
                self.screen.raw(seq);
                format!("● mouse {}", on_off(on))
            }
            Command::Alt(on) => {
                let area = self.area();
                self.screen.set_alt(on, &area);
                format!("● alt {}", on_off(on))
            }
            Command::Clear => {
                let area = self.area();
                self.screen.clear(&area);
                self.end_turn("");
                return self.run_queued(now);
            }
            Command::Exit(code) => {
                self.print(&lines);
                return self.exit(code, EndReason::Other);
            }
            Command::Size => {
                let (cols, rows) = self.screen.size();
                format!("size: {cols}x{rows}")
            }
            Command::Env(name) => match std::env::var(&name) {
                Ok(value) => format!("{name}={value}"),
                Err(_) => format!("{name} is not set"),
            },
            Command::Say(text) => format!("● You said: {}", one_line(&text)),
        };
        let last = reply.clone();
        lines.push(reply);
        self.print(&lines);
        self.end_turn(&last);
        self.run_queued(now)
    }

    /// `/clear`: the conversation ends and a new one starts under a new id,
    /// whose transcript begins with the command, as Claude's does. Hooks
    /// first: once the new id shows, they have run.
    fn new_conversation(&mut self, now: Instant) -> Flow {
        self.hook(Event::SessionEnd(EndReason::Clear));
        self.conversation = hooks::new_id();
        self.recorded = false;
        self.flush_output();
        self.effects
            .push(Effect::Conversation(self.conversation.clone()));
        self.hook(Event::SessionStart(Source::Clear));
        self.record("/clear");
        let area = self.area();
        self.screen.clear(&area);
        let shown = format!("conversation: {}", self.conversation);
        self.print(&["> /clear".to_owned(), shown]);
        self.run_queued(now)
    }

    fn record(&mut self, prompt: &str) {
        self.flush_output();
        self.effects.push(Effect::Record(prompt.to_owned()));
        self.recorded = true;
    }

    /// Run lines typed while busy, until one of them makes us busy again.
    fn run_queued(&mut self, now: Instant) -> Flow {
        while matches!(self.state, State::Idle) {
            let Some(line) = self.queued.pop_front() else {
                break;
            };
            if let Flow::Exit(code) = self.submit(&line, now) {
                return Flow::Exit(code);
            }
        }
        Flow::Continue
    }

    /// Let time pass for the busy task and the spinner.
    fn advance(&mut self, now: Instant) -> Flow {
        let State::Busy {
            task,
            spin,
            spin_due,
        } = &mut self.state
        else {
            return Flow::Continue;
        };
        let mut out = Vec::new();
        let mut done = false;
        match task {
            Task::Stream {
                next,
                last,
                every,
                due,
            } => {
                while *next <= *last && *due <= now {
                    out.push(format!("line {next}"));
                    *next += 1;
                    *due += *every;
                }
                done = *next > *last;
            }
            Task::Count { next, due } => {
                while *due <= now {
                    out.push(format!("count {next}"));
                    *next += 1;
                    *due += COUNT_EVERY;
                }
            }
            Task::Slow { until } => {
                if *until <= now {
                    out.push("● slow done".to_owned());
                    done = true;
                }
            }
        }
        let spun = *spin_due <= now;
        if spun {
            *spin = (*spin + 1) % SPINNER_GLYPHS.len();
            // Skip missed frames rather than replaying them.
            while *spin_due <= now {
                *spin_due += SPIN_EVERY;
            }
        }
        if done {
            self.become_idle();
        }
        if !out.is_empty() || done {
            self.print(&out);
        } else if spun {
            self.redraw();
        }
        if !done {
            return Flow::Continue;
        }
        self.end_turn(out.last().map_or("", String::as_str));
        self.run_queued(now)
    }

    fn begin_task(&mut self, task: Task, now: Instant) {
        self.screen.raw(BUSY_TITLE);
        self.state = State::Busy {
            task,
            spin: 0,
            spin_due: now + SPIN_EVERY,
        };
    }

    fn exit(&mut self, code: i32, reason: EndReason) -> Flow {
        self.end(reason);
        Flow::Exit(code)
    }

    /// The turn is over: Stop, with the answer's last line as Claude's last
    /// message.
    fn end_turn(&mut self, last_line: &str) {
        let last_message = last_line.strip_prefix("● ").unwrap_or(last_line);
        self.hook(Event::Stop {
            last_message: last_message.to_owned(),
        });
    }

    fn tool_use(&mut self, name: &str, input: Value) -> ToolUse {
        self.tool_uses += 1;
        ToolUse {
            name: name.to_owned(),
            input,
            id: format!("toolu_fake{:06}", self.tool_uses),
        }
    }

    fn hook(&mut self, event: Event) {
        self.flush_output();
        self.effects.push(Effect::Hook(event));
    }

    fn flush_output(&mut self) {
        let drawn = self.screen.take_output();
        if !drawn.is_empty() {
            self.effects.push(Effect::Output(drawn));
        }
    }

    fn become_idle(&mut self) {
        self.state = State::Idle;
        self.screen.raw(IDLE_TITLE);
    }

    fn print(&mut self, lines: &[String]) {
        let area = self.area();
        self.screen.print(lines, &area);
    }

    fn redraw(&mut self) {
        let area = self.area();
        self.screen.redraw(&area);
    }

    fn area(&self) -> Area {
        let (cols, rows) = self.screen.size();
        self.area_for(cols, rows)
    }

    fn area_for(&self, cols: usize, rows: usize) -> Area {
        let input = self.editor.display();
        let (spinner, body, footer) = match &self.state {
            State::Idle => (None, Body::Input(&input), Footer::Shortcuts),
            State::Busy { spin, .. } => (
                SPINNER_GLYPHS.get(*spin).copied(),
                Body::Input(&input),
                Footer::Interrupt,
            ),
            State::Permission { selected, .. } => (
                None,
                Body::Permission {
                    selected: *selected,
                },
                Footer::Shortcuts,
            ),
            State::KeyDump => (None, Body::Input(&input), Footer::KeyDump),
        };
        let footer = if self.ctrl_c_armed {
            Footer::CtrlCAgain
        } else {
            footer
        };
        area::build(
            &View {
                spinner,
                body,
                footer,
            },
            cols,
            rows,
        )
    }
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

/// A prompt on one screen line.
fn one_line(text: &str) -> String {
    text.replace('\n', "⏎")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Harness {
        app: App,
        now: Instant,
        /// Effects taken from the app and not yet looked at.
        out: String,
        hooks: Vec<Event>,
        /// The effects that are neither output nor hooks.
        rest: Vec<Effect>,
    }

    impl Harness {
        fn new() -> Harness {
            let mut app = App::new(Screen::new(80, 24));
            app.start(
                &["Fake Claude v1".to_owned()],
                "c0".to_owned(),
                Opening::Fresh,
            );
            let mut h = Harness {
                app,
                now: Instant::now(),
                out: String::new(),
                hooks: Vec::new(),
                rest: Vec::new(),
            };
            h.forget();
            h
        }

        fn send(&mut self, bytes: &[u8]) -> Flow {
            self.app.input(bytes, self.now)
        }

        fn wait(&mut self, millis: u64) -> Flow {
            self.now += Duration::from_millis(millis);
            self.app.tick(self.now)
        }

        fn take(&mut self) {
            for effect in self.app.take_effects() {
                match effect {
                    Effect::Output(text) => self.out.push_str(&text),
                    Effect::Hook(event) => self.hooks.push(event),
                    other => self.rest.push(other),
                }
            }
        }

        fn output(&mut self) -> String {
            self.take();
            std::mem::take(&mut self.out)
        }

        fn hooks(&mut self) -> Vec<Event> {
            self.take();
            std::mem::take(&mut self.hooks)
        }

        fn hook_names(&mut self) -> Vec<&'static str> {
            self.hooks().iter().map(Event::name).collect()
        }

        fn rest(&mut self) -> Vec<Effect> {
            self.take();
            std::mem::take(&mut self.rest)
        }

        /// Everything taken so far is forgotten.
        fn forget(&mut self) {
            self.output();
            self.hooks();
            self.rest();
        }
    }

    #[test]
    fn typed_line_is_echoed_and_answered() {
        let mut h = Harness::new();
        h.send(b"hello");
        assert!(h.output().contains("❯\u{a0}hello"));
        assert_eq!(h.send(b"\r"), Flow::Continue);
        let out = h.output();
        assert!(out.contains("> hello\r\n● You said: hello\r\n"), "{out:?}");
        assert_eq!(h.app.deadline(), None, "idle means no timers");
    }

    #[test]
    fn ctrl_c_clears_then_arms_then_exits() {
        let mut h = Harness::new();
        h.send(b"abc\x03");
        assert!(h.app.editor.is_empty());
        assert_eq!(h.send(b"\x03"), Flow::Continue);
        assert!(h.output().contains("Press Ctrl-C again to exit"));
        h.send(b"x\x7f");
        assert!(
            h.output()
                .ends_with("  ? for shortcuts\x1b[J\x1b[2A\x1b[3G")
        );
        h.send(b"\x03");
        assert_eq!(h.send(b"\x03"), Flow::Exit(0));
    }

    #[test]
    fn ctrl_d_exits_only_on_empty_input() {
        let mut h = Harness::new();
        assert_eq!(h.send(b"a\x04"), Flow::Continue);
        assert_eq!(h.send(b"\x7f\x04"), Flow::Exit(0));
    }

    #[test]
    fn stream_prints_on_schedule_then_goes_idle() {
        let mut h = Harness::new();
        h.send(b"stream 3 10\r");
        let out = h.output();
        assert!(out.contains("· Pondering…") && out.contains("esc to interrupt"));
        assert!(out.contains(BUSY_TITLE));
        h.wait(15);
        let out = h.output();
        assert!(
            out.contains("line 1\r\n") && !out.contains("line 2"),
            "{out:?}"
        );
        h.wait(20);
        let out = h.output();
        assert!(out.contains("line 2\r\nline 3\r\n"), "{out:?}");
        assert!(out.contains(IDLE_TITLE) && out.contains("? for shortcuts"));
        assert_eq!(h.app.deadline(), None);
    }

    #[test]
    fn esc_interrupts_count_after_the_escape_timeout() {
        let mut h = Harness::new();
        h.send(b"count\r");
        h.wait(250);
        let out = h.output();
        assert!(out.contains("count 1\r\ncount 2\r\n"), "{out:?}");
        h.send(b"\x1b");
        assert!(h.app.deadline().is_some_and(|due| due <= h.now + ESC_WAIT));
        h.wait(ESC_WAIT.as_millis() as u64);
        let out = h.output();
        assert!(out.contains("⎿  Interrupted"), "{out:?}");
        assert_eq!(h.app.deadline(), None);
    }

    #[test]
    fn permission_approve_and_deny() {
        let mut h = Harness::new();
        h.send(b"perm\r");
        let out = h.output();
        assert!(out.contains(" Do you want to proceed?") && out.contains(" ❯ 1. Yes"));
        h.send(b"\r");
        assert!(h.output().contains("● approved"));
        h.send(b"perm\r");
        h.send(b"\x1b[B");
        assert!(h.output().contains(" ❯ 2. No"));
        h.send(b"\r");
        assert!(h.output().contains("● denied"));
    }

    #[test]
    fn lines_typed_while_busy_run_afterwards() {
        let mut h = Harness::new();
        h.send(b"slow 1\rhello\r");
        assert!(!h.output().contains("You said"));
        h.wait(1000);
        let out = h.output();
        let done = out.find("● slow done").unwrap_or(usize::MAX);
        let said = out.find("● You said: hello").unwrap_or(0);
        assert!(done < said, "{out:?}");
    }

    #[test]
    fn key_dump_shows_each_read_raw_until_q() {
        let mut h = Harness::new();
        h.send(b"keys\r\x1b[13;2u");
        assert!(h.output().contains("1b 5b 31 33 3b 32 75\r\n"));
        h.send(b"\x1b[200~a\x1b[201~");
        assert!(
            h.output()
                .contains("1b 5b 32 30 30 7e 61 1b 5b 32 30 31 7e")
        );
        h.send(b"q");
        assert!(h.output().contains("key dump done"));
        h.send(b"q");
        assert!(h.output().contains("❯\u{a0}q"), "back to normal input");
    }

    #[test]
    fn modes_are_switched_and_undone() {
        let mut h = Harness::new();
        h.send(b"appcursor on\rmouse on\ralt on\r");
        let out = h.output();
        for seq in ["\x1b[?1h", "\x1b[?1000h\x1b[?1006h", "\x1b[?1049h"] {
            assert!(out.contains(seq), "{seq:?}");
        }
        let out = h.app.finish();
        for seq in ["\x1b[?1049l", "\x1b[?1l", "\x1b[?1000l", "\x1b[?2004l"] {
            assert!(out.contains(seq), "{seq:?}");
        }
    }

    #[test]
    fn exit_status_and_resize() {
        let mut h = Harness::new();
        h.app.resize(100, 30);
        assert!(h.output().contains("resized to 100x30"));
        h.app.resize(100, 30);
        assert_eq!(h.output(), "", "an unchanged size is not news");
        assert_eq!(h.send(b"exit 3\r"), Flow::Exit(3));
    }

    fn stop(last_message: &str) -> Event {
        Event::Stop {
            last_message: last_message.to_owned(),
        }
    }

    #[test]
    fn session_start_fires_after_the_banner_and_the_conversation() {
        let mut app = App::new(Screen::new(80, 24));
        app.start(&["Fake Claude v1".to_owned()], "c1".into(), Opening::Fresh);
        let effects = app.take_effects();
        let [
            Effect::Output(banner),
            Effect::Hook(Event::SessionStart(Source::Startup)),
        ] = &effects[..]
        else {
            panic!("{effects:?}");
        };
        assert!(
            banner.contains("Fake Claude v1\r\nconversation: c1\r\n"),
            "{banner:?}"
        );
    }

    #[test]
    fn a_resumed_conversation_shows_its_prompts_again() {
        let mut app = App::new(Screen::new(80, 24));
        let earlier = vec!["first".to_owned(), "two\nlines".to_owned()];
        app.start(&["v1".to_owned()], "c1".into(), Opening::Resumed(earlier));
        let effects = app.take_effects();
        let [
            Effect::Output(banner),
            Effect::Hook(Event::SessionStart(Source::Resume)),
        ] = &effects[..]
        else {
            panic!("{effects:?}");
        };
        assert!(
            banner.contains(
                "v1\r\nconversation: c1 (resumed)\r\nhistory: first\r\nhistory: two⏎lines\r\n"
            ),
            "{banner:?}"
        );
        assert!(
            app.finish()
                .contains("Resume this session with:\r\nclaude --resume c1\r\n"),
            "a resumed conversation has a transcript to come back to"
        );
    }

    #[test]
    fn submitted_prompts_are_recorded_and_then_exit_says_how_to_resume() {
        let mut h = Harness::new();
        assert!(
            !h.app.finish().contains("Resume this session"),
            "nothing said, nothing to resume, as with Claude"
        );
        let mut h = Harness::new();
        h.send(b"hello\rstream 1 10\r");
        h.wait(10);
        h.send(b"\x1b[200~a\nb\x1b[201~\r");
        assert_eq!(
            h.rest(),
            [
                Effect::Record("hello".into()),
                Effect::Record("stream 1 10".into()),
                Effect::Record("a\nb".into()),
            ]
        );
        let out = h.app.finish();
        assert!(
            out.ends_with("Resume this session with:\r\nclaude --resume c0\r\n"),
            "{out:?}"
        );
    }

    #[test]
    fn slash_clear_starts_a_new_conversation() {
        let mut h = Harness::new();
        h.send(b"hello\r/clear");
        h.forget();
        h.send(b"\r");
        let effects = h.app.take_effects();
        let [
            Effect::Hook(Event::SessionEnd(EndReason::Clear)),
            Effect::Conversation(id),
            Effect::Hook(Event::SessionStart(Source::Clear)),
            Effect::Record(recorded),
            Effect::Output(out),
        ] = &effects[..]
        else {
            panic!("no UserPromptSubmit or Stop: /clear is Claude's own; {effects:?}");
        };
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        assert_eq!(recorded, "/clear", "the new transcript starts with it");
        assert!(out.contains("\x1b[2J"), "the screen is wiped");
        assert!(out.contains(&format!("conversation: {id}\r\n")), "{out:?}");

        // The process goes on: a later exit ends the new conversation.
        assert_eq!(h.send(b"exit\r"), Flow::Exit(0));
        assert_eq!(h.hook_names(), ["UserPromptSubmit", "SessionEnd"]);
        let out = h.app.finish();
        assert!(out.contains(&format!("claude --resume {id}")), "{out:?}");

        let mut h = Harness::new();
        h.send(b"/clear\r");
        h.send(b"/clear\r");
        let ids: Vec<Effect> = h
            .rest()
            .into_iter()
            .filter(|e| matches!(e, Effect::Conversation(_)))
            .collect();
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[0], ids[1], "every /clear makes a new id");
    }

    #[test]
    fn ctrl_z_gives_the_terminal_back_then_resume_repaints() {
        let mut h = Harness::new();
        h.send(b"mouse on\rabc");
        h.forget();
        assert_eq!(h.send(b"\x1a"), Flow::Continue);
        let effects = h.app.take_effects();
        let [
            Effect::Output(off),
            Effect::Cooked,
            Effect::Output(word),
            Effect::Stop,
        ] = &effects[..]
        else {
            panic!("{effects:?}");
        };
        assert!(
            off.ends_with("\x1b[?1006l\x1b[?1000l\x1b[?2004l"),
            "{off:?}"
        );
        assert_eq!(word, &format!("{SUSPENDED}\r\n"), "said once cooked");
        h.app.resume();
        let out = h.output();
        assert!(
            out.starts_with("\x1b[?2004h\x1b[?1000h\x1b[?1006h"),
            "{out:?}"
        );
        assert!(out.contains(&format!("{RESUMED}\r\n")), "{out:?}");
        assert!(out.contains("❯\u{a0}abc"), "the input survives: {out:?}");
        assert_eq!(h.hooks(), [], "no hook fires on a suspend");
    }

    #[test]
    fn a_turn_is_prompt_submit_then_answer_then_stop() {
        let mut h = Harness::new();
        h.send(b"hello");
        h.output();
        h.send(b"\r");
        let effects = h.app.take_effects();
        let [
            Effect::Hook(Event::UserPromptSubmit { prompt }),
            Effect::Record(recorded),
            Effect::Output(answer),
            Effect::Hook(Event::Stop { last_message }),
        ] = &effects[..]
        else {
            panic!("{effects:?}");
        };
        assert_eq!(prompt, "hello");
        assert_eq!(recorded, "hello");
        assert!(answer.contains("● You said: hello"), "{answer:?}");
        assert_eq!(last_message, "You said: hello");
    }

    #[test]
    fn approved_permission_runs_the_tool_hooks_then_stops() {
        let mut h = Harness::new();
        h.send(b"perm");
        h.output();
        h.send(b"\r");
        let effects = h.app.take_effects();
        let [
            Effect::Hook(Event::UserPromptSubmit { .. }),
            Effect::Record(_),
            Effect::Hook(Event::PreToolUse(pre)),
            Effect::Output(dialog),
            Effect::Hook(Event::PermissionRequest(asked)),
        ] = &effects[..]
        else {
            panic!("{effects:?}");
        };
        assert!(
            dialog.contains("Do you want to proceed?"),
            "the box shows first"
        );
        assert_eq!(pre, asked);
        assert_eq!(pre.name, "Bash");
        assert_eq!(pre.input["command"], PERMISSION_COMMAND);
        assert_eq!(pre.input["description"], PERMISSION_DESCRIPTION);

        h.send(b"\r");
        let hooks = h.hooks();
        let [Event::PostToolUse { tool, response }, Event::Stop { .. }] = &hooks[..] else {
            panic!("{hooks:?}");
        };
        assert_eq!(tool, pre);
        assert_eq!(response["interrupted"], false);
    }

    #[test]
    fn denied_permission_and_interrupts_send_no_stop() {
        let mut h = Harness::new();
        h.send(b"perm\r");
        h.hooks();
        h.send(b"2");
        assert!(h.output().contains("● denied"));
        assert_eq!(h.hooks(), []);

        h.send(b"count\r");
        assert_eq!(h.hook_names(), ["UserPromptSubmit"]);
        h.wait(150);
        h.send(b"\x1b");
        h.wait(ESC_WAIT.as_millis() as u64);
        assert!(h.output().contains("Interrupted"));
        assert_eq!(h.hooks(), []);
    }

    #[test]
    fn notify_perm_announces_the_dialog_with_a_notification() {
        let mut h = Harness::new();
        h.send(b"notify-perm\r");
        let hooks = h.hooks();
        assert_eq!(
            hooks.last(),
            Some(&Event::Notification {
                kind: "permission_prompt".into(),
                message: "Claude needs your permission to use Bash".into(),
            })
        );
        assert_eq!(
            hooks.iter().map(Event::name).collect::<Vec<_>>(),
            ["UserPromptSubmit", "PreToolUse", "Notification"]
        );
        h.send(b"1");
        assert_eq!(h.hook_names(), ["PostToolUse", "Stop"]);
    }

    #[test]
    fn tools_without_permission_and_unique_ids() {
        let mut h = Harness::new();
        h.send(b"tool Read\rtool Read\r");
        let hooks = h.hooks();
        let ids: Vec<&str> = hooks
            .iter()
            .filter_map(|event| match event {
                Event::PreToolUse(tool) | Event::PostToolUse { tool, .. } => {
                    assert_eq!(tool.name, "Read");
                    Some(tool.id.as_str())
                }
                _ => None,
            })
            .collect();
        assert_eq!(ids.len(), 4);
        assert_eq!(ids[0], ids[1], "pre and post of one use share the id");
        assert_ne!(ids[0], ids[2]);
        assert_eq!(hooks[3], stop("Read done"));
    }

    #[test]
    fn busy_tasks_stop_when_done_and_queued_lines_follow() {
        let mut h = Harness::new();
        h.send(b"stream 2 10\r");
        assert_eq!(h.hook_names(), ["UserPromptSubmit"]);
        h.wait(10);
        assert_eq!(h.hooks(), [], "still streaming");
        h.wait(10);
        assert_eq!(h.hooks(), [stop("line 2")]);

        h.send(b"slow 1\rhello\r");
        assert_eq!(h.hook_names(), ["UserPromptSubmit"], "hello waits");
        h.wait(1000);
        let hooks = h.hooks();
        assert_eq!(hooks[0], stop("slow done"));
        assert_eq!(
            hooks[1],
            Event::UserPromptSubmit {
                prompt: "hello".into()
            }
        );
        assert_eq!(hooks[2], stop("You said: hello"));
    }

    #[test]
    fn session_end_fires_once_with_the_way_out() {
        let mut h = Harness::new();
        h.send(b"\x03");
        assert_eq!(h.send(b"\x03"), Flow::Exit(0));
        h.app.end(EndReason::Other);
        assert_eq!(h.hooks(), [Event::SessionEnd(EndReason::PromptInputExit)]);

        let mut h = Harness::new();
        assert_eq!(h.send(b"\x04"), Flow::Exit(0));
        assert_eq!(h.hooks(), [Event::SessionEnd(EndReason::PromptInputExit)]);

        let mut h = Harness::new();
        assert_eq!(h.send(b"exit 2\r"), Flow::Exit(2));
        assert_eq!(h.hook_names(), ["UserPromptSubmit", "SessionEnd"]);

        let mut h = Harness::new();
        h.app.end(EndReason::Other);
        assert_eq!(h.hooks(), [Event::SessionEnd(EndReason::Other)]);
    }

    #[test]
    fn time_spent_in_hooks_does_not_count() {
        let mut h = Harness::new();
        h.send(b"stream 3 10\r");
        h.output();
        h.now += Duration::from_secs(5);
        h.app.shift_clock(Duration::from_secs(5));
        h.wait(10);
        let out = h.output();
        assert!(out.contains("line 1") && !out.contains("line 2"), "{out:?}");
        assert!(h.app.deadline().is_some_and(|due| due > h.now));
    }
}
