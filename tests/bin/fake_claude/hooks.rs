//! Claude Code hooks as the real CLI runs them: each matching command with
//! `sh -c`, the event's JSON payload on stdin, in the session's directory,
//! all of an event's commands at once, and the CLI waiting for them (up to
//! each one's timeout) before it goes on. Their output and exit status are
//! ignored: the fake only reports, it never lets a hook decide anything.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::settings::{HookCommand, Hooks};
use crate::transcript;

/// What the fake reports as its model.
pub const MODEL: &str = "claude-fake-1";

#[derive(Debug, Clone, PartialEq)]
pub struct ToolUse {
    pub name: String,
    pub input: Value,
    pub id: String,
}

/// Why a conversation starts (SessionStart's `source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Startup,
    /// `--resume <id>`: the conversation goes on under its id.
    Resume,
    /// `/clear`: a new conversation in the same process.
    Clear,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Startup => "startup",
            Source::Resume => "resume",
            Source::Clear => "clear",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The user left at the prompt: Ctrl-C twice or Ctrl-D.
    PromptInputExit,
    /// `/clear` ended the conversation; the process goes on.
    Clear,
    Other,
}

impl EndReason {
    fn as_str(self) -> &'static str {
        match self {
            EndReason::PromptInputExit => "prompt_input_exit",
            EndReason::Clear => "clear",
            EndReason::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    SessionStart(Source),
    UserPromptSubmit { prompt: String },
    PreToolUse(ToolUse),
    PermissionRequest(ToolUse),
    PostToolUse { tool: ToolUse, response: Value },
    Notification { kind: String, message: String },
    Stop { last_message: String },
    SessionEnd(EndReason),
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::SessionStart(_) => "SessionStart",
            Event::UserPromptSubmit { .. } => "UserPromptSubmit",
            Event::PreToolUse(_) => "PreToolUse",
            Event::PermissionRequest(_) => "PermissionRequest",
            Event::PostToolUse { .. } => "PostToolUse",
            Event::Notification { .. } => "Notification",
            Event::Stop { .. } => "Stop",
            Event::SessionEnd(_) => "SessionEnd",
        }
    }

    /// What a matcher is tested against; events without one run every group.
    fn subject(&self) -> Option<&str> {
        match self {
            Event::SessionStart(source) => Some(source.as_str()),
            Event::PreToolUse(tool)
            | Event::PermissionRequest(tool)
            | Event::PostToolUse { tool, .. } => Some(&tool.name),
            Event::Notification { kind, .. } => Some(kind),
            Event::SessionEnd(reason) => Some(reason.as_str()),
            Event::UserPromptSubmit { .. } | Event::Stop { .. } => None,
        }
    }
}

/// The fields every payload of this session carries. `id` is the
/// conversation's: it changes on `/clear`.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub cwd: PathBuf,
    pub transcript_path: PathBuf,
}

impl Session {
    /// `id` is the `--resume` or `--session-id` given, if any; otherwise a
    /// fresh one, as the real CLI makes.
    pub fn new(id: Option<String>, cwd: PathBuf) -> Session {
        let id = id.filter(|id| !id.is_empty()).unwrap_or_else(new_id);
        let transcript_path = transcript::path(&id, &cwd);
        Session {
            id,
            cwd,
            transcript_path,
        }
    }
}

/// A conversation id, as Claude makes them: a random UUID.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The JSON a hook reads on stdin for `event`.
pub fn payload(session: &Session, event: &Event) -> Value {
    let mut payload = json!({
        "session_id": session.id,
        "transcript_path": session.transcript_path,
        "cwd": session.cwd,
        "hook_event_name": event.name(),
    });
    let fields = match event {
        // Claude names the model only on a fresh start.
        Event::SessionStart(Source::Startup) => json!({"source": "startup", "model": MODEL}),
        Event::SessionStart(source) => json!({"source": source.as_str()}),
        Event::UserPromptSubmit { prompt } => {
            json!({"prompt": prompt, "permission_mode": "default"})
        }
        Event::PreToolUse(tool) => tool_fields(tool),
        Event::PermissionRequest(tool) => {
            let mut fields = tool_fields(tool);
            fields["permission_suggestions"] = json!([{
                "type": "addRules",
                "rules": [{"toolName": tool.name}],
                "behavior": "allow",
                "destination": "localSettings",
            }]);
            fields
        }
        Event::PostToolUse { tool, response } => {
            let mut fields = tool_fields(tool);
            fields["tool_response"] = response.clone();
            fields
        }
        Event::Notification { kind, message } => {
            json!({"message": message, "notification_type": kind})
        }
        Event::Stop { last_message } => json!({
            "permission_mode": "default",
            "stop_hook_active": false,
            "last_assistant_message": last_message,
        }),
        Event::SessionEnd(reason) => json!({"reason": reason.as_str()}),
    };
    if let (Some(payload), Value::Object(fields)) = (payload.as_object_mut(), fields) {
        payload.extend(fields);
    }
    payload
}

