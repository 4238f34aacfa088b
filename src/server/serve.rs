//! The server's event loop: one tokio current-thread runtime, one `Hub`, one
//! `App` per attached client.
//!
//! Each turn reads what is due, draws the clients whose frame is due, then
//! sleeps in `select!` until a client speaks, a session changes, a hook
//! arrives, a signal comes or the one deadline the hub and apps asked for.
//! With nothing going on there is no deadline: idle means idle.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use tokio::net::UnixListener;
use tokio::sync::mpsc::{self, UnboundedReceiver};

use super::alarm::Alarm;
use super::commands;
use super::conn::{Conn, FromClient};
use super::daemon::Listening;
use super::echo_reads::EchoReads;
use super::keyboard::{Keyboards, Typed};
use super::screen::ClientScreen;
use super::send;
use super::signals;
use super::store::Store;
use crate::app::{self, App, Event, NotifyStyle, Options};
use crate::config::{AgentKind, Config};
use crate::hooks::{self, HookMessage, HookServer};
use crate::hub::{ClientId, Hub, HubOptions, Launcher};
use crate::paths::{NEST_ENV, SocketDir};
use crate::picker::RecentDirs;
use crate::proto::{ClientInfo, Hello, NewSession, Request as ClientRequest, ServerMsg};
use crate::session::{Launch, Registry, SessionId};
use crate::status::Rules;

/// At most 60 frames a second per client; output in between is coalesced.
const FRAME: Duration = Duration::from_micros(16_667);
/// After a key, the next frame is drawn at once rather than at the next frame
/// slot: it is most likely the echo of what was typed, and typing must feel
/// instant. Bounded by typing speed, so floods still get the 60 fps cap.
const ECHO_WINDOW: Duration = Duration::from_millis(50);
/// Messages from all clients waiting for the loop; a client past this waits
/// (its socket fills), the others do not.
const INBOX: usize = 256;
/// How long the last words to clients may take when the server ends.
const FAREWELL: Duration = Duration::from_secs(1);

struct Client {
    conn: Conn,
    /// Set once the client has attached (a command's client never does).
    view: Option<View>,
}

struct View {
    app: App,
    screen: ClientScreen,
    last_frame: Option<Instant>,
    echo_until: Option<Instant>,
}

impl View {
    /// When this client's next frame may be drawn.
    fn frame_due(&self, now: Instant) -> Instant {
        match self.echo_until {
            Some(until) if now <= until => now,
            _ => self.last_frame.map_or(now, |t| t + FRAME),
        }
    }
}

/// Why the loop ends.
enum Ending {
    /// A client quit ccmux: every session is stopped.
    Quit,
    /// `ccmux kill-server`: stopped, then this client hears so.
    Killed(ClientId),
    /// SIGTERM, SIGINT or SIGQUIT.
    Signal(&'static str),
    /// No session and no client left.
    Empty,
}

struct Server {
    hub: Hub,
    clients: HashMap<ClientId, Client>,
    next_id: ClientId,
    config: Config,
    /// Told to every client that attaches (an unsafe socket directory).
    warning: Option<String>,
    /// Told to the first client that attaches (sessions restored, or a
    /// saved file set aside).
    welcome: Option<String>,
    /// Where the sessions are saved; None: nowhere (no home directory).
    store: Option<Store>,
    /// Scripts waiting for their prompts' turns to end.
    waits: send::Waits,
    /// The terminals clients passed, whose keys the loop reads itself.
    keyboards: Keyboards,
    /// The sessions being typed into, whose output the loop reads itself.
    echoes: EchoReads,
    /// The session typed into this turn, whose echo is read before the
    /// turn ends (`read_echo_now`).
    typed: Option<SessionId>,
    ending: Option<Ending>,
}

pub fn serve(
    listening: Listening,
    dir: &SocketDir,
    config: Config,
    store: Option<Store>,
) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the event loop")?;
    runtime.block_on(run(listening, dir, config, store))
}

