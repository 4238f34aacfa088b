//! ccmux's own widgets: tab bar, status line, table, help, prompt queues, and
//! the session screen.

pub mod canvas;
pub mod compose;
pub mod confirm;
pub mod copy_view;
pub mod help;
mod hints;
mod joined;
pub mod path;
pub mod popup;
pub mod prompt;
pub mod queue;
pub mod queue_keys;
pub mod row_cache;
pub mod screen_view;
pub mod status_style;
pub mod statusline;
pub mod switcher;
pub mod tabbar;
pub mod table;
pub mod table_keys;
pub(crate) mod text;
pub mod theme;

#[cfg(test)]
mod fixtures;
