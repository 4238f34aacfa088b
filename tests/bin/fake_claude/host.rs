//! What the app's effects act on: the terminal, the hooks, the transcript
//! and job control. The app decides; this carries its effects out, in order.

use std::io;
use std::time::{Duration, Instant};

use crate::app::{App, Effect};
use crate::hooks::{EndReason, Runner, Session};
use crate::transcript;
use crate::tty;

pub struct Host {
    pub runner: Runner,
    /// The conversation the hooks and the transcript are about.
    pub session: Session,
}

impl Host {
    /// Write what the app drew, run the hooks it fired and so on, in order,
    /// until it has nothing more to do. Hooks run synchronously, as Claude
    /// runs them, and the app's timers are told how long they took. A write
    /// that fails (the terminal is gone) does not stop the hooks: SessionEnd
    /// must still run.
    pub fn perform(&mut self, app: &mut App) -> io::Result<()> {
        let mut written = Ok(());
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
                }
            }
            app.shift_clock(stood_still);
        }
        written
    }

    /// End the session (unless the user already did) and put the terminal
    /// modes back; the terminal may already be gone, which is fine.
    pub fn finish(&mut self, app: &mut App, code: i32) -> i32 {
        app.end(EndReason::Other);
        let _ = self.perform(app);
        let _ = tty::write_all(app.finish().as_bytes());
        code
    }
}
