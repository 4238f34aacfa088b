//! Fitting text into terminal cells. The chrome measures in cells, never in
//! bytes or chars, and agrees with the buffer about what is drawn: control
//! characters (which a program can put in its OSC title) are skipped by the
//! buffer, so they count as nothing here.

use unicode_width::UnicodeWidthChar;

pub const ELLIPSIS: char = '…';

fn char_width(c: char) -> usize {
    if c.is_control() {
        0
    } else {
        c.width().unwrap_or(0)
    }
}

/// A count of cells as ratatui takes it; no screen is wider than a u16.
pub fn cells(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// How many cells `s` takes on screen.
pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` in at most `max` cells, its end replaced by `…` when it does not fit.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w >= max {
            break;
        }
        out.push(c);
        used += w;
    }
    if max > 0 {
        out.push(ELLIPSIS);
    }
    out
}

/// `s` in at most `max` cells, its start replaced by `…` when it does not fit:
/// for paths, whose end says the most.
pub fn truncate_start(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut kept = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = char_width(c);
        if used + w >= max {
            break;
        }
        kept.push(c);
        used += w;
    }
    std::iter::once(ELLIPSIS)
        .chain(kept.into_iter().rev())
        .collect()
}

/// `s` broken into lines of at most `max` cells, at spaces where it can be and
/// inside words longer than a line.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for paragraph in s.lines() {
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split_whitespace() {
            let w = width(word);
            if used > 0 && used + 1 + w <= max {
                line.push(' ');
                line.push_str(word);
                used += 1 + w;
                continue;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            for c in word.chars() {
                let cw = char_width(c);
                if used + cw > max && used > 0 {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_counts_cells_and_skips_controls() {
        assert_eq!(width("api"), 3);
        assert_eq!(width("日本"), 4);
        assert_eq!(width("a\x07b\x1b"), 2);
    }

    #[test]
    fn truncate_ends_in_an_ellipsis_within_the_width() {
        assert_eq!(truncate("frontend", 8), "frontend");
        assert_eq!(truncate("frontend", 5), "fron…");
        assert_eq!(truncate("frontend", 1), "…");
        assert_eq!(truncate("frontend", 0), "");
        assert_eq!(truncate("日本語", 4), "日…");
        assert!(width(&truncate("日本語", 5)) <= 5);
    }

    #[test]
    fn truncate_start_keeps_the_end() {
        assert_eq!(truncate_start("~/code/api", 10), "~/code/api");
        assert_eq!(truncate_start("~/code/api", 7), "…de/api");
        assert_eq!(truncate_start("~/code/api", 1), "…");
        assert_eq!(truncate_start("~/code/api", 0), "");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_inside_long_words() {
        assert_eq!(
            wrap("stop the session in ~/code/api?", 12),
            ["stop the", "session in", "~/code/api?"]
        );
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("one\ntwo", 20), ["one", "two"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        assert_eq!(wrap("x", 0), ["x"]);
    }
}
