//! The queue view's keys: a session's waiting prompts, to reorder, edit,
//! delete, or hold (pause) and let go. Everything goes through the hub's
//! queue methods, so every client sees the same queue.

use std::time::Instant;

use ratatui::crossterm::event::KeyEvent;

use super::editor::MAX_BYTES;
use super::input::back_to;
use super::{App, Back, QueueView, View};
use crate::hub::{Hub, Prompt};
use crate::ui::queue_keys::QueueKey;

impl QueueView {
    /// The selected prompt's position in `prompts`: where the prompt it
    /// selected is now, else the same place (clamped) when it is gone.
    pub fn index_in(&self, prompts: &[Prompt]) -> usize {
        self.prompt
            .and_then(|id| prompts.iter().position(|p| p.id == id))
            .unwrap_or(self.selected)
            .min(prompts.len().saturating_sub(1))
    }

    fn select(&mut self, index: usize, prompts: &[Prompt]) {
        let index = index.min(prompts.len().saturating_sub(1));
        self.selected = index;
        self.prompt = prompts.get(index).map(|p| p.id);
    }
}

impl App {
    pub(super) fn on_queue_key(
        &mut self,
        hub: &mut Hub,
        mut view: QueueView,
        key: KeyEvent,
        now: Instant,
    ) {
        self.needs_draw = true;
        let id = view.session;
        let prompts = hub.queue_of(id);
        let at = view.index_in(&prompts);
        let selected = prompts.get(at);
        let last = prompts.len().saturating_sub(1);
        match QueueKey::of(&key) {
            Some(QueueKey::Up) => view.select(at.saturating_sub(1), &prompts),
            Some(QueueKey::Down) => view.select(at + 1, &prompts),
            Some(QueueKey::First) => view.select(0, &prompts),
            Some(QueueKey::Last) => view.select(last, &prompts),
            Some(does @ (QueueKey::Sooner | QueueKey::Later)) => {
                if let Some(p) = selected {
                    let by = if does == QueueKey::Sooner { -1 } else { 1 };
                    hub.move_prompt(id, p.id, by);
                    view.prompt = Some(p.id);
                    view.selected = at.saturating_add_signed(by).min(last);
                }
            }
            Some(QueueKey::Edit) => {
                if let Some(p) = selected {
                    if p.text.len() > MAX_BYTES {
                        let cap = MAX_BYTES / 1024;
                        self.say(format!("too long to edit here ({cap} KiB at most)"), now);
                    } else {
                        view.prompt = Some(p.id);
                        self.edit_queued(id, p, Back::Queue(view));
                        return;
                    }
                }
            }
            Some(QueueKey::Delete) => {
                if let Some(p) = selected {
                    hub.remove_prompt(id, p.id);
                    // The next one takes its place.
                    view.prompt = None;
                    view.selected = at;
                    self.say("prompt deleted", now);
                }
            }
            Some(QueueKey::Pause) => {
                let paused = !hub.is_paused(id);
                hub.set_paused(id, paused, now);
                let said = if paused {
                    "queue paused: nothing goes in until p resumes it"
                } else {
                    "queue resumed"
                };
                self.say(said, now);
            }
            Some(QueueKey::Compose) => {
                self.compose(hub, vec![id], Back::Queue(view), now);
                return;
            }
            Some(QueueKey::Back) => {
                self.view = back_to(view.back());
                return;
            }
            None => {}
        }
        self.view = View::Queue(view);
    }
}
