//! Claude Code hooks, carried from each session's `claude` to this ccmux.
//!
//! Every Claude session is started with extra arguments (`settings`) that
//! register `ccmux hook` for the events the status tracker reads, through
//! `--settings`, so no file of the user's is touched. Claude runs that command
//! with the event's JSON on stdin; it forwards the JSON (`client`) over a
//! private Unix socket to the instance that started the session (`server`),
//! which hands it on tagged with the session's id.

mod client;
mod frame;
mod server;
mod settings;

pub use client::{run_hook, send};
pub use server::HookServer;
pub(crate) use server::{clear_stale, euid, private_dir};
pub use settings::settings_args;

use crate::session::SessionId;

/// The subcommand Claude runs for every hook: `ccmux hook`.
pub const SUBCOMMAND: &str = "hook";

/// The variable telling `ccmux hook` where the instance listens. Sessions get
/// it from the instance; `CCMUX_SESSION_ID` is set for every session already.
pub const SOCKET_ENV: &str = "CCMUX_SOCKET";
pub const SESSION_ENV: &str = "CCMUX_SESSION_ID";

/// The largest hook payload carried. Claude's are a few KiB; tool responses
/// can be far larger, and such an event is dropped rather than buffered.
pub const MAX_PAYLOAD: usize = 4 << 20;

/// One hook event as Claude wrote it, from the session it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookMessage {
    pub session: SessionId,
    /// The JSON Claude gave the hook on stdin, unparsed (see `status::parse_hook`).
    pub payload: Vec<u8>,
}
