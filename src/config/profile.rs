//! Profiles: what a session runs. The top-level `command`, `args`, `env` and
//! `agent` are the default profile; `[profiles.NAME]` tables add others, so a
//! shell or a test runner can sit in a tab beside Claude Code sessions.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

/// Which agent a session's program is, for how ccmux watches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentKind {
    /// Claude Code: started with `--session-id` and hooks, its status read
    /// from them and from its screen.
    Claude,
    /// Any other program: busy while it prints, idle when it stops.
    Plain,
}

impl AgentKind {
    /// As the config spells them, for `agent = "…"`.
    const NAMES: [(&'static str, AgentKind); 2] =
        [("claude", AgentKind::Claude), ("plain", AgentKind::Plain)];

    /// The agent a profile runs: what its `agent` says, or else Claude Code
    /// when the program's file name is `claude` (a wrapper script needs
    /// `agent = "claude"`).
    pub fn of(command: &str, agent: Option<AgentKind>) -> AgentKind {
        agent.unwrap_or_else(|| {
            let name = Path::new(command).file_name().and_then(|n| n.to_str());
            if matches!(name, Some("claude" | "claude.exe")) {
                AgentKind::Claude
            } else {
                AgentKind::Plain
            }
        })
    }

    /// Parses an `agent` value; the error says what is accepted. `key` is
    /// where the value was written, e.g. `profiles.shell.agent`.
    pub(super) fn parse(value: &str, key: &str) -> Result<AgentKind, String> {
        let wanted = value.trim();
        Self::NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, kind)| *kind)
            .ok_or_else(|| {
                format!(
                    "{key}: \"{value}\" is not an agent; expected \"claude\" (Claude Code, also behind a wrapper script) or \"plain\" (any other program)"
                )
            })
    }
}

/// A profile resolved for starting sessions: every value is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The program, found on PATH unless it is a path.
    pub command: String,
    pub args: Vec<String>,
    /// Added to the session's environment.
    pub env: BTreeMap<String, String>,
    pub agent: AgentKind,
}

/// A `[profiles.NAME]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProfileFile {
    command: Spanned<String>,
    args: Option<Vec<String>>,
    env: Option<BTreeMap<String, String>>,
    agent: Option<Spanned<String>>,
}

type SpannedError = (Option<std::ops::Range<usize>>, String);

/// Checks and resolves the `[profiles]` tables. A profile stands on its own:
/// it takes nothing from the top-level keys, whose arguments would mean
/// nothing to another program.
pub(super) fn resolve(
    file: BTreeMap<Spanned<String>, ProfileFile>,
) -> Result<BTreeMap<String, Profile>, SpannedError> {
    let mut profiles = BTreeMap::new();
    for (name, profile) in file {
        let key = format!("profiles.{}", name.get_ref());
        if !is_valid_name(name.get_ref()) {
            return Err((
                Some(name.span()),
                format!(
                    "{key}: a profile name is letters, digits, `-`, `_` and `.`, as typed after --profile"
                ),
            ));
        }
        if profile.command.get_ref().trim().is_empty() {
            return Err((
                Some(profile.command.span()),
                format!("{key}.command: expected the program to run, like \"bash\""),
            ));
        }
        let agent = match &profile.agent {
            Some(agent) => Some(
                AgentKind::parse(agent.get_ref(), &format!("{key}.agent"))
                    .map_err(|message| (Some(agent.span()), message))?,
            ),
            None => None,
        };
        let command = profile.command.into_inner();
        profiles.insert(
            name.into_inner(),
            Profile {
                agent: AgentKind::of(&command, agent),
                command,
                args: profile.args.unwrap_or_default(),
                env: profile.env.unwrap_or_default(),
            },
        );
    }
    Ok(profiles)
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_is_told_by_the_file_name_or_the_agent_key() {
        let cases = [
            ("claude", None, AgentKind::Claude),
            ("/usr/local/bin/claude", None, AgentKind::Claude),
            ("claude.exe", None, AgentKind::Claude),
            ("bash", None, AgentKind::Plain),
            ("claude-dev", None, AgentKind::Plain),
            ("/opt/claude/bin/run", None, AgentKind::Plain),
            ("run-claude.sh", Some(AgentKind::Claude), AgentKind::Claude),
            ("claude", Some(AgentKind::Plain), AgentKind::Plain),
        ];
        for (command, agent, want) in cases {
            assert_eq!(AgentKind::of(command, agent), want, "{command} {agent:?}");
        }
    }

    #[test]
    fn agent_values() {
        assert_eq!(AgentKind::parse("claude", "agent"), Ok(AgentKind::Claude));
        assert_eq!(AgentKind::parse(" Claude ", "agent"), Ok(AgentKind::Claude));
        assert_eq!(AgentKind::parse("plain", "agent"), Ok(AgentKind::Plain));
        let err = AgentKind::parse("cluade", "profiles.x.agent").unwrap_err();
        assert!(
            err.starts_with("profiles.x.agent: \"cluade\" is not an agent; expected \"claude\""),
            "{err}"
        );
    }

    #[test]
    fn names() {
        for good in ["shell", "test-runner", "claude_opus", "v1.2", "Ü"] {
            assert!(is_valid_name(good), "{good}");
        }
        for bad in ["", "my shell", "a/b", "x\u{7}"] {
            assert!(!is_valid_name(bad), "{bad:?}");
        }
    }
}
