//! The session core: PTYs, child processes and their screens. UI-free.

mod status;

pub use status::{SessionId, SessionInfo, Status};
