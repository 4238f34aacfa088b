//! ccmux's patched vt100 keeps the scrollback compact (vendor/vt100/PATCHES.md, "compact
//! scrollback rows") and expands a row only when it is read. These tests pin that what comes
//! back is exactly what vt100 had: random output, of every shape a program prints, is fed byte
//! by byte while the screen's own cells (the uncompressed path) are snapshotted before each
//! byte; the rows a byte scrolled off are the top rows of the snapshot, their blank tail left
//! out, and every way of reading the scrollback must give those cells and wrap flags back.
//! The same random output also pins that the text vt100 takes without vte ("text between
//! escape sequences taken without vte") draws what vte draws.

use std::borrow::Cow;
use std::num::NonZeroU16;

const ROWS: u16 = 6;
const COLS: u16 = 20;
/// Wide enough for runs of one character long enough that their count is a printable byte.
const WIDE: u16 = 140;

/// A row as the screen held it: its cells and whether it wraps into the next.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    cells: Vec<vt100::Cell>,
    wrapped: bool,
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

/// xorshift64: a deterministic stream of choices for each seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % u64::try_from(n).unwrap()).unwrap()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One piece of output: text of every width and kind, attributes of every kind, runs of one
/// character, erasing in colour, cursor movement, tabs, insert mode and line ends.
fn piece(r: &mut Rng) -> String {
    match r.below(16) {
        0..=3 => r
            .pick(&[
                "hello",
                "a",
                "wörld",
                "x y",
                "   ",
                "==",
                "-_-",
                "0123456789",
            ])
            .to_string(),
        4 => r
            .pick(&[
                "漢字",
                "한",
                "😀",
                "⚠\u{FE0F}",
                "e\u{301}",
                "🏳\u{FE0F}\u{200D}🌈",
            ])
            .to_string(),
        5 => {
            // Long enough for a count, then any character: a count must never be taken for
            // the character after it (34 blanks, then '!', byte 33).
            let c = r.pick(&["=", " ", "═", "漢", "x"]);
            let next = char::from(b' ' + u8::try_from(r.below(95)).unwrap());
            format!("{}{next}", c.repeat(r.below(130)))
        }
        6 | 7 => format!(
            "\x1b[{}m",
            r.pick(&[
                "0",
                "1",
                "2",
                "3",
                "4",
                "4:3",
                "5",
                "7",
                "8",
                "9",
                "21",
                "53",
                "31",
                "42",
                "38;5;200",
                "48;2;1;2;3",
                "58:2::9:8:7",
                "38:2::250:0:1",
                "97;104",
                "39;49",
                "22;23;24;25;27;28;29;55;59",
            ])
        ),
        8 => r
            .pick(&["\x1b[K", "\x1b[1K", "\x1b[3X", "\x1b[2K"])
            .to_string(),
        9 => format!(
            "\x1b[{}{}",
            1 + r.below(12),
            r.pick(&["C", "D", "G", "@", "P"])
        ),
        10 => r
            .pick(&["\t", "\x1b[4h", "\x1b[4l", "\x1b[2b", "\x08", "\x1b[A"])
            .to_string(),
        11 => "\r".to_string(),
        _ => r
            .pick(&["\r\n", "\n", "\x1bD", "\x1bE", "\x1b[2S"])
            .to_string(),
    }
}

fn output(seed: u64, pieces: usize) -> Vec<u8> {
    let mut r = Rng(seed);
    (0..pieces)
        .flat_map(|_| piece(&mut r).into_bytes())
        .collect()
}

/// The screen's rows as it holds them now, at scrollback offset 0.
fn snapshot(screen: &vt100::Screen) -> Vec<Row> {
    screen
        .rows_cells_at(0)
        .zip(screen.rows_wrapped_at(0))
        .map(|(cells, wrapped)| Row {
            cells: cells.into_owned(),
            wrapped,
        })
        .collect()
}

/// A cell never written to, as vt100 leaves it.
fn blank() -> vt100::Cell {
    let parser = vt100::Parser::new(nz(1), nz(1), 0);
    *parser.screen().cell(0, 0).unwrap()
}

/// Feeds `bytes` one at a time to a screen `cols` wide whose scrollback never fills, and returns
/// it with the rows that scrolled into its scrollback, as the screen held them, blank tails left
/// out.
fn scrolled(bytes: &[u8], cols: u16) -> (vt100::Parser, Vec<Row>) {
    let blank = blank();
    let mut parser = vt100::Parser::new(nz(ROWS), nz(cols), 100_000);
    let mut gone = Vec::new();
    for byte in bytes {
        let before = snapshot(parser.screen());
        let len = parser.screen().scrollback_len();
        parser.process(&[*byte]);
        let pushed = parser.screen().scrollback_len() - len;
        gone.extend(before.into_iter().take(pushed).map(|mut row| {
            let kept = row
                .cells
                .iter()
                .rposition(|c| *c != blank)
                .map_or(0, |i| i + 1);
            row.cells.truncate(kept);
            row
        }));
    }
    (parser, gone)
}

