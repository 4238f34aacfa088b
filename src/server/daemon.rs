//! Becoming a server: the lock that makes one server per name, the socket,
//! and detaching from the terminal that started it.
//!
//! All of it happens before any thread exists, so the fork that detaches is
//! safe, and whoever started the server knows once it has exited that the
//! socket accepts connections (or has its error on stderr).

use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::hooks::clear_stale;

/// A bound server socket, removed when dropped, and the lock that says this
/// process serves that name.
pub struct Listening {
    pub listener: UnixListener,
    pub path: PathBuf,
    _lock: File,
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Why a server could not start: another one serves the name (the caller
/// just connects to it), or something the user must hear of.
pub enum Refusal {
    Running,
    Failed(anyhow::Error),
}

/// Takes the name's lock and binds its socket at `path` (mode 0600). A
/// socket left by a server that died is replaced; a live one is never
/// touched.
pub fn listen(path: &Path) -> Result<Listening, Refusal> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&lock_path)
        .with_context(|| format!("cannot open {}", Path::new(&lock_path).display()))
        .map_err(Refusal::Failed)?;
    // SAFETY: flock only acts on the descriptor we own.
    if unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        return match std::io::Error::last_os_error().kind() {
            ErrorKind::WouldBlock => Err(Refusal::Running),
            _ => Err(Refusal::Failed(anyhow::anyhow!(
                "cannot lock {}",
                Path::new(&lock_path).display()
            ))),
        };
    }
    let bound = (|| -> Result<UnixListener> {
        clear_stale(path)?;
        let listener = UnixListener::bind(path)
            .with_context(|| format!("cannot listen on {}", path.display()))?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot make {} private", path.display()))?;
        Ok(listener)
    })();
    match bound {
        Ok(listener) => Ok(Listening {
            listener,
            path: path.to_path_buf(),
            _lock: lock,
        }),
        Err(e) => Err(Refusal::Failed(e)),
    }
}

/// Detaches from the terminal: forks (the parent exits 0 at once, telling
/// whoever waits that the socket is ready), starts a new session so no
/// terminal's hangup reaches us, and puts stdio on /dev/null.
///
/// Must be called before any thread is started.
pub fn detach() -> Result<()> {
    // SAFETY: no other thread exists yet (the caller's contract), so the
    // child is a faithful copy; the parent only exits.
    match unsafe { libc::fork() } {
        -1 => bail!("cannot fork: {}", std::io::Error::last_os_error()),
        0 => {}
        _ => std::process::exit(0),
    }
    // SAFETY: setsid has no memory effects; we are not a group leader.
    unsafe { libc::setsid() };
    // Hold no directory busy (an unmountable disk); sessions have their own.
    let _ = std::env::set_current_dir("/");
    let null = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
        .context("cannot open /dev/null")?;
    for fd in 0..3 {
        // SAFETY: dup2 onto the standard descriptors, which we own.
        unsafe { libc::dup2(null.as_raw_fd(), fd) };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_server_per_name_and_stale_sockets_are_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("default");
        // What a killed server leaves: the socket file, nobody listening.
        drop(UnixListener::bind(&path).unwrap());
        let first = listen(&path).ok().expect("stale socket replaced");
        assert!(matches!(listen(&path), Err(Refusal::Running)));
        drop(first);
        assert!(!path.exists(), "the socket goes with its server");
        assert!(listen(&path).is_ok());
    }

    #[test]
    fn a_live_socket_without_the_lock_is_never_taken() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("x");
        let _other = UnixListener::bind(&path).unwrap();
        match listen(&path) {
            Err(Refusal::Failed(e)) => assert!(e.to_string().contains("listens"), "{e:#}"),
            _ => panic!("took over a live socket"),
        }
    }
}
