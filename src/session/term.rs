//! A session's terminal: the vt100 screen plus what vt100 leaves to its host.
//!
//! vt100 parses and draws but answers no queries, so programs that ask the
//! terminal what it is (Claude Code asks DA1, XTVERSION and DECRQM at startup and
//! only turns on synchronized output when answered) would get silence. The
//! callbacks here answer from the screen's own state at the exact point in the
//! byte stream where the query was made, so a cursor position report is right
//! even when the query sits in the middle of a chunk.

use std::cell::Cell;
use std::num::NonZeroU16;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use super::osc_limit::{MAX_OSC, OscLimit, Part};

/// What XTVERSION reports. Not a name Claude Code special-cases, so it treats us
/// as a generic xterm-compatible terminal.
const TERMINAL_NAME: &str = concat!("ccmux(", env!("CARGO_PKG_VERSION"), ")");

/// Synchronized output (mode 2026) as DECRQM reports it: 1 = set, 2 = reset.
const SYNC_MODE: u16 = 2026;

/// The kitty keyboard protocol's progressive enhancements we honour: only
/// "disambiguate escape codes" (Esc, Alt+key and Ctrl+key as `CSI … u`).
/// A program asking for more gets this much, and is told so when it asks.
pub const KITTY_DISAMBIGUATE: u8 = 0b1;
/// How deep a program may push keyboard flags; the kitty spec lets a terminal
/// drop the oldest entries beyond a limit of its own.
const KITTY_STACK: usize = 16;

// What a program can make ccmux keep is bounded: every string it sends is cut
// at one of these sizes (see also `MAX_OSC`, the most of any OSC string the
// parser buffers). Each is kept once per session, replaced by the next one.

/// The largest OSC 52 copy forwarded, in bytes of base64: what `MAX_OSC`
/// leaves after `52;`, the selection and `;`, so about 768 KiB of text.
/// Copies of long answers (Claude Code's /copy) fit, and a session cannot
/// make ccmux hold or forward more. A longer copy is dropped whole: a
/// clipboard cut short would be worse than none.
pub const MAX_CLIPBOARD: usize = MAX_OSC - 16;
/// The longest title kept, in bytes: far more than a tab or the session
/// table shows, small enough to copy for every frame.
pub const MAX_TITLE: usize = 4096;
/// The longest notification text kept, in bytes.
pub const MAX_NOTIFICATION: usize = 1024;

pub struct Term {
    parser: vt100::Parser<Callbacks>,
    osc_limit: OscLimit,
    /// How often vt100 panicked and the screen was rebuilt.
    rebuilds: u64,
}

thread_local! {
    static IN_VT100: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is inside vt100, where a panic is caught and the
/// screen rebuilt. The panic hook stays quiet for those: the session goes on.
pub fn panicking_in_vt100() -> bool {
    IN_VT100.with(Cell::get)
}

/// Runs `f` with vt100's panics caught. vt100 0.18.1 unwraps None on some
/// real input; our patched copy fixes the case we met (an emoji with VS16 in
/// the bottom-right cell, then a write over it once scrolled, see
/// vendor/vt100/PATCHES.md), but a program's output must never take ccmux
/// down, whatever else is left.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    IN_VT100.with(|g| g.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    IN_VT100.with(|g| g.set(false));
    result.ok()
}

/// Things the program asked of its host terminal, collected while parsing and
/// taken by whoever owns the session.
#[derive(Debug, Default)]
pub struct Callbacks {
    /// Replies to queries, to be written back to the program.
    replies: Vec<u8>,
    title: String,
    title_changed: bool,
    /// A BEL or a desktop notification (OSC 9, 99, 777) since last taken.
    alert: Option<Alert>,
    /// Base64 payload of the last OSC 52 copy, to forward to the host.
    clipboard: Option<Vec<u8>>,
    /// Set while the parser dispatches an OSC string that `OscLimit` cut.
    osc_cut: bool,
    /// When the program began a synchronized frame it has not finished yet.
    sync_since: Option<Instant>,
    /// Kitty keyboard flags the program pushed, the current ones last.
    kitty_flags: Vec<u8>,
    /// Main-screen rows that left the scrollback (dropped at its capacity, or
    /// erased): with its length, how many lines ever scrolled off the top.
    rows_dropped: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alert {
    Bell,
    /// The notification's text, if it had one.
    Notification(String),
}

impl Term {
    pub fn new(rows: u16, cols: u16, scrollback: usize) -> Self {
        Self {
            parser: vt100::Parser::new_with_callbacks(
                nonzero(rows),
                columns(cols),
                scrollback,
                Callbacks::default(),
            ),
            osc_limit: OscLimit::default(),
            rebuilds: 0,
        }
    }

