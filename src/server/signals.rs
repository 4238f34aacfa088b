//! The signals the server answers, watched by a task of their own: the loop's turn then polls
//! one channel instead of five signal streams (each turn of a key's echo polled all five).

use std::io;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{self, UnboundedReceiver};

/// Installs the handlers now (a signal that comes before the task first runs is kept), and
/// returns the names of the signals that end the server (SIGTERM, SIGINT, SIGQUIT) as they come.
/// SIGHUP is ignored (a daemon has no terminal to hang up; someone's `kill -HUP` changes
/// nothing) and SIGCHLD reaps the orphans of sessions' process trees, which come to us as their
/// subreaper.
pub fn watch() -> io::Result<UnboundedReceiver<&'static str>> {
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut quit = signal(SignalKind::quit())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut child = signal(SignalKind::child())?;
    let (tx, rx) = mpsc::unbounded_channel();
    // Ends with the runtime, or once the loop stops listening.
    tokio::spawn(async move {
        loop {
            let ending = tokio::select! {
                _ = terminate.recv() => "SIGTERM",
                _ = interrupt.recv() => "SIGINT",
                _ = quit.recv() => "SIGQUIT",
                _ = hangup.recv() => {
                    tracing::info!("SIGHUP ignored");
                    continue;
                }
                _ = child.recv() => {
                    crate::session::reap_orphans();
                    continue;
                }
            };
            if tx.send(ending).is_err() {
                return;
            }
        }
    });
    Ok(rx)
}
