//! Key specs as written in the config (`"ctrl-q"`, `"prefix n"`, `"alt-1..9"`)
//! and the normal form that both specs and crossterm key events are reduced to,
//! so a binding matches however the host terminal happened to report the key.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

use super::control::control_byte;

/// A key in normal form: two keys are equal when a terminal may report either
/// for the same keypress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    mods: KeyModifiers,
}

/// Which keys a spec names: one key, or the digits 1 to 9 under the same
/// modifiers (only `go_to_tab` binds those).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyPattern {
    Key(Key),
    DigitRow(KeyModifiers),
}

/// A parsed spec: a key pressed on its own, or right after the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Trigger {
    pub prefixed: bool,
    pub pattern: KeyPattern,
}

/// Names of the keys that are not a single character, as specs spell them and
/// as labels show them.
const NAMED_KEYS: &[(&str, &str, KeyCode)] = &[
    ("enter", "Enter", KeyCode::Enter),
    ("esc", "Esc", KeyCode::Esc),
    ("tab", "Tab", KeyCode::Tab),
    ("backspace", "Backspace", KeyCode::Backspace),
    ("space", "Space", KeyCode::Char(' ')),
    ("up", "Up", KeyCode::Up),
    ("down", "Down", KeyCode::Down),
    ("left", "Left", KeyCode::Left),
    ("right", "Right", KeyCode::Right),
    ("home", "Home", KeyCode::Home),
    ("end", "End", KeyCode::End),
    ("pageup", "PageUp", KeyCode::PageUp),
    ("pagedown", "PageDown", KeyCode::PageDown),
    ("insert", "Insert", KeyCode::Insert),
    ("delete", "Delete", KeyCode::Delete),
];

const DIGIT_ROW: &str = "1..9";

