//! What Claude wrote down of a conversation, as much as bringing it back
//! needs: `--resume` finds a conversation only by a message in its
//! transcript, and `--session-id` refuses an id whose transcript exists.
//! A /clear interrupted while Claude writes it leaves a transcript with no
//! message (only its `mode` and `last-prompt` lines): neither works, so
//! such a conversation is started anew under a new id.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::Deserialize;

/// How much of a transcript is read looking for its first message. Claude
/// writes one in the first lines of a conversation; a transcript longer
/// than this without one is taken to hold one (resuming is then Claude's
/// to refuse, and the session says why).
const SCAN_LIMIT: u64 = 4 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// No transcript: Claude never wrote the conversation down.
    Missing,
    /// A transcript with no message in it: not resumable, its id taken.
    Empty,
    /// A conversation `--resume` brings back.
    Messages,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// What the transcript at `path` holds.
pub fn record(path: &Path) -> Record {
    let Ok(file) = std::fs::File::open(path) else {
        return if path.exists() {
            // There, but not ours to read: let Claude judge it.
            Record::Messages
        } else {
            Record::Missing
        };
    };
    let mut reader = BufReader::new(file.take(SCAN_LIMIT));
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(_) => return Record::Messages,
        }
        let message = serde_json::from_slice::<Entry>(&line)
            .is_ok_and(|e| matches!(e.kind.as_deref(), Some("user" | "assistant")));
        if message {
            return Record::Messages;
        }
    }
    if reader.into_inner().limit() == 0 {
        return Record::Messages;
    }
    Record::Empty
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(lines: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        std::fs::write(&path, lines).unwrap();
        (dir, path)
    }

    #[test]
    fn a_message_makes_a_conversation() {
        let (_d, path) = write(concat!(
            r#"{"type":"mode","mode":"default"}"#,
            "\n",
            r#"{"type":"user","message":{"role":"user","content":"<command-name>/clear</command-name>"}}"#,
            "\n"
        ));
        assert_eq!(record(&path), Record::Messages);
    }

    #[test]
    fn an_interrupted_clear_leaves_none() {
        let (_d, path) = write(concat!(
            r#"{"type":"mode","mode":"default"}"#,
            "\n",
            r#"{"type":"last-prompt","lastPrompt":"/clear"}"#,
            "\n",
            "not json\n"
        ));
        assert_eq!(record(&path), Record::Empty);
        let (_d, empty) = write("");
        assert_eq!(record(&empty), Record::Empty);
    }

    #[test]
    fn no_file_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(record(&dir.path().join("none.jsonl")), Record::Missing);
    }

    #[test]
    fn a_long_transcript_is_not_read_to_its_end() {
        let line = "{\"type\":\"file-history-snapshot\"}\n";
        let many = line.repeat(usize::try_from(SCAN_LIMIT).unwrap() / line.len() + 1);
        let (_d, path) = write(&many);
        assert_eq!(record(&path), Record::Messages);
    }
}
