//! Choosing the answer from the request: its last user message, without what the CLI
//! adds to it (system reminders, local command output), and whether it offers tools or
//! carries a tool result.

use serde_json::Value;

/// What the last user message asks for.
#[derive(Debug, PartialEq)]
pub(crate) struct Turn {
    /// Its text blocks without what the CLI adds (`CLI_BLOCKS`).
    pub(crate) prompt: String,
    /// The same of each earlier user message that has any, oldest first: the
    /// conversation the CLI sent, so a test can tell which one it resumed.
    pub(crate) earlier: Vec<String>,
    has_tool_result: bool,
    /// Whether the request offers tools at all: side calls do not.
    has_tools: bool,
}

impl Turn {
    pub(crate) fn from_request(request: &Value) -> Self {
        let has_tools = request["tools"].as_array().is_some_and(|t| !t.is_empty());
        let users: Vec<&Value> = request["messages"]
            .as_array()
            .map(|messages| messages.iter().filter(|m| m["role"] == "user").collect())
            .unwrap_or_default();
        let (last, earlier) = match users.split_last() {
            Some((last, earlier)) => (&last["content"], earlier),
            None => (&Value::Null, &[][..]),
        };
        let (prompt, has_tool_result) = text_of(last);
        Self {
            prompt,
            earlier: earlier
                .iter()
                .map(|m| text_of(&m["content"]).0)
                .filter(|text| !text.is_empty())
                .collect(),
            has_tool_result,
            has_tools,
        }
    }
}

/// A user message's text blocks without the `CLI_BLOCKS`, and whether it
/// carries a tool result.
fn text_of(content: &Value) -> (String, bool) {
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
        .map(|text| strip_cli_blocks(text).trim().to_owned())
        .filter(|text| !text.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (prompt, has_tool_result)
}

/// What the CLI wraps around a user message that the user did not type: system
/// reminders (they mention tools and would match), and the caveat and output of local
/// commands such as `/clear` (sent along with the next prompt).
const CLI_BLOCKS: [&str; 4] = [
    "system-reminder",
    "local-command-caveat",
    "local-command-stdout",
    "local-command-stderr",
];

/// Removes the `CLI_BLOCKS` from `text`.
fn strip_cli_blocks(text: &str) -> String {
    CLI_BLOCKS
        .iter()
        .fold(text.to_owned(), |text, tag| strip_blocks(&text, tag))
}

/// Removes `<tag>…</tag>` blocks; an unclosed one runs to the end.
fn strip_blocks(text: &str, tag: &str) -> String {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(&open) {
        kept.push_str(&rest[..start]);
        let inside = &rest[start + open.len()..];
        match inside.find(&close) {
            Some(end) => rest = &inside[end + close.len()..],
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
    fn system_reminders_and_local_command_output_are_stripped() {
        let text = "<system-reminder>use the tool</system-reminder>hello <system-reminder>\nslow\n</system-reminder>world";
        assert_eq!(strip_cli_blocks(text), "hello world");
        assert_eq!(strip_cli_blocks("a <system-reminder>tool"), "a ");
        assert_eq!(strip_cli_blocks("plain"), "plain");
        let after_clear = "<local-command-caveat>Caveat: local tool</local-command-caveat>\
            <local-command-stdout></local-command-stdout> hi <local-command-stderr>slow</local-command-stderr>";
        assert_eq!(strip_cli_blocks(after_clear).trim(), "hi");
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
                earlier: vec!["please use the tool".into()],
                has_tool_result: true,
                has_tools: true
            }
        );
        assert_eq!(Behaviour::choose(&turn), Behaviour::ToolDone);
    }

    #[test]
    fn the_earlier_user_messages_are_the_conversation_so_far() {
        let request = user_says("hello");
        assert_eq!(turn(request).earlier, ["earlier tool slow"]);
        assert!(
            turn(json!({ "tools": [1], "messages": [] }))
                .earlier
                .is_empty()
        );
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
