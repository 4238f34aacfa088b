//! Draws a session's `vt100::Screen` into a ratatui buffer.
//!
//! tui-term would do this, but it is pinned to an older vt100, so this is our own: a
//! cell-by-cell copy that keeps ratatui's conventions for wide characters so its diff
//! and backends draw them exactly once.

use std::num::NonZeroU16;
use std::ops::Range;

use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier};
use ratatui::widgets::Widget;

use super::joined;
use super::row_cache::RowCache;

/// The screen of one session, at a scrollback offset (0: the live screen).
pub struct ScreenView<'a> {
    screen: &'a vt100::Screen,
    /// Lines scrolled back, clamped to the scrollback's length.
    offset: usize,
    /// The viewer's rows from its last frame, to copy those that did not change.
    cache: Option<&'a mut RowCache>,
    /// Per row of the buffer, whether it still holds the frame the cache last drew: unchanged
    /// rows are left alone there.
    in_place: &'a [bool],
}

impl<'a> ScreenView<'a> {
    /// The screen at the offset its own `set_scrollback` left.
    pub fn new(screen: &'a vt100::Screen) -> Self {
        Self {
            screen,
            offset: screen.scrollback(),
            cache: None,
            in_place: &[],
        }
    }

    /// Draws with `cache`, the viewer's own (see `RowCache`): the rows that did not change since
    /// its last frame are copied from it, the others drawn and kept in it.
    pub fn cached(self, cache: &'a mut RowCache) -> Self {
        Self {
            cache: Some(cache),
            ..self
        }
    }

    /// Leaves the rows that did not change since the cache's last frame as they are where the
    /// buffer still holds that frame, where it was drawn, cell for cell (`holds`, per row of the
    /// buffer: see `Canvas::resume`), instead of copying them. The rows drawn are the cache's
    /// `dirty` ones.
    pub fn in_place(self, holds: &'a [bool]) -> Self {
        Self {
            in_place: holds,
            ..self
        }
    }

    /// The screen `offset` lines scrolled back, read without touching the screen's own offset, so
    /// viewers sharing one screen can each look at their own place in it.
    pub fn scrolled(self, offset: usize) -> Self {
        Self {
            offset: offset.min(self.screen.scrollback_len()),
            ..self
        }
    }

    /// Where the host terminal's cursor should be shown for this view drawn at `area`, or None when
    /// the screen hides its cursor, when the view is scrolled back, or when the cursor falls outside
    /// `area`.
    pub fn cursor_position(&self, area: Rect) -> Option<Position> {
        let screen = self.screen;
        if screen.hide_cursor() || self.offset > 0 {
            return None;
        }
        let (row, col) = screen.cursor_position();
        // After writing the last column vt100 parks the cursor one past it (pending wrap); a real
        // terminal shows it on the last column.
        let col = col.min(screen.size().1.get() - 1);
        if row >= area.height || col >= area.width {
            return None;
        }
        Some(Position::new(
            area.x.checked_add(col)?,
            area.y.checked_add(row)?,
        ))
    }
}

impl Widget for ScreenView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        // Callers may hand an area that pokes out of the buffer; drawing only the overlap
        // keeps every index below in range.
        let area = area.intersection(buf.area);
        let (screen_rows, screen_cols) = self.screen.size();
        let rows = screen_rows.get().min(area.height);
        let cols = screen_cols.get().min(area.width);
        let mut cache = self.cache;
        if let Some(cache) = cache.as_deref_mut() {
            cache.start(area, cols);
        }

        // One walk over the rows per frame: Screen::cell walks the scrollback again for every cell.
        // The screen's rows are borrowed, the scrollback's expanded from their compact form only
        // if they are drawn.
        let holds = |y: u16| self.in_place.get(usize::from(y)) == Some(&true);
        let mut visible = self.screen.visible_rows_at(self.offset);
        for y in 0..area.height {
            let row = if y < rows { visible.next() } else { None };
            let stamp = row.as_ref().map(vt100::VisibleRow::stamp);
            if let (Some(stamp), Some(cache)) = (stamp, cache.as_deref_mut())
                && cache.restore(y, stamp, buf, holds(area.y + y))
            {
                continue;
            }
            let cells = row.as_ref().map(vt100::VisibleRow::cells);
            let line = cells.as_deref().unwrap_or_default();
            // Text written into a row the buffer still holds: its columns alone.
            if let (Some(row), Some(stamp), Some(cache)) = (&row, stamp, cache.as_deref_mut())
                && holds(area.y + y)
                && let Some(changed) = cache.changed(y, row)
                && let Some(changed) = alone(line, changed, cols)
            {
                draw_row(line, y, area, cols, changed.clone(), buf);
                cache.drew_cols(y, changed, stamp, buf);
                continue;
            }
            let resend = draw_row(line, y, area, cols, 0..area.width, buf);
            if let Some(cache) = cache.as_deref_mut() {
                cache.drew(y, stamp, buf, resend);
            }
        }
    }
}

