//! What each session is doing, and who gets told when it needs the user.
//!
//! Every session has a `Tracker`: hooks drive it for Claude Code, screen
//! rules when hooks are silent, output activity for other programs. The
//! screen is only looked at when it changed, never on a timer.

use std::time::Instant;

use super::{Hub, Notice};

/// How many screens of a plain program are read for Claude Code's.
const CLAUDE_LOOKS: u32 = 20;
use crate::session::{Session, SessionId, Status};
use crate::status::{Change, HookEvent, Tracker, parse_hook};

impl Hub {
    /// Gives session `id` its tracker, so one that never prints still goes
    /// from starting to idle.
    pub(super) fn track(&mut self, id: SessionId, now: Instant) {
        let Some(session) = self.registry.get(id) else {
            return;
        };
        let claude = session.spec().claude;
        self.trackers.entry(id).or_insert_with(|| {
            if claude {
                Tracker::claude()
            } else {
                Tracker::generic(now)
            }
        });
    }

    /// A hook payload from a session's Claude Code. Payloads that do not parse
    /// or name no session of ours are dropped: hooks are a hint, never a
    /// reason to fail.
    pub fn on_hook(&mut self, id: SessionId, payload: &[u8], now: Instant) {
        let Ok(hook) = parse_hook(payload) else {
            return;
        };
        if self.registry.get(id).is_none() {
            return;
        }
        self.note_conversation(
            id,
            hook.claude_session_id.as_deref(),
            hook.transcript_path.as_deref(),
            hook.event == HookEvent::UserPromptSubmit,
        );
        // A new turn's answer is not the last one's.
        if hook.event == HookEvent::UserPromptSubmit {
            self.life.entry(id).or_default().last_message = None;
        }
        if let Some(said) = &hook.last_assistant_message {
            self.life.entry(id).or_default().last_message = Some(said.clone());
        }
        self.track(id, now);
        let Some(tracker) = self.trackers.get_mut(&id) else {
            return;
        };
        let change = tracker.on_hook(&hook, now);
        self.apply(id, change, now);
        self.note_status_changes();
        self.deliver_ready(now);
    }

    /// The session's screen changed (or its program ended).
    pub(super) fn observe(&mut self, id: SessionId, now: Instant) {
        self.track(id, now);
        let (Some(session), Some(tracker)) = (self.registry.get(id), self.trackers.get_mut(&id))
        else {
            return;
        };
        let ended = session.status();
        if !ended.is_live() {
            tracker.on_exit(ended.clone());
            self.shown_changed();
            self.on_exit(id, &ended, now);
            return;
        }
        let change = if !session.spec().claude {
            let change = tracker.on_output(now);
            self.look_for_claude(id);
            change
        } else if tracker.reads_screen() {
            // Copying the screen's text is the costly part: only when the
            // tracker will read it.
            let text = session.term().screen().contents();
            tracker.on_screen(&text, &self.opts.rules, now)
        } else {
            return;
        };
        self.apply(id, change, now);
    }

    /// A program ccmux does not take for Claude Code (a wrapper script
    /// without `agent = "claude"`) whose screen is Claude Code's: its status
    /// is a guess from output, and no hooks report. The user hears so once,
    /// with how to fix it, instead of wondering why a permission prompt
    /// shows as idle. Only its first screens are read.
    fn look_for_claude(&mut self, id: SessionId) {
        let life = self.life.entry(id).or_default();
        if life.screens_checked >= CLAUDE_LOOKS {
            return;
        }
        life.screens_checked += 1;
        let Some(session) = self.registry.get(id) else {
            return;
        };
        let text = session.term().screen().contents();
        if self.opts.rules.classify(&text).is_none() {
            return;
        }
        if let Some(life) = self.life.get_mut(&id) {
            life.screens_checked = CLAUDE_LOOKS;
        }
        let program = session.spec().program.clone();
        self.notices.push(Notice::Say {
            session: id,
            text: format!(
                "{program} looks like Claude Code, but ccmux runs it as a plain program \
                 (no hooks, status guessed): give it a profile with agent = \"claude\""
            ),
        });
    }

    pub(super) fn tracker_deadline(&self) -> Option<Instant> {
        self.trackers
            .values()
            .filter_map(Tracker::next_deadline)
            .min()
    }

    pub(super) fn on_tracker_deadlines(&mut self, now: Instant) {
        let due: Vec<SessionId> = self
            .trackers
            .iter()
            .filter(|(_, t)| t.next_deadline().is_some_and(|d| d <= now))
            .map(|(id, _)| *id)
            .collect();
        if due.is_empty() {
            return;
        }
        for id in due {
            if let Some(t) = self.trackers.get_mut(&id) {
                let change = t.on_deadline(now);
                self.apply(id, change, now);
            }
        }
        self.note_status_changes();
    }

    /// A session that starts waiting for the user, or finishes a turn, while
    /// no client shows it, is marked until one does; and it is announced.
    fn apply(&mut self, id: SessionId, change: Change, now: Instant) {
        if change.status.is_some() || change.reason_changed {
            self.shown_changed();
        }
        let why = change
            .needs_user
            .or_else(|| change.turn_finished.then(|| "finished".to_string()));
        let Some(why) = why else {
            return;
        };
        self.want_user(id, why, now);
    }

    /// Session `id` wants the user, for `why`: marked until a client shows
    /// it, and announced to the clients' terminals within the limits.
    pub(super) fn want_user(&mut self, id: SessionId, why: String, now: Instant) {
        if !self.is_viewed(id) {
            self.attention.entry(id).or_insert(now);
            self.shown_changed();
        }
        if self.limiter.allow_announce(id, &why, now) {
            let name = self.display_name(id);
            self.notices.push(Notice::Announce {
                session: id,
                name,
                why,
                from_program: false,
            });
        }
    }

    /// What to show for a session: how its program ended, else what its
    /// tracker knows.
    pub fn status_of(&self, session: &Session) -> Status {
        let process = session.status();
        if !process.is_live() {
            return process;
        }
        self.trackers
            .get(&session.id())
            .map_or(Status::Starting, |t| t.status().clone())
    }

    pub fn task_of(&self, id: SessionId) -> Option<String> {
        self.trackers
            .get(&id)
            .and_then(|t| t.task())
            .map(str::to_string)
    }

    pub fn reason_of(&self, id: SessionId) -> Option<String> {
        self.trackers
            .get(&id)
            .and_then(|t| t.waiting_reason())
            .map(str::to_string)
    }
}
