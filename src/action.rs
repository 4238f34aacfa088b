//! What a key binding can ask ccmux to do. Keys that are not bound go to the
//! focused session untouched.
//!
//! The `actions!` list below is the one place an action is written down: the
//! `Action` enum, its name in the config's `[keys.bindings]`, its line in the
//! help overlay, its comment in the default config and its default keys all
//! come from it. Tests hold `assets/config.toml` and the README's keys table
//! to it, so adding an action is one entry here (plus what it does, in the
//! App's match on `Action`, which the compiler asks for); the tests then say
//! which lines the config file and the README need.

/// Declares `Action`, `ActionKind` (the same without the tab number) and
/// `ACTIONS` (one `ActionInfo` per action, in help order) from one list.
///
/// Each entry: doc comment lines (the config file's comment for the action),
/// the variant (with `(u8)` for the one that takes the digit row `1..9`),
/// then its config name, its help line and its default keys, spelled as in
/// the config.
macro_rules! actions {
    ($(
        $(#[doc = $doc:literal])+
        $variant:ident $(($digit:ty))? {
            name: $name:literal,
            help: $help:literal,
            keys: [$($key:literal),* $(,)?] $(,)?
        }
    )+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $( $(#[doc = $doc])+ $variant $(($digit))?, )+
        }

        /// An action without its argument: what a binding names. Its
        /// discriminant is its index in `ACTIONS`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ActionKind {
            $( $variant, )+
        }

        /// Every action, in help order.
        pub const ACTIONS: &[ActionInfo] = &[
            $( ActionInfo {
                kind: ActionKind::$variant,
                name: $name,
                help: $help,
                doc: &[$($doc),+],
                default_keys: &[$($key),*],
                digit_row: actions!(@digit_row $($digit)?),
            }, )+
        ];

        impl Action {
            pub fn kind(self) -> ActionKind {
                match self {
                    $( Action::$variant { .. } => ActionKind::$variant, )+
                }
            }
        }

        impl ActionKind {
            /// The action a key of this kind triggers; `digit` is the tab
            /// number for a key of the digit row (1 when there is none).
            pub fn action(self, digit: Option<u8>) -> Action {
                let _digit = digit.unwrap_or(1);
                match self {
                    $( ActionKind::$variant => Action::$variant $((_digit as $digit))?, )+
                }
            }
        }
    };
    (@digit_row) => { false };
    (@digit_row $digit:ty) => { true };
}

/// One action as the config, the help overlay and the defaults know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    pub kind: ActionKind,
    /// Its key in the config's `[keys.bindings]`.
    pub name: &'static str,
    /// Its line in the help overlay, and the start of its row in the README.
    pub help: &'static str,
    /// Its comment in the default config, a line each.
    pub doc: &'static [&'static str],
    /// Its keys when the config names none, as the config spells them.
    pub default_keys: &'static [&'static str],
    /// It is bound to the digit row `1..9` as a whole, one tab per digit.
    pub digit_row: bool,
}

