//! Drawing the App: tab bar on top, the focused screen (or the table) in the
//! middle, the status line at the bottom, popups over them.

use std::time::SystemTime;

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::copying::with_history;
use super::{App, Back, Compose, Confirm, TableView, Target, View};
use crate::action::Action;
use crate::copy::{self, Direction};
use crate::hub::Hub;
use crate::session::{Session, SessionInfo, Status};
use crate::ui::canvas::Canvas;
use crate::ui::compose::{ComposeView, text_width};
use crate::ui::confirm::render_confirm;
use crate::ui::copy_view::{paint_marks, render_search_prompt};
use crate::ui::help::render_help;
use crate::ui::path::display_path;
use crate::ui::popup::centered;
use crate::ui::prompt::render_prompt;
use crate::ui::queue::QueueList;
use crate::ui::screen_view::ScreenView;
use crate::ui::status_style;
use crate::ui::statusline::StatusLine;
use crate::ui::switcher::{SwitcherRow, SwitcherView};
use crate::ui::tabbar::render_tab_bar;
use crate::ui::table::SessionTable;
use crate::ui::theme::Theme;

/// What copy mode puts in the status line.
pub(super) struct Copying {
    status: String,
    /// The search prompt: which way, what is typed, whether it is found.
    prompt: Option<(Direction, String, bool)>,
}

pub struct Layout {
    pub tabs: Rect,
    pub body: Rect,
    pub status: Rect,
}

/// Where everything goes on a host terminal of `size` (columns, rows). The tab
/// bar and status line give way first when the terminal is tiny, so there is
/// always at least one row of session.
pub fn layout((cols, rows): (u16, u16)) -> Layout {
    let chrome = u16::from(rows >= 3);
    let tabs = Rect::new(0, 0, cols, chrome);
    let status = Rect::new(0, rows.saturating_sub(chrome), cols, chrome);
    let body = Rect::new(0, chrome, cols, rows.saturating_sub(2 * chrome));
    Layout { tabs, body, status }
}

/// The size of every session's screen (rows, columns) for a host terminal of
/// `size` (columns, rows).
pub fn session_size(size: (u16, u16)) -> (u16, u16) {
    let body = layout(size).body;
    (body.height.max(1), body.width.max(1))
}

/// What the body shows of the focused session, read once a frame.
pub(super) enum Shown<'h> {
    Screen(&'h Session),
    /// Its program could not be started, and why.
    Failed(String),
    /// No session.
    Nothing,
}

