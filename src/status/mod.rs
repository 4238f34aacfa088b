//! What each session is doing: Claude Code's hooks, screen rules as a
//! fallback, and output activity for other programs. Pure logic: no I/O, no
//! threads, time passed in by the caller.

mod hook;
mod rules;
mod tracker;
mod transcript;

pub use hook::{Hook, HookEvent, parse_hook};
pub use rules::{Rules, ScreenStatus, Verdict};
pub use tracker::{Change, GENERIC_QUIET, HOOK_SILENCE, IDLE_DEBOUNCE, Tracker};
pub use transcript::last_assistant_text;
