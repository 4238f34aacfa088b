//! Short names for tabs: a directory's last component, with just enough of its
//! parents to tell apart directories of the same name (`a/web`, `b/web`).

use std::path::{Component, Path};

/// The name of each path, in order.
pub fn tab_names(paths: &[&Path]) -> Vec<String> {
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
            if name.is_empty() {
                paths[i].to_string_lossy().into_owned()
            } else {
                name
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
        tab_names(&paths)
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
    fn the_same_directory_twice_keeps_its_short_name() {
        assert_eq!(names(&["/x/web", "/x/web"]), ["web", "web"]);
    }

    #[test]
    fn the_root_is_shown_as_itself() {
        assert_eq!(names(&["/", "/srv"]), ["/", "srv"]);
    }
}
