//! What every viewer shares: the sessions, what each is doing, which need
//! the user, and who looks at which.
//!
//! The server owns one `Hub` and one `App` per attached client; an App reads
//! the hub to draw and asks it to act (start, stop, focus). Nothing here
//! belongs to one viewer: a session's changes are taken once, here, and
//! handed to every client as `Notice`s, so no viewer steals another's bell
//! or clipboard copy.

mod launch;
mod limit;
mod names;
mod notice;
mod read;
mod sizes;
mod status;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use launch::Launcher;
pub use notice::Notice;

use crate::picker::RecentDirs;
use crate::proto::NewSession;
use crate::session::{Registry, SessionId, SessionInfo, Status};
use crate::status::{Rules, Tracker};
use limit::Limiter;
use sizes::Viewer;

/// One attached client, as the hub knows it.
pub type ClientId = u64;

/// What the hub needs besides the sessions.
pub struct HubOptions {
    pub rules: Rules,
    pub recent: RecentDirs,
    /// Where `recent` is saved; None = not persisted.
    pub recent_path: Option<PathBuf>,
    /// What new sessions run.
    pub launcher: Launcher,
}

pub struct Hub {
    registry: Registry,
    opts: HubOptions,
    trackers: HashMap<SessionId, Tracker>,
    /// Sessions that want the user, and since when (oldest first on jump).
    attention: HashMap<SessionId, Instant>,
    /// Sessions that sent a change not read yet, and when the batch that
    /// reads those nobody looks at is due.
    unread: Vec<SessionId>,
    read_due: Option<Instant>,
    last_read: Option<Instant>,
    viewers: HashMap<ClientId, Viewer>,
    /// The client whose size each session has (tmux's `window-size latest`).
    owners: HashMap<SessionId, ClientId>,
    notices: Vec<Notice>,
    limiter: Limiter,
    /// Something every client shows (tabs, statuses, attention) changed.
    changed: bool,
    /// Each session's status when clients were last told of a change.
    shown_status: HashMap<SessionId, Status>,
    /// The session a client focused last: where the next attach lands.
    last_focus: Option<SessionId>,
    /// The names the user gave sessions (see `names`).
    names: HashMap<SessionId, String>,
}

impl Hub {
    pub fn new(registry: Registry, opts: HubOptions) -> Self {
        let mut hub = Self {
            registry,
            opts,
            trackers: HashMap::new(),
            attention: HashMap::new(),
            unread: Vec::new(),
            read_due: None,
            last_read: None,
            viewers: HashMap::new(),
            owners: HashMap::new(),
            notices: Vec::new(),
            limiter: Limiter::default(),
            changed: true,
            shown_status: HashMap::new(),
            last_focus: None,
            names: HashMap::new(),
        };
        let now = Instant::now();
        let ids: Vec<SessionId> = hub.registry.iter().map(|s| s.id()).collect();
        for id in ids {
            hub.track(id, now);
        }
        hub
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn registry_mut(&mut self) -> &mut Registry {
        &mut self.registry
    }

    pub fn recent_dirs(&self) -> &[PathBuf] {
        self.opts.recent.dirs()
    }

    /// Whether something every client shows changed since the last call.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// Bells, announcements and clipboard copies for the clients.
    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    /// When the hub next needs `on_time`, if ever: idle means idle.
    pub fn next_deadline(&self) -> Option<Instant> {
        [self.read_due, self.tracker_deadline()]
            .into_iter()
            .flatten()
            .min()
    }

    pub fn on_time(&mut self, now: Instant) {
        if self.read_due.is_some_and(|due| now >= due) {
            self.read_batch(now);
        }
        self.on_tracker_deadlines(now);
    }

    /// The config's named profiles.
    pub fn profile_names(&self) -> Vec<String> {
        self.opts.launcher.names()
    }

    /// Starts `new` with the environment `env` (the asking client's; None:
    /// the server's) for `client` (at its size) or for a script (at the size
    /// of the client seen last), as the last tab. Returns its id and a
    /// trouble worth telling (the recent directories could not be saved);
    /// an unknown profile is an error and starts nothing.
    pub fn start(
        &mut self,
        new: &NewSession,
        env: Option<Vec<(String, String)>>,
        client: Option<ClientId>,
        now: Instant,
    ) -> Result<(SessionId, Option<String>), String> {
        let request = self.opts.launcher.request(new, env)?;
        let dir = request.dir.clone();
        let size = self.size_for(client);
        let id = self.registry.start(request, size);
        if let Some(owner) = client.or_else(|| self.latest_viewer()) {
            self.owners.insert(id, owner);
        }
        self.track(id, now);
        self.changed = true;
        Ok((id, self.remember(&dir)))
    }

    /// Starts an ended session again in its tab (a new id).
    pub fn restart(&mut self, id: SessionId, now: Instant) -> Option<SessionId> {
        let new = self.registry.restart(id)?;
        self.forget(id);
        self.move_name(id, Some(new));
        if let Some(owner) = self.owners.remove(&id) {
            self.owners.insert(new, owner);
        }
        self.track(new, now);
        Some(new)
    }

    /// Stops a session's program (it turns `exited` once reaped).
    pub fn stop(&mut self, id: SessionId) -> bool {
        match self.registry.get(id) {
            Some(s) if s.status().is_live() => {
                s.stop(crate::session::STOP_GRACE);
                true
            }
            _ => false,
        }
    }

    /// Removes an ended session's tab.
    pub fn close(&mut self, id: SessionId) -> bool {
        if !self.registry.close(id) {
            return false;
        }
        self.forget(id);
        self.move_name(id, None);
        self.owners.remove(&id);
        true
    }

    fn forget(&mut self, id: SessionId) {
        self.trackers.remove(&id);
        self.attention.remove(&id);
        self.shown_status.remove(&id);
        self.unread.retain(|u| *u != id);
        self.limiter.looked(id);
        self.changed = true;
    }

    /// Moves `dir` to the front of the recent directories and saves them.
    fn remember(&mut self, dir: &Path) -> Option<String> {
        self.opts.recent.touch(dir);
        let path = self.opts.recent_path.as_ref()?;
        self.opts
            .recent
            .save(path)
            .err()
            .map(|e| format!("could not save recent directories: {e:#}"))
    }

    /// The tab a client attaching without new sessions shows: the one
    /// focused last, as it was left.
    pub fn resume_index(&self) -> usize {
        self.last_focus
            .and_then(|id| self.registry.index_of(id))
            .unwrap_or(0)
    }

    pub fn has_attention(&self, id: SessionId) -> bool {
        self.attention.contains_key(&id)
    }

    /// The session that has waited longest for the user, if any is marked.
    pub fn oldest_attention(&self) -> Option<SessionId> {
        self.attention
            .iter()
            .min_by_key(|(_, since)| **since)
            .map(|(id, _)| *id)
    }

    /// Since when `id` wants the user, if it does.
    pub fn attention_since(&self, id: SessionId) -> Option<Instant> {
        self.attention.get(&id).copied()
    }

    /// Every session as the tab bar, status line and table show it.
    pub fn infos(&self) -> Vec<SessionInfo> {
        let names = self.names_in_tab_order();
        self.registry
            .iter()
            .zip(names)
            .enumerate()
            .map(|(i, (s, name))| SessionInfo {
                id: s.id(),
                number: i + 1,
                name,
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

    /// Stops every session and waits for them to end (bounded).
    pub fn stop_all(&self) {
        self.registry.stop_all();
    }
}
