//! The unit tests of the mock-anthropic test double. The double is an example
//! (so `cargo install` never installs it), and examples' own tests do not
//! run by default: its code is compiled here once more, its `main` unused.
//! The glob import lets its `crate::` paths resolve as in the example.
#![allow(dead_code)]

#[path = "bin/mock_anthropic/main.rs"]
mod double;
use double::*;
