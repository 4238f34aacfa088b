//! The client: thin. It finds (or starts) the server, then either sends one
//! command and prints the answer, or attaches its terminal: raw mode in,
//! the terminal passed to the server, and put back on every way out.

mod attach;
mod terminal;

use std::io::{self, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

pub use attach::attach;

use crate::paths;
use crate::proto::frame::{self, Kind};
use crate::proto::{ClientInfo, Hello, PROTOCOL, Request, ServerMsg, refused_message};

/// How many times a hello the server dropped unanswered is said again
/// (`Target::open`), and the first wait before it: 25, 50, 100, 200 ms.
const RETRIES: u32 = 4;
const RETRY_WAIT: Duration = Duration::from_millis(25);

/// Which server, and how to start it if it is not running.
pub struct Target {
    pub name: String,
    pub socket: PathBuf,
    /// Passed to a server this client starts.
    pub config: Option<PathBuf>,
    /// Said once to the user when the usual socket directory was unsafe.
    pub warning: Option<String>,
}

impl Target {
    pub fn new(flag: Option<&str>, config: Option<PathBuf>) -> Result<Target> {
        let name = paths::server_name(flag)?;
        let dir = paths::socket_dir()?;
        Ok(Target {
            socket: paths::socket_path(&dir.path, &name),
            name,
            config,
            warning: dir.warning,
        })
    }

    /// Connects (starting the server first if `start` and none runs) and
    /// says `hello`: the stream and the server's answer. A server killed a
    /// moment ago can still take a connection and drop it unanswered (its
    /// last threads hold the socket as they exit), so that is tried again,
    /// a few times with growing waits; by then its socket refuses, and a new
    /// server starts or there is none.
    pub fn open(&self, start: bool, hello: &Hello) -> Result<(UnixStream, ServerMsg)> {
        let mut wait = RETRY_WAIT;
        for _ in 0..RETRIES {
            let mut stream = self.stream(start)?;
            match exchange(&mut stream, hello) {
                Err(e) if dropped(&e) => {
                    std::thread::sleep(wait);
                    wait *= 2;
                }
                answer => return Ok((stream, answer?)),
            }
        }
        let mut stream = self.stream(start)?;
        let answer = exchange(&mut stream, hello)?;
        Ok((stream, answer))
    }

    fn stream(&self, start: bool) -> Result<UnixStream> {
        if start {
            self.connect_or_start()
        } else {
            self.connect()
        }
    }

    /// Connects to the running server, or says there is none.
    pub fn connect(&self) -> Result<UnixStream> {
        UnixStream::connect(&self.socket).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused => {
                anyhow::anyhow!("no server running on {}", self.socket.display())
            }
            _ => anyhow::Error::new(e).context(format!("cannot reach {}", self.socket.display())),
        })
    }

    /// Connects, starting the server first if none runs.
    pub fn connect_or_start(&self) -> Result<UnixStream> {
        if let Ok(stream) = UnixStream::connect(&self.socket) {
            return Ok(stream);
        }
        self.start_server()?;
        UnixStream::connect(&self.socket).with_context(|| {
            format!(
                "the server did not start (see its log in {})",
                paths::state_dir()
                    .map(|d| d.join(format!("{}.log", self.name)).display().to_string())
                    .unwrap_or_else(|| "the state directory".into())
            )
        })
    }

    /// Runs `ccmux server`, which returns once its socket listens (or with
    /// the reason it cannot) and leaves the server running in the background.
    fn start_server(&self) -> Result<()> {
        let exe = std::env::current_exe().context("cannot find the ccmux executable")?;
        let mut cmd = Command::new(exe);
        cmd.arg("-L").arg(&self.name);
        if let Some(config) = &self.config {
            cmd.arg("--config").arg(config);
        }
        cmd.arg("server")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let out = cmd.output().context("cannot start the server")?;
        if !out.status.success() {
            let said = String::from_utf8_lossy(&out.stderr);
            let said = said.trim().trim_start_matches("ccmux: ");
            bail!("the server could not start: {said}");
        }
        Ok(())
    }
}

/// What the server is told of this client; `tty`: it passes its terminal.
pub fn client_info(size: (u16, u16), tty: bool) -> Result<ClientInfo> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    Ok(ClientInfo {
        cwd,
        env: std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect(),
        size,
        tty,
    })
}

pub fn hello(request: Request, client: ClientInfo) -> Hello {
    Hello {
        protocol: PROTOCOL,
        version: env!("CARGO_PKG_VERSION").to_string(),
        client,
        request,
    }
}

/// Whether the server dropped the connection before it answered.
fn dropped(e: &anyhow::Error) -> bool {
    e.downcast_ref::<io::Error>().is_some_and(|e| {
        matches!(
            e.kind(),
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof
        )
    })
}