impl App {
    /// Draws the whole frame on a blank `canvas` (`shown`: the focused session, see `paint`).
    pub(super) fn draw_whole(
        &mut self,
        hub: &Hub,
        canvas: &mut Canvas,
        wall: SystemTime,
        shown: Shown,
    ) {
        let area = canvas.area();
        let layout = layout(self.size);
        let infos = hub.infos();
        self.draw_tabs(canvas, layout.tabs, &infos);

        let copying = if let Some(table) = self.table_below() {
            let rows: Vec<_> = self
                .table_rows(hub, &table)
                .into_iter()
                .filter_map(|i| infos.get(i).cloned())
                .collect();
            let note = table_note(&table);
            let marked = self.marks.in_order(infos.iter().map(|s| s.id));
            let table = SessionTable {
                sessions: &rows,
                all: &infos,
                note: note.as_deref(),
                selected: table.selected,
                theme: &self.opts.theme,
                now: wall,
                tz: self.opts.tz.clone(),
                home: self.opts.home.as_deref(),
                marked: &marked,
            };
            canvas.render_widget(table, layout.body);
            None
        } else {
            let copying = self.draw_copy(hub, canvas, layout.body);
            if copying.is_none() {
                self.draw_screen(canvas, layout.body, shown, None);
            }
            copying
        };

        self.draw_status(canvas, layout.status, &infos, copying.as_ref());
        if let Some(prompt) = copying.as_ref().and_then(|c| c.prompt.as_ref()) {
            let prompt = (prompt.0, prompt.1.as_str(), prompt.2);
            let theme = &self.opts.theme;
            if let Some(at) =
                render_search_prompt(layout.status, canvas.buffer_mut(), prompt, theme)
            {
                canvas.set_cursor_position(at);
            }
        }

        let theme = &self.opts.theme;
        match &mut self.view {
            View::Picker { picker, .. } => {
                let popup = centered(area, area.width.saturating_sub(8).clamp(20, 100), {
                    area.height.saturating_sub(4).clamp(8, 30)
                });
                canvas.render_widget(Clear, popup);
                picker.render(popup, canvas.buffer_mut(), theme);
            }
            View::Help(None) => {
                let km = &self.opts.keymap;
                let mut bindings: Vec<(String, String)> = km
                    .help()
                    .into_iter()
                    .map(|(keys, action)| (keys, action.description().to_string()))
                    .collect();
                // Copy mode's keys are a page of their own, shown from it.
                if let (Some(copy), Some(help)) = (
                    km.first_label(Action::ScrollBack),
                    km.first_label(Action::Help),
                ) {
                    bindings.push((format!("{copy}, {help}"), "Copy mode's own keys".into()));
                }
                render_help(area, canvas.buffer_mut(), "ccmux — keys", &bindings, theme);
            }
            View::Help(Some(_)) => {
                let bindings: Vec<(String, String)> = copy::help()
                    .into_iter()
                    .map(|(keys, what)| (keys.to_string(), what.to_string()))
                    .collect();
                let title = "ccmux — copy mode keys";
                render_help(area, canvas.buffer_mut(), title, &bindings, theme);
            }
            View::Confirm(confirm) => {
                let (title, message) = match confirm {
                    Confirm::Stop { id, .. } => {
                        let dir = hub
                            .registry()
                            .get(*id)
                            .map(|s| display_path(&s.spec().dir, self.opts.home.as_deref()))
                            .unwrap_or_default();
                        (
                            "Stop session".to_string(),
                            format!("Stop {} in {dir}? Its program will be ended.", id.short()),
                        )
                    }
                    Confirm::Quit => {
                        let n = hub.registry().live_count();
                        (
                            "Quit ccmux".to_string(),
                            format!(
                                "{n} session(s) still running will be stopped, for every client. \
                                 Quit? (Detach instead keeps them running.)"
                            ),
                        )
                    }
                };
                render_confirm(area, canvas.buffer_mut(), &title, &message, theme);
            }
            View::Prompt(prompt) => {
                let (label, input) = (prompt.label(), prompt.input());
                render_prompt(layout.status, canvas.buffer_mut(), label, input, theme);
            }
            View::Compose(compose) => draw_compose(hub, canvas, compose, theme),
            View::Queue(queue) => {
                let Some(session) = infos.iter().find(|s| s.id == queue.session) else {
                    return;
                };
                let prompts = hub.queue_of(queue.session);
                let selected = queue.index_in(&prompts);
                let texts: Vec<String> = prompts.into_iter().map(|p| p.text).collect();
                QueueList {
                    session,
                    prompts: &texts,
                    selected,
                    theme,
                }
                .render(area, canvas.buffer_mut());
            }
            View::Switcher(switcher) => {
                let found = switcher.rows(&infos);
                let selected = switcher.selected(&found, &infos);
                let rows: Vec<SwitcherRow> = found
                    .iter()
                    .map(|row| SwitcherRow {
                        session: &infos[row.index],
                        matched: &row.matched,
                    })
                    .collect();
                let query = switcher.query();
                SwitcherView {
                    rows: &rows,
                    query,
                    selected,
                    theme,
                }
                .render(area, canvas.buffer_mut());
            }
            _ => {}
        }
    }

    pub(super) fn draw_tabs(&self, canvas: &mut Canvas, area: Rect, infos: &[SessionInfo]) {
        let (focused, theme) = (self.focus_index, &self.opts.theme);
        render_tab_bar(area, canvas.buffer_mut(), infos, focused, theme);
    }

