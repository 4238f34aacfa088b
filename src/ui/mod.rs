//! ccmux's own widgets: tab bar, status line, table, help, and the session screen.

pub mod confirm;
pub mod copy_view;
pub mod help;
mod hints;
mod joined;
pub mod path;
pub mod popup;
pub mod prompt;
pub mod row_cache;
pub mod screen_view;
pub mod status_style;
pub mod statusline;
pub mod switcher;
pub mod tabbar;
pub mod table;
pub mod table_keys;
mod text;
pub mod theme;

#[cfg(test)]
mod fixtures;