async fn run(
    listening: Listening,
    dir: &SocketDir,
    config: Config,
    store: Option<Store>,
) -> Result<()> {
    let listener = UnixListener::from_std({
        listening.listener.set_nonblocking(true)?;
        listening.listener.try_clone()?
    })
    .context("cannot watch the socket")?;
    // Any session may run Claude Code, whatever the config's command is.
    let hook_server = match HookServer::bind_in(&dir.path) {
        Ok(server) => Some(server),
        Err(e) => {
            // Statuses then come from the screen rules alone.
            tracing::warn!("hooks are off: {e:#}");
            None
        }
    };
    let (mut server, mut sessions) = Server::new(config, &listening.path, hook_server.as_ref());
    server.warning = dir.warning.clone();
    server.store = store;
    server.restore();
    let (hook_tx, mut hook_rx) = mpsc::unbounded_channel();
    if let Some(hooks) = hook_server {
        // Ends (and removes its socket) when the runtime goes.
        tokio::spawn(hooks.serve(hook_tx));
    }
    let (inbox_tx, mut inbox) = mpsc::channel(INBOX);
    let mut signals = signals::watch()?;
    let mut alarm = Alarm::default();

    loop {
        // One queued session a turn: keys and frames go on in between. The
        // turn's select returns at once while sessions wait, so the loop
        // yields first: the connections' tasks (the `Attached` reply, the
        // first frame) run before the next start, not after the last.
        if server.hub.has_queued() {
            tokio::task::yield_now().await;
            server.hub.start_queued(Instant::now());
        }
        let now = Instant::now();
        server.keep_echoes();
        server.pass_on();
        server.draw_due(now);
        server.pass_on();
        server.flush_host_output();
        server.answer_waits();
        server.save_if_changed();
        // Empty once it has served: the client that started it connects
        // just after.
        if server.ending.is_none()
            && server.next_id > 1
            && !server.hub.has_queued()
            && server.hub.registry().is_empty()
            && server.clients.is_empty()
        {
            server.ending = Some(Ending::Empty);
        }
        if let Some(ending) = server.ending.take() {
            // Gone before anyone hears the server ended: a client that
            // waited for the end finds no socket behind it.
            drop(listener);
            let _ = std::fs::remove_file(&listening.path);
            server.end(ending).await;
            return Ok(());
        }
        alarm.set(if server.hub.has_queued() {
            Some(now)
        } else {
            server.next_deadline(now)
        });
        tokio::select! {
            // Clients first: typing must stay quick while sessions flood.
            biased;
            id = server.keyboards.ready() => {
                server.on_keys(id, Instant::now());
                server.read_echo_now(Instant::now());
            }
            Some((id, said)) = inbox.recv() => {
                server.on_client(id, said, Instant::now());
                server.read_echo_now(Instant::now());
            }
            id = server.echoes.ready() => server.on_echo(id, Instant::now()),
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    server.accept(stream, &inbox_tx);
                }
            }
            Some(msg) = hook_rx.recv() => server.on_hook(msg),
            Some(id) = sessions.recv() => server.on_session(id, Instant::now()),
            _ = alarm.rung(), if alarm.is_set() => server.on_time(Instant::now()),
            Some(signal) = signals.recv() => server.ending = Some(Ending::Signal(signal)),
        }
    }
}

impl Server {
    fn new(
        config: Config,
        socket: &std::path::Path,
        hooks: Option<&HookServer>,
    ) -> (Server, UnboundedReceiver<SessionId>) {
        let mut env: Vec<(String, String)> = config.env.clone().into_iter().collect();
        env.push((NEST_ENV.to_string(), socket.display().to_string()));
        let mut claude_hooks = None;
        if let Some(hooks) = hooks {
            env.push((
                hooks::SOCKET_ENV.to_string(),
                hooks.path().display().to_string(),
            ));
            claude_hooks = std::env::current_exe().ok();
        }
        let default = config.default_profile();
        let launch = Launch {
            program: default.command.clone(),
            args: default.args.clone(),
            env,
            scrollback: config.scrollback,
            claude: default.agent == AgentKind::Claude,
            claude_hooks,
        };
        let (registry, sessions) = Registry::new(launch, 24, 80);
        let recent_path = directories::ProjectDirs::from("", "", "ccmux")
            .map(|p| p.data_dir().join("recent-dirs"));
        let recent = match &recent_path {
            Some(path) => RecentDirs::load(path).unwrap_or_else(|e| {
                tracing::warn!("{e:#}");
                RecentDirs::default()
            }),
            None => RecentDirs::default(),
        };
        let hub = Hub::new(
            registry,
            HubOptions {
                rules: Rules::default(),
                recent,
                recent_path,
                launcher: Launcher::new(default, config.profiles.clone()),
                auto_restart: config.auto_restart,
            },
        );
        let server = Server {
            hub,
            clients: HashMap::new(),
            next_id: 1,
            config,
            warning: None,
            welcome: None,
            store: None,
            waits: send::Waits::default(),
            keyboards: Keyboards::new(),
            echoes: EchoReads::new(),
            typed: None,
            ending: None,
        };
        (server, sessions)
    }

