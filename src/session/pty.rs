//! The OS edge of a session: a PTY with the program running in it.

use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::BorrowedFd;
use std::path::{Path, PathBuf};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::{SessionId, tree};

/// What to run for a session, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpawnSpec {
    pub program: String,
    pub args: Vec<String>,
    /// The whole environment the program starts with, before the variables
    /// ccmux sets (TERM, CCMUX_SESSION_ID…) and without the host terminal's.
    pub env: Vec<(String, String)>,
    pub dir: PathBuf,
    /// The program is Claude Code: it gets hooks and a Claude status tracker.
    pub claude: bool,
}

pub struct Pty {
    pub master: Box<dyn MasterPty + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    pub reader: File,
    /// A copy of the master's fd, not portable-pty's writer: dropping that
    /// one types `\n` and Ctrl-D into the PTY.
    pub writer: File,
}

/// Variables that would make the program believe it runs somewhere it does
/// not: inside tmux (Claude Code then shells out to `tmux`), or in the user's
/// outer terminal (Claude Code picks keyboard protocols and notification
/// escapes by TERM_PROGRAM).
const HOST_VARS: &[&str] = &[
    "TMUX",
    "TMUX_PANE",
    "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION",
    "TERM_SESSION_ID",
    "ITERM_SESSION_ID",
    "KITTY_WINDOW_ID",
    "WEZTERM_PANE",
    "ZELLIJ",
    "ZELLIJ_SESSION_NAME",
    "STY",
    "LINES",
    "COLUMNS",
];

/// Starts `spec` with `lead_args` before its own arguments (the per-session
/// ones ccmux adds, such as Claude Code's `--session-id`).
pub fn spawn(
    spec: &SpawnSpec,
    lead_args: &[String],
    id: SessionId,
    run: uuid::Uuid,
    rows: u16,
    cols: u16,
) -> Result<Pty, String> {
    // Found on the PATH the session will have, as the shell that asked would.
    let path = spec
        .env
        .iter()
        .rev()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| std::ffi::OsString::from(v))
        .or_else(|| std::env::var_os("PATH"));
    let program = resolve(&spec.program, path.as_deref())?;
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: rows.max(1),
            cols: cols.max(1),
            pixel_width: 0,
            pixel_height: 0,
        })
        .map_err(|e| format!("cannot open a pty: {e}"))?;

    let mut cmd = CommandBuilder::new(program);
    cmd.args(lead_args);
    cmd.args(&spec.args);
    cmd.cwd(&spec.dir);
    cmd.env_clear();
    for (k, v) in &spec.env {
        cmd.env(k, v);
    }
    for var in HOST_VARS {
        cmd.env_remove(var);
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("COLORTERM", "truecolor");
    cmd.env("TERM_PROGRAM", "ccmux");
    cmd.env("TERM_PROGRAM_VERSION", env!("CARGO_PKG_VERSION"));
    cmd.env("CCMUX_SESSION_ID", id.to_string());
    cmd.env(tree::RUN_ENV, run.to_string());

    let child = tree::spawn_leader(|| pair.slave.spawn_command(cmd), |c| c.process_id())
        .map_err(|e| format!("cannot start {}: {e}", spec.program))?;
    // Our copy of the slave must go, or the reader never sees EOF.
    drop(pair.slave);
    // Plain copies of the master's fd: portable-pty's writer would type `\n`
    // and Ctrl-D when dropped, and both must see the fd non-blocking (see
    // `input`), which portable-pty's reader does not expect.
    let copy = |what: &str| {
        pair.master
            .as_raw_fd()
            // SAFETY: the master owns this fd and outlives the borrow.
            .map(|fd| unsafe { BorrowedFd::borrow_raw(fd) }.try_clone_to_owned())
            .ok_or_else(|| format!("cannot {what} the pty: it has no fd"))?
            .map(File::from)
            .map_err(|e| format!("cannot {what} the pty: {e}"))
    };
    let reader = copy("read")?;
    let writer = copy("write")?;
    Ok(Pty {
        master: pair.master,
        child,
        reader,
        writer,
    })
}

/// Finds the program the way a shell would, so a missing one gets a message
/// that says what to do instead of a generic spawn error.
fn resolve(program: &str, path: Option<&OsStr>) -> Result<PathBuf, String> {
    if program.is_empty() {
        return Err("no command configured: set `command` in the config file".into());
    }
    if program.contains('/') {
        let p = Path::new(program);
        return if is_executable(p) {
            Ok(p.to_path_buf())
        } else {
            Err(format!("{program} does not exist or is not executable"))
        };
    }
    path.into_iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
        .ok_or_else(|| match program.split_once(char::is_whitespace) {
            // `--cmd 'yes hello'` names one program; no shell splits it.
            Some((name, rest)) => format!(
                "`{program}` is not on PATH: the command is one program, not a shell line; \
                 give its arguments after `--`, like `--cmd {name} -- {rest}`, or as `args` in \
                 the config file"
            ),
            None => format!(
                "`{program}` is not on PATH: install it, or set `command` in the config file \
                 (ccmux --print-config shows it) or pass --cmd"
            ),
        })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_program_says_how_to_fix_it() {
        let err = resolve("surely-not-a-program", Some(OsStr::new("/usr/bin:/bin"))).unwrap_err();
        assert!(err.contains("not on PATH"), "{err}");
        assert!(err.contains("--cmd"), "{err}");
        assert!(resolve("sh", Some(OsStr::new("/nonexistent:/bin"))).is_ok());
        assert!(resolve("/nonexistent/x", None).is_err());
    }

    #[test]
    fn a_program_with_arguments_in_its_name_says_to_use_dashes() {
        let err = resolve("yes hello  world", Some(OsStr::new("/usr/bin:/bin"))).unwrap_err();
        assert!(
            err.starts_with("`yes hello  world` is not on PATH"),
            "{err}"
        );
        assert!(err.contains("`--cmd yes -- hello  world`"), "{err}");
    }
}
