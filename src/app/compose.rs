//! Writing a prompt: for the focused session (`prefix m`), for the sessions
//! marked in the table (`m` there), or a queued prompt edited from the queue
//! view. A new prompt goes to `Hub::send`, which types it in at once if the
//! session is idle at its prompt and queues it otherwise; the status line
//! says which.
//!
//! Prompts go only into Claude Code unless the user says otherwise: a
//! session running another program is asked about before anything is
//! written, and a yes types the prompt into it once it has been quiet (as
//! `ccmux send --raw` does).

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::editor::{Editor, EditorKey, MAX_BYTES};
use super::input::back_to;
use super::{App, Back, View};
use crate::hub::{Hub, Prompt, Sent};
use crate::session::SessionId;

/// A prompt being written, and where it goes.
pub struct Compose {
    pub target: Target,
    pub editor: Editor,
    /// Sessions that do not run Claude Code take it too: the user said yes.
    raw: bool,
    /// The question asked before writing, while unanswered: the sessions
    /// that do not run Claude Code, with their programs.
    pub asking: Option<String>,
    pub back: Back,
    /// How wide the text was last shown, for Up and Down.
    pub width: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A new prompt for each of these sessions, in tab order.
    New(Vec<SessionId>),
    /// A queued prompt, to change.
    Edit { session: SessionId, prompt: u64 },
}

impl Compose {
    /// What Enter does, for the footer.
    pub fn submit_label(&self) -> &'static str {
        match self.target {
            Target::New(_) => "send",
            Target::Edit { .. } => "save",
        }
    }
}

fn is_claude(hub: &Hub, id: SessionId) -> bool {
    hub.registry().get(id).is_some_and(|s| s.spec().claude)
}

fn is_live(hub: &Hub, id: SessionId) -> bool {
    hub.registry().get(id).is_some_and(|s| s.status().is_live())
}

