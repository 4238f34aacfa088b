//! The Messages API event stream: which events, in what order, at what pace, and how
//! each is framed as a server-sent event.

use std::time::Duration;

use serde_json::{Value, json};

use crate::reply::{Block, Reply, message_id, usage};

/// Streamed text arrives in small pieces with short pauses, like the real API, so the
/// CLI shows its busy state for a moment even for short answers.
const DELTA_CHARS: usize = 12;
const DELTA_PAUSE: Duration = Duration::from_millis(20);
/// Pings keep a slow stream alive and let a write notice a client that hung up.
const PING_EVERY: Duration = Duration::from_millis(500);

/// One step of an SSE reply: send an event, or pause.
#[derive(Debug)]
pub(crate) enum Step {
    Send(Value),
    Wait(Duration),
}

/// Streaming sits here, beside its pacing and framing; `reply` only decides the content.
impl Reply {
    /// The SSE events of the Messages API stream, in order, with the pauses between them.
    pub(crate) fn steps(&self, model: &str) -> Vec<Step> {
        let ping = || Step::Send(json!({ "type": "ping" }));
        let mut steps = vec![
            Step::Send(json!({
                "type": "message_start",
                "message": {
                    "id": message_id(),
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": null,
                    "stop_sequence": null,
                    "usage": usage(1),
                },
            })),
            ping(),
        ];
        let mut left = self.pings_for;
        while !left.is_zero() {
            let pause = left.min(PING_EVERY);
            steps.extend([Step::Wait(pause), ping()]);
            left -= pause;
        }
        for (index, block) in self.blocks.iter().enumerate() {
            let (start, pieces, delta_type, field) = match block {
                Block::Text(text) => (
                    json!({ "type": "text", "text": "" }),
                    pieces(text),
                    "text_delta",
                    "text",
                ),
                Block::ToolUse { id, input } => (
                    json!({ "type": "tool_use", "id": id, "name": "Bash", "input": {} }),
                    pieces(&input.to_string()),
                    "input_json_delta",
                    "partial_json",
                ),
            };
            steps.push(Step::Send(json!({
                "type": "content_block_start",
                "index": index,
                "content_block": start,
            })));
            for piece in pieces {
                steps.push(Step::Wait(DELTA_PAUSE));
                steps.push(Step::Send(json!({
                    "type": "content_block_delta",
                    "index": index,
                    "delta": { "type": delta_type, field: piece },
                })));
            }
            steps.push(Step::Send(
                json!({ "type": "content_block_stop", "index": index }),
            ));
        }
        steps.push(Step::Send(json!({
            "type": "message_delta",
            "delta": { "stop_reason": self.stop_reason, "stop_sequence": null },
            "usage": { "output_tokens": self.output_tokens() },
        })));
        steps.push(Step::Send(json!({ "type": "message_stop" })));
        steps
    }
}

/// Splits text into streaming pieces on character boundaries.
fn pieces(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(DELTA_CHARS)
        .map(|c| c.iter().collect())
        .collect()
}

pub(crate) fn sse_event(event: &Value) -> String {
    let name = event["type"].as_str().unwrap_or("message");
    format!("event: {name}\ndata: {event}\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_SLOW;
    use crate::behaviour::Behaviour;
    use crate::http::http_chunk;
    use crate::reply::TITLE_TEXT;

    fn events(steps: &[Step]) -> Vec<&Value> {
        steps
            .iter()
            .filter_map(|s| match s {
                Step::Send(event) => Some(event),
                Step::Wait(_) => None,
            })
            .collect()
    }

    fn kinds(steps: &[Step]) -> Vec<String> {
        let mut kinds: Vec<String> = Vec::new();
        for event in events(steps) {
            let kind = event["type"].as_str().unwrap().to_owned();
            // Collapse runs of deltas and pings; their number is not the point.
            if kinds.last() != Some(&kind)
                || !matches!(kind.as_str(), "content_block_delta" | "ping")
            {
                kinds.push(kind);
            }
        }
        kinds
    }

    #[test]
    fn a_tool_reply_streams_text_then_tool_use() {
        let reply = Reply::new(Behaviour::Tool, "use the tool", DEFAULT_SLOW);
        let steps = reply.steps("claude-opus-4-8");
        assert_eq!(
            kinds(&steps),
            [
                "message_start",
                "ping",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "message_delta",
                "message_stop",
            ]
        );
        let events = events(&steps);
        assert_eq!(events[0]["message"]["model"], "claude-opus-4-8");
        let tool_start = events
            .iter()
            .find(|e| e["content_block"]["type"] == "tool_use")
            .unwrap();
        assert_eq!(tool_start["index"], 1);
        assert_eq!(tool_start["content_block"]["name"], "Bash");
        let json: String = events
            .iter()
            .filter(|e| e["delta"]["type"] == "input_json_delta")
            .map(|e| e["delta"]["partial_json"].as_str().unwrap())
            .collect();
        let input: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(input["command"], "echo hi > out.txt");
        assert_eq!(input["description"], "Write hi to out.txt");
        let end = events[events.len() - 2];
        assert_eq!(end["delta"]["stop_reason"], "tool_use");
        assert!(end["usage"]["output_tokens"].as_u64().unwrap() > 0);
    }

    #[test]
    fn streamed_text_adds_up_to_the_whole_text() {
        let reply = Reply::new(Behaviour::Title, "", DEFAULT_SLOW);
        let text: String = events(&reply.steps("m"))
            .iter()
            .filter(|e| e["delta"]["type"] == "text_delta")
            .map(|e| e["delta"]["text"].as_str().unwrap())
            .collect();
        assert_eq!(text, TITLE_TEXT);
    }

    #[test]
    fn a_slow_reply_pings_before_any_content() {
        let reply = Reply::new(Behaviour::Slow, "slow", Duration::from_millis(1200));
        let steps = reply.steps("m");
        let first_content = steps
            .iter()
            .position(|s| matches!(s, Step::Send(e) if e["type"] == "content_block_start"))
            .unwrap();
        let waited: Duration = steps[..first_content]
            .iter()
            .filter_map(|s| match s {
                Step::Wait(pause) => Some(*pause),
                Step::Send(_) => None,
            })
            .sum();
        assert_eq!(waited, Duration::from_millis(1200));
        assert_eq!(kinds(&steps)[..2], ["message_start", "ping"]);
        assert!(matches!(&steps[first_content - 1], Step::Send(e) if e["type"] == "ping"));
    }

    #[test]
    fn pieces_respect_character_boundaries() {
        let text = "日本語🎉".repeat(10);
        let split = pieces(&text);
        assert_eq!(split.concat(), text);
        assert!(split.iter().all(|p| p.chars().count() <= DELTA_CHARS));
        assert!(pieces("").is_empty());
    }

    // -- SSE and HTTP framing -----------------------------------------------

    #[test]
    fn sse_events_are_named_after_their_type() {
        assert_eq!(
            sse_event(&json!({ "type": "ping" })),
            "event: ping\ndata: {\"type\":\"ping\"}\n\n"
        );
        assert_eq!(
            http_chunk(b"hello, world!!!!"),
            b"10\r\nhello, world!!!!\r\n"
        );
    }
}