    /// Brings back what the previous server was running, unless the config
    /// says not to.
    fn restore(&mut self) {
        let Some(store) = &self.store else { return };
        if !self.config.restore {
            return;
        }
        match store.load() {
            Ok(Some(saved)) => {
                let n = self.hub.restore(saved);
                if n > 0 {
                    tracing::info!("restored {n} session(s)");
                    self.welcome = Some(format!(
                        "restored {n} session(s) the last server was running"
                    ));
                }
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!("{e}");
                self.welcome = Some(e);
            }
        }
    }

    /// Writes the sessions down when something they hold changed.
    fn save_if_changed(&mut self) {
        if !self.hub.take_state_dirty() {
            return;
        }
        self.save();
    }

    fn save(&self) {
        if let Some(store) = &self.store
            && let Err(e) = store.save(&self.hub.saved())
        {
            tracing::warn!(
                "cannot save the sessions in {}: {e}",
                store.path().display()
            );
        }
    }

    fn accept(
        &mut self,
        stream: tokio::net::UnixStream,
        inbox: &mpsc::Sender<(ClientId, FromClient)>,
    ) {
        // The socket's directory keeps others out; this holds even if its
        // mode is loosened.
        if !stream
            .peer_cred()
            .is_ok_and(|cred| cred.uid() == crate::hooks::euid())
        {
            return;
        }
        let id = self.next_id;
        self.next_id += 1;
        let conn = Conn::spawn(id, stream, inbox.clone());
        self.clients.insert(id, Client { conn, view: None });
    }

    fn on_client(&mut self, id: ClientId, said: FromClient, now: Instant) {
        match said {
            FromClient::Hello(hello) => self.on_hello(id, *hello, now),
            FromClient::Refuse(message) => {
                if let Some(client) = self.clients.remove(&id) {
                    client.conn.send(&ServerMsg::Refused { message });
                }
            }
            FromClient::Input(ev) => {
                let Some(view) = self.clients.get_mut(&id).and_then(|c| c.view.as_mut()) else {
                    return;
                };
                let event = Event::from_input(ev);
                let typed = matches!(event, Event::Key(_) | Event::Paste(_));
                if typed {
                    view.echo_until = Some(now + ECHO_WINDOW);
                }
                if let Event::Resize(cols, rows) = event
                    && let Err(e) = view.screen.resize((cols, rows))
                {
                    tracing::warn!("client {id}: {e}");
                }
                view.app.handle(&mut self.hub, event, now);
                // The session focused after the key (a key may move the
                // focus): the echo, if any, is its.
                if typed && let Some(focused) = view.app.focused_id() {
                    self.echoes.take(&self.hub, focused);
                    self.typed = Some(focused);
                }
                self.after_input(id);
            }
            FromClient::Keyboard(keyboard, tty) => {
                if let Some(client) = self.clients.get_mut(&id)
                    && client.view.is_some()
                {
                    client.conn.take_tty(tty);
                    self.keyboards.insert(id, keyboard);
                }
            }
            FromClient::Drained => {
                if let Some(view) = self.view_mut(id) {
                    // Frames were dropped: what the client shows is unknown.
                    if view.screen.invalidate().is_ok() {
                        view.app.mark_dirty();
                    }
                }
            }
            // The client prints why it went; the Exit only tells it its
            // terminal is its own again.
            FromClient::Detach => self.detach(id, String::new()),
            FromClient::Closed => self.drop_client(id),
        }
    }

