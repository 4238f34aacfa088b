//! Drawing the App: tab bar on top, the focused screen (or the table) in the
//! middle, the status line at the bottom, popups over them.

use std::time::SystemTime;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{App, Confirm, TableView, View};
use crate::action::Action;
use crate::hub::Hub;
use crate::session::Status;
use crate::ui::confirm::render_confirm;
use crate::ui::help::render_help;
use crate::ui::path::display_path;
use crate::ui::popup::centered;
use crate::ui::prompt::render_prompt;
use crate::ui::screen_view::ScreenView;
use crate::ui::statusline::StatusLine;
use crate::ui::switcher::{SwitcherRow, SwitcherView};
use crate::ui::tabbar::render_tab_bar;
use crate::ui::table::SessionTable;

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

impl App {
    /// Draws everything this client shows, from the hub as it is now: the
    /// loop reads the shown sessions' changes before (`Hub::read_viewed`).
    /// `wall` is the time of day, for the table's ages.
    pub fn draw(&mut self, hub: &Hub, frame: &mut Frame, wall: SystemTime) {
        self.needs_draw = false;
        let area = frame.area();
        self.size = (area.width, area.height);
        let layout = layout(self.size);
        self.keep_scrolled_lines(hub);
        let infos = hub.infos();

        render_tab_bar(
            layout.tabs,
            frame.buffer_mut(),
            &infos,
            self.focus_index,
            &self.opts.theme,
        );

        match &self.view {
            View::Table(table) => {
                let rows: Vec<_> = self
                    .table_rows(hub, table)
                    .into_iter()
                    .filter_map(|i| infos.get(i).cloned())
                    .collect();
                let note = table_note(table);
                let table = SessionTable {
                    sessions: &rows,
                    all: &infos,
                    note: note.as_deref(),
                    selected: table.selected,
                    theme: &self.opts.theme,
                    now: wall,
                    tz: self.opts.tz.clone(),
                    home: self.opts.home.as_deref(),
                };
                frame.render_widget(table, layout.body);
            }
            View::Scroll { offset, .. } => self.draw_screen(hub, frame, layout.body, *offset),
            _ => self.draw_screen(hub, frame, layout.body, 0),
        }

        let hints = self.hints();
        let message = match (&self.view, &self.message) {
            (View::Scroll { offset, .. }, _) => Some(format!(
                "scrollback: {offset} lines up — ↑↓ PgUp PgDn g G, Esc to leave"
            )),
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
        frame.render_widget(status, layout.status);

        let theme = &self.opts.theme;
        match &mut self.view {
            View::Picker { picker, .. } => {
                let popup = centered(area, area.width.saturating_sub(8).clamp(20, 100), {
                    area.height.saturating_sub(4).clamp(8, 30)
                });
                frame.render_widget(Clear, popup);
                picker.render(popup, frame.buffer_mut(), theme);
            }
            View::Help => {
                let bindings: Vec<(String, String)> = self
                    .opts
                    .keymap
                    .help()
                    .into_iter()
                    .map(|(keys, action)| (keys, action.description().to_string()))
                    .collect();
                render_help(area, frame.buffer_mut(), &bindings, theme);
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
                render_confirm(area, frame.buffer_mut(), &title, &message, theme);
            }
            View::Prompt(prompt) => {
                let (label, input) = (prompt.label(), prompt.input());
                render_prompt(layout.status, frame.buffer_mut(), label, input, theme);
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
                .render(area, frame.buffer_mut());
            }
            _ => {}
        }
    }

    fn draw_screen(&self, hub: &Hub, frame: &mut Frame, body: Rect, offset: usize) {
        let Some(session) = self.focused.and_then(|id| hub.registry().get(id)) else {
            let hint = format!(
                "No sessions. {} starts one.",
                self.opts
                    .keymap
                    .first_label(Action::DirectoryPicker)
                    .unwrap_or_default()
            );
            let line = ratatui::text::Line::from(hint).centered();
            let y = body.y + body.height / 2;
            frame.render_widget(line, Rect::new(body.x, y, body.width, 1.min(body.height)));
            return;
        };
        if let Status::Failed(why) = session.status() {
            let text = format!("failed to start: {why}");
            let paragraph = Paragraph::new(text)
                .style(Style::new().fg(self.opts.theme.failed))
                .wrap(Wrap { trim: false });
            frame.render_widget(paragraph, body);
            return;
        }
        // Read at this viewer's own offset: the shared screen is not touched.
        let term = session.term();
        let view = ScreenView::new(term.screen()).scrolled(offset);
        let cursor = view.cursor_position(body);
        frame.render_widget(view, body);
        // Only the focused session, in the tab view, owns the cursor.
        if let (Some(pos), View::Tabs) = (cursor, &self.view) {
            frame.set_cursor_position(pos);
        }
    }

    /// While scrolled back, output that pushes lines into the scrollback
    /// moves the view up by as much, so the lines being read stay put (as in
    /// tmux's copy mode).
    fn keep_scrolled_lines(&mut self, hub: &Hub) {
        let View::Scroll { offset, seen } = &mut self.view else {
            return;
        };
        let Some(session) = self.focused.and_then(|id| hub.registry().get(id)) else {
            return;
        };
        let term = session.term();
        let now = term.lines_scrolled();
        let grown = usize::try_from(now.saturating_sub(*seen)).unwrap_or(usize::MAX);
        *offset = offset
            .saturating_add(grown)
            .min(term.screen().scrollback_len());
        *seen = now;
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
