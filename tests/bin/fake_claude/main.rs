//! fake-claude: a stand-in for the Claude Code CLI that integration and
//! end-to-end tests run inside real PTYs. It draws like Claude's classic
//! renderer, asks the terminal the same startup queries and answers a few
//! typed commands (`stream 5`, `perm`, `keys`, … see commands.rs) so a test
//! can drive every state a multiplexer has to show. Given `--settings` with
//! hooks, it runs them at the moments Claude Code does (see hooks.rs). It
//! keeps a transcript of the prompts where Claude does, so `--resume <id>`
//! takes a conversation up again, `/clear` starts a new one, and Ctrl-Z
//! suspends it as it does Claude.

pub(crate) mod app;
pub(crate) mod area;
pub(crate) mod commands;
pub(crate) mod editor;
pub(crate) mod hooks;
pub(crate) mod host;
pub(crate) mod keys;
pub(crate) mod matcher;
pub(crate) mod queries;
pub(crate) mod screen;
pub(crate) mod settings;
pub(crate) mod signals;
pub(crate) mod transcript;
pub(crate) mod tty;
pub(crate) mod width;

use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use app::{App, Flow, Opening};
use hooks::{EndReason, Event, Runner, Session};
use host::Host;
use screen::Screen;
use settings::Hooks;
use signals::SignalPipe;

#[derive(Debug)]
struct Options {
    queries: bool,
    query_timeout: Duration,
    session_id: Option<String>,
    /// The conversation to take up again (`--resume`, `-r`).
    resume: Option<String>,
    /// Inline JSON or a file path, as given.
    settings: Option<String>,
}

/// Unknown arguments are ignored: the multiplexer may pass more of the real
/// CLI's flags than the fake understands.
fn parse_args(args: impl IntoIterator<Item = String>) -> Options {
    let mut options = Options {
        queries: true,
        query_timeout: Duration::from_secs(3),
        session_id: None,
        resume: None,
        settings: None,
    };
    let mut args = args.into_iter().peekable();
    while let Some(arg) = args.next() {
        if arg == "--no-queries" {
            options.queries = false;
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next());
        match flag {
            "--query-timeout" => {
                if let Some(ms) = value().and_then(|ms| ms.parse().ok()) {
                    options.query_timeout = Duration::from_millis(ms);
                }
            }
            "--session-id" => options.session_id = value(),
            // The value is optional (without one Claude offers a picker):
            // a following flag is not taken for it.
            "--resume" | "-r" => {
                options.resume = inline
                    .clone()
                    .or_else(|| args.next_if(|next| !next.starts_with('-')))
                    .filter(|id| !id.is_empty());
            }
            "--settings" => options.settings = value(),
            _ => {}
        }
    }
    options
}

/// The hooks from `--settings`, and why they were ignored if they were.
fn load_hooks(settings: Option<&str>) -> (Hooks, Option<String>) {
    match settings.map(settings::load) {
        None => (Hooks::default(), None),
        Some(Ok(hooks)) => (hooks, None),
        Some(Err(why)) => (Hooks::default(), Some(why)),
    }
}

fn banner(cols: u16, rows: u16, hooks: &Hooks, settings_error: Option<&str>) -> Vec<String> {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| "-".to_owned());
    let cwd = std::env::current_dir()
        .map(|dir| dir.display().to_string())
        .unwrap_or_else(|_| "-".to_owned());
    let mut lines = vec![
        "Fake Claude v1".to_owned(),
        format!("cwd: {cwd}"),
        format!("session: {}", var("CCMUX_SESSION_ID")),
        // Terminal and size share a line so that the banner keeps its
        // height now that the app adds the conversation's (tests page
        // through it).
        format!(
            "term: {} {}, size: {cols}x{rows}",
            var("TERM"),
            var("COLORTERM")
        ),
        match hooks.event_count() {
            0 => "hooks: off".to_owned(),
            n => format!("hooks: on ({n} events)"),
        },
    ];
    lines.extend(settings_error.map(|why| format!("SETTINGS IGNORED: {why}")));
    lines
}

