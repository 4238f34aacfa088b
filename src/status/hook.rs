//! Claude Code hook payloads: the JSON a hook command reads on its stdin.
//!
//! Only the fields the tracker needs are kept; Claude Code adds fields from
//! version to version, so anything unknown is ignored rather than rejected.

use anyhow::Context;
use serde::Deserialize;

/// One hook invocation, reduced to what says what the session is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    pub event: HookEvent,
    /// Claude's own conversation id (`session_id`), the one `claude --resume` takes.
    pub claude_session_id: Option<String>,
    /// Where Claude keeps that conversation (`transcript_path`).
    pub transcript_path: Option<String>,
    /// What Claude said last in the turn (Stop, since Claude Code 2.0.42).
    pub last_assistant_message: Option<String>,
    pub tool_name: Option<String>,
    /// The submitted prompt (UserPromptSubmit).
    pub prompt: Option<String>,
    /// `permission_prompt`, `idle_prompt`, `elicitation_dialog`, … (Notification).
    pub notification_type: Option<String>,
    /// The text Claude shows with a notification.
    pub message: Option<String>,
    /// Why a session started: `startup`, `resume`, `clear` or `compact` (SessionStart).
    pub source: Option<String>,
    /// Why a session ended: `clear`, `logout`, `prompt_input_exit`, … (SessionEnd).
    pub reason: Option<String>,
    /// `manual` (/compact) or `auto` (PreCompact).
    pub trigger: Option<String>,
}

/// The `hook_event_name` of a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookEvent {
    SessionStart,
    UserPromptSubmit,
    PreToolUse,
    PostToolUse,
    /// A tool ran and failed; Claude carries on with the turn.
    PostToolUseFailure,
    PermissionRequest,
    Notification,
    Stop,
    SubagentStop,
    PreCompact,
    SessionEnd,
    /// An event this version of ccmux does not know; kept so callers can log it.
    Other(String),
}

impl HookEvent {
    fn from_name(name: &str) -> Self {
        match name {
            "SessionStart" => Self::SessionStart,
            "UserPromptSubmit" => Self::UserPromptSubmit,
            "PreToolUse" => Self::PreToolUse,
            "PostToolUse" => Self::PostToolUse,
            "PostToolUseFailure" => Self::PostToolUseFailure,
            "PermissionRequest" => Self::PermissionRequest,
            "Notification" => Self::Notification,
            "Stop" => Self::Stop,
            "SubagentStop" => Self::SubagentStop,
            "PreCompact" => Self::PreCompact,
            "SessionEnd" => Self::SessionEnd,
            other => Self::Other(other.to_string()),
        }
    }
}

#[derive(Deserialize)]
struct Payload {
    hook_event_name: String,
    session_id: Option<String>,
    transcript_path: Option<String>,
    last_assistant_message: Option<String>,
    tool_name: Option<String>,
    prompt: Option<String>,
    notification_type: Option<String>,
    message: Option<String>,
    source: Option<String>,
    reason: Option<String>,
    trigger: Option<String>,
}