/// The rows shown at each scrollback offset, read without moving the screen's offset.
fn read_at(screen: &vt100::Screen, offset: usize) -> Vec<Row> {
    screen
        .rows_cells_at(offset)
        .zip(screen.rows_wrapped_at(offset))
        .map(|(cells, wrapped)| {
            // A scrollback row is expanded into cells of its own; a screen row is borrowed.
            assert!(matches!(cells, Cow::Owned(_)) || offset < usize::from(ROWS));
            Row {
                cells: cells.into_owned(),
                wrapped,
            }
        })
        .collect()
}

#[test]
fn compact_rows_expand_to_the_cells_vt100_had_on_its_screen() {
    for seed in 1..=12 {
        expand_as_they_were(seed, COLS);
    }
    for seed in 13..=16 {
        expand_as_they_were(seed, WIDE);
    }
}

fn expand_as_they_were(seed: u64, cols: u16) {
    let blank = blank();
    {
        let (mut parser, gone) = scrolled(&output(seed, 1500), cols);
        let screen = parser.screen();
        assert!(
            gone.len() > 100,
            "seed {seed}: only {} rows scrolled",
            gone.len()
        );
        assert_eq!(screen.scrollback_len(), gone.len(), "seed {seed}");
        let live = snapshot(screen);

        // Every offset, read the way ScreenView and copy mode read it.
        for offset in 0..=gone.len() {
            let got = read_at(screen, offset);
            let from = gone.len() - offset;
            let want: Vec<&Row> = gone[from..].iter().chain(&live).take(got.len()).collect();
            assert_eq!(got.len(), usize::from(ROWS));
            for (r, (got, want)) in got.iter().zip(want).enumerate() {
                assert_eq!(got, want, "seed {seed}, offset {offset}, row {r}");
            }
        }

        // The stored offset (set_scrollback), read cell by cell and row by row: the rows are
        // padded with blanks to the screen's width.
        for offset in [1, 7, gone.len() / 2, gone.len()] {
            parser.screen_mut().set_scrollback(offset);
            let screen = parser.screen();
            let from = gone.len() - offset;
            let want: Vec<&Row> = gone[from..].iter().chain(&live).collect();
            for (r, cells) in screen.visible_rows_cells().enumerate() {
                let row = u16::try_from(r).unwrap();
                assert_eq!(
                    screen.row_wrapped(row),
                    want[r].wrapped,
                    "seed {seed}, row {r}"
                );
                for (c, cell) in cells.iter().enumerate() {
                    let col = u16::try_from(c).unwrap();
                    let expected = want[r].cells.get(c).unwrap_or(&blank);
                    assert_eq!(cell, expected, "seed {seed}, offset {offset}, ({r}, {c})");
                    assert_eq!(screen.cell(row, col), Some(cell));
                }
            }
        }
        parser.screen_mut().set_scrollback(0);
    }
}

#[test]
fn a_full_scrollback_keeps_the_newest_rows_exactly() {
    let bytes = output(99, 3000);
    let (_, gone) = scrolled(&bytes, COLS);
    let capacity = 40;
    let mut parser = vt100::Parser::new(nz(ROWS), nz(COLS), capacity);
    for chunk in bytes.chunks(61) {
        parser.process(chunk);
    }
    let screen = parser.screen();
    assert_eq!(screen.scrollback_len(), capacity);
    let kept = &gone[gone.len() - capacity..];
    let top = read_at(screen, capacity);
    let second = read_at(screen, capacity - usize::from(ROWS));
    assert_eq!(top, kept[..usize::from(ROWS)]);
    assert_eq!(second, kept[usize::from(ROWS)..2 * usize::from(ROWS)]);
}

/// Output that never goes back to a row once the cursor left it: text (no variation
/// selectors, which can move a character back a row), attributes and line ends.
fn forward_output(seed: u64, pieces: usize) -> Vec<u8> {
    let mut r = Rng(seed);
    let mut out = String::new();
    for _ in 0..pieces {
        out += &match r.below(6) {
            0 => "\r\n".to_string(),
            1 => format!(
                "\x1b[{}m",
                r.pick(&["0", "1;4:3", "31", "48;5;9", "38;2;1;2;3"])
            ),
            2 => r.pick(&["漢字", "é", "═══", "e\u{301}"]).to_string(),
            _ => r
                .pick(&["hello ", "world", "==========", "a b c "])
                .to_string(),
        };
    }
    out.into_bytes()
}

