//! ccmux's own widgets: tab bar, status line, table, help, and the session screen.

pub mod screen_view;
pub mod theme;