/// Parses a hook payload as Claude Code writes it on the hook's stdin.
///
/// Fails on anything that is not a JSON object with a string `hook_event_name`,
/// or whose known fields have the wrong type.
pub fn parse_hook(json: &[u8]) -> anyhow::Result<Hook> {
    let p: Payload = serde_json::from_slice(json).context("not a Claude Code hook payload")?;
    Ok(Hook {
        event: HookEvent::from_name(&p.hook_event_name),
        claude_session_id: p.session_id,
        transcript_path: p.transcript_path,
        last_assistant_message: p.last_assistant_message,
        tool_name: p.tool_name,
        prompt: p.prompt,
        notification_type: p.notification_type,
        message: p.message,
        source: p.source,
        reason: p.reason,
        trigger: p.trigger,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields every payload carries, per the hooks reference.
    const COMMON: &str = r#""session_id": "0b9e7c3a-5d1f-4c61-9a56-2f0c1d2e3f40",
        "transcript_path": "/home/dev/.claude/projects/-home-dev-work/0b9e7c3a.jsonl",
        "cwd": "/home/dev/work", "permission_mode": "default""#;

    fn parse(event: &str, fields: &str) -> Hook {
        let sep = if fields.is_empty() { "" } else { "," };
        let json = format!(r#"{{"hook_event_name": "{event}", {COMMON}{sep} {fields}}}"#);
        parse_hook(json.as_bytes()).unwrap()
    }

    #[test]
    fn session_start() {
        let h = parse(
            "SessionStart",
            r#""source": "startup", "model": "claude-opus-4-8""#,
        );
        assert_eq!(h.event, HookEvent::SessionStart);
        assert_eq!(
            h.claude_session_id.as_deref(),
            Some("0b9e7c3a-5d1f-4c61-9a56-2f0c1d2e3f40")
        );
        assert_eq!(h.source.as_deref(), Some("startup"));
    }

    #[test]
    fn user_prompt_submit() {
        let h = parse(
            "UserPromptSubmit",
            r#""prompt": "please use the tool", "prompt_id": "p1""#,
        );
        assert_eq!(h.event, HookEvent::UserPromptSubmit);
        assert_eq!(h.prompt.as_deref(), Some("please use the tool"));
    }

    #[test]
    fn tool_events() {
        let input = r#""tool_name": "Bash", "tool_input": {"command": "echo hi > out.txt"}, "tool_use_id": "toolu_01""#;
        let pre = parse("PreToolUse", input);
        assert_eq!(pre.event, HookEvent::PreToolUse);
        assert_eq!(pre.tool_name.as_deref(), Some("Bash"));

        let perm = parse(
            "PermissionRequest",
            &format!(r#"{input}, "permission_suggestions": [{{"type": "addRules"}}]"#),
        );
        assert_eq!(perm.event, HookEvent::PermissionRequest);
        assert_eq!(perm.tool_name.as_deref(), Some("Bash"));

        let post = parse(
            "PostToolUse",
            &format!(r#"{input}, "tool_response": {{"stdout": ""}}, "duration_ms": 12"#),
        );
        assert_eq!(post.event, HookEvent::PostToolUse);

        let failed = parse(
            "PostToolUseFailure",
            &format!(r#"{input}, "error": "exit 1", "is_interrupt": false"#),
        );
        assert_eq!(failed.event, HookEvent::PostToolUseFailure);
    }

    #[test]
    fn notification() {
        let h = parse(
            "Notification",
            r#""message": "Claude needs your permission to use Bash", "title": "Claude Code",
               "notification_type": "permission_prompt""#,
        );
        assert_eq!(h.event, HookEvent::Notification);
        assert_eq!(h.notification_type.as_deref(), Some("permission_prompt"));
        assert_eq!(
            h.message.as_deref(),
            Some("Claude needs your permission to use Bash")
        );
    }

    #[test]
    fn stop_and_subagent_stop() {
        let stop = parse(
            "Stop",
            r#""stop_hook_active": false, "last_assistant_message": "done", "background_tasks": []"#,
        );
        assert_eq!(stop.event, HookEvent::Stop);
        let sub = parse(
            "SubagentStop",
            r#""stop_hook_active": false, "agent_id": "a1""#,
        );
        assert_eq!(sub.event, HookEvent::SubagentStop);
    }

    #[test]
    fn pre_compact_and_session_end() {
        let pc = parse(
            "PreCompact",
            r#""trigger": "manual", "custom_instructions": """#,
        );
        assert_eq!(pc.event, HookEvent::PreCompact);
        assert_eq!(pc.trigger.as_deref(), Some("manual"));
        let end = parse("SessionEnd", r#""reason": "prompt_input_exit""#);
        assert_eq!(end.event, HookEvent::SessionEnd);
        assert_eq!(end.reason.as_deref(), Some("prompt_input_exit"));
    }

    #[test]
    fn unknown_event_is_kept_by_name() {
        let h = parse("SubagentStart", r#""agent_type": "general""#);
        assert_eq!(h.event, HookEvent::Other("SubagentStart".into()));
    }

    #[test]
    fn missing_optional_fields_are_fine() {
        let h = parse_hook(br#"{"hook_event_name": "Stop"}"#).unwrap();
        assert_eq!(h.event, HookEvent::Stop);
        assert_eq!(h.claude_session_id, None);
        assert_eq!(h.prompt, None);
    }

    #[test]
    fn rejects_what_is_not_a_payload() {
        for bad in [
            &b""[..],
            b"not json",
            b"[]",
            br#"{"session_id": "x"}"#,
            br#"{"hook_event_name": 3}"#,
            br#"{"hook_event_name": "UserPromptSubmit", "prompt": ["x"]}"#,
            b"\xff\xfe",
        ] {
            assert!(
                parse_hook(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