    /// The status line; in copy mode (`copying`), where it is.
    pub(super) fn draw_status(
        &self,
        canvas: &mut Canvas,
        area: Rect,
        infos: &[SessionInfo],
        copying: Option<&Copying>,
    ) {
        let hints = self.hints();
        // Copy mode says where it is, unless the prefix was just pressed.
        let message = match (copying, &self.message) {
            (Some(copying), _) if !self.prefix => Some(copying.status.clone()),
            (_, Some((m, _))) => Some(m.clone()),
            _ => None,
        };
        let focused = self.focused.and(infos.get(self.focus_index));
        let status = StatusLine {
            session: focused,
            home: self.opts.home.as_deref(),
            show_full_id: focused.is_some() && self.show_full_id,
            hints: &hints,
            message: message.as_deref(),
            theme: &self.opts.theme,
        };
        canvas.render_widget(status, area);
    }

    /// The focused session as it is `shown` in `body`. `in_place`: the canvas holds this
    /// viewer's last frame, which showed it there, in the rows marked; only the screen's rows
    /// that changed are drawn, those not held put back (see `ScreenView::in_place`).
    pub(super) fn draw_screen(
        &mut self,
        canvas: &mut Canvas,
        body: Rect,
        shown: Shown,
        in_place: Option<&[bool]>,
    ) {
        let session = match shown {
            Shown::Screen(session) => session,
            Shown::Failed(why) => {
                let text = format!("failed to start: {why}");
                let paragraph = Paragraph::new(text)
                    .style(Style::new().fg(self.opts.theme.failed))
                    .wrap(Wrap { trim: false });
                canvas.render_widget(paragraph, body);
                return;
            }
            Shown::Nothing => {
                let hint = format!(
                    "No sessions. {} starts one.",
                    self.opts
                        .keymap
                        .first_label(Action::DirectoryPicker)
                        .unwrap_or_default()
                );
                let line = ratatui::text::Line::from(hint).centered();
                let y = body.y + body.height / 2;
                let row = Rect::new(body.x, y, body.width, 1.min(body.height));
                canvas.render_widget(line, row);
                return;
            }
        };
        let term = session.term();
        let view = ScreenView::new(term.screen()).cached(&mut self.rows);
        let view = match in_place {
            Some(holds) => view.in_place(holds),
            None => view,
        };
        let cursor = view.cursor_position(body);
        canvas.render_widget(view, body);
        for (y, cols) in self.rows.dirty() {
            canvas.touched_cols(body.y + y, body.x + cols.start..body.x + cols.end);
        }
        // Only the focused session, in the tab view, owns the cursor.
        if let (Some(pos), View::Tabs) = (cursor, &self.view) {
            canvas.set_cursor_position(pos);
        }
    }