    pub fn process(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while !rest.is_empty() {
            match self.osc_limit.next(rest) {
                Part::Parse(n) => {
                    self.parse(&rest[..n]);
                    rest = &rest[n..];
                }
                Part::Drop(n) => rest = &rest[n..],
                Part::EndOfCut => {
                    self.parser.callbacks_mut().osc_cut = true;
                    self.parse(&rest[..1]);
                    self.parser.callbacks_mut().osc_cut = false;
                    rest = &rest[1..];
                }
            }
        }
    }

    fn parse(&mut self, bytes: &[u8]) {
        if guarded(|| self.parser.process(bytes)).is_none() {
            self.rebuild();
        }
    }

    /// How many times vt100 panicked on this session's output and the screen
    /// was rebuilt: 0 unless vt100 has a bug the output found.
    pub fn rebuilds(&self) -> u64 {
        self.rebuilds
    }

    /// Replaces a screen vt100 panicked on with a fresh one showing what the
    /// old one showed (its scrollback is lost), so the session goes on.
    fn rebuild(&mut self) {
        self.rebuilds += 1;
        self.osc_limit.reset();
        let screen = self.parser.screen();
        let (rows, cols) = screen.size();
        let scrollback = screen.scrollback_capacity();
        let state = guarded(|| screen.state_formatted()).unwrap_or_default();
        let callbacks = std::mem::take(self.parser.callbacks_mut());
        self.parser = vt100::Parser::new_with_callbacks(rows, cols, scrollback, callbacks);
        if guarded(|| self.parser.process(state.as_bytes())).is_none() {
            let callbacks = std::mem::take(self.parser.callbacks_mut());
            self.parser = vt100::Parser::new_with_callbacks(rows, cols, scrollback, callbacks);
        }
    }

    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    pub fn screen_mut(&mut self) -> &mut vt100::Screen {
        self.parser.screen_mut()
    }

    pub fn set_size(&mut self, rows: u16, cols: u16) {
        if guarded(|| self.parser.set_size(nonzero(rows), columns(cols))).is_none() {
            self.rebuild();
            let _ = guarded(|| self.parser.set_size(nonzero(rows), columns(cols)));
        }
    }

    pub fn take_replies(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.parser.callbacks_mut().replies)
    }

    /// The title, if it changed since the last call.
    pub fn take_title(&mut self) -> Option<String> {
        let cb = self.parser.callbacks_mut();
        std::mem::take(&mut cb.title_changed).then(|| cb.title.clone())
    }

    pub fn title(&self) -> &str {
        &self.parser.callbacks().title
    }

    pub fn take_alert(&mut self) -> Option<Alert> {
        self.parser.callbacks_mut().alert.take()
    }

    pub fn take_clipboard(&mut self) -> Option<Vec<u8>> {
        self.parser.callbacks_mut().clipboard.take()
    }

    /// When the program started the frame it is still drawing, if it is.
    pub fn sync_since(&self) -> Option<Instant> {
        self.parser.callbacks().sync_since
    }

    /// How many lines have scrolled off the top of the main screen so far. It
    /// only grows while output flows, so a view into the scrollback can stay
    /// on the same lines by moving up as much as this grew.
    pub fn lines_scrolled(&self) -> u64 {
        let screen = self.parser.screen();
        if screen.alternate_screen() {
            return 0;
        }
        screen.scrollback_len() as u64 + self.parser.callbacks().rows_dropped
    }

    /// The kitty keyboard flags in force (0: keys as xterm encodes them).
    pub fn kitty_flags(&self) -> u8 {
        self.parser.callbacks().kitty_flags()
    }
}

fn nonzero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN)
}

/// vt100 0.18.1 panics on wide characters in a one-column screen, so a screen
/// is never narrower than two.
fn columns(n: u16) -> NonZeroU16 {
    nonzero(n.max(2))
}

impl Callbacks {
    fn kitty_flags(&self) -> u8 {
        self.kitty_flags.last().copied().unwrap_or(0)
    }

