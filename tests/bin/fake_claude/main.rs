//! fake-claude: a stand-in for the Claude Code CLI that integration and
//! end-to-end tests run inside real PTYs. It draws like Claude's classic
//! renderer, asks the terminal the same startup queries and answers a few
//! typed commands (`stream 5`, `perm`, `keys`, … see commands.rs) so a test
//! can drive every state a multiplexer has to show.

mod app;
mod area;
mod commands;
mod editor;
mod keys;
mod queries;
mod screen;
mod tty;
mod width;

use std::io;
use std::time::{Duration, Instant};

use app::{App, Flow};
use screen::Screen;

struct Options {
    queries: bool,
    query_timeout: Duration,
}

/// Unknown arguments are ignored: the multiplexer passes the real CLI's
/// flags (`--session-id`, `--settings`, …) and the fake must accept them.
fn parse_args(args: impl IntoIterator<Item = String>) -> Options {
    let mut options = Options {
        queries: true,
        query_timeout: Duration::from_secs(3),
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let timeout = match arg.as_str() {
            "--no-queries" => {
                options.queries = false;
                None
            }
            "--query-timeout" => args.next(),
            other => other.strip_prefix("--query-timeout=").map(str::to_owned),
        };
        if let Some(ms) = timeout.and_then(|ms| ms.parse().ok()) {
            options.query_timeout = Duration::from_millis(ms);
        }
    }
    options
}

fn banner(cols: u16, rows: u16) -> Vec<String> {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| "-".to_owned());
    let cwd = std::env::current_dir()
        .map(|dir| dir.display().to_string())
        .unwrap_or_else(|_| "-".to_owned());
    vec![
        "Fake Claude v1".to_owned(),
        format!("cwd: {cwd}"),
        format!("session: {}", var("CCMUX_SESSION_ID")),
        format!("term: {} {}", var("TERM"), var("COLORTERM")),
        format!("size: {cols}x{rows}"),
    ]
}

fn run(options: &Options) -> io::Result<i32> {
    let winch = tty::Winch::install().ok();
    let (cols, rows) = tty::window_size();
    let mut app = App::new(Screen::new(cols, rows));
    app.start(&banner(cols, rows));
    tty::write_all(app.take_output().as_bytes())?;

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
            queries::Outcome::Eof => return Ok(finish(&mut app, 0)),
        }
    } else {
        app.announce(&["terminal: - sync=off (no queries)".to_owned()]);
        Vec::new()
    };

    let mut flow = app.input(&typed, Instant::now());
    let mut chunk = [0u8; 8192];
    while flow == Flow::Continue {
        tty::write_all(app.take_output().as_bytes())?;
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
    Ok(finish(&mut app, code))
}

/// Put the terminal modes back; the terminal may already be gone, which is fine.
fn finish(app: &mut App, code: i32) -> i32 {
    let _ = tty::write_all(app.finish().as_bytes());
    code
}

fn main() {
    let options = parse_args(std::env::args().skip(1));
    let code = {
        // Dropped (and the terminal restored) before the process exits.
        let _raw = tty::RawMode::enable();
        match run(&options) {
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
    fn real_cli_flags_are_ignored() {
        let options = args(&["--session-id", "abc", "--settings", "/tmp/s.json", "-c"]);
        assert!(options.queries);
        assert_eq!(options.query_timeout, Duration::from_secs(3));
    }
}
