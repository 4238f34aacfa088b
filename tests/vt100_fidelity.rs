//! What ccmux's patched vt100 (vendor/vt100, see its PATCHES.md) draws for the sequences upstream
//! 0.18.1 ignored, byte by byte, against screens written out here as xterm and tmux show them.

#[path = "vt100_fidelity/attributes.rs"]
mod attributes;
#[path = "vt100_fidelity/charsets.rs"]
mod charsets;
#[path = "vt100_fidelity/insert_mode.rs"]
mod insert_mode;
#[path = "vt100_fidelity/reflow.rs"]
mod reflow;
#[path = "vt100_fidelity/tab_stops.rs"]
mod tab_stops;
#[path = "vt100_fidelity/vt100_controls.rs"]
mod vt100_controls;

use std::num::NonZeroU16;

/// A parser of `rows` x `cols` with 100 lines of scrollback, after `bytes`.
pub fn parse(rows: u16, cols: u16, bytes: impl AsRef<[u8]>) -> vt100::Parser {
    let nz = |n| NonZeroU16::new(n).unwrap();
    let mut parser = vt100::Parser::new(nz(rows), nz(cols), 100);
    parser.process(bytes.as_ref());
    parser
}

/// The screen's rows as text, trailing blanks left out.
pub fn text(screen: &vt100::Screen) -> Vec<String> {
    let (_, cols) = screen.size();
    screen.rows(0, cols.get()).collect()
}

/// Asserts the screen after `bytes` on a `rows` x `cols` screen shows `want`, top rows first
/// (the rows not given are blank).
#[track_caller]
pub fn assert_screen(rows: u16, cols: u16, bytes: impl AsRef<[u8]>, want: &[&str]) {
    let parser = parse(rows, cols, bytes);
    let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want.resize(usize::from(rows), String::new());
    assert_eq!(text(parser.screen()), want);
}
