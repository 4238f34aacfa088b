//! The client's terminal: the modes ccmux needs while attached, and putting
//! them back on every way out (detach, error, panic, a fatal signal).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste,
    EnableFocusChange, EnableMouseCapture, KeyboardEnhancementFlags, PopKeyboardEnhancementFlags,
    PushKeyboardEnhancementFlags,
};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
    supports_keyboard_enhancement,
};
use ratatui::crossterm::{cursor, execute};

/// Whether the modes are on, so restoring twice (a signal during a normal
/// exit) does nothing the second time.
static ENTERED: AtomicBool = AtomicBool::new(false);
static KEYBOARD_PUSHED: AtomicBool = AtomicBool::new(false);

/// The terminal in the modes ccmux needs. Dropping it (or a panic, via the
/// hook `install_panic_hook` sets) puts every mode back.
pub struct HostTerminal(());

impl HostTerminal {
    pub fn enter() -> Result<Self> {
        enable_raw_mode().context("cannot put the terminal in raw mode")?;
        ENTERED.store(true, Ordering::SeqCst);
        // Asked before the terminal is passed to the server, since the answer
        // arrives on the same input. Where the terminal has the kitty keyboard
        // protocol, Shift+Enter and friends become distinguishable.
        let enhanced = supports_keyboard_enhancement().unwrap_or(false);
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
                KEYBOARD_PUSHED.store(true, Ordering::SeqCst);
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
        Ok(Self(()))
    }
}

impl Drop for HostTerminal {
    fn drop(&mut self) {
        restore();
    }
}

/// Pops every mode ccmux pushed. Safe to call more than once, and from any
/// exit path; errors are ignored (the terminal may be gone).
pub fn restore() {
    if !ENTERED.swap(false, Ordering::SeqCst) {
        return;
    }
    // The server made the terminal non-blocking while it held it; a write
    // that would block must wait, not fail half-way through the restore.
    let _ = crate::fdio::set_nonblocking(&io::stdin(), false);
    let _ = crate::fdio::set_nonblocking(&io::stdout(), false);
    let mut stdout = io::stdout();
    if KEYBOARD_PUSHED.swap(false, Ordering::SeqCst) {
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
    let _ = stdout.flush();
    let _ = disable_raw_mode();
}

/// Restores the terminal before the panic message is printed, so the message
/// is readable and the shell is usable afterwards.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
