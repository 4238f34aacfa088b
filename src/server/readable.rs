//! Waiting on many fds the loop reads itself (passed terminals, sessions
//! being typed into), without a task per fd: one `select!` branch waits for
//! the first that is readable, and the handler that follows reads it.

use std::fs::File;
use std::future::poll_fn;
use std::task::{Context, Poll, Waker};

use tokio::io::unix::{AsyncFd, AsyncFdReadyGuard};

/// Waits until one of `fds` is readable (or has an error, which the read
/// that follows finds), and returns its key: never, with none. Its
/// readiness stays set for that read (`seen`).
pub async fn first<'a, K: Copy + 'a>(
    fds: impl Iterator<Item = (K, &'a AsyncFd<File>)> + Clone,
) -> K {
    poll_fn(|cx| {
        for (key, fd) in fds.clone() {
            if let Poll::Ready(ready) = fd.poll_read_ready(cx) {
                if let Ok(mut guard) = ready {
                    guard.retain_ready();
                }
                return Poll::Ready(key);
            }
        }
        Poll::Pending
    })
    .await
}

/// The readiness `first` saw, to read with (its `try_io` clears it when a
/// read would block). None if there is none. The waker given here does
/// nothing: the loop polls every fd again, with its own, before it sleeps.
pub fn seen(fd: &AsyncFd<File>) -> Option<AsyncFdReadyGuard<'_, File>> {
    match fd.poll_read_ready(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(guard)) => Some(guard),
        _ => None,
    }
}
