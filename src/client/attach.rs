//! An attached client: the terminal in raw mode, its input sent to the
//! server as events, the server's frames written out as they come. Whatever
//! ends it (a detach, the server going, the terminal closing, a signal, a
//! panic), the terminal is restored first.

use std::io::{self, Write};
use std::os::unix::net::UnixStream;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use ratatui::crossterm::event;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::terminal::{self, HostTerminal};
use super::{client_info, exchange, hello};
use crate::fdio;
use crate::proto::frame::{self, Kind};
use crate::proto::{ClientMsg, Request, ServerMsg};

/// How an attach ended: what to tell the user, and the exit code.
struct Ended {
    message: Option<String>,
    code: u8,
}

/// Attaches this terminal with `request` (an `Attach`) on `stream`.
pub fn attach(mut stream: UnixStream, request: Request) -> Result<ExitCode> {
    let size = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
    let hello = hello(request, client_info(size)?);
    match exchange(&mut stream, &hello)? {
        ServerMsg::Attached => {}
        ServerMsg::Refused { message } => bail!("{message}"),
        other => bail!("unexpected answer from the server: {other:?}"),
    }
    terminal::install_panic_hook();
    let host = HostTerminal::enter()?;
    let ended = run(stream);
    drop(host);
    let ended = ended?;
    if let Some(message) = ended.message {
        let _ = writeln!(io::stderr(), "{message}");
    }
    Ok(ExitCode::from(ended.code))
}

fn run(stream: UnixStream) -> Result<Ended> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the event loop")?;
    let input = spawn_input_forwarder(stream.try_clone()?)?;
    runtime.block_on(async {
        stream.set_nonblocking(true)?;
        let stream = tokio::net::UnixStream::from_std(stream)?;
        serve(stream, input).await
    })
}

/// Every signal that would end the client: the terminal is restored first.
const FATAL: &[(i32, &str)] = &[
    (libc::SIGHUP, "SIGHUP"),
    (libc::SIGINT, "SIGINT"),
    (libc::SIGTERM, "SIGTERM"),
    (libc::SIGQUIT, "SIGQUIT"),
    (libc::SIGUSR1, "SIGUSR1"),
    (libc::SIGUSR2, "SIGUSR2"),
    (libc::SIGALRM, "SIGALRM"),
    (libc::SIGABRT, "SIGABRT"),
    (libc::SIGVTALRM, "SIGVTALRM"),
    (libc::SIGPROF, "SIGPROF"),
    (libc::SIGXCPU, "SIGXCPU"),
    (libc::SIGXFSZ, "SIGXFSZ"),
];

async fn serve(
    mut read: tokio::net::UnixStream,
    mut input: UnboundedReceiver<InputEnd>,
) -> Result<Ended> {
    let (signal_tx, mut signals) = unbounded_channel();
    for &(number, name) in FATAL {
        let mut stream =
            signal(SignalKind::from_raw(number)).with_context(|| format!("cannot watch {name}"))?;
        let tx = signal_tx.clone();
        tokio::spawn(async move {
            if stream.recv().await.is_some() {
                let _ = tx.send((number, name));
            }
        });
    }
    let mut stdout = io::stdout();
    loop {
        tokio::select! {
            got = frame::read_async(&mut read) => match got {
                Ok(Some(f)) if f.kind == Kind::Output => {
                    if stdout.write_all(&f.body).and_then(|_| stdout.flush()).is_err() {
                        // The terminal is gone: that is a detach.
                        return Ok(Ended { message: None, code: 0 });
                    }
                }
                Ok(Some(f)) => match serde_json::from_slice(&f.body) {
                    Ok(ServerMsg::Exit { message, code }) => {
                        return Ok(Ended {
                            message: (!message.is_empty()).then_some(message),
                            code: u8::try_from(code).unwrap_or(1),
                        });
                    }
                    _ => continue,
                },
                _ => {
                    return Ok(Ended {
                        message: Some("ccmux: lost the server".into()),
                        code: 1,
                    });
                }
            },
            end = input.recv() => {
                return Ok(match end {
                    Some(InputEnd::Lost) => Ended {
                        message: Some("ccmux: lost the server".into()),
                        code: 1,
                    },
                    // The terminal's input is gone: the user cannot type
                    // again here, so this is a detach.
                    Some(InputEnd::Closed) | None => Ended { message: None, code: 0 },
                });
            }
            Some((number, name)) = signals.recv() => {
                let message = (number != libc::SIGHUP).then(|| {
                    format!("[detached: got {name}; sessions keep running]")
                });
                return Ok(Ended { message, code: 128 + number as u8 });
            }
        }
    }
}

/// Why the input thread stopped.
enum InputEnd {
    /// The terminal's input is gone.
    Closed,
    /// The server's socket is.
    Lost,
}

/// crossterm's read blocks, so it gets a thread; it blocks in read(2) with no
/// timeout, so an idle terminal costs nothing. It sends each event to the
/// server itself: a key goes out without waking the event loop first, one
/// thread hop less on every key's way to its echo. It is the socket's only
/// writer once attached; the event loop makes it non-blocking, so the
/// thread waits for room in poll(2) (`crate::fdio`).
fn spawn_input_forwarder(socket: UnixStream) -> Result<UnboundedReceiver<InputEnd>> {
    let (tx, rx) = unbounded_channel();
    std::thread::Builder::new()
        .name("ccmux-input".into())
        .spawn(move || {
            let end = loop {
                let Ok(ev) = event::read() else {
                    break InputEnd::Closed;
                };
                let sent = serde_json::to_vec(&ClientMsg::Input(ev))
                    .map_err(io::Error::other)
                    .and_then(|body| fdio::write_all(&socket, &frame::encode(Kind::Json, &body)));
                if sent.is_err() {
                    break InputEnd::Lost;
                }
            };
            let _ = tx.send(end);
        })
        .context("cannot start the input thread")?;
    Ok(rx)
}