fn run(options: &Options, raw: Option<&tty::RawMode>) -> io::Result<i32> {
    let (hooks, settings_error) = load_hooks(options.settings.as_deref());
    let (cols, rows) = tty::window_size();
    let banner = banner(cols, rows, &hooks, settings_error.as_deref());
    // Hooks run in the session's directory; "." stands in for one that vanished.
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let id = options
        .resume
        .clone()
        .or_else(|| options.session_id.clone());
    let mut host = Host {
        runner: Runner::new(hooks),
        session: Session::new(id, cwd),
        raw,
        cont: SignalPipe::install(libc::SIGCONT).ok(),
    };
    // Claude refuses to start a conversation under an id that has one
    // already (on stderr, before any hook): only `--resume` takes it up.
    if options.resume.is_none() && host.session.transcript_path.exists() {
        let id = &host.session.id;
        eprint!("Error: Session ID {id} is already in use.\r\n");
        return Ok(1);
    }
    let opening = match &options.resume {
        None => Opening::Fresh,
        Some(_) => match transcript::prompts(&host.session.transcript_path) {
            Ok(prompts) => Opening::Resumed(prompts),
            // What Claude does with an id it has no transcript for.
            Err(_) => {
                let id = &host.session.id;
                let _ = tty::write_all(
                    format!("No conversation found with session ID: {id}\r\n").as_bytes(),
                );
                let end = Event::SessionEnd(EndReason::Other);
                host.runner.run(&host.session, &end);
                return Ok(1);
            }
        },
    };

    let winch = SignalPipe::install(libc::SIGWINCH).ok();
    let mut app = App::new(Screen::new(cols, rows));
    app.start(&banner, host.session.id.clone(), opening);
    if let Flow::Exit(code) = host.perform(&mut app)? {
        return Ok(host.finish(&mut app, code));
    }

    let typed = if options.queries {
        match queries::probe(options.query_timeout)? {
            queries::Outcome::Done(probe) => {
                app.set_sync(probe.sync);
                let mut lines: Vec<String> = probe
                    .failures
                    .iter()
                    .map(|query| format!("QUERY FAILED: no reply to {query}"))
                    .collect();
                let name = probe.name.as_deref().unwrap_or("-");
                let sync = if probe.sync { "on" } else { "off" };
                lines.push(format!("terminal: {name} sync={sync}"));
                app.announce(&lines);
                probe.typed
            }
            queries::Outcome::Eof => return Ok(host.finish(&mut app, 0)),
        }
    } else {
        app.announce(&["terminal: - sync=off (no queries)".to_owned()]);
        Vec::new()
    };

    let mut flow = app.input(&typed, Instant::now());
    let mut chunk = [0u8; 8192];
    while flow == Flow::Continue {
        flow = host.perform(&mut app)?;
        if flow != Flow::Continue {
            break;
        }
        let timeout = app
            .deadline()
            .map(|due| due.saturating_duration_since(Instant::now()));
        let ready = tty::wait(winch.as_ref(), timeout)?;
        if let (true, Some(winch)) = (ready.resize, &winch) {
            winch.drain();
            let (cols, rows) = tty::window_size();
            app.resize(cols, rows);
        }
        if ready.input {
            flow = match tty::read(tty::STDIN, &mut chunk) {
                // End of file or EIO: the terminal is gone.
                Ok(0) => Flow::Exit(0),
                Ok(n) => app.input(&chunk[..n], Instant::now()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => Flow::Continue,
                Err(e) => return Err(e),
            };
        }
        if flow == Flow::Continue {
            flow = app.tick(Instant::now());
        }
    }
    let Flow::Exit(code) = flow else {
        return Ok(0);
    };
    Ok(host.finish(&mut app, code))
}

fn main() {
    let options = parse_args(std::env::args().skip(1));
    let code = {
        // Dropped (and the terminal restored) before the process exits.
        let raw = tty::RawMode::enable();
        match run(&options, raw.as_ref()) {
            Ok(code) => code,
            // The terminal went away under a write: nobody is left to tell.
            Err(e) if e.raw_os_error() == Some(libc::EIO) => 0,
            Err(e) => {
                use std::io::Write;
                let _ = writeln!(io::stderr(), "fake-claude: {e}");
                1
            }
        }
    };
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Options {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_and_flags() {
        let options = args(&[]);
        assert!(options.queries);
        assert_eq!(options.query_timeout, Duration::from_secs(3));

        let options = args(&["--no-queries", "--query-timeout", "250"]);
        assert!(!options.queries);
        assert_eq!(options.query_timeout, Duration::from_millis(250));

        let options = args(&["--query-timeout=40"]);
        assert_eq!(options.query_timeout, Duration::from_millis(40));
    }

    #[test]
    fn session_id_and_settings_in_both_forms() {
        let options = args(&["--session-id", "abc", "--settings", "/tmp/s.json", "-c"]);
        assert!(options.queries);
        assert_eq!(options.query_timeout, Duration::from_secs(3));
        assert_eq!(options.session_id.as_deref(), Some("abc"));
        assert_eq!(options.settings.as_deref(), Some("/tmp/s.json"));

        let options = args(&["--session-id=x", r#"--settings={"hooks":{"a=b":[]}}"#]);
        assert_eq!(options.session_id.as_deref(), Some("x"));
        assert_eq!(options.settings.as_deref(), Some(r#"{"hooks":{"a=b":[]}}"#));
    }

    #[test]
    fn resume_in_every_form() {
        for list in [
            &["--resume", "abc"][..],
            &["-r", "abc"],
            &["--resume=abc"],
            &["--settings", "{}", "-r", "abc", "--no-queries"],
        ] {
            let options = args(list);
            assert_eq!(options.resume.as_deref(), Some("abc"), "{list:?}");
            assert_eq!(options.session_id, None);
        }
        // Without a value Claude offers a picker; the fake starts afresh,
        // and a flag that follows is no id.
        let options = args(&["--resume", "--no-queries"]);
        assert_eq!(options.resume, None);
        assert!(!options.queries);
        assert_eq!(args(&["-r"]).resume, None);
        assert_eq!(args(&["--resume="]).resume, None);
    }

    #[test]
    fn flags_missing_their_value_are_harmless() {
        let options = args(&["--settings"]);
        assert_eq!(options.settings, None);
        let options = args(&["--session-id="]);
        assert_eq!(options.session_id.as_deref(), Some(""));
    }

    #[test]
    fn banner_says_whether_hooks_are_on() {
        let (hooks, why) = load_hooks(None);
        let lines = banner(80, 24, &hooks, why.as_deref());
        assert_eq!(lines.last().map(String::as_str), Some("hooks: off"));

        let settings = r#"{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "true"}]}],
            "SessionEnd": [{"hooks": [{"type": "command", "command": "true"}]}]}}"#;
        let (hooks, why) = load_hooks(Some(settings));
        let lines = banner(80, 24, &hooks, why.as_deref());
        assert_eq!(
            lines.last().map(String::as_str),
            Some("hooks: on (2 events)")
        );

        let (hooks, why) = load_hooks(Some("/nonexistent.json"));
        let lines = banner(80, 24, &hooks, why.as_deref());
        assert_eq!(lines[lines.len() - 2], "hooks: off");
        assert!(lines[lines.len() - 1].starts_with("SETTINGS IGNORED: cannot read"));
    }
}
