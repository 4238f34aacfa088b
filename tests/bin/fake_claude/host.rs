//! What the app's effects act on: the terminal, the hooks, the transcript
//! and job control. The app decides; this carries its effects out, in order.

use std::io;
use std::time::{Duration, Instant};

use crate::app::{App, Effect, Flow};
use crate::hooks::{EndReason, Runner, Session};
use crate::signals::{self, SignalPipe};
use crate::transcript;
use crate::tty::{self, RawMode};

pub struct Host<'a> {
    pub runner: Runner,
    /// The conversation the hooks and the transcript are about.
    pub session: Session,
    /// `None` when stdin is not a terminal.
    pub raw: Option<&'a RawMode>,
    /// SIGCONT, to come back from a suspend; `None` if it could not be
    /// caught, and then a suspend does not wait.
    pub cont: Option<SignalPipe>,
}

impl Host<'_> {
    /// Write what the app drew, run the hooks it fired and so on, in order,
    /// until it has nothing more to do. Hooks run synchronously, as Claude
    /// runs them, and the app's timers are told how long they (and a
    /// suspend) took. A write that fails (the terminal is gone) does not stop
    /// the hooks: SessionEnd must still run. `Flow::Exit` when the terminal
    /// hung up while the fake was suspended.
    pub fn perform(&mut self, app: &mut App) -> io::Result<Flow> {
        let mut written = Ok(());
        let mut flow = Flow::Continue;
        loop {
            let effects = app.take_effects();
            if effects.is_empty() {
                break;
            }
            let mut stood_still = Duration::ZERO;
            for effect in effects {
                match effect {
                    Effect::Output(text) => {
                        if written.is_ok() {
                            written = tty::write_all(text.as_bytes());
                        }
                    }
                    Effect::Hook(event) => {
                        let started = Instant::now();
                        self.runner.run(&self.session, &event);
                        stood_still += started.elapsed();
                    }
                    Effect::Record(prompt) => {
                        let session = &self.session;
                        let path = &session.transcript_path;
                        if let Err(e) = transcript::record(path, &session.id, &session.cwd, &prompt)
                        {
                            let why = format!("TRANSCRIPT NOT WRITTEN: {}: {e}", path.display());
                            app.announce(&[why]);
                        }
                    }
                    Effect::Conversation(id) => {
                        self.session = Session::new(Some(id), self.session.cwd.clone());
                    }
                    Effect::Cooked => {
                        // A SIGCONT from before the suspend must not end it
                        // at once; one sent once the word is out must.
                        if let Some(cont) = &self.cont {
                            cont.drain();
                        }
                        if let Some(raw) = self.raw {
                            raw.cooked();
                        }
                    }
                    Effect::Stop => {
                        let started = Instant::now();
                        if self.stop()? {
                            app.resume();
                        } else {
                            flow = Flow::Exit(0);
                        }
                        stood_still += started.elapsed();
                    }
                }
            }
            app.shift_clock(stood_still);
        }
        written.map(|()| flow)
    }

    /// End the session (unless the user already did) and put the terminal
    /// modes back; the terminal may already be gone, which is fine.
    pub fn finish(&mut self, app: &mut App, code: i32) -> i32 {
        app.end(EndReason::Other);
        let _ = self.perform(app);
        let _ = tty::write_all(app.finish().as_bytes());
        code
    }

    /// Stop, and raw mode again once continued. `false` when the terminal
    /// hung up instead.
    fn stop(&self) -> io::Result<bool> {
        signals::stop_job();
        let continued = match &self.cont {
            Some(cont) => tty::wait_continue(cont)?,
            None => true,
        };
        if let (true, Some(raw)) = (continued, self.raw) {
            raw.raw();
        }
        Ok(continued)
    }
}
