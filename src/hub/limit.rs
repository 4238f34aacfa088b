//! Limits on what sessions can make the user's terminal do: a session
//! announces each reason once until the user looks at it, rings at most once
//! a second, and all sessions together get a small burst and then one
//! notice a second. A program looping on BEL or OSC 9 (or a storm of
//! permission hooks) costs the user one notification, not hundreds.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use crate::session::SessionId;

/// One session's bells are at least this far apart.
pub const BELL_INTERVAL: Duration = Duration::from_secs(1);
/// Notices of all sessions together: this many at once…
pub const BURST: u32 = 10;
/// …then one more each this long.
pub const REFILL: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub struct Limiter {
    /// Reasons each session announced since the user last looked at it.
    announced: HashMap<SessionId, HashSet<String>>,
    last_bell: HashMap<SessionId, Instant>,
    /// Notices spent from the shared burst, and when the last was refilled.
    spent: u32,
    refilled: Option<Instant>,
}

impl Limiter {
    /// Whether session `id` may announce `why` now; if so, it is counted.
    pub fn allow_announce(&mut self, id: SessionId, why: &str, now: Instant) -> bool {
        if self
            .announced
            .get(&id)
            .is_some_and(|reasons| reasons.contains(why))
        {
            return false;
        }
        if !self.take(now) {
            return false;
        }
        self.announced
            .entry(id)
            .or_default()
            .insert(why.to_string());
        true
    }

    /// Whether session `id` may ring now; if so, it is counted.
    pub fn allow_bell(&mut self, id: SessionId, now: Instant) -> bool {
        if self
            .last_bell
            .get(&id)
            .is_some_and(|last| now.saturating_duration_since(*last) < BELL_INTERVAL)
        {
            return false;
        }
        if !self.take(now) {
            return false;
        }
        self.last_bell.insert(id, now);
        true
    }

    /// The user looked at `id`: it may announce everything again.
    pub fn looked(&mut self, id: SessionId) {
        self.announced.remove(&id);
        self.last_bell.remove(&id);
    }

    /// Takes one notice from the shared burst, refilling it for the time
    /// that passed. No timer: the arithmetic is done when a notice comes.
    fn take(&mut self, now: Instant) -> bool {
        let since = self.refilled.get_or_insert(now);
        let elapsed = now.saturating_duration_since(*since);
        let refills = u32::try_from(elapsed.as_nanos() / REFILL.as_nanos()).unwrap_or(u32::MAX);
        if refills > 0 {
            self.spent = self.spent.saturating_sub(refills);
            *since += REFILL * refills.min(BURST);
            if self.spent == 0 {
                *since = now;
            }
        }
        if self.spent >= BURST {
            return false;
        }
        self.spent += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_announced_once_until_the_user_looks() {
        let mut l = Limiter::default();
        let (a, b) = (SessionId::new(), SessionId::new());
        let t = Instant::now();
        assert!(l.allow_announce(a, "needs permission for Bash", t));
        for i in 0..200 {
            assert!(!l.allow_announce(
                a,
                "needs permission for Bash",
                t + Duration::from_millis(i)
            ));
        }
        assert!(l.allow_announce(a, "finished", t));
        assert!(l.allow_announce(b, "needs permission for Bash", t));
        l.looked(a);
        assert!(l.allow_announce(a, "needs permission for Bash", t + Duration::from_secs(5)));
    }

    #[test]
    fn a_session_rings_at_most_once_a_second() {
        let mut l = Limiter::default();
        let a = SessionId::new();
        let t = Instant::now();
        assert!(l.allow_bell(a, t));
        assert!(!l.allow_bell(a, t + Duration::from_millis(999)));
        assert!(l.allow_bell(a, t + BELL_INTERVAL));
    }

    #[test]
    fn all_sessions_together_get_a_burst_then_one_a_second() {
        let mut l = Limiter::default();
        let t = Instant::now();
        let allowed = (0..100)
            .filter(|i| l.allow_announce(SessionId::new(), &format!("r{i}"), t))
            .count();
        assert_eq!(allowed, BURST as usize);
        let later = t + REFILL;
        assert!(l.allow_announce(SessionId::new(), "x", later));
        assert!(!l.allow_announce(SessionId::new(), "y", later));
        // After a long quiet the whole burst is back, no more.
        let much_later = t + REFILL * 1000;
        let allowed = (0..100)
            .filter(|i| l.allow_announce(SessionId::new(), &format!("z{i}"), much_later))
            .count();
        assert_eq!(allowed, BURST as usize);
    }
}
