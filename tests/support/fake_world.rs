//! A sandbox whose config runs the fake Claude as Claude Code (with hooks),
//! with directories `a` and `b` in its home and a server of its own, stopped
//! when it is dropped. Driven through the `ccmux` command line, as a script
//! would.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Pty, ServerGuard, ccmux, ccmux_bin, fake_claude_bin};

pub struct FakeWorld {
    _server: ServerGuard,
    _tmp: tempfile::TempDir,
    pub home: PathBuf,
    pub config: PathBuf,
    pub a: PathBuf,
    pub b: PathBuf,
}

impl FakeWorld {
    pub fn new() -> Self {
        let (tmp, home, [a, b]) = super::temp_home(["a", "b"]);
        let config = home.join("ccmux.toml");
        std::fs::write(
            &config,
            format!(
                "command = {:?}\nagent = \"claude\"\n",
                fake_claude_bin().display().to_string()
            ),
        )
        .expect("config");
        FakeWorld {
            _server: ServerGuard(home.clone()),
            _tmp: tmp,
            home,
            config,
            a,
            b,
        }
    }

    /// `ccmux --config … args…`: stdout, stderr, exit code.
    pub fn run(&self, args: &[&str]) -> (String, String, i32) {
        let mut all = vec!["--config", self.config.to_str().expect("utf-8")];
        all.extend(args);
        let out = ccmux(&self.home, &all, &[]);
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code().unwrap_or(-1),
        )
    }

    /// `ccmux send args…`, which must succeed: what it printed.
    pub fn send(&self, args: &[&str]) -> String {
        let mut all = vec!["send"];
        all.extend(args);
        let (out, err, code) = self.run(&all);
        assert_eq!(code, 0, "{out}{err}");
        out
    }

    pub fn ls(&self) -> Vec<Value> {
        super::ls_json(&self.home, &[])
    }

    pub fn wait_ls(&self, what: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        super::wait_ls(&self.home, &[], what, pred, String::new)
    }

    /// `ccmux new args… dir`: the new session's id.
    pub fn new_session(&self, args: &[&str], dir: &Path) -> String {
        let mut all = vec!["new"];
        all.extend(args);
        all.push(dir.to_str().expect("utf-8"));
        let (out, err, code) = self.run(&all);
        assert_eq!(code, 0, "{err}");
        out.trim().to_string()
    }

    /// `ccmux attach` in a new 120x40 terminal.
    pub fn attach(&self) -> Pty {
        Pty::spawn(
            &ccmux_bin(),
            &["--config", self.config.to_str().expect("utf-8"), "attach"],
            &self.home,
            &self.home,
            &[],
            120,
            40,
        )
    }
}

/// Whether every session in `ls --json`'s list is idle.
pub fn idle(list: &[Value]) -> bool {
    list.iter().all(|s| s["status"] == "idle")
}
