//! `ccmux hook`: what Claude runs for every hook event.
//!
//! Claude waits for it on every tool call, shows whatever it prints, and
//! treats some exit codes as answers, so it stays std-only (no runtime to
//! start), never prints, always exits 0, and gives up within about a second
//! whatever the instance at the other end is doing.

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::{MAX_PAYLOAD, SESSION_ENV, SOCKET_ENV, frame};
use crate::session::SessionId;

/// The longest `ccmux hook` may run, stdin included: past it the process
/// exits, event or not.
const DEADLINE: Duration = Duration::from_secs(1);

/// The longest sending may take once connected.
const SEND_BUDGET: Duration = Duration::from_millis(500);

pub fn run_hook() -> ExitCode {
    start_watchdog();
    // Whatever went wrong, Claude must not hear of it: the event is lost and
    // the instance falls back on the screen for this session's status.
    let _ = forward();
    ExitCode::SUCCESS
}

/// Ends the process at the deadline even if stdin never closes or a write
/// is stuck: Claude's own timeout is far longer and would stall the session.
fn start_watchdog() {
    let _ = std::thread::Builder::new()
        .name("ccmux-hook-deadline".into())
        .spawn(|| {
            std::thread::sleep(DEADLINE);
            std::process::exit(0);
        });
}

fn forward() -> Option<()> {
    let socket = std::env::var_os(SOCKET_ENV)?;
    let session = std::env::var(SESSION_ENV).ok()?;
    let session = SessionId(uuid::Uuid::parse_str(&session).ok()?);
    let payload = read_capped(io::stdin().lock(), MAX_PAYLOAD)?;
    send(Path::new(&socket), &session, &payload).ok()
}

/// All of `input`, or `None` if it is longer than `cap` or cannot be read.
fn read_capped(input: impl Read, cap: usize) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    input.take(cap as u64 + 1).read_to_end(&mut buf).ok()?;
    (buf.len() <= cap).then_some(buf)
}

/// Sends one event to the instance listening on `socket`, giving up after
/// about half a second of not being read.
pub fn send(socket: &Path, session: &SessionId, payload: &[u8]) -> io::Result<()> {
    let mut stream = UnixStream::connect(socket)?;
    let deadline = Instant::now() + SEND_BUDGET;
    let mut rest = &frame::encode(session, payload)[..];
    while !rest.is_empty() {
        // The timeout bounds each write; shrinking it bounds them all.
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left))?;
        match stream.write(rest) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => rest = &rest[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    stream.shutdown(std::net::Shutdown::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_cap() {
        assert_eq!(read_capped(&b"abc"[..], 3), Some(b"abc".to_vec()));
        assert_eq!(read_capped(&b""[..], 3), Some(Vec::new()));
        assert_eq!(read_capped(&b"abcd"[..], 3), None);
    }

    #[test]
    fn send_fails_without_a_listener() {
        let tmp = tempfile::tempdir().unwrap();
        let err = send(&tmp.path().join("none.sock"), &SessionId::new(), b"{}").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    /// A listener that never reads must not hold the sender past its budget.
    #[test]
    fn send_gives_up_on_a_listener_that_does_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("stuck.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let err = send(&path, &SessionId::new(), &vec![b'x'; MAX_PAYLOAD]).unwrap_err();
        assert!(
            matches!(
                err.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            ),
            "{err}"
        );
    }
}
