//! The App and Hub options the benches and tests/app.rs share: defaults,
//! nothing persisted, UTC.

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use ccmux::app::{NotifyStyle, Options};
use ccmux::hub::HubOptions;
use ccmux::keys::Keymap;
use ccmux::picker::RecentDirs;
use ccmux::status::Rules;
use ccmux::ui::theme::Theme;

pub fn options(dir: PathBuf) -> Options {
    Options {
        keymap: Keymap::default(),
        theme: Theme::default(),
        picker_start: dir,
        show_hidden: false,
        home: None,
        notify: false,
        notify_style: NotifyStyle::Osc9,
        clipboard: true,
        tz: jiff::tz::TimeZone::UTC,
        env: None,
        launch: Default::default(),
    }
}

/// The hub's options; new sessions run what `launch` runs.
pub fn hub_options(launch: &ccmux::session::Launch) -> HubOptions {
    use ccmux::config::{AgentKind, Profile};
    let default = Profile {
        command: launch.program.clone(),
        args: launch.args.clone(),
        env: Default::default(),
        agent: if launch.claude {
            AgentKind::Claude
        } else {
            AgentKind::Plain
        },
    };
    HubOptions {
        rules: Rules::default(),
        recent: RecentDirs::default(),
        recent_path: None,
        launcher: ccmux::hub::Launcher::new(default, Default::default()),
        auto_restart: false,
    }
}

/// What sessions run: `program` with `args`, not Claude Code, keeping
/// `scrollback` lines.
pub fn launch(program: &str, args: &[&str], scrollback: usize) -> ccmux::session::Launch {
    ccmux::session::Launch {
        program: program.into(),
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        scrollback,
        claude: false,
        claude_hooks: None,
    }
}

/// One client's App over a hub, as the server hosts them (without the
/// socket): sessions in `dirs` running `launch`, the first focused, on a
/// terminal of `size` (columns, rows).
pub struct Viewer {
    pub hub: ccmux::hub::Hub,
    pub app: ccmux::app::App,
    /// The sessions' change messages, for whoever plays the server's loop
    /// (tests/app.rs; the benches read screens directly).
    #[allow(dead_code)]
    pub events: tokio::sync::mpsc::UnboundedReceiver<ccmux::session::SessionId>,
}

impl Viewer {
    pub fn new(launch: ccmux::session::Launch, dirs: &[PathBuf], size: (u16, u16)) -> Viewer {
        let (rows, cols) = ccmux::app::session_size(size);
        let shared = hub_options(&launch);
        let (mut registry, events) = ccmux::session::Registry::new(launch, rows, cols);
        for dir in dirs {
            registry.spawn(dir.clone());
        }
        let now = std::time::Instant::now();
        let mut hub = ccmux::hub::Hub::new(registry, shared);
        hub.attach(1, (rows, cols), now);
        let start = dirs.first().cloned().unwrap_or_default();
        let mut app = ccmux::app::App::new(1, options(start), size);
        app.focus(&mut hub, 0, now);
        Viewer { hub, app, events }
    }
}

/// A `Viewer` on a TestBackend, driven as the server drives one client:
/// an event in, then a turn of its loop. The tests' harness.
#[allow(dead_code)] // the benches draw directly
pub struct Rig {
    pub hub: ccmux::hub::Hub,
    pub app: ccmux::app::App,
    pub events: tokio::sync::mpsc::UnboundedReceiver<ccmux::session::SessionId>,
    pub terminal: ratatui::Terminal<ratatui::backend::TestBackend>,
    /// The time handed to the App and the hub; None: the real clock.
    pub clock: Option<std::time::Instant>,
}

#[allow(dead_code)]
impl Rig {
    /// Sessions in `dirs` running `launch`, the first focused, on a terminal
    /// of `size` (columns, rows), on the real clock.
    pub fn new(launch: ccmux::session::Launch, dirs: &[PathBuf], size: (u16, u16)) -> Rig {
        let Viewer { hub, app, events } = Viewer::new(launch, dirs, size);
        let backend = ratatui::backend::TestBackend::new(size.0, size.1);
        let terminal = ratatui::Terminal::new(backend).expect("test backend");
        Rig {
            hub,
            app,
            events,
            terminal,
            clock: None,
        }
    }

    pub fn now(&self) -> std::time::Instant {
        self.clock.unwrap_or_else(std::time::Instant::now)
    }

    pub fn handle(&mut self, event: ccmux::app::Event) {
        let now = self.now();
        self.app.handle(&mut self.hub, event, now);
        self.pump();
    }

    pub fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.handle(ccmux::app::Event::Key(KeyEvent::new(code, mods)));
    }

    /// The prefix (Ctrl-q), then `c`.
    pub fn prefix(&mut self, c: char) {
        self.key(KeyCode::Char('q'), KeyModifiers::CONTROL);
        self.key(KeyCode::Char(c), KeyModifiers::NONE);
    }

    pub fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    /// One turn of the server's loop (`turn`) at `now()`.
    pub fn pump(&mut self) {
        let now = self.now();
        turn(
            &mut self.hub,
            &mut self.app,
            &mut self.events,
            &mut self.terminal,
            now,
        );
    }

    /// Session `i` in tab order.
    pub fn id(&self, i: usize) -> ccmux::session::SessionId {
        self.hub.registry().at(i).expect("session").id()
    }

    /// Session `i`'s status as the hub tells it.
    pub fn status(&self, i: usize) -> ccmux::session::Status {
        self.hub
            .status_of(self.hub.registry().at(i).expect("session"))
    }

    /// What session `i` shows, as text.
    pub fn session_text(&self, i: usize) -> String {
        let s = self.hub.registry().at(i).expect("session");
        s.term().screen().contents()
    }

    /// The terminal's rows as text.
    pub fn frame_lines(&self) -> Vec<String> {
        self.frame().lines().map(String::from).collect()
    }

    /// The terminal as text, a line a row.
    pub fn frame(&self) -> String {
        frame_text(&self.terminal)
    }
}

/// What a test terminal shows, as text, a line a row.
#[allow(dead_code)]
pub fn frame_text(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One turn of the server's loop for one client, as tests drive it: feeds
/// what the sessions reported and the hub's deadlines at `now`, then draws
/// on `terminal` if the App asks.
#[allow(dead_code)] // the tests' harnesses; the benches draw directly
pub fn turn(
    hub: &mut ccmux::hub::Hub,
    app: &mut ccmux::app::App,
    events: &mut tokio::sync::mpsc::UnboundedReceiver<ccmux::session::SessionId>,
    terminal: &mut ratatui::Terminal<ratatui::backend::TestBackend>,
    now: std::time::Instant,
) {
    while let Ok(id) = events.try_recv() {
        if hub.on_session(id, now) {
            app.session_changed(id);
        }
    }
    hub.on_time(now);
    if hub.take_changed() {
        app.mark_dirty();
    }
    if app.needs_draw() {
        hub.read_viewed(now);
        terminal
            .draw(|f| app.draw(hub, f, std::time::SystemTime::now()))
            .expect("draw");
    }
}
