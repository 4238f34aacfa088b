//! The thin loop between the host terminal and the App: terminal modes in and
//! out, input read on its own thread, and frames paced to what changed.

use std::io::{self, Stdout, Write};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste,
    EnableFocusChange, EnableMouseCapture, KeyboardEnhancementFlags, PopKeyboardEnhancementFlags,
    PushKeyboardEnhancementFlags,
};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
    supports_keyboard_enhancement,
};
use ratatui::crossterm::{cursor, execute};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::app::{App, Event};
use crate::hooks::HookServer;
use crate::session::SessionId;

/// At most 60 frames a second; bursts of output in between are coalesced.
const FRAME: Duration = Duration::from_micros(16_667);
/// After a key, the next frame is drawn at once rather than at the next frame
/// slot: it is most likely the echo of what was typed, and typing must feel
/// instant. Bounded by typing speed, so floods still get the 60 fps cap.
const ECHO_WINDOW: Duration = Duration::from_millis(50);

/// The host terminal in the modes ccmux needs. Dropping it (or a panic, via
/// the hook `install_panic_hook` sets) puts every mode back.
pub struct HostTerminal {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl HostTerminal {
    pub fn enter() -> Result<Self> {
        enable_raw_mode().context("cannot put the terminal in raw mode")?;
        // Asked before the input thread starts reading, since the answer
        // arrives on the same input. Where the terminal has the kitty keyboard
        // protocol, Shift+Enter and friends become distinguishable.
        let enhanced = supports_keyboard_enhancement().unwrap_or(false);
        KEYBOARD_PUSHED.store(enhanced, std::sync::atomic::Ordering::Relaxed);
        let mut stdout = io::stdout();
        let entered = execute!(
            stdout,
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste,
            EnableFocusChange
        )
        .and_then(|_| {
            if enhanced {
                execute!(
                    stdout,
                    PushKeyboardEnhancementFlags(
                        KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES
                    )
                )
            } else {
                Ok(())
            }
        });
        if let Err(e) = entered {
            restore();
            return Err(e).context("cannot set up the terminal");
        }
        let terminal = match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(t) => t,
            Err(e) => {
                restore();
                return Err(e).context("cannot set up the terminal");
            }
        };
        Ok(Self { terminal })
    }

    pub fn size(&self) -> (u16, u16) {
        self.terminal
            .size()
            .map(|s| (s.width, s.height))
            .unwrap_or((80, 24))
    }
}

impl Drop for HostTerminal {
    fn drop(&mut self) {
        restore();
    }
}

static KEYBOARD_PUSHED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Pops every mode ccmux pushed. Safe to call more than once.
pub fn restore() {
    let mut stdout = io::stdout();
    if KEYBOARD_PUSHED.swap(false, std::sync::atomic::Ordering::Relaxed) {
        let _ = execute!(stdout, PopKeyboardEnhancementFlags);
    }
    let _ = execute!(
        stdout,
        DisableFocusChange,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Restores the terminal before the panic message is printed, so the message
/// is readable and the shell is usable afterwards.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if crate::session::panicking_in_vt100() {
            // Caught and recovered from where it happened; the UI goes on.
            return;
        }
        restore();
        previous(info);
    }));
}

/// Runs the App until it quits. Returns the App so the caller can stop its
/// sessions after the terminal is restored.
pub fn run(
    host: &mut HostTerminal,
    mut app: App,
    mut sessions: UnboundedReceiver<SessionId>,
    hooks: Option<HookServer>,
) -> Result<App> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the event loop")?;
    let mut input = spawn_input_reader()?;
    runtime.block_on(async {
        let (hook_tx, mut hook_rx) = unbounded_channel();
        if let Some(server) = hooks {
            // Ends (and removes the socket) when the runtime goes.
            tokio::spawn(server.serve(hook_tx));
        }
        let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        // Orphans of the sessions' process trees come to us (the registry
        // makes this process their subreaper): reap them as they exit.
        let mut child_exited =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::child())?;
        let mut last_frame: Option<Instant> = None;
        let mut echo_until: Option<Instant> = None;
        loop {
            let now = Instant::now();
            let frame_due = match echo_until {
                Some(until) if now <= until => now,
                _ => last_frame.map_or(now, |t| t + FRAME),
            };
            if app.needs_draw() && app.frame_ready(now) && now >= frame_due {
                host.terminal.draw(|f| app.draw(f, now))?;
                last_frame = Some(now);
                echo_until = None;
            }
            // Bells, notifications, clipboard: between frames, never inside one.
            let out = app.take_host_output();
            if !out.is_empty() {
                let backend = host.terminal.backend_mut();
                backend.write_all(&out)?;
                backend.flush()?;
            }
            if app.should_quit() {
                return Ok::<(), anyhow::Error>(());
            }
            let mut deadline = app.next_deadline();
            if app.needs_draw() && app.frame_ready(now) {
                deadline = Some(deadline.map_or(frame_due, |d| d.min(frame_due)));
            }
            tokio::select! {
                // Keys first: typing must stay quick while sessions flood.
                biased;
                ev = input.recv() => match ev {
                    Some(ev) => {
                        if let Some(ev) = convert(ev) {
                            let now = Instant::now();
                            if matches!(ev, Event::Key(_) | Event::Paste(_)) {
                                echo_until = Some(now + ECHO_WINDOW);
                            }
                            app.handle(ev, now);
                        }
                    }
                    // The terminal is gone: nothing left to show anything on.
                    None => return Ok(()),
                },
                Some(msg) = hook_rx.recv() => app.handle(
                    Event::Hook { session: msg.session, payload: msg.payload },
                    Instant::now(),
                ),
                Some(id) = sessions.recv() => app.handle(Event::Session(id), Instant::now()),
                _ = sleep_until(deadline), if deadline.is_some() => {
                    app.handle(Event::Deadline, Instant::now());
                }
                _ = child_exited.recv() => {
                    crate::session::reap_orphans();
                }
                _ = hangup.recv() => return Ok(()),
                _ = terminate.recv() => return Ok(()),
            }
        }
    })?;
    Ok(app)
}

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(d) = deadline {
        tokio::time::sleep_until(d.into()).await;
    }
}

/// crossterm's read blocks, so it gets a thread; it blocks in read(2) with no
/// timeout, so an idle terminal costs nothing.
fn spawn_input_reader() -> Result<UnboundedReceiver<event::Event>> {
    let (tx, rx) = unbounded_channel();
    std::thread::Builder::new()
        .name("ccmux-input".into())
        .spawn(move || {
            while let Ok(ev) = event::read() {
                if tx.send(ev).is_err() {
                    break;
                }
            }
        })
        .context("cannot start the input thread")?;
    Ok(rx)
}

fn convert(ev: event::Event) -> Option<Event> {
    match ev {
        event::Event::Key(k) => Some(Event::Key(k)),
        event::Event::Paste(p) => Some(Event::Paste(p)),
        event::Event::Mouse(m) => Some(Event::Mouse(m)),
        event::Event::Resize(cols, rows) => Some(Event::Resize(cols, rows)),
        event::Event::FocusGained => Some(Event::HostFocus(true)),
        event::Event::FocusLost => Some(Event::HostFocus(false)),
    }
}
