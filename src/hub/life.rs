//! A session's life beyond its process: the conversation it holds, whether
//! the user stopped it, its crashes, and bringing it back (a restart into
//! the same conversation, or a new one; an automatic restart after a crash
//! when the config asks for it, with backoff and a breaker).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::Hub;
use super::transcript::{self, Record};
use crate::session::{Conversation, SessionId, Status};

/// The first automatic restart waits this long, each next one twice as
/// long, up to `BACKOFF_MAX`.
pub const BACKOFF_MIN: Duration = Duration::from_secs(1);
pub const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// This many crashes within `BREAKER_WINDOW` and ccmux stops restarting.
pub const BREAKER_CRASHES: usize = 5;
pub const BREAKER_WINDOW: Duration = Duration::from_secs(600);

/// What the hub knows of a session beyond its process.
#[derive(Debug, Default, Clone)]
pub(super) struct Life {
    /// The Claude conversation it runs: the id it was started with, then
    /// whatever its hooks report (it changes on /clear, /resume, --continue).
    pub conversation: Option<String>,
    /// Where Claude keeps that conversation, as its hooks say.
    pub transcript: Option<PathBuf>,
    /// The user submitted a prompt in it: its conversation is worth keeping.
    pub prompted: bool,
    /// What Claude said last, as its Stop hook reported.
    pub last_message: Option<String>,
    /// The user asked it to stop: its end is no crash, and it is not
    /// brought back.
    pub stopping: bool,
    /// Started from a previous server's saved sessions.
    pub restored: bool,
    /// Its program's end was dealt with (once per run).
    pub ended: bool,
    /// Crashes within the breaker's window, oldest first, and in all.
    pub recent_crashes: VecDeque<Instant>,
    pub crashes: u32,
    /// When it is restarted after its last crash.
    pub restart_at: Option<Instant>,
    /// The breaker opened: no more automatic restarts until the user acts.
    pub gave_up: bool,
    /// Screens of a plain program read for Claude Code's (see
    /// `look_for_claude`).
    pub screens_checked: u32,
}

