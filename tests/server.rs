//! End to end: the server outlives its clients. Each test has its own server
//! (its own XDG_RUNTIME_DIR), runs the real `ccmux` binary in PTYs and as a
//! script would, and the fake Claude in the sessions.

mod support;

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{DEADLINE, Pty, Sandbox, ccmux, ccmux_bin, fake_claude_bin, procs};

const PREFIX: &str = "\x11"; // Ctrl-q
const ALT_1: &str = "\x1b1";
const ALT_2: &str = "\x1b2";

impl Sandbox {
    fn socket(&self) -> PathBuf {
        self.home.join("run/ccmux/default")
    }

    /// `ccmux` with the fake Claude in `dirs`, attached in a PTY.
    fn attach(&self, dirs: &[&Path], cols: u16, rows: u16) -> Pty {
        let fake = fake_claude_bin();
        let mut args = vec!["--cmd", fake.to_str().expect("utf-8")];
        args.extend(dirs.iter().map(|d| d.to_str().expect("utf-8")));
        Pty::spawn(&ccmux_bin(), &args, &self.home, &self.home, &[], cols, rows)
    }

    fn run(&self, args: &[&str]) -> (String, String, i32) {
        let out = ccmux(&self.home, args, &[]);
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code().unwrap_or(-1),
        )
    }

    fn ls(&self) -> Vec<Value> {
        let (out, err, code) = self.run(&["ls", "--json"]);
        assert_eq!(code, 0, "{err}");
        let list: Value = serde_json::from_str(&out).expect("ls --json is JSON");
        list.as_array().expect("an array").clone()
    }

    /// Waits until `ls --json` satisfies `pred`.
    fn wait_ls(&self, what: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let list = self.ls();
            if pred(&list) {
                return list;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {list:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn new_session(&self, dir: &Path, extra: &[&str]) -> String {
        let fake = fake_claude_bin();
        let mut args = vec!["new", "--cmd", fake.to_str().expect("utf-8")];
        args.push(dir.to_str().expect("utf-8"));
        args.extend(extra);
        let (out, err, code) = self.run(&args);
        assert_eq!(code, 0, "{err}");
        out.lines()
            .last()
            .expect("the id on the last line")
            .to_string()
    }
}

fn wait_idle(pty: &Pty) -> String {
    pty.wait_text("? for shortcuts")
}

/// The pids of every process whose environment names session `id`: the
/// session's program and anything it started.
fn processes_of(id: &str) -> Vec<u32> {
    let needle = format!("CCMUX_SESSION_ID={id}");
    std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .map(|env| env.split(|b| *b == 0).any(|v| v == needle.as_bytes()))
                .unwrap_or(false)
        })
        .collect()
}

