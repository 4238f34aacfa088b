//! Claude Code's transcript (a JSON line per message, at the path its hooks
//! name): the last thing Claude said, for `ccmux send --wait`.

use serde_json::Value;

/// The text of the last assistant message in `jsonl` that has any, its text
/// blocks joined by blank lines. Lines that are not JSON (a torn last line
/// being written) are skipped.
pub fn last_assistant_text(jsonl: &str) -> Option<String> {
    jsonl.lines().rev().find_map(|line| {
        let entry: Value = serde_json::from_str(line).ok()?;
        if entry.get("type")?.as_str()? != "assistant" {
            return None;
        }
        let text = match entry.get("message")?.get("content")? {
            Value::String(text) => text.clone(),
            Value::Array(blocks) => blocks
                .iter()
                .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                .filter_map(|b| b.get("text")?.as_str())
                .collect::<Vec<_>>()
                .join("\n\n"),
            _ => return None,
        };
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_assistant_text_wins_tool_calls_and_torn_lines_are_skipped() {
        let jsonl = [
            r#"{"type":"user","message":{"role":"user","content":"hi"}}"#,
            r#"{"type":"assistant","message":{"content":[{"type":"text","text":"first"}]}}"#,
            r#"{"type":"user","message":{"content":"again"}}"#,
            r#"{"type":"assistant","message":{"content":[{"type":"text","text":"Done:"},{"type":"tool_use","name":"Bash"},{"type":"text","text":"all good"}]}}"#,
            r#"{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Bash"}]}}"#,
            r#"{"type":"assist"#,
        ]
        .join("\n");
        assert_eq!(
            last_assistant_text(&jsonl).as_deref(),
            Some("Done:\n\nall good")
        );
        assert_eq!(
            last_assistant_text(r#"{"type":"assistant","message":{"content":"plain"}}"#).as_deref(),
            Some("plain")
        );
        assert_eq!(last_assistant_text("not json\n"), None);
    }
}
