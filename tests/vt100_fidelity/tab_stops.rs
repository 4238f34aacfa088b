//! Tab stops: HTS (`ESC H`), TBC (`CSI g`, `CSI 3 g`), CHT (`CSI n I`), CBT (`CSI n Z`), and their
//! reset by RIS and by a change of width.

use std::num::NonZeroU16;

use super::{assert_screen, parse, text};

#[test]
fn tabs_start_every_eight_columns_and_stop_at_the_last() {
    assert_screen(2, 20, b"a\tb\tc\td", &["a       b       c  d"]);
}

#[test]
fn hts_sets_a_stop_at_the_cursor() {
    assert_screen(1, 20, b"\x1b[1;4H\x1bH\rx\ty\tz", &["x  y    z"]);
}

#[test]
fn tbc_clears_the_stop_at_the_cursor() {
    assert_screen(
        1,
        20,
        b"\x1b[1;9H\x1b[g\x1b[1;17H\x1b[0g\r\tx",
        &["                   x"],
    );
}

#[test]
fn tbc_3_clears_every_stop() {
    assert_screen(1, 20, b"\x1b[3g\tx", &["                   x"]);
}

#[test]
fn cht_moves_forward_n_stops() {
    assert_screen(
        1,
        30,
        b"\x1b[2Ix\x1b[Iy\x1b[9Iz",
        &["                x       y    z"],
    );
}

#[test]
fn cbt_moves_back_n_stops_and_stops_at_the_first_column() {
    assert_screen(
        2,
        30,
        b"\x1b[1;20H\x1b[2Zx\x1b[1;20H\x1b[Zy\x1b[2;12H\x1b[5Zz",
        &["        x       y", "z"],
    );
}

#[test]
fn cbt_from_a_cursor_waiting_to_wrap_counts_from_the_last_column() {
    // 24 columns: the cursor waits past column 23; one stop back is 16, not 23's own stop.
    assert_screen(1, 24, b"\x1b[1;24Hx\x1b[Zy", &["                y      x"]);
}

#[test]
fn ris_resets_the_stops() {
    assert_screen(1, 20, b"\x1b[3g\x1b[1;4H\x1bH\x1bc\tx", &["        x"]);
}

#[test]
fn a_change_of_width_resets_the_stops_and_a_change_of_height_does_not() {
    let nz = |n| NonZeroU16::new(n).unwrap();
    let mut p = parse(2, 20, b"\x1b[3g\x1b[1;4H\x1bH\r");
    p.set_size(nz(3), nz(20));
    p.process(b"\tx\r\n");
    p.set_size(nz(3), nz(24));
    p.process(b"\ty");
    assert_eq!(text(p.screen()), ["   x", "        y", ""]);
}

#[test]
fn a_tab_from_a_cursor_waiting_to_wrap_leaves_it_waiting() {
    // vttest 11.5.4: the line of tabbed stars wraps once.
    assert_screen(2, 20, b"\t*\t*\t*\t*", &["        *       *  *", "*"]);
}
