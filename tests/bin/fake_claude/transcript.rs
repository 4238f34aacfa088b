//! The conversation's transcript, where Claude Code keeps it: one JSON object
//! a line in `~/.claude/projects/<cwd, every non-alphanumeric turned into
//! '-'>/<conversation id>.jsonl`. Claude writes much more (answers, tool
//! results, metadata); the fake writes the prompts, which is what `--resume`
//! needs to show the conversation again. Like Claude, it creates the file
//! with the first prompt: a conversation where nothing was said has none.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

pub fn path(id: &str, cwd: &Path) -> PathBuf {
    let home = std::env::var_os("HOME").map_or_else(std::env::temp_dir, PathBuf::from);
    path_under(&home, id, cwd)
}

fn path_under(home: &Path, id: &str, cwd: &Path) -> PathBuf {
    let project: String = cwd
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    home.join(".claude")
        .join("projects")
        .join(project)
        .join(format!("{id}.jsonl"))
}

/// Append a prompt the user submitted, shaped like Claude's own lines.
pub fn record(path: &Path, id: &str, cwd: &Path, prompt: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let line = json!({
        "type": "user",
        "message": {"role": "user", "content": prompt},
        "uuid": uuid::Uuid::new_v4().to_string(),
        "sessionId": id,
        "cwd": cwd,
    });
    // One write of a whole line, so a reader never sees half of one.
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(format!("{line}\n").as_bytes())
}

/// The prompts of a conversation, in order: what `--resume` shows again.
/// Lines that are not typed prompts (Claude's answers, its metadata, tool
/// results, anything unreadable) are skipped; a missing file is an error,
/// as Claude finds no conversation then.
pub fn prompts(path: &Path) -> io::Result<Vec<String>> {
    let text = fs::read(path)?;
    Ok(String::from_utf8_lossy(&text)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|entry| entry["type"] == "user" && entry["isMeta"] != true)
        .filter_map(|entry| entry["message"]["content"].as_str().map(str::to_owned))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_mangles_the_directory_under_home() {
        let path = path_under(Path::new("/home/u"), "0000-sid", Path::new("/work/proj.x"));
        assert_eq!(
            path,
            Path::new("/home/u/.claude/projects/-work-proj-x/0000-sid.jsonl")
        );
    }

    #[test]
    fn prompts_are_recorded_in_order_and_read_back() {
        let home = tempfile::tempdir().unwrap();
        let cwd = Path::new("/work/api");
        let path = path_under(home.path(), "c1", cwd);
        assert!(prompts(&path).is_err(), "no file before the first prompt");
        record(&path, "c1", cwd, "hello").unwrap();
        record(&path, "c1", cwd, "two\nlines").unwrap();
        assert_eq!(prompts(&path).unwrap(), ["hello", "two\nlines"]);

        let text = fs::read_to_string(&path).unwrap();
        let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first["type"], "user");
        assert_eq!(
            first["message"],
            json!({"role": "user", "content": "hello"})
        );
        assert_eq!(first["sessionId"], "c1");
        assert_eq!(first["cwd"], "/work/api");
    }

    #[test]
    fn only_typed_prompts_come_back_from_a_real_transcript() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let lines = [
            r#"{"type":"mode","mode":"normal","sessionId":"c"}"#,
            r#"{"type":"user","message":{"role":"user","content":"caveat"},"isMeta":true}"#,
            r#"{"type":"user","message":{"role":"user","content":"asked"}}"#,
            r#"{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"answer"}]}}"#,
            r#"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"x"}]}}"#,
            "not json at all",
            r#"{"type":"user","message":{"role":"user","content":"again"}"#,
            r#"{"type":"user","message":{"role":"user","content":"last"}}"#,
        ];
        let mut text = (lines.join("\n") + "\n").into_bytes();
        text.extend(b"\xff\xfe\n");
        fs::write(&path, text).unwrap();
        assert_eq!(prompts(&path).unwrap(), ["asked", "last"]);
    }
}
