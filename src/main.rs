use std::ffi::OsStr;
use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use ccmux::app::{self, App, NotifyStyle, Options};
use ccmux::cli::{Cli, resolve_dirs};
use ccmux::config::Config;
use ccmux::hooks::{self, HookServer};
use ccmux::picker::RecentDirs;
use ccmux::session::{Launch, Registry};
use ccmux::status::Rules;
use ccmux::tui;

fn main() -> ExitCode {
    // Claude Code runs `ccmux hook` on every tool call: answer before clap,
    // config or anything else costs time.
    if std::env::args_os().nth(1).as_deref() == Some(OsStr::new(hooks::SUBCOMMAND)) {
        return hooks::run_hook();
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("ccmux: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(e)) => {
            eprintln!("ccmux: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Usage errors (bad arguments, config, no terminal) exit 2, like clap's own.
enum Failure {
    Usage(String),
    Runtime(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Runtime(e)
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    if cli.print_config {
        print!("{}", Config::DEFAULT_TOML);
        return Ok(());
    }
    let mut config =
        Config::load(cli.config.as_deref()).map_err(|e| Failure::Usage(e.to_string()))?;
    if let Some(cmd) = cli.cmd {
        config.command = cmd;
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::Usage(format!("cannot read the current directory: {e}")))?;
    let dirs = resolve_dirs(&cli.dirs, &cwd).map_err(Failure::Usage)?;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Failure::Usage(
            "stdin and stdout must be a terminal (ccmux is interactive)".into(),
        ));
    }

    let claude = config.is_claude();
    let hook_server = if claude {
        match HookServer::bind() {
            Ok(server) => Some(server),
            Err(e) => {
                // Statuses then come from the screen rules alone.
                eprintln!("ccmux: hooks are off: {e:#}");
                None
            }
        }
    } else {
        None
    };
    let mut env: Vec<(String, String)> = config.env.clone().into_iter().collect();
    let mut claude_hooks = None;
    if let Some(server) = &hook_server {
        env.push((
            hooks::SOCKET_ENV.to_string(),
            server.path().display().to_string(),
        ));
        claude_hooks = std::env::current_exe().ok();
    }
    let launch = Launch {
        program: config.command.clone(),
        args: if cli.args.is_empty() {
            config.args.clone()
        } else {
            cli.args
        },
        env,
        scrollback: config.scrollback,
        claude_hooks,
    };
    let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    let recent_path =
        directories::ProjectDirs::from("", "", "ccmux").map(|p| p.data_dir().join("recent-dirs"));
    let mut recent = match &recent_path {
        Some(path) => RecentDirs::load(path).map_err(|e| Failure::Usage(format!("{e:#}")))?,
        None => RecentDirs::default(),
    };
    for dir in dirs.iter().rev() {
        recent.touch(dir);
    }

    tui::install_panic_hook();
    let mut host = tui::HostTerminal::enter()?;
    let size = host.size();
    let (rows, cols) = app::session_size(size);
    let (mut registry, events) = Registry::new(launch, rows, cols);
    for dir in &dirs {
        registry.spawn(dir.clone());
    }
    if let Some(path) = &recent_path {
        // Not being able to remember directories must not stop the user.
        let _ = recent.save(path);
    }
    let opts = Options {
        keymap: config.keymap.clone(),
        theme: config.theme.clone(),
        picker_start: config.picker.start_dir.clone().unwrap_or(cwd),
        show_hidden: config.picker.show_hidden,
        home,
        recent,
        recent_path,
        notify: config.notify,
        notify_style: NotifyStyle::detect(
            std::env::var("TERM").ok().as_deref(),
            std::env::var("TERM_PROGRAM").ok().as_deref(),
        ),
        claude,
        rules: Rules::default(),
        tz: jiff::tz::TimeZone::system(),
    };
    let app = App::new(registry, opts, size);
    let result = tui::run(&mut host, app, events, hook_server);
    drop(host);
    let app = result?;
    let live = app.registry().live_count();
    if live > 0 {
        eprintln!("ccmux: stopping {live} session(s)…");
        app.registry().stop_all();
    }
    Ok(())
}
