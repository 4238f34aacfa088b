//! The sessions ccmux owns, in tab order.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::claude::{self, Conversation};
use super::instance::Session;
use super::pty::SpawnSpec;
use super::{SessionId, tree};

/// How long a stopped program gets between SIGTERM and SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(3);

/// What every new session runs, unless its request says otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub program: String,
    pub args: Vec<String>,
    /// Set for every session, over the environment it starts with.
    pub env: Vec<(String, String)>,
    pub scrollback: usize,
    /// Whether `program` is Claude Code (the config's `agent`, or its name).
    pub claude: bool,
    /// For Claude Code: this ccmux executable, whose `hook` subcommand every
    /// session's hooks run, so each session reports what it is doing.
    pub claude_hooks: Option<PathBuf>,
}

/// A session to start. What is left out comes from the `Launch`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub dir: PathBuf,
    pub program: Option<String>,
    pub args: Option<Vec<String>>,
    /// The environment to start from (the asking client's); None: ccmux's own.
    pub env: Option<Vec<(String, String)>>,
    /// Whether the program is Claude Code; None: `Launch::claude` for the
    /// launch's program, else by the program's file name.
    pub claude: Option<bool>,
}

pub struct Registry {
    sessions: Vec<Session>,
    launch: Launch,
    /// The size (rows, columns) new sessions get when nobody says otherwise.
    size: (u16, u16),
    events: UnboundedSender<SessionId>,
}

impl Registry {
    /// The receiver gets a session's id whenever something in it changed and
    /// the previous change has been taken (see `Session::take_changes`).
    ///
    /// Makes this process the child subreaper of its sessions' processes:
    /// whatever loop owns the registry must call `session::reap_orphans` on
    /// SIGCHLD.
    pub fn new(launch: Launch, rows: u16, cols: u16) -> (Self, UnboundedReceiver<SessionId>) {
        tree::become_subreaper();
        let (events, rx) = unbounded_channel();
        let registry = Self {
            sessions: Vec::new(),
            launch,
            size: (rows.max(1), cols.max(1)),
            events,
        };
        (registry, rx)
    }

    pub fn launch(&self) -> &Launch {
        &self.launch
    }

    /// Starts the configured program in `dir`, as the last tab, at the
    /// default size.
    pub fn spawn(&mut self, dir: PathBuf) -> SessionId {
        let size = self.size;
        self.start(
            Request {
                dir,
                ..Request::default()
            },
            size,
        )
    }

    /// Starts `request` as the last tab, with a screen of `size` (rows,
    /// columns). A Claude Code session starts a new conversation whose id is
    /// the session's own.
    pub fn start(&mut self, request: Request, size: (u16, u16)) -> SessionId {
        let spec = self.spec(request);
        let id = SessionId::new();
        let conversation = Conversation::New(id.to_string());
        self.start_spec(id, spec, size, Some(&conversation), None, None);
        id
    }

    /// Starts a session a previous server ran, under its own id, as the last
    /// tab: a Claude Code session resumes `conversation`. With `refusal` it
    /// stays failed, saying why it cannot come back.
    pub fn restore(
        &mut self,
        id: SessionId,
        spec: SpawnSpec,
        size: (u16, u16),
        conversation: Option<&Conversation>,
        refusal: Option<String>,
    ) {
        let env = self.with_launch_env(spec.env);
        let spec = SpawnSpec { env, ..spec };
        self.start_spec(id, spec, size, conversation, refusal, None);
    }

    /// `env` with what every session gets set over it (this server's hook
    /// socket, say), replacing values an earlier server set.
    fn with_launch_env(&self, mut env: Vec<(String, String)>) -> Vec<(String, String)> {
        let launch = &self.launch.env;
        env.retain(|(k, _)| !launch.iter().any(|(l, _)| l == k));
        env.extend(launch.iter().cloned());
        env
    }

    /// What `request` runs, with the launch defaults filled in.
    fn spec(&self, request: Request) -> SpawnSpec {
        let launch = &self.launch;
        let claude = request.claude.unwrap_or_else(|| match &request.program {
            Some(program) => is_claude_program(program),
            None => launch.claude,
        });
        let program = request.program.unwrap_or_else(|| launch.program.clone());
        let env = self.with_launch_env(
            request
                .env
                .unwrap_or_else(|| std::env::vars().collect::<Vec<_>>()),
        );
        SpawnSpec {
            program,
            args: request.args.unwrap_or_else(|| launch.args.clone()),
            env,
            dir: request.dir,
            claude,
        }
    }

    /// Starts `spec` as session `id`, in tab `at` (replacing what is there)
    /// or as the last tab.
    fn start_spec(
        &mut self,
        id: SessionId,
        mut spec: SpawnSpec,
        size: (u16, u16),
        conversation: Option<&Conversation>,
        mut refusal: Option<String>,
        at: Option<usize>,
    ) {
        let (rows, cols) = (size.0.max(1), size.1.max(1));
        // Claude Code gets its conversation (so ccmux always knows which is
        // which) and hooks layered over the user's settings (`--settings`
        // adds to them; no file of the user's is touched).
        let mut lead_args = Vec::new();
        if let (true, Some(conversation)) = (spec.claude, conversation) {
            let hooks = match &self.launch.claude_hooks {
                Some(exe) => crate::hooks::settings_args(exe),
                None => Vec::new(),
            };
            // Resuming by id drops the user's own resume arguments for good:
            // the conversation is named from now on.
            (lead_args, spec.args) = claude::args(conversation, &hooks, &spec.args);
        }
        if refusal.is_none() && !spec.dir.is_dir() {
            // Never start somewhere else (a PTY's child falls back to $HOME).
            refusal = Some(format!("{} no longer exists", spec.dir.display()));
        }
        let session = Session::start(
            id,
            spec,
            &lead_args,
            refusal,
            rows,
            cols,
            self.launch.scrollback,
            self.events.clone(),
        );
        match at {
            Some(i) if i < self.sessions.len() => self.sessions[i] = session,
            _ => self.sessions.push(session),
        }
    }

