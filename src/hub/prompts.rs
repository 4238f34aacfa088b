//! A prompt queue per session: prompts wait their turn and go in, as if
//! typed and submitted, only while the session is idle at its prompt.
//!
//! Never while it is busy, never into a permission prompt or another dialog
//! (a session waiting for the user holds its queue until answered), never
//! into a program that is not Claude Code unless asked (`raw`). Idle is
//! already settled: the tracker turns a session idle only once its turn has
//! been over for a moment (`status::IDLE_DEBOUNCE`), so Claude carrying on
//! after a Stop never gets a prompt typed over it. The next prompt goes in
//! only once the previous one's turn is over. A prompt leaves the queue only
//! once it is delivered.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::Hub;
use crate::keys::{InputModes, encode_paste};
use crate::session::{SessionId, Status};

/// The Enter that submits a pasted prompt goes once the program has shown
/// the paste (its output after it) and then been quiet this long, as a
/// person presses Enter after seeing the text in: sent sooner, a program
/// still taking the paste in (Claude Code on a loaded machine) reads the
/// Enter with it and drops it, and the prompt sits unsent.
pub const ENTER_DELAY: Duration = Duration::from_millis(100);
/// The Enter goes this long after the paste at the latest, for a program
/// that shows nothing of it.
pub const ENTER_MAX: Duration = Duration::from_secs(2);
/// A delivered prompt whose turn never visibly started (a slash command
/// that answers at once) counts as done after this long idle.
pub const NO_TURN: Duration = Duration::from_secs(5);

/// A prompt waiting in a session's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    /// Unique in this server's life (not saved: given anew on restore).
    #[serde(skip)]
    pub id: u64,
    pub text: String,
    /// Typed into a program ccmux does not know to be Claude Code.
    pub raw: bool,
}

/// What became of a prompt handed to `Hub::send`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// It went in at once.
    Delivered(u64),
    /// It waits in the queue at this 1-based position.
    Queued(u64, usize),
}

/// How a delivered prompt's turn ended, for whoever waits on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnEnd {
    /// The turn is over (idle again).
    Done,
    /// The session asks the user (a permission prompt, a question): why.
    NeedsUser(String),
    /// Its program ended: how.
    Exited(String),
}

/// One session's queue and where its current prompt is.
#[derive(Debug, Default)]
pub(super) struct Queue {
    pub prompts: VecDeque<Prompt>,
    pub paused: bool,
    /// The prompt pasted in and waiting for its Enter: its id, when it was
    /// pasted and when the session last showed output since.
    pasted: Option<(u64, Instant, Option<Instant>)>,
    /// The prompt submitted and not yet done: its id, when it went in, and
    /// whether its turn was seen to start.
    current: Option<(u64, Instant, bool)>,
}

impl Hub {
    /// Queues `text` for session `id` and delivers it at once if the session
    /// is ready. An error for the user when the session cannot take it.
    pub fn send(
        &mut self,
        id: SessionId,
        text: String,
        raw: bool,
        now: Instant,
    ) -> Result<Sent, String> {
        let session = self
            .registry
            .get(id)
            .ok_or_else(|| format!("no session {}", id.short()))?;
        if !session.spec().claude && !raw {
            return Err(format!(
                "{} runs {}, not Claude Code: --raw types into it anyway",
                id.short(),
                session.spec().program
            ));
        }
        if !session.status().is_live() {
            return Err(format!("{} has ended", id.short()));
        }
        self.next_prompt += 1;
        let prompt_id = self.next_prompt;
        let queue = self.prompts.entry(id).or_default();
        queue.prompts.push_back(Prompt {
            id: prompt_id,
            text,
            raw,
        });
        let position = queue.prompts.len();
        self.state_dirty = true;
        self.shown_changed();
        self.deliver_ready(now);
        let still_queued = self
            .prompts
            .get(&id)
            .is_some_and(|q| q.prompts.iter().any(|p| p.id == prompt_id));
        Ok(if still_queued {
            Sent::Queued(prompt_id, position)
        } else {
            Sent::Delivered(prompt_id)
        })
    }

