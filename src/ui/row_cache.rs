//! One viewer's rows of a session's screen as it last drew them, so that its next frame copies
//! the rows vt100 says did not change (their stamps, `vt100::VisibleRow::stamp`) instead of
//! converting every cell again, and redraws only the columns of a row that text was written
//! into (`vt100::VisibleRow::changed_since`). A frame after a key echo changes one cell of
//! 10,000.
//!
//! Each viewer keeps its own cache: the screen is shared by every client, and is never told what
//! any of them saw, so no viewer's frame can take another's changes.

use std::ops::Range;

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;

#[derive(Default)]
pub struct RowCache {
    /// Where the rows were drawn and how many columns of the screen they show: drawn anywhere
    /// else, nothing is reused.
    at: Option<(Rect, u16)>,
    /// Per row of the area, the stamp of the screen row drawn there, if it is kept.
    stamps: Vec<Option<vt100::RowStamp>>,
    /// Per row of the area, whether it holds cells ratatui's diff sends with every frame.
    resend: Vec<bool>,
    /// The cells drawn, row by row, `at`'s width each.
    cells: Vec<Cell>,
    /// The rows of the area the last frame drew, or whose cells it sends again, and the columns
    /// of each that may differ from the frame before.
    dirty: Vec<(u16, Range<u16>)>,
}

impl RowCache {
    /// Readies the cache for a frame drawn at `area` showing `cols` columns, forgetting every row
    /// if either changed.
    pub(super) fn start(&mut self, area: Rect, cols: u16) {
        self.dirty.clear();
        if self.at == Some((area, cols)) {
            return;
        }
        self.at = Some((area, cols));
        self.stamps = vec![None; usize::from(area.height)];
        self.resend = vec![false; usize::from(area.height)];
        self.cells = vec![Cell::default(); usize::from(area.width) * usize::from(area.height)];
    }

    /// Copies row `y` of the area into `buf` if the screen row drawn there last time had
    /// `stamp`, or, when `in_place` (`buf` still holds the last frame drawn, where it was drawn),
    /// leaves it there; says whether it did.
    pub(super) fn restore(
        &mut self,
        y: u16,
        stamp: vt100::RowStamp,
        buf: &mut Buffer,
        in_place: bool,
    ) -> bool {
        if self.stamps.get(usize::from(y)) != Some(&Some(stamp)) {
            return false;
        }
        // In place, the row is already there: nothing to look up (every row of the frame goes
        // through here, and most do nothing else).
        if !in_place {
            let Some((kept, drawn)) = self.rows(y, buf) else {
                return false;
            };
            buf.content[drawn].clone_from_slice(&self.cells[kept]);
        }
        if self.resend[usize::from(y)] {
            self.dirty.push((y, self.all()));
        }
        true
    }

    /// How the row now at `y` can be drawn over the one kept there, where the buffer still holds
    /// it: the columns of it that changed since (`changed_since`), if the cache knows (vt100
    /// does, for text written into a row) and none of its cells is sent with every frame.
    pub(super) fn changed(&self, y: u16, row: &vt100::VisibleRow) -> Option<Range<u16>> {
        let i = usize::from(y);
        let seen = (*self.stamps.get(i)?)?;
        if self.resend[i] {
            return None;
        }
        row.changed_since(seen)
    }

    /// Columns `cols` of row `y` of the area were drawn into `buf` over the row kept there (see
    /// `changed`): keeps them, and the row is now the screen row with `stamp`.
    pub(super) fn drew_cols(
        &mut self,
        y: u16,
        cols: Range<u16>,
        stamp: vt100::RowStamp,
        buf: &Buffer,
    ) {
        let Some((kept, drawn)) = self.rows(y, buf) else {
            return;
        };
        let (start, end) = (usize::from(cols.start), usize::from(cols.end));
        self.cells[kept.start + start..kept.start + end]
            .clone_from_slice(&buf.content[drawn.start + start..drawn.start + end]);
        self.stamps[usize::from(y)] = Some(stamp);
        self.dirty.push((y, cols));
    }

    /// Row `y` of the area was drawn into `buf`: keeps it for the screen row with `stamp`, if
    /// any, noting whether it holds cells sent with every frame.
    pub(super) fn drew(
        &mut self,
        y: u16,
        stamp: Option<vt100::RowStamp>,
        buf: &Buffer,
        resend: bool,
    ) {
        self.dirty.push((y, self.all()));
        let (Some(stamp), Some((kept, drawn))) = (stamp, self.rows(y, buf)) else {
            return;
        };
        self.cells[kept].clone_from_slice(&buf.content[drawn]);
        self.stamps[usize::from(y)] = Some(stamp);
        self.resend[usize::from(y)] = resend;
    }

    /// The rows of the area the last frame drew (the others it restored), and those holding
    /// cells ratatui's diff sends with every frame: the rows of the area whose bytes may differ
    /// from the frame before, each with the columns (of the area) that may.
    pub fn dirty(&self) -> &[(u16, Range<u16>)] {
        &self.dirty
    }

    /// Every column of the area.
    fn all(&self) -> Range<u16> {
        0..self.at.map_or(0, |(area, _)| area.width)
    }

