//! Which key does what: the default bindings, the `[keys]` config section that
//! overrides them, and lookups for the event loop.
//!
//! The actions, their config names and default keys are the list in
//! `crate::action`. The defaults stay clear of every key Claude Code uses
//! itself (Ctrl-C/D/L/R/O/T/G/S/V/B/J/Z/_, readline keys, Esc, Shift-Tab,
//! Alt-B/F/Y/M/P/T/O/V, arrows, PgUp/PgDn): the prefix is Ctrl-q, and the few
//! direct bindings use Alt with digits and modified paging keys.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use toml::Spanned;

use super::spec::{Key, KeyPattern, Trigger, parse_key, parse_trigger};
use crate::action::{ACTIONS, Action, ActionKind};

/// The `[keys]` table as written in the config file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysConfig {
    prefix: Option<Spanned<String>>,
    /// Action name → its key specs, replacing that action's defaults.
    bindings: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
}

/// A `[keys]` section that cannot be used, with the byte range of the config
/// text that is wrong (when there is one to point at).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingError {
    pub span: Option<Range<usize>>,
    pub message: String,
}

/// What a key means outside prefix mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLookup {
    Action(Action),
    /// Enter prefix mode: the next key is looked up with `lookup_prefixed`.
    Prefix,
    /// Send the key to the focused session.
    Unbound,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    prefix: Key,
    /// Every binding in help order: `ACTIONS`, then config order.
    bindings: Vec<(ActionKind, Vec<Trigger>)>,
    direct: HashMap<Key, Bound>,
    prefixed: HashMap<Key, Bound>,
}

/// Two keymaps are equal when they bind the same keys, wherever the
/// bindings came from; the lookup tables follow from `prefix` and `bindings`.
impl PartialEq for Keymap {
    fn eq(&self, other: &Self) -> bool {
        self.prefix == other.prefix && self.bindings == other.bindings
    }
}

impl Eq for Keymap {}

/// An entry of the lookup tables, with where it came from for clash messages.
#[derive(Debug, Clone, Copy)]
struct Bound {
    action: Action,
    kind: ActionKind,
    trigger: Trigger,
    from_default: bool,
}

/// An action's default keys, from the one list in `crate::action`. They are
/// tested to parse and not to clash, so a bad one cannot get past the tests;
/// at run time it would be left out rather than stop ccmux.
fn defaults(kind: ActionKind) -> impl Iterator<Item = Trigger> {
    kind.info()
        .default_keys
        .iter()
        .filter_map(|spec| parse_trigger(spec).ok())
}

fn default_prefix() -> Key {
    Key::new(KeyCode::Char('q'), KeyModifiers::CONTROL)
}

impl Default for Keymap {
    fn default() -> Self {
        let mut keymap = Keymap::empty(default_prefix());
        for kind in ACTIONS.iter().map(|a| a.kind) {
            for trigger in defaults(kind) {
                // The defaults are known not to clash (tested), so there is
                // nothing to report here.
                let _ = keymap.bind(kind, trigger, true);
            }
        }
        keymap
    }
}

impl Keymap {
    fn empty(prefix: Key) -> Keymap {
        Keymap {
            prefix,
            bindings: ACTIONS.iter().map(|a| (a.kind, Vec::new())).collect(),
            direct: HashMap::new(),
            prefixed: HashMap::new(),
        }
    }

