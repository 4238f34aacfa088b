//! Screen rules: how to tell Claude Code's status from the text on its screen.
//!
//! The rules are data (`assets/status-rules.toml`, embedded) so that a change
//! in Claude Code's look is fixed by editing strings, not code.

use anyhow::{Context, bail};
use serde::Deserialize;

const EMBEDDED: &str = include_str!("../../assets/status-rules.toml");

/// What a screen says the session is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScreenStatus {
    Busy,
    Waiting,
    Idle,
}

/// The first rule that matched a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict<'a> {
    pub status: ScreenStatus,
    /// For `Waiting`: what the user is needed for.
    pub reason: Option<&'a str>,
    /// The rule's name, for logs and tests.
    pub rule: &'a str,
}

/// An ordered list of screen rules; the first match wins.
#[derive(Debug, Clone)]
pub struct Rules {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rule: Vec<Rule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    name: String,
    status: ScreenStatus,
    reason: Option<String>,
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    any: Vec<String>,
    #[serde(default)]
    none: Vec<String>,
    last_lines: Option<usize>,
}

impl Default for Rules {
    /// The rules shipped with ccmux.
    fn default() -> Self {
        // The embedded file is a build-time constant, checked by a test.
        Self::from_toml(EMBEDDED).expect("embedded status rules are valid")
    }
}

impl Rules {
    /// Reads rules in the format of `assets/status-rules.toml`.
    ///
    /// Rejects unknown keys and statuses (with their position), and rules that
    /// would match every screen or none.
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        let file: File = toml::from_str(text).context("invalid status rules")?;
        for (i, rule) in file.rule.iter().enumerate() {
            rule.validate()
                .with_context(|| format!("status rule {} ({:?})", i + 1, rule.name))?;
        }
        Ok(Self { rules: file.rule })
    }

    /// The first rule matching `screen` (its text, rows separated by `\n`).
    pub fn classify(&self, screen: &str) -> Option<Verdict<'_>> {
        let screen = without_trailing_blank_lines(screen);
        self.rules
            .iter()
            .find(|rule| rule.matches(screen))
            .map(|rule| Verdict {
                status: rule.status,
                reason: rule.reason.as_deref(),
                rule: &rule.name,
            })
    }
}

impl Rule {
    fn validate(&self) -> anyhow::Result<()> {
        if self.all.is_empty() && self.any.is_empty() {
            bail!("needs at least one string in `all` or `any`, or it matches every screen");
        }
        if [&self.all, &self.any, &self.none]
            .iter()
            .any(|list| list.iter().any(String::is_empty))
        {
            bail!("has an empty string, which is found in every screen");
        }
        if self.last_lines == Some(0) {
            bail!("`last_lines = 0` looks at nothing");
        }
        Ok(())
    }

    fn matches(&self, screen: &str) -> bool {
        let text = match self.last_lines {
            Some(n) => last_lines(screen, n),
            None => screen,
        };
        self.all.iter().all(|s| text.contains(s.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|s| text.contains(s.as_str())))
            && !self.none.iter().any(|s| text.contains(s.as_str()))
    }
}

/// A screen is padded with blank rows below its content; the footer rules
/// count from the last row that shows something.
fn without_trailing_blank_lines(screen: &str) -> &str {
    let mut end = screen.len();
    loop {
        let body = &screen[..end];
        let start = body.rfind('\n').map_or(0, |i| i + 1);
        if !body[start..].trim().is_empty() {
            return body;
        }
        if start == 0 {
            return "";
        }
        end = start - 1;
    }
}

