//! The sessions a server keeps on disk, so that the next server can bring
//! back the ones it was running when it ended without being asked to (a
//! crash, SIGKILL, SIGTERM at shutdown, a reboot). Clients' views are not
//! kept: only what makes a session itself.

use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use serde::{Deserialize, Serialize};

use super::transcript::{self, Record};
use super::{Hub, Pending, Prompt};
use crate::session::{Conversation, SessionId, SpawnSpec};

/// Bumped when a field changes meaning; a file of another version is set
/// aside, not misread.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub version: u32,
    /// In tab order.
    pub sessions: Vec<SavedSession>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSession {
    /// ccmux's id: the session keeps it for life.
    pub id: String,
    pub dir: PathBuf,
    pub program: String,
    pub args: Vec<String>,
    /// The environment it was started with (the asking client's).
    pub env: Vec<(String, String)>,
    pub claude: bool,
    /// The Claude conversation it holds, and where Claude keeps it.
    pub conversation: Option<String>,
    pub transcript: Option<PathBuf>,
    /// A prompt was submitted: its conversation is worth resuming.
    pub prompted: bool,
    /// Seconds since the epoch.
    pub started: u64,
    /// It ran, and the user had not asked it to stop: the next server
    /// brings it back.
    pub live: bool,
    /// Prompts waiting to go in, next first, and whether the queue is held.
    #[serde(default)]
    pub queue: Vec<Prompt>,
    #[serde(default)]
    pub paused: bool,
    /// The name the user gave it, if any.
    #[serde(default)]
    pub name: Option<String>,
}

impl Hub {
    /// What the next server needs to bring the sessions back.
    pub fn saved(&self) -> Saved {
        let mut sessions: Vec<SavedSession> = self
            .registry
            .iter()
            .map(|s| {
                let spec = s.spec();
                let life = self.life.get(&s.id()).cloned().unwrap_or_default();
                SavedSession {
                    id: s.id().to_string(),
                    dir: spec.dir.clone(),
                    program: spec.program.clone(),
                    args: spec.args.clone(),
                    env: spec.env.clone(),
                    claude: spec.claude,
                    conversation: life.conversation,
                    transcript: life.transcript,
                    prompted: life.prompted,
                    started: s
                        .started()
                        .duration_since(SystemTime::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs()),
                    live: (s.status().is_live() || life.restart_at.is_some()) && !life.stopping,
                    queue: self.queue_of(s.id()),
                    paused: self.is_paused(s.id()),
                    name: self.names.get(&s.id()).cloned(),
                }
            })
            .collect();
        // Those still waiting to come back are kept as they were.
        sessions.extend(self.queued.iter().filter_map(|p| match p {
            Pending::Restore(s) => Some(s.clone()),
            Pending::Start { .. } => None,
        }));
        Saved {
            version: VERSION,
            sessions,
        }
    }

    /// Queues the live sessions of `saved` to come back (see `queue`), in
    /// their order. Returns how many.
    pub fn restore(&mut self, saved: Saved) -> usize {
        let live: Vec<SavedSession> = saved.sessions.into_iter().filter(|s| s.live).collect();
        let count = live.len();
        self.queued.extend(live.into_iter().map(Pending::Restore));
        self.state_dirty = true;
        count
    }

    /// Brings back one saved session under its id: a Claude session resumes
    /// its conversation. One that cannot come back (its directory is gone,
    /// or the conversation it held) is shown failed with the reason.
    pub(super) fn restore_one(&mut self, s: SavedSession, now: Instant) {
        let size = self.size_for(None);
        {
            let Ok(uuid) = uuid::Uuid::parse_str(&s.id) else {
                return;
            };
            let id = SessionId(uuid);
            if self.registry.get(id).is_some() {
                return;
            }
            let (conversation, refusal) = comeback(&s);
            let spec = SpawnSpec {
                program: s.program,
                args: s.args,
                env: s.env,
                dir: s.dir,
                claude: s.claude,
            };
            self.registry
                .restore(id, spec, size, conversation.as_ref(), refusal);
            let life = self.life.entry(id).or_default();
            // One that cannot come back keeps its conversation, for a
            // restart once its directory is back.
            life.conversation = match conversation {
                Some(Conversation::New(c) | Conversation::Resume(c)) => Some(c),
                None => s.conversation,
            };
            life.transcript = s.transcript;
            life.prompted = s.prompted;
            life.restored = true;
            if let Some(name) = s.name {
                self.names.insert(id, name);
            }
            self.track(id, now);
            let queue = self.prompts.entry(id).or_default();
            queue.paused = s.paused;
            for mut prompt in s.queue {
                self.next_prompt += 1;
                prompt.id = self.next_prompt;
                self.prompts
                    .entry(id)
                    .or_default()
                    .prompts
                    .push_back(prompt);
            }
        }
        self.shown_changed();
        self.state_dirty = true;
    }
}