actions! {
    /// Focus the tab to the right (wrapping around).
    NextTab {
        name: "next_tab",
        help: "Next tab",
        keys: ["prefix n", "ctrl-pagedown"],
    }
    /// Focus the tab to the left (wrapping around).
    PrevTab {
        name: "prev_tab",
        help: "Previous tab",
        keys: ["prefix p", "ctrl-pageup"],
    }
    /// Focus tab 1 to 9 by its number in the tab bar.
    GoToTab(u8) {
        name: "go_to_tab",
        help: "Go to tab by number",
        keys: ["prefix 1..9", "alt-1..9"],
    }
    /// Ask for a tab number and focus that tab: for tabs past 9.
    GoToNumber {
        name: "go_to_number",
        help: "Go to tab by number, typed",
        keys: ["prefix '"],
    }
    /// Pick a session from a list of all, filtered as you type its name.
    SwitchSession {
        name: "switch_session",
        help: "Switch to a session by name",
        keys: ["prefix w"],
    }
    /// Focus the session that has waited longest for you.
    NextAttention {
        name: "next_attention",
        help: "Go to the session waiting longest",
        keys: ["prefix a"],
    }
    /// The table of all sessions.
    SessionTable {
        name: "session_table",
        help: "Table of all sessions",
        keys: ["prefix s"],
    }
    /// Start a session: pick its directory.
    DirectoryPicker {
        name: "directory_picker",
        help: "New session: pick a directory",
        keys: ["prefix c"],
    }
    /// Rename the focused tab; an empty name gives back its default one.
    RenameSession {
        name: "rename_session",
        help: "Rename the focused tab",
        keys: ["prefix ,"],
    }
    /// Stop the focused session.
    StopSession {
        name: "stop_session",
        help: "Stop the focused session",
        keys: ["prefix x"],
    }
    /// Write a prompt for the focused session: it goes in at once if the
    /// session is idle at its prompt, else it waits in the session's queue.
    ComposePrompt {
        name: "compose_prompt",
        help: "Queue a prompt for the session",
        keys: ["prefix m"],
    }
    /// The focused session's queued prompts: reorder, edit, delete, pause.
    PromptQueue {
        name: "prompt_queue",
        help: "The session's queued prompts",
        keys: ["prefix M"],
    }
    /// Copy mode: scroll back through the focused session's output, search it, copy from it.
    ScrollBack {
        name: "scroll_back",
        help: "Copy mode: scroll back, search, copy",
        keys: ["prefix [", "shift-pageup"],
    }
    /// Show the focused session's id and copy it to the clipboard.
    ShowId {
        name: "show_id",
        help: "Show and copy the session id",
        keys: ["prefix i"],
    }
    /// List every key.
    Help {
        name: "help",
        help: "List every key",
        keys: ["prefix ?"],
    }
    /// Detach this terminal: every session keeps running (`ccmux attach` returns).
    Detach {
        name: "detach",
        help: "Detach: leave, sessions keep running",
        keys: ["prefix d"],
    }
    /// Quit: stop every session and the server, for every attached terminal.
    Quit {
        name: "quit",
        help: "Quit: stop every session",
        keys: ["prefix q"],
    }
    /// Send the prefix key to the session, besides pressing the prefix twice.
    SendPrefix {
        name: "send_prefix",
        help: "Send the prefix key to the session",
        keys: [],
    }
}

impl Action {
    /// One line for the help screen.
    pub fn description(&self) -> &'static str {
        self.kind().info().help
    }
}

impl ActionKind {
    pub fn info(self) -> &'static ActionInfo {
        &ACTIONS[self as usize]
    }

    /// The action named `name` in the config.
    pub fn from_name(name: &str) -> Option<ActionKind> {
        ACTIONS.iter().find(|a| a.name == name).map(|a| a.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_its_own_entry() {
        for (i, info) in ACTIONS.iter().enumerate() {
            assert_eq!(info.kind as usize, i, "{}", info.name);
            assert_eq!(info.kind.info(), info);
            assert_eq!(ActionKind::from_name(info.name), Some(info.kind));
            assert_eq!(info.kind.action(Some(3)).kind(), info.kind);
        }
        assert_eq!(ActionKind::from_name("frobnicate"), None);
    }

    #[test]
    fn only_go_to_tab_takes_the_digit_row() {
        let digit_rows: Vec<&str> = ACTIONS
            .iter()
            .filter(|a| a.digit_row)
            .map(|a| a.name)
            .collect();
        assert_eq!(digit_rows, ["go_to_tab"]);
        assert_eq!(ActionKind::GoToTab.action(Some(7)), Action::GoToTab(7));
        assert_eq!(ActionKind::GoToTab.action(None), Action::GoToTab(1));
        assert_eq!(Action::GoToTab(4).description(), "Go to tab by number");
    }

    #[test]
    fn names_and_help_lines_are_unique() {
        for (i, a) in ACTIONS.iter().enumerate() {
            for b in &ACTIONS[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.help, b.help);
            }
        }
    }
}
