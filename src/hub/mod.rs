//! What every viewer shares: the sessions, what each is doing, which need
//! the user, and who looks at which.
//!
//! The server owns one `Hub` and one `App` per attached client; an App reads
//! the hub to draw and asks it to act (start, stop, focus). Nothing here
//! belongs to one viewer: a session's changes are taken once, here, and
//! handed to every client as `Notice`s, so no viewer steals another's bell
//! or clipboard copy.

mod launch;
mod life;
mod limit;
mod names;
mod notice;
mod prompts;
mod read;
mod saved;
mod sizes;
mod status;
mod transcript;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use launch::Launcher;
pub use notice::Notice;
pub use prompts::{Prompt, Sent, TurnEnd};
pub use saved::{Saved, SavedSession, VERSION as SAVED_VERSION};

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
    /// Restart a session whose program crashed, with backoff and a breaker.
    pub auto_restart: bool,
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
    /// How many times that happened: what the bars show is the same as
    /// long as this is (`app::bars`).
    shown: u64,
    /// Each session's status when clients were last told of a change.
    shown_status: HashMap<SessionId, Status>,
    /// The session a client focused last: where the next attach lands.
    last_focus: Option<SessionId>,
    life: HashMap<SessionId, life::Life>,
    /// Something the saved sessions hold changed since they were saved.
    state_dirty: bool,
    /// Sessions asked for, not started yet: one starts per turn of the
    /// server's loop, so a thousand directories never hold up a frame or a
    /// key.
    queued: VecDeque<Pending>,
    /// Each session's prompt queue.
    prompts: HashMap<SessionId, prompts::Queue>,
    next_prompt: u64,
    /// Delivered prompts whose turn ended, for those who wait on them.
    turn_ends: Vec<(u64, SessionId, TurnEnd)>,
    /// The names the user gave sessions (see `names`).
    names: HashMap<SessionId, String>,
}

/// A session waiting its turn to start.
enum Pending {
    Start {
        new: NewSession,
        env: Option<Vec<(String, String)>>,
        client: Option<ClientId>,
    },
    Restore(SavedSession),
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
            shown: 0,
            shown_status: HashMap::new(),
            last_focus: None,
            life: HashMap::new(),
            state_dirty: false,
            queued: VecDeque::new(),
            prompts: HashMap::new(),
            next_prompt: 0,
            turn_ends: Vec::new(),
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

    /// Something every client shows changed: the only way it is said.
    fn shown_changed(&mut self) {
        self.changed = true;
        self.shown += 1;
    }

    /// Changes whenever something every client shows changes (a session's
    /// status or reason, its name, its mark, its conversation, the tabs).
    pub fn shown(&self) -> u64 {
        self.shown
    }

