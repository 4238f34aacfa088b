//! The `--settings` argument (inline JSON or a file, like the real CLI takes),
//! reduced to its command hooks:
//! `{"hooks": {"<Event>": [{"matcher": "…", "hooks": [{"type": "command",
//! "command": "…", "timeout": 30}]}]}}`.
//!
//! Parts of the `hooks` object with the wrong shape are skipped one by one
//! rather than failing the whole: a test that gets one entry wrong should
//! still see the others run.

use std::time::Duration;

use serde_json::Value;

use crate::matcher;

/// Claude Code's default hook timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq)]
pub struct HookCommand {
    /// Run with `sh -c`.
    pub command: String,
    pub timeout: Duration,
}

#[derive(Debug, Default)]
pub struct Hooks {
    /// Event name and its matcher groups, in the settings' order.
    events: Vec<(String, Vec<Group>)>,
}

#[derive(Debug)]
struct Group {
    matcher: Option<String>,
    commands: Vec<HookCommand>,
}

/// Inline JSON when it starts with `{`, otherwise the path of a settings file.
pub fn load(arg: &str) -> Result<Hooks, String> {
    let text = if arg.trim_start().starts_with('{') {
        arg.to_owned()
    } else {
        std::fs::read_to_string(arg).map_err(|e| format!("cannot read {arg}: {e}"))?
    };
    let settings: Value =
        serde_json::from_str(&text).map_err(|e| format!("settings are not JSON: {e}"))?;
    Ok(Hooks::from_settings(&settings))
}

impl Hooks {
    pub fn from_settings(settings: &Value) -> Hooks {
        let Some(events) = settings.get("hooks").and_then(Value::as_object) else {
            return Hooks::default();
        };
        let events = events
            .iter()
            .filter_map(|(event, groups)| {
                let groups: Vec<Group> = groups
                    .as_array()?
                    .iter()
                    .filter_map(group)
                    .filter(|group| !group.commands.is_empty())
                    .collect();
                (!groups.is_empty()).then(|| (event.clone(), groups))
            })
            .collect();
        Hooks { events }
    }

    /// How many events have at least one command hook.
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// The commands to run for `event`. `subject` is what the event's matcher
    /// is tested against (a tool name, a notification type, …); `None` for
    /// events that ignore matchers. A command listed twice runs once, as in
    /// Claude Code.
    pub fn matching(&self, event: &str, subject: Option<&str>) -> Vec<&HookCommand> {
        let mut found: Vec<&HookCommand> = Vec::new();
        let groups = self
            .events
            .iter()
            .filter(|(name, _)| name == event)
            .flat_map(|(_, groups)| groups);
        for group in groups {
            if subject.is_some_and(|s| !matcher::matches(group.matcher.as_deref(), s)) {
                continue;
            }
            for command in &group.commands {
                if !found.iter().any(|seen| seen.command == command.command) {
                    found.push(command);
                }
            }
        }
        found
    }
}

fn group(value: &Value) -> Option<Group> {
    Some(Group {
        // A matcher that is not a string would make Claude reject the
        // settings; the fake reads it as "no matcher".
        matcher: value
            .get("matcher")
            .and_then(Value::as_str)
            .map(str::to_owned),
        commands: value
            .get("hooks")?
            .as_array()?
            .iter()
            .filter_map(command)
            .collect(),
    })
}

