//! Keys, pastes and the mouse, routed by what is on screen.

use std::time::Instant;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};

use super::draw;
use super::{App, Back, Confirm, TableView, View};
use crate::action::Action;
use crate::keys::{InputModes, KeyLookup, encode_key, encode_mouse, encode_paste};
use crate::picker::{Picker, PickerOutcome};
use crate::session::{STOP_GRACE, Status};
use crate::ui::tabbar::tab_at;

/// Lines one wheel notch scrolls our own scrollback.
const WHEEL_LINES: usize = 3;

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent, now: Instant) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        let view = std::mem::replace(&mut self.view, View::Tabs);
        self.view = match view {
            View::Tabs => {
                self.on_tabs_key(key, now);
                return;
            }
            View::Scroll { offset, seen } => {
                self.view = View::Scroll { offset, seen };
                self.on_scroll_key(key, now);
                return;
            }
            View::Table(table) => {
                self.view = View::Table(table);
                self.on_table_key(key, table, now);
                return;
            }
            View::Picker { mut picker, back } => match picker.handle_key(key) {
                PickerOutcome::Pending => View::Picker { picker, back },
                PickerOutcome::Cancel => back_to(back),
                PickerOutcome::Open { dir, .. } => {
                    self.open_session(dir, now);
                    View::Tabs
                }
            },
            View::Help => match key.code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::Enter => {
                    View::Tabs
                }
                _ => View::Help,
            },
            View::Confirm(confirm) => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => self.confirmed(confirm, now),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => match confirm {
                    Confirm::Stop { back, .. } => back_to(back),
                    Confirm::Quit => View::Tabs,
                },
                _ => View::Confirm(confirm),
            },
        };
        self.needs_draw = true;
    }

    fn on_tabs_key(&mut self, key: KeyEvent, now: Instant) {
        if self.prefix {
            self.prefix = false;
            self.message = None;
            self.needs_draw = true;
            match self.opts.keymap.lookup_prefixed(&key) {
                Some(action) => self.act(action, now),
                None => {
                    let prefix = self.opts.keymap.prefix_label();
                    self.say(format!("{prefix}: no binding for that key"), now);
                }
            }
            return;
        }
        match self.opts.keymap.lookup(&key) {
            KeyLookup::Action(action) => self.act(action, now),
            KeyLookup::Prefix => {
                self.prefix = true;
                let prefix = self.opts.keymap.prefix_label();
                self.say(format!("{prefix} … (? for help)"), now);
            }
            KeyLookup::Unbound => self.send_key(&key),
        }
    }

    fn send_key(&mut self, key: &KeyEvent) {
        if let Some(s) = self.registry.at(self.focused) {
            let modes = InputModes::of(&s.term());
            s.write(encode_key(key, &modes));
        }
    }

    pub(super) fn act(&mut self, action: Action, now: Instant) {
        self.needs_draw = true;
        match action {
            Action::NextTab => {
                let n = self.registry.len().max(1);
                self.focus((self.focused + 1) % n);
            }
            Action::PrevTab => {
                let n = self.registry.len().max(1);
                self.focus((self.focused + n - 1) % n);
            }
            Action::GoToTab(n) => {
                if usize::from(n) <= self.registry.len() && n > 0 {
                    self.focus(usize::from(n) - 1);
                }
            }
            Action::SessionTable => {
                self.view = View::Table(TableView {
                    selected: self.focused,
                    ..TableView::default()
                });
            }
            Action::DirectoryPicker => self.open_picker(Back::Tabs),
            Action::StopSession => {
                if let Some(id) = self.registry.at(self.focused).map(|s| s.id()) {
                    self.stop_or_close(id, Back::Tabs, now);
                }
            }
            // Like Shift-PgUp in a terminal: a page up at once.
            Action::ScrollBack => self.set_scroll(self.page()),
            Action::Help => self.view = View::Help,
            Action::Quit => {
                if self.registry.live_count() == 0 {
                    self.quit = true;
                } else {
                    self.view = View::Confirm(Confirm::Quit);
                }
            }
            Action::SendPrefix => {
                let key = self.opts.keymap.prefix_event();
                self.send_key(&key);
            }
            Action::ShowId => {
                if let Some(id) = self.registry.at(self.focused).map(|s| s.id()) {
                    self.show_full_id = true;
                    let encoded = base64_encode(id.to_string().as_bytes());
                    self.copy_to_host(&encoded);
                    self.say(format!("session id {id} copied to the clipboard"), now);
                }
            }
            Action::NextAttention => {
                // Marked sessions, oldest first; then any other that waits
                // for the user (one left waiting while it was looked at).
                let oldest = self
                    .attention
                    .iter()
                    .min_by_key(|(_, since)| **since)
                    .and_then(|(id, _)| self.registry.index_of(*id))
                    .or_else(|| {
                        self.registry.iter().enumerate().position(|(i, s)| {
                            i != self.focused && self.status_of(s) == Status::Waiting
                        })
                    });
                match oldest {
                    Some(i) => {
                        self.view = View::Tabs;
                        self.focus(i);
                    }
                    None => self.say("no session needs you", now),
                }
            }
        }
    }

    /// Stop asks first while the program runs; an ended session's tab just
    /// closes.
    fn stop_or_close(&mut self, id: crate::session::SessionId, back: Back, now: Instant) {
        let live = self.registry.get(id).is_some_and(|s| s.status().is_live());
        if live {
            self.view = View::Confirm(Confirm::Stop { id, back });
        } else {
            self.registry.close(id);
            self.attention.remove(&id);
            self.focused = self.focused.min(self.registry.len().saturating_sub(1));
            self.trackers.remove(&id);
            self.view = back_to(back);
            self.say("closed", now);
        }
    }

    fn confirmed(&mut self, confirm: Confirm, now: Instant) -> View {
        match confirm {
            Confirm::Stop { id, back } => {
                if let Some(s) = self.registry.get(id) {
                    s.stop(STOP_GRACE);
                    self.say(format!("stopping {}", s.id().short()), now);
                }
                back_to(back)
            }
            Confirm::Quit => {
                self.quit = true;
                View::Tabs
            }
        }
    }

    fn open_picker(&mut self, back: Back) {
        let picker = Picker::new(
            self.opts.picker_start.clone(),
            self.opts.recent.dirs().to_vec(),
            self.opts.show_hidden,
            self.opts.home.clone(),
        );
        self.view = View::Picker {
            picker: Box::new(picker),
            back,
        };
    }

    fn on_scroll_key(&mut self, key: KeyEvent, _now: Instant) {
        let View::Scroll { offset, .. } = self.view else {
            return;
        };
        let page = self.page();
        let offset = match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => {
                self.view = View::Tabs;
                self.needs_draw = true;
                return;
            }
            KeyCode::Up | KeyCode::Char('k') => offset + 1,
            KeyCode::Down | KeyCode::Char('j') => offset.saturating_sub(1),
            KeyCode::PageUp | KeyCode::Char('b') => offset + page,
            KeyCode::PageDown | KeyCode::Char('f') | KeyCode::Char(' ') => {
                offset.saturating_sub(page)
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                offset + page / 2
            }
            KeyCode::Char('d') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                offset.saturating_sub(page / 2)
            }
            KeyCode::Home | KeyCode::Char('g') => usize::MAX,
            KeyCode::End | KeyCode::Char('G') => 0,
            _ => offset,
        };
        self.set_scroll(offset);
    }

    /// A page of scrollback: the screen's height less a line of context.
    fn page(&self) -> usize {
        usize::from(draw::session_size(self.size).0.max(2) - 1)
    }

    fn set_scroll(&mut self, offset: usize) {
        let (max, seen) = self.registry.at(self.focused).map_or((0, 0), |s| {
            let term = s.term();
            (term.screen().scrollback_len(), term.lines_scrolled())
        });
        self.view = View::Scroll {
            offset: offset.min(max),
            seen,
        };
        self.needs_draw = true;
    }

    fn on_table_key(&mut self, key: KeyEvent, table: TableView, now: Instant) {
        let rows = self.table_rows(&table);
        let last = rows.len().saturating_sub(1);
        let selected = table.selected.min(last);
        let index = rows.get(selected).copied();
        let id = index.and_then(|i| self.registry.at(i)).map(|s| s.id());
        let select = |selected| View::Table(TableView { selected, ..table });
        self.needs_draw = true;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.view = select(selected.saturating_sub(1)),
            KeyCode::Down | KeyCode::Char('j') => self.view = select((selected + 1).min(last)),
            KeyCode::Home | KeyCode::Char('g') => self.view = select(0),
            KeyCode::End | KeyCode::Char('G') => self.view = select(last),
            KeyCode::Enter => {
                if let Some(i) = index {
                    self.view = View::Tabs;
                    self.focus(i);
                }
            }
            KeyCode::Esc | KeyCode::Char('q') => self.view = View::Tabs,
            KeyCode::Char('n') => self.open_picker(Back::Table(table)),
            KeyCode::Char('a') => {
                self.view = View::Table(TableView {
                    selected: 0,
                    attention_first: !table.attention_first,
                    ..table
                });
            }
            KeyCode::Char('f') => {
                self.view = View::Table(TableView {
                    selected: 0,
                    filter: table.filter.next(),
                    ..table
                });
            }
            KeyCode::Char('x') => {
                if let Some(id) = id {
                    self.stop_or_close(id, Back::Table(table), now);
                }
            }
            KeyCode::Char('r') => {
                if let Some(id) = id {
                    match self.registry.restart(id) {
                        Some(_) => {
                            self.trackers.remove(&id);
                            self.attention.remove(&id);
                            self.say("restarted", now);
                        }
                        None => self.say("still running: stop it first (x)", now),
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_paste(&mut self, text: &str) {
        match &mut self.view {
            View::Picker { picker, .. } => {
                picker.handle_paste(text);
                self.needs_draw = true;
            }
            View::Tabs => {
                if let Some(s) = self.registry.at(self.focused) {
                    let modes = InputModes::of(&s.term());
                    s.write(encode_paste(text, &modes));
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) {
        let layout = draw::layout(self.size);
        let (x, y) = (mouse.column, mouse.row);
        if y == layout.tabs.y && layout.tabs.height > 0 {
            if let MouseEventKind::Down(_) = mouse.kind
                && matches!(self.view, View::Tabs | View::Scroll { .. })
            {
                let infos = self.infos();
                if let Some(i) = tab_at(layout.tabs, &infos, self.focused, x) {
                    self.focus(i);
                }
            }
            return;
        }
        let body = layout.body;
        let inside = x >= body.x && x < body.right() && y >= body.y && y < body.bottom();
        if !inside {
            return;
        }
        match self.view {
            View::Tabs => {
                let Some(s) = self.registry.at(self.focused) else {
                    return;
                };
                let modes = InputModes::of(&s.term());
                if let Some(bytes) = encode_mouse(&mouse, x - body.x, y - body.y, &modes) {
                    s.write(bytes);
                } else if mouse.kind == MouseEventKind::ScrollUp {
                    self.set_scroll(WHEEL_LINES);
                }
            }
            View::Scroll { offset, .. } => match mouse.kind {
                MouseEventKind::ScrollUp => self.set_scroll(offset + WHEEL_LINES),
                MouseEventKind::ScrollDown if offset <= WHEEL_LINES => {
                    self.view = View::Tabs;
                    self.needs_draw = true;
                }
                MouseEventKind::ScrollDown => self.set_scroll(offset - WHEEL_LINES),
                _ => {}
            },
            View::Table(table) => {
                let last = self.table_rows(&table).len().saturating_sub(1);
                let selected = match mouse.kind {
                    MouseEventKind::ScrollUp => table.selected.saturating_sub(1),
                    MouseEventKind::ScrollDown => (table.selected + 1).min(last),
                    _ => table.selected,
                };
                self.view = View::Table(TableView { selected, ..table });
                self.needs_draw = true;
            }
            _ => {}
        }
    }
}

fn back_to(back: Back) -> View {
    match back {
        Back::Tabs => View::Tabs,
        Back::Table(table) => View::Table(table),
    }
}

fn base64_encode(bytes: &[u8]) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .encode(bytes)
        .into_bytes()
}