/// How a program ended, for people: `exited 1`, `exited 137 (killed)`.
pub fn ending(status: &Status) -> String {
    match status {
        Status::Exited(code) if *code > 128 => {
            let signal = match code - 128 {
                1 => "hangup",
                2 => "interrupted",
                3 => "quit",
                4 => "illegal instruction",
                6 => "aborted",
                7 => "bus error",
                8 => "floating point exception",
                9 => "killed",
                11 => "segmentation fault",
                13 => "broken pipe",
                15 => "terminated",
                _ => "signal",
            };
            format!("exited {code} ({signal})")
        }
        Status::Exited(code) => format!("exited {code}"),
        Status::Failed(why) => format!("failed: {why}"),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// How Claude goes back to conversation `c` of `life`: resumed if Claude
/// wrote it down (its transcript holds a message, or, where the hooks never
/// named one, a prompt was submitted in it); anew under the same id if
/// nothing was written; anew under a new id if a transcript with no message
/// took that id (see `transcript`).
fn back_to(life: &Life, c: &str) -> Conversation {
    let record = match &life.transcript {
        Some(path) => transcript::record(path),
        None if life.prompted => Record::Messages,
        None => Record::Missing,
    };
    match record {
        Record::Messages => Conversation::Resume(c.to_string()),
        Record::Missing => Conversation::New(c.to_string()),
        Record::Empty => Conversation::New(uuid::Uuid::new_v4().to_string()),
    }
}

/// The wait before restart number `n` (1-based) of a crashing session.
pub fn backoff(n: usize) -> Duration {
    let shift = u32::try_from(n.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(16);
    (BACKOFF_MIN * (1u32 << shift)).min(BACKOFF_MAX)
}

impl Hub {
    /// The program of `id` ended; dealt with once. A crash (not asked for by
    /// the user, and not a clean exit) marks it for attention, is announced
    /// like a session that waits, and, with `auto_restart`, restarts it.
    pub(super) fn on_exit(&mut self, id: SessionId, status: &Status, now: Instant) {
        let auto_restart = self.opts.auto_restart;
        if self.life.get(&id).is_some_and(|life| life.ended) {
            return;
        }
        self.state_dirty = true;
        self.shown_changed();
        let life = self.life.entry(id).or_default();
        life.ended = true;
        let crashed = !life.stopping && !matches!(status, Status::Exited(0) | Status::Failed(_));
        if !crashed {
            return;
        }
        life.crashes += 1;
        life.recent_crashes.push_back(now);
        while life
            .recent_crashes
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) > BREAKER_WINDOW)
        {
            life.recent_crashes.pop_front();
        }
        let mut why = ending(status);
        if auto_restart && !life.gave_up {
            if life.recent_crashes.len() >= BREAKER_CRASHES {
                life.gave_up = true;
                why = format!(
                    "{why}; crashed {BREAKER_CRASHES} times in {} minutes, not restarting",
                    BREAKER_WINDOW.as_secs() / 60
                );
            } else {
                let wait = backoff(life.recent_crashes.len());
                life.restart_at = Some(now + wait);
                why = format!("{why}; restarting in {}s", wait.as_secs());
            }
        }
        self.want_user(id, why, now);
    }

    /// Starts an ended session again in its tab, under the same id. A
    /// Claude session resumes its conversation, unless `fresh` asks for a
    /// new one. An error for the user if it still runs.
    pub fn restart(&mut self, id: SessionId, fresh: bool, now: Instant) -> Result<(), String> {
        let session = self
            .registry
            .get(id)
            .ok_or_else(|| format!("no session {}", id.short()))?;
        if session.status().is_live() {
            return Err("still running: stop it first".into());
        }
        let claude = session.spec().claude;
        let life = self.life.entry(id).or_default();
        let conversation = claude.then(|| match (&life.conversation, fresh) {
            (Some(c), false) => back_to(life, c),
            _ => Conversation::New(uuid::Uuid::new_v4().to_string()),
        });
        if let Some(Conversation::New(c)) = &conversation {
            life.conversation = Some(c.clone());
            life.transcript = None;
            life.prompted = false;
        }
        life.stopping = false;
        life.ended = false;
        life.restart_at = None;
        if fresh {
            life.gave_up = false;
        }
        self.registry.restart(id, conversation.as_ref());
        self.trackers.remove(&id);
        self.attention.remove(&id);
        self.shown_status.remove(&id);
        self.track(id, now);
        self.state_dirty = true;
        self.shown_changed();
        Ok(())
    }

    /// The conversation a Claude session holds, as its hooks report it.
    pub(super) fn note_conversation(
        &mut self,
        id: SessionId,
        conversation: Option<&str>,
        transcript: Option<&str>,
        prompted: bool,
    ) {
        let life = self.life.entry(id).or_default();
        let mut moved = false;
        if let Some(c) = conversation
            && life.conversation.as_deref() != Some(c)
        {
            life.conversation = Some(c.to_string());
            life.prompted = false;
            moved = true;
        }
        if let Some(t) = transcript
            && life.transcript.as_deref() != Some(std::path::Path::new(t))
        {
            life.transcript = Some(PathBuf::from(t));
            moved = true;
        }
        if prompted && !life.prompted {
            life.prompted = true;
            moved = true;
        }
        if moved {
            self.state_dirty = true;
            self.shown_changed();
        }
    }

    /// Sessions whose automatic restart is due.
    pub(super) fn restart_due(&mut self, now: Instant) {
        let due: Vec<SessionId> = self
            .life
            .iter()
            .filter(|(_, l)| l.restart_at.is_some_and(|t| t <= now))
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            if let Err(e) = self.restart(id, false, now) {
                tracing::warn!("cannot restart {}: {e}", id.short());
                if let Some(life) = self.life.get_mut(&id) {
                    life.restart_at = None;
                }
            }
        }
    }

    pub(super) fn restart_deadline(&self) -> Option<Instant> {
        self.life.values().filter_map(|l| l.restart_at).min()
    }

    /// The Claude conversation `id` holds, if known: what `claude --resume`
    /// takes.
    pub fn conversation_of(&self, id: SessionId) -> Option<&str> {
        self.life.get(&id)?.conversation.as_deref()
    }

    /// What Claude said at the end of its last turn in `id`, as its Stop
    /// hook reported.
    pub fn last_message_of(&self, id: SessionId) -> Option<&str> {
        self.life.get(&id)?.last_message.as_deref()
    }

    /// Where Claude keeps the conversation `id` holds, as its hooks said.
    pub fn transcript_of(&self, id: SessionId) -> Option<&std::path::Path> {
        self.life.get(&id)?.transcript.as_deref()
    }

    /// How often `id` crashed in this server's life.
    pub fn crashes_of(&self, id: SessionId) -> u32 {
        self.life.get(&id).map_or(0, |l| l.crashes)
    }

    /// Whether `id` was brought back from a previous server's sessions.
    pub fn was_restored(&self, id: SessionId) -> bool {
        self.life.get(&id).is_some_and(|l| l.restored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::Notice;

    #[test]
    fn endings_say_which_signal() {
        assert_eq!(ending(&Status::Exited(137)), "exited 137 (killed)");
        assert_eq!(ending(&Status::Exited(143)), "exited 143 (terminated)");
        assert_eq!(ending(&Status::Exited(2)), "exited 2");
    }

    /// Runs the session until its program has ended and the hub has read
    /// that, at `now`.
    fn crash_seen(hub: &mut Hub, id: SessionId, now: Instant) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while hub.registry().get(id).is_some_and(|s| s.status().is_live()) {
            assert!(Instant::now() < deadline, "the program never ended");
            std::thread::yield_now();
        }
        hub.on_session(id, now);
        hub.on_time(hub.read_due().unwrap_or(now).max(now));
    }

    #[test]
    fn a_crashing_session_restarts_with_backoff_until_the_breaker_opens() {
        let dir = tempfile::tempdir().unwrap();
        let mut hub = crate::hub::test_hub_running("sh", &["-c", "exit 3"], true);
        let t0 = Instant::now();
        let new = crate::proto::NewSession {
            dir: dir.path().to_path_buf(),
            ..Default::default()
        };
        let (id, _) = hub.start(&new, None, None, t0).unwrap();
        let mut now = t0;
        for crash in 1..=BREAKER_CRASHES {
            crash_seen(&mut hub, id, now);
            assert_eq!(hub.crashes_of(id), crash as u32);
            assert!(hub.has_attention(id), "a crash wants the user");
            let notices = hub.take_notices();
            let why = notices.iter().find_map(|n| match n {
                Notice::Announce { why, .. } => Some(why.clone()),
                _ => None,
            });
            if crash < BREAKER_CRASHES {
                let wait = backoff(crash);
                assert_eq!(hub.restart_deadline(), Some(now + wait), "crash {crash}");
                assert_eq!(
                    why.as_deref(),
                    Some(format!("exited 3; restarting in {}s", wait.as_secs()).as_str())
                );
                now += wait;
                hub.on_time(now);
                assert!(hub.registry().get(id).is_some(), "same id after a restart");
            } else {
                assert_eq!(hub.restart_deadline(), None, "the breaker is open");
                assert!(why.unwrap_or_default().contains("crashed 5 times"));
            }
        }
        assert_eq!(hub.registry().len(), 1);
    }

    #[test]
    fn a_stopped_session_is_no_crash() {
        let dir = tempfile::tempdir().unwrap();
        let mut hub = crate::hub::test_hub_running("sleep", &["600"], true);
        let now = Instant::now();
        let new = crate::proto::NewSession {
            dir: dir.path().to_path_buf(),
            ..Default::default()
        };
        let (id, _) = hub.start(&new, None, None, now).unwrap();
        assert!(hub.stop(id));
        crash_seen(&mut hub, id, now);
        assert_eq!(hub.crashes_of(id), 0);
        assert_eq!(hub.restart_deadline(), None);
        assert!(
            !hub.saved().sessions[0].live,
            "a stopped session stays stopped"
        );
    }

    #[test]
    fn backoff_doubles_to_its_cap() {
        let secs: Vec<u64> = (1..=8).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 30, 30, 30]);
    }
}
