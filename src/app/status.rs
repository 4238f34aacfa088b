//! What each session is doing, and who gets told when it needs the user.
//!
//! Every session has a `Tracker`: hooks drive it for Claude Code, screen
//! rules when hooks are silent, output activity for other programs. The
//! screen is only looked at when it changed, never on a timer.

use std::time::Instant;

use super::App;
use crate::session::{Session, SessionId, Status};
use crate::status::{Change, Tracker, parse_hook};

impl App {
    /// Gives every session a tracker from the first event on, so one that
    /// never prints still goes from starting to idle.
    pub(super) fn track_new_sessions(&mut self, now: Instant) {
        if self.trackers.len() == self.registry.len() {
            return;
        }
        let ids: Vec<SessionId> = self.registry.iter().map(Session::id).collect();
        for id in ids {
            self.tracker(id, now);
        }
    }

    fn tracker(&mut self, id: SessionId, now: Instant) -> &mut Tracker {
        let claude = self.opts.claude;
        self.trackers.entry(id).or_insert_with(|| {
            if claude {
                Tracker::claude()
            } else {
                Tracker::generic(now)
            }
        })
    }

    /// A hook payload from a session's Claude Code. Payloads that do not parse
    /// or name no session of ours are dropped: hooks are a hint, never a
    /// reason to fail.
    pub(super) fn on_hook(&mut self, id: SessionId, payload: &[u8], now: Instant) {
        let Ok(hook) = parse_hook(payload) else {
            return;
        };
        if self.registry.get(id).is_none() {
            return;
        }
        let change = self.tracker(id, now).on_hook(&hook, now);
        self.apply(id, change, now);
    }

    /// The session's screen changed (or its program ended).
    pub(super) fn observe(&mut self, id: SessionId, now: Instant) {
        if self.registry.get(id).is_none() {
            return;
        }
        self.tracker(id, now);
        let (Some(session), Some(tracker), rules) = (
            self.registry.get(id),
            self.trackers.get_mut(&id),
            &self.opts.rules,
        ) else {
            return;
        };
        let ended = session.status();
        if !ended.is_live() {
            tracker.on_exit(ended);
            self.needs_draw = true;
            return;
        }
        let change = if !self.opts.claude {
            tracker.on_output(now)
        } else if tracker.reads_screen() {
            // Copying the screen's text is the costly part: only when the
            // tracker will read it.
            let text = session.term().screen().contents();
            tracker.on_screen(&text, rules, now)
        } else {
            return;
        };
        self.apply(id, change, now);
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
        for id in due {
            if let Some(t) = self.trackers.get_mut(&id) {
                let change = t.on_deadline(now);
                self.apply(id, change, now);
            }
        }
    }

    fn apply(&mut self, id: SessionId, change: Change, now: Instant) {
        if change.status.is_some() {
            // The tab bar shows every session's status.
            self.needs_draw = true;
        }
        let why = change
            .needs_user
            .or_else(|| change.turn_finished.then(|| "finished".to_string()));
        let Some(why) = why else {
            return;
        };
        let focused = self.registry.at(self.focused).map(Session::id) == Some(id);
        if !focused {
            self.attention.entry(id).or_insert(now);
            self.needs_draw = true;
        }
        if self.opts.notify && (!focused || !self.host_focused) {
            self.notify_host(id, &why);
        }
    }

    /// What to show for a session: how its program ended, else what its
    /// tracker knows.
    pub(super) fn status_of(&self, session: &Session) -> Status {
        let process = session.status();
        if !process.is_live() {
            return process;
        }
        self.trackers
            .get(&session.id())
            .map_or(Status::Starting, |t| t.status().clone())
    }

    pub(super) fn task_of(&self, id: SessionId) -> Option<String> {
        self.trackers
            .get(&id)
            .and_then(|t| t.task())
            .map(str::to_string)
    }

    pub(super) fn reason_of(&self, id: SessionId) -> Option<String> {
        self.trackers
            .get(&id)
            .and_then(|t| t.waiting_reason())
            .map(str::to_string)
    }
}
