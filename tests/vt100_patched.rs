//! Pins what ccmux's patched vt100 (vendor/vt100, see its PATCHES.md) must keep doing exactly as
//! upstream 0.18.1 did, against expectations built here independently of vt100: the patch
//! changed how a scrolled line reaches the scrollback (a trimmed copy, the row reset in place)
//! and how ScreenView reads rows, so scrollback contents and order, wrap flags, colours, resize
//! and the alternate screen are checked on scroll-heavy input, at every scrollback offset.

use std::num::NonZeroU16;

const ROWS: u16 = 5;
const COLS: u16 = 12;
const CAPACITY: usize = 20;
const LINES: usize = 120;

/// One row of the screen as the test expects it.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    text: String,
    wrapped: bool,
    /// A cell whose colours must survive the trip into the scrollback: (col, fg, bg).
    colour: Option<(u16, vt100::Color, vt100::Color)>,
}

fn row(text: impl Into<String>, wrapped: bool) -> Row {
    Row {
        text: text.into(),
        wrapped,
        colour: None,
    }
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

/// Lines of every shape a scroll can meet: blank, coloured, exactly full, wrapping over three
/// rows, wide characters, and a coloured blank tail that must not be trimmed.
fn line(i: usize) -> (String, Vec<Row>) {
    let cols = usize::from(COLS);
    match i % 7 {
        0 => (String::new(), vec![row("", false)]),
        1 => {
            let c = u8::try_from(i % 6 + 1).unwrap();
            let text = format!("c{i}");
            let mut r = row(text.clone(), false);
            r.colour = Some((0, vt100::Color::Idx(c), vt100::Color::Default));
            (format!("\x1b[3{c}m{text}\x1b[m"), vec![r])
        }
        2 => {
            let text = format!("{i:-<cols$}");
            (text.clone(), vec![row(text, false)])
        }
        3 => {
            let text: String = (0..2 * cols + 3)
                .map(|k| char::from(b'a' + u8::try_from((i + k) % 26).unwrap()))
                .collect();
            let chunks: Vec<String> = text
                .as_bytes()
                .chunks(cols)
                .map(|c| String::from_utf8(c.to_vec()).unwrap())
                .collect();
            let last = chunks.len() - 1;
            let rows = chunks
                .into_iter()
                .enumerate()
                .map(|(k, c)| row(c, k != last))
                .collect();
            (text, rows)
        }
        4 => {
            let text = format!("漢字{i}");
            (text.clone(), vec![row(text, false)])
        }
        5 => {
            let mut r = row("x   ", false);
            r.colour = Some((3, vt100::Color::Default, vt100::Color::Idx(4)));
            ("x\x1b[44m   \x1b[m".to_string(), vec![r])
        }
        _ => {
            let text = format!("line {i}");
            (text.clone(), vec![row(text, false)])
        }
    }
}

/// The bytes for `LINES` lines and every row they make, oldest first.
fn input() -> (Vec<u8>, Vec<Row>) {
    let mut bytes = Vec::new();
    let mut rows = Vec::new();
    for i in 0..LINES {
        if i > 0 {
            bytes.extend_from_slice(b"\r\n");
        }
        let (text, made) = line(i);
        bytes.extend_from_slice(text.as_bytes());
        rows.extend(made);
    }
    (bytes, rows)
}

fn visible(screen: &vt100::Screen) -> Vec<Row> {
    let texts: Vec<String> = screen.rows(0, COLS).collect();
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let i = u16::try_from(i).unwrap();
            Row {
                text,
                wrapped: screen.row_wrapped(i),
                colour: None,
            }
        })
        .collect()
}