fn tool_fields(tool: &ToolUse) -> Value {
    json!({
        "permission_mode": "default",
        "tool_name": tool.name,
        "tool_input": tool.input,
        "tool_use_id": tool.id,
    })
}

pub struct Runner {
    hooks: Hooks,
}

/// How often to look whether the hooks are done: short enough that a quick
/// hook costs next to nothing, long enough not to spin on a slow one.
const FIRST_POLL: Duration = Duration::from_millis(1);
const MAX_POLL: Duration = Duration::from_millis(20);

impl Runner {
    pub fn new(hooks: Hooks) -> Runner {
        Runner { hooks }
    }

    /// Run the hooks `event` matches and wait for them to finish or time out.
    pub fn run(&self, session: &Session, event: &Event) {
        let commands = self.hooks.matching(event.name(), event.subject());
        if commands.is_empty() {
            return;
        }
        let payload = payload(session, event).to_string();
        let mut running: Vec<Running> = commands
            .into_iter()
            .filter_map(|command| spawn(command, &payload, &session.cwd))
            .collect();
        let mut poll = FIRST_POLL;
        while !running.is_empty() {
            let now = Instant::now();
            running.retain_mut(|hook| hook.still_running(now));
            if !running.is_empty() {
                std::thread::sleep(poll);
                poll = (poll * 2).min(MAX_POLL);
            }
        }
    }
}

struct Running {
    child: Child,
    /// `None` when the timeout is too large to ever come.
    deadline: Option<Instant>,
}

impl Running {
    fn still_running(&mut self, now: Instant) -> bool {
        match self.child.try_wait() {
            Ok(None) if self.deadline.is_some_and(|due| due <= now) => {
                self.kill();
                false
            }
            Ok(None) => true,
            // Finished, or it cannot be waited for: either way, done with it.
            Ok(Some(_)) | Err(_) => false,
        }
    }

    /// The hook runs in its own process group, so this takes whatever it
    /// started too (`sh -c 'sleep 100; …'` leaves `sleep` behind otherwise).
    fn kill(&mut self) {
        if let Ok(pgid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: plain syscall; the group is the child's own, made at spawn.
            unsafe { libc::killpg(pgid, libc::SIGKILL) };
        }
        let _ = self.child.wait();
    }
}