    /// What the body shows of the focused session.
    pub(super) fn shown<'h>(&self, hub: &'h Hub) -> Shown<'h> {
        let Some(session) = self.focused.and_then(|id| hub.registry().get(id)) else {
            return Shown::Nothing;
        };
        match session.status() {
            Status::Failed(why) => Shown::Failed(why),
            _ => Shown::Screen(session),
        }
    }

    /// Copy mode's view of the focused session: its history at this
    /// viewer's place, the selection and matches over it, and its cursor
    /// (the terminal's, unless the search prompt has it). None when not in
    /// copy mode or without a session to show.
    fn draw_copy(&mut self, hub: &Hub, canvas: &mut Canvas, body: Rect) -> Option<Copying> {
        let View::Copy(mode) = &mut self.view else {
            return None;
        };
        with_history(hub, self.focused, |h| {
            mode.clamp(h);
            let top = mode.top();
            let view = ScreenView::new(h.screen()).scrolled(h.offset_of(top));
            canvas.render_widget(view, body);
            paint_marks(canvas.buffer_mut(), body, top, &mode.marks(h));
            let cursor = mode.cursor();
            let row = cursor
                .line
                .checked_sub(top)
                .and_then(|r| u16::try_from(r).ok());
            if let Some(row) = row.filter(|r| *r < body.height && cursor.col < body.width) {
                canvas.set_cursor_position((body.x + cursor.col, body.y + row));
            }
            Copying {
                status: mode.status(h),
                prompt: mode
                    .prompt()
                    .map(|(d, text, found)| (d, text.to_string(), found)),
            }
        })
    }

    /// The table to draw as the body: the table view's, or the one a popup
    /// opened from the table returns to.
    fn table_below(&self) -> Option<TableView> {
        let back = match &self.view {
            View::Table(table) => return Some(*table),
            View::Queue(queue) => return queue.table,
            View::Compose(compose) => compose.back,
            _ => return None,
        };
        match back {
            Back::Tabs => None,
            Back::Table(table) => Some(table),
            Back::Queue(queue) => queue.table,
        }
    }

    /// The few keys a new user needs first, as zellij shows them.
    fn hints(&self) -> Vec<(String, &'static str)> {
        let km = &self.opts.keymap;
        let hint = |action, label| km.first_label(action).map(|k| (k, label));
        [
            hint(Action::Help, "help"),
            hint(Action::DirectoryPicker, "new"),
            hint(Action::SessionTable, "sessions"),
            hint(Action::NextTab, "next"),
            hint(Action::StopSession, "stop"),
            hint(Action::Detach, "detach"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// The prompt being written, or the question asked before (see
/// `compose`). It learns how wide its text is shown, for Up and Down.
fn draw_compose(hub: &Hub, canvas: &mut Canvas, compose: &mut Compose, theme: &Theme) {
    let area = canvas.area();
    if let Some(others) = &compose.asking {
        let message = format!(
            "{others}, not Claude Code. Type the prompt in anyway, once it has been \
             quiet a moment?"
        );
        render_confirm(
            area,
            canvas.buffer_mut(),
            "Not Claude Code",
            &message,
            theme,
        );
        return;
    }
    let width = text_width(area);
    compose.width = width.saturating_sub(1);
    let layout = compose.editor.layout(compose.width);
    let (title, to) = compose_heading(hub, &compose.target);
    ComposeView {
        title: &title,
        to: &to,
        rows: &layout.rows,
        cursor: layout.cursor,
        submit: compose.submit_label(),
        theme,
    }
    .render(area, canvas.buffer_mut());
}

/// The compose popup's title, and the line under it that says who gets the
/// prompt and what becomes of it, as things stand.
fn compose_heading(hub: &Hub, target: &Target) -> (String, String) {
    match target {
        Target::New(ids) if ids.len() == 1 => {
            let id = ids[0];
            let name = hub.display_name(id);
            let status = hub
                .registry()
                .get(id)
                .map(|s| hub.status_of(s))
                .unwrap_or(Status::Exited(0));
            let waiting = hub.queue_of(id).len();
            let fate = if hub.is_paused(id) {
                "queue paused: it waits there".to_string()
            } else if waiting > 0 {
                format!("it waits behind {waiting}")
            } else if status == Status::Idle {
                "it goes in at once".to_string()
            } else {
                "it waits until idle".to_string()
            };
            let word = status_style::word(&status);
            (
                format!("Prompt for {name}"),
                format!("{name} · {word}: {fate}"),
            )
        }
        Target::New(ids) => {
            let names: Vec<String> = ids.iter().map(|id| hub.display_name(*id)).collect();
            (
                format!("Prompt for {} sessions", ids.len()),
                format!("to {}: each gets it when idle", names.join(", ")),
            )
        }
        Target::Edit { session, prompt } => {
            let queue = hub.queue_of(*session);
            let name = hub.display_name(*session);
            let at = match queue.iter().position(|p| p.id == *prompt) {
                Some(i) => format!("number {} of {}", i + 1, queue.len()),
                None => "gone in meanwhile".to_string(),
            };
            (
                "Edit a queued prompt".to_string(),
                format!("{name}'s queue, {at}"),
            )
        }
    }
}

/// How the table's rows are sorted and filtered, when not plainly.
fn table_note(table: &TableView) -> Option<String> {
    let parts: Vec<&str> = [
        table.attention_first.then_some("attention first"),
        table.filter.label(),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}