fn last_lines(text: &str, n: usize) -> &str {
    text.rmatch_indices('\n')
        .nth(n - 1)
        .map_or(text, |(i, _)| &text[i + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load() {
        assert!(!Rules::default().rules.is_empty());
    }

    #[test]
    fn trailing_blank_rows_are_not_lines() {
        assert_eq!(without_trailing_blank_lines("a\nb\n  \n\n"), "a\nb");
        assert_eq!(without_trailing_blank_lines("a\r\n\r\n"), "a\r");
        assert_eq!(without_trailing_blank_lines("\n \n"), "");
        assert_eq!(without_trailing_blank_lines(""), "");
        assert_eq!(without_trailing_blank_lines("❯\u{a0}"), "❯\u{a0}");
    }

    #[test]
    fn last_lines_counts_from_the_bottom() {
        assert_eq!(last_lines("a\nb\nc", 1), "c");
        assert_eq!(last_lines("a\nb\nc", 2), "b\nc");
        assert_eq!(last_lines("a\nb\nc", 9), "a\nb\nc");
    }

    fn one_rule(body: &str) -> Rules {
        Rules::from_toml(&format!("[[rule]]\nname = \"r\"\n{body}")).unwrap()
    }

    #[test]
    fn all_any_none_and_last_lines() {
        let r = one_rule(
            "status = \"busy\"\nall = [\"x\"]\nany = [\"p\", \"q\"]\nnone = [\"n\"]\nlast_lines = 2",
        );
        let status = |s| r.classify(s).map(|v| v.status);
        assert_eq!(status("x q\n\n"), Some(ScreenStatus::Busy));
        assert_eq!(status("x\np"), Some(ScreenStatus::Busy));
        assert_eq!(status("x"), None, "no `any` string");
        assert_eq!(status("x p n"), None, "a `none` string");
        assert_eq!(status("x p\n1\n2"), None, "above the last 2 lines");
        assert_eq!(status("x p\n1\n\n  \n"), Some(ScreenStatus::Busy));
    }

    #[test]
    fn first_match_wins() {
        let r = Rules::from_toml(
            "[[rule]]\nname = \"a\"\nstatus = \"waiting\"\nreason = \"why\"\nall = [\"x\"]\n\
             [[rule]]\nname = \"b\"\nstatus = \"idle\"\nall = [\"x\"]\n",
        )
        .unwrap();
        let v = r.classify("x").unwrap();
        assert_eq!(
            v,
            Verdict {
                status: ScreenStatus::Waiting,
                reason: Some("why"),
                rule: "a"
            }
        );
    }

    #[test]
    fn no_rules_is_valid_and_matches_nothing() {
        assert_eq!(Rules::from_toml("").unwrap().classify("anything"), None);
    }

    fn error(text: &str) -> String {
        format!("{:#}", Rules::from_toml(text).unwrap_err())
    }

    #[test]
    fn rejects_bad_rules_clearly() {
        let e = error("[[rule]]\nname = \"r\"\nstatus = \"bsy\"\nall = [\"x\"]");
        assert!(e.contains("bsy") && e.contains("busy"), "{e}");
        let e = error("[[rule]]\nname = \"r\"\nstatus = \"idle\"\nall = [\"x\"]\nlast_line = 3");
        assert!(e.contains("last_line"), "{e}");
        let e = error("[[rule]]\nname = \"r\"\nstatus = \"idle\"");
        assert!(
            e.contains("rule 1 (\"r\")") && e.contains("every screen"),
            "{e}"
        );
        let e = error("[[rule]]\nname = \"r\"\nstatus = \"idle\"\nall = [\"x\"]\nnone = [\"\"]");
        assert!(e.contains("empty string"), "{e}");
        let e = error("[[rule]]\nname = \"r\"\nstatus = \"idle\"\nall = [\"x\"]\nlast_lines = 0");
        assert!(e.contains("last_lines"), "{e}");
        let e = error("[[rule]]\nstatus = \"idle\"\nall = [\"x\"]");
        assert!(e.contains("name"), "{e}");
        let e = error("[[rule]]\nname = \"r\"\nstatus = \"idle\"\nall = [\"x\"]\nlast_lines = -1");
        assert!(e.contains("last_lines") || e.contains("invalid"), "{e}");
    }
}
