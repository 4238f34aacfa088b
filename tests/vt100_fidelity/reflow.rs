//! Reflow on resize: the main screen and its scrollback rewrap when the width changes, so a line
//! narrowed and widened again comes back whole, and the cursor stays on its character.

use std::num::NonZeroU16;

use super::{parse, text};

fn resize(p: &mut vt100::Parser, rows: u16, cols: u16) {
    let nz = |n| NonZeroU16::new(n).unwrap();
    p.set_size(nz(rows), nz(cols));
}

/// Every row, the scrollback's oldest first, then the screen's.
fn history(p: &mut vt100::Parser) -> Vec<String> {
    let (_, cols) = p.screen().size();
    let mut rows = Vec::new();
    for offset in (1..=p.screen().scrollback_len()).rev() {
        p.screen_mut().set_scrollback(offset);
        rows.extend(p.screen().rows(0, cols.get()).next());
    }
    p.screen_mut().set_scrollback(0);
    rows.extend(text(p.screen()));
    rows
}

/// `n` characters of a pattern easy to cut by eye: 0123456789 repeated, each run of ten
/// starting with a letter for its tens (a123456789b123456789…).
fn long_line(n: usize) -> String {
    (0..n)
        .map(|i| {
            if i % 10 == 0 {
                char::from(b'a' + u8::try_from(i / 10 % 26).unwrap())
            } else {
                char::from(b'0' + u8::try_from(i % 10).unwrap())
            }
        })
        .collect()
}

fn rows_of(s: &str, width: usize) -> Vec<String> {
    s.as_bytes()
        .chunks(width)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect()
}

#[test]
fn a_110_column_line_narrowed_to_60_and_widened_again_comes_back_whole() {
    let line = long_line(110);
    let mut p = parse(6, 120, format!("{line}\r\n$ "));
    resize(&mut p, 6, 60);
    assert_eq!(
        text(p.screen()),
        [&line[..60], &line[60..], "$ ", "", "", ""]
    );
    assert!(p.screen().row_wrapped(0) && !p.screen().row_wrapped(1));
    assert_eq!(p.screen().cursor_position(), (2, 2));
    resize(&mut p, 6, 120);
    assert_eq!(text(p.screen()), [line.as_str(), "$ ", "", "", "", ""]);
    assert_eq!(p.screen().cursor_position(), (1, 2));
    assert_eq!(p.screen().scrollback_len(), 0, "blank rows made the room");
}

#[test]
fn the_scrollback_rewraps_too() {
    // 3 rows: the long lines scroll into the scrollback.
    let (a, b) = (long_line(25), long_line(17));
    let mut p = parse(3, 30, format!("{a}\r\nshort\r\n{b}\r\nx\r\ny\r\nz"));
    assert_eq!(history(&mut p), [a.as_str(), "short", &b, "x", "y", "z"]);
    resize(&mut p, 3, 10);
    let mut want = rows_of(&a, 10);
    want.push("short".into());
    want.extend(rows_of(&b, 10));
    want.extend(["x", "y", "z"].map(String::from));
    assert_eq!(history(&mut p), want);
    resize(&mut p, 3, 30);
    assert_eq!(history(&mut p), [a.as_str(), "short", &b, "x", "y", "z"]);
    assert_eq!(p.screen().cursor_position(), (2, 1));
}

#[test]
fn a_screen_with_room_below_keeps_its_top_and_leaves_the_scrollback_alone() {
    // After `clear`: two lines in the scrollback, a long line and a prompt at the top.
    let line = long_line(30);
    let mut p = parse(
        5,
        20,
        format!("1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\x1b[H\x1b[2J{line}\r\n$ "),
    );
    assert_eq!(p.screen().scrollback_len(), 2);
    let before = history(&mut p);
    resize(&mut p, 5, 10);
    assert_eq!(
        text(p.screen()),
        [&line[..10], &line[10..20], &line[20..], "$ ", ""]
    );
    resize(&mut p, 5, 20);
    assert_eq!(history(&mut p), before);
    assert_eq!(p.screen().cursor_position(), (2, 2));
}

#[test]
fn a_full_screen_stays_full_and_round_trips_exactly() {
    let lines: Vec<String> = (0..8).map(|i| format!("{i}{}", long_line(14))).collect();
    let mut p = parse(4, 20, lines.join("\r\n"));
    let before = history(&mut p);
    resize(&mut p, 4, 10);
    // Each line takes two rows now; the screen shows the last two lines, cursor at the bottom.
    assert_eq!(
        text(p.screen()),
        rows_of(&lines[6], 10)
            .into_iter()
            .chain(rows_of(&lines[7], 10))
            .collect::<Vec<_>>()
    );
    assert_eq!(p.screen().cursor_position(), (3, 5));
    resize(&mut p, 4, 20);
    assert_eq!(history(&mut p), before);
    assert_eq!(p.screen().cursor_position(), (3, 15));
}

