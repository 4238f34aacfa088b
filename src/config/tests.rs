use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::action::Action;
use crate::keys::KeyLookup;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml(text, "c.toml")
}

fn error(text: &str) -> String {
    match parse(text) {
        Ok(config) => panic!("{text:?} was accepted: {config:?}"),
        Err(err) => err.to_string(),
    }
}

#[test]
fn the_embedded_file_is_the_defaults() {
    assert_eq!(
        Config::from_toml(Config::DEFAULT_TOML, "default").unwrap(),
        Config::default()
    );
}

#[test]
fn an_empty_file_is_the_defaults() {
    assert_eq!(parse("").unwrap(), Config::default());
    let config = Config::default();
    assert_eq!(config.command, "claude");
    assert!(config.args.is_empty());
    assert!(config.env.is_empty());
    assert_eq!(config.scrollback, 10_000);
    assert_eq!(config.agent, None);
    assert!(config.notify);
    assert_eq!(config.picker, PickerConfig::default());
    assert_eq!(config.theme, Theme::default());
    assert!(config.default_profile().agent == AgentKind::Claude);
}

/// Every key of the embedded file is commented, so `--print-config` explains
/// itself.
#[test]
fn every_key_of_the_embedded_file_is_commented() {
    let lines: Vec<&str> = Config::DEFAULT_TOML.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let is_setting = !line.starts_with('#') && !line.starts_with('[') && line.contains(" = ");
        if is_setting {
            let previous = if i > 0 { lines[i - 1] } else { "" };
            assert!(previous.starts_with('#'), "no comment above {line:?}");
        }
    }
}

#[test]
fn every_key_can_be_set() {
    let config = parse(
        r##"
        command = "/opt/bin/claude-wrapper"
        args = ["--model", "opus"]
        scrollback = 0
        agent = "claude"
        notify = false
        [env]
        FOO = "1"
        BAR = "two words"
        [picker]
        start_dir = "/srv/code"
        show_hidden = true
        [colors]
        accent = "#ff8800"
        chrome_fg = "238"
        chrome_bg = "black"
        dim = "white"
        attention = "bright-red"
        idle = "default"
        busy = "bright-blue"
        waiting = "#abc"
        exited = "8"
        failed = "magenta"
        [keys]
        prefix = "ctrl-a"
        [keys.bindings]
        quit = ["prefix Q"]
        [profiles.shell]
        command = "bash"
        args = ["-l"]
        env = { PS1 = "$ " }
        agent = "plain"
        "##,
    )
    .unwrap();
    assert_eq!(config.command, "/opt/bin/claude-wrapper");
    assert_eq!(config.args, ["--model", "opus"]);
    assert_eq!(config.scrollback, 0);
    assert_eq!(config.agent, Some(AgentKind::Claude));
    assert!(!config.notify);
    assert_eq!(
        config.env,
        BTreeMap::from([
            ("FOO".to_string(), "1".to_string()),
            ("BAR".to_string(), "two words".to_string())
        ])
    );
    assert_eq!(
        config.picker,
        PickerConfig {
            start_dir: Some(PathBuf::from("/srv/code")),
            show_hidden: true
        }
    );
    assert_eq!(
        config.theme,
        Theme {
            accent: Color::Rgb(0xff, 0x88, 0x00),
            chrome_fg: Color::Indexed(238),
            chrome_bg: Color::Black,
            dim: Color::Gray,
            attention: Color::LightRed,
            idle: Color::Reset,
            busy: Color::LightBlue,
            waiting: Color::Rgb(0xaa, 0xbb, 0xcc),
            exited: Color::Indexed(8),
            failed: Color::Magenta,
        }
    );
    let ctrl_a = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::CONTROL);
    assert_eq!(config.keymap.lookup(&ctrl_a), KeyLookup::Prefix);
    let shift_q = KeyEvent::new(KeyCode::Char('Q'), KeyModifiers::SHIFT);
    assert_eq!(config.keymap.lookup_prefixed(&shift_q), Some(Action::Quit));
    assert!(config.default_profile().agent == AgentKind::Claude);
    assert_eq!(
        config.profiles,
        BTreeMap::from([(
            "shell".to_string(),
            Profile {
                command: "bash".into(),
                args: vec!["-l".into()],
                env: BTreeMap::from([("PS1".into(), "$ ".into())]),
                agent: AgentKind::Plain,
            }
        )])
    );
}

#[test]
fn colours_left_out_keep_their_default() {
    let config = parse("[colors]\naccent = \"red\"").unwrap();
    assert_eq!(
        config.theme,
        Theme {
            accent: Color::Red,
            ..Theme::default()
        }
    );
}