    /// Client `id`'s terminal has keys, or hung up.
    fn on_keys(&mut self, id: ClientId, now: Instant) {
        match self.keyboards.read(id) {
            Typed::Events(events) => {
                for event in events {
                    self.on_client(id, FromClient::Input(event), now);
                }
            }
            Typed::Gone => self.drop_client(id),
        }
    }

    /// What a key may have asked of the whole server: detach this client,
    /// or quit everything.
    fn after_input(&mut self, id: ClientId) {
        let Some(view) = self.clients.get(&id).and_then(|c| c.view.as_ref()) else {
            return;
        };
        if view.app.should_quit() {
            self.ending = Some(Ending::Quit);
        } else if view.app.should_detach() {
            let message = "[detached: sessions keep running; `ccmux attach` to return]";
            self.detach(id, message.into());
        }
    }

    /// Tells client `id` it is detached (its writer lets go of a passed
    /// terminal first) and forgets it.
    fn detach(&mut self, id: ClientId, message: String) {
        if let Some(client) = self.clients.get(&id) {
            client.conn.send(&ServerMsg::Exit { message, code: 0 });
        }
        self.drop_client(id);
    }

    /// Answers the scripts whose prompts' turns are all over.
    fn answer_waits(&mut self) {
        for (client, reply) in self.waits.settle(&mut self.hub) {
            if let Some(c) = self.clients.remove(&client) {
                c.conn.send(&reply);
            }
        }
    }

    fn drop_client(&mut self, id: ClientId) {
        self.waits.drop_client(id);
        self.keyboards.remove(id);
        if let Some(client) = self.clients.remove(&id)
            && client.view.is_some()
        {
            self.hub.detach(id, Instant::now());
            tracing::info!("client {id} detached");
        }
    }

    fn view_mut(&mut self, id: ClientId) -> Option<&mut View> {
        self.clients.get_mut(&id)?.view.as_mut()
    }

    fn on_hello(&mut self, id: ClientId, hello: Hello, now: Instant) {
        let reply = match hello.request {
            ClientRequest::Attach {
                sessions,
                default,
                create,
            } => {
                if !create && sessions.is_empty() && self.hub.registry().is_empty() {
                    commands::refuse("no sessions to attach to: `ccmux DIR` starts one".into())
                } else {
                    self.attach(id, &hello.client, sessions, default, now);
                    return;
                }
            }
            ClientRequest::List { json } => commands::list(&self.hub, json),
            ClientRequest::New(new) => commands::new(&mut self.hub, new, &hello.client, now),
            ClientRequest::Stop { target } => commands::stop(&mut self.hub, &target),
            ClientRequest::Restart { target, fresh } => {
                commands::restart(&mut self.hub, &target, fresh, now)
            }
            ClientRequest::KillServer => {
                self.ending = Some(Ending::Killed(id));
                return;
            }
            ClientRequest::Send {
                to,
                text,
                raw,
                wait,
            } => match send::send(&mut self.hub, &to, &text, raw, wait, now) {
                Ok(reply) => reply,
                Err(waiting) => {
                    // The connection stays open until the turns are over.
                    self.waits.add(id, waiting);
                    return;
                }
            },
        };
        if let Some(client) = self.clients.remove(&id) {
            client.conn.send(&reply);
        }
    }

