//! One client's view of the sessions, as a state machine: events in, a frame
//! and host output out.
//!
//! An `App` holds only what belongs to one viewer (focus, view, prefix,
//! scroll position, size, sessions marked in the table, a prompt being
//! written, what its terminal should hear); the sessions and
//! everything every viewer shares are in the `Hub` it is handed. It never
//! touches a terminal: it is fed `Event`s, draws on any ratatui backend when
//! asked, tells the loop when it next needs waking (`next_deadline`), and
//! leaves bytes for its terminal (bells, clipboard) in `take_host_output`.
//! That is what lets tests drive it on a TestBackend and the server host one
//! per attached client.

mod bars;
mod compose;
mod copying;
mod draw;
mod editor;
mod event;
mod input;
mod marks;
mod notify;
mod prompt;
mod queue;
mod redraw;
mod switcher;

#[cfg(test)]
mod tests;
mod view;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use compose::{Compose, Target};
pub use draw::session_size;
pub use editor::Editor;
pub use event::Event;
pub use notify::NotifyStyle;
pub use prompt::{Prompt, PromptKind};
pub use switcher::Switcher;
pub use view::{Back, Confirm, Filter, QueueView, TableView, View};

use crate::hub::{ClientId, Hub, Notice};
use crate::keys::Keymap;
use crate::proto::NewSession;
use crate::session::{MAX_CLIPBOARD, SessionId};
use crate::ui::canvas::FrameId;
use crate::ui::row_cache::RowCache;
use crate::ui::theme::Theme;
use marks::Marks;

/// How long a frame the focused program is still drawing (synchronized
/// output) may hold back our redraw before we draw what is there.
const SYNC_TIMEOUT: Duration = Duration::from_millis(150);
/// How long a transient message stays in the status line.
const MESSAGE_TIME: Duration = Duration::from_secs(3);
/// Notices waiting for the status line, at most.
const NOTICES_MAX: usize = 8;
/// The session table shows ages; it refreshes this often while open.
const TABLE_REFRESH: Duration = Duration::from_secs(1);

/// What the App needs besides the hub, from config and the client.
#[derive(Clone)]
pub struct Options {
    pub keymap: Keymap,
    pub theme: Theme,
    /// Where the picker opens: the config's, else the client's directory.
    pub picker_start: PathBuf,
    pub show_hidden: bool,
    pub home: Option<PathBuf>,
    /// Tell the terminal (bell, notification) when a session wants the
    /// user while they look elsewhere.
    pub notify: bool,
    pub notify_style: NotifyStyle,
    /// Pass on the focused session's OSC 52 clipboard copies.
    pub clipboard: bool,
    /// For the start times in the session table.
    pub tz: jiff::tz::TimeZone,
    /// The environment sessions this client starts get (the client's own);
    /// None: the server's.
    pub env: Option<Vec<(String, String)>>,
    /// What sessions this client starts from the picker run unless it picks
    /// a profile: what it attached with (`--profile`, `--cmd`, `-- ARGS`).
    pub launch: NewSession,
}

pub struct App {
    client: ClientId,
    opts: Options,
    focused: Option<SessionId>,
    /// The focused tab's position, to land beside it if its session goes.
    focus_index: usize,
    view: View,
    /// The sessions marked in the table, for a prompt to all of them.
    marks: Marks,
    /// The prefix key was pressed; the next key is a command.
    prefix: bool,
    /// Where the left mouse button went down on the session's screen (row,
    /// column) while ccmux had the mouse: a drag from there selects.
    press: Option<(i32, u16)>,
    message: Option<(String, Instant)>,
    /// The hub's notices that came while the status line said something else, said in turn
    /// while their session is still the one shown (the session, the text).
    notices: VecDeque<(SessionId, String)>,
    /// The session `message` is a notice about.
    message_is_notice: Option<SessionId>,
    show_full_id: bool,
    /// The client's terminal size, columns then rows.
    size: (u16, u16),
    needs_draw: bool,
    table_due: Option<Instant>,
    /// The client's terminal has the user's focus (as far as it reports).
    host_focused: bool,
    host_output: Vec<u8>,
    /// The focused screen's rows as this viewer last drew them: a frame redraws only the rows
    /// that changed.
    rows: RowCache,
    /// The last frame, if it showed nothing but the bars and the focused screen: a canvas that
    /// still holds it needs only what changed drawn over it (see `redraw`).
    plain_frame: Option<FrameId>,
    /// What the bars of `plain_frame` show, once a frame was drawn over it (`redraw`).
    plain_bars: Option<bars::Bars>,
    quit: bool,
    detach: bool,
}

