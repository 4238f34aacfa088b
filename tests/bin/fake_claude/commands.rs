//! The little language tests type at the fake's prompt.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Print `line 1` … `line N`, one every `every`.
    Stream {
        lines: u64,
        every: Duration,
    },
    /// Print `count 1`, `count 2`, … until interrupted.
    Count,
    /// Spin for a while, then answer.
    Slow(Duration),
    /// Ask to run a Bash command, announcing the dialog to hooks this way.
    Perm(Ask),
    /// Use a tool that needs no permission, then answer.
    Tool(String),
    Title(String),
    Bell,
    Notify(String),
    Keys,
    AppCursor(bool),
    Mouse(bool),
    Alt(bool),
    /// Wipe the screen (the conversation goes on).
    Clear,
    Size,
    Exit(i32),
    Env(String),
    /// Anything else, answered with `● You said: …`.
    Say(String),
}

/// How a permission dialog is announced to hooks: newer Claude Code sends
/// PermissionRequest, older versions only a `permission_prompt` Notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    PermissionRequest,
    Notification,
}

/// Claude's own slash commands: the CLI runs them itself, so they are no
/// prompt (no UserPromptSubmit, no Stop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slash {
    /// `/clear`: end the conversation and start a new one, with a new id.
    Clear,
}

pub fn slash(line: &str) -> Option<Slash> {
    match line {
        "/clear" => Some(Slash::Clear),
        _ => None,
    }
}

pub fn parse(line: &str) -> Command {
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let mut args = rest.split_whitespace();
    let parsed = match word {
        "stream" => stream(args.next(), args.next()),
        "count" if rest.is_empty() => Some(Command::Count),
        "slow" => match args.next() {
            None => Some(Command::Slow(Duration::from_secs(3))),
            Some(secs) => secs
                .parse::<f64>()
                .ok()
                .and_then(|s| Duration::try_from_secs_f64(s).ok())
                .map(Command::Slow),
        },
        "perm" if rest.is_empty() => Some(Command::Perm(Ask::PermissionRequest)),
        "notify-perm" if rest.is_empty() => Some(Command::Perm(Ask::Notification)),
        "tool" => match (args.next(), args.next()) {
            (Some(name), None) => Some(Command::Tool(name.to_owned())),
            _ => None,
        },
        "title" => Some(Command::Title(rest.to_owned())),
        "bell" if rest.is_empty() => Some(Command::Bell),
        "notify" => Some(Command::Notify(rest.to_owned())),
        "keys" if rest.is_empty() => Some(Command::Keys),
        "appcursor" => on_off(rest).map(Command::AppCursor),
        "mouse" => on_off(rest).map(Command::Mouse),
        "alt" => on_off(rest).map(Command::Alt),
        "clear" if rest.is_empty() => Some(Command::Clear),
        "size" if rest.is_empty() => Some(Command::Size),
        "exit" => match rest.trim() {
            "" => Some(Command::Exit(0)),
            code => code.parse().ok().map(Command::Exit),
        },
        "env" if !rest.trim().is_empty() => Some(Command::Env(rest.trim().to_owned())),
        _ => None,
    };
    parsed.unwrap_or_else(|| Command::Say(line.to_owned()))
}

fn stream(lines: Option<&str>, every_ms: Option<&str>) -> Option<Command> {
    let lines = lines?.parse().ok()?;
    let every = match every_ms {
        None => Duration::from_millis(10),
        Some(ms) => Duration::from_millis(ms.parse().ok()?),
    };
    Some(Command::Stream { lines, every })
}

fn on_off(arg: &str) -> Option<bool> {
    match arg.trim() {
        "on" => Some(true),
        "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_with_and_without_interval() {
        assert_eq!(
            parse("stream 5"),
            Command::Stream {
                lines: 5,
                every: Duration::from_millis(10)
            }
        );
        assert_eq!(
            parse("stream 3 250"),
            Command::Stream {
                lines: 3,
                every: Duration::from_millis(250)
            }
        );
    }

    #[test]
    fn slow_takes_fractional_seconds() {
        assert_eq!(parse("slow"), Command::Slow(Duration::from_secs(3)));
        assert_eq!(parse("slow 0.5"), Command::Slow(Duration::from_millis(500)));
    }

    #[test]
    fn switches_and_arguments() {
        assert_eq!(parse("appcursor on"), Command::AppCursor(true));
        assert_eq!(parse("mouse off"), Command::Mouse(false));
        assert_eq!(parse("alt on"), Command::Alt(true));
        assert_eq!(parse("title my tab"), Command::Title("my tab".into()));
        assert_eq!(parse("notify hi there"), Command::Notify("hi there".into()));
        assert_eq!(parse("exit 3"), Command::Exit(3));
        assert_eq!(parse("exit"), Command::Exit(0));
        assert_eq!(parse("env HOME"), Command::Env("HOME".into()));
        assert_eq!(parse("perm"), Command::Perm(Ask::PermissionRequest));
        assert_eq!(parse("notify-perm"), Command::Perm(Ask::Notification));
        assert_eq!(parse("tool Read"), Command::Tool("Read".into()));
        assert_eq!(parse("clear"), Command::Clear);
    }

    #[test]
    fn slash_commands_are_whole_lines() {
        assert_eq!(slash("/clear"), Some(Slash::Clear));
        for line in ["clear", "/clear all", " /clear", "/clearx", "/"] {
            assert_eq!(slash(line), None, "{line:?}");
        }
    }

    #[test]
    fn malformed_commands_are_just_talk() {
        for line in [
            "stream",
            "stream x",
            "stream 3 -1",
            "slow -1",
            "slow nan",
            "alt maybe",
            "exit now",
            "env",
            "count to ten",
            "perm now",
            "tool",
            "tool a b",
            "hello world",
            "",
        ] {
            assert_eq!(parse(line), Command::Say(line.into()), "{line:?}");
        }
    }
}
