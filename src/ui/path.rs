//! How the chrome shows a directory.

use std::path::Path;

/// `path` with the home directory shown as `~` (`~`, `~/code/api`), as shells
/// show it. Only whole components match: `/home/al` is not in `/home/alice`.
pub fn display_path(path: &Path, home: Option<&Path>) -> String {
    let Some(rest) = home.and_then(|home| path.strip_prefix(home).ok()) else {
        return path.to_string_lossy().into_owned();
    };
    if rest.as_os_str().is_empty() {
        "~".to_string()
    } else {
        format!("~/{}", rest.to_string_lossy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(path: &str, home: Option<&str>) -> String {
        display_path(Path::new(path), home.map(Path::new))
    }

    #[test]
    fn home_becomes_a_tilde() {
        assert_eq!(show("/home/al", Some("/home/al")), "~");
        assert_eq!(show("/home/al/", Some("/home/al")), "~");
        assert_eq!(show("/home/al/code/api", Some("/home/al")), "~/code/api");
        assert_eq!(show("/home/al/code/api", Some("/home/al/")), "~/code/api");
    }

    #[test]
    fn other_paths_are_shown_whole() {
        assert_eq!(
            show("/home/alice/code", Some("/home/al")),
            "/home/alice/code"
        );
        assert_eq!(show("/srv/app", Some("/home/al")), "/srv/app");
        assert_eq!(show("/srv/app", None), "/srv/app");
        assert_eq!(show("/", Some("/home/al")), "/");
    }
}