impl App {
    /// An App for `client`, whose terminal is `size` (columns, rows). The
    /// hub must already know the client (`Hub::attach`).
    pub fn new(client: ClientId, opts: Options, size: (u16, u16)) -> Self {
        Self {
            client,
            opts,
            focused: None,
            focus_index: 0,
            view: View::Tabs,
            marks: Marks::default(),
            prefix: false,
            press: None,
            message: None,
            notices: VecDeque::new(),
            message_is_notice: None,
            show_full_id: false,
            size,
            needs_draw: true,
            table_due: None,
            host_focused: true,
            host_output: Vec::new(),
            rows: RowCache::default(),
            plain_frame: None,
            plain_bars: None,
            quit: false,
            detach: false,
        }
    }

    pub fn client(&self) -> ClientId {
        self.client
    }

    /// The focused session's tab position.
    pub fn focused(&self) -> usize {
        self.focus_index
    }

    pub fn focused_id(&self) -> Option<SessionId> {
        self.focused
    }

    pub fn view(&self) -> &View {
        &self.view
    }

    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// The user asked to stop every session and end ccmux.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The user asked to detach this client.
    pub fn should_detach(&self) -> bool {
        self.detach
    }

    /// Something this client shows changed since the last draw.
    pub fn needs_draw(&self) -> bool {
        self.needs_draw
    }

    /// Something every client shows changed (see `Hub::take_changed`).
    pub fn mark_dirty(&mut self) {
        self.needs_draw = true;
    }

    /// Session `id` has new output: redraw if it is the one shown.
    pub fn session_changed(&mut self, id: SessionId) {
        if self.focused == Some(id) {
            self.needs_draw = true;
        }
    }