    /// The defaults with the config's `[keys]` applied: its prefix, and for
    /// each action it names, its specs instead of the defaults.
    pub fn from_config(config: &KeysConfig) -> Result<Keymap, BindingError> {
        let prefix = match &config.prefix {
            Some(spec) => parse_key(spec.get_ref()).map_err(|message| BindingError {
                span: Some(spec.span()),
                message: format!("keys.prefix: {message}"),
            })?,
            None => default_prefix(),
        };
        let overrides = parse_overrides(config.bindings.as_ref())?;

        let mut keymap = Keymap::empty(prefix);
        // Defaults first, so that a clash is reported at a spec the user wrote.
        for kind in ACTIONS.iter().map(|a| a.kind) {
            if overrides.iter().any(|(b, _)| *b == kind) {
                continue;
            }
            for trigger in defaults(kind) {
                // Defaults clash with nothing but a prefix the user chose.
                keymap
                    .bind(kind, trigger, true)
                    .map_err(|_| BindingError {
                        span: config.prefix.as_ref().map(Spanned::span),
                        message: format!(
                            "keys.prefix \"{}\" clashes with \"{}\" for {name} (a default; rebind {name} too)",
                            prefix.spec(),
                            trigger.spec(),
                            name = kind.info().name,
                        ),
                    })?;
            }
        }
        for (kind, specs) in overrides {
            for (trigger, spec) in specs {
                keymap
                    .bind(kind, trigger, false)
                    .map_err(|clash| BindingError {
                        span: Some(spec.span()),
                        message: format!(
                            "keys.bindings.{}: \"{}\" clashes with {clash}",
                            kind.info().name,
                            spec.get_ref()
                        ),
                    })?;
            }
        }
        Ok(keymap)
    }

    /// Adds one binding to the tables, or says what it clashes with. Binding
    /// a key again to the same action is harmless and ignored.
    fn bind(
        &mut self,
        kind: ActionKind,
        trigger: Trigger,
        from_default: bool,
    ) -> Result<(), String> {
        let mut adds_a_key = false;
        for (key, digit) in trigger.pattern.keys() {
            let action = kind.action(digit);
            if key == self.prefix {
                if !trigger.prefixed {
                    return Err("the prefix key".into());
                }
                if action == Action::SendPrefix {
                    continue;
                }
                return Err(
                    "the prefix pressed twice, which sends the prefix to the session".into(),
                );
            }
            let table = if trigger.prefixed {
                &mut self.prefixed
            } else {
                &mut self.direct
            };
            match table.get(&key) {
                Some(bound) if bound.action == action => continue,
                Some(bound) => {
                    let default = if bound.from_default {
                        format!(" (a default; rebind {} too)", bound.kind.info().name)
                    } else {
                        String::new()
                    };
                    return Err(format!(
                        "\"{}\" for {}{default}",
                        bound.trigger.spec(),
                        bound.kind.info().name
                    ));
                }
                None => {
                    adds_a_key = true;
                    table.insert(
                        key,
                        Bound {
                            action,
                            kind,
                            trigger,
                            from_default,
                        },
                    );
                }
            }
        }
        // A repeat (or the prefix twice as send_prefix) adds nothing to list.
        if adds_a_key
            && let Some((_, triggers)) = self.bindings.iter_mut().find(|(b, _)| *b == kind)
        {
            triggers.push(trigger);
        }
        Ok(())
    }

    /// What a key means outside prefix mode.
    pub fn lookup(&self, key: &KeyEvent) -> KeyLookup {
        let Some(key) = Key::from_event(key) else {
            return KeyLookup::Unbound;
        };
        if key == self.prefix {
            return KeyLookup::Prefix;
        }
        self.direct
            .get(&key)
            .map_or(KeyLookup::Unbound, |bound| KeyLookup::Action(bound.action))
    }

    /// The key pressed after the prefix. Releases are `None` like unbound
    /// keys, so a caller that receives them must skip them before this.
    pub fn lookup_prefixed(&self, key: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(key)?;
        if key == self.prefix {
            return Some(Action::SendPrefix);
        }
        self.prefixed.get(&key).map(|bound| bound.action)
    }

    /// The prefix key for hints, e.g. `Ctrl-q`.
    pub fn prefix_label(&self) -> String {
        self.prefix.label()
    }

    /// The key event the prefix stands for, so `SendPrefix` can encode it for
    /// the session.
    pub fn prefix_event(&self) -> KeyEvent {
        self.prefix.to_event()
    }