#[test]
fn a_wide_character_that_no_longer_fits_moves_to_the_next_row() {
    let line = "abcdefghi漢xyz";
    // At 10 columns 漢 does not fit in the last one: the row is marked wrapped all the same.
    let mut p = parse(4, 10, line);
    assert_eq!(text(p.screen()), ["abcdefghi", "漢xyz", "", ""]);
    assert!(p.screen().row_wrapped(0));
    resize(&mut p, 4, 20);
    assert_eq!(text(p.screen()), [line, "", "", ""]);
    resize(&mut p, 4, 5);
    assert_eq!(text(p.screen()), ["abcde", "fghi", "漢xyz", ""]);
    let cell = p.screen().cell(2, 0).unwrap();
    assert!(cell.is_wide() && p.screen().cell(2, 1).unwrap().is_wide_continuation());
    resize(&mut p, 4, 11);
    assert_eq!(text(p.screen()), ["abcdefghi漢", "xyz", "", ""]);
    resize(&mut p, 4, 20);
    assert_eq!(text(p.screen()), [line, "", "", ""]);
    assert_eq!(p.screen().cursor_position(), (0, 14));
}

#[test]
fn the_cursor_stays_on_its_character() {
    // Moved back into the line, and moved past its end.
    let line = long_line(30);
    let mut p = parse(5, 40, format!("{line}\x1b[5D"));
    resize(&mut p, 5, 10);
    assert_eq!(p.screen().cursor_position(), (2, 5));
    p.process(b"X");
    resize(&mut p, 5, 40);
    assert_eq!(p.screen().cursor_position(), (0, 26));
    assert_eq!(
        text(p.screen())[0],
        format!("{}X{}", &line[..25], &line[26..])
    );

    let mut p = parse(5, 40, format!("{line}\x1b[5C"));
    resize(&mut p, 5, 10);
    assert_eq!(p.screen().cursor_position(), (3, 5));
    resize(&mut p, 5, 40);
    assert_eq!(p.screen().cursor_position(), (0, 35));
    p.process(b"X");
    assert_eq!(text(p.screen())[0], format!("{line}     X"));
}

#[test]
fn a_cursor_waiting_to_wrap_still_waits_and_the_next_character_continues_the_line() {
    let line = long_line(40);
    let mut p = parse(4, 40, &line);
    assert_eq!(p.screen().cursor_position(), (0, 40));
    resize(&mut p, 4, 20);
    assert_eq!(p.screen().cursor_position(), (1, 20));
    p.process(b"x");
    assert_eq!(text(p.screen()), [&line[..20], &line[20..], "x", ""]);
    resize(&mut p, 4, 40);
    assert_eq!(text(p.screen()), [line.as_str(), "x", "", ""]);
    assert_eq!(p.screen().cursor_position(), (1, 1));
}

#[test]
fn the_saved_cursor_follows_its_character() {
    let line = long_line(30);
    // The cursor is on the bottom row, so the screen stays full: the line's first two rows go
    // into the scrollback, and the saved cursor's character, 25, is now on the top row.
    let mut p = parse(5, 40, format!("{line}\x1b[1;26H\x1b7\x1b[5;1H"));
    resize(&mut p, 5, 10);
    p.process(b"\x1b8X");
    assert_eq!(
        text(p.screen())[0],
        format!("{}X{}", &line[20..25], &line[26..])
    );
}

#[test]
fn colours_survive_and_a_painted_tail_does_not_make_rows() {
    // Green text, then a blue background painted to the end of the 40-column line.
    let mut p = parse(3, 40, b"\x1b[32mgreen\x1b[44m\x1b[K\x1b[m\r\n");
    resize(&mut p, 3, 10);
    assert_eq!(
        text(p.screen()),
        ["green", "", ""],
        "no row for the blue tail"
    );
    let screen = p.screen();
    assert_eq!(screen.cell(0, 0).unwrap().fgcolor(), vt100::Color::Idx(2));
    assert_eq!(screen.cell(0, 9).unwrap().bgcolor(), vt100::Color::Idx(4));
    assert_eq!(screen.cursor_position(), (1, 0));
}

#[test]
fn the_alternate_screen_is_cut_and_the_main_screen_under_it_rewraps() {
    let line = long_line(30);
    let mut p = parse(3, 40, format!("{line}\r\n\x1b[?1049h{line}"));
    resize(&mut p, 3, 10);
    resize(&mut p, 3, 40);
    assert_eq!(
        text(p.screen()),
        [&line[..10], "", ""],
        "the alternate screen was cut"
    );
    p.process(b"\x1b[?1049l");
    assert_eq!(text(p.screen()), [line.as_str(), "", ""]);
    assert_eq!(p.screen().cursor_position(), (1, 0));
}