    /// Bells, announcements and clipboard copies for the clients.
    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    /// When the hub next needs `on_time`, if ever: idle means idle.
    pub fn next_deadline(&self) -> Option<Instant> {
        [
            self.read_due,
            self.tracker_deadline(),
            self.restart_deadline(),
            self.prompts_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub fn on_time(&mut self, now: Instant) {
        if self.read_due.is_some_and(|due| now >= due) {
            self.read_batch(now);
        }
        self.on_tracker_deadlines(now);
        self.restart_due(now);
        self.deliver_ready(now);
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
        let claude = request.claude.unwrap_or(false);
        let id = self.registry.start(request, size);
        if let Some(owner) = client.or_else(|| self.latest_viewer()) {
            self.owners.insert(id, owner);
        }
        // A new Claude conversation is named after the session (see
        // `Registry::start`).
        let life = self.life.entry(id).or_default();
        life.conversation = claude.then(|| id.to_string());
        self.track(id, now);
        self.shown_changed();
        self.state_dirty = true;
        Ok((id, self.remember(&dir)))
    }

    /// Queues `new` to start after those queued before it (see `start`).
    pub fn queue(
        &mut self,
        new: NewSession,
        env: Option<Vec<(String, String)>>,
        client: Option<ClientId>,
    ) {
        self.queued.push_back(Pending::Start { new, env, client });
    }

    /// Whether sessions wait to start; the loop calls `start_queued` once a
    /// turn while they do.
    pub fn has_queued(&self) -> bool {
        !self.queued.is_empty()
    }

    /// Starts the next queued session.
    pub fn start_queued(&mut self, now: Instant) {
        match self.queued.pop_front() {
            Some(Pending::Start { new, env, client }) => {
                if let Err(e) = self.start(&new, env, client, now) {
                    tracing::warn!("cannot start a session in {}: {e}", new.dir.display());
                }
            }
            Some(Pending::Restore(saved)) => self.restore_one(saved, now),
            None => {}
        }
    }

    /// Stops a session's program (it turns `exited` once reaped). The user
    /// asked: it is no crash, and it is not brought back.
    pub fn stop(&mut self, id: SessionId) -> bool {
        let live = self.registry.get(id).is_some_and(|s| s.status().is_live());
        let life = self.life.entry(id).or_default();
        // A crashed session waiting for its restart is stopped too.
        let pending = life.restart_at.take().is_some();
        life.stopping = true;
        self.state_dirty = true;
        if live && let Some(s) = self.registry.get(id) {
            s.stop(crate::session::STOP_GRACE);
        }
        live || pending
    }

    /// Stops every session at the user's request (quit, `kill-server`):
    /// none is brought back by the next server.
    pub fn stop_everything(&mut self) {
        let ids: Vec<SessionId> = self.registry.iter().map(|s| s.id()).collect();
        for id in ids {
            self.stop(id);
        }
    }

    /// Whether the saved sessions are out of date; the caller saves them.
    pub fn take_state_dirty(&mut self) -> bool {
        std::mem::take(&mut self.state_dirty)
    }

    /// Removes an ended session's tab.
    pub fn close(&mut self, id: SessionId) -> bool {
        if !self.registry.close(id) {
            return false;
        }
        self.forget(id);
        self.forget_name(id);
        self.owners.remove(&id);
        self.life.remove(&id);
        self.prompts.remove(&id);
        self.state_dirty = true;
        true
    }

    fn forget(&mut self, id: SessionId) {
        self.trackers.remove(&id);
        self.attention.remove(&id);
        self.shown_status.remove(&id);
        self.unread.retain(|u| *u != id);
        self.limiter.looked(id);
        self.shown_changed();
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

    /// The session a user names by its name, its id or its Claude
    /// conversation's, or any unique prefix of either id; an error for the
    /// user otherwise.
    pub fn find(&self, target: &str) -> Result<SessionId, String> {
        // A name, as the tab bar and `ls` show it, exactly.
        let by_name: Vec<SessionId> = self
            .registry
            .iter()
            .map(|s| s.id())
            .filter(|id| self.display_name(*id) == target.trim())
            .collect();
        if let [id] = by_name.as_slice() {
            return Ok(*id);
        }
        let by_conversation: Vec<SessionId> = self
            .life
            .iter()
            .filter(|(_, l)| {
                l.conversation
                    .as_deref()
                    .is_some_and(|c| !target.is_empty() && c.starts_with(target.trim()))
            })
            .map(|(id, _)| *id)
            .collect();
        match (self.registry.find(target), by_conversation.as_slice()) {
            (Ok(id), []) => Ok(id),
            (Ok(id), [other]) if *other == id => Ok(id),
            (Err(_), [id]) => Ok(*id),
            (Err(e), []) => Err(e),
            _ => Err(format!(
                "{} matches several sessions: give more of the id",
                target.trim()
            )),
        }
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
                conversation: self.conversation_of(s.id()).map(str::to_string),
                crashes: self.crashes_of(s.id()),
                restored: self.was_restored(s.id()),
                queued: self.prompts.get(&s.id()).map_or(0, |q| q.prompts.len()),
                paused: self.is_paused(s.id()),
            })
            .collect()
    }

    /// Stops every session and waits for them to end (bounded).
    pub fn stop_all(&self) {
        self.registry.stop_all();
    }
}

/// A hub whose sessions run `true`, with nothing saved: for unit tests. A
/// session started in a directory that does not exist fails at once, so
/// tests can have sessions without processes.
#[cfg(test)]
pub(crate) fn test_hub() -> Hub {
    test_hub_running("true", &[], false)
}

/// A hub whose sessions run `program args…`, with nothing saved.
#[cfg(test)]
pub(crate) fn test_hub_running(program: &str, args: &[&str], auto_restart: bool) -> Hub {
    use crate::config::{AgentKind, Profile};
    use crate::session::Launch;
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let launch = Launch {
        program: program.into(),
        args: args.clone(),
        env: vec![],
        scrollback: 10,
        claude: false,
        claude_hooks: None,
    };
    let (registry, _events) = Registry::new(launch, 24, 80);
    let profile = Profile {
        command: program.into(),
        args,
        env: Default::default(),
        agent: AgentKind::Plain,
    };
    Hub::new(
        registry,
        HubOptions {
            rules: Rules::default(),
            recent: RecentDirs::default(),
            recent_path: None,
            launcher: Launcher::new(profile, Default::default()),
            auto_restart,
        },
    )
}
