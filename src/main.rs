use std::ffi::OsStr;
use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use ccmux::cli::{Cli, Command, resolve_dirs};
use ccmux::client::{self, Target};
use ccmux::config::Config;
use ccmux::hooks;
use ccmux::proto::{NewSession, Request, SendTo};
use ccmux::say_error;

fn main() -> ExitCode {
    // Claude Code runs `ccmux hook` on every tool call: answer before clap,
    // config or anything else costs time.
    if std::env::args_os().nth(1).as_deref() == Some(OsStr::new(hooks::SUBCOMMAND)) {
        return hooks::run_hook();
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Failure::Usage(msg)) => {
            say_error(&msg);
            ExitCode::from(2)
        }
        Err(Failure::Runtime(e)) => {
            say_error(&format!("{e:#}"));
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

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    if cli.print_config {
        print!("{}", Config::DEFAULT_TOML);
        return Ok(ExitCode::SUCCESS);
    }
    let name = cli.server.as_deref();
    if cli.command.is_some() && (!cli.dirs.is_empty() || cli.cmd.is_some() || !cli.args.is_empty())
    {
        return Err(Failure::Usage(
            "directories, --cmd and -- ARGS go without a subcommand (or after `new`)".into(),
        ));
    }
    if let Some(Command::Server { foreground }) = &cli.command {
        let name = ccmux::paths::server_name(name).map_err(|e| Failure::Usage(format!("{e:#}")))?;
        return Ok(ccmux::server::run(
            &name,
            cli.config.as_deref(),
            *foreground,
        ));
    }
    // A mistake in the config, or a profile it does not have, is the user's
    // to fix now, not a server's to fail on later.
    let config = Config::load(cli.config.as_deref()).map_err(|e| Failure::Usage(e.to_string()))?;
    let profile = match &cli.command {
        Some(Command::New { profile, .. }) => profile.as_deref(),
        _ => cli.profile.as_deref(),
    };
    if let Some(name) = profile
        && config.profile(Some(name)).is_none()
    {
        let names = config.profile_names();
        return Err(Failure::Usage(if names.is_empty() {
            format!("no profile {name}: the config defines none ([profiles.{name}])")
        } else {
            format!("no profile {name} (the config has: {})", names.join(", "))
        }));
    }
    let target =
        Target::new(name, cli.config.clone()).map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::Usage(format!("cannot read the current directory: {e}")))?;
    let args = (!cli.args.is_empty()).then_some(cli.args);
    let program = cli.cmd.map(|p| absolute_program(p, &cwd));
    match cli.command {
        None => {
            let dirs = if cli.dirs.is_empty() {
                Vec::new()
            } else {
                resolve_dirs(&cli.dirs, &cwd).map_err(Failure::Usage)?
            };
            let default = NewSession {
                dir: cwd.clone(),
                program,
                args,
                profile: cli.profile,
            };
            let sessions = dirs
                .into_iter()
                .map(|dir| NewSession {
                    dir,
                    ..default.clone()
                })
                .collect();
            let request = Request::Attach {
                sessions,
                default,
                create: true,
            };
            check_attach(&target)?;
            Ok(client::attach(&target, request)?)
        }
        Some(Command::Attach) => {
            check_attach(&target)?;
            let request = Request::Attach {
                sessions: Vec::new(),
                default: NewSession {
                    dir: cwd,
                    ..NewSession::default()
                },
                create: false,
            };
            // Started if need be: a server that ended without being asked
            // to brings its sessions back.
            Ok(client::attach(&target, request)?)
        }
        Some(Command::Ls { json }) => command(&target, false, Request::List { json }),
        Some(Command::New {
            cmd,
            profile,
            dir,
            args,
        }) => {
            let dir = resolve_dirs(&[dir], &cwd)
                .map_err(Failure::Usage)?
                .remove(0);
            let new = NewSession {
                dir,
                program: cmd.map(|p| absolute_program(p, &cwd)),
                args: (!args.is_empty()).then_some(args),
                profile,
            };
            command(&target, true, Request::New(new))
        }
        Some(Command::Stop { id }) => command(&target, false, Request::Stop { target: id }),
        Some(Command::Restart { id, fresh }) => {
            command(&target, false, Request::Restart { target: id, fresh })
        }
        Some(Command::KillServer) => command(&target, false, Request::KillServer),
        Some(Command::Send {
            dir,
            all,
            raw,
            wait,
            mut words,
        }) => {
            let text = words.pop().unwrap_or_default();
            let to = match (dir, all, words.pop()) {
                (None, false, Some(id)) => SendTo::Id(id),
                (Some(dir), false, None) => SendTo::Dir(
                    resolve_dirs(&[dir], &cwd)
                        .map_err(Failure::Usage)?
                        .remove(0),
                ),
                (None, true, None) => SendTo::All,
                _ => {
                    return Err(Failure::Usage(
                        "send takes ID TEXT, or --dir PATH TEXT, or --all TEXT".into(),
                    ));
                }
            };
            let text = if text == "-" {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| {
                    Failure::Usage(format!("cannot read the prompt from stdin: {e}"))
                })?;
                text
            } else {
                text
            };
            let text = text.trim_end_matches('\n').to_string();
            if text.trim().is_empty() {
                return Err(Failure::Usage("the prompt is empty".into()));
            }
            command(
                &target,
                false,
                Request::Send {
                    to,
                    text,
                    raw,
                    wait,
                },
            )
        }
        Some(Command::Server { .. }) => unreachable!("handled above"),
    }
}

/// Sends one command to the server (starting it first if `start`).
fn command(target: &Target, start: bool, request: Request) -> Result<ExitCode, Failure> {
    if let Some(warning) = &target.warning {
        say_error(warning);
    }
    Ok(client::command(target, start, request)?)
}

/// An attached client needs a terminal, and must not be one of its own
/// server's sessions (it would draw itself inside itself).
fn check_attach(target: &Target) -> Result<(), Failure> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Failure::Usage(
            "stdin and stdout must be a terminal to attach (ccmux ls, new and stop work without)"
                .into(),
        ));
    }
    if client::nested_in(&target.socket) {
        return Err(Failure::Usage(format!(
            "refusing to attach inside one of this server's own sessions \
             (unset {} to force, or use another server with -L)",
            ccmux::paths::NEST_ENV
        )));
    }
    Ok(())
}

/// A program named by a relative path (`./run-claude.sh`) is found from
/// here, as a shell would, not from the server's directory.
fn absolute_program(program: String, cwd: &std::path::Path) -> String {
    if program.contains('/') && !program.starts_with('/') {
        cwd.join(&program).display().to_string()
    } else {
        program
    }
}
