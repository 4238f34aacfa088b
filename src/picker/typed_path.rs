//! A filter that reads as a path (`/tmp`, `~/src`, `../x`) is offered as a
//! place to jump to, the way a shell's `cd` would take it.

use std::path::{Component, Path, PathBuf};

/// The directory `query` names, resolved against `cwd` and `home`, or `None`
/// when the query does not look like a path. Purely lexical: the caller checks
/// that the result exists.
pub(super) fn resolve(query: &str, cwd: &Path, home: Option<&Path>) -> Option<PathBuf> {
    let joined = if query == "~" {
        home?.to_path_buf()
    } else if let Some(rest) = query.strip_prefix("~/") {
        home?.join(rest)
    } else if query.starts_with('/') || query.contains('/') || query == ".." {
        cwd.join(query)
    } else {
        return None;
    };
    Some(normalize(&joined))
}

/// The last part of `query`, a typed path to `target` (which is not there),
/// when `target` would be in `dir`: `extra` of `~/extra` while `dir` is home.
/// The picker filters `dir`'s list with it, as a shell completes a path.
pub(super) fn last_part_here<'q>(query: &'q str, target: &Path, dir: &Path) -> Option<&'q str> {
    let (_, last) = query.rsplit_once('/')?;
    let names_a_child = !last.is_empty() && last != "." && last != "..";
    (names_a_child && target.parent() == Some(dir)).then_some(last)
}

/// Resolves `.` and `..` lexically, as `cd` does by default: `link/..` is the
/// directory holding `link`, not the parent of its target.
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            // At the root `pop` does nothing, so `/..` stays `/`.
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` with the home directory shown as `~`.
pub(super) fn tildify(path: &Path, home: Option<&Path>) -> String {
    match home.and_then(|home| path.strip_prefix(home).ok()) {
        Some(rest) if rest.as_os_str().is_empty() => "~".to_string(),
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CWD: &str = "/home/u/src";
    const HOME: &str = "/home/u";

    fn resolved(query: &str) -> Option<PathBuf> {
        resolve(query, Path::new(CWD), Some(Path::new(HOME)))
    }

    #[test]
    fn plain_names_are_not_paths() {
        assert_eq!(resolved("ccmux"), None);
        assert_eq!(resolved(".config"), None);
        assert_eq!(resolved("a b"), None);
    }

    #[test]
    fn absolute_home_and_relative_paths() {
        assert_eq!(resolved("/tmp"), Some("/tmp".into()));
        assert_eq!(resolved("/tmp/"), Some("/tmp".into()));
        assert_eq!(resolved("~"), Some(HOME.into()));
        assert_eq!(resolved("~/x/y"), Some("/home/u/x/y".into()));
        assert_eq!(resolved("../x"), Some("/home/u/x".into()));
        assert_eq!(resolved(".."), Some(HOME.into()));
        assert_eq!(resolved("a/./b/../c"), Some("/home/u/src/a/c".into()));
        assert_eq!(resolved("/../.."), Some("/".into()));
    }

    #[test]
    fn tilde_without_a_home_is_not_a_path() {
        assert_eq!(resolve("~/x", Path::new(CWD), None), None);
    }

    #[test]
    fn the_last_part_of_a_path_into_the_directory_shown() {
        fn last(query: &str) -> Option<&str> {
            let target = resolved(query).unwrap();
            last_part_here(query, &target, Path::new(HOME))
        }
        assert_eq!(last("~/ext"), Some("ext"));
        assert_eq!(last("../ext"), Some("ext"));
        assert_eq!(last("/home/u/ext"), Some("ext"));
        assert_eq!(last("~/src/ext"), None);
        assert_eq!(last("/tmp/ext"), None);
        assert_eq!(last("~/"), None);
        assert_eq!(last("~/x/.."), None);
    }

    #[test]
    fn tildify_shows_home_as_tilde() {
        let home = Some(Path::new(HOME));
        assert_eq!(tildify(Path::new(HOME), home), "~");
        assert_eq!(tildify(Path::new("/home/u/a"), home), "~/a");
        assert_eq!(tildify(Path::new("/home/user2"), home), "/home/user2");
        assert_eq!(tildify(Path::new("/tmp"), None), "/tmp");
    }
}
