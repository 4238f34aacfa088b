//! Keys: what the user's keys mean to ccmux (bindings, from `[keys]` in the
//! config) and how the rest are encoded for the focused session.

mod control;
pub mod encode;
mod keymap;
mod spec;

pub use encode::{InputModes, encode_key, encode_mouse, encode_paste};
pub use keymap::{BindingError, KeyLookup, Keymap, KeysConfig};