    /// The prompts waiting for `id`, next first.
    pub fn queue_of(&self, id: SessionId) -> Vec<Prompt> {
        self.prompts
            .get(&id)
            .map(|q| q.prompts.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// All prompts waiting, in every session.
    pub fn queued_prompts(&self) -> usize {
        self.prompts.values().map(|q| q.prompts.len()).sum()
    }

    pub fn is_paused(&self, id: SessionId) -> bool {
        self.prompts.get(&id).is_some_and(|q| q.paused)
    }

    /// Holds (or lets go) a session's queue.
    pub fn set_paused(&mut self, id: SessionId, paused: bool, now: Instant) {
        self.prompts.entry(id).or_default().paused = paused;
        self.state_dirty = true;
        self.shown_changed();
        self.deliver_ready(now);
    }

    /// Removes a waiting prompt.
    pub fn remove_prompt(&mut self, id: SessionId, prompt: u64) {
        if let Some(q) = self.prompts.get_mut(&id) {
            q.prompts.retain(|p| p.id != prompt);
            self.state_dirty = true;
            self.shown_changed();
        }
    }

    /// Moves a waiting prompt `by` places (negative: sooner).
    pub fn move_prompt(&mut self, id: SessionId, prompt: u64, by: isize) {
        let Some(q) = self.prompts.get_mut(&id) else {
            return;
        };
        let Some(from) = q.prompts.iter().position(|p| p.id == prompt) else {
            return;
        };
        let to = from
            .saturating_add_signed(by)
            .min(q.prompts.len().saturating_sub(1));
        if let Some(p) = q.prompts.remove(from) {
            q.prompts.insert(to, p);
        }
        self.state_dirty = true;
        self.shown_changed();
    }

    /// Replaces a waiting prompt's text.
    pub fn edit_prompt(&mut self, id: SessionId, prompt: u64, text: String) {
        if let Some(p) = self
            .prompts
            .get_mut(&id)
            .and_then(|q| q.prompts.iter_mut().find(|p| p.id == prompt))
        {
            p.text = text;
            self.state_dirty = true;
            self.shown_changed();
        }
    }

    /// Turn ends of delivered prompts since the last call, for `--wait`.
    pub fn take_turn_ends(&mut self) -> Vec<(u64, SessionId, TurnEnd)> {
        std::mem::take(&mut self.turn_ends)
    }

    /// When a queue next needs a look: an Enter due, a settle time ending.
    pub(super) fn prompts_deadline(&self) -> Option<Instant> {
        self.prompts
            .values()
            .filter_map(|q| {
                let enter = q.pasted.map(enter_due);
                let no_turn = q
                    .current
                    .filter(|(_, _, started)| !started)
                    .map(|(_, at, _)| at + NO_TURN);
                [enter, no_turn].into_iter().flatten().min()
            })
            .min()
    }

    /// Follows each session's status: the current prompt's turn starting
    /// and ending, and since when it is idle; then delivers what is due.
    pub(super) fn deliver_ready(&mut self, now: Instant) {
        let ids: Vec<SessionId> = self.prompts.keys().copied().collect();
        for id in ids {
            let status = self
                .registry
                .get(id)
                .map(|s| self.status_of(s))
                .unwrap_or(Status::Exited(0));
            let reason = self
                .trackers
                .get(&id)
                .and_then(|t| t.waiting_reason())
                .unwrap_or("needs you")
                .to_string();
            let Some(q) = self.prompts.get_mut(&id) else {
                continue;
            };
            let (write, end) = q.step(&status, reason, now);
            if let Some((prompt, end)) = end {
                self.turn_ends.push((prompt, id, end));
            }
            if let Some(bytes) = write {
                self.state_dirty = true;
                self.shown_changed();
                if let Some(s) = self.registry.get(id) {
                    let bytes = match bytes {
                        Write::Paste(text) => encode_paste(&text, &InputModes::of(&s.term())),
                        Write::Enter => b"\r".to_vec(),
                    };
                    s.write(bytes);
                }
            }
        }
    }
}

/// What a queue asks to type into its session.
enum Write {
    Paste(String),
    Enter,
}

impl Queue {
    /// One look at the queue with its session in `status`: what to type,
    /// and the current prompt's turn end if it ended.
    fn step(
        &mut self,
        status: &Status,
        reason: String,
        now: Instant,
    ) -> (Option<Write>, Option<(u64, TurnEnd)>) {
        // The Enter after a pasted prompt.
        if let Some(pasted) = self.pasted {
            if now < enter_due(pasted) {
                return (None, None);
            }
            let (prompt, _, _) = pasted;
            self.pasted = None;
            self.current = Some((prompt, now, false));
            return (Some(Write::Enter), None);
        }
        // The current prompt's turn.
        let mut ended = None;
        if let Some((prompt, at, started)) = self.current {
            let end = match status {
                Status::Busy => {
                    self.current = Some((prompt, at, true));
                    None
                }
                // A script waiting on it hears; the queue holds until the
                // user has answered and the turn is over.
                Status::Waiting => Some(TurnEnd::NeedsUser(reason)),
                Status::Idle if started || now >= at + NO_TURN => Some(TurnEnd::Done),
                Status::Exited(_) | Status::Failed(_) => {
                    Some(TurnEnd::Exited(super::life::ending(status)))
                }
                _ => None,
            };
            let Some(end) = end else {
                return (None, None);
            };
            self.current = None;
            ended = Some((prompt, end));
        }
        // Idle (a turn just over, or long ago): the next one goes in.
        let due = !self.paused && *status == Status::Idle;
        if !due {
            return (None, ended);
        }
        let Some(prompt) = self.prompts.pop_front() else {
            return (None, ended);
        };
        self.pasted = Some((prompt.id, now, None));
        (Some(Write::Paste(prompt.text)), ended)
    }

    /// The session showed output at `now`: a paste waiting for its Enter
    /// was seen (or is still being drawn).
    pub(super) fn output(&mut self, now: Instant) {
        if let Some((_, _, seen)) = &mut self.pasted {
            *seen = Some(now);
        }
    }
}

/// When the Enter of a paste is due: `ENTER_DELAY` after the last output
/// that followed it, `ENTER_MAX` after it at the latest.
fn enter_due((_, pasted, seen): (u64, Instant, Option<Instant>)) -> Instant {
    let latest = pasted + ENTER_MAX;
    seen.map_or(latest, |seen| (seen + ENTER_DELAY).min(latest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(texts: &[&str]) -> Queue {
        let mut q = Queue::default();
        for (i, t) in texts.iter().enumerate() {
            q.prompts.push_back(Prompt {
                id: i as u64 + 1,
                text: t.to_string(),
                raw: false,
            });
        }
        q
    }

    fn typed(w: Option<Write>) -> Option<String> {
        w.map(|w| match w {
            Write::Paste(text) => text,
            Write::Enter => "\r".into(),
        })
    }

    #[test]
    fn nothing_goes_in_while_busy_waiting_paused_or_starting() {
        let t = Instant::now();
        for status in [
            Status::Busy,
            Status::Waiting,
            Status::Starting,
            Status::Running,
        ] {
            let mut q = queue(&["a"]);
            assert_eq!(
                typed(q.step(&status, String::new(), t).0),
                None,
                "{status:?}"
            );
        }
        let mut q = queue(&["a"]);
        q.paused = true;
        assert_eq!(typed(q.step(&Status::Idle, String::new(), t).0), None);
    }

    #[test]
    fn one_prompt_a_turn_pasted_then_entered() {
        let t = Instant::now();
        let mut q = queue(&["a", "b"]);
        let idle = Status::Idle;
        assert_eq!(
            typed(q.step(&idle, String::new(), t).0).as_deref(),
            Some("a")
        );
        assert_eq!(
            typed(q.step(&idle, String::new(), t + ENTER_DELAY).0),
            None,
            "Enter not due before the paste shows"
        );
        let shown = t + ENTER_DELAY;
        q.output(shown);
        assert_eq!(
            typed(q.step(&idle, String::new(), shown).0),
            None,
            "Enter not due while the paste is drawn"
        );
        let entered = shown + ENTER_DELAY;
        assert_eq!(
            typed(q.step(&idle, String::new(), entered).0).as_deref(),
            Some("\r")
        );
        // Still idle right after the Enter: the turn has not begun.
        assert_eq!(typed(q.step(&idle, String::new(), entered).0), None);
        assert_eq!(q.step(&Status::Busy, String::new(), entered).1, None);
        // Waiting ends what a script waits for, and holds the queue.
        let (w, end) = q.step(&Status::Waiting, "needs permission".into(), entered);
        assert_eq!(typed(w), None);
        assert_eq!(
            end,
            Some((1, TurnEnd::NeedsUser("needs permission".into())))
        );
        assert_eq!(
            typed(q.step(&Status::Waiting, String::new(), entered).0),
            None
        );
        // Answered, the turn over: the next prompt goes in at once.
        let (w, end) = q.step(&idle, String::new(), entered);
        assert_eq!((typed(w).as_deref(), end), (Some("b"), None));
    }

    #[test]
    fn a_prompt_that_starts_no_turn_is_done_after_a_while() {
        let t = Instant::now();
        let mut q = queue(&["/help"]);
        q.step(&Status::Idle, String::new(), t);
        q.output(t);
        q.step(&Status::Idle, String::new(), t + ENTER_DELAY);
        let later = t + ENTER_DELAY + NO_TURN;
        assert_eq!(
            q.step(&Status::Idle, String::new(), later).1,
            Some((1, TurnEnd::Done))
        );
    }

    #[test]
    fn a_paste_nothing_shows_is_entered_in_the_end() {
        let t = Instant::now();
        let mut q = queue(&["a"]);
        q.step(&Status::Idle, String::new(), t);
        let almost = t + ENTER_MAX - Duration::from_millis(1);
        assert_eq!(typed(q.step(&Status::Idle, String::new(), almost).0), None);
        let (w, _) = q.step(&Status::Idle, String::new(), t + ENTER_MAX);
        assert_eq!(typed(w).as_deref(), Some("\r"));
    }
}