/// Only `command` hooks run; `prompt`, `agent` and `http` hooks need a model
/// or a server the fake does not have.
fn command(value: &Value) -> Option<HookCommand> {
    if value.get("type")?.as_str()? != "command" {
        return None;
    }
    let timeout = value
        .get("timeout")
        .and_then(Value::as_f64)
        .filter(|secs| *secs > 0.0)
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .unwrap_or(DEFAULT_TIMEOUT);
    Some(HookCommand {
        command: value.get("command")?.as_str()?.to_owned(),
        timeout,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(hooks: &Hooks, event: &str, subject: Option<&str>) -> Vec<String> {
        hooks
            .matching(event, subject)
            .into_iter()
            .map(|c| c.command.clone())
            .collect()
    }

    #[test]
    fn inline_json() {
        let hooks = load(
            r#" {"hooks": {
                "Stop": [{"hooks": [{"type": "command", "command": "a", "timeout": 5}]}],
                "SessionStart": [{"matcher": "*", "hooks": [{"type": "command", "command": "b"}]}]
            }}"#,
        )
        .unwrap();
        assert_eq!(hooks.event_count(), 2);
        assert_eq!(
            hooks.matching("Stop", None),
            [&HookCommand {
                command: "a".into(),
                timeout: Duration::from_secs(5)
            }]
        );
        let start = hooks.matching("SessionStart", Some("startup"));
        assert_eq!(start.len(), 1);
        assert_eq!(start[0].timeout, DEFAULT_TIMEOUT);
        assert!(hooks.matching("SessionEnd", None).is_empty());
    }

    #[test]
    fn settings_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(
            &path,
            r#"{"model": "x", "hooks": {"Notification": [{"hooks": [{"type": "command", "command": "n"}]}]}}"#,
        )
        .unwrap();
        let hooks = load(path.to_str().unwrap()).unwrap();
        assert_eq!(
            commands(&hooks, "Notification", Some("permission_prompt")),
            ["n"]
        );
    }

    #[test]
    fn unreadable_or_invalid_settings_are_errors() {
        let missing = load("/nonexistent/settings.json").unwrap_err();
        assert!(missing.contains("cannot read"), "{missing}");
        let broken = load(r#"{"hooks": "#).unwrap_err();
        assert!(broken.contains("not JSON"), "{broken}");
    }

    #[test]
    fn matchers_pick_the_groups() {
        let hooks = load(
            r#"{"hooks": {"PreToolUse": [
                {"matcher": "Bash", "hooks": [{"type": "command", "command": "bash-only"}]},
                {"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "edits"}]},
                {"matcher": "", "hooks": [{"type": "command", "command": "all"}]},
                {"hooks": [{"type": "command", "command": "all"}]}
            ]}}"#,
        )
        .unwrap();
        assert_eq!(
            commands(&hooks, "PreToolUse", Some("Bash")),
            ["bash-only", "all"],
            "a command listed twice runs once"
        );
        assert_eq!(
            commands(&hooks, "PreToolUse", Some("Write")),
            ["edits", "all"]
        );
        assert_eq!(
            commands(&hooks, "PreToolUse", None),
            ["bash-only", "edits", "all"],
            "events without a subject ignore matchers"
        );
    }

    #[test]
    fn odd_shapes_are_skipped_without_panicking() {
        for settings in [
            "{}",
            r#"{"hooks": null}"#,
            r#"{"hooks": []}"#,
            r#"{"hooks": "Stop"}"#,
            r#"{"hooks": {"Stop": {}}}"#,
            r#"{"hooks": {"Stop": [1, "x", null, []]}}"#,
            r#"{"hooks": {"Stop": [{"hooks": {}}]}}"#,
            r#"{"hooks": {"Stop": [{"hooks": []}]}}"#,
            r#"{"hooks": {"Stop": [{"hooks": [{"command": "no type"}]}]}}"#,
            r#"{"hooks": {"Stop": [{"hooks": [{"type": "prompt", "prompt": "p"}]}]}}"#,
            r#"{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": 7}]}]}}"#,
            r#"{"hooks": {"Stop": [{"matcher": "x", "hooks": [{"type": "command"}]}]}}"#,
        ] {
            let hooks = load(settings).unwrap();
            assert_eq!(hooks.event_count(), 0, "{settings}");
            assert!(hooks.matching("Stop", None).is_empty(), "{settings}");
        }
        assert_eq!(Hooks::from_settings(&Value::Null).event_count(), 0);
        assert_eq!(
            Hooks::from_settings(&serde_json::json!([1])).event_count(),
            0
        );
    }

    #[test]
    fn good_entries_survive_bad_neighbours() {
        let hooks = load(
            r#"{"hooks": {
                "Stop": [7, {"matcher": 3, "hooks": [{"type": "command"}, {"type": "command", "command": "ok", "timeout": -1}]}],
                "UserPromptSubmit": "nope"
            }}"#,
        )
        .unwrap();
        assert_eq!(hooks.event_count(), 1);
        let stop = hooks.matching("Stop", None);
        assert_eq!(stop.len(), 1);
        assert_eq!(stop[0].command, "ok");
        assert_eq!(
            stop[0].timeout, DEFAULT_TIMEOUT,
            "a bad timeout is the default"
        );
    }
}
