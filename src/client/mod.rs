//! The client: thin. It finds (or starts) the server, then either sends one
//! command and prints the answer, or attaches its terminal: raw mode in,
//! the terminal passed to the server, and put back on every way out.

mod attach;
mod terminal;

use std::io::{self, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};

pub use attach::attach;

use crate::paths;
use crate::proto::frame::{self, Kind};
use crate::proto::{ClientInfo, Hello, PROTOCOL, Request, ServerMsg, refused_message};

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

/// Sends `hello` on `stream` and reads the server's first answer.
pub fn exchange(stream: &mut UnixStream, hello: &Hello) -> Result<ServerMsg> {
    let body = serde_json::to_vec(hello).context("cannot encode the request")?;
    frame::write(stream, Kind::Json, &body).context("cannot talk to the server")?;
    read_msg(stream)
}

/// The next message from the server (output frames are not expected here).
fn read_msg(stream: &mut UnixStream) -> Result<ServerMsg> {
    loop {
        let Some(f) = frame::read(stream).context("lost the server")? else {
            bail!("the server closed the connection");
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

/// Sends one command and prints the answer; the exit code is the server's.
pub fn command(mut stream: UnixStream, request: Request) -> Result<ExitCode> {
    let wait_for_end = matches!(request, Request::KillServer);
    let hello = hello(request, client_info((0, 0), false)?);
    let answer = exchange(&mut stream, &hello)?;
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
