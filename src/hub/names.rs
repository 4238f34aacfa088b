//! What each session is called: the name the user gave it (`Hub::rename`),
//! else one made from its directory. The names given are kept here and
//! nowhere else; the tab bar, table, status line, switcher, notifications and
//! `ccmux ls` all ask `Hub::display_name` or read `SessionInfo::name`.
//!
//! A default name is the directory's last component, with just enough of
//! its parents to tell apart directories of the same name (`a/web`,
//! `b/web`); sessions in the same directory are numbered in tab order
//! (`real`, `real-2`).

use std::path::{Component, Path};

use super::Hub;
use crate::session::SessionId;

/// Longer names are cut: a name is a label, not a document.
const MAX_NAME_CHARS: usize = 64;

impl Hub {
    /// Names session `id` (`None`, or a name with nothing printable: its
    /// default name again). Returns whether there is such a session.
    pub fn rename(&mut self, id: SessionId, name: Option<String>) -> bool {
        if self.registry.get(id).is_none() {
            return false;
        }
        match name.as_deref().and_then(tidy) {
            Some(name) => self.names.insert(id, name),
            None => self.names.remove(&id),
        };
        self.shown_changed();
        self.state_dirty = true;
        true
    }

    /// What session `id` is called: its given name, else its default one.
    pub fn display_name(&self, id: SessionId) -> String {
        if let Some(name) = self.names.get(&id) {
            return name.clone();
        }
        let index = self.registry.index_of(id);
        index
            .and_then(|i| self.names_in_tab_order().into_iter().nth(i))
            .unwrap_or_else(|| id.short())
    }

    /// Every session's name, in tab order. Default names are made among all
    /// sessions, so naming one never changes another's.
    pub(super) fn names_in_tab_order(&self) -> Vec<String> {
        let dirs: Vec<&Path> = self
            .registry
            .iter()
            .map(|s| s.spec().dir.as_path())
            .collect();
        self.registry
            .iter()
            .zip(default_names(&dirs))
            .map(|(s, default)| self.names.get(&s.id()).cloned().unwrap_or(default))
            .collect()
    }

    /// A closed session's name goes with it. (A restarted one keeps its id,
    /// and so its name.)
    pub(super) fn forget_name(&mut self, id: SessionId) {
        self.names.remove(&id);
    }
}

/// A name as typed: on one line, without control characters or surrounding
/// blanks, at most `MAX_NAME_CHARS`; `None` if nothing is left.
fn tidy(name: &str) -> Option<String> {
    let one_line: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let name: String = one_line.trim().chars().take(MAX_NAME_CHARS).collect();
    let name = name.trim_end();
    (!name.is_empty()).then(|| name.to_string())
}

/// The default name of each directory, in order.
fn default_names(paths: &[&Path]) -> Vec<String> {
    let parts: Vec<Vec<String>> = paths.iter().map(|path| components(path)).collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, own)| {
            // The shortest tail that no other directory ends with.
            let depth = (1..=own.len())
                .find(|&depth| {
                    parts
                        .iter()
                        .all(|other| other == own || tail(other, depth) != tail(own, depth))
                })
                .unwrap_or(own.len());
            let name = tail(own, depth).join("/");
            let name = if name.is_empty() {
                paths[i].to_string_lossy().into_owned()
            } else {
                name
            };
            // The same directory again: numbered, the first one plain.
            match parts[..i].iter().filter(|other| *other == own).count() {
                0 => name,
                before => format!("{name}-{}", before + 1),
            }
        })
        .collect()
}

fn components(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|component| match component {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

fn tail(parts: &[String], depth: usize) -> &[String] {
    &parts[parts.len().saturating_sub(depth)..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(paths: &[&str]) -> Vec<String> {
        let paths: Vec<&Path> = paths.iter().map(Path::new).collect();
        default_names(&paths)
    }

    #[test]
    fn unique_names_are_the_last_component() {
        assert_eq!(names(&["/home/al/api", "/home/al/web"]), ["api", "web"]);
    }

    #[test]
    fn duplicates_get_just_enough_parents() {
        assert_eq!(
            names(&["/x/a/web", "/x/b/web", "/x/api"]),
            ["a/web", "b/web", "api"]
        );
        assert_eq!(
            names(&["/p/a/web", "/q/a/web", "/r/b/web"]),
            ["p/a/web", "q/a/web", "b/web"]
        );
    }

    #[test]
    fn a_path_that_is_a_tail_of_another_is_still_told_apart() {
        assert_eq!(names(&["/a/web", "/x/a/web"]), ["a/web", "x/a/web"]);
    }

    #[test]
    fn the_same_directory_again_is_numbered_in_tab_order() {
        assert_eq!(names(&["/x/real", "/x/real"]), ["real", "real-2"]);
        assert_eq!(
            names(&["/x/a/web", "/x/b/web", "/x/a/web/", "/x/a/web"]),
            ["a/web", "b/web", "a/web-2", "a/web-3"]
        );
    }

    #[test]
    fn names_are_tidied_and_blank_means_the_default() {
        assert_eq!(tidy("  api\tserver\n").as_deref(), Some("api server"));
        assert_eq!(tidy("\x1b[31m").as_deref(), Some("[31m"));
        assert_eq!(tidy(" \n "), None);
        assert_eq!(
            tidy(&"é".repeat(100)).map(|n| n.chars().count()),
            Some(MAX_NAME_CHARS)
        );
    }

    #[test]
    fn the_root_is_shown_as_itself() {
        assert_eq!(names(&["/", "/srv"]), ["/", "srv"]);
    }
}
