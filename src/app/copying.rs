//! Copy mode in the App: entering it, its keys, pastes and mouse, and the
//! clipboard. What copy mode does is `crate::copy`; this is where it meets
//! the session (its history, read under its Term lock) and the terminal.

use std::time::Instant;

use ratatui::crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};

use super::{App, View};
use crate::copy::{CopyKey, CopyMode, History, Outcome, Pos};
use crate::hub::Hub;
use crate::keys::KeyLookup;
use crate::session::MAX_CLIPBOARD;
use crate::session::SessionId;

/// Lines one wheel notch scrolls.
const WHEEL_LINES: i64 = 3;

/// Runs `f` on session `id`'s history, under its Term lock. The one place
/// copy mode reads a session: the screen is shared by every viewer, and
/// `History` only reads it.
pub(super) fn with_history<R>(
    hub: &Hub,
    id: Option<SessionId>,
    f: impl FnOnce(&History) -> R,
) -> Option<R> {
    let session = hub.registry().get(id?)?;
    let term = session.term();
    let history = History::new(term.screen(), term.lines_scrolled());
    Some(f(&history))
}

impl App {
    /// Copy mode on the focused session, at the bottom with the cursor where
    /// the program's is, if not in it already. False without a session.
    fn enter_copy(&mut self, hub: &Hub) -> bool {
        if matches!(self.view, View::Copy(_)) {
            return true;
        }
        let mode = with_history(hub, self.focused, |h| CopyMode::new(h, h.cursor()));
        match mode {
            Some(mode) => {
                self.view = View::Copy(Box::new(mode));
                self.needs_draw = true;
                true
            }
            None => false,
        }
    }

    /// Runs `f` on this App's copy mode and the focused session's history.
    fn in_copy<R>(&mut self, hub: &Hub, f: impl FnOnce(&mut CopyMode, &History) -> R) -> Option<R> {
        let View::Copy(mode) = &mut self.view else {
            return None;
        };
        self.needs_draw = true;
        with_history(hub, self.focused, |h| f(mode, h))
    }

    /// The scroll-back key: copy mode a page up, as Shift-PgUp scrolls a
    /// terminal (or a page further, in copy mode already).
    pub(super) fn scroll_back(&mut self, hub: &Hub) {
        if self.enter_copy(hub) {
            self.in_copy(hub, |mode, h| mode.act(CopyKey::PageUp, h));
        }
    }

    pub(super) fn on_copy_key(&mut self, hub: &mut Hub, key: KeyEvent, now: Instant) {
        self.needs_draw = true;
        let prompting = matches!(&self.view, View::Copy(mode) if mode.prompting());
        // The prefix and its commands work in copy mode as anywhere.
        if !prompting && (self.prefix || self.opts.keymap.lookup(&key) == KeyLookup::Prefix) {
            self.on_tabs_key(hub, key, now);
            return;
        }
        let outcome = self
            .in_copy(hub, |mode, h| mode.key(&key, h))
            .unwrap_or(Outcome::Leave);
        match outcome {
            Outcome::Stay => {}
            Outcome::Leave => self.view = View::Tabs,
            Outcome::Copy(text) => {
                self.view = View::Tabs;
                self.copy_text(&text, now);
            }
            // Any other key leaves copy mode and is what it is outside:
            // a binding of ours, else a key for the session (as in tmux).
            Outcome::NotMine => match self.opts.keymap.lookup(&key) {
                KeyLookup::Action(action) => self.act(hub, action, now),
                _ => {
                    self.view = View::Tabs;
                    self.send_key(hub, &key, now);
                }
            },
        }
    }

    /// A paste in copy mode is typed into the search prompt if it is open;
    /// otherwise copy mode ends and the paste goes to the session.
    pub(super) fn on_copy_paste(&mut self, hub: &mut Hub, text: &str, now: Instant) {
        let prompting = matches!(&self.view, View::Copy(mode) if mode.prompting());
        if prompting {
            self.in_copy(hub, |mode, h| mode.prompt_paste(text, h));
        } else {
            self.view = View::Tabs;
            self.needs_draw = true;
            self.send_paste(hub, text, now);
        }
    }

    /// The mouse over the session's screen while ccmux has it (not passed on
    /// to the program): the wheel scrolls back, a drag selects and copies.
    /// `at` is the cell under the pointer, in the screen's own rows and
    /// columns (a row outside the screen while dragging scrolls).
    pub(super) fn on_screen_mouse(
        &mut self,
        hub: &Hub,
        mouse: &MouseEvent,
        at: (i32, u16),
        now: Instant,
    ) {
        let (row, col) = at;
        let in_copy = matches!(self.view, View::Copy(_));
        match mouse.kind {
            MouseEventKind::ScrollUp => {
                if !self.enter_copy(hub) {
                    return;
                }
                self.in_copy(hub, |mode, h| mode.scroll(h, -WHEEL_LINES));
            }
            MouseEventKind::ScrollDown if in_copy => {
                let leave = self.in_copy(hub, |mode, h| {
                    mode.scroll(h, WHEEL_LINES);
                    mode.at_bottom(h) && !mode.selecting() && !mode.prompting()
                });
                if leave.unwrap_or(true) {
                    self.view = View::Tabs;
                }
            }
            MouseEventKind::Down(MouseButton::Left) => {
                self.press = Some((row, col));
                if in_copy {
                    self.in_copy(hub, |mode, h| {
                        let line = mode.top().saturating_add_signed(i64::from(row));
                        mode.click(h, Pos::new(line, col));
                    });
                }
            }
            MouseEventKind::Drag(MouseButton::Left) => {
                let Some((press_row, press_col)) = self.press else {
                    return;
                };
                // A drag over the live screen starts copy mode with its
                // selection, from where the button went down.
                if !in_copy {
                    if !self.enter_copy(hub) {
                        return;
                    }
                    self.in_copy(hub, |mode, h| {
                        let line = mode.top().saturating_add_signed(i64::from(press_row));
                        mode.click(h, Pos::new(line, press_col));
                    });
                }
                self.in_copy(hub, |mode, h| mode.drag(h, row, col));
            }
            MouseEventKind::Up(MouseButton::Left) => {
                self.press = None;
                if let Some(Outcome::Copy(text)) = self.in_copy(hub, |mode, h| mode.release(h)) {
                    self.view = View::Tabs;
                    self.copy_text(&text, now);
                }
            }
            _ => {}
        }
    }

    /// Sets the terminal's clipboard to `text` with OSC 52, as the config
    /// allows, and says what became of it.
    fn copy_text(&mut self, text: &str, now: Instant) {
        let n = text.chars().count();
        let characters = if n == 1 { "character" } else { "characters" };
        if n == 0 {
            self.say("nothing to copy: the selection is blank", now);
        } else if !self.opts.clipboard {
            self.say("not copied: the clipboard is off (clipboard = false)", now);
        } else {
            let encoded = super::base64_encode(text.as_bytes());
            if encoded.len() > MAX_CLIPBOARD {
                self.say(
                    format!("not copied: {n} {characters} is more than a terminal takes"),
                    now,
                );
            } else {
                self.copy_to_host(&encoded);
                self.say(format!("copied {n} {characters}"), now);
            }
        }
    }
}
