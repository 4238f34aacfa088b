//! Fuzzy matching of the typed filter, fzf-style: space-separated terms that
//! must all match, `^`/`$`/`'`/`!` for prefix, suffix, exact and negation,
//! smart case (case-sensitive only once the filter has an upper-case letter).

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

pub struct Filter {
    query: String,
    pattern: Pattern,
    matcher: Matcher,
    /// Scratch space nucleo needs to convert non-ASCII haystacks.
    chars: Vec<char>,
}

impl Default for Filter {
    fn default() -> Self {
        Self::new()
    }
}

impl Filter {
    pub fn new() -> Self {
        Self {
            query: String::new(),
            pattern: Pattern::default(),
            // Path bonuses: a match right after `/` (or at the start of a
            // name) ranks higher, which is what both names and paths want.
            matcher: Matcher::new(Config::DEFAULT.match_paths()),
            chars: Vec::new(),
        }
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn is_empty(&self) -> bool {
        self.query.is_empty()
    }

    pub fn set_query(&mut self, query: String) {
        self.pattern
            .reparse(&query, CaseMatching::Smart, Normalization::Smart);
        self.query = query;
    }

    /// `None` when `haystack` does not match; an empty filter matches all.
    pub fn score(&mut self, haystack: &str) -> Option<u32> {
        self.pattern
            .score(Utf32Str::new(haystack, &mut self.chars), &mut self.matcher)
    }

    /// The char positions in `haystack` to highlight, ascending.
    pub fn matched_chars(&mut self, haystack: &str) -> Vec<usize> {
        let mut indices = Vec::new();
        self.pattern.indices(
            Utf32Str::new(haystack, &mut self.chars),
            &mut self.matcher,
            &mut indices,
        );
        indices.sort_unstable();
        indices.dedup();
        indices.into_iter().map(|i| i as usize).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(query: &str) -> Filter {
        let mut filter = Filter::new();
        filter.set_query(query.to_string());
        filter
    }

    fn ranked<'a>(query: &str, names: &[&'a str]) -> Vec<&'a str> {
        let mut filter = filter(query);
        let mut scored: Vec<(&str, u32)> = names
            .iter()
            .filter_map(|n| filter.score(n).map(|s| (*n, s)))
            .collect();
        scored.sort_by_key(|(_, s)| std::cmp::Reverse(*s));
        scored.into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn empty_filter_matches_everything() {
        assert_eq!(filter("").score("anything"), Some(0));
    }

    #[test]
    fn prefix_and_word_boundary_matches_rank_first() {
        let names = ["cool-mode", "ccmux", "scratch", "cmx"];
        // Word starts count, as in fzf: c(ool-)m(ode) beats cc(m)ux.
        assert_eq!(ranked("cm", &names), ["cmx", "cool-mode", "ccmux"]);
        assert_eq!(ranked("cmx", &names), ["cmx", "ccmux"]);
    }

    #[test]
    fn smart_case() {
        let names = ["Projects", "projects-old"];
        assert_eq!(ranked("proj", &names).len(), 2);
        assert_eq!(ranked("Proj", &names), ["Projects"]);
    }

    #[test]
    fn fzf_syntax_terms_all_must_match() {
        let names = ["rust-app", "rust-lib", "go-app"];
        assert_eq!(ranked("rust app", &names), ["rust-app"]);
        assert_eq!(ranked("^go", &names), ["go-app"]);
        assert_eq!(ranked("!rust", &names), ["go-app"]);
    }

    #[test]
    fn matched_chars_are_char_positions() {
        assert_eq!(filter("cx").matched_chars("ccmux"), [0, 4]);
        assert_eq!(filter("éb").matched_chars("aébc"), [1, 2]);
    }
}