impl App {
    /// Opens the editor for a new prompt to `targets` (those still running),
    /// asking first about any that does not run Claude Code.
    pub(super) fn compose(&mut self, hub: &Hub, targets: Vec<SessionId>, back: Back, now: Instant) {
        self.needs_draw = true;
        let (live, ended): (Vec<SessionId>, Vec<SessionId>) =
            targets.into_iter().partition(|id| is_live(hub, *id));
        let names = |ids: &[SessionId]| {
            ids.iter()
                .map(|id| hub.display_name(*id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if live.is_empty() {
            let why = match ended.len() {
                0 => "no session to write to".to_string(),
                1 => format!("{} has ended: it takes no prompt", names(&ended)),
                _ => "those sessions have ended: they take no prompt".to_string(),
            };
            self.say(why, now);
            self.view = back_to(back);
            return;
        }
        if !ended.is_empty() {
            self.say(format!("left out, ended: {}", names(&ended)), now);
        }
        let others: Vec<String> = live
            .iter()
            .filter(|id| !is_claude(hub, **id))
            .filter_map(|id| {
                let program = &hub.registry().get(*id)?.spec().program;
                Some(format!("{} runs {program}", hub.display_name(*id)))
            })
            .collect();
        self.view = View::Compose(Box::new(Compose {
            target: Target::New(live),
            editor: Editor::default(),
            raw: false,
            asking: (!others.is_empty()).then(|| others.join(", ")),
            back,
            width: 0,
        }));
    }

    /// Opens the editor on a queued prompt; the queue view is where it
    /// returns.
    pub(super) fn edit_queued(&mut self, session: SessionId, prompt: &Prompt, back: Back) {
        self.needs_draw = true;
        self.view = View::Compose(Box::new(Compose {
            target: Target::Edit {
                session,
                prompt: prompt.id,
            },
            editor: Editor::with_text(&prompt.text),
            raw: prompt.raw,
            asking: None,
            back,
            width: 0,
        }));
    }

    pub(super) fn on_compose_key(
        &mut self,
        hub: &mut Hub,
        mut compose: Box<Compose>,
        key: KeyEvent,
        now: Instant,
    ) {
        self.needs_draw = true;
        if compose.asking.is_some() {
            match key.code {
                KeyCode::Char('y' | 'Y') => {
                    compose.asking = None;
                    compose.raw = true;
                }
                KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                    self.view = back_to(compose.back);
                    return;
                }
                _ => {}
            }
            self.view = View::Compose(compose);
            return;
        }
        match compose.editor.key(&key, compose.width) {
            EditorKey::Cancel => self.view = back_to(compose.back),
            EditorKey::Submit => self.submit_prompt(hub, compose, now),
            EditorKey::Edited | EditorKey::Ignored => self.view = View::Compose(compose),
        }
    }

    pub(super) fn paste_into_compose(&mut self, text: &str, now: Instant) {
        let View::Compose(compose) = &mut self.view else {
            return;
        };
        if compose.asking.is_none() && !compose.editor.insert(text) {
            let cap = MAX_BYTES / 1024;
            self.say(
                format!("a prompt holds at most {cap} KiB: the rest was left out"),
                now,
            );
        }
        self.needs_draw = true;
    }

    fn submit_prompt(&mut self, hub: &mut Hub, mut compose: Box<Compose>, now: Instant) {
        let text = compose.editor.text().trim_end().to_string();
        if text.trim().is_empty() {
            self.say("the prompt is empty: nothing to send (Esc cancels)", now);
            self.view = View::Compose(compose);
            return;
        }
        match &compose.target {
            Target::Edit { session, prompt } => {
                let (session, prompt) = (*session, *prompt);
                if hub.queue_of(session).iter().any(|p| p.id == prompt) {
                    hub.edit_prompt(session, prompt, text);
                    self.say("prompt saved", now);
                    self.view = back_to(compose.back);
                } else {
                    // Delivered (or deleted) while being edited: the edit
                    // is not lost, and not sent without a word either.
                    compose.target = Target::New(vec![session]);
                    self.say(
                        "that prompt went in meanwhile: Enter sends this text as a new one",
                        now,
                    );
                    self.view = View::Compose(compose);
                }
            }
            Target::New(ids) => {
                let sent: Vec<(SessionId, Result<Sent, String>)> = ids
                    .iter()
                    .map(|id| {
                        let raw = compose.raw && !is_claude(hub, *id);
                        (*id, hub.send(*id, text.clone(), raw, now))
                    })
                    .collect();
                let message = sent_message(hub, &sent);
                self.say(message, now);
                self.view = back_to(compose.back);
            }
        }
    }
}

/// What became of a prompt sent to each session, in a line: `api: queued
/// at position 2`, or for several `sent to 3 sessions: 1 delivered, 2
/// queued`, and which were not sent and why.
fn sent_message(hub: &Hub, sent: &[(SessionId, Result<Sent, String>)]) -> String {
    let name = |id: &SessionId| hub.display_name(*id);
    if let [(id, result)] = sent {
        return match result {
            Ok(Sent::Delivered(_)) => format!("{}: delivered", name(id)),
            Ok(Sent::Queued(_, at)) => format!("{}: queued at position {at}", name(id)),
            Err(e) => format!("{}: not sent: {e}", name(id)),
        };
    }
    let delivered = sent
        .iter()
        .filter(|(_, r)| matches!(r, Ok(Sent::Delivered(_))))
        .count();
    let queued = sent
        .iter()
        .filter(|(_, r)| matches!(r, Ok(Sent::Queued(..))))
        .count();
    let failed: Vec<String> = sent
        .iter()
        .filter_map(|(id, r)| r.as_ref().err().map(|e| format!("{} ({e})", name(id))))
        .collect();
    let mut message = format!(
        "sent to {} sessions: {delivered} delivered, {queued} queued",
        sent.len() - failed.len()
    );
    if !failed.is_empty() {
        message.push_str(&format!("; not sent to {}", failed.join(", ")));
    }
    message
}
