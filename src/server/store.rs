//! The file a server keeps its sessions in (`<state dir>/NAME.sessions.json`,
//! mode 0600: it holds the sessions' environments). Every write is atomic:
//! a temporary file, fsync, rename, fsync of the directory; a crash at any
//! moment leaves the old file or the new one, whole. A file that cannot be
//! read is set aside, never a reason to fail.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::hub::{SAVED_VERSION, Saved};

pub struct Store {
    path: PathBuf,
}

impl Store {
    pub fn new(path: PathBuf) -> Store {
        Store { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved sessions: none when there is no file. A file that does not
    /// parse (torn, corrupt, of another version) is renamed aside and the
    /// error says where to, for the user.
    pub fn load(&self) -> Result<Option<Saved>, String> {
        let text = match fs::read(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", self.path.display())),
        };
        let why = match serde_json::from_slice::<Saved>(&text) {
            Ok(saved) if saved.version == SAVED_VERSION => return Ok(Some(saved)),
            Ok(saved) => format!("it is of version {}", saved.version),
            Err(e) => e.to_string(),
        };
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut aside = self.path.clone().into_os_string();
        aside.push(format!(".corrupt-{stamp}"));
        let aside = PathBuf::from(aside);
        let moved = match fs::rename(&self.path, &aside) {
            Ok(()) => format!("set aside as {}", aside.display()),
            Err(e) => format!("and could not be set aside: {e}"),
        };
        Err(format!(
            "the saved sessions in {} could not be read ({why}); {moved}",
            self.path.display()
        ))
    }

    /// Replaces the file with `saved`, atomically.
    pub fn save(&self, saved: &Saved) -> io::Result<()> {
        let dir = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let body = serde_json::to_vec_pretty(saved).map_err(io::Error::other)?;
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(&body)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &self.path)?;
        // The rename itself reaches the disk with the directory.
        File::open(dir)?.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::SavedSession;

    fn saved() -> Saved {
        Saved {
            version: SAVED_VERSION,
            sessions: vec![SavedSession {
                id: "25e68eb4-0000-4000-8000-000000000001".into(),
                dir: "/a".into(),
                program: "claude".into(),
                args: vec!["--model".into(), "x".into()],
                env: vec![("FOO".into(), "1".into())],
                claude: true,
                conversation: Some("eb237c9c".into()),
                transcript: None,
                prompted: true,
                started: 1,
                live: true,
                queue: vec![],
                paused: false,
                name: None,
            }],
        }
    }

    #[test]
    fn round_trip_and_a_missing_file_is_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path().join("state/default.sessions.json"));
        assert_eq!(store.load(), Ok(None));
        store.save(&saved()).unwrap();
        assert_eq!(store.load(), Ok(Some(saved())));
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(store.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_torn_or_corrupt_file_is_set_aside_with_a_message() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path().join("default.sessions.json"));
        store.save(&saved()).unwrap();
        let whole = fs::read(store.path()).unwrap();
        fs::write(store.path(), &whole[..whole.len() / 2]).unwrap();
        let err = store.load().unwrap_err();
        assert!(
            err.contains("could not be read") && err.contains("set aside as"),
            "{err}"
        );
        assert_eq!(store.load(), Ok(None), "the bad file is out of the way");
        let aside: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(
            fs::read(aside[0].path()).unwrap(),
            &whole[..whole.len() / 2]
        );
    }
}