    /// Where row `y` of the area is in the cache and in `buf`.
    fn rows(
        &self,
        y: u16,
        buf: &Buffer,
    ) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
        let (area, _) = self.at?;
        let width = usize::from(area.width);
        let kept = usize::from(y) * width;
        let drawn = buf.area.intersection(area) == area && y < area.height;
        let drawn = drawn.then(|| buf.index_of(area.x, area.y + y))?;
        Some((kept..kept + width, drawn..drawn + width))
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU16;

    use ratatui::widgets::Widget;

    use super::*;
    use crate::ui::screen_view::ScreenView;

    /// A deterministic stream of output: text, colours, wide characters, emoji sequences,
    /// erasing, cursor movement, scrolling, the alternate screen and back.
    fn output(seed: u64, steps: usize) -> Vec<Vec<u8>> {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut next = move |n: usize| rng.usize(..n);
        let pieces: &[&[u8]] = &[
            b"hello ",
            b"\x1b[31;44mred\x1b[m",
            "漢字 ".as_bytes(),
            "\u{1F468}\u{200D}\u{1F469}".as_bytes(),
            b"\r\n",
            b"\x1b[2;3H\x1b[K",
            b"\x1b[5;1Hrow five",
            b"\x1b[A\x1b[2K",
            b"\x1b[?1049h\x1b[Halt",
            b"\x1b[?1049l",
            b"\x1b[3S",
            b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            // Typing: a character at a time, and the line edited.
            b"a",
            b"b",
            b"\x08",
            b"\x1b[D",
            b"\x1b[2P",
            "\u{1F1EB}\u{1F1F7}".as_bytes(),
            "\u{e9}".as_bytes(),
        ];
        (0..steps)
            .map(|_| {
                (0..1 + next(4))
                    .flat_map(|_| pieces[next(pieces.len())].to_vec())
                    .collect()
            })
            .collect()
    }

    fn render(view: ScreenView, area: Rect, size: Rect) -> Buffer {
        let mut buf = Buffer::empty(size);
        view.render(area, &mut buf);
        buf
    }

    #[test]
    fn a_cached_frame_is_the_frame_drawn_whole() {
        let nz = |n| NonZeroU16::new(n).unwrap();
        let size = Rect::new(0, 0, 24, 8);
        for seed in 1..=20 {
            let mut parser = vt100::Parser::new(nz(6), nz(20), 50);
            let mut cache = RowCache::default();
            for (step, bytes) in output(seed, 60).into_iter().enumerate() {
                parser.process(&bytes);
                // The viewer moves now and then: another place, another scrollback offset.
                let area = if step % 17 < 12 {
                    Rect::new(1, 1, 22, 6)
                } else {
                    Rect::new(0, 2, 24, 5)
                };
                let offset = if step % 23 < 18 { 0 } else { step % 5 };
                let screen = parser.screen();
                let whole = render(ScreenView::new(screen).scrolled(offset), area, size);
                let cached = render(
                    ScreenView::new(screen).scrolled(offset).cached(&mut cache),
                    area,
                    size,
                );
                assert_eq!(cached, whole, "seed {seed}, step {step}");
            }
        }
    }

    #[test]
    fn drawn_over_its_last_frame_the_frame_is_the_frame_drawn_whole() {
        let nz = |n| NonZeroU16::new(n).unwrap();
        let size = Rect::new(0, 0, 24, 8);
        let area = Rect::new(1, 1, 22, 6);
        let holds = [true; 8];
        let mut by_columns = 0;
        for seed in 1..=20 {
            let mut parser = vt100::Parser::new(nz(6), nz(20), 50);
            let mut cache = RowCache::default();
            // The buffer the frames are drawn on, which keeps each.
            let mut kept = Buffer::empty(size);
            for (step, bytes) in output(seed, 120).into_iter().enumerate() {
                parser.process(&bytes);
                let offset = if step % 23 < 18 { 0 } else { step % 5 };
                let screen = parser.screen();
                let whole = render(ScreenView::new(screen).scrolled(offset), area, size);
                ScreenView::new(screen)
                    .scrolled(offset)
                    .cached(&mut cache)
                    .in_place(&holds)
                    .render(area, &mut kept);
                assert_eq!(kept, whole, "seed {seed}, step {step}");
                by_columns += cache
                    .dirty()
                    .iter()
                    .filter(|(_, cols)| cols.len() < usize::from(area.width))
                    .count();
            }
        }
        // The columns of a row are drawn alone often enough to tell.
        assert!(by_columns > 200, "{by_columns}");
    }

    #[test]
    fn viewers_of_one_screen_each_keep_their_own_rows() {
        let nz = |n| NonZeroU16::new(n).unwrap();
        let size = Rect::new(0, 0, 20, 6);
        let mut parser = vt100::Parser::new(nz(6), nz(20), 50);
        let (mut a, mut b) = (RowCache::default(), RowCache::default());
        for (step, bytes) in output(7, 80).into_iter().enumerate() {
            parser.process(&bytes);
            let screen = parser.screen();
            let whole = render(ScreenView::new(screen), size, size);
            // One viewer draws every frame, the other only every third: a change the first one
            // drew is still drawn by the second.
            assert_eq!(
                render(ScreenView::new(screen).cached(&mut a), size, size),
                whole
            );
            if step % 3 == 0 {
                let drawn = render(ScreenView::new(screen).cached(&mut b), size, size);
                assert_eq!(drawn, whole, "step {step}");
            }
        }
    }
}
