//! Where ccmux keeps its sockets, state and logs, and how servers are named.
//!
//! Like tmux's `-L`, a server has a name (`default` unless `-L NAME` or
//! `CCMUX_SERVER` says otherwise), and its socket is `<socket dir>/NAME`:
//! separate fleets, and isolated servers for tests.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::hooks::{euid, private_dir};

/// Picks the server when `-L` is not given.
pub const SERVER_ENV: &str = "CCMUX_SERVER";
/// Set in every session to its server's socket, as tmux sets TMUX: a client
/// started there knows it would draw itself inside itself.
pub const NEST_ENV: &str = "CCMUX";
pub const DEFAULT_SERVER: &str = "default";

/// The server's name: `-L NAME`, else `$CCMUX_SERVER`, else `default`. A
/// name is a file name: no `/`, not empty, not hidden.
pub fn server_name(flag: Option<&str>) -> Result<String> {
    let env = std::env::var(SERVER_ENV).ok().filter(|v| !v.is_empty());
    let name = flag
        .map(str::to_string)
        .or(env)
        .unwrap_or_else(|| DEFAULT_SERVER.to_string());
    if name.is_empty() || name.contains('/') || name.starts_with('.') || name.contains('\0') {
        bail!("{name:?} cannot name a server: use letters, digits, - and _");
    }
    Ok(name)
}

/// The directory server sockets live in, and a warning for the user when
/// the usual one could not be used.
pub struct SocketDir {
    pub path: PathBuf,
    pub warning: Option<String>,
}

/// `$XDG_RUNTIME_DIR/ccmux`, else `/tmp/ccmux-<uid>`: made private (0700)
/// if new. If it is not a directory of this user's that only this user can
/// enter (another user may have made it first), it is never used: the
/// socket goes to `<state dir>/run` instead, and the warning says why.
pub fn socket_dir() -> Result<SocketDir> {
    let usual = runtime_dir();
    let trouble = match private_dir(&usual) {
        Ok(()) => {
            return Ok(SocketDir {
                path: usual,
                warning: None,
            });
        }
        Err(e) => e,
    };
    let Some(fallback) = state_dir().map(|d| d.join("run")) else {
        return Err(trouble.context("and there is no home directory to fall back on"));
    };
    if let Some(parent) = fallback.parent() {
        std::fs::create_dir_all(parent)?;
    }
    private_dir(&fallback)?;
    Ok(SocketDir {
        warning: Some(format!(
            "{trouble:#}: sockets are in {} instead",
            fallback.display()
        )),
        path: fallback,
    })
}

fn runtime_dir() -> PathBuf {
    // The XDG spec says a relative XDG_RUNTIME_DIR is to be ignored.
    match std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir.join("ccmux"),
        _ => PathBuf::from(format!("/tmp/ccmux-{}", euid())),
    }
}

/// `$XDG_STATE_HOME/ccmux` (`~/.local/state/ccmux`): logs and the sessions
/// a server keeps.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "ccmux")?;
    Some(
        dirs.state_dir()
            .map_or_else(|| dirs.data_local_dir().to_path_buf(), Path::to_path_buf),
    )
}

/// The server's socket in `dir`.
pub fn socket_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_file_names() {
        assert_eq!(server_name(Some("work")).unwrap(), "work");
        for bad in ["", "a/b", ".hidden", "..", "a\0b"] {
            assert!(server_name(Some(bad)).is_err(), "{bad:?}");
        }
    }
}
