//! The arguments that make a `claude` session report to ccmux.
//!
//! `--settings` adds to the user's settings for this process only: Claude
//! merges its hooks with the ones from the user's own files, which stay as
//! they are. Claude rejects the whole `--settings` value if one event name is
//! unknown to it, so only events long in Claude Code are registered.
//! (`PostToolUseFailure`, which the tracker understands, is newer; a failed
//! tool is followed by other events anyway.)

use std::path::Path;

use serde_json::{Map, Value, json};

use super::SUBCOMMAND;

/// How long Claude lets the hook run. `ccmux hook` gives up by itself within
/// about a second; this is Claude's backstop, never the expected case.
const HOOK_TIMEOUT_SECS: u64 = 5;

/// Every event registered, and whether it names a tool (those take a matcher).
const EVENTS: &[(&str, bool)] = &[
    ("SessionStart", false),
    ("UserPromptSubmit", false),
    ("PreToolUse", true),
    ("PostToolUse", true),
    ("PermissionRequest", true),
    ("Notification", false),
    ("Stop", false),
    ("SubagentStop", false),
    ("PreCompact", false),
    ("SessionEnd", false),
];

/// `--settings <json>`, registering `ccmux_exe hook` for every event the
/// tracker reads.
///
/// A path that is not UTF-8 cannot be said in JSON; it is passed lossily,
/// and hooks then fail to start (Claude carries on without them).
pub fn settings_args(ccmux_exe: &Path) -> Vec<String> {
    vec!["--settings".into(), settings(ccmux_exe).to_string()]
}

fn settings(ccmux_exe: &Path) -> Value {
    let command = format!("{} {SUBCOMMAND}", shell_quote(&ccmux_exe.to_string_lossy()));
    let hooks: Map<String, Value> = EVENTS
        .iter()
        .map(|&(event, names_tool)| {
            let mut group = json!({
                "hooks": [{
                    "type": "command",
                    "command": command,
                    "timeout": HOOK_TIMEOUT_SECS,
                }],
            });
            if names_tool {
                group["matcher"] = json!("*");
            }
            (event.to_string(), json!([group]))
        })
        .collect();
    json!({ "hooks": hooks })
}

/// Quotes a word for `sh -c`, which is how Claude runs hook commands: inside
/// single quotes nothing is special but the quote itself.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn args_carry_the_settings() {
        let args = settings_args(Path::new("/usr/local/bin/ccmux"));
        assert_eq!(args.len(), 2);
        assert_eq!(args[0], "--settings");
        let json: Value = serde_json::from_str(&args[1]).unwrap();
        assert_eq!(json, settings(Path::new("/usr/local/bin/ccmux")));
    }

    #[test]
    fn settings_shape() {
        let json = settings(Path::new("/usr/local/bin/ccmux"));
        let root = json.as_object().unwrap();
        assert_eq!(root.keys().collect::<Vec<_>>(), ["hooks"]);
        let hooks = json["hooks"].as_object().unwrap();
        let mut names: Vec<&str> = hooks.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "Notification",
                "PermissionRequest",
                "PostToolUse",
                "PreCompact",
                "PreToolUse",
                "SessionEnd",
                "SessionStart",
                "Stop",
                "SubagentStop",
                "UserPromptSubmit",
            ]
        );
        let handler = json!([{
            "type": "command",
            "command": "'/usr/local/bin/ccmux' hook",
            "timeout": 5,
        }]);
        for (event, groups) in hooks {
            let tool = ["PreToolUse", "PostToolUse", "PermissionRequest"].contains(&event.as_str());
            let expected = if tool {
                json!([{ "matcher": "*", "hooks": handler }])
            } else {
                json!([{ "hooks": handler }])
            };
            assert_eq!(groups, &expected, "{event}");
        }
    }

    #[test]
    fn command_quotes_the_path() {
        let json = settings(Path::new("/opt/my tools/it's/ccmux"));
        assert_eq!(
            json["hooks"]["Stop"][0]["hooks"][0]["command"],
            r"'/opt/my tools/it'\''s/ccmux' hook"
        );
    }

    /// The quoting is right if a shell runs exactly that program with `hook`.
    #[test]
    fn shell_runs_the_quoted_path() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a dir with 'quotes' and $HOME `x`");
        std::fs::create_dir(&dir).unwrap();
        let exe: PathBuf = dir.join("cc mux");
        let out = tmp.path().join("out");
        std::fs::write(
            &exe,
            format!("#!/bin/sh\nprintf '%s|' \"$@\" > '{}'\n", out.display()),
        )
        .unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();

        let json = settings(&exe);
        let command = json["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
            .as_str()
            .unwrap();
        let status = std::process::Command::new("/bin/sh")
            .args(["-c", command])
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "hook|");
    }
}