/// Sends `hello` on `stream` and reads the server's first answer.
fn exchange(stream: &mut UnixStream, hello: &Hello) -> Result<ServerMsg> {
    let body = serde_json::to_vec(hello).context("cannot encode the request")?;
    frame::write(stream, Kind::Json, &body).context("cannot talk to the server")?;
    read_msg(stream)
}

/// The next message from the server (output frames are not expected here).
fn read_msg(stream: &mut UnixStream) -> Result<ServerMsg> {
    loop {
        let Some(f) = frame::read(stream).context("lost the server")? else {
            return Err(
                anyhow::Error::new(io::Error::from(io::ErrorKind::UnexpectedEof))
                    .context("the server closed the connection"),
            );
        };
        if f.kind != Kind::Json {
            continue;
        }
        return match serde_json::from_slice(&f.body) {
            Ok(msg) => Ok(msg),
            Err(_) => match refused_message(&f.body) {
                Some(message) => Ok(ServerMsg::Refused { message }),
                None => bail!("the server speaks another protocol: run the same ccmux for both"),
            },
        };
    }
}

/// Sends one command to `target` (started first if `start` and none runs)
/// and prints the answer; the exit code is the server's.
pub fn command(target: &Target, start: bool, request: Request) -> Result<ExitCode> {
    let wait_for_end = matches!(request, Request::KillServer);
    let hello = hello(request, client_info((0, 0), false)?);
    let (mut stream, answer) = target.open(start, &hello)?;
    let code = print_answer(answer);
    if wait_for_end {
        // The server closes the socket as it exits: then nothing is left.
        while let Ok(Some(_)) = frame::read(&mut stream) {}
    }
    Ok(code)
}

/// Prints a command's answer; never panics on a closed stdout or stderr.
fn print_answer(answer: ServerMsg) -> ExitCode {
    match answer {
        ServerMsg::Reply {
            stdout,
            stderr,
            code,
        } => {
            let _ = io::stdout().write_all(stdout.as_bytes());
            let _ = io::stderr().write_all(stderr.as_bytes());
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        ServerMsg::Refused { message } => {
            crate::say_error(&message);
            ExitCode::FAILURE
        }
        other => {
            crate::say_error(&format!("unexpected answer from the server: {other:?}"));
            ExitCode::FAILURE
        }
    }
}

/// Whether this process runs inside a session of the server at `socket`:
/// attaching there would draw ccmux inside itself.
pub fn nested_in(socket: &Path) -> bool {
    std::env::var_os(paths::NEST_ENV).is_some_and(|v| Path::new(&v) == socket)
}

#[cfg(test)]
mod tests {
    use std::os::unix::net::UnixListener;

    use super::*;

    fn target(socket: PathBuf) -> Target {
        Target {
            name: "test".into(),
            socket,
            config: None,
            warning: None,
        }
    }

    fn list() -> Hello {
        hello(
            Request::List { json: false },
            client_info((0, 0), false).expect("client info"),
        )
    }

    /// A stand-in for a server at `socket` that drops the first `drops`
    /// connections unanswered, as a killed one's last threads do, and then,
    /// if `answer`, answers one. Returns how many came (it stops waiting
    /// after 30 s, so a client that gives up early fails the test, not
    /// hangs it).
    fn server(socket: &Path, drops: u32, answer: bool) -> std::thread::JoinHandle<u32> {
        let listener = UnixListener::bind(socket).expect("listening");
        listener.set_nonblocking(true).expect("non-blocking");
        std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + Duration::from_secs(30);
            let mut taken = 0;
            while taken < drops + u32::from(answer) && std::time::Instant::now() < deadline {
                let mut stream = match listener.accept() {
                    Ok((stream, _)) => stream,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                    Err(e) => panic!("accept: {e}"),
                };
                stream.set_nonblocking(false).expect("blocking");
                taken += 1;
                if taken > drops {
                    let said = frame::read(&mut stream).expect("a frame").expect("a hello");
                    assert_eq!(said.kind, Kind::Json);
                    let body = serde_json::to_vec(&ServerMsg::Attached).expect("encoded");
                    frame::write(&mut stream, Kind::Json, &body).expect("answered");
                }
            }
            taken
        })
    }

    #[test]
    fn a_hello_dropped_unanswered_is_said_again() {
        let dir = tempfile::tempdir().expect("a directory");
        let socket = dir.path().join("s");
        let server = server(&socket, 2, true);
        let (_stream, answer) = target(socket).open(false, &list()).expect("answered");
        assert!(matches!(answer, ServerMsg::Attached), "{answer:?}");
        assert_eq!(server.join().expect("the server"), 3);
    }

    #[test]
    fn a_server_that_never_answers_is_given_up_on() {
        let dir = tempfile::tempdir().expect("a directory");
        let socket = dir.path().join("s");
        let server = server(&socket, RETRIES + 1, false);
        let err = target(socket)
            .open(false, &list())
            .expect_err("never answered");
        assert!(dropped(&err), "{err:#}");
        assert_eq!(server.join().expect("the server"), RETRIES + 1);
    }
}
