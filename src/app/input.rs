//! Keys, pastes and the mouse, routed by what is on screen.

use std::time::Instant;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};

use super::draw;
use super::{App, Back, Confirm, Prompt, QueueView, Switcher, TableView, View, base64_encode};
use crate::action::Action;
use crate::hub::Hub;
use crate::keys::{InputModes, KeyLookup, encode_key, encode_mouse, encode_paste};
use crate::picker::{Picker, PickerOutcome};
use crate::session::{SessionId, Status};
use crate::ui::tabbar::tab_at;
use crate::ui::table_keys::TableKey;

impl App {
    pub(super) fn on_key(&mut self, hub: &mut Hub, key: KeyEvent, now: Instant) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        let view = std::mem::replace(&mut self.view, View::Tabs);
        self.view = match view {
            View::Tabs => {
                self.on_tabs_key(hub, key, now);
                return;
            }
            View::Copy(mode) => {
                self.view = View::Copy(mode);
                self.on_copy_key(hub, key, now);
                return;
            }
            View::Table(table) => {
                self.view = View::Table(table);
                self.on_table_key(hub, key, table, now);
                return;
            }
            View::Prompt(prompt) => {
                self.on_prompt_key(hub, prompt, key, now);
                return;
            }
            View::Switcher(switcher) => {
                self.on_switcher_key(hub, switcher, key, now);
                return;
            }
            View::Compose(compose) => {
                self.on_compose_key(hub, compose, key, now);
                return;
            }
            View::Queue(queue) => {
                self.on_queue_key(hub, queue, key, now);
                return;
            }
            View::Picker { mut picker, back } => match picker.handle_key(key) {
                PickerOutcome::Pending => View::Picker { picker, back },
                PickerOutcome::Cancel => back_to(back),
                PickerOutcome::Open { dir, profile } => {
                    self.open_session(hub, dir, profile, now);
                    return;
                }
            },
            View::Help(copy) => match key.code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::Enter => {
                    copy.map_or(View::Tabs, View::Copy)
                }
                _ => View::Help(copy),
            },
            View::Confirm(confirm) => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => self.confirmed(hub, confirm, now),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => match confirm {
                    Confirm::Stop { back, .. } => back_to(back),
                    Confirm::Quit => View::Tabs,
                },
                _ => View::Confirm(confirm),
            },
        };
        self.needs_draw = true;
    }

    pub(super) fn on_tabs_key(&mut self, hub: &mut Hub, key: KeyEvent, now: Instant) {
        if self.prefix {
            self.prefix = false;
            self.unsay();
            match self.opts.keymap.lookup_prefixed(&key) {
                Some(action) => self.act(hub, action, now),
                None => {
                    let prefix = self.opts.keymap.prefix_label();
                    self.say(format!("{prefix}: no binding for that key"), now);
                }
            }
            self.next_notice(now);
            return;
        }
        match self.opts.keymap.lookup(&key) {
            KeyLookup::Action(action) => self.act(hub, action, now),
            KeyLookup::Prefix => {
                self.prefix = true;
                let prefix = self.opts.keymap.prefix_label();
                self.say(format!("{prefix} … (? for help)"), now);
            }
            KeyLookup::Unbound => self.send_key(hub, &key, now),
        }
    }

    /// Writes a key to the focused session, as it asked keys to be encoded.
    /// The user is there: the session takes this client's size.
    pub(super) fn send_key(&mut self, hub: &mut Hub, key: &KeyEvent, now: Instant) {
        let Some(id) = self.focused else { return };
        hub.typed(self.client, id, now);
        if let Some(s) = hub.registry().get(id) {
            let modes = InputModes::of(&s.term());
            s.write(encode_key(key, &modes));
        }
    }

    pub(super) fn act(&mut self, hub: &mut Hub, action: Action, now: Instant) {
        self.needs_draw = true;
        let n = hub.registry().len().max(1);
        match action {
            Action::NextTab => self.focus(hub, (self.focus_index + 1) % n, now),
            Action::PrevTab => self.focus(hub, (self.focus_index + n - 1) % n, now),
            Action::GoToTab(n) => {
                if usize::from(n) <= hub.registry().len() && n > 0 {
                    self.focus(hub, usize::from(n) - 1, now);
                }
            }
            Action::GoToNumber => self.view = View::Prompt(Prompt::go_to()),
            Action::SwitchSession => {
                self.view = View::Switcher(Box::new(Switcher::new(self.focused)));
            }
            Action::RenameSession => {
                if let Some(id) = self.focused {
                    let name = hub.display_name(id);
                    self.view = View::Prompt(Prompt::rename(id, &name));
                }
            }
            Action::SessionTable => {
                self.view = View::Table(TableView {
                    selected: self.focus_index,
                    ..TableView::default()
                });
            }
            Action::DirectoryPicker => self.open_picker(hub, Back::Tabs),
            Action::StopSession => {
                if let Some(id) = self.focused {
                    self.stop_or_close(hub, id, Back::Tabs, now);
                }
            }
            Action::ComposePrompt => {
                if let Some(id) = self.focused {
                    self.compose(hub, vec![id], Back::Tabs, now);
                }
            }
            Action::PromptQueue => {
                if let Some(id) = self.focused {
                    self.view = View::Queue(QueueView::new(id, None));
                }
            }
            // Like Shift-PgUp in a terminal: a page up at once.
            Action::ScrollBack => self.scroll_back(hub),
            Action::Help => {
                let copy = match std::mem::replace(&mut self.view, View::Tabs) {
                    View::Copy(mode) => Some(mode),
                    _ => None,
                };
                self.view = View::Help(copy);
            }
            Action::Detach => self.detach = true,
            Action::Quit => {
                if hub.registry().live_count() == 0 {
                    self.quit = true;
                } else {
                    self.view = View::Confirm(Confirm::Quit);
                }
            }
            Action::SendPrefix => {
                let key = self.opts.keymap.prefix_event();
                self.send_key(hub, &key, now);
            }
            Action::ShowId => {
                if let Some(id) = self.focused {
                    self.show_full_id = true;
                    // A Claude session's conversation id: what `claude
                    // --resume` takes, and what ccmux finds it by too.
                    let (what, shown) = match hub.conversation_of(id) {
                        Some(c) => ("conversation id", c.to_string()),
                        None => ("session id", id.to_string()),
                    };
                    let encoded = base64_encode(shown.as_bytes());
                    self.copy_to_host(&encoded);
                    self.say(format!("{what} {shown} copied to the clipboard"), now);
                }
            }
            Action::NextAttention => {
                // Marked sessions, oldest first; then any other that waits
                // for the user (one left waiting while it was looked at).
                let registry = hub.registry();
                let oldest = hub
                    .oldest_attention()
                    .and_then(|id| registry.index_of(id))
                    .or_else(|| {
                        registry.iter().enumerate().position(|(i, s)| {
                            i != self.focus_index && hub.status_of(s) == Status::Waiting
                        })
                    });
                match oldest {
                    Some(i) => {
                        self.view = View::Tabs;
                        self.focus(hub, i, now);
                    }
                    None => self.say("no session needs you", now),
                }
            }
        }
    }

    /// Stop asks first while the program runs; an ended session's tab just
    /// closes.
    fn stop_or_close(&mut self, hub: &mut Hub, id: SessionId, back: Back, now: Instant) {
        let live = hub.registry().get(id).is_some_and(|s| s.status().is_live());
        if live {
            self.view = View::Confirm(Confirm::Stop { id, back });
        } else {
            hub.close(id);
            self.sync_focus(hub, now);
            self.view = back_to(back);
            self.say("closed", now);
        }
    }

    fn confirmed(&mut self, hub: &mut Hub, confirm: Confirm, now: Instant) -> View {
        match confirm {
            Confirm::Stop { id, back } => {
                if hub.stop(id) {
                    self.say(format!("stopping {}", id.short()), now);
                }
                back_to(back)
            }
            Confirm::Quit => {
                self.quit = true;
                View::Tabs
            }
        }
    }

    fn open_picker(&mut self, hub: &Hub, back: Back) {
        let picker = Picker::new(
            self.opts.picker_start.clone(),
            hub.recent_dirs().to_vec(),
            self.opts.show_hidden,
            self.opts.home.clone(),
        )
        .with_profiles(hub.profile_names());
        self.view = View::Picker {
            picker: Box::new(picker),
            back,
        };
    }

    fn on_table_key(&mut self, hub: &mut Hub, key: KeyEvent, table: TableView, now: Instant) {
        self.marks.keep(|id| hub.registry().get(id).is_some());
        let rows = self.table_rows(hub, &table);
        let last = rows.len().saturating_sub(1);
        let selected = table.selected.min(last);
        let index = rows.get(selected).copied();
        let id = index.and_then(|i| hub.registry().at(i)).map(|s| s.id());
        let select = |selected| View::Table(TableView { selected, ..table });
        self.needs_draw = true;
        let Some(does) = TableKey::of(&key) else {
            return;
        };
        match does {
            TableKey::Up => self.view = select(selected.saturating_sub(1)),
            TableKey::Down => self.view = select((selected + 1).min(last)),
            TableKey::First => self.view = select(0),
            TableKey::Last => self.view = select(last),
            TableKey::Focus => {
                if let Some(i) = index {
                    self.view = View::Tabs;
                    self.focus(hub, i, now);
                }
            }
            TableKey::Back => self.view = View::Tabs,
            TableKey::Compose => {
                let order = hub.registry().iter().map(|s| s.id());
                let targets = self.marks.targets(order, id);
                self.compose(hub, targets, Back::Table(table), now);
            }
            TableKey::Mark => {
                if let Some(id) = id {
                    self.marks.toggle(id);
                    self.view = select((selected + 1).min(last));
                }
            }
            TableKey::UnmarkAll => self.marks.clear(),
            TableKey::Queue => {
                if let Some(id) = id {
                    self.view = View::Queue(QueueView::new(id, Some(table)));
                }
            }
            TableKey::New => self.open_picker(hub, Back::Table(table)),
            TableKey::AttentionFirst => {
                self.view = View::Table(TableView {
                    selected: 0,
                    attention_first: !table.attention_first,
                    ..table
                });
            }
            TableKey::Filter => {
                self.view = View::Table(TableView {
                    selected: 0,
                    filter: table.filter.next(),
                    ..table
                });
            }
            TableKey::Stop => {
                if let Some(id) = id {
                    self.stop_or_close(hub, id, Back::Table(table), now);
                }
            }
            TableKey::Restart | TableKey::RestartFresh => {
                if let Some(id) = id {
                    let fresh = does == TableKey::RestartFresh;
                    match hub.restart(id, fresh, now) {
                        Ok(()) if fresh => self.say("restarted in a new conversation", now),
                        Ok(()) => self.say("restarted", now),
                        Err(e) => self.say(format!("{e} (x)"), now),
                    }
                }
            }
        }
    }

    pub(super) fn on_paste(&mut self, hub: &mut Hub, text: &str, now: Instant) {
        match &mut self.view {
            View::Picker { picker, .. } => {
                picker.handle_paste(text);
                self.needs_draw = true;
            }
            View::Prompt(prompt) => {
                prompt.insert(text);
                self.needs_draw = true;
            }
            View::Switcher(switcher) => {
                switcher.paste(text, &hub.infos());
                self.needs_draw = true;
            }
            View::Compose(_) => self.paste_into_compose(text, now),
            View::Tabs => self.send_paste(hub, text, now),
            View::Copy(_) => self.on_copy_paste(hub, text, now),
            _ => {}
        }
    }

    /// Writes a paste to the focused session, bracketed if it asked.
    pub(super) fn send_paste(&mut self, hub: &mut Hub, text: &str, now: Instant) {
        let Some(id) = self.focused else { return };
        hub.typed(self.client, id, now);
        if let Some(s) = hub.registry().get(id) {
            let modes = InputModes::of(&s.term());
            s.write(encode_paste(text, &modes));
        }
    }

    pub(super) fn on_mouse(&mut self, hub: &mut Hub, mouse: MouseEvent, now: Instant) {
        let layout = draw::layout(self.size);
        let (x, y) = (mouse.column, mouse.row);
        let body = layout.body;
        // The screen's cell under the pointer; while dragging it may be
        // above or below the screen.
        let cell = (
            i32::from(y) - i32::from(body.y),
            x.saturating_sub(body.x).min(body.width.saturating_sub(1)),
        );
        // A drag that began on the screen goes on wherever the pointer goes.
        let dragging = matches!(
            mouse.kind,
            MouseEventKind::Drag(MouseButton::Left) | MouseEventKind::Up(MouseButton::Left)
        );
        if dragging && self.press.is_some() {
            self.on_screen_mouse(hub, &mouse, cell, now);
            return;
        }
        if y == layout.tabs.y && layout.tabs.height > 0 {
            if let MouseEventKind::Down(_) = mouse.kind
                && matches!(self.view, View::Tabs | View::Copy(_))
            {
                let infos = hub.infos();
                if let Some(i) = tab_at(layout.tabs, &infos, self.focus_index, x) {
                    self.focus(hub, i, now);
                }
            }
            return;
        }
        let inside = x >= body.x && x < body.right() && y >= body.y && y < body.bottom();
        if !inside {
            return;
        }
        match self.view {
            View::Tabs => {
                let Some(s) = self.focused.and_then(|id| hub.registry().get(id)) else {
                    return;
                };
                let modes = InputModes::of(&s.term());
                match encode_mouse(&mouse, x - body.x, y - body.y, &modes) {
                    Some(bytes) => s.write(bytes),
                    None => self.on_screen_mouse(hub, &mouse, cell, now),
                }
            }
            View::Copy(_) => self.on_screen_mouse(hub, &mouse, cell, now),
            View::Table(table) => {
                let last = self.table_rows(hub, &table).len().saturating_sub(1);
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

pub(super) fn back_to(back: Back) -> View {
    match back {
        Back::Tabs => View::Tabs,
        Back::Table(table) => View::Table(table),
        Back::Queue(queue) => View::Queue(queue),
    }
}
