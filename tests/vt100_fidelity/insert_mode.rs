//! Insert mode (IRM, `CSI 4 h` / `CSI 4 l`): printed characters push the rest of the row right.

use super::{assert_screen, parse};

#[test]
fn inserted_text_pushes_the_row_right() {
    assert_screen(1, 12, b"abcdef\r\x1b[4hXY", &["XYabcdef"]);
}

#[test]
fn what_passes_the_right_edge_is_lost() {
    assert_screen(2, 8, b"abcdefgh\r\x1b[4hXY\r\n12", &["XYabcdef", "12"]);
}

#[test]
fn reset_mode_replaces_again() {
    assert_screen(1, 12, b"abcdef\r\x1b[4hXY\x1b[4lZ", &["XYZbcdef"]);
}

#[test]
fn a_wide_character_is_inserted_whole() {
    assert_screen(1, 6, "abc\r\x1b[4h漢".as_bytes(), &["漢abc"]);
}

#[test]
fn a_wide_character_pushed_half_off_the_edge_is_blanked() {
    // 漢 ends up in the last column with its right half gone, as tmux blanks it.
    assert_screen(1, 4, "a漢\r\x1b[4hXY".as_bytes(), &["XYa"]);
}

#[test]
fn the_mode_is_reported_and_set_among_other_modes() {
    let p = parse(1, 8, b"\x1b[4;20h");
    assert!(p.screen().insert_mode());
    let p = parse(1, 8, b"\x1b[4h\x1b[20;4l");
    assert!(!p.screen().insert_mode());
    let p = parse(1, 8, b"\x1b[4h\x1bc");
    assert!(!p.screen().insert_mode(), "RIS resets it");
}
