//! Emoji that vt100 spreads over several cells but terminals draw as one
//! glyph, and the joiners that must not reach the host on their own.
//!
//! vt100 gives each character of a sequence its own width: 👨‍👩‍👧 takes six
//! columns, three cells of one emoji each (the first two ending with the
//! zero width joiner); 👋🏽 takes four, 🇫🇷 two cells of one column. Terminals
//! that know the sequence (kitty, WezTerm, iTerm2, foot, tmux 3.3 and later)
//! draw it as one glyph two columns wide, and join a character to the glyph
//! left of the cursor even after a cursor move. Sent cell by cell, the
//! sequence was drawn in pieces in the wrong columns, and pieces stayed on
//! screen after the cells were cleared.
//!
//! So a sequence is sent whole as one glyph two columns wide, and the other
//! columns vt100 gave it as blanks: a terminal that joins draws the glyph and
//! the blanks; one that does not (xterm, Alacritty) draws the pieces, and the
//! blanks then paint over the pieces past the first. Either way every column
//! holds what ccmux thinks it holds, and a later change repaints it.

use std::borrow::Cow;

const ZWJ: char = '\u{200D}';
/// Variation selector 15: text presentation, which may make a terminal draw
/// an emoji one column wide.
const VS15: char = '\u{FE0E}';

/// The text of the cells from `x` on that terminals draw as one glyph, and
/// how many of the first `cols` columns vt100 gave them; `None` when the
/// cell at `x` stands alone.
pub fn cluster(line: &[vt100::Cell], x: usize, cols: usize) -> Option<(String, usize)> {
    let first = line.get(x)?;
    // Made only once a cell joins: most cells stand alone, and this runs for every cell drawn.
    let mut joined: Option<String> = None;
    let mut span = width(first);
    while let Some(next) = line.get(x + span).filter(|_| x + span < cols) {
        let Some(c) = next.contents().chars().next() else {
            break;
        };
        let text = joined.as_deref().unwrap_or(first.contents());
        let emoji = next.is_wide() || is_symbol(c);
        let joins = (text.ends_with(ZWJ) && first.is_wide() && emoji)
            || (is_modifier(c) && first.is_wide())
            || (is_regional(c) && is_one_regional(text));
        if !joins || x + span + width(next) > cols {
            break;
        }
        joined
            .get_or_insert_with(|| first.contents().to_string())
            .push_str(next.contents());
        span += width(next);
    }
    joined.map(|text| (text, span))
}

/// A lone cell's text as it is safe to send: without a trailing joiner,
/// which would join whatever is printed next to it, and, where vt100 made the
/// cell wide, without the text presentation selector that may make a
/// terminal draw it narrow and leave its second column stale.
pub fn sendable(contents: &str, wide: bool) -> Cow<'_, str> {
    let trimmed = contents.trim_end_matches(ZWJ);
    if wide && trimmed.contains(VS15) {
        Cow::Owned(trimmed.replace(VS15, ""))
    } else {
        Cow::Borrowed(trimmed)
    }
}

fn width(cell: &vt100::Cell) -> usize {
    if cell.is_wide() { 2 } else { 1 }
}

/// The symbols (♀ ⚕ ✈ ❄ ➡) a joiner joins without a selector making them
/// wide; every other emoji is wide.
fn is_symbol(c: char) -> bool {
    ('\u{2000}'..='\u{2BFF}').contains(&c)
}

/// Skin tones: they join the emoji before them.
fn is_modifier(c: char) -> bool {
    ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
}

/// Regional indicators: two make a flag.
fn is_regional(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// A lone regional indicator, waiting for the second half of its flag.
fn is_one_regional(text: &str) -> bool {
    let mut chars = text.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_regional(c))
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU16;

    use super::*;

    /// The clusters of a one-row screen `cols` wide showing `text`, drawn `drawn` columns wide,
    /// left to right as ScreenView finds them: (column, text, columns).
    fn clusters(text: &str, cols: u16, drawn: usize) -> Vec<(usize, String, usize)> {
        let size = |n| NonZeroU16::new(n).unwrap();
        let mut parser = vt100::Parser::new(size(1), size(cols), 0);
        parser.process(text.as_bytes());
        let line = parser
            .screen()
            .visible_rows_cells()
            .next()
            .unwrap()
            .to_vec();
        let mut found = Vec::new();
        let mut x = 0;
        while x < line.len() {
            match cluster(&line, x, drawn) {
                Some((text, span)) => {
                    found.push((x, text, span));
                    x += span;
                }
                None => x += 1,
            }
        }
        found
    }

    #[test]
    fn sequences_are_found_where_vt100_put_them() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(
            clusters(&format!("a{family}b"), 12, 12)[0],
            (1, family.into(), 6)
        );
        // A rainbow flag: a narrow flag made wide by its selector, a joiner, a rainbow.
        let rainbow = "\u{1F3F3}\u{FE0F}\u{200D}\u{1F308}";
        assert_eq!(clusters(rainbow, 8, 8)[0], (0, rainbow.into(), 4));
        let nurse = "\u{1F469}\u{200D}\u{2695}\u{FE0F}";
        assert_eq!(clusters(nurse, 8, 8)[0], (0, nurse.into(), 4));
    }

    #[test]
    fn a_sequence_is_cut_where_the_drawing_stops() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        let cut = "\u{1F468}\u{200D}\u{1F469}\u{200D}";
        assert_eq!(clusters(family, 8, 5)[0], (0, cut.into(), 4));
        assert_eq!(clusters(family, 8, 3), []);
    }

    #[test]
    fn text_after_a_joiner_stays_apart() {
        assert_eq!(clusters("\u{1F468}\u{200D} x", 8, 8), []);
        assert_eq!(clusters("\u{1F468}\u{200D}x", 8, 8), []);
        assert_eq!(clusters("a\u{200D}\u{1F469}", 8, 8), []);
        // A skin tone after a letter, and a third regional indicator, are on their own.
        assert_eq!(clusters("a\u{1F3FD}", 8, 8), []);
        let flags = clusters("\u{1F1EB}\u{1F1F7}\u{1F1EA}", 8, 8);
        assert_eq!(flags, [(0, "\u{1F1EB}\u{1F1F7}".into(), 2)]);
    }

    #[test]
    fn lone_joiners_and_text_selectors_are_not_sent() {
        assert_eq!(sendable("\u{1F468}\u{200D}", true), "\u{1F468}");
        assert_eq!(sendable("\u{231A}\u{FE0E}", true), "\u{231A}");
        assert_eq!(sendable("\u{2764}\u{FE0E}", false), "\u{2764}\u{FE0E}");
        assert!(matches!(sendable("a", false), Cow::Borrowed("a")));
    }
}
