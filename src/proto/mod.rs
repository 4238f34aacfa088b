//! What clients and the server say to each other over the server's socket.
//!
//! A connection starts with the client's `Hello`, which carries the one
//! request it makes: attach (then input flows one way and frames the other
//! until either side ends it) or a command for scripts (one `Reply`, then the
//! connection closes). Every frame is length-prefixed (`frame`); messages are
//! JSON, terminal output is raw bytes.
//!
//! Versioning: `Hello::protocol` is read before anything else. A server that
//! speaks another protocol answers `Refused` with a message for the user, and
//! `Refused { message }` keeps its shape in every version, so a client of any
//! version can print it.

pub mod frame;
pub mod tty;

use std::path::PathBuf;

use ratatui::crossterm::event::Event as InputEvent;
use serde::{Deserialize, Serialize};

/// Bumped whenever a message changes shape.
pub const PROTOCOL: u32 = 2;

/// The client's first message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    /// ccmux's version, for messages.
    pub version: String,
    pub client: ClientInfo,
    pub request: Request,
}

/// What the server needs to know of the client: where sessions it asks for
/// start, with which environment, and what its terminal is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientInfo {
    pub cwd: PathBuf,
    /// The client's environment (variables that are not UTF-8 are left out):
    /// sessions it starts get it, as a shell user expects. TERM and
    /// TERM_PROGRAM also tell which notification escape the terminal takes.
    pub env: Vec<(String, String)>,
    /// The terminal's size, columns then rows (attach only).
    pub size: (u16, u16),
    /// The client passes its terminal once attached (`tty`): the server
    /// reads keys from it and writes frames to it. Without it, input and
    /// frames cross the socket.
    #[serde(default)]
    pub tty: bool,
}

impl ClientInfo {
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    /// Attach a terminal. `sessions` start first (in this order; the first is
    /// focused); with none and no session on the server, one starts in the
    /// client's working directory.
    Attach {
        sessions: Vec<NewSession>,
        /// What the client's new sessions run (its `--profile`, `--cmd`,
        /// `-- ARGS`): the one started when `sessions` is empty and the
        /// server has none, and those started from its picker. Its `dir` is
        /// the client's working directory.
        default: NewSession,
        /// With no session anywhere, start `default` (`ccmux`) rather than
        /// refuse (`ccmux attach`).
        create: bool,
    },
    /// The session table, as text or JSON.
    List { json: bool },
    /// Start a session without attaching.
    New(NewSession),
    /// Stop a session, named by id or unique id prefix.
    Stop { target: String },
    /// Start an ended session again: a Claude session resumes its
    /// conversation, or starts a new one if `fresh`.
    Restart { target: String, fresh: bool },
    /// Stop every session, then the server.
    KillServer,
    /// Give `text` to sessions as if typed and submitted, when each is ready
    /// (see `hub::prompts`). With `wait`, the answer comes once every
    /// delivered prompt's turn has ended.
    Send {
        to: SendTo,
        text: String,
        /// Also into programs that are not Claude Code.
        raw: bool,
        wait: bool,
    },
}

/// Which sessions `send` goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendTo {
    /// An id (ccmux's or the conversation's) or a unique prefix of one.
    Id(String),
    /// Every session in this directory.
    Dir(PathBuf),
    /// Every session (that runs Claude Code, unless `raw`).
    All,
}

/// A session to start in `dir`: the config's profile `profile` (default:
/// the default profile), or else `program`; `args` replace the profile's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSession {
    pub dir: PathBuf,
    pub program: Option<String>,
    pub args: Option<Vec<String>>,
    pub profile: Option<String>,
}

/// What an attached client sends after its `Hello`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ClientMsg {
    /// Input from the client's terminal: keys, pastes, mouse, resizes, focus
    /// (only resizes from a client that passed its terminal).
    Input(InputEvent),
    /// The client is going: the server lets go of its terminal, then
    /// answers `Exit`.
    Detach,
}

/// What the server sends besides output frames.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerMsg {
    /// The request is refused: print `message`, exit 1. Its shape never
    /// changes (see the module comment).
    Refused { message: String },
    /// Attached: output frames follow.
    Attached,
    /// The attach is over (detached, quit, server gone): restore the
    /// terminal, print `message` if any, exit with `code`.
    Exit { message: String, code: i32 },
    /// A command's answer: print `stdout` and `stderr`, exit with `code`.
    Reply {
        stdout: String,
        stderr: String,
        code: i32,
    },
}

/// The `protocol` of a hello in any version, or None if it is not one.
pub fn hello_protocol(body: &[u8]) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get("protocol")?.as_u64()
}

/// The message of a `Refused` from a server of any version.
pub fn refused_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(value.get("Refused")?.get("message")?.as_str()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_protocol_is_read_from_any_hello() {
        assert_eq!(hello_protocol(br#"{"protocol":7,"anything":[1]}"#), Some(7));
        assert_eq!(hello_protocol(b"garbage"), None);
        let hello = Hello {
            protocol: PROTOCOL,
            version: "x".into(),
            client: ClientInfo {
                cwd: "/".into(),
                env: vec![],
                size: (80, 24),
                tty: false,
            },
            request: Request::KillServer,
        };
        let body = serde_json::to_vec(&hello).unwrap();
        assert_eq!(hello_protocol(&body), Some(u64::from(PROTOCOL)));
    }

    #[test]
    fn refused_keeps_its_shape() {
        let body = serde_json::to_vec(&ServerMsg::Refused {
            message: "no".into(),
        })
        .unwrap();
        assert_eq!(body, br#"{"Refused":{"message":"no"}}"#);
        assert_eq!(refused_message(&body).as_deref(), Some("no"));
    }
}
