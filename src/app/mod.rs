//! The UI as a state machine: events in, a frame and host output out.
//!
//! `App` never touches the host terminal. It is fed `Event`s, draws on any
//! ratatui backend when asked, tells the loop when it next needs waking
//! (`next_deadline`), and leaves bytes for the host terminal (bells, clipboard)
//! in `take_host_output`. That is what lets tests drive it on a TestBackend and
//! a server host it for detached clients.

mod draw;
mod event;
mod input;
mod notify;
mod status;
mod view;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use draw::session_size;
pub use event::Event;
pub use notify::NotifyStyle;
pub use view::{Back, Confirm, Filter, TableView, View};

use crate::keys::Keymap;
use crate::picker::RecentDirs;
use crate::session::{Alert, Registry, SessionId, SessionInfo, Status};
use crate::status::{Rules, Tracker};
use crate::ui::theme::Theme;

/// Background sessions update their tab markers at most this often, so a
/// flood in a hidden tab costs the UI nothing per byte.
const BACKGROUND_REFRESH: Duration = Duration::from_millis(250);
/// How long a frame the focused program is still drawing (synchronized
/// output) may hold back our redraw before we draw what is there.
const SYNC_TIMEOUT: Duration = Duration::from_millis(150);
/// How long a transient message stays in the status line.
const MESSAGE_TIME: Duration = Duration::from_secs(3);
/// The session table shows ages; it refreshes this often while open.
const TABLE_REFRESH: Duration = Duration::from_secs(1);

/// What the App needs besides the sessions, from config and the environment.
pub struct Options {
    pub keymap: Keymap,
    pub theme: Theme,
    /// Where the picker opens; None = ccmux's working directory.
    pub picker_start: PathBuf,
    pub show_hidden: bool,
    pub home: Option<PathBuf>,
    pub recent: RecentDirs,
    /// Where `recent` is saved; None = not persisted.
    pub recent_path: Option<PathBuf>,
    /// Tell the host terminal (bell, notification) when a session wants the
    /// user while they look elsewhere.
    pub notify: bool,
    pub notify_style: NotifyStyle,
    /// The sessions run Claude Code: their status comes from hooks and screen
    /// rules rather than output activity.
    pub claude: bool,
    pub rules: Rules,
    /// For the start times in the session table.
    pub tz: jiff::tz::TimeZone,
}

pub struct App {
    registry: Registry,
    opts: Options,
    focused: usize,
    view: View,
    /// The prefix key was pressed; the next key is a command.
    prefix: bool,
    /// Sessions that want the user, and since when (oldest first on jump).
    attention: HashMap<SessionId, Instant>,
    message: Option<(String, Instant)>,
    show_full_id: bool,
    /// Host terminal size, columns then rows.
    size: (u16, u16),
    needs_draw: bool,
    /// The focused session sent a change not yet taken (taken when drawing).
    focused_changed: bool,
    /// Background sessions with unread changes, and when to read them.
    background: Vec<SessionId>,
    background_due: Option<Instant>,
    last_background: Option<Instant>,
    table_due: Option<Instant>,
    /// Status each session had when last drawn, to redraw only on change.
    drawn_status: BTreeMap<usize, Status>,
    trackers: HashMap<SessionId, Tracker>,
    /// The host terminal has the user's focus (as far as it reports).
    host_focused: bool,
    host_output: Vec<u8>,
    quit: bool,
}

