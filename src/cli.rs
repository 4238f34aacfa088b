//! The command line.

use std::path::{Path, PathBuf};

use clap::Parser;

/// A terminal multiplexer for Claude Code: one persistent session per
/// directory, shown as tabs.
#[derive(Debug, Parser)]
#[command(name = "ccmux", version, about)]
pub struct Cli {
    /// Directories to start a session in, in tab order (default: the current
    /// directory). The first is focused.
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,

    /// The program every session runs (default: `command` from the config,
    /// which defaults to `claude`).
    #[arg(long, value_name = "PROGRAM")]
    pub cmd: Option<String>,

    /// The config file to use instead of the default one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print the default config, with a comment on every key, and exit.
    #[arg(long)]
    pub print_config: bool,

    /// Arguments for the program, replacing `args` from the config.
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
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
