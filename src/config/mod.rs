//! The user's configuration: `config.toml` in the platform config directory
//! (`~/.config/ccmux/config.toml` on Linux). Every key is optional; the
//! defaults are the embedded `assets/config.toml`, which `ccmux
//! --print-config` prints as a starting point.

mod color;
mod error;
mod file;
mod profile;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ratatui::style::Color;
use toml::Spanned;

pub use error::ConfigError;
pub use profile::{AgentKind, Profile};

use crate::keys::Keymap;
use crate::ui::theme::Theme;
use color::parse_color;
use file::{ColorsFile, ConfigFile, PickerFile};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The program each session runs, unless it names a profile: this and
    /// the three below are the default profile (`default_profile`).
    pub command: String,
    pub args: Vec<String>,
    /// Added to each session's environment.
    pub env: BTreeMap<String, String>,
    /// Which agent `command` runs, for when a wrapper starts it; `None`
    /// decides from the command's file name.
    pub agent: Option<AgentKind>,
    /// The other programs a session can run, by name (`[profiles.NAME]`).
    pub profiles: BTreeMap<String, Profile>,
    /// Lines of scrollback kept per session.
    pub scrollback: usize,
    /// Tell the host terminal when a session needs attention.
    pub notify: bool,
    /// Pass on the focused session's OSC 52 copies to the terminal.
    pub clipboard: bool,
    /// Bring back the sessions a server was running when it ended without
    /// being asked to (a crash, SIGKILL, SIGTERM at shutdown, a reboot).
    pub restore: bool,
    /// Restart a session whose program crashed, with backoff and a breaker.
    pub auto_restart: bool,
    pub picker: PickerConfig,
    pub theme: Theme,
    pub keymap: Keymap,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PickerConfig {
    /// Where the directory picker starts; `None` is the current directory.
    pub start_dir: Option<PathBuf>,
    pub show_hidden: bool,
}

impl Default for Config {
    /// The same as parsing `DEFAULT_TOML` (a test holds the two together),
    /// without parsing at run time.
    fn default() -> Self {
        Config {
            command: "claude".into(),
            args: Vec::new(),
            env: BTreeMap::new(),
            agent: None,
            profiles: BTreeMap::new(),
            scrollback: 10_000,
            notify: true,
            clipboard: true,
            restore: true,
            auto_restart: false,
            picker: PickerConfig::default(),
            theme: Theme::default(),
            keymap: Keymap::default(),
        }
    }
}