impl App {
    /// `size` is the host terminal's, columns then rows.
    pub fn new(mut registry: Registry, opts: Options, size: (u16, u16)) -> Self {
        let (rows, cols) = draw::session_size(size);
        registry.resize(rows, cols);
        Self {
            registry,
            opts,
            focused: 0,
            view: View::Tabs,
            prefix: false,
            attention: HashMap::new(),
            message: None,
            show_full_id: false,
            size,
            needs_draw: true,
            focused_changed: false,
            background: Vec::new(),
            background_due: None,
            last_background: None,
            table_due: None,
            drawn_status: BTreeMap::new(),
            trackers: HashMap::new(),
            host_focused: true,
            host_output: Vec::new(),
            quit: false,
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn registry_mut(&mut self) -> &mut Registry {
        &mut self.registry
    }

    pub fn focused(&self) -> usize {
        self.focused
    }

    pub fn view(&self) -> &View {
        &self.view
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Something visible changed since the last draw.
    pub fn needs_draw(&self) -> bool {
        self.needs_draw
    }

    /// Bytes for the host terminal (BEL, notifications, OSC 52), written by
    /// the loop between frames so they never land in the middle of one.
    pub fn take_host_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.host_output)
    }

    pub fn handle(&mut self, event: Event, now: Instant) {
        self.track_new_sessions(now);
        match event {
            Event::Key(key) => self.on_key(key, now),
            Event::Paste(text) => self.on_paste(&text),
            Event::Mouse(mouse) => self.on_mouse(mouse),
            Event::Resize(cols, rows) => {
                self.size = (cols, rows);
                let (rows, cols) = draw::session_size(self.size);
                self.registry.resize(rows, cols);
                self.needs_draw = true;
            }
            Event::Session(id) => self.on_session(id, now),
            Event::Hook { session, payload } => self.on_hook(session, &payload, now),
            Event::HostFocus(focused) => self.host_focused = focused,
            Event::Deadline => {}
        }
        self.on_time(now);
    }

    /// When the App next needs an `Event::Deadline`, if ever. Nothing is
    /// scheduled when nothing is going on: idle means idle.
    pub fn next_deadline(&self) -> Option<Instant> {
        [
            self.background_due,
            self.message.as_ref().map(|(_, at)| *at + MESSAGE_TIME),
            self.table_due,
            self.sync_deadline(),
            self.tracker_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Whether a frame drawn now would show a finished picture: not while the
    /// focused program is in the middle of a synchronized frame, unless it has
    /// taken too long.
    pub fn frame_ready(&self, now: Instant) -> bool {
        self.sync_deadline().is_none_or(|until| now >= until)
    }

    fn sync_deadline(&self) -> Option<Instant> {
        if !self.needs_draw || !matches!(self.view, View::Tabs | View::Scroll { .. }) {
            return None;
        }
        let since = self.registry.at(self.focused)?.term().sync_since()?;
        Some(since + SYNC_TIMEOUT)
    }

    fn on_time(&mut self, now: Instant) {
        if self.background_due.is_some_and(|due| now >= due) {
            self.read_background(now);
        }
        self.on_tracker_deadlines(now);
        if let Some((_, at)) = &self.message
            && now >= *at + MESSAGE_TIME
        {
            self.message = None;
            self.needs_draw = true;
        }
        if self.table_due.is_some_and(|due| now >= due) {
            // Ages in the table moved on; ratatui's diff sends only the cells
            // that really changed.
            self.needs_draw = true;
            self.table_due = None;
        }
        if matches!(self.view, View::Table(_)) && self.table_due.is_none() {
            self.table_due = Some(now + TABLE_REFRESH);
        } else if !matches!(self.view, View::Table(_)) {
            self.table_due = None;
        }
    }

    fn on_session(&mut self, id: SessionId, now: Instant) {
        let focused = self.registry.at(self.focused).map(|s| s.id());
        if focused == Some(id) {
            // Its changes are taken when the frame is drawn, so output that
            // arrives until then costs no further messages.
            self.needs_draw = true;
            self.focused_changed = true;
            return;
        }
        if !self.background.contains(&id) {
            self.background.push(id);
        }
        if self.background_due.is_none() {
            let earliest = self
                .last_background
                .map_or(now, |last| last + BACKGROUND_REFRESH);
            self.background_due = Some(earliest.max(now));
        }
    }

    fn read_background(&mut self, now: Instant) {
        self.background_due = None;
        self.last_background = Some(now);
        let table_open = matches!(self.view, View::Table(_));
        for id in std::mem::take(&mut self.background) {
            let Some(session) = self.registry.get(id) else {
                continue;
            };
            let changes = session.take_changes();
            if let Some(clip) = changes.clipboard {
                self.copy_to_host(&clip);
            }
            if let Some(alert) = changes.alert {
                self.alert(id, alert, now);
            }
            if changes.title.is_some() && table_open {
                self.needs_draw = true;
            }
            self.observe(id, now);
        }
        if self.status_changed() || table_open {
            self.needs_draw = true;
        }
    }

    /// A session rang or notified. In the background that marks its tab until
    /// it is focused. The host terminal hears the bell, as under tmux; a
    /// notification is passed on, naming the session, when the user is not
    /// looking at it.
    fn alert(&mut self, id: SessionId, alert: Alert, now: Instant) {
        let focused = self.registry.at(self.focused).map(|s| s.id()) == Some(id);
        if !focused {
            self.attention.entry(id).or_insert(now);
            self.needs_draw = true;
        }
        if !self.opts.notify {
            return;
        }
        match alert {
            Alert::Notification(text) if !focused || !self.host_focused => {
                self.notify_host(id, &text);
            }
            _ => self.host_output.push(0x07),
        }
    }

    /// A bell and a desktop notification for the host terminal: "api: why".
    fn notify_host(&mut self, id: SessionId, why: &str) {
        let name = self
            .registry
            .get(id)
            .and_then(|s| s.spec().dir.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| id.short());
        let bytes = self.opts.notify_style.encode(&name, why);
        self.host_output.extend_from_slice(&bytes);
    }

    fn status_changed(&self) -> bool {
        self.registry.iter().enumerate().any(|(i, s)| {
            self.drawn_status
                .get(&i)
                .is_none_or(|drawn| *drawn != self.status_of(s))
        })
    }

    fn copy_to_host(&mut self, base64: &[u8]) {
        self.host_output.extend_from_slice(b"\x1b]52;c;");
        self.host_output.extend_from_slice(base64);
        self.host_output.push(0x07);
    }

    fn say(&mut self, message: impl Into<String>, now: Instant) {
        self.message = Some((message.into(), now));
        self.needs_draw = true;
    }

    /// Focuses tab `index` (clamped). Focus is all it changes: no session is
    /// written to, signalled or resized.
    fn focus(&mut self, index: usize) {
        if self.registry.is_empty() {
            self.focused = 0;
            return;
        }
        let index = index.min(self.registry.len() - 1);
        if index != self.focused {
            self.focused = index;
            self.show_full_id = false;
            if let View::Scroll { .. } = self.view {
                self.view = View::Tabs;
            }
        }
        if let Some(s) = self.registry.at(index) {
            let id = s.id();
            self.attention.remove(&id);
            // What it printed, copied or rang while hidden and not yet read is
            // taken with the first frame, as for any focused session.
            self.background.retain(|b| *b != id);
            self.focused_changed = true;
        }
        self.needs_draw = true;
    }

    fn infos(&self) -> Vec<SessionInfo> {
        self.registry
            .iter()
            .enumerate()
            .map(|(i, s)| SessionInfo {
                id: s.id(),
                number: i + 1,
                dir: s.spec().dir.clone(),
                status: self.status_of(s),
                title: s.term().title().to_string(),
                attention: self.attention.contains_key(&s.id()),
                started: s.started(),
                last_output: s.last_output(),
                task: self.task_of(s.id()),
                reason: self.reason_of(s.id()),
            })
            .collect()
    }

    /// The registry indices of the table's rows, in the order shown: tab
    /// order, or the sessions that have waited longest for the user first.
    fn table_rows(&self, table: &TableView) -> Vec<usize> {
        let mut rows: Vec<usize> = self
            .registry
            .iter()
            .enumerate()
            .filter(|(_, s)| table.filter.admits(&self.status_of(s)))
            .map(|(i, _)| i)
            .collect();
        if table.attention_first {
            let since = |i: &usize| {
                self.registry
                    .at(*i)
                    .and_then(|s| self.attention.get(&s.id()).copied())
            };
            // Sessions with attention, oldest first, then the rest in tab order.
            rows.sort_by_key(|i| (since(i).is_none(), since(i), *i));
        }
        rows
    }

    /// Starts a session in `dir`, focuses it and remembers the directory.
    fn open_session(&mut self, dir: PathBuf, now: Instant) {
        self.registry.spawn(dir.clone());
        let index = self.registry.len() - 1;
        self.opts.recent.touch(&dir);
        if let Some(path) = &self.opts.recent_path
            && let Err(e) = self.opts.recent.save(path)
        {
            self.say(format!("could not save recent directories: {e:#}"), now);
        }
        self.view = View::Tabs;
        self.focus(index);
    }
}
