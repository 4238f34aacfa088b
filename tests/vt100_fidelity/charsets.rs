//! Character sets: DEC Special Graphics, as ncurses draws boxes under TERM=xterm-256color.

use super::assert_screen;

#[test]
fn g0_designated_dec_graphics_draws_a_box_until_ascii_is_designated_back() {
    assert_screen(
        3,
        10,
        b"\x1b(0lqqk\r\nx  x\r\nmqqj\x1b(Blqk",
        &["┌──┐", "│  │", "└──┘lqk"],
    );
}

#[test]
fn so_and_si_shift_g1_in_and_out() {
    // dialog and vttest designate G1 once and shift it in for each line drawing.
    assert_screen(1, 10, b"\x1b)0q\x0eqx\x0fq\x0eq", &["q─│q─"]);
}

#[test]
fn every_dec_special_graphics_character_as_xterm_draws_it() {
    assert_screen(
        2,
        40,
        b"\x1b(0_`abcdefghijklmnopqrstuvwxyz{|}~\r\nAZ09+-.^ \x1b(B",
        &[" ◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·", "AZ09+-.^ "],
    );
}

#[test]
fn only_ascii_is_translated() {
    assert_screen(1, 10, "\x1b(0é漢q".as_bytes(), &["é漢─"]);
}

#[test]
fn ls2_and_ls3_shift_g2_and_g3() {
    assert_screen(1, 10, b"\x1b*0\x1b+A\x1bnq#\x1boq#\x0fq#", &["─#q£q#"]);
}

#[test]
fn the_uk_set_has_a_pound_sign() {
    assert_screen(1, 10, b"\x1b(A#a\x1b(B#", &["£a#"]);
}

#[test]
fn unknown_sets_draw_as_ascii() {
    // German (K) and DEC Supplemental (<): sets we do not draw are closest to ASCII.
    assert_screen(1, 10, b"\x1b(0q\x1b(Kq\x1b(0q\x1b(<q", &["─q─q"]);
}

#[test]
fn decsc_and_decrc_save_and_restore_the_sets() {
    assert_screen(
        1,
        10,
        b"\x1b)0\x0e\x1b7\x0f\x1b(0\x1b)Bq\x1b8\x1b[Cq\x0fq",
        // Saved: G1 graphics shifted in. Then G0 graphics shifted in: ─. Restored (the cursor
        // too, so step over the first): G1 shifted in, graphics again: ─. SI: G0, which the
        // restore set back to ASCII.
        &["──q"],
    );
}

#[test]
fn ris_resets_the_sets() {
    assert_screen(1, 10, b"\x1b(0\x1b)0\x0e\x1bcq", &["q"]);
}

#[test]
fn rep_repeats_the_drawn_character() {
    assert_screen(1, 10, b"\x1b(0q\x1b[3b\x1b(B", &["────"]);
}
