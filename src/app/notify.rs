//! Telling the host terminal that a session wants the user, so someone in
//! another window knows which session and why.

/// The desktop-notification escape the host terminal understands. Terminals
/// ignore OSC sequences they do not know, but several know more than one
/// (ghostty takes both 9 and 777), so exactly one is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyStyle {
    /// `OSC 9 ; text`: iTerm2, WezTerm, Windows Terminal, ConEmu, ghostty.
    Osc9,
    /// `OSC 777 ; notify ; title ; body`: urxvt, foot, ghostty.
    Osc777,
    /// `OSC 99 ; ; text`: kitty.
    Osc99,
}

impl NotifyStyle {
    /// Picks the escape from the host terminal's own environment, the way
    /// programs running directly in it decide.
    pub fn detect(term: Option<&str>, term_program: Option<&str>) -> Self {
        let term = term.unwrap_or_default();
        let program = term_program.unwrap_or_default().to_ascii_lowercase();
        if term.contains("kitty") {
            NotifyStyle::Osc99
        } else if term.starts_with("foot") || term.starts_with("rxvt") || program == "ghostty" {
            NotifyStyle::Osc777
        } else {
            NotifyStyle::Osc9
        }
    }

    /// A bell, then the notification. Control characters in the text are
    /// dropped so a session's words cannot end the sequence early.
    pub fn encode(self, title: &str, body: &str) -> Vec<u8> {
        let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>();
        let (title, body) = (clean(title), clean(body));
        let osc = match self {
            NotifyStyle::Osc9 => format!("\x1b]9;{title}: {body}\x07"),
            NotifyStyle::Osc777 => format!("\x1b]777;notify;{title};{body}\x07"),
            NotifyStyle::Osc99 => format!("\x1b]99;;{title}: {body}\x1b\\"),
        };
        let mut out = vec![0x07];
        out.extend_from_slice(osc.as_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_one_escape_per_terminal() {
        assert_eq!(
            NotifyStyle::detect(Some("xterm-kitty"), None),
            NotifyStyle::Osc99
        );
        assert_eq!(NotifyStyle::detect(Some("foot"), None), NotifyStyle::Osc777);
        assert_eq!(
            NotifyStyle::detect(Some("xterm-ghostty"), Some("ghostty")),
            NotifyStyle::Osc777
        );
        assert_eq!(
            NotifyStyle::detect(Some("xterm-256color"), Some("iTerm.app")),
            NotifyStyle::Osc9
        );
        assert_eq!(NotifyStyle::detect(None, None), NotifyStyle::Osc9);
    }

    #[test]
    fn encodes_a_bell_and_a_clean_notification() {
        assert_eq!(
            NotifyStyle::Osc9.encode("api", "needs permission for Bash"),
            b"\x07\x1b]9;api: needs permission for Bash\x07"
        );
        assert_eq!(
            NotifyStyle::Osc777.encode("api", "done\x07\x1b]"),
            b"\x07\x1b]777;notify;api;done]\x07"
        );
    }
}