    /// Bytes for the client's terminal (BEL, notifications, OSC 52), written
    /// by the loop between frames so they never land in the middle of one.
    pub fn take_host_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.host_output)
    }

    pub fn handle(&mut self, hub: &mut Hub, event: Event, now: Instant) {
        self.sync_focus(hub, now);
        match event {
            Event::Key(key) => self.on_key(hub, key, now),
            Event::Paste(text) => self.on_paste(hub, &text, now),
            Event::Mouse(mouse) => self.on_mouse(hub, mouse, now),
            Event::Resize(cols, rows) => {
                self.size = (cols, rows);
                hub.resize_client(self.client, session_size(self.size), now);
                self.needs_draw = true;
            }
            Event::HostFocus(focused) => {
                self.host_focused = focused;
                if let (true, Some(id)) = (focused, self.focused) {
                    hub.look(id);
                }
            }
            Event::Deadline => {}
        }
        self.on_time(now);
    }

    /// What the hub says every client should hear of: this client's terminal
    /// gets what concerns it, as the user set it up.
    pub fn on_notice(&mut self, notice: &Notice, now: Instant) {
        match notice {
            Notice::Bell { .. } => {
                if self.opts.notify {
                    self.host_output.push(0x07);
                }
            }
            Notice::Announce {
                session,
                name,
                why,
                from_program,
            } => {
                if !self.opts.notify {
                    return;
                }
                let looking = self.focused == Some(*session) && self.host_focused;
                if !looking {
                    let bytes = self.opts.notify_style.encode(name, why);
                    self.host_output.extend_from_slice(&bytes);
                } else if *from_program {
                    self.host_output.push(0x07);
                }
            }
            Notice::Say { session, text } => {
                if self.focused == Some(*session) {
                    self.notice(*session, text, now);
                }
            }
            Notice::Clipboard { session, base64 } => {
                // Only what the user is looking at may set their clipboard,
                // as tmux's `set-clipboard` passes it on from the active pane.
                if self.opts.clipboard
                    && self.focused == Some(*session)
                    && base64.len() <= MAX_CLIPBOARD
                {
                    self.copy_to_host(base64);
                }
            }
        }
    }

    /// When the App next needs an `Event::Deadline`, if ever. Nothing is
    /// scheduled when nothing is going on: idle means idle.
    pub fn next_deadline(&self, hub: &Hub) -> Option<Instant> {
        [
            self.message.as_ref().map(|(_, at)| *at + MESSAGE_TIME),
            self.table_due,
            self.sync_deadline(hub),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Whether a frame drawn now would show a finished picture: not while the
    /// focused program is in the middle of a synchronized frame, unless it has
    /// taken too long.
    pub fn frame_ready(&self, hub: &Hub, now: Instant) -> bool {
        self.sync_deadline(hub).is_none_or(|until| now >= until)
    }

    fn sync_deadline(&self, hub: &Hub) -> Option<Instant> {
        if !self.needs_draw || !matches!(self.view, View::Tabs | View::Copy(_)) {
            return None;
        }
        let since = hub.registry().get(self.focused?)?.term().sync_since()?;
        Some(since + SYNC_TIMEOUT)
    }

    fn on_time(&mut self, now: Instant) {
        if let Some((_, at)) = &self.message
            && now >= *at + MESSAGE_TIME
        {
            self.message = None;
            self.message_is_notice = None;
            self.needs_draw = true;
            self.next_notice(now);
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

    /// Keeps the focus on a session that exists: when the focused one is
    /// gone (closed by another client), its neighbour takes its place. The
    /// queue view of a session gone closes.
    pub fn sync_focus(&mut self, hub: &mut Hub, now: Instant) {
        let registry = hub.registry();
        if let View::Queue(queue) = &self.view
            && registry.get(queue.session).is_none()
        {
            self.view = input::back_to(queue.back());
            self.say("that session is gone", now);
        }
        let registry = hub.registry();
        match self.focused.and_then(|id| registry.index_of(id)) {
            Some(i) => self.focus_index = i,
            None if registry.is_empty() => {
                if self.focused.take().is_some() {
                    hub.focus(self.client, None, now);
                    self.needs_draw = true;
                }
                self.focus_index = 0;
            }
            None => {
                let i = self.focus_index.min(registry.len() - 1);
                self.focus(hub, i, now);
            }
        }
    }

    fn copy_to_host(&mut self, base64: &[u8]) {
        self.host_output.extend_from_slice(b"\x1b]52;c;");
        self.host_output.extend_from_slice(base64);
        self.host_output.push(0x07);
    }

    /// Shows `message`, what the user just asked for, in the status line for a few seconds, at
    /// once: a notice it replaces is said again after it.
    pub fn say(&mut self, message: impl Into<String>, now: Instant) {
        self.unsay();
        self.message = Some((message.into(), now));
        self.needs_draw = true;
    }

    /// Says a notice of the hub's about `session` once the status line is free, so it never
    /// replaces what the user asked for (which a notice coming just after a key used to do).
    fn notice(&mut self, session: SessionId, text: &str, now: Instant) {
        if self.message.is_none() {
            self.say(text, now);
            self.message_is_notice = Some(session);
        } else if self.notices.len() < NOTICES_MAX
            && !self.notices.iter().any(|(s, t)| *s == session && t == text)
        {
            self.notices.push_back((session, text.to_string()));
        }
    }

    /// Clears the status line's message; a notice goes back to the front of the queue.
    fn unsay(&mut self) {
        if let Some((text, _)) = self.message.take()
            && let Some(session) = self.message_is_notice.take()
        {
            self.notices.push_front((session, text));
        }
        self.needs_draw = true;
    }

    /// Says the next notice waiting about the session shown, if the status line is free; those
    /// about sessions no longer shown are dropped.
    fn next_notice(&mut self, now: Instant) {
        while self.message.is_none()
            && let Some((session, text)) = self.notices.pop_front()
        {
            if self.focused == Some(session) {
                self.notice(session, &text, now);
            }
        }
    }

    /// Focuses tab `index` (clamped). Focus is all it changes: no session is
    /// written to or signalled. (With two clients of different sizes, the
    /// session takes this client's size: see `hub::sizes`.)
    pub fn focus(&mut self, hub: &mut Hub, index: usize, now: Instant) {
        let registry = hub.registry();
        if registry.is_empty() {
            self.focus_index = 0;
            self.focused = None;
            hub.focus(self.client, None, now);
            return;
        }
        let index = index.min(registry.len() - 1);
        let id = registry.at(index).map(|s| s.id());
        if id != self.focused {
            self.show_full_id = false;
            if let View::Copy(_) = self.view {
                self.view = View::Tabs;
            }
        }
        self.focus_index = index;
        self.focused = id;
        hub.focus(self.client, id, now);
        self.needs_draw = true;
    }

    /// The registry indices of the table's rows, in the order shown: tab
    /// order, or the sessions that have waited longest for the user first.
    fn table_rows(&self, hub: &Hub, table: &TableView) -> Vec<usize> {
        let registry = hub.registry();
        let mut rows: Vec<usize> = registry
            .iter()
            .enumerate()
            .filter(|(_, s)| table.filter.admits(&hub.status_of(s)))
            .map(|(i, _)| i)
            .collect();
        if table.attention_first {
            let since = |i: &usize| registry.at(*i).and_then(|s| hub.attention_since(s.id()));
            // Sessions with attention, oldest first, then the rest in tab order.
            rows.sort_by_key(|i| (since(i).is_none(), since(i), *i));
        }
        rows
    }

    /// Starts a session in `dir` for this client (running `profile`, else
    /// what it attached with), and focuses it.
    fn open_session(&mut self, hub: &mut Hub, dir: PathBuf, profile: Option<String>, now: Instant) {
        let new = match profile {
            Some(profile) => NewSession {
                dir,
                profile: Some(profile),
                ..NewSession::default()
            },
            None => NewSession {
                dir,
                ..self.opts.launch.clone()
            },
        };
        match hub.start(&new, self.opts.env.clone(), Some(self.client), now) {
            Ok((_, Some(trouble))) | Err(trouble) => self.say(trouble, now),
            Ok((_, None)) => {}
        }
        self.view = View::Tabs;
        let last = hub.registry().len().saturating_sub(1);
        self.focus(hub, last, now);
    }
}

/// What OSC 52 carries: the copied text in base64.
fn base64_encode(bytes: &[u8]) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .encode(bytes)
        .into_bytes()
}
