//! The directories sessions were last started in, kept across runs.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// More would crowd the picker's recent section, which is meant for the few
/// places one actually works in.
const CAP: usize = 20;

/// Recently used directories, most recent first, stored as a TOML file
/// (`dirs = ["/a", "/b"]`) in the data dir.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecentDirs {
    dirs: Vec<PathBuf>,
}

#[derive(Serialize, Deserialize)]
struct File {
    dirs: Vec<PathBuf>,
}

impl RecentDirs {
    /// A missing file is an empty list; an unreadable or malformed one is an
    /// error naming the file, so the caller can tell the user what to fix.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(err) => {
                return Err(err).with_context(|| format!("cannot read {}", path.display()));
            }
        };
        let file: File = toml::from_str(&text).with_context(|| {
            format!("{} is not a valid recent directories file", path.display())
        })?;
        // Hand-edited files may repeat or overflow; replaying them through
        // `touch` from the oldest keeps the same invariants as at run time.
        let mut recent = Self::default();
        for dir in file.dirs.iter().rev() {
            recent.touch(dir);
        }
        Ok(recent)
    }

    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Moves `dir` to the front (inserting it if new), keeping at most 20.
    /// Paths that are not UTF-8 are not remembered: TOML cannot hold them.
    pub fn touch(&mut self, dir: &Path) {
        if dir.to_str().is_none() {
            return;
        }
        self.dirs.retain(|d| d != dir);
        self.dirs.insert(0, dir.to_path_buf());
        self.dirs.truncate(CAP);
    }

    /// Writes a temporary file beside `path` and renames it over `path`, so a
    /// crash or a full disk never leaves a truncated file behind.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let text = toml::to_string(&File {
            dirs: self.dirs.clone(),
        })
        .context("cannot encode recent directories")?;
        let file_name = path
            .file_name()
            .with_context(|| format!("{} is not a file path", path.display()))?;
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(file_name);
        tmp_name.push(format!(".{}.tmp", std::process::id()));
        let tmp = parent.join(tmp_name);
        let written = write_synced(&tmp, text.as_bytes()).and_then(|()| fs::rename(&tmp, path));
        if let Err(err) = written {
            // Best effort: the error that matters is the one returned.
            let _ = fs::remove_file(&tmp);
            return Err(err).with_context(|| format!("cannot write {}", path.display()));
        }
        Ok(())
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(dirs: &[&str]) -> Vec<PathBuf> {
        dirs.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn missing_file_is_empty() {
        let tmp = tempfile::tempdir().unwrap();
        let recent = RecentDirs::load(&tmp.path().join("none.toml")).unwrap();
        assert!(recent.dirs().is_empty());
    }

    #[test]
    fn touch_moves_to_front_and_dedupes() {
        let mut recent = RecentDirs::default();
        for dir in ["/a", "/b", "/c", "/a/"] {
            recent.touch(Path::new(dir));
        }
        assert_eq!(recent.dirs(), paths(&["/a", "/c", "/b"]));
    }

    #[test]
    fn touch_caps_at_twenty_dropping_the_oldest() {
        let mut recent = RecentDirs::default();
        for i in 0..25 {
            recent.touch(&PathBuf::from(format!("/d{i}")));
        }
        assert_eq!(recent.dirs().len(), 20);
        assert_eq!(recent.dirs()[0], PathBuf::from("/d24"));
        assert_eq!(recent.dirs()[19], PathBuf::from("/d5"));
    }

    #[test]
    fn touch_ignores_paths_toml_cannot_hold() {
        use std::os::unix::ffi::OsStrExt;
        let mut recent = RecentDirs::default();
        recent.touch(Path::new(std::ffi::OsStr::from_bytes(b"/bad\xff")));
        assert!(recent.dirs().is_empty());
    }

    #[test]
    fn save_then_load_round_trips_creating_parent_dirs() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("data/ccmux/recent.toml");
        let mut recent = RecentDirs::default();
        recent.touch(Path::new("/x/with \"quotes\""));
        recent.touch(Path::new("/y"));
        recent.save(&path).unwrap();
        assert_eq!(RecentDirs::load(&path).unwrap(), recent);
    }

    #[test]
    fn save_replaces_the_file_and_leaves_no_temporary_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("recent.toml");
        fs::write(&path, "dirs = [\"/old\"]\n").unwrap();
        let mut recent = RecentDirs::default();
        recent.touch(Path::new("/new"));
        recent.save(&path).unwrap();
        assert_eq!(RecentDirs::load(&path).unwrap().dirs(), paths(&["/new"]));
        let files: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(files.len(), 1);
    }

    #[test]
    fn failed_save_keeps_the_old_file_and_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        // Renaming a file over a non-empty directory fails, standing in for
        // any failure after the temporary file is written.
        let path = tmp.path().join("recent.toml");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("keep"), "").unwrap();
        let err = RecentDirs::default().save(&path).unwrap_err();
        assert!(format!("{err:#}").contains("cannot write"), "{err:#}");
        assert!(path.join("keep").exists());
        let files: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(files.len(), 1, "temporary file left behind");
    }

    #[test]
    fn load_dedupes_and_caps_hand_edited_files() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("recent.toml");
        let many: Vec<String> = (0..30).map(|i| format!("\"/d{i}\"")).collect();
        fs::write(&path, format!("dirs = [\"/d1\", {}]", many.join(", "))).unwrap();
        let recent = RecentDirs::load(&path).unwrap();
        assert_eq!(recent.dirs().len(), 20);
        assert_eq!(recent.dirs()[..3], paths(&["/d1", "/d0", "/d2"]));
    }

    #[test]
    fn corrupt_file_is_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("recent.toml");
        fs::write(&path, "dirs = [\"/a\", 3").unwrap();
        let err = RecentDirs::load(&path).unwrap_err();
        let message = format!("{err:#}");
        assert!(
            message.contains("recent.toml is not a valid recent directories file"),
            "{message}"
        );
    }
}