#[test]
fn text_read_from_the_scrollback_matches_the_screen_it_left() {
    // Text read at an offset from rows that have scrolled off, against the same rows read
    // while they were still on the screen (and done with: above the cursor's row).
    for seed in [3, 4, 5] {
        let bytes = forward_output(seed, 1500);
        let mut parser = vt100::Parser::new(nz(ROWS), nz(COLS), 10_000);
        let mut then = Vec::new();
        for chunk in bytes.chunks(23) {
            parser.process(chunk);
            then.push(parser.screen().clone());
        }
        let end = parser.screen().scrollback_len();
        assert!(end > 100, "seed {seed}");
        for then in then {
            let done = then.cursor_position().0;
            if done < 2 {
                continue;
            }
            let mut now = parser.screen().clone();
            now.set_scrollback(end - then.scrollback_len());
            let rows = |s: &vt100::Screen| -> Vec<String> {
                s.rows(0, COLS).take(usize::from(done)).collect()
            };
            assert_eq!(rows(&now), rows(&then), "seed {seed}");
            let formatted = |s: &vt100::Screen| -> Vec<String> {
                s.rows_formatted(0, COLS).take(usize::from(done)).collect()
            };
            assert_eq!(formatted(&now), formatted(&then), "seed {seed}");
            assert_eq!(
                now.contents_between(0, 3, done - 1, 7),
                then.contents_between(0, 3, done - 1, 7),
                "seed {seed}"
            );
        }
    }
}

/// Output for the text path: `piece`'s, and the text vte treats specially: line drawing (the
/// character set in GL), C0 and C1 controls, DEL, the replacement character, invalid and cut
/// UTF-8, and repeats of the last character (REP).
fn text_path_output(seed: u64, pieces: usize) -> Vec<Vec<u8>> {
    let mut r = Rng(seed);
    (0..pieces)
        .map(|_| match r.below(8) {
            0 => r
                .pick(&[
                    "\x1b(0lqqk x\x1b(B",
                    "\x1b)0\x0eaq\x0f#",
                    "\x1b(A#\x1b(B",
                    "\u{85}",
                    "\x7f",
                    "\u{fffd}",
                    "\x07",
                    "\x1b[3b",
                ])
                .as_bytes()
                .to_vec(),
            1 => {
                let bad: [&[u8]; 5] = [
                    b"\xc3(ab",
                    b"\xff x",
                    b"\x80\x9f",
                    b"\xe2\x82\x1b[m",
                    b"\xf0\x9f!",
                ];
                bad[r.below(bad.len())].to_vec()
            }
            _ => piece(&mut r).into_bytes(),
        })
        .collect()
}

/// Everything the screen shows and keeps: its cells and wrap flags at every scrollback offset,
/// the cursor, modes and current attributes (`state_formatted`).
fn everything(screen: &vt100::Screen) -> (Vec<Vec<Row>>, String) {
    let offsets = (0..=screen.scrollback_len()).step_by(usize::from(ROWS));
    let rows = offsets.map(|offset| read_at(screen, offset)).collect();
    (rows, screen.state_formatted())
}

/// The screen after `pieces`, each followed by `sep`, fed `chunk` bytes at a time; with `vte`,
/// each piece is also followed by a CSI vte ignores (`ESC [ 0 < m`): vte ends it in its ground
/// state without a dispatch, so vt100 leaves the text after it to vte, which prints it character
/// by character, where it otherwise takes the text itself.
fn drawn(pieces: &[Vec<u8>], sep: &str, vte: bool, chunk: usize) -> (Vec<Vec<Row>>, String) {
    let end: &[u8] = if vte { b"\x1b[0<m" } else { b"" };
    let bytes: Vec<u8> = pieces
        .iter()
        .flat_map(|piece| [piece, sep.as_bytes(), end].concat())
        .collect();
    let mut parser = vt100::Parser::new(nz(ROWS), nz(COLS), 1000);
    for chunk in bytes.chunks(chunk) {
        parser.process(chunk);
    }
    everything(parser.screen())
}

#[test]
fn text_taken_without_vte_draws_what_vte_draws() {
    // Whole, the output must draw what it draws through vte.
    for seed in 1..=8 {
        let pieces = text_path_output(seed, 3000);
        let want = drawn(&pieces, "", true, usize::MAX);
        assert!(want == drawn(&pieces, "", false, usize::MAX), "seed {seed}");
        // In chunks that cut characters and sequences, vte keeps a cut character and takes what
        // follows up to its next dispatch. vte 0.15 then skips an ASCII character after a cut
        // two-byte one when a character of more than one byte comes next (PATCHES.md): two
        // spaces after each piece keep that out of what is compared.
        let want = drawn(&pieces, "  ", true, usize::MAX);
        for chunk in [4096, 61, 7, 2, 1] {
            let got = drawn(&pieces, "  ", false, chunk);
            assert!(want == got, "seed {seed}, chunks of {chunk}");
        }
    }
}
