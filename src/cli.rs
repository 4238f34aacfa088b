//! The command line.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

/// A terminal multiplexer for Claude Code: one persistent session per
/// directory, shown as tabs. Sessions live in a server and outlive the
/// terminal: detach with prefix d, come back with `ccmux attach`.
#[derive(Debug, Parser)]
#[command(name = "ccmux", version, about, subcommand_precedence_over_arg = true)]
pub struct Cli {
    /// The server to use: its socket is named NAME (default: $CCMUX_SERVER,
    /// else `default`). Separate servers keep separate sessions.
    #[arg(short = 'L', value_name = "NAME", global = true)]
    pub server: Option<String>,

    /// The config file to use instead of the default one (read when the
    /// server starts).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Print the default config, with a comment on every key, and exit.
    #[arg(long)]
    pub print_config: bool,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// Directories to start a session in, in tab order; the first is
    /// focused. None: attach to the server's sessions, or start one in the
    /// current directory if it has none.
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,

    /// The program these sessions run (default: `command` from the config,
    /// which defaults to `claude`).
    #[arg(long, value_name = "PROGRAM", conflicts_with = "profile")]
    pub cmd: Option<String>,

    /// Run the config's `[profiles.NAME]` in these sessions.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Arguments for the program, replacing `args` from the config.
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Attach this terminal to the server's sessions.
    Attach,
    /// List the sessions: id, status, directory, start, last output, task.
    Ls {
        /// An array of objects (id, dir, status, …) for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Start a session without attaching; prints its id on the last line.
    New {
        /// The program it runs (default: the config's `command`).
        #[arg(long, value_name = "PROGRAM", conflicts_with = "profile")]
        cmd: Option<String>,
        /// Run the config's `[profiles.NAME]`.
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Arguments for the program, replacing `args` from the config.
        #[arg(last = true, value_name = "ARGS")]
        args: Vec<String>,
    },
    /// Stop a session (by id, or any unique prefix of it).
    Stop {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Start an ended session again, under the same id: a Claude session
    /// resumes its conversation.
    Restart {
        #[arg(value_name = "ID")]
        id: String,
        /// Start a new conversation instead.
        #[arg(long)]
        fresh: bool,
    },
    /// Give a prompt to sessions as if typed and submitted, when each is
    /// idle at its prompt (else it waits in the session's queue).
    #[command(
        after_help = "TEXT `-` reads it from stdin. With --wait, prints the last message of each \
                      prompt's turn; exits 3 if a session exited, 4 if one asks the user."
    )]
    Send {
        /// Every session in this directory.
        #[arg(long, value_name = "PATH", conflicts_with = "all")]
        dir: Option<PathBuf>,
        /// Every running Claude Code session.
        #[arg(long)]
        all: bool,
        /// Type into programs that are not Claude Code too.
        #[arg(long)]
        raw: bool,
        /// Wait until each prompt's turn is over; print Claude's answer.
        #[arg(long)]
        wait: bool,
        /// `ID TEXT`, or `TEXT` with --dir or --all.
        #[arg(value_name = "[ID] TEXT", num_args = 1..=2, required = true)]
        words: Vec<String>,
    },
    /// Stop every session, then the server.
    KillServer,
    /// Run the server (ccmux starts it when needed).
    #[command(hide = true)]
    Server {
        /// Stay in the foreground instead of detaching.
        #[arg(long)]
        foreground: bool,
    },
}

/// Checks every directory before anything starts, so a typo never leaves a
/// half-open UI behind. Returns them absolute.
pub fn resolve_dirs(dirs: &[PathBuf], cwd: &Path) -> Result<Vec<PathBuf>, String> {
    if dirs.is_empty() {
        return Ok(vec![cwd.to_path_buf()]);
    }
    dirs.iter()
        .map(|d| {
            let abs = cwd.join(d);
            match abs.metadata() {
                Ok(m) if m.is_dir() => Ok(std::path::absolute(&abs)
                    .map(|p| normalize(&p))
                    .unwrap_or(abs)),
                Ok(_) => Err(format!("not a directory: {}", d.display())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(format!("no such directory: {}", d.display()))
                }
                Err(e) => Err(format!("cannot use {}: {e}", d.display())),
            }
        })
        .collect()
}

/// Drops `.` and resolves `..` textually, keeping symlinked paths as the user
/// typed them (as `cd` does).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirs_are_checked_and_made_absolute() {
        let tmp = tempfile::tempdir().unwrap();
        let cwd = tmp.path();
        std::fs::create_dir(cwd.join("a")).unwrap();
        std::fs::write(cwd.join("f"), "").unwrap();
        assert_eq!(resolve_dirs(&[], cwd).unwrap(), vec![cwd.to_path_buf()]);
        assert_eq!(
            resolve_dirs(&["a/../a/.".into()], cwd).unwrap(),
            vec![cwd.join("a")]
        );
        let err = resolve_dirs(&["a".into(), "nope".into()], cwd).unwrap_err();
        assert_eq!(err, "no such directory: nope");
        let err = resolve_dirs(&["f".into()], cwd).unwrap_err();
        assert_eq!(err, "not a directory: f");
    }
}
