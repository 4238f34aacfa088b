//! ccmux: one persistent Claude Code session per directory, shown as tabs.
//!
//! The crate is split so that everything but the client can run without a
//! terminal: `session` owns PTYs and screens and knows nothing of the UI, the
//! `hub` holds what every viewer shares, `app` is one viewer's state machine
//! fed with events and drawn on any ratatui backend, `server` hosts them, and
//! `client` is the thin loop between a real terminal and the server.

pub mod action;
pub mod app;
pub mod cli;
pub mod client;
pub mod config;
pub mod copy;
pub mod fdio;
pub mod hooks;
pub mod hub;
pub mod keys;
pub mod paths;
pub mod picker;
pub mod proto;
pub mod server;
pub mod session;
pub mod status;
pub mod ui;

/// Prints `ccmux: message` on stderr. Never panics: stderr may be a closed
/// terminal (eprintln! would panic there), and saying why is never worth
/// dying for.
pub fn say_error(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "ccmux: {message}");
}
