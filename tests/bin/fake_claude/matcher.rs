//! The `matcher` of a hook group, decided the way Claude Code decides it:
//! missing, empty or `*` matches everything; a plain name (letters, digits,
//! `_`) or a `|`-list of them must equal the subject; anything else is a
//! regular expression searched for in the subject (JavaScript's `test`).
//!
//! The fake has no regex engine, so it understands the part of regex syntax
//! matchers use in practice: literals, `.`, `*`, `+`, `?`, `\` escapes, `^`,
//! `$` and top-level `|` (as in `mcp__.*|Write`). Groups and classes (`(`,
//! `[`, `{`) are not understood, and such a matcher matches nothing, the way
//! Claude treats a regex it cannot compile.

pub fn matches(pattern: Option<&str>, subject: &str) -> bool {
    let pattern = pattern.unwrap_or("");
    if pattern.is_empty() || pattern == "*" {
        return true;
    }
    if pattern
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '|')
    {
        return pattern.split('|').any(|name| name == subject);
    }
    let Some(alternatives) = parse(pattern) else {
        return false;
    };
    let subject: Vec<char> = subject.chars().collect();
    alternatives.iter().any(|alt| alt.search(&subject))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Atom {
    Char(char),
    Any,
}

impl Atom {
    fn accepts(self, c: char) -> bool {
        match self {
            Atom::Char(want) => want == c,
            Atom::Any => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Repeat {
    Once,
    /// `?`
    Optional,
    /// `*`
    Star,
    /// `+`
    Plus,
}

#[derive(Debug)]
struct Alternative {
    start_anchor: bool,
    end_anchor: bool,
    pieces: Vec<(Atom, Repeat)>,
}

impl Alternative {
    fn search(&self, subject: &[char]) -> bool {
        if self.start_anchor {
            return self.match_here(0, subject);
        }
        (0..=subject.len()).any(|at| self.match_here(0, &subject[at..]))
    }

    /// Backtracking: matcher names are short, so the exponential worst case
    /// of `a*a*a*…` never bites.
    fn match_here(&self, piece: usize, text: &[char]) -> bool {
        let Some(&(atom, repeat)) = self.pieces.get(piece) else {
            return !self.end_anchor || text.is_empty();
        };
        let first = |text: &[char]| text.first().is_some_and(|&c| atom.accepts(c));
        match repeat {
            Repeat::Once => first(text) && self.match_here(piece + 1, &text[1..]),
            Repeat::Optional => {
                (first(text) && self.match_here(piece + 1, &text[1..]))
                    || self.match_here(piece + 1, text)
            }
            Repeat::Star | Repeat::Plus => {
                let run = text.iter().take_while(|&&c| atom.accepts(c)).count();
                let least = usize::from(repeat == Repeat::Plus);
                (least..=run)
                    .rev()
                    .any(|taken| self.match_here(piece + 1, &text[taken..]))
            }
        }
    }
}

/// `None` when the pattern uses syntax the fake does not understand.
fn parse(pattern: &str) -> Option<Vec<Alternative>> {
    let mut alternatives = Vec::new();
    let mut current = Alternative {
        start_anchor: false,
        end_anchor: false,
        pieces: Vec::new(),
    };
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if current.end_anchor && c != '|' {
            // Text after `$` can never match; it is not worth a special case.
            return None;
        }
        let atom = match c {
            '|' => {
                alternatives.push(std::mem::replace(
                    &mut current,
                    Alternative {
                        start_anchor: false,
                        end_anchor: false,
                        pieces: Vec::new(),
                    },
                ));
                continue;
            }
            '^' if current.pieces.is_empty() && !current.start_anchor => {
                current.start_anchor = true;
                continue;
            }
            '$' => {
                current.end_anchor = true;
                continue;
            }
            '\\' => Atom::Char(chars.next()?),
            '.' => Atom::Any,
            '*' | '+' | '?' | '^' | '(' | ')' | '[' | ']' | '{' | '}' => return None,
            c => Atom::Char(c),
        };
        let repeat = match chars.peek() {
            Some('*') => Repeat::Star,
            Some('+') => Repeat::Plus,
            Some('?') => Repeat::Optional,
            _ => Repeat::Once,
        };
        if repeat != Repeat::Once {
            chars.next();
        }
        current.pieces.push((atom, repeat));
    }
    alternatives.push(current);
    Some(alternatives)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_matches_a_missing_empty_or_star_matcher() {
        for pattern in [None, Some(""), Some("*")] {
            assert!(matches(pattern, "Bash"), "{pattern:?}");
            assert!(matches(pattern, ""), "{pattern:?}");
        }
    }

    #[test]
    fn plain_names_and_lists_match_exactly() {
        assert!(matches(Some("Bash"), "Bash"));
        assert!(!matches(Some("Bash"), "BashOutput"), "no substring match");
        assert!(!matches(Some("bash"), "Bash"), "case matters");
        assert!(matches(Some("Edit|Write"), "Write"));
        assert!(!matches(Some("Edit|Write"), "Edi"));
        assert!(matches(Some("permission_prompt"), "permission_prompt"));
    }

    #[test]
    fn regular_expressions_are_searched_for() {
        assert!(matches(Some("Notebook.*"), "NotebookEdit"));
        assert!(matches(Some("mcp__.*|Write"), "mcp__memory__save"));
        assert!(matches(Some("mcp__.*|Write"), "Write"));
        assert!(matches(Some("ash$"), "Bash"), "unanchored start");
        assert!(!matches(Some("^ash"), "Bash"));
        assert!(matches(Some("^Ba.h$"), "Bash"));
        assert!(!matches(Some("^Ba.h$"), "Bashes"));
        assert!(matches(Some("^Bas?h$"), "Bah"));
        assert!(matches(Some("^B.+h$"), "Bash"));
        assert!(!matches(Some("^B.+h$"), "Bh"));
        assert!(matches(Some(r"^a\.b$"), "a.b"));
        assert!(!matches(Some(r"^a\.b$"), "axb"));
    }

    #[test]
    fn syntax_the_fake_does_not_know_matches_nothing() {
        for pattern in ["(Edit|Write)", "[BW]ash", "a{2}", "*Bash", "a$b", r"ab\"] {
            assert!(!matches(Some(pattern), "Bash"), "{pattern:?}");
            assert!(!matches(Some(pattern), "Edit"), "{pattern:?}");
        }
    }
}
