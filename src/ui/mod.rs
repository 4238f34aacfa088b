//! ccmux's own widgets: tab bar, status line, table, help, and the session screen.

pub mod theme;
