//! Display width of text, close enough to wcwidth(3) for what tests type:
//! ASCII, accents, box drawing and symbols are one cell, CJK and emoji two.

pub fn char_width(c: char) -> usize {
    let cp = c as u32;
    let zero = cp < 0x20
        || (0x7f..0xa0).contains(&cp)
        || (0x300..=0x36f).contains(&cp)
        || (0x200b..=0x200f).contains(&cp)
        || (0xfe00..=0xfe0f).contains(&cp);
    let wide = [
        0x1100..=0x115f,
        0x2e80..=0x303e,
        0x3041..=0x33ff,
        0x3400..=0x4dbf,
        0x4e00..=0x9fff,
        0xa000..=0xa4cf,
        0xac00..=0xd7a3,
        0xf900..=0xfaff,
        0xfe30..=0xfe4f,
        0xff00..=0xff60,
        0xffe0..=0xffe6,
        0x1f300..=0x1f64f,
        0x1f900..=0x1f9ff,
        0x20000..=0x3fffd,
    ]
    .iter()
    .any(|range| range.contains(&cp));
    match (zero, wide) {
        (true, _) => 0,
        (false, true) => 2,
        (false, false) => 1,
    }
}

pub fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// The longest prefix of `s` that fits in `cols` cells.
pub fn truncate(s: &str, cols: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += char_width(c);
        if used > cols {
            return &s[..i];
        }
    }
    s
}

/// Split `s` into rows of at most `cols` cells; a wide character that does not
/// fit at the end of a row starts the next one. Always at least one row.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(2);
    let mut rows = vec![String::new()];
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > cols {
            rows.push(String::new());
            used = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push(c);
        }
        used += w;
    }
    rows
}

/// Rows a line takes once the terminal wraps it at `cols`.
pub fn rows_taken(s: &str, cols: usize) -> usize {
    str_width(s).div_ceil(cols.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(str_width("a❯─⏎●✻"), 6);
        assert_eq!(str_width("日本語"), 6);
        assert_eq!(str_width("e\u{301}"), 1);
    }

    #[test]
    fn truncate_by_cells() {
        assert_eq!(truncate("abcdef", 3), "abc");
        assert_eq!(truncate("日本語", 3), "日");
        assert_eq!(truncate("ab", 5), "ab");
    }

    #[test]
    fn wrap_rows() {
        assert_eq!(wrap("", 4), [""]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("ab日本", 3), ["ab", "日", "本"]);
    }

    #[test]
    fn rows_taken_by_long_lines() {
        assert_eq!(rows_taken("", 10), 1);
        assert_eq!(rows_taken("0123456789", 10), 1);
        assert_eq!(rows_taken("0123456789x", 10), 2);
    }
}