/// How a saved session comes back: the conversation a Claude session
/// resumes (or starts anew, when nothing was said in it), or why it cannot.
fn comeback(s: &SavedSession) -> (Option<Conversation>, Option<String>) {
    if !s.dir.is_dir() {
        return (
            None,
            Some(format!(
                "cannot come back: {} no longer exists",
                s.dir.display()
            )),
        );
    }
    if !s.claude {
        return (None, None);
    }
    let id = s.conversation.clone().unwrap_or_else(|| s.id.clone());
    let record = s.transcript.as_deref().map(|p| (p, transcript::record(p)));
    match (record, s.prompted) {
        (Some((_, Record::Messages)), _) | (None, true) => (Some(Conversation::Resume(id)), None),
        // Something was said, and Claude's record of it is gone.
        (Some((path, Record::Missing)), true) => (
            None,
            Some(format!(
                "cannot come back: its conversation {id} is gone ({} is missing)",
                path.display()
            )),
        ),
        // Written down with no message in it: the id is taken and nothing
        // can be resumed, so a new conversation under a new id.
        (Some((_, Record::Empty)), _) => (
            Some(Conversation::New(uuid::Uuid::new_v4().to_string())),
            None,
        ),
        // Nothing said: a new conversation under the same id loses nothing.
        (_, false) => (Some(Conversation::New(id)), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(dir: PathBuf) -> SavedSession {
        SavedSession {
            id: SessionId::new().to_string(),
            dir,
            program: "claude".into(),
            args: vec![],
            env: vec![],
            claude: true,
            conversation: Some("c1".into()),
            transcript: None,
            prompted: true,
            started: 0,
            live: true,
            queue: vec![],
            paused: false,
            name: None,
        }
    }

    #[test]
    fn how_a_session_comes_back() {
        let tmp = tempfile::tempdir().unwrap();
        let s = saved(tmp.path().to_path_buf());
        assert_eq!(
            comeback(&s),
            (Some(Conversation::Resume("c1".into())), None)
        );
        // Nothing said: a new conversation under the same id.
        let quiet = SavedSession {
            prompted: false,
            ..s.clone()
        };
        assert_eq!(
            comeback(&quiet),
            (Some(Conversation::New("c1".into())), None)
        );
        let gone = SavedSession {
            transcript: Some(tmp.path().join("c1.jsonl")),
            ..s.clone()
        };
        let (c, why) = comeback(&gone);
        assert!(c.is_none() && why.unwrap().contains("conversation c1 is gone"));
        let moved = SavedSession {
            dir: tmp.path().join("nope"),
            ..s.clone()
        };
        assert!(comeback(&moved).1.unwrap().contains("no longer exists"));
        // After /clear: a new conversation Claude wrote down at once,
        // nothing typed in it yet; it must be resumed (its id is taken).
        let written = tmp.path().join("c1.jsonl");
        std::fs::write(&written, "{\"type\":\"user\"}\n").unwrap();
        let cleared = SavedSession {
            transcript: Some(written.clone()),
            prompted: false,
            ..s.clone()
        };
        assert_eq!(
            comeback(&cleared),
            (Some(Conversation::Resume("c1".into())), None)
        );
        // A /clear cut short: written down without a message, so neither
        // resumable nor free to reuse; a new id.
        std::fs::write(&written, "{\"type\":\"mode\"}\n").unwrap();
        let Some(Conversation::New(new)) = comeback(&cleared).0 else {
            panic!("not started anew");
        };
        assert_ne!(new, "c1");
        let plain = SavedSession { claude: false, ..s };
        assert_eq!(comeback(&plain), (None, None));
    }

    #[test]
    fn the_file_round_trips() {
        let file = Saved {
            version: VERSION,
            sessions: vec![saved("/a".into())],
        };
        let text = serde_json::to_string(&file).unwrap();
        assert_eq!(serde_json::from_str::<Saved>(&text).unwrap(), file);
    }
}

#[cfg(test)]
mod restore_tests {
    use super::*;
    use crate::hub::test_hub as hub;
    use crate::session::Status;

    /// Sessions whose directory is gone: they come back failed, so no
    /// process is needed to see the order, the ids and the queue.
    fn gone(n: usize, live: bool) -> SavedSession {
        SavedSession {
            id: SessionId::new().to_string(),
            dir: format!("/nonexistent/ccmux-test/{n}").into(),
            program: "claude".into(),
            args: vec![],
            env: vec![],
            claude: true,
            conversation: Some(format!("c{n}")),
            transcript: None,
            prompted: true,
            started: 0,
            live,
            queue: vec![],
            paused: false,
            name: None,
        }
    }

    #[test]
    fn restored_sessions_come_back_one_a_turn_in_order_under_their_ids() {
        let mut hub = hub();
        let sessions = vec![gone(1, true), gone(2, false), gone(3, true), gone(4, true)];
        let want: Vec<String> = sessions
            .iter()
            .filter(|s| s.live)
            .map(|s| s.id.clone())
            .collect();
        let n = hub.restore(Saved {
            version: VERSION,
            sessions,
        });
        assert_eq!(n, 3);
        assert!(hub.registry().is_empty(), "nothing starts before its turn");
        // Saved meanwhile, the queued ones are not lost.
        let ids = |h: &Hub| {
            h.saved()
                .sessions
                .iter()
                .map(|s| s.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&hub), want);
        hub.start_queued(Instant::now());
        assert_eq!(hub.registry().len(), 1);
        assert_eq!(ids(&hub), want);
        while hub.has_queued() {
            hub.start_queued(Instant::now());
        }
        let got: Vec<String> = hub.registry().iter().map(|s| s.id().to_string()).collect();
        assert_eq!(got, want);
        let first = hub.registry().at(0).unwrap();
        match first.status() {
            Status::Failed(why) => assert!(why.contains("no longer exists"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(hub.was_restored(first.id()));
        assert_eq!(
            hub.conversation_of(first.id()),
            Some("c1"),
            "kept for a restart"
        );
    }
}