impl Key {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        let (code, mods) = normalize(code, mods);
        Key { code, mods }
    }

    /// `None` for key releases, which never trigger anything.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        // With the kitty protocol a letter typed under Caps Lock says so: it
        // is the key without Shift, whatever case it comes in.
        let code = match event.code {
            KeyCode::Char(c)
                if event.state.contains(KeyEventState::CAPS_LOCK)
                    && !event.modifiers.contains(KeyModifiers::SHIFT) =>
            {
                KeyCode::Char(lowercase(c))
            }
            code => code,
        };
        Some(Key::new(code, event.modifiers))
    }

    /// A key event that this key matches, e.g. to send the prefix itself to
    /// a session.
    pub fn to_event(self) -> KeyEvent {
        KeyEvent::new(self.code, self.mods)
    }

    /// A key that produces text: binding it directly would stop the user
    /// typing it into the session.
    fn is_typing(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }

    /// For people: `Ctrl-q`, `N`, `Shift-PageUp`, `F5`.
    pub fn label(&self) -> String {
        self.render(Style::Label)
    }

    /// As a config would spell it: `ctrl-q`, `N`, `shift-pageup`, `f5`.
    pub fn spec(&self) -> String {
        self.render(Style::Spec)
    }

    fn render(&self, style: Style) -> String {
        let shifted_letter = self.mods == KeyModifiers::SHIFT
            && matches!(self.code, KeyCode::Char(c) if has_case(c));
        let mut out = String::new();
        for (flag, label, spec) in [
            (KeyModifiers::CONTROL, "Ctrl-", "ctrl-"),
            (KeyModifiers::ALT, "Alt-", "alt-"),
            (KeyModifiers::SHIFT, "Shift-", "shift-"),
        ] {
            if self.mods.contains(flag) && !(shifted_letter && flag == KeyModifiers::SHIFT) {
                out.push_str(match style {
                    Style::Label => label,
                    Style::Spec => spec,
                });
            }
        }
        match self.code {
            KeyCode::Char(c) if shifted_letter => out.extend(c.to_uppercase()),
            KeyCode::F(n) => {
                out.push(if style == Style::Label { 'F' } else { 'f' });
                out.push_str(&n.to_string());
            }
            code => match NAMED_KEYS.iter().find(|(_, _, named)| *named == code) {
                Some((spec, label, _)) => out.push_str(match style {
                    Style::Label => label,
                    Style::Spec => spec,
                }),
                None => {
                    if let KeyCode::Char(c) = code {
                        out.push(c);
                    }
                }
            },
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Label,
    Spec,
}

impl KeyPattern {
    /// The keys the pattern stands for, each with the tab number it selects
    /// when it is part of the digit row.
    pub fn keys(&self) -> Vec<(Key, Option<u8>)> {
        match *self {
            KeyPattern::Key(key) => vec![(key, None)],
            KeyPattern::DigitRow(mods) => (1..=9u8)
                .map(|n| (Key::new(KeyCode::Char(char::from(b'0' + n)), mods), Some(n)))
                .collect(),
        }
    }

    pub fn label(&self) -> String {
        match self {
            KeyPattern::Key(key) => key.label(),
            KeyPattern::DigitRow(mods) => {
                digit_row_text(Key::new(KeyCode::Char('1'), *mods).label())
            }
        }
    }

    pub fn spec(&self) -> String {
        match self {
            KeyPattern::Key(key) => key.spec(),
            KeyPattern::DigitRow(mods) => {
                digit_row_text(Key::new(KeyCode::Char('1'), *mods).spec())
            }
        }
    }
}

/// `Alt-1` → `Alt-1..9`: the digit row is labelled by its first key.
fn digit_row_text(first: String) -> String {
    format!("{first}..9")
}

impl Trigger {
    /// `prefix_label` is how the prefix key itself is shown, e.g. `Ctrl-q`.
    pub fn label(&self, prefix_label: &str) -> String {
        if self.prefixed {
            format!("{prefix_label} {}", self.pattern.label())
        } else {
            self.pattern.label()
        }
    }

    pub fn spec(&self) -> String {
        if self.prefixed {
            format!("prefix {}", self.pattern.spec())
        } else {
            self.pattern.spec()
        }
    }
}

/// Parses a binding spec: `"<key>"` (pressed on its own) or `"prefix <key>"`
/// (pressed after the prefix). The error quotes the spec and says what is
/// wrong with it, for the user.
pub fn parse_trigger(text: &str) -> Result<Trigger, String> {
    trigger(text).map_err(|message| format!("\"{text}\": {message}"))
}

/// Parses a single key (no `prefix`), as the prefix setting is written.
pub fn parse_key(text: &str) -> Result<Key, String> {
    let key = match pattern(text.trim()) {
        Ok(KeyPattern::Key(key)) if key.is_typing() => {
            Err("cannot be the prefix: it would stop you typing it; add ctrl- or alt-".into())
        }
        Ok(KeyPattern::Key(key)) => Ok(key),
        Ok(KeyPattern::DigitRow(_)) => Err("names nine keys, not one".into()),
        Err(message) => Err(message),
    };
    key.map_err(|message: String| format!("\"{text}\": {message}"))
}

fn trigger(text: &str) -> Result<Trigger, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let trigger = match words.as_slice() {
        [] => return Err("empty key spec".into()),
        [word] if word.eq_ignore_ascii_case("prefix") => {
            return Err("`prefix` needs a key after it, like \"prefix n\"".into());
        }
        [key] => Trigger {
            prefixed: false,
            pattern: pattern(key)?,
        },
        [word, key] if word.eq_ignore_ascii_case("prefix") => Trigger {
            prefixed: true,
            pattern: pattern(key)?,
        },
        _ => {
            return Err(
                "expected one key like \"alt-1\", or \"prefix <key>\" for a key pressed after the prefix"
                    .into(),
            );
        }
    };
    if trigger.prefixed {
        return Ok(trigger);
    }
    match trigger.pattern {
        KeyPattern::Key(key) if key.is_typing() => Err(format!(
            "would stop you typing it into the session: bind it after the prefix (\"prefix {}\") or add ctrl- or alt-",
            key.spec()
        )),
        KeyPattern::DigitRow(mods) if !mods.contains(KeyModifiers::ALT) => Err(
            "would stop you typing digits into the session: use \"alt-1..9\" or \"prefix 1..9\""
                .into(),
        ),
        _ => Ok(trigger),
    }
}

