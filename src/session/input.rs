//! The way into a session's PTY. A writer thread owns the slow path: a
//! program that stops reading its input blocks only that thread. But most
//! writes are a key the kernel takes at once, and a hop through the writer
//! thread is a wake-up on every key's way to its echo. So the owner writes
//! a key straight in, without blocking, whenever nothing is waiting for the
//! writer (order is kept); what the kernel does not take goes to the writer.
//!
//! Non-blocking is a flag of the open file, which every copy of the
//! master's fd shares (there is no other way to open a PTY's master), so
//! the reader and writer threads wait in poll(2) instead of in read(2) and
//! write(2) (`crate::fdio`).

use std::fs::File;
use std::io;
use std::sync::mpsc::Sender;
use std::sync::{Mutex, MutexGuard};

use crate::fdio;

/// What the writer thread is given.
pub(super) enum Input {
    /// Keys, pastes: whatever the user sends.
    Keys(Vec<u8>),
    /// Answers to the program's queries, counted in `replies_queued`.
    Reply(Vec<u8>),
    /// The program has exited: close the PTY.
    Close,
}

/// Who may write next: the owner directly, or only the writer thread.
#[derive(Default)]
pub(super) struct Gate(Mutex<GateState>);

#[derive(Default)]
struct GateState {
    /// A copy of the master's fd for direct writes; gone once the program
    /// has exited (so the PTY is not held open).
    direct: Option<File>,
    /// Writes sent to the writer thread and not yet done.
    queued: usize,
}

impl Gate {
    fn state(&self) -> MutexGuard<'_, GateState> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes `writer` (the writer thread's copy of the master) non-blocking,
    /// and keeps a copy of it for direct writes. The flag belongs to the
    /// open file, so the writer thread waits in poll(2) instead (`write_all`).
    pub(super) fn open(&self, writer: &File) -> io::Result<()> {
        fdio::set_nonblocking(writer, true)?;
        self.state().direct = Some(writer.try_clone()?);
        Ok(())
    }

    /// Writes `bytes` now, as far as the kernel takes them without
    /// blocking, if nothing waits for the writer; the rest goes to it.
    pub(super) fn keys(&self, writer: &Sender<Input>, bytes: &[u8]) {
        let mut state = self.state();
        let mut rest = bytes;
        if state.queued == 0
            && let Some(file) = &state.direct
        {
            rest = fdio::write_now(file, rest);
        }
        if !rest.is_empty() && writer.send(Input::Keys(rest.to_vec())).is_ok() {
            state.queued += 1;
        }
    }

    /// Sends a reply to the writer, after anything already waiting.
    pub(super) fn reply(&self, writer: &Sender<Input>, bytes: Vec<u8>) {
        let mut state = self.state();
        if writer.send(Input::Reply(bytes)).is_ok() {
            state.queued += 1;
        }
    }

    /// The writer thread finished one write.
    pub(super) fn done(&self) {
        let mut state = self.state();
        state.queued = state.queued.saturating_sub(1);
    }

    /// The program has exited: no more direct writes, and the copy closed.
    pub(super) fn close(&self) {
        drop(self.state().direct.take());
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    use std::sync::mpsc::{Receiver, channel};

    use super::*;

    /// A gate writing into a pipe, the writer thread's channel, and the
    /// pipe's read end.
    fn gate() -> (Gate, Sender<Input>, Receiver<Input>, File) {
        let mut fds = [0; 2];
        // SAFETY: pipe(2) fills the two fds, which the Files then own.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let (read, write) = unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) };
        let gate = Gate::default();
        gate.open(&write).unwrap();
        let (tx, rx) = channel();
        (gate, tx, rx, read)
    }

    fn keys(rx: &Receiver<Input>) -> Vec<Vec<u8>> {
        rx.try_iter()
            .map(|i| match i {
                Input::Keys(b) => b,
                Input::Reply(b) => [b"reply:".as_slice(), &b].concat(),
                Input::Close => b"close".to_vec(),
            })
            .collect()
    }

    #[test]
    fn a_key_goes_straight_in_when_nothing_waits() {
        let (gate, tx, rx, mut read) = gate();
        gate.keys(&tx, b"a");
        let mut got = [0u8; 1];
        read.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"a");
        assert!(keys(&rx).is_empty());
    }

    #[test]
    fn a_key_waits_behind_what_the_writer_has() {
        let (gate, tx, rx, _read) = gate();
        gate.reply(&tx, b"1".to_vec());
        gate.keys(&tx, b"k");
        assert_eq!(keys(&rx), [b"reply:1".to_vec(), b"k".to_vec()]);
        gate.done();
        gate.done();
        gate.keys(&tx, b"x");
        assert!(keys(&rx).is_empty(), "direct again once the writer is done");
    }

    #[test]
    fn what_a_full_pty_does_not_take_goes_to_the_writer_without_blocking() {
        let (gate, tx, rx, _read) = gate();
        let big = vec![b'x'; 1 << 20];
        gate.keys(&tx, &big);
        let rest = keys(&rx);
        assert_eq!(rest.len(), 1);
        assert!(!rest[0].is_empty() && rest[0].len() < big.len());
        gate.keys(&tx, b"after");
        assert_eq!(keys(&rx), [b"after".to_vec()], "kept in order");
    }

    #[test]
    fn closed_it_writes_nothing_directly() {
        let (gate, tx, rx, _read) = gate();
        gate.close();
        gate.keys(&tx, b"a");
        assert_eq!(keys(&rx), [b"a".to_vec()]);
    }
}
