//! An attached client: the terminal in raw mode and passed to the server
//! (`proto::tty`), which reads its keys and writes its frames itself; the
//! client watches for resizes and signals and waits for the end. Whatever
//! ends it (a detach, the server going, the terminal closing, a signal, a
//! panic), the server lets go of the terminal and the terminal is restored.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use ratatui::crossterm::event::Event;
use tokio::io::AsyncWriteExt;
use tokio::net::unix::OwnedWriteHalf;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::terminal::{self, HostTerminal};
use super::{Target, client_info, hello};
use crate::proto::frame::{self, Kind};
use crate::proto::{ClientMsg, Request, ServerMsg, tty};

/// How long a client that got a signal waits for the server to let go of its
/// terminal before restoring it anyway.
const LET_GO: Duration = Duration::from_secs(1);

/// How an attach ended: what to tell the user, and the exit code.
struct Ended {
    message: Option<String>,
    code: u8,
}

/// Attaches this terminal with `request` (an `Attach`) on `stream`.
pub fn attach(target: &Target, request: Request) -> Result<ExitCode> {
    let size = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
    let input = TtyInput::open()?;
    let hello = hello(request, client_info(size, true)?);
    let (stream, answer) = target.open(true, &hello)?;
    match answer {
        ServerMsg::Attached => {}
        ServerMsg::Refused { message } => bail!("{message}"),
        other => bail!("unexpected answer from the server: {other:?}"),
    }
    terminal::install_panic_hook();
    let host = HostTerminal::enter()?;
    let ended = run(stream, input.fd());
    drop(host);
    let ended = ended?;
    if let Some(message) = ended.message {
        let _ = writeln!(io::stderr(), "{message}");
    }
    Ok(ExitCode::from(ended.code))
}

/// Where the terminal's keys come from: stdin, or the controlling terminal
/// when stdin is not one (as crossterm reads it).
enum TtyInput {
    Stdin,
    Opened(File),
}

impl TtyInput {
    fn open() -> Result<TtyInput> {
        if io::stdin().is_terminal() {
            return Ok(TtyInput::Stdin);
        }
        let tty = File::options()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .context("no terminal to attach: stdin is not one and /dev/tty cannot be opened")?;
        Ok(TtyInput::Opened(tty))
    }

    fn fd(&self) -> RawFd {
        match self {
            TtyInput::Stdin => io::stdin().as_raw_fd(),
            TtyInput::Opened(file) => file.as_raw_fd(),
        }
    }
}

/// Passes the terminal (`input` and stdout) to the server on `stream`, then
/// waits for the end.
fn run(stream: UnixStream, input: RawFd) -> Result<Ended> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the event loop")?;
    runtime.block_on(async {
        // Watched before the server draws anything: a signal from then on
        // only detaches, never kills the client with the terminal raw.
        let signals = watch_fatal()?;
        let resizes =
            signal(SignalKind::window_change()).context("cannot watch the terminal's size")?;
        tty::send(&stream, input, io::stdout().as_raw_fd())
            .context("cannot pass the terminal to the server")?;
        stream.set_nonblocking(true)?;
        let stream = tokio::net::UnixStream::from_std(stream)?;
        serve(stream, signals, resizes).await
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

/// Each fatal signal, as its number and name, once it comes.
fn watch_fatal() -> Result<UnboundedReceiver<(i32, &'static str)>> {
    let (signal_tx, signals) = unbounded_channel();
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
    Ok(signals)
}

async fn serve(
    stream: tokio::net::UnixStream,
    mut signals: UnboundedReceiver<(i32, &'static str)>,
    mut resizes: Signal,
) -> Result<Ended> {
    let (mut read, mut write) = stream.into_split();
    loop {
        tokio::select! {
            got = frame::read_async(&mut read) => match got {
                Ok(Some(f)) => {
                    if let Some(ended) = exit(&f) {
                        return Ok(ended);
                    }
                }
                _ => return Ok(lost()),
            },
            Some(()) = resizes.recv() => {
                let Ok((cols, rows)) = ratatui::crossterm::terminal::size() else {
                    continue;
                };
                if send(&mut write, &ClientMsg::Input(Event::Resize(cols, rows))).await.is_err() {
                    return Ok(lost());
                }
            }
            Some((number, name)) = signals.recv() => {
                // The server lets go of the terminal (and stops writing to
                // it) before it answers, so the restore is not drawn over.
                if send(&mut write, &ClientMsg::Detach).await.is_ok() {
                    let _ = tokio::time::timeout(LET_GO, async {
                        while let Ok(Some(f)) = frame::read_async(&mut read).await {
                            if exit(&f).is_some() {
                                break;
                            }
                        }
                    })
                    .await;
                }
                let message = (number != libc::SIGHUP).then(|| {
                    format!("[detached: got {name}; sessions keep running]")
                });
                return Ok(Ended { message, code: 128 + number as u8 });
            }
        }
    }
}

/// The end the server announced in `f`, if it is its `Exit`.
fn exit(f: &frame::Frame) -> Option<Ended> {
    if f.kind != Kind::Json {
        return None;
    }
    match serde_json::from_slice(&f.body) {
        Ok(ServerMsg::Exit { message, code }) => Some(Ended {
            message: (!message.is_empty()).then_some(message),
            code: u8::try_from(code).unwrap_or(1),
        }),
        _ => None,
    }
}

fn lost() -> Ended {
    Ended {
        message: Some("ccmux: lost the server".into()),
        code: 1,
    }
}

async fn send(write: &mut OwnedWriteHalf, msg: &ClientMsg) -> io::Result<()> {
    let body = serde_json::to_vec(msg).map_err(io::Error::other)?;
    write.write_all(&frame::encode(Kind::Json, &body)).await
}