#[test]
fn the_scrollback_capacity_holds() {
    // 100 lines of scrollback (see parse) full of 80-column lines, narrowed to 2 columns.
    let lines: Vec<String> = (0..200).map(|_| long_line(80)).collect();
    let mut p = parse(5, 80, lines.join("\r\n"));
    assert_eq!(p.screen().scrollback_len(), 100);
    resize(&mut p, 5, 2);
    assert_eq!(p.screen().scrollback_len(), 100);
    let hist = history(&mut p);
    // The newest line ends the screen, the rows before it are its own.
    assert_eq!(hist.last().map(String::as_str), Some(&lines[199][78..]));
    // Back at 80 columns the scrollback's 100 rows of 2 held line 198, the first 70 columns of
    // line 199 and the last 50 of line 197: three rows, all on the screen now.
    resize(&mut p, 5, 80);
    assert_eq!(p.screen().scrollback_len(), 0);
    assert_eq!(
        text(p.screen()),
        [&lines[197][30..], &lines[198], &lines[199], "", ""]
    );
    assert_eq!(p.screen().cursor_position(), (2, 80));
}

/// The text of every line, scrollback and screen, wrapped rows joined; the blank lines after the
/// last written one left out (the screen's blank rows are room, not lines).
fn logical_lines(p: &mut vt100::Parser) -> Vec<String> {
    let (_, cols) = p.screen().size();
    let mut rows = Vec::new();
    for offset in (1..=p.screen().scrollback_len()).rev() {
        p.screen_mut().set_scrollback(offset);
        let text = p.screen().rows(0, cols.get()).next().unwrap();
        rows.push((text, p.screen().row_wrapped(0)));
    }
    p.screen_mut().set_scrollback(0);
    for (i, text) in text(p.screen()).into_iter().enumerate() {
        rows.push((text, p.screen().row_wrapped(u16::try_from(i).unwrap())));
    }
    let mut lines = vec![String::new()];
    for (text, wrapped) in rows {
        lines.last_mut().unwrap().push_str(&text);
        if !wrapped {
            lines.push(String::new());
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// What the cursor is on: the character under it, or None past the text or waiting to wrap.
fn under_cursor(p: &vt100::Parser) -> Option<String> {
    let (row, col) = p.screen().cursor_position();
    p.screen()
        .cell(row, col)
        .map(|c| c.contents().to_string())
        .filter(|c| !c.is_empty())
}

#[test]
fn any_resizes_keep_every_line_and_the_cursor_on_its_character() {
    // Lines of letters, spaces and wide characters at random widths, resized at random, never
    // losing a line: the scrollback holds everything. Half the time the cursor is moved back into
    // the last line; then the height stays, as a shorter screen drops the rows below the cursor
    // (as upstream and tmux do: that is not reflow).
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        usize::try_from(seed % u64::try_from(n).unwrap()).unwrap()
    };
    for round in 0..200 {
        let mut bytes = String::new();
        for line in 0..next(12) + 1 {
            if line > 0 {
                bytes.push_str("\r\n");
            }
            for _ in 0..next(70) {
                bytes.push(match next(10) {
                    0 => ' ',
                    1 => '漢',
                    2 => 'é',
                    _ => char::from(b'a' + u8::try_from(next(26)).unwrap()),
                });
            }
        }
        let moved_back = next(2) == 0;
        if moved_back {
            bytes.push_str(&format!("\x1b[{}D", next(10) + 1));
        }
        let (rows, cols) = (
            u16::try_from(next(10) + 8).unwrap(),
            u16::try_from(next(60) + 3).unwrap(),
        );
        let nz = |n| NonZeroU16::new(n).unwrap();
        let mut p = vt100::Parser::new(nz(rows), nz(cols), 10_000);
        p.process(bytes.as_bytes());
        let lines = logical_lines(&mut p);
        let under = under_cursor(&p);
        for step in 0..6 {
            let height = u16::try_from(next(10) + 8).unwrap();
            let rows = if moved_back { rows } else { height };
            let cols = u16::try_from(next(60) + 3).unwrap();
            resize(&mut p, rows, cols);
            let context = format!("round {round}, step {step}, {rows}x{cols}, input {bytes:?}");
            assert_eq!(logical_lines(&mut p), lines, "{context}");
            if under.is_some() {
                assert_eq!(under_cursor(&p), under, "{context}");
            }
        }
    }
}