    /// `CSI > flags u` pushes, `CSI < n u` pops, `CSI = flags ; mode u` sets.
    fn kitty_keyboard(&mut self, marker: u8, params: &[&[u16]]) {
        let arg = |i: usize| params.get(i).and_then(|p| p.first()).copied();
        let flags = |i: usize| (arg(i).unwrap_or(0) & u16::from(KITTY_DISAMBIGUATE)) as u8;
        match marker {
            b'>' => {
                if self.kitty_flags.len() == KITTY_STACK {
                    self.kitty_flags.remove(0);
                }
                self.kitty_flags.push(flags(0));
            }
            b'<' => {
                let n = usize::from(arg(0).unwrap_or(1).max(1));
                let keep = self.kitty_flags.len().saturating_sub(n);
                self.kitty_flags.truncate(keep);
            }
            _ => {
                let current = self.kitty_flags();
                let new = match arg(1).unwrap_or(1) {
                    2 => current | flags(0),
                    3 => current & !flags(0),
                    _ => flags(0),
                };
                match self.kitty_flags.last_mut() {
                    Some(top) => *top = new,
                    None => self.kitty_flags.push(new),
                }
            }
        }
    }

    fn reply(&mut self, bytes: impl AsRef<[u8]>) {
        self.replies.extend_from_slice(bytes.as_ref());
    }

    /// DECRQM for a private mode: 0 = not recognized, 1 = set, 2 = reset.
    fn private_mode_state(&self, screen: &vt100::Screen, mode: u16) -> u8 {
        let set = match mode {
            1 => screen.application_cursor(),
            25 => !screen.hide_cursor(),
            47 | 1047 | 1049 => screen.alternate_screen(),
            1000 => screen.mouse_protocol_mode() == vt100::MouseProtocolMode::PressRelease,
            1002 => screen.mouse_protocol_mode() == vt100::MouseProtocolMode::ButtonMotion,
            1003 => screen.mouse_protocol_mode() == vt100::MouseProtocolMode::AnyMotion,
            1006 => screen.mouse_protocol_encoding() == vt100::MouseProtocolEncoding::Sgr,
            2004 => screen.bracketed_paste(),
            SYNC_MODE => self.sync_since.is_some(),
            _ => return 0,
        };
        if set { 1 } else { 2 }
    }
}

fn first_param(params: &[&[u16]]) -> u16 {
    params.first().and_then(|p| p.first()).copied().unwrap_or(0)
}

impl vt100::Callbacks for Callbacks {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.alert.get_or_insert(Alert::Bell);
    }

    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        let title = text_within(title, MAX_TITLE);
        if title != self.title {
            self.title = title;
            self.title_changed = true;
        }
    }

    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        if !self.osc_cut && data.len() <= MAX_CLIPBOARD {
            self.clipboard = Some(data.to_vec());
        }
    }

    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        match (i1, i2, c) {
            // DA1: a VT220 with ANSI colour, as most modern terminals claim.
            (None, None, 'c') if first_param(params) == 0 => self.reply("\x1b[?62;22c"),
            // DA2
            (Some(b'>'), None, 'c') => self.reply("\x1b[>1;10;0c"),
            // XTVERSION
            (Some(b'>'), None, 'q') => self.reply(format!("\x1bP>|{TERMINAL_NAME}\x1b\\")),
            // DSR: status, and the cursor position report.
            (None, None, 'n') => match first_param(params) {
                5 => self.reply("\x1b[0n"),
                6 => {
                    let (row, col) = screen.cursor_position();
                    self.reply(format!("\x1b[{};{}R", row + 1, col + 1));
                }
                _ => {}
            },
            (Some(b'?'), None, 'n') if first_param(params) == 6 => {
                let (row, col) = screen.cursor_position();
                self.reply(format!("\x1b[?{};{};1R", row + 1, col + 1));
            }
            // DECRQM, private and ANSI modes.
            (Some(b'?'), Some(b'$'), 'p') => {
                let mode = first_param(params);
                let state = self.private_mode_state(screen, mode);
                self.reply(format!("\x1b[?{mode};{state}$y"));
            }
            (Some(b'$'), None, 'p') => {
                self.reply(format!("\x1b[{};0$y", first_param(params)));
            }
            // The kitty keyboard protocol: the query is answered with the
            // flags in force, which are only ever the ones we honour.
            (Some(b'?'), None, 'u') => {
                let flags = self.kitty_flags();
                self.reply(format!("\x1b[?{flags}u"));
            }
            (Some(marker @ (b'>' | b'<' | b'=')), None, 'u') => {
                self.kitty_keyboard(marker, params);
            }
            // XTWINOPS 18: the text area size in characters.
            (None, None, 't') if first_param(params) == 18 => {
                let (rows, cols) = screen.size();
                let (rows, cols) = (rows.get(), cols.get());
                self.reply(format!("\x1b[8;{rows};{cols}t"));
            }
            // vt100 calls this once for each mode it does not know, with all of
            // the sequence's modes, so only look for ours.
            (Some(b'?'), None, 'h' | 'l')
                if params.iter().any(|p| p.first() == Some(&SYNC_MODE)) =>
            {
                self.sync_since = match c {
                    'h' => self.sync_since.or_else(|| Some(Instant::now())),
                    _ => None,
                };
            }
            _ => {}
        }
    }

    fn on_scroll(&mut self, _: vt100::capture::RowContents<'_>, alternate_screen: bool) {
        if !alternate_screen {
            self.rows_dropped += 1;
        }
    }

    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        let text = |i: usize| {
            params
                .get(i)
                .map(|p| text_within(p, MAX_NOTIFICATION))
                .unwrap_or_default()
        };
        let notification = match params.first().copied() {
            // OSC 9;4 is iTerm2's progress bar, not a notification.
            Some(b"9") if params.get(1).copied() != Some(b"4") => Some(text(1)),
            // Kitty: OSC 99 ; metadata ; payload
            Some(b"99") => Some(text(2)),
            // OSC 777 ; notify ; title ; body
            Some(b"777") if params.get(1).copied() == Some(b"notify") => Some(
                [text(2), text(3)]
                    .join(": ")
                    .trim_matches([':', ' '])
                    .to_string(),
            ),
            _ => None,
        };
        if let Some(text) = notification {
            self.alert = Some(Alert::Notification(text_within(
                text.as_bytes(),
                MAX_NOTIFICATION,
            )));
        }
    }
}

