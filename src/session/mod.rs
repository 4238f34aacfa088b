//! The session core: PTYs, child processes and their screens. UI-free: nothing
//! here draws, reads the keyboard or writes to the host terminal.

mod claude;
mod input;
mod instance;
mod osc_limit;
mod pty;
mod reading;
mod registry;
mod status;
mod term;
mod tree;

pub use claude::Conversation;
pub use instance::{Changes, MAX_REPLY_BACKLOG, Session};
pub use osc_limit::MAX_OSC;
pub use pty::SpawnSpec;
pub use registry::{Launch, Registry, Request, STOP_GRACE, is_claude_program};
pub use status::{SessionId, SessionInfo, Status};
pub use term::{
    Alert, KITTY_DISAMBIGUATE, MAX_CLIPBOARD, MAX_NOTIFICATION, MAX_TITLE, Term, panicking_in_vt100,
};
pub use tree::reap_orphans;