fn wait_gone(id: &str) {
    let deadline = Instant::now() + DEADLINE;
    while !processes_of(id).is_empty() {
        assert!(
            Instant::now() < deadline,
            "session {id} left processes behind"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn detach_keeps_every_session_running_and_attach_brings_it_back() {
    let w = Sandbox::new();
    let mut pty = w.attach(&[&w.api, &w.web], 120, 40);
    wait_idle(&pty);
    pty.type_line("stream 30");
    pty.wait_text("line 30");
    pty.type_line("count");
    pty.wait_text("count 3");
    pty.send(ALT_2);
    pty.wait_text(&format!("cwd: {}", w.web.display()));
    pty.send(format!("{PREFIX}d"));
    assert_eq!(pty.wait_exit(), 0);
    pty.wait_eof();
    assert!(pty.is_cooked(), "raw mode left behind");
    assert!(pty.screen().contains("[detached"), "{}", pty.screen());

    // Nobody looks, and the counter keeps counting: its last output moves.
    let list = w.ls();
    assert_eq!(list.len(), 2);
    let api = list[0]["id"].as_str().expect("id").to_string();
    let first = list[0]["last_output"].as_u64().expect("it printed");
    w.wait_ls("the counter to go on while detached", |l| {
        l[0]["last_output"].as_u64() > Some(first)
    });
    assert!(!processes_of(&api).is_empty());

    // Back as it was: the same tabs in order, focus where it was left, and
    // what arrived meanwhile already there.
    let mut pty = Pty::spawn(&ccmux_bin(), &["attach"], &w.home, &w.home, &[], 120, 40);
    pty.wait_text(&format!("cwd: {}", w.web.display()));
    let tabs = pty.screen().lines().next().unwrap_or_default().to_string();
    assert!(tabs.find("api") < tabs.find("web"), "{tabs}");
    pty.send(ALT_1);
    let screen = pty.wait_for("the count to have advanced", |s| {
        s.lines()
            .filter_map(|l| l.strip_prefix("count "))
            .filter_map(|n| n.trim().parse::<u32>().ok())
            .any(|n| n > 40)
    });
    assert!(!screen.contains("line 30"), "{screen}");
    // The earlier output is in the scrollback.
    pty.send(format!("{PREFIX}["));
    for _ in 0..40 {
        pty.send("\x1b[5~");
    }
    pty.wait_text("line 30");
}

#[test]
fn two_clients_have_their_own_focus_and_size() {
    let w = Sandbox::new();
    let mut a = w.attach(&[&w.api, &w.web], 120, 40);
    wait_idle(&a);
    let mut b = Pty::spawn(&ccmux_bin(), &["attach"], &w.home, &w.home, &[], 80, 24);
    b.wait_text("? for shortcuts");
    b.send(ALT_2);
    b.wait_text(&format!("cwd: {}", w.web.display()));
    // Web took b's size (it focused it last); a still shows api.
    b.wait_text("resized to 80x22");
    let screen = a.screen();
    assert!(
        screen.contains(&format!("cwd: {}", w.api.display())),
        "{screen}"
    );
    // Typing reaches each client's own focused session.
    a.type_line("hello from a");
    a.wait_text("You said: hello from a");
    b.type_line("hello from b");
    b.wait_text("You said: hello from b");
    assert!(!b.screen().contains("hello from a"));
    // a looks at web too now: it takes a's size back.
    a.send(ALT_2);
    a.wait_text("You said: hello from b");
    a.wait_text("resized to 120x38");
    // One detaches; the other goes on.
    b.send(format!("{PREFIX}d"));
    assert_eq!(b.wait_exit(), 0);
    a.type_line("still here");
    a.wait_text("You said: still here");
}

#[test]
fn scripts_start_list_and_stop_sessions_without_a_client() {
    let w = Sandbox::new();
    let (_, err, code) = w.run(&["ls"]);
    assert_eq!(code, 1);
    assert!(err.contains("no server running"), "{err}");

    let a = w.new_session(&w.api, &[]);
    let b = w.new_session(&w.web, &[]);
    assert_eq!(a.len(), 36, "{a}");
    let list = w.wait_ls("both idle", |l| {
        l.len() == 2 && l.iter().all(|s| s["status"] == "idle")
    });
    assert_eq!(list[0]["dir"], w.api.display().to_string());
    assert_eq!(list[1]["dir"], w.web.display().to_string());
    assert_eq!(list[0]["id"], a.as_str());

    // The table for people, and an id given by a unique prefix.
    let (table, _, _) = w.run(&["ls"]);
    assert!(table.starts_with("ID"), "{table}");
    assert!(table.contains(&a[..8]) && table.contains("idle"), "{table}");
    let (_, err, code) = w.run(&["stop", "zzzz"]);
    assert_eq!(code, 1);
    assert!(err.contains("no session zzzz"), "{err}");
    let (out, _, code) = w.run(&["stop", &a[..6]]);
    assert_eq!(code, 0, "{out}");
    wait_gone(&a);
    w.wait_ls("a exited", |l| l[0]["status"] == "exited");

    // A later attach shows what the script started.
    let mut pty = Pty::spawn(&ccmux_bin(), &["attach"], &w.home, &w.home, &[], 120, 40);
    pty.wait_text("api");
    pty.send(ALT_2);
    pty.wait_text(&format!("cwd: {}", w.web.display()));
    drop(pty);

    let (out, _, code) = w.run(&["kill-server"]);
    assert_eq!(code, 0);
    assert!(out.contains("stopped 1 session(s)"), "{out}");
    wait_gone(&b);
    assert!(!w.socket().exists(), "the socket goes with the server");
    let (_, err, _) = w.run(&["ls"]);
    assert!(err.contains("no server running"), "{err}");
}

#[test]
fn a_session_starts_with_the_environment_and_directory_of_its_command() {
    let w = Sandbox::new();
    let out = ccmux(
        &w.home,
        &[
            "new",
            "--cmd",
            "sh",
            w.api.to_str().expect("utf-8"),
            "--",
            "-c",
            "echo \"$FOO $PWD\" > seen; exec sleep 600",
        ],
        &[("FOO", "from-the-script")],
    );
    assert!(out.status.success(), "{out:?}");
    let seen = w.api.join("seen");
    let deadline = Instant::now() + DEADLINE;
    while std::fs::read_to_string(&seen)
        .unwrap_or_default()
        .is_empty()
    {
        assert!(Instant::now() < deadline, "the session never wrote");
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = std::fs::read_to_string(&seen).expect("read");
    assert_eq!(text.trim(), format!("from-the-script {}", w.api.display()));
}

#[test]
fn the_socket_is_private() {
    let w = Sandbox::new();
    w.new_session(&w.api, &[]);
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&w.home.join("run/ccmux")), 0o700);
    assert_eq!(mode(&w.socket()), 0o600);
}

/// Speaks to the server the way a client of another build, or a stranger
/// program, would.
fn raw(w: &Sandbox) -> UnixStream {
    let stream = UnixStream::connect(w.socket()).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
    stream
}

/// A raw client attached with a hello of this build, answered `Attached`;
/// `tty`: it says its terminal follows.
fn attach_raw(w: &Sandbox, tty: bool) -> UnixStream {
    use ccmux::proto::{ClientInfo, Hello, NewSession, PROTOCOL, Request};
    let mut s = raw(w);
    let hello = Hello {
        protocol: PROTOCOL,
        version: "test".into(),
        client: ClientInfo {
            cwd: w.home.clone(),
            env: vec![],
            size: (200, 60),
            tty,
        },
        request: Request::Attach {
            sessions: vec![],
            default: NewSession::default(),
            create: false,
        },
    };
    let body = serde_json::to_vec(&hello).expect("json");
    s.write_all(&frame(0, &body)).expect("attach");
    let mut header = [0u8; 5];
    s.read_exact(&mut header).expect("an answer");
    let mut answer = vec![0; u32::from_le_bytes(header[..4].try_into().unwrap()) as usize];
    s.read_exact(&mut answer).expect("its body");
    assert_eq!(
        answer,
        br#""Attached""#,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    s
}

fn frame(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u32).to_le_bytes().to_vec();
    out.push(kind);
    out.extend_from_slice(body);
    out
}

#[test]
fn a_client_of_another_protocol_gets_a_clear_message() {
    let w = Sandbox::new();
    w.new_session(&w.api, &[]);
    let mut s = raw(&w);
    let hello = br#"{"protocol":999,"version":"9.9.9","something":"new"}"#;
    s.write_all(&frame(0, hello)).expect("write");
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).expect("read");
    let body: Value = serde_json::from_slice(&reply[5..]).expect("json");
    let message = body["Refused"]["message"]
        .as_str()
        .expect("a Refused message");
    assert!(
        message.contains(&format!("protocol {}", ccmux::proto::PROTOCOL))
            && message.contains("999"),
        "{message}"
    );
}

#[test]
fn garbage_half_frames_and_stuck_clients_hurt_nobody() {
    let w = Sandbox::new();
    let mut pty = w.attach(&[&w.api], 120, 40);
    wait_idle(&pty);
    // Output for a while, so the stuck client below has frames to miss;
    // the fake queues what is typed meanwhile.
    pty.type_line("stream 300 10");
    pty.wait_text("line 2");

    // Garbage: a length far too large, then bytes that are no frame at all.
    let mut s = raw(&w);
    let _ = s.write_all(&[0xff, 0xff, 0xff, 0x7f, 0]);
    let mut s = raw(&w);
    let _ = s.write_all(b"GET / HTTP/1.1\r\n\r\n");
    // Half a hello, then gone.
    let mut s = raw(&w);
    let _ = s.write_all(&frame(0, br#"{"protocol":1,"version":"x"}"#)[..12]);
    drop(s);
    // A client that attaches and then never reads a byte, while the counter
    // fills its queue.
    let stuck = attach_raw(&w, false);
    // One that says its terminal follows, and never passes it: its frames
    // wait, nobody else's do.
    let waiting = attach_raw(&w, true);
    // One whose terminal frame carries no fds.
    let mut no_fds = attach_raw(&w, true);
    let _ = no_fds.write_all(&frame(2, &[0]));
    let mut rest = Vec::new();
    let _ = no_fds.read_to_end(&mut rest);

    // The first client goes on as if nothing happened.
    pty.type_line("hello");
    pty.wait_text("You said: hello");
    assert_eq!(w.ls().len(), 1);
    drop(stuck);
    drop(waiting);
    pty.type_line("again");
    pty.wait_text("You said: again");
}

#[test]
fn attaching_inside_a_session_of_the_same_server_is_refused() {
    let w = Sandbox::new();
    w.new_session(&w.api, &[]);
    let socket = w.socket();
    let mut pty = Pty::spawn(
        &ccmux_bin(),
        &["attach"],
        &w.home,
        &w.home,
        &[("CCMUX", socket.to_str().expect("utf-8"))],
        80,
        24,
    );
    assert_eq!(pty.wait_exit(), 2);
    pty.wait_eof();
    assert!(
        pty.screen().contains("refusing to attach inside"),
        "{}",
        pty.screen()
    );
    // Scripts work from there.
    let out = ccmux(
        &w.home,
        &["ls"],
        &[("CCMUX", socket.to_str().expect("utf-8"))],
    );
    assert!(out.status.success());
}

#[test]
fn closing_the_terminal_detaches() {
    let w = Sandbox::new();
    let mut pty = w.attach(&[&w.api], 120, 40);
    wait_idle(&pty);
    pty.type_line("count");
    pty.wait_text("count 2");
    let id = w.ls()[0]["id"].as_str().expect("id").to_string();
    // What a closed terminal window does: SIGHUP to the client.
    pty.signal(libc::SIGHUP);
    pty.wait_exit();
    assert!(
        !processes_of(&id).is_empty(),
        "the session died with the terminal"
    );
    let list = w.ls();
    assert!(list[0]["exit_code"].is_null(), "{list:?}");
}

fn count(dir: String) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn the_server_is_a_daemon_that_ignores_hangups_and_does_not_grow_with_attaches() {
    let w = Sandbox::new();
    w.new_session(&w.api, &[]);
    let pid = procs::server_pid(&w.home);
    let sid = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    // Fields after the command: state ppid pgrp session; its own session.
    let fields: Vec<&str> = sid
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    assert_eq!(fields[3], pid.to_string(), "not a session leader: {sid}");
    assert_eq!(
        std::fs::read_link(format!("/proc/{pid}/fd/0")).expect("fd 0"),
        PathBuf::from("/dev/null")
    );
    // SIGHUP changes nothing.
    // SAFETY: kill has no memory effects.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGHUP) }, 0);

    let attach_once = || {
        let mut s = raw(&w);
        let hello = serde_json::json!({
            "protocol": 1,
            "version": "test",
            "client": {"cwd": w.home, "env": [], "size": [100, 30]},
            "request": {"Attach": {"sessions": [], "program": null, "args": null}},
        });
        s.write_all(&frame(0, hello.to_string().as_bytes()))
            .expect("attach");
        // The first frame: the attach went through.
        let mut header = [0u8; 5];
        s.read_exact(&mut header).expect("attached");
    };
    for _ in 0..5 {
        attach_once();
    }
    assert_eq!(w.ls().len(), 1);
    let fds = count(format!("/proc/{pid}/fd"));
    let threads = count(format!("/proc/{pid}/task"));
    for _ in 0..100 {
        attach_once();
    }
    // Every connection is closed and forgotten (one may still be going).
    let deadline = Instant::now() + DEADLINE;
    while count(format!("/proc/{pid}/fd")) > fds {
        assert!(Instant::now() < deadline, "fds grew with attaches");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(count(format!("/proc/{pid}/task")), threads);
    assert_eq!(procs::server_pid(&w.home), pid, "the server survived");
}

#[test]
fn a_client_whose_server_dies_says_so_and_restores_the_terminal() {
    let w = Sandbox::new();
    let mut pty = w.attach(&[&w.api], 120, 40);
    wait_idle(&pty);
    let pid = procs::server_pid(&w.home);
    // SAFETY: kill has no memory effects.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    assert_eq!(pty.wait_exit(), 1);
    pty.wait_eof();
    assert!(pty.is_cooked(), "raw mode left behind");
    assert!(pty.screen().contains("lost the server"), "{}", pty.screen());
    assert!(!pty.with_screen(|s| s.alternate_screen()));
}

#[test]
fn profiles_run_other_programs_beside_claude() {
    let w = Sandbox::new();
    let config = w.home.join("ccmux.toml");
    let fake = fake_claude_bin();
    std::fs::write(
        &config,
        format!(
            "command = {:?}\nagent = \"claude\"\n[profiles.shell]\ncommand = \"sh\"\nargs = [\"-c\", \"exec sleep 600\"]\n",
            fake.display().to_string()
        ),
    )
    .expect("config");
    let cfg = config.to_str().expect("utf-8");
    let (_, err, code) = w.run(&["--config", cfg, "new", "--profile", "nope", "."]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no profile nope (the config has: shell)"),
        "{err}"
    );
    let (_, err, code) = w.run(&["--config", cfg, "new", "--profile", "shell", "api"]);
    assert_eq!(code, 0, "{err}");
    let (_, err, code) = w.run(&["--config", cfg, "new", "web"]);
    assert_eq!(code, 0, "{err}");
    let list = w.ls();
    assert_eq!(list[0]["program"], "sh");
    assert_eq!(list[1]["program"], fake.display().to_string());
}

/// Someone else made the socket directory (here: open to everyone): it is
/// never used; the socket goes to the state directory, and the user hears
/// why, on the command line and in the UI.
#[test]
fn an_unsafe_socket_directory_is_not_trusted() {
    let w = Sandbox::new();
    let open = w.home.join("run/ccmux");
    std::fs::create_dir_all(&open).expect("mkdir");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let (_, err, code) = w.run(&[
        "new",
        "--cmd",
        "sleep",
        w.api.to_str().expect("utf-8"),
        "--",
        "600",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("open to other users") && err.contains("instead"),
        "{err}"
    );
    assert!(!w.socket().exists());
    let fallback = w.home.join(".local/state/ccmux/run");
    assert!(fallback.join("default").exists());
    let mode = std::fs::metadata(&fallback)
        .expect("stat")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700);
    let pty = Pty::spawn(&ccmux_bin(), &["attach"], &w.home, &w.home, &[], 120, 40);
    pty.wait_text("open to other users");
    // kill-server finds it there too (the guard's own run does the same).
    let (_, _, code) = w.run(&["kill-server"]);
    assert_eq!(code, 0);
}
