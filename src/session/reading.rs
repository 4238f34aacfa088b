//! Who reads a session's PTY. Its reader thread does, whether or not anyone
//! looks. But a key's echo then takes two wake-ups to reach a viewer: the
//! reader's, which parses it, then the owner's loop's, which draws it. So
//! while someone types into a session, the owner's loop may take the reading
//! over (`Session::take_reading`): the echo wakes the loop, which parses and
//! draws it at once, and the reader thread waits aside, costing nothing.
//! The owner gives the reading back when output comes faster than typing
//! does (a flood is the reader thread's to parse, never the loop's), when
//! nobody types into the session any more, and when the program has exited
//! (the waiter does: only the reader thread sees the PTY's end).
//!
//! Each read and the parse of what it read are one turn, under one lock, so
//! chunks are parsed in the order they were read, whoever reads them.

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

/// How the reader thread and an owner share the reading.
pub(super) struct Reading {
    /// Held around each read and the parse of what it read.
    turn: Mutex<()>,
    /// Whether the owner reads now, and the reader thread waits aside.
    by_owner: AtomicBool,
    /// Wakes the reader thread when the reading changes hands; without it
    /// (no eventfd to be had) the reader thread keeps the reading.
    wake: Option<OwnedFd>,
}

/// What a reader thread's turn found.
pub(super) enum Turn {
    /// It read and parsed this many bytes (0: the PTY's end).
    Read(io::Result<usize>),
    /// The owner reads: wait until it gives the reading back.
    Aside,
}

impl Reading {
    pub(super) fn new() -> Reading {
        // SAFETY: eventfd(2) returns a new fd or -1; the OwnedFd owns it.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        Reading {
            turn: Mutex::new(()),
            by_owner: AtomicBool::new(false),
            // SAFETY: fd is ours alone, just made.
            wake: (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) }),
        }
    }

    fn turn(&self) -> MutexGuard<'_, ()> {
        self.turn.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn by_owner(&self) -> bool {
        self.by_owner.load(Ordering::Acquire)
    }

    /// Hands the reading to the owner (`true`) or back to the reader thread,
    /// and wakes the thread to see it. Returns whether the owner reads now.
    pub(super) fn hand(&self, to_owner: bool) -> bool {
        let Some(wake) = &self.wake else {
            return false;
        };
        if self.by_owner.swap(to_owner, Ordering::AcqRel) != to_owner {
            let one: u64 = 1;
            // SAFETY: writes 8 bytes we own to our eventfd. Failing means the
            // counter is already huge: the thread is awake anyway.
            unsafe { libc::write(wake.as_raw_fd(), (&raw const one).cast(), 8) };
        }
        to_owner
    }

    /// The reader thread's turn: unless the owner reads, reads `pty` into
    /// `buf` and, if it got bytes, `parse`s them, all under the turn's lock.
    pub(super) fn thread_turn(
        &self,
        pty: &File,
        buf: &mut [u8],
        parse: impl FnOnce(&[u8]),
    ) -> Turn {
        let _turn = self.turn();
        if self.by_owner() {
            return Turn::Aside;
        }
        Turn::Read(read_and_parse(pty, buf, parse))
    }

    /// The owner's turn: reads `pty` (the owner's copy of the master) into
    /// `buf` and parses it, whoever reads now.
    pub(super) fn owner_turn(
        &self,
        pty: &File,
        buf: &mut [u8],
        parse: impl FnOnce(&[u8]),
    ) -> io::Result<usize> {
        let _turn = self.turn();
        read_and_parse(pty, buf, parse)
    }

    /// Blocks the reader thread until `pty` has output (or its end), or the
    /// reading changes hands. With `pty` None (the owner reads), only the
    /// latter.
    pub(super) fn wait(&self, pty: Option<&File>) {
        let mut fds = [
            libc::pollfd {
                fd: self.wake.as_ref().map_or(-1, AsRawFd::as_raw_fd),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: pty.map_or(-1, AsRawFd::as_raw_fd),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: two pollfds we own (a negative fd is ignored). A failure
        // (EINTR) only means the caller looks again.
        unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
        if fds[0].revents != 0 {
            let mut count = [0u8; 8];
            // SAFETY: reads the eventfd's counter into 8 bytes we own,
            // resetting it (non-blocking: at worst EAGAIN).
            unsafe { libc::read(fds[0].fd, count.as_mut_ptr().cast(), 8) };
        }
    }
}

/// One read of `pty` into `buf`, and the parse of what it got; the caller
/// holds the turn.
fn read_and_parse(pty: &File, buf: &mut [u8], parse: impl FnOnce(&[u8])) -> io::Result<usize> {
    let read = (&*pty).read(buf);
    if let Ok(n @ 1..) = read {
        parse(&buf[..n]);
    }
    read
}
