//! `ccmux send`: prompts for sessions, delivered as each is ready, and for
//! `--wait` the answer once every delivered prompt's turn has ended.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Instant;

use crate::hub::{ClientId, Hub, Sent, TurnEnd};
use crate::proto::{SendTo, ServerMsg};
use crate::session::SessionId;
use crate::status::last_assistant_text;

/// Exit codes of `ccmux send --wait` besides 0 and 1 (a bad request).
pub const EXITED: i32 = 3;
pub const NEEDS_USER: i32 = 4;

/// How much of a transcript is read for its last message: the end is
/// enough, and a transcript can be very long.
const TRANSCRIPT_TAIL: u64 = 1 << 20;

/// A `send --wait` whose prompts' turns are not all over.
pub struct Waiting {
    /// The prompts, and the session each went to.
    pending: HashMap<u64, SessionId>,
    /// It went to several sessions: each answer is headed with its id.
    many: bool,
    out: String,
    err: String,
    code: i32,
}

impl Waiting {
    pub fn is_done(&self) -> bool {
        self.pending.is_empty()
    }

    pub fn reply(self) -> ServerMsg {
        ServerMsg::Reply {
            stdout: self.out,
            stderr: self.err,
            code: self.code,
        }
    }

    /// The sessions it waits on, so a closed one can end its wait.
    pub fn sessions(&self) -> impl Iterator<Item = (u64, SessionId)> + '_ {
        self.pending.iter().map(|(p, s)| (*p, *s))
    }

    /// A prompt's turn ended: its answer (or why there is none) is noted.
    pub fn ended(&mut self, hub: &Hub, prompt: u64, end: &TurnEnd) {
        let Some(id) = self.pending.remove(&prompt) else {
            return;
        };
        let label = id.short();
        match end {
            TurnEnd::Done => {
                // The Stop hook says it; older Claude Codes only wrote it
                // into the transcript.
                let answer = hub
                    .last_message_of(id)
                    .map(str::to_string)
                    .or_else(|| hub.transcript_of(id).and_then(last_message))
                    .unwrap_or_default();
                if self.many {
                    self.out.push_str(&format!("== {label}\n"));
                }
                self.out.push_str(&answer);
                self.out.push('\n');
            }
            TurnEnd::NeedsUser(why) => {
                self.err
                    .push_str(&format!("ccmux: {label} asks the user: {why}\n"));
                self.code = self.code.max(NEEDS_USER);
            }
            TurnEnd::Exited(how) => {
                self.err.push_str(&format!("ccmux: {label} {how}\n"));
                self.code = self.code.max(EXITED);
            }
        }
    }
}

/// Hands `text` to every session `to` names; says what became of it in
/// each. With `wait`, returns what to wait on instead of the reply.
pub fn send(
    hub: &mut Hub,
    to: &SendTo,
    text: &str,
    raw: bool,
    wait: bool,
    now: Instant,
) -> Result<ServerMsg, Waiting> {
    let mut out = String::new();
    let mut err = String::new();
    let mut pending = HashMap::new();
    let targets = match targets(hub, to) {
        Ok(targets) => targets,
        Err(e) => {
            return Ok(ServerMsg::Reply {
                stdout: String::new(),
                stderr: format!("ccmux: {e}\n"),
                code: 1,
            });
        }
    };
    for target in targets {
        let label = target.short();
        match hub.send(target, text.to_string(), raw, now) {
            Ok(Sent::Delivered(prompt)) => {
                out.push_str(&format!("{label}: delivered\n"));
                pending.insert(prompt, target);
            }
            Ok(Sent::Queued(prompt, at)) => {
                out.push_str(&format!("{label}: queued at position {at}\n"));
                pending.insert(prompt, target);
            }
            Err(e) => err.push_str(&format!("ccmux: skipped {label}: {e}\n")),
        }
    }
    let code = if pending.is_empty() { 1 } else { 0 };
    if wait && !pending.is_empty() {
        // What happened to each target goes to stderr: stdout is the answer.
        return Err(Waiting {
            many: pending.len() > 1,
            pending,
            out: String::new(),
            err: out + &err,
            code,
        });
    }
    Ok(ServerMsg::Reply {
        stdout: out,
        stderr: err,
        code,
    })
}

fn targets(hub: &Hub, to: &SendTo) -> Result<Vec<SessionId>, String> {
    let registry = hub.registry();
    match to {
        SendTo::Id(target) => Ok(vec![hub.find(target)?]),
        SendTo::Dir(dir) => {
            let found: Vec<SessionId> = registry
                .iter()
                .filter(|s| s.spec().dir == *dir)
                .map(|s| s.id())
                .collect();
            if found.is_empty() {
                return Err(format!("no session in {}", dir.display()));
            }
            Ok(found)
        }
        // Every running session: those that are not Claude Code are
        // skipped by `Hub::send` (unless `raw`), and said so.
        SendTo::All => {
            let found: Vec<SessionId> = registry
                .iter()
                .filter(|s| s.status().is_live())
                .map(|s| s.id())
                .collect();
            if found.is_empty() {
                return Err("no running session to send to".into());
            }
            Ok(found)
        }
    }
}

/// Claude's last message in the transcript at `path`.
fn last_message(path: &Path) -> Option<String> {
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(TRANSCRIPT_TAIL)))
        .ok()?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).ok()?;
    last_assistant_text(&String::from_utf8_lossy(&tail))
}

/// The `send --wait`s of clients still waiting.
#[derive(Default)]
pub struct Waits(HashMap<ClientId, Waiting>);

impl Waits {
    pub fn add(&mut self, client: ClientId, waiting: Waiting) {
        self.0.insert(client, waiting);
    }

    /// The client went away: nobody waits any more.
    pub fn drop_client(&mut self, client: ClientId) {
        self.0.remove(&client);
    }

    /// Notes the turns that ended, and the sessions gone meanwhile; returns
    /// the clients whose wait is over, with their replies.
    pub fn settle(&mut self, hub: &mut Hub) -> Vec<(ClientId, ServerMsg)> {
        let ends = hub.take_turn_ends();
        for waiting in self.0.values_mut() {
            for (prompt, _, end) in &ends {
                waiting.ended(hub, *prompt, end);
            }
            let gone: Vec<u64> = waiting
                .sessions()
                .filter(|(_, id)| hub.registry().get(*id).is_none())
                .map(|(p, _)| p)
                .collect();
            for prompt in gone {
                waiting.ended(hub, prompt, &TurnEnd::Exited("was closed".into()));
            }
        }
        let done: Vec<ClientId> = self
            .0
            .iter()
            .filter(|(_, w)| w.is_done())
            .map(|(c, _)| *c)
            .collect();
        done.into_iter()
            .filter_map(|c| self.0.remove(&c).map(|w| (c, w.reply())))
            .collect()
    }
}