#[test]
fn start_dir_expands_home() {
    let Some(home) = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()) else {
        return;
    };
    let dir = |text: &str| {
        parse(&format!("[picker]\nstart_dir = {text:?}"))
            .unwrap()
            .picker
            .start_dir
    };
    assert_eq!(dir("~"), Some(home.clone()));
    assert_eq!(dir("~/src"), Some(home.join("src")));
    assert_eq!(dir("~user/src"), Some(PathBuf::from("~user/src")));
    assert_eq!(dir("relative"), Some(PathBuf::from("relative")));
}

#[test]
fn the_default_profile_is_claude_by_agent_then_command_name() {
    let cases = [
        ("", true),
        ("command = \"claude\"", true),
        ("command = \"/usr/local/bin/claude\"", true),
        ("command = \"claude.exe\"", true),
        ("command = \"my-wrapper\"", false),
        ("command = \"/opt/claude/bin/run\"", false),
        ("command = \"claude-dev\"", false),
        ("command = \"my-wrapper\"\nagent = \"claude\"", true),
        ("command = \"my-wrapper\"\nagent = \"Claude\"", true),
        ("command = \"claude\"\nagent = \"plain\"", false),
    ];
    for (text, want) in cases {
        assert_eq!(
            parse(text).unwrap().default_profile().agent == AgentKind::Claude,
            want,
            "{text:?}"
        );
    }
}

/// Each kind of mistake is reported as `file:line:col: what`, pointing at
/// the mistake.
#[test]
fn errors_point_at_the_mistake() {
    let cases = [
        // Syntax.
        (
            "command = \"claude",
            "c.toml:1:18: invalid basic string, expected `\"`",
        ),
        ("args = [\"a\",,]", "c.toml:1:13: "),
        ("[picker\nshow_hidden = true", "c.toml:1:8: "),
        // Unknown keys, at any depth.
        (
            "comand = \"x\"",
            "c.toml:1:1: unknown field `comand`, expected one of",
        ),
        (
            "\n\n[picker]\nshow_hiden = true",
            "c.toml:4:1: unknown field `show_hiden`",
        ),
        (
            "[colours]\naccent = \"red\"",
            "c.toml:1:2: unknown field `colours`",
        ),
        (
            "[colors]\nbackground = \"red\"",
            "c.toml:2:1: unknown field `background`",
        ),
        (
            "[keys]\nleader = \"ctrl-a\"",
            "c.toml:2:1: unknown field `leader`",
        ),
        // Wrong types.
        (
            "scrollback = \"lots\"",
            "c.toml:1:14: invalid type: string \"lots\", expected usize",
        ),
        (
            "scrollback = -1",
            "c.toml:1:14: invalid value: integer `-1`, expected usize",
        ),
        (
            "notify = \"yes\"",
            "c.toml:1:10: invalid type: string \"yes\", expected a boolean",
        ),
        (
            "args = \"--fast\"",
            "c.toml:1:8: invalid type: string \"--fast\", expected a sequence",
        ),
        (
            "[env]\nFOO = 1",
            "c.toml:2:7: invalid type: integer `1`, expected a string",
        ),
        (
            "[keys.bindings]\nquit = \"prefix q\"",
            "c.toml:2:8: invalid type: string \"prefix q\", expected a sequence",
        ),
        // Values that are the right type but wrong.
        (
            "command = \"  \"",
            "c.toml:1:11: command: expected the program to run",
        ),
        (
            "[picker]\nstart_dir = \"\"",
            "c.toml:2:13: picker.start_dir: expected a directory",
        ),
        (
            "[colors]\nidle = \"green\"\naccent = \"purple\"",
            "c.toml:3:10: colors.accent: \"purple\" is not a colour; expected a name like \"cyan\"",
        ),
        (
            "[colors]\ndim = \"256\"",
            "c.toml:2:7: colors.dim: \"256\" is not a colour",
        ),
        (
            "[keys]\nprefix = \"ctrl-\"",
            "c.toml:2:10: keys.prefix: \"ctrl-\": a key is missing after ctrl-",
        ),
        (
            "[keys.bindings]\nquit = [\"prefix q\", \"prefix enterr\"]",
            "c.toml:2:21: keys.bindings.quit: \"prefix enterr\": unknown key \"enterr\"; expected",
        ),
        (
            "agent = \"cluade\"",
            "c.toml:1:9: agent: \"cluade\" is not an agent; expected \"claude\"",
        ),
        // Profiles, checked as the rest.
        (
            "[profiles.shell]\ncomand = \"bash\"",
            "c.toml:2:1: unknown field `comand`, expected one of `command`, `args`, `env`, `agent`",
        ),
        (
            "[profiles.shell]\nargs = [\"-l\"]",
            "c.toml:1:1: missing field `command`",
        ),
        (
            "[profiles.shell]\ncommand = \"\"",
            "c.toml:2:11: profiles.shell.command: expected the program to run",
        ),
        (
            "[profiles.shell]\ncommand = \"bash\"\nagent = \"bash\"",
            "c.toml:3:9: profiles.shell.agent: \"bash\" is not an agent",
        ),
        (
            "[profiles.\"my shell\"]\ncommand = \"bash\"",
            "c.toml:1:11: profiles.my shell: a profile name is letters, digits",
        ),
        (
            "[profiles.shell]\ncommand = \"bash\"\nenv = { A = 1 }",
            "c.toml:3:13: invalid type: integer `1`, expected a string",
        ),
        (
            "[keys.bindings]\nfrobnicate = []",
            "c.toml:2:1: keys.bindings: unknown action `frobnicate`",
        ),
        (
            "[keys.bindings]\nhelp = [\"prefix h\"]\nquit = [\"prefix h\"]",
            "c.toml:3:9: keys.bindings.quit: \"prefix h\" clashes with \"prefix h\" for help",
        ),
        (
            "[keys]\nprefix = \"ctrl-pagedown\"",
            "c.toml:2:10: keys.prefix \"ctrl-pagedown\" clashes with \"ctrl-pagedown\" for next_tab (a default; rebind next_tab too)",
        ),
    ];
    for (text, want) in cases {
        let got = error(text);
        assert!(
            got.starts_with(want),
            "{text:?}:\n got {got:?}\nwant {want:?}…"
        );
        assert!(!got.ends_with('\n'), "{got:?}");
    }
}