    /// Every binding, labelled (`Ctrl-q n`, `Alt-1..9`), in a stable order
    /// that groups each action's keys. The digit row is listed as
    /// `GoToTab(1)`; its label shows the whole row.
    pub fn help(&self) -> Vec<(String, Action)> {
        let prefix = self.prefix_label();
        let mut help = Vec::new();
        for (kind, triggers) in &self.bindings {
            if *kind == ActionKind::SendPrefix {
                help.push((format!("{prefix} {prefix}"), Action::SendPrefix));
            }
            for trigger in triggers {
                help.push((trigger.label(&prefix), kind.action(None)));
            }
        }
        help
    }

    /// The first key of an action for status-line hints; for `GoToTab(n)`,
    /// the key of that very tab (`Alt-3`).
    pub fn first_label(&self, action: Action) -> Option<String> {
        let prefix = self.prefix_label();
        if action == Action::SendPrefix {
            return Some(format!("{prefix} {prefix}"));
        }
        let (_, triggers) = self.bindings.iter().find(|(b, _)| *b == action.kind())?;
        let trigger = triggers.first()?;
        match (action, trigger.pattern) {
            (Action::GoToTab(n), KeyPattern::DigitRow(mods)) => {
                let digit = char::from_digit(u32::from(n), 10).filter(|d| *d != '0')?;
                let key = Trigger {
                    prefixed: trigger.prefixed,
                    pattern: KeyPattern::Key(Key::new(KeyCode::Char(digit), mods)),
                };
                Some(key.label(&prefix))
            }
            _ => Some(trigger.label(&prefix)),
        }
    }
}

type Overrides<'a> = Vec<(ActionKind, Vec<(Trigger, &'a Spanned<String>)>)>;