/// A hook that cannot start is skipped, as a failing hook would be.
fn spawn(hook: &HookCommand, payload: &str, cwd: &Path) -> Option<Running> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(&hook.command)
        .current_dir(cwd)
        .env("CLAUDE_PROJECT_DIR", cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .ok()?;
    if let Some(mut stdin) = child.stdin.take() {
        // From a thread: a hook that never reads would block a large payload
        // (a big pasted prompt) past its timeout. The write fails with EPIPE
        // once the hook is gone, so the thread always ends.
        let payload = payload.to_owned();
        std::thread::spawn(move || {
            let _ = stdin.write_all(payload.as_bytes());
        });
    }
    Some(Running {
        child,
        deadline: Instant::now().checked_add(hook.timeout),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new(Some("0000-sid".into()), PathBuf::from("/work/proj.x"))
    }

    fn bash() -> ToolUse {
        ToolUse {
            name: "Bash".into(),
            input: json!({"command": "echo hi > out.txt", "description": "Write hi"}),
            id: "toolu_1".into(),
        }
    }

    #[test]
    fn session_id_is_given_or_generated() {
        let s = session();
        assert_eq!(s.id, "0000-sid");
        assert!(
            s.transcript_path
                .ends_with(".claude/projects/-work-proj-x/0000-sid.jsonl"),
            "{:?}",
            s.transcript_path
        );
        let generated = Session::new(None, PathBuf::from("/"));
        assert!(uuid::Uuid::parse_str(&generated.id).is_ok());
        assert_ne!(generated.id, Session::new(None, PathBuf::from("/")).id);
    }

    #[test]
    fn every_payload_has_the_common_fields() {
        let s = session();
        for event in [
            Event::SessionStart(Source::Startup),
            Event::Stop {
                last_message: String::new(),
            },
            Event::SessionEnd(EndReason::Other),
        ] {
            let p = payload(&s, &event);
            assert_eq!(p["session_id"], "0000-sid");
            assert_eq!(p["cwd"], "/work/proj.x");
            assert_eq!(p["hook_event_name"], event.name());
            assert!(
                p["transcript_path"]
                    .as_str()
                    .is_some_and(|t| t.ends_with(".jsonl"))
            );
        }
    }

    #[test]
    fn event_fields() {
        let s = session();
        let p = payload(&s, &Event::SessionStart(Source::Startup));
        assert_eq!(
            (&p["source"], &p["model"]),
            (&json!("startup"), &json!(MODEL))
        );
        let p = payload(&s, &Event::SessionStart(Source::Resume));
        assert_eq!(
            (&p["source"], &p["model"]),
            (&json!("resume"), &Value::Null)
        );
        let p = payload(&s, &Event::SessionStart(Source::Clear));
        assert_eq!(p["source"], "clear");

        let p = payload(
            &s,
            &Event::UserPromptSubmit {
                prompt: "hi\nthere".into(),
            },
        );
        assert_eq!(p["prompt"], "hi\nthere");
        assert_eq!(p["permission_mode"], "default");

        let p = payload(&s, &Event::PreToolUse(bash()));
        assert_eq!(p["tool_name"], "Bash");
        assert_eq!(p["tool_input"]["command"], "echo hi > out.txt");
        assert_eq!(p["tool_use_id"], "toolu_1");

        let p = payload(&s, &Event::PermissionRequest(bash()));
        assert_eq!(p["hook_event_name"], "PermissionRequest");
        assert_eq!(p["tool_input"]["description"], "Write hi");
        assert!(p["permission_suggestions"].is_array());

        let p = payload(
            &s,
            &Event::PostToolUse {
                tool: bash(),
                response: json!({"stdout": ""}),
            },
        );
        assert_eq!(p["tool_response"], json!({"stdout": ""}));
        assert_eq!(p["tool_use_id"], "toolu_1");

        let p = payload(
            &s,
            &Event::Notification {
                kind: "permission_prompt".into(),
                message: "m".into(),
            },
        );
        assert_eq!(
            (&p["notification_type"], &p["message"]),
            (&json!("permission_prompt"), &json!("m"))
        );

        let p = payload(
            &s,
            &Event::Stop {
                last_message: "done".into(),
            },
        );
        assert_eq!(p["stop_hook_active"], false);
        assert_eq!(p["last_assistant_message"], "done");

        let p = payload(&s, &Event::SessionEnd(EndReason::PromptInputExit));
        assert_eq!(p["reason"], "prompt_input_exit");
        let p = payload(&s, &Event::SessionEnd(EndReason::Clear));
        assert_eq!(p["reason"], "clear");
    }

    #[test]
    fn matcher_subjects() {
        assert_eq!(Event::PreToolUse(bash()).subject(), Some("Bash"));
        assert_eq!(
            Event::SessionEnd(EndReason::PromptInputExit).subject(),
            Some("prompt_input_exit")
        );
        assert_eq!(
            Event::UserPromptSubmit { prompt: "x".into() }.subject(),
            None
        );
        assert_eq!(Event::SessionStart(Source::Clear).subject(), Some("clear"));
    }

    fn runner(dir: &Path, hooks: Value) -> (Runner, Session) {
        (
            Runner::new(Hooks::from_settings(&json!({ "hooks": hooks }))),
            Session::new(Some("sid".into()), dir.to_path_buf()),
        )
    }

    #[test]
    fn hooks_get_the_payload_on_stdin_in_the_session_directory() {
        let dir = tempfile::tempdir().unwrap();
        let (runner, session) = runner(
            dir.path(),
            json!({"Stop": [{"hooks": [
                {"type": "command", "command": "cat > payload.json; pwd > where"},
                {"type": "command", "command": "echo noise; echo >&2 noise; exit 3"}
            ]}]}),
        );
        runner.run(
            &session,
            &Event::Stop {
                last_message: "x".into(),
            },
        );
        let written = std::fs::read_to_string(dir.path().join("payload.json")).unwrap();
        let p: Value = serde_json::from_str(&written).unwrap();
        assert_eq!(p["hook_event_name"], "Stop");
        assert_eq!(p["session_id"], "sid");
        let cwd = std::fs::read_to_string(dir.path().join("where")).unwrap();
        let cwd = std::fs::canonicalize(cwd.trim()).unwrap();
        assert_eq!(cwd, std::fs::canonicalize(dir.path()).unwrap());
    }

    /// Dead or a zombie nobody reaps (a container's PID 1 may not).
    fn gone(pid: &str) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
            stat.rsplit(')')
                .next()
                .is_some_and(|s| s.trim_start().starts_with('Z'))
        })
    }

    #[test]
    fn a_hook_past_its_timeout_is_killed_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let (runner, session) = runner(
            dir.path(),
            json!({"SessionStart": [{"hooks": [{"type": "command",
                "command": "sleep 30 & echo $! > pid; wait; touch late", "timeout": 1}]}]}),
        );
        runner.run(&session, &Event::SessionStart(Source::Startup));
        assert!(!dir.path().join("late").exists());
        let pid = std::fs::read_to_string(dir.path().join("pid")).unwrap();
        let pid = pid.trim();
        // SIGKILL is delivered asynchronously: wait for it to land.
        let give_up = Instant::now() + Duration::from_secs(10);
        while !gone(pid) && Instant::now() < give_up {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(gone(pid), "the hook's child {pid} survived");
    }

    #[test]
    fn unmatched_events_and_unstartable_hooks_are_harmless() {
        let dir = tempfile::tempdir().unwrap();
        let (runner, session) = runner(
            dir.path().join("gone").as_path(),
            json!({"PreToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "touch x"}]}],
                   "Stop": [{"hooks": [{"type": "command", "command": "touch x"}]}]}),
        );
        runner.run(&session, &Event::PreToolUse(bash()));
        runner.run(
            &session,
            &Event::Stop {
                last_message: String::new(),
            },
        );
        assert!(!dir.path().join("x").exists());
    }
}
