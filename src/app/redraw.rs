//! Which frame the App draws: the whole of it, or, when the canvas still holds the App's last
//! frame and both show nothing but the bars and the focused screen, the bars and the screen's
//! changed rows alone. A key echo then draws, diffs and sends three rows of a 200x52 frame
//! instead of all 10,400 cells; anything else (a popup, the table, copy mode, a resize, a new
//! client screen) takes the whole frame, so no frame depends on guessing what the last one left.

use std::time::SystemTime;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

use super::bars::Bars;
use super::draw::{Shown, layout};
use super::{App, View};
use crate::hub::Hub;
use crate::session::Session;
use crate::ui::canvas::{Canvas, Held};

impl App {
    /// Draws everything this client shows on a ratatui frame (tests, benches): see `paint`.
    pub fn draw(&mut self, hub: &Hub, frame: &mut Frame, wall: SystemTime) {
        let mut canvas = Canvas::new(frame.buffer_mut(), Held::Blank);
        self.paint(hub, &mut canvas, wall);
        if let Some(at) = canvas.cursor() {
            frame.set_cursor_position(at);
        }
    }

    /// Draws everything this client shows on `canvas`, from the hub as it is now: the loop reads
    /// the shown sessions' changes before (`Hub::read_viewed`). `wall` is the time of day, for
    /// the table's ages.
    pub fn paint(&mut self, hub: &Hub, canvas: &mut Canvas, wall: SystemTime) {
        self.needs_draw = false;
        let area = canvas.area();
        self.size = (area.width, area.height);
        let shown = self.shown(hub);
        // Nothing over the screen: the rows this viewer's RowCache did not draw stay as it drew
        // them last time, on a canvas that still holds that frame.
        let plain = matches!(self.view, View::Tabs) && matches!(shown, Shown::Screen(_));
        let last = self.plain_frame.take().filter(|_| plain);
        match (shown, last.and_then(|id| canvas.resume(id))) {
            (Shown::Screen(session), Some(holds)) => self.draw_changes(hub, canvas, session, holds),
            (shown, _) => {
                // Whatever bars the next frame over this one finds, it draws them.
                self.plain_bars = None;
                self.draw_whole(hub, canvas, wall, shown);
            }
        }
        self.plain_frame = plain.then(|| canvas.id());
    }

    /// Over the last frame, which showed the bars and `session`'s screen as this one does, and
    /// which the canvas `holds` in the rows marked: the bars are drawn again from blank cells
    /// unless they show what the canvas holds (`Bars`), the screen's rows that changed in place,
    /// and its other rows the canvas does not hold are put back from the RowCache.
    fn draw_changes(&mut self, hub: &Hub, canvas: &mut Canvas, session: &Session, holds: &[bool]) {
        let layout = layout(self.size);
        let bars = Bars::of(self, hub, layout.tabs, layout.status);
        let rows = |bar: Rect| bar.y..bar.bottom();
        let held = [layout.tabs, layout.status]
            .into_iter()
            .flat_map(rows)
            .all(|y| holds.get(usize::from(y)) == Some(&true));
        let same = held && self.plain_bars.as_ref() == Some(&bars);
        let infos = (!same).then(|| hub.infos());
        if let Some(infos) = &infos {
            for bar in [layout.tabs, layout.status] {
                canvas.render_widget(Clear, bar);
                canvas.touched(rows(bar));
            }
            self.draw_tabs(canvas, layout.tabs, infos);
        }
        self.draw_screen(canvas, layout.body, Shown::Screen(session), Some(holds));
        if let Some(infos) = &infos {
            self.draw_status(canvas, layout.status, infos, None);
        }
        self.plain_bars = Some(bars);
    }
}