/// Parses `[keys.bindings]`: known action names, valid specs, the digit row
/// for `go_to_tab` and single keys for everything else.
fn parse_overrides(
    bindings: Option<&BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
) -> Result<Overrides<'_>, BindingError> {
    let mut overrides = Vec::new();
    for (name, specs) in bindings.into_iter().flatten() {
        let kind = ActionKind::from_name(name.get_ref()).ok_or_else(|| BindingError {
            span: Some(name.span()),
            message: format!(
                "keys.bindings: unknown action `{}`; expected one of: {}",
                name.get_ref(),
                ACTIONS
                    .iter()
                    .map(|a| a.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?;
        let mut triggers = Vec::new();
        for spec in specs {
            let fail = |message: String| BindingError {
                span: Some(spec.span()),
                message: format!("keys.bindings.{}: {message}", name.get_ref()),
            };
            let trigger = parse_trigger(spec.get_ref()).map_err(fail)?;
            match (kind.info().digit_row, trigger.pattern) {
                (true, KeyPattern::Key(_)) => {
                    return Err(fail(format!(
                        "\"{}\": go_to_tab binds the digit row; write the modifiers and 1..9, like \"alt-1..9\" or \"prefix 1..9\"",
                        spec.get_ref()
                    )));
                }
                (false, KeyPattern::DigitRow(_)) => {
                    return Err(fail(format!(
                        "\"{}\": only go_to_tab binds the digit row 1..9",
                        spec.get_ref()
                    )));
                }
                _ => triggers.push((trigger, spec)),
            }
        }
        overrides.push((kind, triggers));
    }
    Ok(overrides)
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::KeyEventKind;

    use super::*;

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
    const ALT: KeyModifiers = KeyModifiers::ALT;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn ch(c: char) -> KeyEvent {
        ev(KeyCode::Char(c), NONE)
    }

    fn keymap(toml_text: &str) -> Result<Keymap, BindingError> {
        let config: KeysConfig = toml::from_str(toml_text).expect("valid [keys] TOML");
        Keymap::from_config(&config)
    }

    /// The error message, and the config text its span points at.
    fn error(toml_text: &str) -> (String, String) {
        let err = keymap(toml_text).expect_err("the config should be refused");
        let at = err
            .span
            .map(|span| toml_text[span].to_string())
            .unwrap_or_default();
        (err.message, at)
    }

    #[test]
    fn defaults_do_not_clash() {
        let mut built = Keymap::empty(default_prefix());
        for info in ACTIONS {
            assert_eq!(
                defaults(info.kind).count(),
                info.default_keys.len(),
                "a default of {} does not parse",
                info.name
            );
            for trigger in defaults(info.kind) {
                assert_eq!(
                    built.bind(info.kind, trigger, true),
                    Ok(()),
                    "{}",
                    info.name
                );
            }
        }
        assert_eq!(built, Keymap::default());
        assert_eq!(keymap(""), Ok(Keymap::default()));
    }

    #[test]
    fn default_direct_keys() {
        let k = Keymap::default();
        let cases = [
            (ev(KeyCode::Char('q'), CTRL), KeyLookup::Prefix),
            (
                ev(KeyCode::Char('1'), ALT),
                KeyLookup::Action(Action::GoToTab(1)),
            ),
            (
                ev(KeyCode::Char('9'), ALT),
                KeyLookup::Action(Action::GoToTab(9)),
            ),
            (
                ev(KeyCode::PageDown, CTRL),
                KeyLookup::Action(Action::NextTab),
            ),
            (
                ev(KeyCode::PageUp, CTRL),
                KeyLookup::Action(Action::PrevTab),
            ),
            (
                ev(KeyCode::PageUp, SHIFT),
                KeyLookup::Action(Action::ScrollBack),
            ),
            (ev(KeyCode::Char('0'), ALT), KeyLookup::Unbound),
            (ch('n'), KeyLookup::Unbound),
            (ch('1'), KeyLookup::Unbound),
            (ev(KeyCode::PageUp, NONE), KeyLookup::Unbound),
            (ev(KeyCode::Char('Q'), CTRL | SHIFT), KeyLookup::Unbound),
            (ev(KeyCode::Char('q'), CTRL | ALT), KeyLookup::Unbound),
        ];
        for (key, want) in cases {
            assert_eq!(k.lookup(&key), want, "{key:?}");
        }
    }

    /// Every key Claude Code uses must reach it.
    #[test]
    fn defaults_leave_claude_code_keys_alone() {
        let k = Keymap::default();
        let mut keys: Vec<KeyEvent> = "cdlrotgsvbjzaekuwyfpnx_"
            .chars()
            .map(|c| ev(KeyCode::Char(c), CTRL))
            .collect();
        keys.extend("bfympotv".chars().map(|c| ev(KeyCode::Char(c), ALT)));
        keys.extend(
            [
                KeyCode::Esc,
                KeyCode::BackTab,
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Left,
                KeyCode::Right,
                KeyCode::PageUp,
                KeyCode::PageDown,
                KeyCode::Enter,
                KeyCode::Tab,
            ]
            .map(|code| ev(code, NONE)),
        );
        keys.push(ev(KeyCode::Enter, SHIFT));
        for key in keys {
            assert_eq!(k.lookup(&key), KeyLookup::Unbound, "{key:?}");
        }
    }

    #[test]
    fn default_prefixed_keys() {
        let k = Keymap::default();
        let cases = [
            (ch('n'), Some(Action::NextTab)),
            (ch('p'), Some(Action::PrevTab)),
            (ch('1'), Some(Action::GoToTab(1))),
            (ch('5'), Some(Action::GoToTab(5))),
            (ch('9'), Some(Action::GoToTab(9))),
            (ch('s'), Some(Action::SessionTable)),
            (ch('c'), Some(Action::DirectoryPicker)),
            (ch('x'), Some(Action::StopSession)),
            (ch('['), Some(Action::ScrollBack)),
            (ch('?'), Some(Action::Help)),
            (ev(KeyCode::Char('?'), SHIFT), Some(Action::Help)),
            (ch('q'), Some(Action::Quit)),
            (ch('i'), Some(Action::ShowId)),
            (ch('a'), Some(Action::NextAttention)),
            (ev(KeyCode::Char('q'), CTRL), Some(Action::SendPrefix)),
            (ch('0'), None),
            (ch('N'), None),
            (ev(KeyCode::Char('n'), SHIFT), None),
            (ev(KeyCode::Char('n'), CTRL), None),
            (ev(KeyCode::Esc, NONE), None),
        ];
        for (key, want) in cases {
            assert_eq!(k.lookup_prefixed(&key), want, "{key:?}");
        }
    }

    #[test]
    fn releases_never_match() {
        let k = Keymap::default();
        let release = |code, mods| KeyEvent::new_with_kind(code, mods, KeyEventKind::Release);
        assert_eq!(
            k.lookup(&release(KeyCode::Char('q'), CTRL)),
            KeyLookup::Unbound
        );
        assert_eq!(
            k.lookup(&release(KeyCode::Char('1'), ALT)),
            KeyLookup::Unbound
        );
        assert_eq!(k.lookup_prefixed(&release(KeyCode::Char('n'), NONE)), None);
        let repeat = KeyEvent::new_with_kind(KeyCode::Char('1'), ALT, KeyEventKind::Repeat);
        assert_eq!(k.lookup(&repeat), KeyLookup::Action(Action::GoToTab(1)));
    }

    #[test]
    fn help_lists_every_binding() {
        let help: Vec<(String, Action)> = Keymap::default().help();
        let want = [
            ("Ctrl-q n", Action::NextTab),
            ("Ctrl-PageDown", Action::NextTab),
            ("Ctrl-q p", Action::PrevTab),
            ("Ctrl-PageUp", Action::PrevTab),
            ("Ctrl-q 1..9", Action::GoToTab(1)),
            ("Alt-1..9", Action::GoToTab(1)),
            ("Ctrl-q '", Action::GoToNumber),
            ("Ctrl-q w", Action::SwitchSession),
            ("Ctrl-q a", Action::NextAttention),
            ("Ctrl-q s", Action::SessionTable),
            ("Ctrl-q c", Action::DirectoryPicker),
            ("Ctrl-q ,", Action::RenameSession),
            ("Ctrl-q x", Action::StopSession),
            ("Ctrl-q m", Action::ComposePrompt),
            ("Ctrl-q M", Action::PromptQueue),
            ("Ctrl-q [", Action::ScrollBack),
            ("Shift-PageUp", Action::ScrollBack),
            ("Ctrl-q i", Action::ShowId),
            ("Ctrl-q ?", Action::Help),
            ("Ctrl-q d", Action::Detach),
            ("Ctrl-q q", Action::Quit),
            ("Ctrl-q Ctrl-q", Action::SendPrefix),
        ]
        .map(|(label, action)| (label.to_string(), action));
        assert_eq!(help, want);
    }

    #[test]
    fn first_labels() {
        let k = Keymap::default();
        assert_eq!(k.prefix_label(), "Ctrl-q");
        let cases = [
            (Action::Help, Some("Ctrl-q ?")),
            (Action::NextTab, Some("Ctrl-q n")),
            (Action::ScrollBack, Some("Ctrl-q [")),
            (Action::GoToTab(3), Some("Ctrl-q 3")),
            (Action::GoToTab(0), None),
            (Action::GoToTab(10), None),
            (Action::SendPrefix, Some("Ctrl-q Ctrl-q")),
        ];
        for (action, want) in cases {
            assert_eq!(k.first_label(action).as_deref(), want, "{action:?}");
        }
        let k = keymap("[bindings]\ngo_to_tab = [\"alt-1..9\"]\nhelp = []").unwrap();
        assert_eq!(k.first_label(Action::GoToTab(7)).as_deref(), Some("Alt-7"));
        assert_eq!(k.first_label(Action::Help), None);
    }

    #[test]
    fn prefix_event_sends_the_prefix() {
        let k = keymap("prefix = \"ctrl-a\"").unwrap();
        assert_eq!(k.prefix_event(), ev(KeyCode::Char('a'), CTRL));
    }

    #[test]
    fn overrides_replace_only_the_actions_they_name() {
        let k = keymap(
            r#"
            prefix = "ctrl-a"
            [bindings]
            next_tab = ["alt-n", "prefix N"]
            help = []
            go_to_tab = ["prefix alt-1..9"]
            send_prefix = ["prefix ctrl-b"]
            "#,
        )
        .unwrap();
        assert_eq!(k.lookup(&ev(KeyCode::Char('a'), CTRL)), KeyLookup::Prefix);
        assert_eq!(k.lookup(&ev(KeyCode::Char('q'), CTRL)), KeyLookup::Unbound);
        assert_eq!(
            k.lookup(&ev(KeyCode::Char('n'), ALT)),
            KeyLookup::Action(Action::NextTab)
        );
        // "prefix N" is matched however the terminal reports Shift-n.
        for key in [
            ch('N'),
            ev(KeyCode::Char('N'), SHIFT),
            ev(KeyCode::Char('n'), SHIFT),
        ] {
            assert_eq!(k.lookup_prefixed(&key), Some(Action::NextTab), "{key:?}");
        }
        assert_eq!(k.lookup_prefixed(&ch('n')), None);
        assert_eq!(k.lookup(&ev(KeyCode::PageDown, CTRL)), KeyLookup::Unbound);
        assert_eq!(k.lookup_prefixed(&ch('?')), None);
        assert_eq!(k.lookup_prefixed(&ch('3')), None);
        assert_eq!(k.lookup(&ev(KeyCode::Char('3'), ALT)), KeyLookup::Unbound);
        assert_eq!(
            k.lookup_prefixed(&ev(KeyCode::Char('3'), ALT)),
            Some(Action::GoToTab(3))
        );
        assert_eq!(
            k.lookup_prefixed(&ev(KeyCode::Char('a'), CTRL)),
            Some(Action::SendPrefix)
        );
        assert_eq!(
            k.lookup_prefixed(&ev(KeyCode::Char('b'), CTRL)),
            Some(Action::SendPrefix)
        );
        // Untouched actions keep their defaults, now after the new prefix.
        assert_eq!(k.lookup_prefixed(&ch('q')), Some(Action::Quit));
        assert_eq!(
            k.lookup(&ev(KeyCode::PageUp, SHIFT)),
            KeyLookup::Action(Action::ScrollBack)
        );
        assert_eq!(k.prefix_label(), "Ctrl-a");
        assert!(
            k.help()
                .contains(&("Ctrl-a Ctrl-b".to_string(), Action::SendPrefix))
        );
        assert!(
            k.help()
                .contains(&("Ctrl-a Alt-1..9".to_string(), Action::GoToTab(1)))
        );
        assert!(!k.help().iter().any(|(_, action)| *action == Action::Help));
    }

    #[test]
    fn harmless_repeats_are_accepted() {
        let k = keymap(
            r#"[bindings]
            quit = ["prefix q", "prefix q"]
            send_prefix = ["prefix ctrl-q"]"#,
        )
        .unwrap();
        assert_eq!(k.lookup_prefixed(&ch('q')), Some(Action::Quit));
        for action in [Action::Quit, Action::SendPrefix] {
            let listed = k.help().iter().filter(|(_, a)| *a == action).count();
            assert_eq!(listed, 1, "{action:?}");
        }
    }

    #[test]
    fn bad_bindings_are_refused_at_their_spec() {
        let cases = [
            (
                "[bindings]\nfrobnicate = [\"alt-f\"]",
                "unknown action `frobnicate`; expected one of: next_tab, prev_tab",
                "frobnicate",
            ),
            (
                "[bindings]\nquit = [\"prefix q\", \"ctrl-meta-q\"]",
                "keys.bindings.quit: \"ctrl-meta-q\": unknown key \"meta-q\"",
                "\"ctrl-meta-q\"",
            ),
            (
                "[bindings]\nquit = [\"q\"]",
                "would stop you typing it",
                "\"q\"",
            ),
            (
                "[bindings]\ngo_to_tab = [\"alt-1\"]",
                "go_to_tab binds the digit row",
                "\"alt-1\"",
            ),
            (
                "[bindings]\nquit = [\"prefix 1..9\"]",
                "only go_to_tab binds the digit row",
                "\"prefix 1..9\"",
            ),
            (
                "prefix = \"ctrl-\"",
                "keys.prefix: \"ctrl-\": a key is missing after ctrl-",
                "\"ctrl-\"",
            ),
            ("prefix = \"x\"", "cannot be the prefix", "\"x\""),
        ];
        for (text, message, at) in cases {
            let (got, got_at) = error(text);
            assert!(got.contains(message), "{text:?}: {got}");
            assert_eq!(got_at, at, "{text:?}");
        }
    }

    #[test]
    fn clashes_are_refused() {
        let cases = [
            (
                "[bindings]\nquit = [\"prefix n\"]",
                "keys.bindings.quit: \"prefix n\" clashes with \"prefix n\" for next_tab (a default; rebind next_tab too)",
                "\"prefix n\"",
            ),
            (
                "[bindings]\nquit = [\"alt-5\"]",
                "keys.bindings.quit: \"alt-5\" clashes with \"alt-1..9\" for go_to_tab (a default; rebind go_to_tab too)",
                "\"alt-5\"",
            ),
            (
                "[bindings]\nhelp = [\"alt-h\"]\nquit = [\"alt-h\"]",
                "keys.bindings.quit: \"alt-h\" clashes with \"alt-h\" for help",
                "\"alt-h\"",
            ),
            (
                "[bindings]\nquit = [\"ctrl-q\"]",
                "keys.bindings.quit: \"ctrl-q\" clashes with the prefix key",
                "\"ctrl-q\"",
            ),
            (
                "[bindings]\nquit = [\"prefix ctrl-q\"]",
                "clashes with the prefix pressed twice",
                "\"prefix ctrl-q\"",
            ),
            (
                "prefix = \"alt-1\"",
                "keys.prefix \"alt-1\" clashes with \"alt-1..9\" for go_to_tab (a default; rebind go_to_tab too)",
                "\"alt-1\"",
            ),
            (
                "prefix = \"ctrl-pageup\"",
                "keys.prefix \"ctrl-pageup\" clashes with \"ctrl-pageup\" for prev_tab (a default; rebind prev_tab too)",
                "\"ctrl-pageup\"",
            ),
            (
                "prefix = \"ctrl-a\"\n[bindings]\nquit = [\"ctrl-a\"]",
                "keys.bindings.quit: \"ctrl-a\" clashes with the prefix key",
                "\"ctrl-a\"",
            ),
        ];
        for (text, message, at) in cases {
            let (got, got_at) = error(text);
            assert!(got.contains(message), "{text:?}: {got}");
            assert_eq!(got_at, at, "{text:?}");
        }
        // Moving the clashing default away makes the same prefix fine.
        let k = keymap("prefix = \"alt-1\"\n[bindings]\ngo_to_tab = [\"prefix 1..9\"]").unwrap();
        assert_eq!(k.lookup(&ev(KeyCode::Char('1'), ALT)), KeyLookup::Prefix);
    }

    #[test]
    fn unknown_keys_table_fields_are_refused() {
        let err = toml::from_str::<KeysConfig>("prefix = \"ctrl-q\"\nleader = \"x\"").unwrap_err();
        assert!(err.message().contains("unknown field `leader`"), "{err}");
    }
}