    fn attach(
        &mut self,
        id: ClientId,
        info: &ClientInfo,
        mut sessions: Vec<NewSession>,
        default: NewSession,
        now: Instant,
    ) {
        let size = info.size;
        let screen = match ClientScreen::new(size) {
            Ok(screen) => screen,
            Err(e) => {
                tracing::warn!("client {id}: {e}");
                self.clients.remove(&id);
                return;
            }
        };
        self.hub.attach(id, app::session_size(size), now);
        if sessions.is_empty() && self.hub.registry().is_empty() {
            sessions.push(default.clone());
        }
        let first = self.hub.registry().len();
        let mut trouble = self.warning.clone().or(self.welcome.take());
        // The first starts now, to be focused; the rest take their turns,
        // so many directories never hold up the first frame.
        let mut sessions = sessions.into_iter();
        if let Some(new) = sessions.next() {
            match self.hub.start(&new, Some(info.env.clone()), Some(id), now) {
                Ok((_, t)) => trouble = trouble.or(t),
                Err(e) => trouble = Some(e),
            }
        }
        let started_any = self.hub.registry().len() > first;
        for new in sessions {
            self.hub.queue(new, Some(info.env.clone()), Some(id));
        }
        let mut app = App::new(id, self.options_for(info, default), size);
        let focus = if started_any {
            first
        } else {
            self.hub.resume_index()
        };
        app.focus(&mut self.hub, focus, now);
        if let Some(trouble) = trouble {
            app.say(trouble, now);
        }
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        client.conn.send(&ServerMsg::Attached);
        client.view = Some(View {
            app,
            screen,
            last_frame: None,
            echo_until: None,
        });
        tracing::info!("client {id} attached at {}x{}", size.0, size.1);
    }