/// Modifiers (`ctrl-`, `alt-`, `shift-`, any order, case-insensitive) and a key.
fn pattern(text: &str) -> Result<KeyPattern, String> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = text;
    while let Some((head, tail)) = rest.split_once('-') {
        let flag = match head.to_ascii_lowercase().as_str() {
            "ctrl" => KeyModifiers::CONTROL,
            "alt" => KeyModifiers::ALT,
            "shift" => KeyModifiers::SHIFT,
            _ => break,
        };
        if tail.is_empty() {
            return Err(format!("a key is missing after {head}-"));
        }
        if mods.contains(flag) {
            return Err(format!("{head}- is given twice"));
        }
        mods |= flag;
        rest = tail;
    }
    if rest.is_empty() {
        return Err("a key is missing".into());
    }
    if rest == DIGIT_ROW {
        return digit_row(mods);
    }
    let code = key_code(rest)?;
    if let KeyCode::Char(c) = code {
        check_char_modifiers(c, mods)?;
    }
    Ok(KeyPattern::Key(Key::new(code, mods)))
}

fn digit_row(mods: KeyModifiers) -> Result<KeyPattern, String> {
    if mods.contains(KeyModifiers::CONTROL) {
        return Err(
            "terminals cannot send Ctrl with a digit (most send another key instead); use alt-1..9"
                .into(),
        );
    }
    if mods.contains(KeyModifiers::SHIFT) {
        return Err("shift turns digits into other characters; use alt-1..9".into());
    }
    Ok(KeyPattern::DigitRow(mods))
}

