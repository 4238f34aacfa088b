//! IND (`ESC D`), NEL (`ESC E`), DECALN (`ESC # 8`) and the 80/132-column switch (`CSI ? 3 h/l`).

use super::{assert_screen, parse, text};

#[test]
fn ind_moves_down_in_the_same_column() {
    assert_screen(3, 8, b"ab\x1bDc", &["ab", "  c"]);
}

#[test]
fn ind_at_the_bottom_scrolls_into_the_scrollback() {
    let mut p = parse(2, 8, b"1\r\n2\x1bDx");
    assert_eq!(text(p.screen()), ["2", " x"]);
    p.screen_mut().set_scrollback(1);
    assert_eq!(text(p.screen()), ["1", "2"]);
}

#[test]
fn ind_scrolls_only_the_scroll_region() {
    assert_screen(
        4,
        8,
        b"top\r\n1\r\n2\r\nbot\x1b[2;3r\x1b[3;1H\x1bDx",
        &["top", "2", "x", "bot"],
    );
}

#[test]
fn nel_moves_to_the_start_of_the_next_line() {
    assert_screen(4, 8, b"ab\x1bEc\x1bE\x1bEd", &["ab", "c", "", "d"]);
}

#[test]
fn decaln_fills_the_screen_with_e_resets_the_region_and_homes() {
    let p = parse(4, 5, b"hello\x1b[2;3r\x1b[41m\x1b[3;4H\x1b#8");
    assert_eq!(text(p.screen()), ["EEEEE"; 4]);
    assert_eq!(p.screen().cursor_position(), (0, 0));
    assert_eq!(
        p.screen().cell(2, 2).unwrap().bgcolor(),
        vt100::Color::Default
    );
    // The region is the whole screen again: a line feed on row 3 moves to row 4, no scroll.
    assert_screen(
        4,
        5,
        b"\x1b[2;3r\x1b#8\x1b[3;1H\nx",
        &["EEEEE", "EEEEE", "EEEEE", "xEEEE"],
    );
}

#[test]
fn the_column_switch_clears_resets_the_region_and_homes() {
    for switch in [&b"\x1b[?3h"[..], b"\x1b[?3l"] {
        let mut bytes = b"one\r\ntwo\x1b[2;3r\x1b[3;3H".to_vec();
        bytes.extend_from_slice(switch);
        bytes.extend_from_slice(b"x\x1b[4;1H\ny");
        // Home is the top row even though the region started on row 2, and the line feed on
        // the bottom row scrolls the whole screen.
        assert_screen(4, 8, &bytes, &["", "", "", "y"]);
        let mut bytes = b"one\x1b[2;3r\x1b[3;3H".to_vec();
        bytes.extend_from_slice(switch);
        bytes.extend_from_slice(b"x");
        assert_screen(4, 8, &bytes, &["x"]);
    }
}

#[test]
fn without_autowrap_the_last_column_is_written_over() {
    assert_screen(2, 10, b"\x1b[?7labcdefghijKL", &["abcdefghiL"]);
    assert_screen(2, 10, "\x1b[?7labcdefghi漢".as_bytes(), &["abcdefgh漢"]);
    assert_screen(
        2,
        10,
        b"\x1b[?7l\x1b[?7habcdefghijKL",
        &["abcdefghij", "KL"],
    );
    let p = parse(1, 10, b"\x1b[?7l");
    assert!(!p.screen().autowrap());
    let p = parse(1, 10, b"\x1b[?7l\x1bc");
    assert!(p.screen().autowrap(), "RIS turns it back on");
}