/// Checks the screen at every scrollback offset against `history` (the rows of the scrollback,
/// oldest first, then the screen's own rows).
fn assert_history(screen: &mut vt100::Screen, history: &[Row]) {
    let rows = usize::from(ROWS);
    let scrollback = history.len() - rows;
    // Untouched by set_scrollback, which pads the rows it shows to the screen's width.
    let unscrolled = screen.clone();
    screen.set_scrollback(usize::MAX);
    assert_eq!(screen.scrollback(), scrollback, "scrollback length");
    for offset in 0..=scrollback {
        screen.set_scrollback(offset);
        let want = &history[scrollback - offset..][..rows];
        let got = visible(screen);
        for (r, (got, want)) in got.iter().zip(want).enumerate() {
            assert_eq!(
                (&got.text, got.wrapped),
                (&want.text, want.wrapped),
                "offset {offset}, row {r}"
            );
            if let Some((col, fg, bg)) = want.colour {
                let cell = screen.cell(u16::try_from(r).unwrap(), col).unwrap();
                assert_eq!(
                    (cell.fgcolor(), cell.bgcolor()),
                    (fg, bg),
                    "offset {offset}, row {r}"
                );
            }
        }
        // The per-row accessor ScreenView draws from sees the same cells as Screen::cell.
        for (r, cells) in screen.visible_rows_cells().enumerate() {
            let r = u16::try_from(r).unwrap();
            for (c, cell) in cells.iter().enumerate().take(usize::from(COLS)) {
                let c = u16::try_from(c).unwrap();
                assert_eq!(Some(cell), screen.cell(r, c), "offset {offset} ({r}, {c})");
            }
        }
        // Reading an offset without setting it sees the same rows, less the padding.
        let at: Vec<_> = unscrolled.rows_cells_at(offset).collect();
        assert_eq!(at.len(), rows, "offset {offset}");
        for (r, (at, set)) in at.iter().zip(screen.visible_rows_cells()).enumerate() {
            assert_eq!(*at, &set[..at.len()], "offset {offset}, row {r}");
            let blank = |c: &vt100::Cell| !c.has_contents() && c.bgcolor() == vt100::Color::Default;
            assert!(
                set[at.len()..].iter().all(blank),
                "offset {offset}, row {r}"
            );
        }
        // So do the wrap flags read at an offset.
        let wraps: Vec<bool> = unscrolled.rows_wrapped_at(offset).collect();
        let want: Vec<bool> = want.iter().map(|row| row.wrapped).collect();
        assert_eq!(wraps, want, "offset {offset}");
        assert_eq!(unscrolled.scrollback(), 0);
    }
    screen.set_scrollback(0);
}

fn expected_after_scrolling(all: &[Row]) -> Vec<Row> {
    let keep = CAPACITY + usize::from(ROWS);
    all[all.len() - keep..].to_vec()
}

#[test]
fn scrollback_keeps_the_newest_lines_in_order_with_their_wraps_and_colours() {
    let (bytes, all) = input();
    assert!(
        all.len() > CAPACITY + usize::from(ROWS),
        "the input must overflow the scrollback"
    );
    let mut parser = vt100::Parser::new(nz(ROWS), nz(COLS), CAPACITY);
    // In PTY-read-sized pieces that split lines and escape sequences.
    for chunk in bytes.chunks(37) {
        parser.process(chunk);
    }
    let history = expected_after_scrolling(&all);
    assert_history(parser.screen_mut(), &history);

    let mut want = String::new();
    for r in &history[CAPACITY..] {
        want.push_str(&r.text);
        if !r.wrapped {
            want.push('\n');
        }
    }
    assert_eq!(parser.screen().contents(), want.trim_end_matches('\n'));
}

#[test]
fn scrolling_with_the_view_scrolled_back_keeps_the_view_on_the_same_lines() {
    let (bytes, _) = input();
    let half = bytes.len() / 2;
    let mut parser = vt100::Parser::new(nz(ROWS), nz(COLS), CAPACITY);
    parser.process(&bytes[..half]);
    parser.screen_mut().set_scrollback(3);
    let before = visible(parser.screen());
    // Three more lines: the view follows its lines up until the oldest are evicted.
    parser.process(b"\r\nmore 1\r\nmore 2\r\nmore 3");
    assert_eq!(parser.screen().scrollback(), 6);
    assert_eq!(visible(parser.screen()), before);
}

#[test]
fn the_alternate_screen_leaves_scrollback_and_screen_untouched() {
    let (bytes, all) = input();
    let mut parser = vt100::Parser::new(nz(ROWS), nz(COLS), CAPACITY);
    parser.process(&bytes);
    parser.process(b"\x1b[?1049h");
    for i in 0..50 {
        parser.process(format!("alt {i}\r\n").as_bytes());
    }
    assert!(parser.screen().alternate_screen());
    assert_eq!(parser.screen().contents(), "alt 46\nalt 47\nalt 48\nalt 49");
    parser.process(b"\x1b[?1049l");
    assert_history(parser.screen_mut(), &expected_after_scrolling(&all));
}

#[test]
fn shrinking_then_growing_the_screen_round_trips_through_the_scrollback() {
    let (bytes, all) = input();
    let mut parser = vt100::Parser::new(nz(ROWS), nz(COLS), CAPACITY);
    parser.process(&bytes);
    // The cursor is on the bottom row, so shrinking pushes the top two rows into the
    // scrollback (evicting its two oldest) and growing pulls them back.
    parser.set_size(nz(ROWS - 2), nz(COLS));
    parser.set_size(nz(ROWS), nz(COLS));
    let history = expected_after_scrolling(&all);
    assert_history(parser.screen_mut(), &history[2..]);
}