fn key_code(key: &str) -> Result<KeyCode, String> {
    let mut chars = key.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Ok(KeyCode::Char(c));
    }
    let lower = key.to_ascii_lowercase();
    if let Some((_, _, code)) = NAMED_KEYS.iter().find(|(name, _, _)| *name == lower) {
        return Ok(*code);
    }
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
        && (1..=12).contains(&n)
    {
        return Ok(KeyCode::F(n));
    }
    Err(format!(
        "unknown key \"{key}\"; expected a single character, 1..9 (go_to_tab), f1..f12, or one of: {}",
        NAMED_KEYS
            .iter()
            .map(|(name, _, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Modifier combinations on a character that a terminal cannot report as
/// written: better refused than a binding that never fires.
fn check_char_modifiers(c: char, mods: KeyModifiers) -> Result<(), String> {
    if mods.contains(KeyModifiers::SHIFT) && c == ' ' {
        return Err("terminals do not tell shift-space from space".into());
    }
    if mods.contains(KeyModifiers::SHIFT) && !has_case(c) {
        return Err(
            "write the shifted character itself (like \"?\" or \"!\") instead of shift-".into(),
        );
    }
    if mods.contains(KeyModifiers::CONTROL) && c.is_ascii_digit() {
        return Err(
            "terminals cannot send Ctrl with a digit (most send another key instead)".into(),
        );
    }
    Ok(())
}

fn has_case(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase()
}

fn lowercase(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// The normal form. Legacy terminals send the same bytes for Ctrl-[ and Esc,
/// Ctrl-i and Tab, Ctrl-/ and Ctrl-_ …, and crossterm reports Ctrl-\ as
/// Ctrl-4; Shift-Tab arrives as BackTab; an uppercase letter may or may not
/// come with SHIFT; a shifted symbol ('?') may come with SHIFT too.
fn normalize(code: KeyCode, mut mods: KeyModifiers) -> (KeyCode, KeyModifiers) {
    let code = match code {
        KeyCode::BackTab => {
            mods |= KeyModifiers::SHIFT;
            KeyCode::Tab
        }
        KeyCode::Null => {
            mods |= KeyModifiers::CONTROL;
            KeyCode::Char(' ')
        }
        KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => normalize_control(c, &mut mods),
        code => code,
    };
    let code = match code {
        KeyCode::Char(c) if has_case(c) => {
            let lower = lowercase(c);
            if lower != c {
                mods |= KeyModifiers::SHIFT;
            }
            KeyCode::Char(lower)
        }
        KeyCode::Char(c) => {
            mods.remove(KeyModifiers::SHIFT);
            KeyCode::Char(c)
        }
        code => code,
    };
    (code, mods)
}

fn normalize_control(c: char, mods: &mut KeyModifiers) -> KeyCode {
    let unshifted = !mods.contains(KeyModifiers::SHIFT) && !c.is_uppercase();
    match control_byte(c) {
        Some(0x00) => KeyCode::Char(' '),
        Some(0x1b) => {
            mods.remove(KeyModifiers::CONTROL);
            KeyCode::Esc
        }
        Some(0x09) if unshifted => {
            mods.remove(KeyModifiers::CONTROL);
            KeyCode::Tab
        }
        Some(0x0d) if unshifted => {
            mods.remove(KeyModifiers::CONTROL);
            KeyCode::Enter
        }
        Some(0x7f) => {
            mods.remove(KeyModifiers::CONTROL);
            KeyCode::Backspace
        }
        Some(byte @ 0x1c..=0x1f) => KeyCode::Char(char::from(b'\\' + (byte - 0x1c))),
        _ => KeyCode::Char(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
    const ALT: KeyModifiers = KeyModifiers::ALT;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;

    fn key(code: KeyCode, mods: KeyModifiers) -> Key {
        Key::new(code, mods)
    }

    fn direct(code: KeyCode, mods: KeyModifiers) -> Trigger {
        Trigger {
            prefixed: false,
            pattern: KeyPattern::Key(key(code, mods)),
        }
    }

    fn prefixed(code: KeyCode, mods: KeyModifiers) -> Trigger {
        Trigger {
            prefixed: true,
            pattern: KeyPattern::Key(key(code, mods)),
        }
    }

    #[test]
    fn parses_specs() {
        let cases = [
            ("ctrl-q", direct(KeyCode::Char('q'), CTRL)),
            ("Ctrl-q", direct(KeyCode::Char('q'), CTRL)),
            ("CTRL-ALT-x", direct(KeyCode::Char('x'), CTRL | ALT)),
            ("alt-ctrl-x", direct(KeyCode::Char('x'), CTRL | ALT)),
            ("ctrl-shift-q", direct(KeyCode::Char('q'), CTRL | SHIFT)),
            ("ctrl-Q", direct(KeyCode::Char('q'), CTRL | SHIFT)),
            ("alt-1", direct(KeyCode::Char('1'), ALT)),
            ("alt--", direct(KeyCode::Char('-'), ALT)),
            ("ctrl-space", direct(KeyCode::Char(' '), CTRL)),
            ("ctrl-@", direct(KeyCode::Char(' '), CTRL)),
            ("ctrl-\\", direct(KeyCode::Char('\\'), CTRL)),
            ("ctrl-/", direct(KeyCode::Char('_'), CTRL)),
            ("ctrl-[", direct(KeyCode::Esc, NONE)),
            ("ctrl-pagedown", direct(KeyCode::PageDown, CTRL)),
            ("shift-pageup", direct(KeyCode::PageUp, SHIFT)),
            ("shift-tab", direct(KeyCode::Tab, SHIFT)),
            ("shift-enter", direct(KeyCode::Enter, SHIFT)),
            ("alt-enter", direct(KeyCode::Enter, ALT)),
            ("ESC", direct(KeyCode::Esc, NONE)),
            ("f1", direct(KeyCode::F(1), NONE)),
            ("F12", direct(KeyCode::F(12), NONE)),
            ("ctrl-f5", direct(KeyCode::F(5), CTRL)),
            ("up", direct(KeyCode::Up, NONE)),
            ("alt-left", direct(KeyCode::Left, ALT)),
            ("home", direct(KeyCode::Home, NONE)),
            ("end", direct(KeyCode::End, NONE)),
            ("insert", direct(KeyCode::Insert, NONE)),
            ("delete", direct(KeyCode::Delete, NONE)),
            ("backspace", direct(KeyCode::Backspace, NONE)),
            ("alt-é", direct(KeyCode::Char('é'), ALT)),
            ("prefix n", prefixed(KeyCode::Char('n'), NONE)),
            ("PREFIX n", prefixed(KeyCode::Char('n'), NONE)),
            ("  prefix   n  ", prefixed(KeyCode::Char('n'), NONE)),
            ("prefix N", prefixed(KeyCode::Char('n'), SHIFT)),
            ("prefix shift-n", prefixed(KeyCode::Char('n'), SHIFT)),
            ("prefix ?", prefixed(KeyCode::Char('?'), NONE)),
            ("prefix [", prefixed(KeyCode::Char('['), NONE)),
            ("prefix -", prefixed(KeyCode::Char('-'), NONE)),
            ("prefix space", prefixed(KeyCode::Char(' '), NONE)),
            ("prefix ctrl-q", prefixed(KeyCode::Char('q'), CTRL)),
            ("prefix enter", prefixed(KeyCode::Enter, NONE)),
            (
                "alt-1..9",
                Trigger {
                    prefixed: false,
                    pattern: KeyPattern::DigitRow(ALT),
                },
            ),
            (
                "prefix 1..9",
                Trigger {
                    prefixed: true,
                    pattern: KeyPattern::DigitRow(NONE),
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse_trigger(text), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn rejects_bad_specs() {
        let cases = [
            ("", "empty key spec"),
            ("   ", "empty key spec"),
            ("prefix", "needs a key after it"),
            ("prefix n m", "expected one key"),
            ("foo n", "expected one key"),
            ("ctrl-", "a key is missing after ctrl-"),
            ("alt-shift-", "a key is missing after shift-"),
            ("ctrl-ctrl-q", "ctrl- is given twice"),
            ("ctrl-pgup", "unknown key \"pgup\""),
            ("hyper-q", "unknown key \"hyper-q\""),
            ("f13", "unknown key \"f13\""),
            ("f0", "unknown key \"f0\""),
            ("ab", "unknown key \"ab\""),
            ("n", "would stop you typing it"),
            ("N", "would stop you typing it"),
            ("shift-n", "would stop you typing it"),
            ("space", "would stop you typing it"),
            ("1..9", "would stop you typing digits"),
            ("shift-1", "write the shifted character itself"),
            ("prefix shift-?", "write the shifted character itself"),
            ("shift-space", "shift-space"),
            ("ctrl-1", "Ctrl with a digit"),
            ("ctrl-3", "Ctrl with a digit"),
            ("ctrl-1..9", "Ctrl with a digit"),
            ("shift-1..9", "shift turns digits"),
        ];
        for (text, want) in cases {
            match parse_trigger(text) {
                Ok(trigger) => panic!("{text:?} parsed as {trigger:?}"),
                Err(message) => assert!(message.contains(want), "{text:?}: {message}"),
            }
        }
    }

    #[test]
    fn prefix_is_a_single_non_typing_key() {
        assert_eq!(parse_key("ctrl-a"), Ok(key(KeyCode::Char('a'), CTRL)));
        assert_eq!(parse_key(" f12 "), Ok(key(KeyCode::F(12), NONE)));
        for (text, want) in [
            ("a", "would stop you typing it"),
            ("prefix a", "unknown key"),
            ("alt-1..9", "nine keys"),
            ("", "a key is missing"),
        ] {
            match parse_key(text) {
                Ok(key) => panic!("{text:?} parsed as {key:?}"),
                Err(message) => assert!(message.contains(want), "{text:?}: {message}"),
            }
        }
    }

    /// What terminals report for one keypress, legacy and with the kitty
    /// keyboard protocol, must all be the same key.
    #[test]
    fn events_normalize_to_their_spec() {
        let cases: &[(&str, &[(KeyCode, KeyModifiers)])] = &[
            ("ctrl-q", &[(KeyCode::Char('q'), CTRL)]),
            (
                "ctrl-shift-q",
                &[
                    (KeyCode::Char('Q'), CTRL),
                    (KeyCode::Char('Q'), CTRL | SHIFT),
                    (KeyCode::Char('q'), CTRL | SHIFT),
                ],
            ),
            (
                "prefix N",
                &[
                    (KeyCode::Char('N'), NONE),
                    (KeyCode::Char('N'), SHIFT),
                    (KeyCode::Char('n'), SHIFT),
                ],
            ),
            (
                "prefix ?",
                &[(KeyCode::Char('?'), NONE), (KeyCode::Char('?'), SHIFT)],
            ),
            (
                "alt-A",
                &[(KeyCode::Char('A'), ALT), (KeyCode::Char('A'), ALT | SHIFT)],
            ),
            (
                "shift-tab",
                &[
                    (KeyCode::BackTab, SHIFT),
                    (KeyCode::BackTab, NONE),
                    (KeyCode::Tab, SHIFT),
                ],
            ),
            (
                "ctrl-space",
                &[
                    (KeyCode::Char(' '), CTRL),
                    (KeyCode::Char('2'), CTRL),
                    (KeyCode::Char('@'), CTRL),
                    (KeyCode::Null, NONE),
                ],
            ),
            (
                "ctrl-\\",
                &[(KeyCode::Char('4'), CTRL), (KeyCode::Char('\\'), CTRL)],
            ),
            (
                "ctrl-]",
                &[(KeyCode::Char('5'), CTRL), (KeyCode::Char(']'), CTRL)],
            ),
            (
                "ctrl-^",
                &[
                    (KeyCode::Char('6'), CTRL),
                    (KeyCode::Char('^'), CTRL | SHIFT),
                ],
            ),
            (
                "ctrl-_",
                &[
                    (KeyCode::Char('7'), CTRL),
                    (KeyCode::Char('_'), CTRL),
                    (KeyCode::Char('/'), CTRL),
                ],
            ),
            ("tab", &[(KeyCode::Tab, NONE), (KeyCode::Char('i'), CTRL)]),
            (
                "enter",
                &[(KeyCode::Enter, NONE), (KeyCode::Char('m'), CTRL)],
            ),
            (
                "esc",
                &[
                    (KeyCode::Esc, NONE),
                    (KeyCode::Char('['), CTRL),
                    (KeyCode::Char('3'), CTRL),
                ],
            ),
            (
                "backspace",
                &[(KeyCode::Backspace, NONE), (KeyCode::Char('8'), CTRL)],
            ),
            ("shift-enter", &[(KeyCode::Enter, SHIFT)]),
            ("alt-1", &[(KeyCode::Char('1'), ALT)]),
        ];
        for (spec, events) in cases {
            let Ok(Trigger {
                pattern: KeyPattern::Key(want),
                ..
            }) = parse_trigger(spec)
            else {
                panic!("{spec:?} does not parse to one key");
            };
            for (code, mods) in *events {
                let got = Key::from_event(&KeyEvent::new(*code, *mods));
                assert_eq!(got, Some(want), "{spec:?} from {code:?} {mods:?}");
            }
        }
    }

    #[test]
    fn distinct_keys_stay_distinct() {
        let pairs = [
            (
                key(KeyCode::Char('q'), CTRL),
                key(KeyCode::Char('q'), CTRL | SHIFT),
            ),
            (key(KeyCode::Char('n'), NONE), key(KeyCode::Char('N'), NONE)),
            (key(KeyCode::Enter, NONE), key(KeyCode::Enter, SHIFT)),
            (key(KeyCode::Tab, NONE), key(KeyCode::BackTab, NONE)),
            (key(KeyCode::Char('h'), CTRL), key(KeyCode::Backspace, NONE)),
            (key(KeyCode::Char('j'), CTRL), key(KeyCode::Enter, NONE)),
            (key(KeyCode::Char('I'), CTRL), key(KeyCode::Tab, NONE)),
        ];
        for (a, b) in pairs {
            assert_ne!(a, b);
        }
    }

    #[test]
    fn odd_specs_are_answered_without_panicking() {
        for text in [
            "-",
            "--",
            "---",
            "ctrl-ctrl",
            "prefix prefix",
            "é",
            "ctrl-é",
            "alt-ß",
            "f",
            "f999",
            "f-1",
            "1..9",
            "prefix ctrl-1..9",
            "\u{0}",
            "ctrl-\u{7f}",
            "alt-\u{301}",
            "shift-ǅ",
            "prefix \u{1f600}",
            "ctrl-alt-shift-",
            "1..",
            "..9",
        ] {
            if let Ok(trigger) = parse_trigger(text) {
                let _ = (trigger.label("Ctrl-q"), trigger.spec());
            }
            let _ = parse_key(text);
        }
    }

    #[test]
    fn caps_lock_does_not_shift_bindings() {
        let caps = |c, mods| {
            KeyEvent::new_with_kind_and_state(
                KeyCode::Char(c),
                mods,
                KeyEventKind::Press,
                KeyEventState::CAPS_LOCK,
            )
        };
        assert_eq!(
            Key::from_event(&caps('N', NONE)),
            Some(key(KeyCode::Char('n'), NONE))
        );
        assert_eq!(
            Key::from_event(&caps('n', SHIFT)),
            Some(key(KeyCode::Char('n'), SHIFT))
        );
    }

    #[test]
    fn releases_are_not_keys() {
        use ratatui::crossterm::event::KeyEventKind;
        let release = KeyEvent::new_with_kind(KeyCode::Char('q'), CTRL, KeyEventKind::Release);
        assert_eq!(Key::from_event(&release), None);
        let repeat = KeyEvent::new_with_kind(KeyCode::Char('q'), CTRL, KeyEventKind::Repeat);
        assert_eq!(
            Key::from_event(&repeat),
            Some(key(KeyCode::Char('q'), CTRL))
        );
    }

    #[test]
    fn labels_and_specs_round_trip() {
        let cases = [
            ("ctrl-q", "Ctrl-q"),
            ("ctrl-shift-q", "Ctrl-Shift-q"),
            ("ctrl-alt-shift-x", "Ctrl-Alt-Shift-x"),
            ("prefix N", "Ctrl-q N"),
            ("prefix ?", "Ctrl-q ?"),
            ("prefix space", "Ctrl-q Space"),
            ("prefix 1..9", "Ctrl-q 1..9"),
            ("alt-1..9", "Alt-1..9"),
            ("alt-1", "Alt-1"),
            ("shift-pageup", "Shift-PageUp"),
            ("ctrl-pagedown", "Ctrl-PageDown"),
            ("shift-tab", "Shift-Tab"),
            ("shift-enter", "Shift-Enter"),
            ("esc", "Esc"),
            ("f5", "F5"),
            ("alt-f12", "Alt-F12"),
            ("alt-é", "Alt-é"),
            ("prefix ctrl-q", "Ctrl-q Ctrl-q"),
        ];
        for (spec, label) in cases {
            let trigger = parse_trigger(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
            assert_eq!(trigger.label("Ctrl-q"), label, "{spec}");
            assert_eq!(trigger.spec(), spec, "{spec}");
            assert_eq!(parse_trigger(&trigger.spec()), Ok(trigger), "{spec}");
        }
    }

    #[test]
    fn digit_row_keys() {
        let keys = KeyPattern::DigitRow(ALT).keys();
        assert_eq!(keys.len(), 9);
        assert_eq!(keys[0], (key(KeyCode::Char('1'), ALT), Some(1)));
        assert_eq!(keys[8], (key(KeyCode::Char('9'), ALT), Some(9)));
        let single = KeyPattern::Key(key(KeyCode::F(1), NONE)).keys();
        assert_eq!(single, vec![(key(KeyCode::F(1), NONE), None)]);
    }
}
