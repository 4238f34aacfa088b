//! `mock-anthropic`: a local stand-in for the Anthropic Messages API, for tests only.
//!
//! The integration tests run the real Claude Code CLI with `ANTHROPIC_BASE_URL` pointing
//! here, so it works offline and answers predictably. What the CLI needs (measured with
//! 2.1.197): `HEAD /` at start; `POST /v1/messages?beta=true` with `stream: true` for the
//! main turn and for a tool-less side call that names the session; Messages API SSE
//! events in order; a `tool_use` round trip to reach the permission prompt.
//!
//! The answer is chosen by whole words in the last user message, after dropping the
//! blocks the CLI adds to it (`<system-reminder>`s mention tools and would match; the
//! output of a local command such as `/clear` comes with the next prompt):
//! - a request without tools (the title side call) gets the title JSON;
//! - a last user message carrying a `tool_result` gets `… MOCK-TOOL-DONE`;
//! - `tool` gets a Bash `tool_use` (`echo hi > out.txt`), stop reason `tool_use`;
//! - `slow` gets only SSE pings for `MOCK_SLOW_SECONDS` (default 3), then `MOCK-SLOW-DONE`;
//! - anything else gets `Mock answer to: <prompt> MOCK-ANSWER-OK`.
//!
//! Binds 127.0.0.1 only. `--port-file` appears (atomically) once the server accepts
//! connections. Every request is logged as one JSON line to stderr or `--log`, with the
//! prompt and the earlier user messages: a test reads there which conversation the CLI
//! continued.

pub(crate) mod behaviour;
pub(crate) mod http;
pub(crate) mod reply;
pub(crate) mod server;
pub(crate) mod sse;
#[cfg(test)]
pub(crate) mod testing;

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;

use crate::server::Server;

/// How long `slow` pings when `MOCK_SLOW_SECONDS` is unset or unusable.
pub(crate) const DEFAULT_SLOW: Duration = Duration::from_secs(3);

#[derive(Parser)]
#[command(about = "Local mock of the Anthropic Messages API, for tests (binds 127.0.0.1 only)")]
struct Args {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Once listening, write the port here (temp file + rename, so readers never see half).
    #[arg(long)]
    port_file: Option<PathBuf>,
    /// Append the per-request JSON lines here instead of stderr.
    #[arg(long)]
    log: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, args.port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let port = listener.local_addr().context("no local address")?.port();
    let log: Box<dyn Write + Send> = match &args.log {
        Some(path) => Box::new(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open log {}", path.display()))?,
        ),
        None => Box::new(io::stderr()),
    };
    let slow = slow_duration(std::env::var("MOCK_SLOW_SECONDS").ok().as_deref());
    let server = Arc::new(Server::new(slow, log));
    if let Some(path) = &args.port_file {
        write_atomically(path, &port.to_string())
            .with_context(|| format!("cannot write port file {}", path.display()))?;
    }
    // A test may read the port from stdout instead; one that closed stdout loses nothing.
    let _ = writeln!(io::stdout(), "LISTENING {port}");
    server.run(&listener);
    Ok(())
}

fn slow_duration(setting: Option<&str>) -> Duration {
    setting
        .and_then(|s| s.trim().parse::<f64>().ok())
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .unwrap_or(DEFAULT_SLOW)
}

fn write_atomically(path: &Path, contents: &str) -> io::Result<()> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    fs::write(&temp, contents)?;
    fs::rename(&temp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_seconds_come_from_the_environment_setting() {
        assert_eq!(slow_duration(None), DEFAULT_SLOW);
        assert_eq!(slow_duration(Some("0.5")), Duration::from_millis(500));
        assert_eq!(slow_duration(Some("nope")), DEFAULT_SLOW);
        assert_eq!(slow_duration(Some("-1")), DEFAULT_SLOW);
        assert_eq!(slow_duration(Some("inf")), DEFAULT_SLOW);
    }
}
