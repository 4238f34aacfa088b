//! The session core: PTYs, child processes and their screens. UI-free: nothing
//! here draws, reads the keyboard or writes to the host terminal.

mod claude;
mod instance;
mod pty;
mod registry;
mod status;
mod term;

pub use claude::Conversation;
pub use instance::{Changes, Session};
pub use pty::SpawnSpec;
pub use registry::{Launch, Registry, Request, STOP_GRACE, is_claude_program};
pub use status::{SessionId, SessionInfo, Status};
pub use term::{Alert, KITTY_DISAMBIGUATE, Term, panicking_in_vt100};