    /// The App's options: the server's config, the client's terminal.
    fn options_for(&self, info: &ClientInfo, launch: NewSession) -> Options {
        let config = &self.config;
        let tz = info
            .var("TZ")
            .and_then(|tz| jiff::tz::TimeZone::get(tz.trim_start_matches(':')).ok())
            .unwrap_or_else(jiff::tz::TimeZone::system);
        Options {
            keymap: config.keymap.clone(),
            theme: config.theme.clone(),
            picker_start: config
                .picker
                .start_dir
                .clone()
                .unwrap_or_else(|| info.cwd.clone()),
            show_hidden: config.picker.show_hidden,
            home: info
                .var("HOME")
                .map(PathBuf::from)
                .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf())),
            notify: config.notify,
            notify_style: NotifyStyle::detect(info.var("TERM"), info.var("TERM_PROGRAM")),
            clipboard: config.clipboard,
            tz,
            env: Some(info.env.clone()),
            launch,
        }
    }

    fn on_hook(&mut self, msg: HookMessage) {
        self.hub.on_hook(msg.session, &msg.payload, Instant::now());
    }

    fn on_session(&mut self, id: SessionId, now: Instant) {
        if self.hub.on_session(id, now) {
            for view in self.views_mut() {
                view.app.session_changed(id);
            }
        }
    }

    /// A session being typed into printed: read, and drawn this turn.
    fn on_echo(&mut self, id: SessionId, now: Instant) {
        if self.echoes.read(&self.hub, id) {
            self.on_session(id, now);
        }
    }

    /// Reads the echo of what was typed this turn, if it is there: the frame
    /// that shows it is drawn this turn, not after another. Once for all
    /// the keys one read of a terminal brought.
    fn read_echo_now(&mut self, now: Instant) {
        if let Some(id) = self.typed.take()
            && self.echoes.read_now(&self.hub, id)
        {
            self.on_session(id, now);
        }
    }

    /// The loop reads a session only while some client shows it.
    fn keep_echoes(&mut self) {
        let clients = &self.clients;
        self.echoes.keep_shown(&self.hub, |id| {
            clients
                .values()
                .filter_map(|c| c.view.as_ref())
                .any(|v| v.app.focused_id() == Some(id))
        });
    }

    fn on_time(&mut self, now: Instant) {
        self.hub.on_time(now);
        let ids: Vec<ClientId> = self.clients.keys().copied().collect();
        for id in ids {
            if let Some(view) = self.clients.get_mut(&id).and_then(|c| c.view.as_mut()) {
                view.app.handle(&mut self.hub, Event::Deadline, now);
            }
        }
    }

    fn views_mut(&mut self) -> impl Iterator<Item = &mut View> {
        self.clients.values_mut().filter_map(|c| c.view.as_mut())
    }

    /// Hands what the hub has for everyone to every client.
    fn pass_on(&mut self) {
        let now = Instant::now();
        let changed = self.hub.take_changed();
        let notices = self.hub.take_notices();
        if !changed && notices.is_empty() {
            return;
        }
        for view in self.views_mut() {
            if changed {
                view.app.mark_dirty();
            }
            for notice in &notices {
                view.app.on_notice(notice, now);
            }
        }
    }

    /// Draws every client whose frame is due and whose screen is finished.
    fn draw_due(&mut self, now: Instant) {
        let hub = &self.hub;
        let due: Vec<ClientId> = self
            .clients
            .iter()
            .filter_map(|(id, c)| {
                let view = c.view.as_ref()?;
                let app = &view.app;
                (app.needs_draw()
                    && !c.conn.is_stale()
                    && app.frame_ready(hub, now)
                    && now >= view.frame_due(now))
                .then_some(*id)
            })
            .collect();
        if due.is_empty() {
            return;
        }
        // What the shown sessions printed is read once, for all of them.
        self.hub.read_viewed(now);
        self.pass_on();
        let wall = SystemTime::now();
        for id in due {
            let Some(client) = self.clients.get_mut(&id) else {
                continue;
            };
            let Some(view) = client.view.as_mut() else {
                continue;
            };
            let hub = &self.hub;
            let app = &mut view.app;
            let mut bytes = match view.screen.draw(|canvas| app.paint(hub, canvas, wall)) {
                Ok(bytes) => bytes,
                Err(e) => {
                    tracing::warn!("client {id}: {e}");
                    continue;
                }
            };
            // Bells and clipboard copies after the frame, never inside it.
            bytes.extend(view.app.take_host_output());
            view.last_frame = Some(now);
            view.echo_until = None;
            // A frame that changed nothing the terminal shows has no bytes.
            if !bytes.is_empty() {
                client.conn.try_output(bytes);
            }
        }
    }

    /// Bells and notifications for clients that drew nothing this turn.
    fn flush_host_output(&mut self) {
        for client in self.clients.values_mut() {
            if let Some(view) = client.view.as_mut() {
                let out = view.app.take_host_output();
                if !out.is_empty() {
                    client.conn.try_output(out);
                }
            }
        }
    }

    /// The one moment the loop must wake without being spoken to.
    fn next_deadline(&self, now: Instant) -> Option<Instant> {
        let hub = &self.hub;
        let mut deadline = hub.next_deadline();
        for client in self.clients.values() {
            let Some(view) = &client.view else { continue };
            let app = &view.app;
            let mut due = app.next_deadline(hub);
            if app.needs_draw() && app.frame_ready(hub, now) && !client.conn.is_stale() {
                let frame = view.frame_due(now);
                due = Some(due.map_or(frame, |d| d.min(frame)));
            }
            deadline = match (deadline, due) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        deadline
    }

    /// Ends the server: stops every session (but when it is simply empty),
    /// tells every client why, and gives their writers a moment.
    async fn end(mut self, ending: Ending) {
        let (why, killer) = match &ending {
            Ending::Quit => ("ccmux quit: every session was stopped".to_string(), None),
            Ending::Killed(id) => (
                "the server was killed: every session was stopped".into(),
                Some(*id),
            ),
            Ending::Signal(sig) => (
                format!("the server got {sig}: every session was stopped"),
                None,
            ),
            Ending::Empty => (String::new(), None),
        };
        let live = self.hub.registry().live_count();
        let stopped = format!("stopped {live} session(s)\n");
        // Asked for (quit, kill-server): nothing comes back. A signal (a
        // shutdown) or an empty server: what runs now comes back next time.
        if matches!(ending, Ending::Quit | Ending::Killed(_)) {
            self.hub.stop_everything();
        }
        self.save();
        if live > 0 {
            tracing::info!("stopping {live} session(s): {why}");
        }
        // Also when none is live: what ended sessions left running goes too.
        self.hub.stop_all();
        let mut farewells = Vec::new();
        for (id, client) in self.clients.drain() {
            // Nothing more is read from a terminal about to be given back.
            self.keyboards.remove(id);
            if Some(id) == killer {
                client.conn.send(&commands::ok(stopped.clone()));
            } else if client.view.is_some() {
                client.conn.send(&ServerMsg::Exit {
                    message: format!("[{why}]"),
                    code: 0,
                });
            }
            farewells.push(client.conn.finish(FAREWELL));
        }
        for farewell in farewells {
            farewell.await;
        }
    }
}