#[test]
fn load_reads_the_given_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "scrollback = 42\n").unwrap();
    assert_eq!(Config::load(Some(&path)).unwrap().scrollback, 42);

    std::fs::write(&path, "scrollback = true\n").unwrap();
    let err = Config::load(Some(&path)).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}:1:14: ", path.display())),
        "{err}"
    );
}

#[test]
fn load_requires_a_file_it_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.toml");
    let err = Config::load(Some(&path)).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }));
    assert!(
        err.to_string()
            .starts_with(&format!("{}: cannot read the config: ", path.display())),
        "{err}"
    );
}

#[test]
fn default_path_is_in_the_ccmux_config_dir() {
    if let Some(path) = Config::default_path() {
        assert!(path.ends_with("ccmux/config.toml"), "{}", path.display());
    }
}

/// The `[keys.bindings]` section of the default config is the action list
/// in `crate::action`, comments included: an action added there must be
/// added here, and its keys cannot differ.
#[test]
fn the_embedded_bindings_are_the_action_list() {
    use crate::action::ACTIONS;
    let mut want = String::from("[keys.bindings]\n");
    for action in ACTIONS {
        for line in action.doc {
            want.push_str(&format!("#{line}\n"));
        }
        let keys: Vec<String> = action
            .default_keys
            .iter()
            .map(|k| format!("{k:?}"))
            .collect();
        want.push_str(&format!("{} = [{}]\n", action.name, keys.join(", ")));
    }
    let at = Config::DEFAULT_TOML
        .find("[keys.bindings]\n")
        .expect("assets/config.toml has a [keys.bindings] section");
    assert_eq!(
        &Config::DEFAULT_TOML[at..],
        want,
        "assets/config.toml must end with this section:\n{want}"
    );
}

#[test]
fn profiles_stand_on_their_own_and_the_default_is_the_top_level() {
    let config = parse(
        r#"
        command = "run-claude.sh"
        args = ["--model", "opus"]
        agent = "claude"
        [env]
        TOP = "1"
        [profiles.shell]
        command = "bash"
        [profiles.claude-wrapped]
        command = "/opt/bin/wrap"
        agent = "claude"
        env = { X = "y" }
        [profiles.real]
        command = "/usr/bin/claude"
        args = ["--continue"]
        "#,
    )
    .unwrap();
    assert_eq!(
        config.default_profile(),
        Profile {
            command: "run-claude.sh".into(),
            args: vec!["--model".into(), "opus".into()],
            env: BTreeMap::from([("TOP".into(), "1".into())]),
            agent: AgentKind::Claude,
        }
    );
    assert_eq!(config.profile(None), Some(config.default_profile()));
    // Nothing of the top level leaks into a profile.
    assert_eq!(
        config.profile(Some("shell")),
        Some(Profile {
            command: "bash".into(),
            args: Vec::new(),
            env: BTreeMap::new(),
            agent: AgentKind::Plain,
        })
    );
    let wrapped = config.profile(Some("claude-wrapped")).unwrap();
    assert_eq!(wrapped.agent, AgentKind::Claude);
    assert_eq!(wrapped.env, BTreeMap::from([("X".into(), "y".into())]));
    let real = config.profile(Some("real")).unwrap();
    assert_eq!(
        (real.agent, real.args),
        (AgentKind::Claude, vec!["--continue".into()])
    );
    assert_eq!(config.profile(Some("nope")), None);
    assert_eq!(config.profile_names(), ["claude-wrapped", "real", "shell"]);

    // --cmd changes the default profile, and with it the agent.
    let mut config = parse("").unwrap();
    config.command = "bash".into();
    assert_eq!(config.default_profile().agent, AgentKind::Plain);
    assert_ne!(config.default_profile().agent, AgentKind::Claude);
}
