//! The answers to scripts' commands (`ls`, `new`, `stop`): plain text for
//! people, JSON where a script would parse it.

use std::time::{Instant, SystemTime};

use serde::Serialize;

use crate::hub::Hub;
use crate::proto::{ClientInfo, NewSession, ServerMsg};
use crate::session::{SessionInfo, Status};
use crate::ui::status_style;
use crate::ui::table::age;

pub fn ok(stdout: String) -> ServerMsg {
    ServerMsg::Reply {
        stdout,
        stderr: String::new(),
        code: 0,
    }
}

pub fn refuse(message: String) -> ServerMsg {
    ServerMsg::Refused { message }
}

pub fn fail(message: String) -> ServerMsg {
    ServerMsg::Reply {
        stdout: String::new(),
        stderr: format!("ccmux: {message}\n"),
        code: 1,
    }
}

/// One session in `ls --json`.
#[derive(Serialize)]
struct Row {
    id: String,
    /// What the user named it, else a name made from its directory.
    name: String,
    dir: String,
    /// `starting`, `idle`, `busy`, `waiting`, `running`, `exited`, `failed`.
    status: &'static str,
    /// The exit status, once the program ended.
    exit_code: Option<i32>,
    /// Why it waits for the user, or why it failed.
    reason: Option<String>,
    attention: bool,
    task: Option<String>,
    title: String,
    program: String,
    /// The Claude conversation it holds: what `claude --resume` takes.
    conversation: Option<String>,
    /// Brought back from the sessions a previous server ran.
    restored: bool,
    /// How often its program crashed while this server ran.
    crashes: u32,
    /// Prompts waiting in its queue (`ccmux send`).
    queued: usize,
    /// Its screen's size: columns, rows.
    size: (u16, u16),
    /// Seconds since the epoch.
    started: u64,
    last_output: Option<u64>,
}

fn epoch(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub fn list(hub: &Hub, json: bool) -> ServerMsg {
    let infos = hub.infos();
    if json {
        let rows: Vec<Row> = infos.iter().map(|s| row(hub, s)).collect();
        return match serde_json::to_string_pretty(&rows) {
            Ok(text) => ok(text + "\n"),
            Err(e) => fail(format!("cannot encode the list: {e}")),
        };
    }
    ok(table(&infos, SystemTime::now()))
}

fn row(hub: &Hub, s: &SessionInfo) -> Row {
    let session = hub.registry().get(s.id);
    let program = session
        .map(|session| session.spec().program.clone())
        .unwrap_or_default();
    let (rows, cols) = session.map_or((0, 0), |session| session.size());
    Row {
        id: s.id.to_string(),
        name: s.name.clone(),
        dir: s.dir.display().to_string(),
        status: status_style::kind(&s.status),
        exit_code: match s.status {
            Status::Exited(code) => Some(code),
            _ => None,
        },
        reason: match &s.status {
            Status::Failed(why) => Some(why.clone()),
            _ => s.reason.clone(),
        },
        attention: s.attention,
        task: s.task.clone(),
        title: s.title.clone(),
        program,
        conversation: s.conversation.clone(),
        restored: s.restored,
        crashes: s.crashes,
        queued: s.queued,
        size: (cols, rows),
        started: epoch(s.started),
        last_output: s.last_output.map(epoch),
    }
}

/// The session table as aligned text, one session a line.
fn table(infos: &[SessionInfo], now: SystemTime) -> String {
    let ago = |t: SystemTime| age(now.duration_since(t).unwrap_or_default());
    let mut rows = vec![[
        "ID".to_string(),
        "NAME".to_string(),
        "STATUS".to_string(),
        "DIR".to_string(),
        "STARTED".to_string(),
        "OUTPUT".to_string(),
        "TASK".to_string(),
    ]];
    for s in infos {
        let mut status = status_style::describe(s).into_owned();
        if s.crashes > 0 {
            status.push_str(&format!(", {} crash(es)", s.crashes));
        }
        if s.restored {
            status.push_str(", restored");
        }
        if s.queued > 0 {
            status.push_str(&format!(", {} queued", s.queued));
        }
        if s.attention {
            status.push_str(" !");
        }
        rows.push([
            s.id.short(),
            s.name.chars().filter(|c| !c.is_control()).collect(),
            status,
            s.dir.display().to_string(),
            format!("{} ago", ago(s.started)),
            s.last_output
                .map_or("-".into(), |t| format!("{} ago", ago(t))),
            s.task
                .clone()
                .unwrap_or_else(|| s.title.clone())
                .chars()
                .filter(|c| !c.is_control())
                .collect(),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, cell)| format!("{cell:<w$}", w = widths[c]))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Starts a session for a script, with the environment of the command that
/// asked; its id alone on the last line.
pub fn new(hub: &mut Hub, new: NewSession, client: &ClientInfo, now: Instant) -> ServerMsg {
    let (id, trouble) = match hub.start(&new, Some(client.env.clone()), None, now) {
        Ok(started) => started,
        Err(e) => return fail(e),
    };
    let status = hub
        .registry()
        .get(id)
        .map(|s| s.status())
        .unwrap_or(Status::Starting);
    if let Status::Failed(why) = status {
        return ServerMsg::Reply {
            stdout: format!("{id}\n"),
            stderr: format!("ccmux: the session failed to start: {why}\n"),
            code: 1,
        };
    }
    ServerMsg::Reply {
        stdout: format!("{id}\n"),
        stderr: trouble.map(|t| format!("ccmux: {t}\n")).unwrap_or_default(),
        code: 0,
    }
}

pub fn restart(hub: &mut Hub, target: &str, fresh: bool, now: Instant) -> ServerMsg {
    let id = match hub.find(target) {
        Ok(id) => id,
        Err(e) => return fail(e),
    };
    match hub.restart(id, fresh, now) {
        Ok(()) => ok(format!("restarted {}\n", id.short())),
        Err(e) => fail(format!("{}: {e}", id.short())),
    }
}

pub fn stop(hub: &mut Hub, target: &str) -> ServerMsg {
    let id = match hub.find(target) {
        Ok(id) => id,
        Err(e) => return fail(e),
    };
    if hub.stop(id) {
        ok(format!("stopping {}\n", id.short()))
    } else {
        fail(format!("{} is not running", id.short()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionId;
    use std::time::Duration;

    #[test]
    fn the_table_is_aligned_and_says_what_needs_the_user() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let info = |dir: &str, status, attention| SessionInfo {
            conversation: None,
            crashes: 0,
            restored: false,
            queued: 0,
            paused: false,
            id: SessionId::new(),
            number: 1,
            name: dir.rsplit('/').next().unwrap_or_default().to_string(),
            dir: dir.into(),
            status,
            title: String::new(),
            attention,
            started: now - Duration::from_secs(120),
            last_output: None,
            task: Some("fix\x1b the tests".into()),
            reason: Some("needs permission for Bash".into()),
        };
        let text = table(
            &[
                info("/a/api", Status::Waiting, true),
                info("/a/web", Status::Exited(1), false),
            ],
            now,
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("ID        NAME  STATUS"), "{text}");
        assert!(lines[1].contains(" api   waiting"), "{text}");
        assert!(
            lines[1].contains("waiting: needs permission for Bash !"),
            "{text}"
        );
        assert!(
            lines[1].contains("2m ago") && lines[1].contains("fix the tests"),
            "{text}"
        );
        assert!(lines[2].contains("exited 1"), "{text}");
        let col = |l: &str| l.find("/a/").unwrap();
        assert_eq!(col(lines[1]), col(lines[2]));
    }
}
