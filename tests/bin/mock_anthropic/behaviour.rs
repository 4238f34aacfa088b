//! Choosing the answer from the request: its last user message, without the CLI's
//! system reminders, and whether it offers tools or carries a tool result.

use serde_json::Value;

/// What the last user message asks for.
#[derive(Debug, PartialEq)]
pub(crate) struct Turn {
    /// Its text blocks without system reminders.
    pub(crate) prompt: String,
    has_tool_result: bool,
    /// Whether the request offers tools at all: side calls do not.
    has_tools: bool,
}

impl Turn {
    pub(crate) fn from_request(request: &Value) -> Self {
        let has_tools = request["tools"].as_array().is_some_and(|t| !t.is_empty());
        let last_user = request["messages"]
            .as_array()
            .and_then(|messages| messages.iter().rev().find(|m| m["role"] == "user"));
        let content = last_user.map_or(&Value::Null, |m| &m["content"]);
        let (texts, has_tool_result): (Vec<&str>, bool) = match content {
            Value::String(text) => (vec![text], false),
            Value::Array(blocks) => (
                blocks
                    .iter()
                    .filter(|b| b["type"] == "text")
                    .filter_map(|b| b["text"].as_str())
                    .collect(),
                blocks.iter().any(|b| b["type"] == "tool_result"),
            ),
            _ => (Vec::new(), false),
        };
        let prompt = texts
            .iter()
            .map(|text| strip_system_reminders(text).trim().to_owned())
            .filter(|text| !text.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        Self {
            prompt,
            has_tool_result,
            has_tools,
        }
    }
}

/// Removes `<system-reminder>…</system-reminder>` blocks; an unclosed one runs to the end.
fn strip_system_reminders(text: &str) -> String {
    const OPEN: &str = "<system-reminder>";
    const CLOSE: &str = "</system-reminder>";
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        kept.push_str(&rest[..start]);
        let inside = &rest[start + OPEN.len()..];
        match inside.find(CLOSE) {
            Some(end) => rest = &inside[end + CLOSE.len()..],
            None => return kept,
        }
    }
    kept.push_str(rest);
    kept
}

/// Whether `word` appears as a whole word, ignoring ASCII case (like regex `\bword\b`).
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w.eq_ignore_ascii_case(word))
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Behaviour {
    Title,
    Tool,
    ToolDone,
    Slow,
    Answer,
}

impl Behaviour {
    pub(crate) fn choose(turn: &Turn) -> Self {
        if !turn.has_tools {
            Self::Title
        } else if turn.has_tool_result {
            Self::ToolDone
        } else if has_word(&turn.prompt, "tool") {
            Self::Tool
        } else if has_word(&turn.prompt, "slow") {
            Self::Slow
        } else {
            Self::Answer
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Tool => "tool",
            Self::ToolDone => "tool-done",
            Self::Slow => "slow",
            Self::Answer => "answer",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::user_says;
    use serde_json::json;

    fn turn(request: Value) -> Turn {
        Turn::from_request(&request)
    }

    #[test]
    fn system_reminders_are_stripped() {
        let text = "<system-reminder>use the tool</system-reminder>hello <system-reminder>\nslow\n</system-reminder>world";
        assert_eq!(strip_system_reminders(text), "hello world");
        assert_eq!(strip_system_reminders("a <system-reminder>tool"), "a ");
        assert_eq!(strip_system_reminders("plain"), "plain");
    }

    #[test]
    fn words_match_whole_and_case_insensitively() {
        assert!(has_word("please use the Tool.", "tool"));
        assert!(has_word("slow", "slow"));
        assert!(!has_word("tools toolbox tool_use", "tool"));
        assert!(!has_word("slowly", "slow"));
        assert!(!has_word("", "tool"));
    }

    #[test]
    fn keywords_choose_the_behaviour() {
        let choose = |request| Behaviour::choose(&turn(request));
        assert_eq!(choose(user_says("please use the tool")), Behaviour::Tool);
        assert_eq!(choose(user_says("be slow")), Behaviour::Slow);
        assert_eq!(choose(user_says("hello")), Behaviour::Answer);
        let reminder = "<system-reminder>tool slow</system-reminder>hello";
        assert_eq!(choose(user_says(reminder)), Behaviour::Answer);
    }

    #[test]
    fn a_request_without_tools_is_the_title_call() {
        let mut request = user_says("please use the tool");
        request["tools"] = json!([]);
        assert_eq!(Behaviour::choose(&turn(request.clone())), Behaviour::Title);
        request.as_object_mut().unwrap().remove("tools");
        assert_eq!(Behaviour::choose(&turn(request)), Behaviour::Title);
    }

    #[test]
    fn a_tool_result_gets_the_final_answer() {
        let request = json!({
            "tools": [{ "name": "Bash" }],
            "messages": [
                { "role": "user", "content": "please use the tool" },
                { "role": "assistant", "content": [{ "type": "tool_use", "id": "t", "name": "Bash", "input": {} }] },
                { "role": "user", "content": [
                    { "type": "tool_result", "tool_use_id": "t", "content": "" },
                    { "type": "text", "text": "<system-reminder>x</system-reminder>" },
                ] },
            ],
        });
        let turn = turn(request);
        assert_eq!(
            turn,
            Turn {
                prompt: String::new(),
                has_tool_result: true,
                has_tools: true
            }
        );
        assert_eq!(Behaviour::choose(&turn), Behaviour::ToolDone);
    }

    #[test]
    fn odd_requests_still_get_an_answer() {
        for request in [
            json!(null),
            json!([]),
            json!({ "messages": 3 }),
            json!({ "tools": [1], "messages": [{ "role": "user", "content": 5 }] }),
        ] {
            let turn = turn(request);
            assert_eq!(turn.prompt, "");
            assert!(!turn.has_tool_result);
        }
    }
}
