//! Reading one directory's subdirectories, once per navigation.

use std::cmp::Ordering;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// A subdirectory as the picker lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    /// Shown and matched against; lossy for names that are not UTF-8, which is
    /// why navigation always uses `path`.
    pub name: String,
    pub path: PathBuf,
    pub hidden: bool,
    pub git: bool,
}

/// The outcome of reading a directory. An unreadable (or vanished) directory
/// is a normal state the picker shows, not an error to propagate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Listing {
    Entries(Vec<Entry>),
    Unreadable(String),
}

/// Lists the subdirectories of `dir` (following symlinks), hidden ones
/// included so that toggling them needs no second read, in natural order.
pub(super) fn read(dir: &Path) -> Listing {
    let read_dir = match fs::read_dir(dir) {
        Ok(read_dir) => read_dir,
        Err(err) => return Listing::Unreadable(reason(&err)),
    };
    // An entry that vanishes or fails mid-listing is skipped rather than
    // failing the whole directory: the rest is still worth showing.
    let mut entries: Vec<Entry> = read_dir
        .filter_map(Result::ok)
        .filter_map(|dirent| {
            let path = dirent.path();
            let file_type = dirent.file_type().ok()?;
            let is_dir = file_type.is_dir()
                || (file_type.is_symlink() && fs::metadata(&path).is_ok_and(|m| m.is_dir()));
            if !is_dir {
                return None;
            }
            let raw_name = dirent.file_name();
            Some(Entry {
                name: raw_name.to_string_lossy().into_owned(),
                hidden: raw_name.as_bytes().starts_with(b"."),
                git: is_git_repo(&path),
                path,
            })
        })
        .collect();
    entries.sort_by(|a, b| natural_cmp(&a.name, &b.name));
    Listing::Entries(entries)
}

/// The order people expect of names: case-insensitive, and runs of digits
/// compared as numbers, so `d2` comes before `d10`. Names equal that way
/// (`a` and `A`, `d1` and `d01`) keep a fixed order by their plain text.
pub(super) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    while let (Some(&cx), Some(&cy)) = (x.peek(), y.peek()) {
        let order = if cx.is_ascii_digit() && cy.is_ascii_digit() {
            let (nx, ny) = (digit_run(&mut x), digit_run(&mut y));
            // Without leading zeros, a longer run is a larger number.
            let (nx, ny) = (nx.trim_start_matches('0'), ny.trim_start_matches('0'));
            nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny))
        } else {
            x.next();
            y.next();
            cx.to_lowercase().cmp(cy.to_lowercase())
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    x.peek()
        .is_some()
        .cmp(&y.peek().is_some())
        .then_with(|| a.cmp(b))
}

fn digit_run(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut run = String::new();
    while let Some(c) = chars.next_if(char::is_ascii_digit) {
        run.push(c);
    }
    run
}

/// A `.git` directory, or the `.git` file of a worktree or submodule.
pub(super) fn is_git_repo(dir: &Path) -> bool {
    dir.join(".git").symlink_metadata().is_ok()
}

/// The OS's description of an I/O error without the "(os error N)" suffix
/// that means nothing to a user.
fn reason(err: &io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn names(listing: &Listing) -> Vec<&str> {
        match listing {
            Listing::Entries(entries) => entries.iter().map(|e| e.name.as_str()).collect(),
            Listing::Unreadable(reason) => panic!("unreadable: {reason}"),
        }
    }

    #[test]
    fn lists_only_directories_sorted_case_insensitively() {
        let tmp = tempfile::tempdir().unwrap();
        for dir in ["beta", "Alpha", "gamma", ".hidden", "alpha2"] {
            fs::create_dir(tmp.path().join(dir)).unwrap();
        }
        fs::write(tmp.path().join("afile"), "").unwrap();
        let listing = read(tmp.path());
        assert_eq!(
            names(&listing),
            [".hidden", "Alpha", "alpha2", "beta", "gamma"]
        );
        let Listing::Entries(entries) = listing else {
            unreachable!()
        };
        assert!(entries[0].hidden);
        assert!(!entries[1].hidden);
    }

    #[test]
    fn numbers_in_names_sort_as_numbers() {
        let tmp = tempfile::tempdir().unwrap();
        for dir in ["d10", "d2", "d1", "D3", "d11", "d02", "v1.10", "v1.9", "d"] {
            fs::create_dir(tmp.path().join(dir)).unwrap();
        }
        assert_eq!(
            names(&read(tmp.path())),
            ["d", "d1", "d02", "d2", "D3", "d10", "d11", "v1.9", "v1.10"]
        );
    }

    #[test]
    fn natural_order_is_total_and_consistent() {
        let names = [
            "",
            "a",
            "A",
            "a1",
            "a01",
            "a001",
            "a1b",
            "a10",
            "9",
            "10",
            "é",
            "E",
            "x99999999999999999999999",
        ];
        for a in names {
            assert_eq!(natural_cmp(a, a), Ordering::Equal, "{a:?}");
            for b in names {
                assert_eq!(
                    natural_cmp(a, b),
                    natural_cmp(b, a).reverse(),
                    "{a:?} {b:?}"
                );
                if a != b {
                    assert_ne!(natural_cmp(a, b), Ordering::Equal, "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn follows_symlinks_to_directories_only() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("real")).unwrap();
        fs::write(tmp.path().join("file"), "").unwrap();
        symlink(tmp.path().join("real"), tmp.path().join("link")).unwrap();
        symlink(tmp.path().join("file"), tmp.path().join("filelink")).unwrap();
        symlink(tmp.path().join("nowhere"), tmp.path().join("broken")).unwrap();
        assert_eq!(names(&read(tmp.path())), ["link", "real"]);
    }

    #[test]
    fn marks_git_repositories_including_worktrees() {
        let tmp = tempfile::tempdir().unwrap();
        for dir in ["repo/.git", "worktree", "plain"] {
            fs::create_dir_all(tmp.path().join(dir)).unwrap();
        }
        fs::write(tmp.path().join("worktree/.git"), "gitdir: /elsewhere").unwrap();
        let Listing::Entries(entries) = read(tmp.path()) else {
            panic!("unreadable")
        };
        let git: Vec<(&str, bool)> = entries.iter().map(|e| (e.name.as_str(), e.git)).collect();
        assert_eq!(git, [("plain", false), ("repo", true), ("worktree", true)]);
    }

    #[test]
    fn a_vanished_directory_is_unreadable_with_a_plain_reason() {
        let tmp = tempfile::tempdir().unwrap();
        let listing = read(&tmp.path().join("gone"));
        assert_eq!(
            listing,
            Listing::Unreadable("No such file or directory".into())
        );
    }
}
