//! Copy mode, apart from any terminal: a viewer's place in a session's
//! history, moving through it with tmux's vi keys, searching it and
//! selecting from it. The App feeds it keys and mouse events and draws what
//! it says; everything here reads the shared screen and never changes it.

mod history;
mod keys;
mod mode;
mod motion;
mod search;
mod select;

pub use history::{History, Pos};
pub use keys::{CopyKey, help};
pub use mode::{CopyMode, Marks, Outcome};
pub use search::{Direction, Match, Query, Searcher};
pub use select::Span;
