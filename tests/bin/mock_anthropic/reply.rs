//! What the assistant answers for each behaviour, and that answer as one whole message.

use std::time::Duration;

use serde_json::{Value, json};

use crate::behaviour::Behaviour;

/// How much of the prompt the answer echoes, and the log too.
pub(crate) const PROMPT_ECHO_CHARS: usize = 60;

pub(crate) const TITLE_TEXT: &str = r#"{"isNewTopic": true, "title": "Mock session"}"#;
const TOOL_INTRO: &str = "I'll write the file with a shell command.";
const TOOL_DONE_TEXT: &str = "Tool result received. MOCK-TOOL-DONE";
const SLOW_TEXT: &str = "Sorry for the wait. MOCK-SLOW-DONE";

pub(crate) enum Block {
    Text(String),
    ToolUse { id: String, input: Value },
}

/// An assistant message to send, whole or streamed.
pub(crate) struct Reply {
    pub(crate) blocks: Vec<Block>,
    pub(crate) stop_reason: &'static str,
    /// How long to send nothing but pings first.
    pub(crate) pings_for: Duration,
}

impl Reply {
    pub(crate) fn new(behaviour: Behaviour, prompt: &str, slow: Duration) -> Self {
        let text = |t: &str| Block::Text(t.to_owned());
        let (blocks, stop_reason, pings_for) = match behaviour {
            Behaviour::Title => (vec![text(TITLE_TEXT)], "end_turn", Duration::ZERO),
            Behaviour::Tool => {
                let tool = Block::ToolUse {
                    id: format!("toolu_mock_{}", uuid::Uuid::new_v4().simple()),
                    input: json!({
                        "command": "echo hi > out.txt",
                        "description": "Write hi to out.txt",
                    }),
                };
                (vec![text(TOOL_INTRO), tool], "tool_use", Duration::ZERO)
            }
            Behaviour::ToolDone => (vec![text(TOOL_DONE_TEXT)], "end_turn", Duration::ZERO),
            Behaviour::Slow => (vec![text(SLOW_TEXT)], "end_turn", slow),
            Behaviour::Answer => {
                let echo: String = prompt
                    .chars()
                    .take(PROMPT_ECHO_CHARS)
                    .map(|c| if c.is_whitespace() { ' ' } else { c })
                    .collect();
                let answer = format!("Mock answer to: {echo} MOCK-ANSWER-OK");
                (vec![Block::Text(answer)], "end_turn", Duration::ZERO)
            }
        };
        Self {
            blocks,
            stop_reason,
            pings_for,
        }
    }

    pub(crate) fn output_tokens(&self) -> usize {
        let chars: usize = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Text(text) => text.chars().count(),
                Block::ToolUse { input, .. } => input.to_string().len(),
            })
            .sum();
        (chars / 4).max(1)
    }

    /// The whole message, for `stream: false`.
    pub(crate) fn message(&self, model: &str) -> Value {
        let content: Vec<Value> = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Text(text) => json!({ "type": "text", "text": text }),
                Block::ToolUse { id, input } => {
                    json!({ "type": "tool_use", "id": id, "name": "Bash", "input": input })
                }
            })
            .collect();
        json!({
            "id": message_id(),
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": self.stop_reason,
            "stop_sequence": null,
            "usage": usage(self.output_tokens()),
        })
    }
}

pub(crate) fn message_id() -> String {
    format!("msg_mock_{}", uuid::Uuid::new_v4().simple())
}

pub(crate) fn usage(output_tokens: usize) -> Value {
    json!({
        "input_tokens": 42,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_SLOW;

    #[test]
    fn the_answer_echoes_the_start_of_the_prompt() {
        let prompt = format!("line one\nline two {}", "x".repeat(100));
        let reply = Reply::new(Behaviour::Answer, &prompt, DEFAULT_SLOW);
        let Block::Text(text) = &reply.blocks[0] else {
            panic!("expected text");
        };
        let echo: String = prompt.replace('\n', " ").chars().take(60).collect();
        assert_eq!(text, &format!("Mock answer to: {echo} MOCK-ANSWER-OK"));
    }

    #[test]
    fn an_unstreamed_reply_is_the_whole_message() {
        let reply = Reply::new(Behaviour::Tool, "tool", DEFAULT_SLOW);
        let message = reply.message("m");
        assert_eq!(message["type"], "message");
        assert_eq!(message["stop_reason"], "tool_use");
        assert_eq!(message["content"][0]["text"], TOOL_INTRO);
        assert_eq!(
            message["content"][1]["input"]["command"],
            "echo hi > out.txt"
        );
    }
}