/// The columns `changed` of `line` (clipped to the `cols` drawn), if they can be drawn on their
/// own: they and the cells either side of them are one column wide and hold at most one ASCII
/// character, so no wide character or emoji sequence (`joined`) reaches into them or out of
/// them, and the cells around them look as they did.
fn alone(line: &[vt100::Cell], changed: Range<u16>, cols: u16) -> Option<Range<u16>> {
    let changed = changed.start.min(cols)..changed.end.min(cols);
    let around = usize::from(changed.start.saturating_sub(1))..usize::from(changed.end) + 1;
    let plain = |cell: &vt100::Cell| {
        !cell.is_wide() && !cell.is_wide_continuation() && cell.contents().len() <= 1
    };
    line.get(around.start..around.end.min(line.len()))?
        .iter()
        .all(plain)
        .then_some(changed)
}

/// Draws `line`, the screen's row `y`, into row `y` of `area`, `cols` of its columns, from column
/// `within.start` to before `within.end`. No cell reaches past the area's right edge (ratatui's
/// diff of a whole buffer would carry it into the next row). Says whether the row holds cells
/// ratatui's diff sends with every frame.
fn draw_row(
    line: &[vt100::Cell],
    y: u16,
    area: Rect,
    cols: u16,
    within: Range<u16>,
    buf: &mut Buffer,
) -> bool {
    let mut resend = false;
    // A scrollback row can hold more cells than the screen has columns (kept from a wider
    // screen) or fewer (its blank tail was trimmed): the missing cells are blank.
    let line = &line[..line.len().min(usize::from(cols))];
    let mut x = within.start;
    while x < area.width.min(within.end) {
        let at = Position::new(area.x + x, area.y + y);
        let source = line.get(usize::from(x));
        let Some(target) = buf.cell_mut(at) else {
            break;
        };
        // Reset first: the buffer may hold another widget's cell with a diff option
        // or skip flag that must not leak into the session's screen.
        target.reset();
        let Some(source) = source else {
            x += 1;
            continue;
        };
        apply_style(target, source);

        // An emoji sequence terminals draw as one glyph: sent whole, two columns wide,
        // and blanks over the rest of the columns vt100 gave it (see `joined`).
        if let Some((text, span)) = joined::cluster(line, usize::from(x), usize::from(cols)) {
            set_symbol(target, &text, 2);
            for dx in 1..span {
                let Some(cell) = buf.cell_mut(Position::new(at.x + dx as u16, at.y)) else {
                    break;
                };
                cell.reset();
                if dx == 1 {
                    // The column the glyph covers is never sent, but unlike a blank:
                    // once the glyph goes, it is repainted (a terminal that drew a
                    // flag as two letters keeps the second otherwise).
                    cell.set_symbol("");
                } else if let Some(source) = line.get(usize::from(x) + dx) {
                    // Sent with every frame: a terminal that drew the pieces has them
                    // painted over, though our last frame had blanks here too.
                    apply_style(cell, source);
                    cell.set_diff_option(CellDiffOption::AlwaysUpdate);
                    resend = true;
                }
            }
            x += span as u16;
            continue;
        }
        let symbol = joined::sendable(source.contents(), source.is_wide());

        // A wide character needs its right half inside what we draw; otherwise (clipped
        // area, or a wide cell vt100 left in the last column) it is a styled blank, as in
        // tmux, so it never spills past the area.
        if source.is_wide() && x + 1 < cols {
            set_symbol(target, &symbol, 2);
            // ratatui marks the column a wide symbol covers with an empty cell, which its
            // diff then skips (see Buffer::set_stringn).
            if let Some(covered) = buf.cell_mut(Position::new(at.x + 1, at.y)) {
                covered.reset();
            }
            x += 2;
            continue;
        }
        // A continuation whose wide character we did not draw stays a styled blank.
        if !symbol.is_empty() && !source.is_wide() && !source.is_wide_continuation() {
            set_symbol(target, &symbol, 1);
        }
        x += 1;
    }
    resend
}

