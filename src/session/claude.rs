//! The arguments ccmux gives Claude Code: which conversation it runs (a new
//! one under an id ccmux chose, or an earlier one to resume) and the hooks
//! that report to the server.

/// The conversation a Claude Code session starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conversation {
    /// A new conversation with this id (`--session-id`), so ccmux knows it
    /// from the start.
    New(String),
    /// An earlier conversation, by the id Claude reported for it (`--resume`).
    Resume(String),
}

/// The arguments Claude runs with: ccmux's (the conversation, then `hooks`,
/// the `--settings` that report to the server), and the user's, which come
/// after them.
///
/// A new conversation is not named when the user's own arguments pick up an
/// earlier one (`--continue`, `--resume`): Claude refuses `--session-id`
/// beside them, and its hooks report the id it uses. Resuming by id replaces
/// the user's own resume arguments, which would contradict it.
pub fn args(
    conversation: &Conversation,
    hooks: &[String],
    user: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut args = Vec::new();
    let user: Vec<String> = match conversation {
        Conversation::New(id) => {
            if !resumes(user) {
                args.extend(["--session-id".to_string(), id.clone()]);
            }
            user.to_vec()
        }
        Conversation::Resume(id) => {
            args.extend(["--resume".to_string(), id.clone()]);
            without_resume(user)
        }
    };
    args.extend(hooks.iter().cloned());
    (args, user)
}

/// Whether Claude Code's arguments pick up an earlier conversation.
fn resumes(args: &[String]) -> bool {
    args.iter()
        .any(|a| is_resume_flag(a) || a.starts_with("--resume="))
}

fn is_resume_flag(arg: &str) -> bool {
    matches!(arg, "-r" | "-c" | "--resume" | "--continue")
}

/// `args` without `--continue`/`-c`, and `--resume`/`-r` with the id that may
/// follow them (an argument that is not an option).
fn without_resume(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        if arg.starts_with("--resume=") || matches!(arg.as_str(), "-c" | "--continue") {
            continue;
        }
        if matches!(arg.as_str(), "-r" | "--resume") {
            if iter.peek().is_some_and(|next| !next.starts_with('-')) {
                iter.next();
            }
            continue;
        }
        out.push(arg.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    /// The whole command line, ccmux's arguments first.
    fn args(conversation: &Conversation, hooks: &[String], user: &[String]) -> Vec<String> {
        let (mut ours, user) = super::args(conversation, hooks, user);
        ours.extend(user);
        ours
    }

    #[test]
    fn a_new_conversation_is_named_unless_the_user_resumes_one() {
        let hooks = strings(&["--settings", "{}"]);
        let new = Conversation::New("c1".into());
        assert_eq!(
            args(&new, &hooks, &strings(&["--model", "x"])),
            strings(&["--session-id", "c1", "--settings", "{}", "--model", "x"])
        );
        assert_eq!(
            args(&new, &hooks, &strings(&["--continue"])),
            strings(&["--settings", "{}", "--continue"])
        );
        assert_eq!(
            args(&new, &[], &strings(&["--resume=abc"]))[0],
            "--resume=abc"
        );
    }

    #[test]
    fn resuming_by_id_replaces_the_users_own_resume_arguments() {
        let resume = Conversation::Resume("c2".into());
        assert_eq!(
            args(
                &resume,
                &[],
                &strings(&["-c", "--model", "x", "--resume", "old", "-r"])
            ),
            strings(&["--resume", "c2", "--model", "x"])
        );
        assert_eq!(
            args(
                &resume,
                &[],
                &strings(&["--resume=old", "--resume", "--verbose"])
            ),
            strings(&["--resume", "c2", "--verbose"])
        );
    }
}
