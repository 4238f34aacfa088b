//! What a new session runs: a profile from the config (the default one
//! unless named), or a program the client named with `--cmd`.

use std::collections::BTreeMap;

use crate::config::{AgentKind, Profile};
use crate::proto::NewSession;
use crate::session::Request;

pub struct Launcher {
    default: Profile,
    named: BTreeMap<String, Profile>,
}

impl Launcher {
    pub fn new(default: Profile, named: BTreeMap<String, Profile>) -> Launcher {
        Launcher { default, named }
    }

    /// The named profiles, sorted: what `--profile` and the picker offer.
    pub fn names(&self) -> Vec<String> {
        self.named.keys().cloned().collect()
    }

    /// The session `new` asks for, started from `env` (the asking client's;
    /// None: the server's). An unknown profile is an error for the user.
    ///
    /// A program named with `--cmd` is Claude Code only by its file name
    /// (the config's `agent` speaks for its own command, never for another
    /// program), and gets only the arguments given with it.
    pub fn request(
        &self,
        new: &NewSession,
        env: Option<Vec<(String, String)>>,
    ) -> Result<Request, String> {
        let profile = match (&new.profile, &new.program) {
            (Some(name), _) => self.named.get(name).cloned().ok_or_else(|| {
                let names = self.names();
                if names.is_empty() {
                    format!("no profile {name}: the config defines none")
                } else {
                    format!("no profile {name} (the config has: {})", names.join(", "))
                }
            })?,
            (None, Some(program)) => Profile {
                command: program.clone(),
                args: Vec::new(),
                env: self.default.env.clone(),
                agent: AgentKind::of(program, None),
            },
            (None, None) => self.default.clone(),
        };
        let mut env = env.unwrap_or_else(|| std::env::vars().collect());
        env.extend(profile.env);
        Ok(Request {
            dir: new.dir.clone(),
            program: Some(profile.command),
            args: Some(new.args.clone().unwrap_or(profile.args)),
            env: Some(env),
            claude: Some(profile.agent == AgentKind::Claude),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launcher() -> Launcher {
        let profile = |command: &str, agent| Profile {
            command: command.into(),
            args: vec!["--x".into()],
            env: BTreeMap::from([("P".to_string(), command.to_string())]),
            agent,
        };
        Launcher::new(
            profile("claude-wrapper.sh", AgentKind::Claude),
            BTreeMap::from([("shell".to_string(), profile("bash", AgentKind::Plain))]),
        )
    }

    fn new(profile: Option<&str>, program: Option<&str>) -> NewSession {
        NewSession {
            dir: "/d".into(),
            program: program.map(str::to_string),
            args: None,
            profile: profile.map(str::to_string),
        }
    }

    #[test]
    fn profiles_programs_and_the_default() {
        let l = launcher();
        let env = Some(vec![("FOO".to_string(), "1".to_string())]);
        let r = l.request(&new(None, None), env.clone()).unwrap();
        assert_eq!(r.program.as_deref(), Some("claude-wrapper.sh"));
        assert_eq!(r.claude, Some(true));
        assert_eq!(r.args, Some(vec!["--x".to_string()]));
        let vars = r.env.unwrap();
        assert!(vars.contains(&("FOO".into(), "1".into())));
        assert!(vars.contains(&("P".into(), "claude-wrapper.sh".into())));

        let r = l.request(&new(Some("shell"), None), env.clone()).unwrap();
        assert_eq!(r.program.as_deref(), Some("bash"));
        assert_eq!(r.claude, Some(false));

        // --cmd bash beside an agent = "claude" default: not Claude, and
        // without the default's arguments.
        let r = l.request(&new(None, Some("bash")), env.clone()).unwrap();
        assert_eq!(r.claude, Some(false));
        assert_eq!(r.args, Some(vec![]));
        let r = l.request(&new(None, Some("/opt/claude")), env).unwrap();
        assert_eq!(r.claude, Some(true));

        let err = l.request(&new(Some("nope"), None), None).unwrap_err();
        assert_eq!(err, "no profile nope (the config has: shell)");
    }
}
