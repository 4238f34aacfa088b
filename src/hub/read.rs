//! Reading what sessions changed: at once for the ones a client shows (when
//! it draws), in 250 ms batches for the rest, so a flood in a hidden tab
//! costs the clients nothing per byte.

use std::time::{Duration, Instant};

use super::{Hub, Notice};
use crate::session::{Alert, SessionId};

/// What Claude Code says when it has suspended itself.
const SUSPENDED: &str = "has been suspended. Run `fg`";

/// Sessions nobody looks at are read at most this often.
pub const BACKGROUND_REFRESH: Duration = Duration::from_millis(250);

impl Hub {
    /// Session `id` sent a change. Returns whether a client shows it: those
    /// clients should draw soon, and `read_viewed` before they do.
    pub fn on_session(&mut self, id: SessionId, now: Instant) -> bool {
        if !self.unread.contains(&id) {
            self.unread.push(id);
        }
        // Also for shown sessions, so a client that cannot draw (one that
        // stopped reading) does not hold up the others' bells and statuses.
        if self.read_due.is_none() {
            let earliest = self.last_read.map_or(now, |last| last + BACKGROUND_REFRESH);
            self.read_due = Some(earliest.max(now));
        }
        self.is_viewed(id)
    }

    /// When the sessions nobody looks at are next read, if any changed.
    pub fn read_due(&self) -> Option<Instant> {
        self.read_due
    }

    /// Reads the changes of the sessions clients show, before they draw.
    pub fn read_viewed(&mut self, now: Instant) {
        let viewed: Vec<SessionId> = self
            .unread
            .iter()
            .copied()
            .filter(|id| self.is_viewed(*id))
            .collect();
        if viewed.is_empty() {
            return;
        }
        self.unread.retain(|id| !viewed.contains(id));
        // Nothing left for the batch: no wake-up for it (one came after
        // every echo, a millisecond after the frame).
        if self.unread.is_empty() {
            self.read_due = None;
        }
        for id in viewed {
            self.read(id, now);
        }
        self.note_status_changes();
        self.deliver_ready(now);
    }

    pub(super) fn read_batch(&mut self, now: Instant) {
        self.read_due = None;
        self.last_read = Some(now);
        for id in std::mem::take(&mut self.unread) {
            self.read(id, now);
        }
        self.note_status_changes();
        self.deliver_ready(now);
    }

    /// Takes a session's changes (once, for every client) and lets its
    /// tracker look.
    fn read(&mut self, id: SessionId, now: Instant) {
        let Some(session) = self.registry.get(id) else {
            return;
        };
        let changes = session.take_changes();
        if let Some(q) = self.prompts.get_mut(&id) {
            q.output(now);
        }
        // Claude Code suspends itself on Ctrl-Z (it gives the terminal back
        // in cooked mode and waits for a SIGCONT). In its own PTY nothing
        // stops it for real (its group is orphaned), so only its words say
        // so: continue it at once.
        let suspended = session.spec().claude
            && session.is_cooked()
            && session.term().screen().contents().contains(SUSPENDED);
        if suspended {
            session.continue_program();
        }
        if changes.title.is_some() {
            // The table shows titles.
            self.shown_changed();
        }
        if let Some(base64) = changes.clipboard {
            self.notices.push(Notice::Clipboard {
                session: id,
                base64,
            });
        }
        if let Some(alert) = changes.alert {
            self.alert(id, alert, now);
        }
        if changes.continued || suspended {
            let name = self.display_name(id);
            tracing::info!("{name} ({}) stopped itself; continued", id.short());
            self.notices.push(Notice::Say {
                session: id,
                text: format!(
                    "{name} was suspended (Ctrl-Z) and ccmux continued it: \
                     no shell is there to bring it back with fg"
                ),
            });
        }
        self.observe(id, now);
    }

    /// A session rang or sent a notification. Unless a client shows it, that
    /// marks it until one does; the clients' terminals hear of it within the
    /// limits (see `limit`).
    fn alert(&mut self, id: SessionId, alert: Alert, now: Instant) {
        if !self.is_viewed(id) {
            self.attention.entry(id).or_insert(now);
            self.shown_changed();
        }
        match alert {
            Alert::Bell => {
                if self.limiter.allow_bell(id, now) {
                    self.notices.push(Notice::Bell { session: id });
                }
            }
            Alert::Notification(text) => {
                if self.limiter.allow_announce(id, &text, now) {
                    let name = self.display_name(id);
                    self.notices.push(Notice::Announce {
                        session: id,
                        name,
                        why: text,
                        from_program: true,
                    });
                }
            }
        }
    }

    /// Clients redraw when a session's status moved since they were told.
    pub(super) fn note_status_changes(&mut self) {
        let moved: Vec<_> = self
            .registry
            .iter()
            .map(|s| (s.id(), self.status_of(s)))
            .filter(|(id, status)| self.shown_status.get(id) != Some(status))
            .collect();
        if !moved.is_empty() {
            self.shown_changed();
        }
        self.shown_status.extend(moved);
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::BACKGROUND_REFRESH;
    use crate::proto::NewSession;

    #[test]
    fn a_shown_session_read_for_a_frame_leaves_no_batch_to_wake_for() {
        let dir = tempfile::tempdir().expect("a directory");
        let mut hub = crate::hub::test_hub_running("cat", &[], false);
        let new = |hub: &mut crate::hub::Hub| {
            let new = NewSession {
                dir: dir.path().to_path_buf(),
                ..Default::default()
            };
            hub.start(&new, None, None, Instant::now())
                .expect("started")
                .0
        };
        let (shown, hidden) = (new(&mut hub), new(&mut hub));
        let t0 = Instant::now();
        hub.attach(1, (80, 24), t0);
        hub.focus(1, Some(shown), t0);

        assert!(hub.on_session(shown, t0), "the client shows it");
        assert_eq!(hub.read_due(), Some(t0), "due in case nobody draws");
        hub.read_viewed(t0);
        assert_eq!(hub.read_due(), None, "read for the frame, nothing is due");

        // A hidden session's change still waits for its batch.
        let t1 = t0 + Duration::from_millis(10);
        assert!(!hub.on_session(hidden, t1));
        assert!(hub.on_session(shown, t1));
        hub.read_viewed(t1);
        assert_eq!(hub.read_due(), Some(t1), "the hidden one is still to read");
        hub.on_time(t1);
        let t2 = t1 + Duration::from_millis(20);
        assert!(!hub.on_session(hidden, t2));
        assert_eq!(hub.read_due(), Some(t1 + BACKGROUND_REFRESH));
    }
}