    /// Starts an ended session's program again in the same tab, under the
    /// same id: a Claude Code session with `conversation` (resumed, or a new
    /// one). False if it still runs or is unknown.
    pub fn restart(&mut self, id: SessionId, conversation: Option<&Conversation>) -> bool {
        let Some(i) = self.index_of(id) else {
            return false;
        };
        if self.sessions[i].status().is_live() {
            return false;
        }
        let spec = self.sessions[i].spec().clone();
        let size = self.sessions[i].size();
        // What the last run left running goes with it.
        self.sessions[i].stop(STOP_GRACE);
        self.start_spec(id, spec, size, conversation, None, Some(i));
        true
    }

    /// Removes an ended session's tab, and ends whatever its program left
    /// running. A live one is left alone: stop it first.
    pub fn close(&mut self, id: SessionId) -> bool {
        match self.index_of(id) {
            Some(i) if !self.sessions[i].status().is_live() => {
                self.sessions.remove(i).stop(STOP_GRACE);
                true
            }
            _ => false,
        }
    }

    pub fn get(&self, id: SessionId) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id() == id)
    }

    pub fn at(&self, index: usize) -> Option<&Session> {
        self.sessions.get(index)
    }

    pub fn index_of(&self, id: SessionId) -> Option<usize> {
        self.sessions.iter().position(|s| s.id() == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Session> {
        self.sessions.iter()
    }

    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    /// The size new sessions get by default.
    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// Gives every session, background ones included, the new size, and
    /// makes it the default.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.size = (rows.max(1), cols.max(1));
        for s in &self.sessions {
            s.resize(self.size.0, self.size.1);
        }
    }

    /// Makes `size` the one new sessions get, resizing nothing.
    pub fn set_default_size(&mut self, rows: u16, cols: u16) {
        self.size = (rows.max(1), cols.max(1));
    }

    pub fn live_count(&self) -> usize {
        self.sessions
            .iter()
            .filter(|s| s.status().is_live())
            .count()
    }

    /// Ends every session's processes, what ended sessions left running, and
    /// every orphan adopted from them (see `tree`), then waits for the
    /// programs to be reaped: at most the grace period plus a little for
    /// SIGKILL to land. Blocks; for quitting.
    pub fn stop_all(&self) {
        let trees: Vec<_> = self.sessions.iter().filter_map(Session::tree).collect();
        tree::end(&trees, true, STOP_GRACE);
        let deadline = Instant::now() + Duration::from_secs(1);
        for s in &self.sessions {
            let left = deadline.saturating_duration_since(Instant::now());
            s.wait_stopped(left);
        }
    }

    /// The session whose id is `target` or starts with it; an error for the
    /// user when none or several do.
    pub fn find(&self, target: &str) -> Result<SessionId, String> {
        find_id(self.sessions.iter().map(Session::id), target)
    }
}

/// The one id of `ids` that is `target` or starts with it (hyphens or not).
fn find_id(ids: impl Iterator<Item = SessionId>, target: &str) -> Result<SessionId, String> {
    let target = target.trim().to_ascii_lowercase();
    if target.is_empty() {
        return Err("no session id given".into());
    }
    let matches: Vec<SessionId> = ids
        .filter(|id| {
            id.to_string().starts_with(&target) || id.0.simple().to_string().starts_with(&target)
        })
        .collect();
    match matches.as_slice() {
        [id] => Ok(*id),
        [] => Err(format!("no session {target}")),
        _ => Err(format!(
            "{target} matches {} sessions: give more of the id",
            matches.len()
        )),
    }
}

/// Whether `program` is Claude Code, by its file name.
pub fn is_claude_program(program: &str) -> bool {
    Path::new(program)
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name == "claude" || name == "claude.exe")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_found_by_any_unique_prefix() {
        let a = SessionId(uuid::Uuid::parse_str("25e68eb4-0000-4000-8000-000000000001").unwrap());
        let b = SessionId(uuid::Uuid::parse_str("25e6ffff-0000-4000-8000-000000000002").unwrap());
        let find = |t: &str| find_id([a, b].into_iter(), t);
        assert_eq!(find("25e68"), Ok(a));
        assert_eq!(find("25E6FF"), Ok(b));
        assert_eq!(find(&a.to_string()), Ok(a));
        assert_eq!(find("25e68eb400004000"), Ok(a));
        assert!(find("25e6").unwrap_err().contains("matches 2 sessions"));
        assert_eq!(find("beef"), Err("no session beef".into()));
        assert!(find(" ").is_err());
    }

    #[test]
    fn claude_is_known_by_its_file_name() {
        assert!(is_claude_program("claude"));
        assert!(is_claude_program("/opt/bin/claude"));
        assert!(!is_claude_program("claude-wrapper.sh"));
        assert!(!is_claude_program("bash"));
    }
}