impl Config {
    pub const DEFAULT_TOML: &'static str = include_str!("../../assets/config.toml");

    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "ccmux")
            .map(|dirs| dirs.config_dir().join("config.toml"))
    }

    /// `path` None: the default path, and a missing default file is fine
    /// (defaults). `path` Some: the file must exist.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let (path, must_exist) = match path {
            Some(path) => (path.to_path_buf(), true),
            None => match Self::default_path() {
                Some(path) => (path, false),
                None => return Ok(Config::default()),
            },
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_toml(&text, &path.display().to_string()),
            Err(err) if !must_exist && err.kind() == std::io::ErrorKind::NotFound => {
                Ok(Config::default())
            }
            Err(source) => Err(ConfigError::Read { path, source }),
        }
    }

    /// Parses config text; `file_label` names it in errors.
    pub fn from_toml(text: &str, file_label: &str) -> Result<Config, ConfigError> {
        let fail = |span, message: &str| ConfigError::at(file_label, text, span, message);
        let file: ConfigFile =
            toml::from_str(text).map_err(|err| fail(err.span(), err.message()))?;

        let mut config = Config::default();
        if let Some(command) = file.command {
            if command.get_ref().trim().is_empty() {
                return Err(fail(
                    Some(command.span()),
                    "command: expected the program to run, like \"claude\"",
                ));
            }
            config.command = command.into_inner();
        }
        if let Some(args) = file.args {
            config.args = args;
        }
        if let Some(env) = file.env {
            config.env = env;
        }
        if let Some(scrollback) = file.scrollback {
            config.scrollback = scrollback;
        }
        if let Some(agent) = file.agent {
            config.agent = Some(
                AgentKind::parse(agent.get_ref(), "agent")
                    .map_err(|message| fail(Some(agent.span()), &message))?,
            );
        }
        if let Some(profiles) = file.profiles {
            config.profiles = profile::resolve(profiles).map_err(|(span, msg)| fail(span, &msg))?;
        }
        if let Some(notify) = file.notify {
            config.notify = notify;
        }
        if let Some(clipboard) = file.clipboard {
            config.clipboard = clipboard;
        }
        if let Some(restore) = file.restore {
            config.restore = restore;
        }
        if let Some(auto_restart) = file.auto_restart {
            config.auto_restart = auto_restart;
        }
        if let Some(picker) = file.picker {
            apply_picker(&mut config.picker, picker).map_err(|(span, msg)| fail(span, &msg))?;
        }
        if let Some(colors) = file.colors {
            apply_colors(&mut config.theme, colors).map_err(|(span, msg)| fail(span, &msg))?;
        }
        if let Some(keys) = file.keys {
            config.keymap =
                Keymap::from_config(&keys).map_err(|err| fail(err.span, &err.message))?;
        }
        Ok(config)
    }

    /// What a session runs when no profile is named: the top-level
    /// `command`, `args`, `env` and `agent` (after `--cmd` changed `command`).
    pub fn default_profile(&self) -> Profile {
        Profile {
            command: self.command.clone(),
            args: self.args.clone(),
            env: self.env.clone(),
            agent: AgentKind::of(&self.command, self.agent),
        }
    }

    /// The profile a session runs: `None` is the default one, a name one of
    /// `[profiles]`; `None` back when no profile has that name.
    pub fn profile(&self, name: Option<&str>) -> Option<Profile> {
        match name {
            None => Some(self.default_profile()),
            Some(name) => self.profiles.get(name).cloned(),
        }
    }

    /// The names of `[profiles]`, sorted: what `--profile` and the picker
    /// offer besides the default.
    pub fn profile_names(&self) -> Vec<String> {
        self.profiles.keys().cloned().collect()
    }
}

type SpannedError = (Option<std::ops::Range<usize>>, String);

fn apply_picker(picker: &mut PickerConfig, file: PickerFile) -> Result<(), SpannedError> {
    if let Some(dir) = file.start_dir {
        if dir.get_ref().trim().is_empty() {
            return Err((
                Some(dir.span()),
                "picker.start_dir: expected a directory; leave it out to start in the current directory".into(),
            ));
        }
        picker.start_dir = Some(expand_home(dir.get_ref()));
    }
    if let Some(show_hidden) = file.show_hidden {
        picker.show_hidden = show_hidden;
    }
    Ok(())
}

/// `~` and `~/…` are the home directory, as in a shell.
fn expand_home(path: &str) -> PathBuf {
    let home = || directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_path_buf());
    if path == "~" {
        if let Some(home) = home() {
            return home;
        }
    } else if let Some(rest) = path.strip_prefix("~/")
        && let Some(home) = home()
    {
        return home.join(rest);
    }
    PathBuf::from(path)
}

fn apply_colors(theme: &mut Theme, file: ColorsFile) -> Result<(), SpannedError> {
    let fields: [(&str, Option<Spanned<String>>, &mut Color); 10] = [
        ("accent", file.accent, &mut theme.accent),
        ("chrome_fg", file.chrome_fg, &mut theme.chrome_fg),
        ("chrome_bg", file.chrome_bg, &mut theme.chrome_bg),
        ("dim", file.dim, &mut theme.dim),
        ("attention", file.attention, &mut theme.attention),
        ("idle", file.idle, &mut theme.idle),
        ("busy", file.busy, &mut theme.busy),
        ("waiting", file.waiting, &mut theme.waiting),
        ("exited", file.exited, &mut theme.exited),
        ("failed", file.failed, &mut theme.failed),
    ];
    for (name, value, slot) in fields {
        let Some(value) = value else { continue };
        *slot = parse_color(value.get_ref()).ok_or_else(|| {
            (
                Some(value.span()),
                format!(
                    "colors.{name}: \"{}\" is not a colour; expected a name like \"cyan\" or \"bright-blue\", \"default\", a palette index 0-255, or \"#rrggbb\"",
                    value.get_ref()
                ),
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
