//! patched (see PATCHES.md): settable tab stops (HTS, TBC, CHT, CBT), which
//! upstream fixed at every eighth column. Added by ccmux.

use alloc::vec::Vec;

/// The columns holding a tab stop, one flag per column of the screen.
#[derive(Clone, Debug)]
pub struct TabStops {
    stops: Vec<bool>,
}

impl TabStops {
    /// A stop every eighth column, as a terminal starts, resets (RIS) and,
    /// as tmux does, is left after a change of width.
    pub fn new(cols: u16) -> Self {
        Self {
            stops: (0..cols).map(|col| col > 0 && col % 8 == 0).collect(),
        }
    }

    pub fn cols(&self) -> u16 {
        // built from a u16 count of columns
        u16::try_from(self.stops.len()).unwrap_or(u16::MAX)
    }

    pub fn set(&mut self, col: u16, stop: bool) {
        if let Some(s) = self.stops.get_mut(usize::from(col)) {
            *s = stop;
        }
    }

    pub fn clear_all(&mut self) {
        self.stops.fill(false);
    }

    /// The column of the `count`th stop right of `col`, or the last column
    /// if there are not that many.
    pub fn forward(&self, col: u16, count: u16) -> u16 {
        let last = self.cols().saturating_sub(1);
        let start = usize::from(col) + 1;
        self.stops
            .get(start..)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter(|(_, stop)| **stop)
            .nth(usize::from(count.max(1)) - 1)
            .map_or(last, |(i, _)| u16::try_from(start + i).unwrap_or(last))
    }

    /// The column of the `count`th stop left of `col`, or the first column
    /// if there are not that many.
    pub fn backward(&self, col: u16, count: u16) -> u16 {
        let end = usize::from(col).min(self.stops.len());
        self.stops[..end]
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, stop)| **stop)
            .nth(usize::from(count.max(1)) - 1)
            .map_or(0, |(i, _)| u16::try_from(i).unwrap_or(0))
    }
}
