use std::fmt;
use std::path::PathBuf;
use std::time::SystemTime;

/// A session's identity: a UUID, shown short in the UI and passed to the program
/// as CCMUX_SESSION_ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionId(pub uuid::Uuid);

impl SessionId {
    pub fn new() -> Self {
        Self(uuid::Uuid::new_v4())
    }

    /// The first 8 hex digits, as git shows short hashes.
    pub fn short(&self) -> String {
        self.0.simple().to_string()[..8].to_string()
    }
}

impl Default for SessionId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a session is doing, as far as ccmux knows.
///
/// `Running` is all that is known of a program without a status source; the
/// finer states come from Claude Code's hooks or from screen rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Starting,
    Running,
    /// Waiting for a prompt.
    Idle,
    /// Working: thinking, running a tool, streaming.
    Busy,
    /// Needs the user: a permission prompt, a question, a plan to approve.
    Waiting,
    /// The program ended; the code is its exit status, or 128+signal.
    Exited(i32),
    /// The program could not be started; the reason is for the user.
    Failed(String),
}

impl Status {
    pub fn is_live(&self) -> bool {
        !matches!(self, Status::Exited(_) | Status::Failed(_))
    }
}

/// A snapshot of one session for the UI: everything the tab bar, status line
/// and session table show, with no handle on the session itself.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id: SessionId,
    /// 1-based position in the tab bar.
    pub number: usize,
    /// What the user named it, else a name made from its directory.
    pub name: String,
    pub dir: PathBuf,
    pub status: Status,
    /// The title the program set with OSC 0/2, empty if none.
    pub title: String,
    /// Marked by a bell or notification while not focused; cleared on focus.
    pub attention: bool,
    pub started: SystemTime,
    /// When output last arrived, if ever.
    pub last_output: Option<SystemTime>,
    /// What the session is working on: the last prompt the user submitted.
    pub task: Option<String>,
    /// Why it needs the user, while it does ("needs permission for Bash").
    pub reason: Option<String>,
    /// The Claude conversation it holds (what `claude --resume` takes).
    pub conversation: Option<String>,
    /// How often its program crashed while this server ran.
    pub crashes: u32,
    /// Brought back from the sessions a previous server ran.
    pub restored: bool,
    /// Prompts waiting in its queue.
    pub queued: usize,
    /// Its queue is held: nothing goes in until the user lets it go.
    pub paused: bool,
}

impl SessionInfo {
    /// The id to show and copy: the Claude conversation's, which `claude
    /// --resume` takes (ccmux finds sessions by either), else ccmux's.
    pub fn shown_id(&self) -> String {
        self.conversation
            .clone()
            .unwrap_or_else(|| self.id.to_string())
    }
}
