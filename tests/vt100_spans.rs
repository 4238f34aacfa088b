//! What a row's changed columns (`VisibleRow::changed_since`, patched vt100) promise a viewer that
//! redraws only them: every cell outside them is the cell it drew. Random output of every kind
//! (text typed a character at a time, wide characters, emoji, erasing, inserting and deleting
//! characters, scrolling, the alternate screen, resizes) against a viewer that keeps each row
//! as it last read it and reads rows at random moments, as clients drawing at their own pace do.

use std::num::NonZeroU16;

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

const PIECES: &[&str] = &[
    "a",
    "b",
    "hello ",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "\x1b[31;44mred\x1b[m",
    "漢",
    "字 ",
    "\u{1F1EB}\u{1F1F7}",
    "\u{1F468}\u{200D}\u{1F469}",
    "e\u{301}",
    // After an OSC, vte prints the text itself, a character at a time.
    "\x1b]0;t\x07q",
    "\x1b]0;t\x07\u{e9}\u{4e2d}",
    "\r\n",
    "\r",
    "\x08",
    "\x1b[D",
    "\x1b[3C",
    "\x1b[2;3H",
    "\x1b[5;1H",
    "\x1b[K",
    "\x1b[1K",
    "\x1b[2K",
    "\x1b[2@",
    "\x1b[3P",
    "\x1b[2X",
    "\x1b[J",
    "\x1b[S",
    "\x1b[T",
    "\x1b[L",
    "\x1b[M",
    "\x1b[4h",
    "\x1b[4l",
    "\x1b[?7l",
    "\x1b[?7h",
    "\x1b[?1049h",
    "\x1b[?1049l",
    "\x1b#8",
    "\x1b[2;4r",
    "\x1b[r",
];

#[test]
fn outside_a_rows_changed_columns_every_cell_is_the_one_drawn() {
    let mut partial = 0;
    for seed in 1..=40u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let (mut rows, mut cols) = (6u16, 20u16);
        let mut parser = vt100::Parser::new(nz(rows), nz(cols), 30);
        // Per row of the screen: the stamp and cells the viewer last read there.
        let mut seen: Vec<Option<(vt100::RowStamp, Vec<vt100::Cell>)>> = vec![None; 6];
        for step in 0..400 {
            let piece = PIECES[rng.usize(..PIECES.len())];
            parser.process(piece.as_bytes());
            if rng.usize(..60) == 0 {
                (rows, cols) = (rng.u16(3..8), rng.u16(8..30));
                parser.screen_mut().set_size(nz(rows), nz(cols));
                seen = vec![None; usize::from(rows)];
            }
            // The viewer reads now and then, a row at a time.
            if rng.usize(..3) != 0 {
                continue;
            }
            let screen = parser.screen();
            for (y, row) in screen.visible_rows_at(0).enumerate() {
                let cells = row.cells().into_owned();
                if let Some((stamp, drawn)) = &seen[y]
                    && let Some(changed) = row.changed_since(*stamp)
                {
                    for x in 0..cells.len().max(drawn.len()) {
                        if changed.contains(&u16::try_from(x).unwrap()) {
                            continue;
                        }
                        assert_eq!(
                            cells.get(x),
                            drawn.get(x),
                            "seed {seed}, step {step}, row {y}, column {x} outside {changed:?}"
                        );
                    }
                    if !changed.is_empty() {
                        partial += 1;
                    }
                }
                seen[y] = Some((row.stamp(), cells));
            }
        }
    }
    // The promise must be tested where it is made, not only where it is not.
    assert!(
        partial > 200,
        "only {partial} rows read by their changed columns"
    );
}

/// A key echo after the one before: the viewer that drew the row between them redraws the new
/// character's cell, not every cell typed since the row last changed as a whole.
#[test]
fn a_viewer_a_change_behind_redraws_that_change_alone() {
    let mut parser = vt100::Parser::new(nz(4), nz(40), 0);
    parser.process(b"$ ");
    let stamp =
        |parser: &vt100::Parser| parser.screen().visible_rows_at(0).next().map(|r| r.stamp());
    let mut seen = stamp(&parser).expect("a row");
    for (i, key) in "hello".bytes().enumerate() {
        parser.process(&[key]);
        let screen = parser.screen();
        let row = screen.visible_rows_at(0).next().expect("a row");
        let x = 2 + u16::try_from(i).unwrap();
        assert_eq!(row.changed_since(seen), Some(x..x + 1), "key {i}");
        seen = row.stamp();
    }
}
