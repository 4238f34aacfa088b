//! The prompt area at the bottom of the screen, as plain lines. The strings
//! copy Claude Code 2.1.x where a multiplexer might look for them.

use crate::width::{str_width, wrap};

/// Claude puts a no-break space after the prompt glyph.
pub const PROMPT: &str = "❯\u{a0}";
pub const SPINNER_GLYPHS: [char; 6] = ['·', '✢', '*', '✶', '✻', '✽'];
pub const PERMISSION_COMMAND: &str = "echo hi > out.txt";
pub const PERMISSION_DESCRIPTION: &str = "Write hi to out.txt";

pub enum Body<'a> {
    /// The input box showing this text.
    Input(&'a str),
    /// The permission box with option `selected` (0 = Yes, 1 = No) highlighted.
    Permission { selected: usize },
}

pub enum Footer {
    Shortcuts,
    Interrupt,
    CtrlCAgain,
    KeyDump,
}

pub struct View<'a> {
    /// The spinner glyph while busy.
    pub spinner: Option<char>,
    pub body: Body<'a>,
    pub footer: Footer,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Area {
    pub lines: Vec<String>,
    /// Row (within `lines`) and column where the cursor goes.
    pub cursor: (usize, usize),
}

impl Area {
    pub fn height(&self) -> usize {
        self.lines.len()
    }
}

pub fn build(view: &View, cols: usize, rows: usize) -> Area {
    let mut lines = Vec::new();
    if let Some(glyph) = view.spinner {
        lines.push(format!("{glyph} Pondering…"));
        lines.push(String::new());
    }
    let rule = "─".repeat(cols);
    match view.body {
        Body::Input(text) => {
            lines.push(rule.clone());
            // Keep one cell free after the text for the cursor.
            let wrapped = wrap(text, cols.saturating_sub(PROMPT.chars().count() + 1));
            let last = wrapped.len() - 1;
            let cursor_col = 2 + str_width(&wrapped[last]);
            let first_row = lines.len();
            for (i, row) in wrapped.into_iter().enumerate() {
                let prefix = if i == 0 { PROMPT } else { "  " };
                lines.push(format!("{prefix}{row}"));
            }
            lines.push(rule);
            lines.push(
                match view.footer {
                    Footer::Shortcuts => "  ? for shortcuts",
                    Footer::Interrupt => "  esc to interrupt",
                    Footer::CtrlCAgain => "  Press Ctrl-C again to exit",
                    Footer::KeyDump => "  key dump: type q alone to stop",
                }
                .to_owned(),
            );
            fit(lines, (first_row + last, cursor_col), rows)
        }
        Body::Permission { selected } => {
            let option = |n: usize, label: &str| {
                let marker = if selected + 1 == n { "❯" } else { " " };
                format!(" {marker} {n}. {label}")
            };
            lines.extend([
                rule,
                " Bash command".to_owned(),
                String::new(),
                format!("   {PERMISSION_COMMAND}"),
                format!("   {PERMISSION_DESCRIPTION}"),
                String::new(),
                " Do you want to proceed?".to_owned(),
                option(1, "Yes"),
                option(2, "No"),
                String::new(),
                " Esc to cancel".to_owned(),
            ]);
            let end = lines.len() - 1;
            let col = str_width(&lines[end]);
            fit(lines, (end, col), rows)
        }
    }
}

/// Drop lines from the top until the area fits the screen: redrawing in place
/// relies on every line of it being visible.
fn fit(mut lines: Vec<String>, cursor: (usize, usize), rows: usize) -> Area {
    let excess = lines.len().saturating_sub(rows.max(1));
    lines.drain(..excess);
    Area {
        lines,
        cursor: (cursor.0.saturating_sub(excess), cursor.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idle(text: &str) -> View<'_> {
        View {
            spinner: None,
            body: Body::Input(text),
            footer: Footer::Shortcuts,
        }
    }

    #[test]
    fn idle_prompt() {
        let area = build(&idle("hi"), 10, 24);
        assert_eq!(
            area.lines,
            ["──────────", "❯\u{a0}hi", "──────────", "  ? for shortcuts"]
        );
        assert_eq!(area.cursor, (1, 4));
    }

    #[test]
    fn busy_has_spinner_and_interrupt_footer() {
        let view = View {
            spinner: Some('✻'),
            body: Body::Input(""),
            footer: Footer::Interrupt,
        };
        let area = build(&view, 6, 24);
        assert_eq!(
            area.lines,
            [
                "✻ Pondering…",
                "",
                "──────",
                "❯\u{a0}",
                "──────",
                "  esc to interrupt"
            ]
        );
        assert_eq!(area.cursor, (3, 2));
    }

    #[test]
    fn long_input_wraps_under_the_prompt() {
        let area = build(&idle("abcdefghij"), 8, 24);
        assert_eq!(&area.lines[1..4], ["❯\u{a0}abcde", "  fghij", "────────"]);
        assert_eq!(area.cursor, (2, 7));
    }

    #[test]
    fn permission_box() {
        let area = build(
            &View {
                spinner: None,
                body: Body::Permission { selected: 1 },
                footer: Footer::Shortcuts,
            },
            4,
            24,
        );
        assert_eq!(
            area.lines,
            [
                "────",
                " Bash command",
                "",
                "   echo hi > out.txt",
                "   Write hi to out.txt",
                "",
                " Do you want to proceed?",
                "   1. Yes",
                " ❯ 2. No",
                "",
                " Esc to cancel"
            ]
        );
        assert_eq!(area.cursor, (10, 14));
    }

    #[test]
    fn too_tall_area_loses_its_top() {
        let area = build(&idle("abcdefghij"), 5, 3);
        assert_eq!(area.height(), 3);
        assert_eq!(area.lines[2], "  ? for shortcuts");
        assert_eq!(area.cursor.0, 0);
    }
}
