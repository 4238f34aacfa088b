//! The ccmux server: owns the sessions, outlives every terminal, and serves
//! clients over a Unix socket (`ccmux` attaches one, `ccmux ls`/`new`/`stop`
//! send one command each).
//!
//! `ccmux server` binds the socket, then forks into the background (a new
//! session, stdio on /dev/null, a capped log in the state dir); the process
//! that started it exits 0 once the socket accepts connections. SIGHUP does
//! nothing; SIGTERM and SIGINT stop every session and end the server.

mod alarm;
mod commands;
mod conn;
mod daemon;
mod echo_reads;
mod keyboard;
mod log;
mod readable;
mod row_diff;
pub mod screen;
mod send;
mod serve;
mod signals;
mod store;
mod tty;

use std::path::Path;
use std::process::ExitCode;

use crate::config::Config;
use crate::paths;

/// Runs a server named `name` with the config at `config` (the default one
/// if None). `foreground` keeps it attached to the terminal (for debugging).
pub fn run(name: &str, config: Option<&Path>, foreground: bool) -> ExitCode {
    let config = match Config::load(config) {
        Ok(config) => config,
        Err(e) => {
            crate::say_error(&e.to_string());
            return ExitCode::from(2);
        }
    };
    let dir = match paths::socket_dir() {
        Ok(dir) => dir,
        Err(e) => {
            crate::say_error(&format!("{e:#}"));
            return ExitCode::FAILURE;
        }
    };
    let socket = paths::socket_path(&dir.path, name);
    let listening = match daemon::listen(&socket) {
        Ok(l) => l,
        // Whoever started us connects to the one that runs.
        Err(daemon::Refusal::Running) => return ExitCode::SUCCESS,
        Err(daemon::Refusal::Failed(e)) => {
            crate::say_error(&format!("{e:#}"));
            return ExitCode::FAILURE;
        }
    };
    if !foreground && let Err(e) = daemon::detach() {
        crate::say_error(&format!("{e:#}"));
        return ExitCode::FAILURE;
    }
    if let Some(state) = paths::state_dir() {
        // A server that cannot log still serves.
        let _ = log::init(&state.join(format!("{name}.log")));
    }
    install_panic_hook();
    tracing::info!(
        "ccmux {} serving {} (pid {})",
        env!("CARGO_PKG_VERSION"),
        socket.display(),
        std::process::id()
    );
    let store = paths::state_dir()
        .map(|state| store::Store::new(state.join(format!("{name}.sessions.json"))));
    let result = serve::serve(listening, &dir, config, store);
    match result {
        Ok(()) => {
            tracing::info!("server ended");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!("server failed: {e:#}");
            crate::say_error(&format!("{e:#}"));
            ExitCode::FAILURE
        }
    }
}

/// A panic in the server goes to its log (it has no terminal). One caught
/// inside vt100 is recovered from where it happened: the session goes on.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if crate::session::panicking_in_vt100() {
            return;
        }
        tracing::error!("panic: {info}");
    }));
}
