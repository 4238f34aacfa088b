//! The keys of the terminals clients passed (`tty`), read by the loop
//! itself: a key wakes the loop and goes straight to the client's App, with
//! no task and no queue in between.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::OwnedFd;

use ratatui::crossterm::event::{Event, InputParser};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

use super::readable;
use crate::fdio;
use crate::hub::ClientId;

/// What one `read(2)` takes from the terminal: crossterm's own size, so a
/// full read means more is waiting (a lone ESC is then not yet a key).
const READ: usize = 1024;

/// One client's terminal, read for keys.
pub struct Keyboard {
    input: AsyncFd<File>,
    parser: InputParser,
}

impl fmt::Debug for Keyboard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keyboard")
    }
}

// Dropping a keyboard leaves the terminal's flags alone: they belong to
// the open file, which the writer may still be writing frames to, without
// blocking. The writer's `Tty` makes it blocking again when it lets go.
impl Keyboard {
    /// The terminal hung up: blocking again, as the shell after the client
    /// expects, and the client is gone.
    fn gone(&self) -> Typed {
        let _ = fdio::set_nonblocking(self.input.get_ref(), false);
        Typed::Gone
    }

    pub fn new(input: OwnedFd) -> io::Result<Keyboard> {
        fdio::set_nonblocking(&input, true)?;
        let input = File::from(input);
        // SAFETY: the File owns its fd, open until the AsyncFd drops it.
        let input = unsafe { AsyncFd::register_with_interest(input, Interest::READABLE) }?;
        Ok(Keyboard {
            input,
            parser: InputParser::default(),
        })
    }
}

/// What a terminal had.
pub enum Typed {
    Events(Vec<Event>),
    /// It hung up: the client cannot type here again.
    Gone,
}

/// Every attached client's keyboard.
pub struct Keyboards {
    keyboards: HashMap<ClientId, Keyboard>,
    buf: Vec<u8>,
}

impl Keyboards {
    pub fn new() -> Keyboards {
        Keyboards {
            keyboards: HashMap::new(),
            buf: vec![0; READ],
        }
    }

    pub fn insert(&mut self, id: ClientId, keyboard: Keyboard) {
        self.keyboards.insert(id, keyboard);
    }

    /// Stops reading client `id`'s terminal.
    pub fn remove(&mut self, id: ClientId) {
        self.keyboards.remove(&id);
    }

    /// Waits until a terminal has something: never, with none.
    pub async fn ready(&self) -> ClientId {
        readable::first(self.keyboards.iter().map(|(id, k)| (*id, &k.input))).await
    }

    /// Reads what client `id` typed.
    pub fn read(&mut self, id: ClientId) -> Typed {
        let Some(keyboard) = self.keyboards.get_mut(&id) else {
            return Typed::Events(Vec::new());
        };
        let Some(mut ready) = readable::seen(&keyboard.input) else {
            return Typed::Events(Vec::new());
        };
        let buf = &mut self.buf;
        let n = match ready.try_io(|input| input.get_ref().read(buf)) {
            Ok(Ok(0)) => return keyboard.gone(),
            Ok(Ok(n)) => {
                // A read short of the buffer took all there was; more comes
                // with a wake-up of its own. No read only to hear EAGAIN.
                if n < READ {
                    ready.clear_ready();
                }
                n
            }
            // EIO: the terminal hung up.
            Ok(Err(e)) if e.kind() != io::ErrorKind::Interrupted => return keyboard.gone(),
            // Nothing after all: a lone ESC waits for what may follow it.
            Ok(Err(_)) | Err(_) => return Typed::Events(Vec::new()),
        };
        keyboard.parser.advance(&buf[..n], n == READ);
        Typed::Events(keyboard.parser.by_ref().collect())
    }
}
