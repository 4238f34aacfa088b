//! Helpers the unit tests of several modules share.

use std::io::BufRead;

use serde_json::{Value, json};

use crate::http::{Head, read_line};

/// A request whose last user message says `text`; an earlier one names both keywords,
/// so a match there would show the wrong message being read.
pub(crate) fn user_says(text: &str) -> Value {
    json!({
        "model": "claude-opus-4-8",
        "tools": [{ "name": "Bash" }],
        "messages": [
            { "role": "user", "content": "earlier tool slow" },
            { "role": "assistant", "content": "ok" },
            { "role": "user", "content": [{ "type": "text", "text": text }] },
        ],
    })
}

/// Reads a response's status line and header fields (kept in a `Head` to reuse its lookups).
pub(crate) fn read_response_head(reader: &mut impl BufRead) -> (String, Head) {
    let status = read_line(reader).unwrap().unwrap();
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader).unwrap().unwrap();
        let Some((name, value)) = line.split_once(':') else {
            break;
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let head = Head {
        method: String::new(),
        target: String::new(),
        version: String::new(),
        headers,
    };
    (status, head)
}
