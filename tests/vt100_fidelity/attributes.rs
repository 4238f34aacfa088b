//! Text attributes upstream dropped: strikethrough, overline, blink, hidden, underline styles and
//! underline colours.

use vt100::{Color, UnderlineStyle};

use super::parse;

/// Every attribute of the first cell after `sgr` (the bytes between `CSI` and `m`), then `x`.
fn first_cell(sgr: &str) -> vt100::Cell {
    let p = parse(1, 10, format!("\x1b[{sgr}mx"));
    *p.screen().cell(0, 0).unwrap()
}

#[test]
fn strikethrough_overline_blink_and_hidden_set_and_reset() {
    let on = first_cell("9;53;5;8");
    assert!(on.strikethrough() && on.overline() && on.blink() && on.hidden());
    let off = first_cell("9;53;5;8;29;55;25;28");
    assert!(!off.strikethrough() && !off.overline() && !off.blink() && !off.hidden());
    assert!(first_cell("6").blink(), "rapid blink blinks too");
    let reset = first_cell("9;53;5;8;0");
    assert!(!reset.strikethrough() && !reset.overline() && !reset.blink() && !reset.hidden());
}

#[test]
fn every_underline_style() {
    for (sgr, style) in [
        ("4", UnderlineStyle::Single),
        ("4:0", UnderlineStyle::None),
        ("4:1", UnderlineStyle::Single),
        ("4:2", UnderlineStyle::Double),
        ("4:3", UnderlineStyle::Curly),
        ("4:4", UnderlineStyle::Dotted),
        ("4:5", UnderlineStyle::Dashed),
        ("21", UnderlineStyle::Double),
        ("4:3;24", UnderlineStyle::None),
        ("4:3;4", UnderlineStyle::Single),
        ("4:3;0", UnderlineStyle::None),
    ] {
        let cell = first_cell(sgr);
        assert_eq!(cell.underline_style(), style, "{sgr}");
        assert_eq!(cell.underline(), style != UnderlineStyle::None, "{sgr}");
    }
}

#[test]
fn underline_colours_in_every_form() {
    for (sgr, colour) in [
        ("58;5;196", Color::Idx(196)),
        ("58:5:196", Color::Idx(196)),
        ("58;2;1;2;3", Color::Rgb(1, 2, 3)),
        ("58:2:1:2:3", Color::Rgb(1, 2, 3)),
        ("58:2::1:2:3", Color::Rgb(1, 2, 3)),
        ("58:2:0:1:2:3", Color::Rgb(1, 2, 3)),
        ("58;5;196;59", Color::Default),
        ("58;5;196;0", Color::Default),
    ] {
        assert_eq!(first_cell(sgr).underline_color(), colour, "{sgr}");
    }
    // The underline colour is its own: foreground and background stay.
    let cell = first_cell("58;5;1");
    assert_eq!(
        (cell.fgcolor(), cell.bgcolor()),
        (Color::Default, Color::Default)
    );
}

#[test]
fn colours_with_a_colour_space_as_vim_and_kitty_send_them() {
    let cell = first_cell("38:2::10:20:30;48:2::40:50:60");
    assert_eq!(cell.fgcolor(), Color::Rgb(10, 20, 30));
    assert_eq!(cell.bgcolor(), Color::Rgb(40, 50, 60));
}

#[test]
fn a_malformed_colour_does_not_drop_the_rest() {
    let cell = first_cell("58:7;9;58:3;53");
    assert!(cell.strikethrough());
    assert!(cell.overline());
    assert_eq!(cell.underline_color(), Color::Default);
}

#[test]
fn formatted_contents_reproduce_every_attribute() {
    // What ccmux rebuilds a screen from after a vt100 panic.
    let p = parse(
        1,
        12,
        "\x1b[9ma\x1b[29;53mb\x1b[55;5mc\x1b[25;8md\x1b[28;4:3;58;5;9me\x1b[4:5;58:2::1:2:3mf\
         \x1b[21;59mg\x1b[24mh",
    );
    let again = parse(1, 12, p.screen().contents_formatted());
    for col in 0..8 {
        let (a, b) = (
            p.screen().cell(0, col).unwrap(),
            again.screen().cell(0, col).unwrap(),
        );
        assert_eq!(a, b, "column {col}");
    }
    assert!(again.screen().cell(0, 0).unwrap().strikethrough());
    assert_eq!(
        again.screen().cell(0, 5).unwrap().underline_color(),
        Color::Rgb(1, 2, 3)
    );
}

#[test]
fn a_cell_keeps_the_first_17_bytes_of_a_grapheme_cluster() {
    // The cell now keeps 17 bytes of text (was 18 to 21) to make room for the underline colour
    // and style. vt100 puts only zero-width characters after a base in one cell (emoji joined by
    // ZWJ take a cell each), so this is a letter with combining marks, two bytes each.
    let marked: String = "e".chars().chain('\u{301}'..='\u{309}').collect();
    let p = parse(1, 4, &marked);
    assert_eq!(p.screen().cell(0, 0).unwrap().contents(), &marked[..17]);
}
