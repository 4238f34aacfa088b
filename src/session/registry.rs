//! The sessions ccmux owns, in tab order.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::instance::Session;
use super::pty::SpawnSpec;
use super::{SessionId, tree};

/// How long a stopped program gets between SIGTERM and SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(3);

/// What every new session runs, unless told otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub program: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub scrollback: usize,
    /// For Claude Code: this ccmux executable, whose `hook` subcommand every
    /// session's hooks run, so each session reports what it is doing.
    pub claude_hooks: Option<PathBuf>,
}

pub struct Registry {
    sessions: Vec<Session>,
    launch: Launch,
    /// The size every session's screen and PTY has: the area tabs draw in.
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

    /// Starts the configured program in `dir`, as the last tab.
    pub fn spawn(&mut self, dir: PathBuf) -> SessionId {
        let spec = SpawnSpec {
            program: self.launch.program.clone(),
            args: self.launch.args.clone(),
            env: self.launch.env.clone(),
            dir,
        };
        self.spawn_spec(spec, None)
    }

    fn spawn_spec(&mut self, spec: SpawnSpec, at: Option<usize>) -> SessionId {
        let id = SessionId::new();
        let (rows, cols) = self.size;
        // Claude Code gets the session's own id, so ccmux always knows which
        // conversation is which, and hooks layered over the user's settings
        // (`--settings` adds to them; no file of the user's is touched).
        let lead_args = match &self.launch.claude_hooks {
            Some(exe) => {
                let mut args = crate::hooks::claude_args(&id, exe);
                if resumes(&spec.args)
                    && let Some(i) = args.iter().position(|a| a == "--session-id")
                {
                    // Claude Code refuses --session-id beside --resume or
                    // --continue: the conversation keeps its own id then.
                    args.drain(i..(i + 2).min(args.len()));
                }
                args
            }
            None => Vec::new(),
        };
        let session = Session::start(
            id,
            spec,
            &lead_args,
            rows,
            cols,
            self.launch.scrollback,
            self.events.clone(),
        );
        match at {
            Some(i) if i < self.sessions.len() => self.sessions[i] = session,
            _ => self.sessions.push(session),
        }
        id
    }

    /// Starts an ended session's program again in the same place and tab, as
    /// a new session (a new id: the old conversation is not reused).
    pub fn restart(&mut self, id: SessionId) -> Option<SessionId> {
        let i = self.index_of(id)?;
        if self.sessions[i].status().is_live() {
            return None;
        }
        let spec = self.sessions[i].spec().clone();
        // What the last run left running goes with it.
        self.sessions[i].stop(STOP_GRACE);
        Some(self.spawn_spec(spec, Some(i)))
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

    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// Gives every session, background ones included, the new size.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.size = (rows.max(1), cols.max(1));
        for s in &self.sessions {
            s.resize(self.size.0, self.size.1);
        }
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
}

/// Whether Claude Code's arguments pick up an earlier conversation.
fn resumes(args: &[String]) -> bool {
    args.iter().any(|a| {
        matches!(a.as_str(), "-r" | "-c" | "--resume" | "--continue") || a.starts_with("--resume=")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resuming_is_recognised() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(resumes(&args(&["--model", "x", "--resume"])));
        assert!(resumes(&args(&["-c"])));
        assert!(resumes(&args(&["--resume=abc"])));
        assert!(!resumes(&args(&["--model", "opus"])));
    }
}