/// Puts vt100's grapheme into the cell. vt100 decided its width when the program wrote it, and the
/// program laid out the rest of the row by that width; where ratatui would measure the grapheme
/// differently (e.g. halfwidth dakuten, some emoji sequences) the width is forced so the diff
/// advances by vt100's count and does not skip or overwrite a neighbour.
fn set_symbol(target: &mut Cell, contents: &str, width: u16) {
    target.set_symbol(contents);
    // Most cells are one ASCII byte, one column wide in both: skip measuring.
    if contents.len() == 1 && width == 1 {
        return;
    }
    if contents.cell_width() != width
        && let Some(width) = NonZeroU16::new(width)
    {
        target.set_diff_option(CellDiffOption::ForcedWidth(width));
    }
}

fn apply_style(target: &mut Cell, source: &vt100::Cell) {
    target.fg = color(source.fgcolor());
    target.bg = color(source.bgcolor());
    target.modifier = modifier(source);
    // Sent to the host as SGR 58 (crossterm), which terminals without it ignore.
    target.underline_color = color(source.underline_color());
}

fn color(color: vt100::Color) -> Color {
    match color {
        vt100::Color::Default => Color::Reset,
        vt100::Color::Idx(n) => Color::Indexed(n),
        vt100::Color::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

/// Every attribute ratatui 0.30 can carry to the host. It has one underline, so double, curly,
/// dotted and dashed ones show as a straight line (in their colour), and no overline at all:
/// vt100 keeps both (`underline_style`, `overline`) for a host writer that could send them.
fn modifier(cell: &vt100::Cell) -> Modifier {
    let mut modifier = Modifier::empty();
    modifier.set(Modifier::BOLD, cell.bold());
    modifier.set(Modifier::DIM, cell.dim());
    modifier.set(Modifier::ITALIC, cell.italic());
    modifier.set(Modifier::UNDERLINED, cell.underline());
    modifier.set(Modifier::REVERSED, cell.inverse());
    modifier.set(Modifier::CROSSED_OUT, cell.strikethrough());
    modifier.set(Modifier::SLOW_BLINK, cell.blink());
    modifier.set(Modifier::HIDDEN, cell.hidden());
    modifier
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU16;

    use insta::assert_snapshot;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;

    fn parser(rows: u16, cols: u16, scrollback: usize, bytes: &[u8]) -> vt100::Parser {
        let mut parser = vt100::Parser::new(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
            scrollback,
        );
        parser.process(bytes);
        parser
    }

    /// Renders through a real `Terminal::draw` so the snapshot shows what ratatui's diff keeps.
    fn draw(screen: &vt100::Screen, width: u16, height: u16, area: Rect) -> String {
        draw_view(ScreenView::new(screen), width, height, area)
    }

    fn draw_view(view: ScreenView, width: u16, height: u16, area: Rect) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| frame.render_widget(view, area))
            .unwrap();
        format!("{:?}", terminal.backend().buffer())
    }

    fn draw_full(screen: &vt100::Screen, width: u16, height: u16) -> String {
        draw(screen, width, height, Rect::new(0, 0, width, height))
    }

    #[test]
    fn plain_text() {
        let p = parser(3, 10, 0, b"hello\r\nworld!");
        assert_snapshot!(draw_full(p.screen(), 10, 3));
    }

    #[test]
    fn colours_16_256_and_truecolor() {
        let p = parser(
            3,
            8,
            0,
            b"\x1b[31;42mab\x1b[m \x1b[91;104mcd\x1b[m\r\n\
              \x1b[38;5;208;48;5;17mef\x1b[m\r\n\
              \x1b[38;2;1;2;3;48;2;250;251;252mgh\x1b[m",
        );
        assert_snapshot!(draw_full(p.screen(), 8, 3));
    }

    #[test]
    fn attributes() {
        let p = parser(
            1,
            12,
            0,
            b"\x1b[1mb\x1b[22;2md\x1b[22;3mi\x1b[23;4mu\x1b[24;7mr\x1b[1;3;4mX\x1b[m.",
        );
        assert_snapshot!(draw_full(p.screen(), 12, 1));
    }

    #[test]
    fn every_attribute_ratatui_can_carry() {
        // Strikethrough, blink (either speed), hidden; curly, dotted and double underlines as
        // plain ones; the underline colour in 256 colours and truecolor.
        let p = parser(
            1,
            10,
            0,
            b"\x1b[9ms\x1b[29;5mb\x1b[25;6mr\x1b[m\x1b[8mh\x1b[28;4:3;58;5;1mc\x1b[4:4;58:2::1:2:3md\x1b[21;59mu\x1b[m.",
        );
        assert_snapshot!(draw_full(p.screen(), 10, 1));
    }

    #[test]
    fn erased_cells_keep_their_background() {
        // EL with a background set paints the rest of the line, as in every real terminal.
        let p = parser(2, 6, 0, b"ab\x1b[44m\x1b[K\x1b[m\r\n\x1b[41m\x1b[2K");
        assert_snapshot!(draw_full(p.screen(), 6, 2));
    }

    #[test]
    fn wide_characters() {
        let p = parser(
            3,
            6,
            0,
            "漢字ab\r\n\x1b[33m😀\x1b[mx🎉\r\na\u{0301}e\u{0308}\u{0323}".as_bytes(),
        );
        assert_snapshot!(draw_full(p.screen(), 6, 3));
    }

    #[test]
    fn wide_character_at_the_right_edge_of_a_clipped_area() {
        // The screen has room for "ab漢" but the area stops in the middle of 漢.
        let p = parser(2, 5, 0, "ab漢\r\n\x1b[45mxy字".as_bytes());
        assert_snapshot!(draw(p.screen(), 6, 2, Rect::new(0, 0, 3, 2)));
    }

    #[test]
    fn wide_character_filling_the_last_screen_column() {
        let p = parser(1, 4, 0, "ab漢".as_bytes());
        assert_snapshot!(draw_full(p.screen(), 4, 1));
    }

    #[test]
    fn wide_character_truncated_by_a_narrowing_resize() {
        // The alternate screen is cut, not rewrapped, on a resize.
        let mut p = parser(1, 4, 0, "\x1b[?1049ha漢b".as_bytes());
        p.set_size(NonZeroU16::new(1).unwrap(), NonZeroU16::new(2).unwrap());
        assert_snapshot!(draw_full(p.screen(), 4, 1));
    }

    #[test]
    fn a_narrowing_resize_moves_a_wide_character_cut_by_the_edge_to_the_next_row() {
        // In the scrollback too: the row is rewrapped, the wide character moves whole (with its
        // colour) and never hangs past the screen's edge. The area is wider than the screen.
        let mut p = parser(2, 4, 10, "ab\x1b[41m漢\x1b[m\r\n\r\n".as_bytes());
        p.set_size(NonZeroU16::new(2).unwrap(), NonZeroU16::new(3).unwrap());
        let view = ScreenView::new(p.screen()).scrolled(2);
        assert_snapshot!(draw_view(view, 4, 2, Rect::new(0, 0, 4, 2)));
    }

    #[test]
    fn covered_column_is_an_empty_cell_like_set_stringn() {
        let p = parser(1, 4, 0, "漢字".as_bytes());
        let mut ours = Buffer::empty(Rect::new(0, 0, 4, 1));
        ScreenView::new(p.screen()).render(ours.area, &mut ours);
        let mut theirs = Buffer::empty(Rect::new(0, 0, 4, 1));
        theirs.set_string(0, 0, "漢字", ratatui::style::Style::default());
        assert_eq!(ours, theirs);
    }

    #[test]
    fn width_disagreements_with_ratatui_are_forced_to_vt100s() {
        // vt100 gives the halfwidth dakuten U+FF9E its own column where ratatui counts two.
        // It keeps a watch with VS15 wide, where a terminal may draw it narrow and leave its
        // second column stale: it is sent without the selector, which every terminal draws wide.
        let p = parser(1, 6, 0, "\u{FF9E}a\u{231A}\u{FE0E}b".as_bytes());
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        ScreenView::new(p.screen()).render(buf.area, &mut buf);
        let forced = |w| CellDiffOption::ForcedWidth(NonZeroU16::new(w).unwrap());
        assert_eq!(buf[(0, 0)].diff_option, forced(1));
        assert_eq!(buf[(1, 0)].diff_option, CellDiffOption::None);
        assert_eq!(buf[(2, 0)].diff_option, CellDiffOption::None);

        let blank = Buffer::empty(buf.area);
        let updates: Vec<_> = blank
            .diff(&buf)
            .into_iter()
            .map(|(x, _, c)| (x, c.symbol()))
            .collect();
        assert_eq!(
            updates,
            [(0, "\u{FF9E}"), (1, "a"), (2, "\u{231A}"), (4, "b")]
        );
    }

    /// The bytes of each frame a crossterm terminal sends as `screens` are drawn in turn.
    fn frames(cols: u16, screens: &[&[u8]]) -> Vec<String> {
        #[derive(Clone, Default)]
        struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
        impl std::io::Write for Sink {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.borrow_mut().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let sink = Sink::default();
        let area = Rect::new(0, 0, cols, 1);
        let backend = ratatui::backend::CrosstermBackend::new(sink.clone());
        let viewport = ratatui::Viewport::Fixed(area);
        let mut terminal =
            Terminal::with_options(backend, ratatui::TerminalOptions { viewport }).unwrap();
        let mut p = parser(1, cols, 0, b"");
        screens
            .iter()
            .map(|bytes| {
                p.process(bytes);
                terminal
                    .draw(|frame| frame.render_widget(ScreenView::new(p.screen()), area))
                    .unwrap();
                String::from_utf8(sink.0.take()).unwrap()
            })
            .collect()
    }

    /// One row of a host terminal that joins what follows a zero width joiner, or a skin
    /// tone, into the glyph left of the cursor, even after a cursor move (as tmux 3.3 and
    /// kitty do), and draws a flag as two letters. Its cells: a glyph, or `None` for the
    /// right half of a wide one.
    struct JoiningHost {
        cells: Vec<Option<String>>,
        cursor: usize,
    }

    impl JoiningHost {
        fn new(cols: usize) -> Self {
            let cells = vec![Some(" ".to_string()); cols];
            Self { cells, cursor: 0 }
        }

        /// Takes printed text and cursor moves (`CSI row;col H`); other escapes change nothing here.
        fn feed(&mut self, bytes: &str) {
            let mut chars = bytes.chars();
            while let Some(c) = chars.next() {
                if c != '\x1b' {
                    self.print(c);
                    continue;
                }
                let mut params = String::new();
                for c in chars.by_ref() {
                    if c == '[' && params.is_empty() {
                        continue;
                    }
                    if ('@'..='~').contains(&c) {
                        if c == 'H' {
                            let col = params.split(';').nth(1).and_then(|n| n.parse().ok());
                            self.cursor = col.unwrap_or(1usize) - 1;
                        }
                        break;
                    }
                    params.push(c);
                }
            }
        }

        fn print(&mut self, c: char) {
            use unicode_width::UnicodeWidthChar;
            let left = (0..self.cursor).rev().find(|&x| self.cells[x].is_some());
            let joins = c.width() == Some(0)
                || ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
                || left.is_some_and(|x| self.cells[x].as_ref().unwrap().ends_with('\u{200D}'));
            if let (true, Some(x)) = (joins, left) {
                self.cells[x].as_mut().unwrap().push(c);
                return;
            }
            let (x, w) = (self.cursor, c.width().unwrap_or(1));
            if x + w > self.cells.len() {
                return;
            }
            // Writing over half of a wide glyph erases all of it.
            if self.cells[x].is_none() {
                self.cells[x - 1] = Some(" ".into());
            }
            if self.cells.get(x + w).is_some_and(Option::is_none) {
                self.cells[x + w] = Some(" ".into());
            }
            self.cells[x] = Some(c.to_string());
            if w == 2 {
                self.cells[x + 1] = None;
            }
            self.cursor = x + w;
        }

        fn text(&self) -> String {
            self.cells.iter().flatten().map(String::as_str).collect()
        }
    }

    /// 👨‍👩‍👧 is three cells of vt100 (six columns), but one glyph to terminals that join: it is
    /// sent whole, with blanks over the other columns, so a joining terminal and one that does
    /// not both hold exactly ccmux's cells, and `clear` leaves nothing behind on either.
    #[test]
    fn a_zwj_sequence_is_sent_whole_and_leaves_nothing_after_clear() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        let shown = format!("\ra{family}b|");
        // Over a blank row (where ccmux's last frame had blanks too) and over text.
        for (before, rest) in [("", ""), ("0123456789", "9")] {
            let clear = b"\x1b[H\x1b[2J";
            let sent = frames(12, &[before.as_bytes(), shown.as_bytes(), clear]);
            assert!(sent[1].contains(family), "{:?}", sent[1]);

            let mut joining = JoiningHost::new(12);
            joining.feed(&sent[0]);
            joining.feed(&sent[1]);
            assert_eq!(joining.text().trim_end(), format!("a{family}    b|{rest}"));
            assert_eq!(joining.cells[7].as_deref(), Some("b"));
            joining.feed(&sent[2]);
            assert_eq!(joining.text().trim_end(), "");

            // A terminal that does not join draws the pieces; the blanks paint over all but
            // the first.
            let mut plain = parser(1, 12, 0, b"");
            plain.process(sent[0].as_bytes());
            plain.process(sent[1].as_bytes());
            let text = plain.screen().contents();
            assert_eq!(text.trim_end(), format!("a\u{1F468}\u{200D}    b|{rest}"));
            assert_eq!(plain.screen().cell(0, 7).unwrap().contents(), "b");
            plain.process(sent[2].as_bytes());
            assert_eq!(plain.screen().contents().trim_end(), "");
        }
    }

    #[test]
    fn skin_tones_and_flags_are_one_glyph_too() {
        let (wave, flag) = ("\u{1F44B}\u{1F3FD}", "\u{1F1EB}\u{1F1F7}");
        let shown = format!("\r{wave}x{flag}y");
        let sent = frames(10, &[b"0123456789", shown.as_bytes(), b"\x1b[H\x1b[2J"]);
        let mut joining = JoiningHost::new(10);
        for frame in &sent[..2] {
            joining.feed(frame);
        }
        assert_eq!(joining.text().trim_end(), format!("{wave}  x{flag}y89"));
        joining.feed(&sent[2]);
        assert_eq!(joining.text().trim_end(), "");
    }

    /// With nothing after it to join, a trailing joiner is not sent: the host would join it
    /// to whatever is printed next, anywhere.
    #[test]
    fn a_joiner_with_nothing_to_join_is_not_sent() {
        let sent = frames(8, &["\u{1F468}\u{200D} x".as_bytes()]);
        assert!(!sent[0].contains('\u{200D}'), "{:?}", sent[0]);
    }

    #[test]
    fn clipped_into_a_smaller_area() {
        let p = parser(
            4,
            10,
            0,
            b"0123456789\r\nabcdefghij\r\nklmnopqrst\r\nuvwxyz",
        );
        assert_snapshot!(draw(p.screen(), 8, 3, Rect::new(0, 0, 5, 2)));
    }

    #[test]
    fn area_larger_than_screen_is_blank_default() {
        let p = parser(2, 3, 0, b"\x1b[41mabc\r\nde");
        assert_snapshot!(draw_full(p.screen(), 5, 3));
    }

    #[test]
    fn area_offset_inside_the_frame() {
        let p = parser(2, 4, 0, b"\x1b[32mab\x1b[mcd\r\nefgh");
        assert_snapshot!(draw(p.screen(), 8, 4, Rect::new(3, 1, 4, 2)));
    }

    #[test]
    fn scrolled_back_view() {
        let mut p = parser(
            3,
            8,
            100,
            b"line1\r\nline2\r\nline3\r\nline4\r\nline5\r\nline6",
        );
        p.screen_mut().set_scrollback(2);
        assert_snapshot!(draw_full(p.screen(), 8, 3));
    }

    fn render_to_buffer(view: ScreenView, width: u16, height: u16) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
        view.render(buf.area, &mut buf);
        buf
    }

    #[test]
    fn scrolled_reads_any_offset_without_moving_the_screen() {
        // Short lines: in the scrollback they are trimmed to their text, and only set_scrollback
        // pads the rows it shows back to the screen's width.
        let p = parser(
            3,
            8,
            100,
            b"line1\r\n\x1b[41mline2\x1b[m\r\nl3\r\n\r\nline5\r\nline6",
        );
        let history = ["line1", "line2", "l3", "", "line5", "line6"];
        let screen = p.screen();
        for offset in 0..=5 {
            let buf = render_to_buffer(ScreenView::new(screen).scrolled(offset), 8, 3);
            let top = history.len() - 3 - offset.min(3);
            for (y, want) in history[top..top + 3].iter().enumerate() {
                let y = y as u16;
                let got: String = (0..8).map(|x| buf[(x, y)].symbol()).collect();
                assert_eq!(got, format!("{want:<8}"), "offset {offset}, row {y}");
                let red = *want == "line2";
                assert_eq!(buf[(0, y)].bg == Color::Indexed(1), red, "offset {offset}");
            }
            assert_eq!(
                screen.scrollback(),
                0,
                "the screen's own offset is untouched"
            );
        }
    }

    #[test]
    fn cursor_is_hidden_only_when_the_view_is_really_scrolled_back() {
        let area = Rect::new(0, 0, 10, 2);
        let p = parser(2, 10, 10, b"1\r\n2\r\n3\r\n4");
        let view = |offset| ScreenView::new(p.screen()).scrolled(offset);
        assert_eq!(view(0).cursor_position(area), Some(Position::new(1, 1)));
        assert_eq!(view(1).cursor_position(area), None);
        // Nothing to scroll back to: the live screen shows, cursor and all.
        let fresh = parser(2, 10, 10, b"ab");
        assert_eq!(
            ScreenView::new(fresh.screen())
                .scrolled(5)
                .cursor_position(area),
            Some(Position::new(2, 0))
        );
    }

    #[test]
    fn zero_size_and_out_of_buffer_areas_do_not_panic() {
        let p = parser(3, 3, 0, "ab漢".as_bytes());
        let mut buf = Buffer::empty(Rect::new(2, 2, 4, 4));
        for area in [
            Rect::new(0, 0, 0, 0),
            Rect::new(3, 3, 0, 5),
            Rect::new(0, 0, 100, 100),
            Rect::new(5, 5, 10, 10),
            Rect::new(50, 50, 10, 10),
            Rect::new(u16::MAX - 1, u16::MAX - 1, 1, 1),
        ] {
            ScreenView::new(p.screen()).render(area, &mut buf);
        }
    }

    #[test]
    fn cursor_visible() {
        let p = parser(3, 10, 0, b"ab\r\ncd");
        assert_eq!(
            ScreenView::new(p.screen()).cursor_position(Rect::new(4, 5, 10, 3)),
            Some(Position::new(6, 6))
        );
    }

    #[test]
    fn cursor_after_last_column_shows_on_it() {
        let p = parser(2, 4, 0, b"abcd");
        assert_eq!(
            ScreenView::new(p.screen()).cursor_position(Rect::new(0, 0, 4, 2)),
            Some(Position::new(3, 0))
        );
    }

    #[test]
    fn cursor_hidden() {
        let p = parser(3, 10, 0, b"ab\x1b[?25l");
        assert_eq!(
            ScreenView::new(p.screen()).cursor_position(Rect::new(0, 0, 10, 3)),
            None
        );
    }

    #[test]
    fn cursor_scrolled_back() {
        let mut p = parser(2, 10, 10, b"1\r\n2\r\n3\r\n4");
        p.screen_mut().set_scrollback(1);
        assert_eq!(
            ScreenView::new(p.screen()).cursor_position(Rect::new(0, 0, 10, 2)),
            None
        );
    }

    #[test]
    fn cursor_outside_area() {
        let p = parser(5, 10, 0, b"\x1b[4;8H");
        assert_eq!(
            ScreenView::new(p.screen()).cursor_position(Rect::new(0, 0, 7, 5)),
            None
        );
        assert_eq!(
            ScreenView::new(p.screen()).cursor_position(Rect::new(0, 0, 10, 3)),
            None
        );
        assert_eq!(
            ScreenView::new(p.screen()).cursor_position(Rect::new(1, 1, 8, 4)),
            Some(Position::new(8, 4))
        );
    }
}
