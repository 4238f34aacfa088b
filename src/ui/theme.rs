use ratatui::style::Color;

/// The colours of ccmux's own chrome (never of a session's screen). Config's
/// `[colors]` table overrides any of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Focused tab, selected row, key hints.
    pub accent: Color,
    /// Text of the tab bar, status line and table frame.
    pub chrome_fg: Color,
    pub chrome_bg: Color,
    /// Secondary text: ages, hints, unfocused tabs.
    pub dim: Color,
    /// A session that wants the user (bell, notification, waiting).
    pub attention: Color,
    pub idle: Color,
    pub busy: Color,
    pub waiting: Color,
    pub exited: Color,
    pub failed: Color,
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            accent: Color::Cyan,
            chrome_fg: Color::White,
            chrome_bg: Color::Reset,
            dim: Color::DarkGray,
            attention: Color::Yellow,
            idle: Color::Green,
            busy: Color::Blue,
            waiting: Color::Magenta,
            exited: Color::DarkGray,
            failed: Color::Red,
        }
    }
}