/// `bytes` as text, at most `max` bytes of it, cut on a character boundary.
fn text_within(bytes: &[u8], max: usize) -> String {
    let mut text = String::from_utf8_lossy(&bytes[..bytes.len().min(max)]).into_owned();
    // Each invalid byte became a three-byte U+FFFD.
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term() -> Term {
        Term::new(24, 80, 100)
    }

    fn replies(input: &str) -> String {
        let mut t = term();
        t.process(input.as_bytes());
        String::from_utf8(t.take_replies()).unwrap()
    }

    #[test]
    fn answers_the_claude_code_startup_batch() {
        assert_eq!(
            replies("\x1b[>0q\x1b[c"),
            format!("\x1bP>|{TERMINAL_NAME}\x1b\\\x1b[?62;22c")
        );
        assert_eq!(replies("\x1b[?2026$p"), "\x1b[?2026;2$y");
        assert_eq!(replies("\x1b[?2004h\x1b[?2004$p"), "\x1b[?2004;1$y");
        assert_eq!(replies("\x1b[?7777$p"), "\x1b[?7777;0$y");
        assert_eq!(replies("\x1b[>c"), "\x1b[>1;10;0c");
        assert_eq!(replies("\x1b[?u\x1b[c"), "\x1b[?0u\x1b[?62;22c");
    }

    #[test]
    fn cursor_report_reflects_the_position_at_the_query() {
        assert_eq!(replies("ab\x1b[6n\r\n\x1b[6n"), "\x1b[1;3R\x1b[2;1R");
        assert_eq!(replies("\x1b[5;7H\x1b[?6n"), "\x1b[?5;7;1R");
        assert_eq!(replies("\x1b[18t"), "\x1b[8;24;80t");
    }

    #[test]
    fn tracks_synchronized_output() {
        let mut t = term();
        t.process(b"\x1b[?2026h");
        assert!(t.sync_since().is_some());
        t.process(b"\x1b[?2026$p");
        assert_eq!(t.take_replies(), b"\x1b[?2026;1$y");
        t.process(b"\x1b[?25;2026l");
        assert!(t.sync_since().is_none());
    }

    #[test]
    fn collects_titles_bells_and_notifications() {
        let mut t = term();
        t.process(b"\x1b]0;\xe2\x9c\xb3 api\x07");
        assert_eq!(t.take_title().as_deref(), Some("✳ api"));
        assert_eq!(t.take_title(), None);
        t.process(b"\x07");
        assert_eq!(t.take_alert(), Some(Alert::Bell));
        t.process(b"\x1b]9;4;3\x07");
        assert_eq!(t.take_alert(), None);
        t.process(b"\x1b]9;Claude needs your permission\x07");
        assert_eq!(
            t.take_alert(),
            Some(Alert::Notification("Claude needs your permission".into()))
        );
        t.process(b"\x1b]777;notify;Claude;done\x07");
        assert_eq!(
            t.take_alert(),
            Some(Alert::Notification("Claude: done".into()))
        );
    }

    #[test]
    fn survives_what_vt100_panics_on() {
        let mut t = Term::new(24, 80, 100);
        t.process("before\x1b[24;80H⚠\u{FE0F}\x1b[23;80Hx".as_bytes());
        t.process(b"\x1b[Hstill working");
        assert!(t.screen().contents().contains("still working"));
        let mut t = Term::new(2, 1, 10);
        t.process("❤\u{FE0F}\u{301}\x1b[9C❤\u{FE0F}\x1b[2@\x1b[b".as_bytes());
        t.set_size(1, 1);
        t.process(b"ok");
    }

    #[test]
    fn kitty_keyboard_flags_are_a_stack_of_what_we_honour() {
        let mut t = term();
        // Asked for everything: only "disambiguate" is granted, and said so.
        t.process(b"\x1b[>31u\x1b[?u");
        assert_eq!(t.take_replies(), b"\x1b[?1u");
        assert_eq!(t.kitty_flags(), KITTY_DISAMBIGUATE);
        t.process(b"\x1b[>0u");
        assert_eq!(t.kitty_flags(), 0);
        t.process(b"\x1b[<u");
        assert_eq!(t.kitty_flags(), 1);
        t.process(b"\x1b[=1;3u");
        assert_eq!(t.kitty_flags(), 0);
        t.process(b"\x1b[=1;2u");
        assert_eq!(t.kitty_flags(), 1);
        t.process(b"\x1b[<9u");
        assert_eq!(t.kitty_flags(), 0);
        for _ in 0..100 {
            t.process(b"\x1b[>1u");
        }
        assert_eq!(t.kitty_flags(), 1);
    }

    #[test]
    fn forwards_clipboard_copies() {
        let mut t = term();
        t.process(b"\x1b]52;c;aGk=\x07");
        assert_eq!(t.take_clipboard().as_deref(), Some(&b"aGk="[..]));
    }

    fn osc(body: &[u8]) -> Vec<u8> {
        [b"\x1b]", body, b"\x1b\\"].concat()
    }

    #[test]
    fn the_largest_clipboard_copy_passes_and_a_longer_one_is_dropped_whole() {
        let mut t = term();
        let largest = vec![b'A'; MAX_CLIPBOARD];
        t.process(&osc(&[&b"52;c;"[..], &largest].concat()));
        assert_eq!(t.take_clipboard().map(|c| c.len()), Some(MAX_CLIPBOARD));
        // Just over the copy limit, still within the OSC limit.
        t.process(&osc(&[&b"52;c;"[..], &largest, b"AAAA"].concat()));
        assert_eq!(t.take_clipboard(), None);
        // Far over the OSC limit: cut by the filter, then dropped.
        t.process(&osc(&[&b"52;;"[..], &largest, &largest].concat()));
        assert_eq!(t.take_clipboard(), None);
        t.process(b"\x1b]52;c;aGk=\x07");
        assert_eq!(t.take_clipboard().as_deref(), Some(&b"aGk="[..]));
    }

    #[test]
    fn titles_and_notifications_are_cut_on_a_character_boundary() {
        let mut t = term();
        let long = "é".repeat(MAX_TITLE);
        t.process(&osc(format!("2;{long}").as_bytes()));
        let title = t.take_title().unwrap();
        assert_eq!(title, "é".repeat(MAX_TITLE / 2));
        t.process(&osc(format!("2;x{long}").as_bytes()));
        assert_eq!(t.title().len(), MAX_TITLE - 1, "no half character");
        t.process(&osc(&[&b"0;"[..], &[0xff; MAX_TITLE]].concat()));
        assert!(t.title().len() <= MAX_TITLE);

        t.process(&osc(format!("777;notify;{long};{long}").as_bytes()));
        let Some(Alert::Notification(text)) = t.take_alert() else {
            panic!("no notification");
        };
        assert_eq!(text, "é".repeat(MAX_NOTIFICATION / 2));
    }

    #[test]
    fn output_after_a_cut_string_is_parsed_as_usual() {
        let mut t = term();
        let mut flood = b"\x1b]0;".to_vec();
        flood.resize(3 * MAX_OSC, b'x');
        for chunk in flood.chunks(64 * 1024) {
            t.process(chunk);
        }
        t.process(b"\x07after\x1b[6n");
        assert_eq!(t.title(), "x".repeat(MAX_TITLE));
        assert!(t.screen().contents().starts_with("after"));
        assert_eq!(t.take_replies(), b"\x1b[1;6R");
        assert_eq!(t.rebuilds(), 0);
    }
}
