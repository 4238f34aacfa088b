//! The loop's one timer, kept from turn to turn. A sleep made anew each turn went into tokio's
//! timer wheel and came out again on every turn, twice per key echo; this one is moved only
//! when the deadline does (tokio moves a later deadline lazily), and dropped while there is
//! none, so an idle server has no timer at all.

use std::pin::Pin;
use std::time::Instant;

use tokio::time::Sleep;

#[derive(Default)]
pub struct Alarm {
    sleep: Option<Pin<Box<Sleep>>>,
}

impl Alarm {
    /// Rings at `deadline` (at once if it has passed); never, for None.
    pub fn set(&mut self, deadline: Option<Instant>) {
        let Some(deadline) = deadline.map(tokio::time::Instant::from_std) else {
            self.sleep = None;
            return;
        };
        match &mut self.sleep {
            Some(sleep) if sleep.deadline() == deadline => {}
            Some(sleep) => sleep.as_mut().reset(deadline),
            None => self.sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
        }
    }

    pub fn is_set(&self) -> bool {
        self.sleep.is_some()
    }

    /// Waits for the deadline; forever when none is set. It rings again on every turn until
    /// the deadline is moved: the caller handles what was due, so the next deadline differs.
    pub async fn rung(&mut self) {
        match &mut self.sleep {
            Some(sleep) => sleep.as_mut().await,
            None => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn rings_at_the_deadline_moved_or_not() {
        // The loop's instants are std's; the paused clock is tokio's.
        let start = tokio::time::Instant::now();
        let mut alarm = Alarm::default();
        alarm.set(Some((start + Duration::from_secs(5)).into_std()));
        // Moved later: rings then, not at the first deadline.
        alarm.set(Some((start + Duration::from_secs(10)).into_std()));
        alarm.rung().await;
        assert_eq!(start.elapsed(), Duration::from_secs(10));
        // Moved earlier than the deadline it had.
        let now = tokio::time::Instant::now();
        alarm.set(Some((now + Duration::from_secs(20)).into_std()));
        alarm.set(Some((now + Duration::from_secs(1)).into_std()));
        alarm.rung().await;
        assert_eq!(now.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_deadline_it_never_rings() {
        let mut alarm = Alarm::default();
        alarm.set(Some(Instant::now() + Duration::from_secs(1)));
        alarm.set(None);
        assert!(!alarm.is_set());
        let rang = tokio::time::timeout(Duration::from_secs(3600), alarm.rung()).await;
        assert!(rang.is_err(), "an alarm without a deadline rang");
    }
}
