//! The server's log: a file in the state dir, never a terminal (the server
//! has none). It is capped: past `CAP` bytes it is moved to `<name>.old`
//! (replacing the previous one) and started afresh, so a chatty server
//! costs at most twice the cap on disk.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Large enough for days of ordinary use, small enough to never matter.
pub const CAP: u64 = 1 << 20;

pub struct CappedLog {
    path: PathBuf,
    file: File,
    written: u64,
    cap: u64,
}

impl CappedLog {
    pub fn open(path: &Path, cap: u64) -> io::Result<CappedLog> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let written = file.metadata()?.len();
        let mut log = CappedLog {
            path: path.to_path_buf(),
            file,
            written,
            cap,
        };
        if written >= cap {
            log.rotate()?;
        }
        Ok(log)
    }

    fn rotate(&mut self) -> io::Result<()> {
        let mut old = self.path.clone().into_os_string();
        old.push(".old");
        fs::rename(&self.path, old)?;
        self.file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for CappedLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written + buf.len() as u64 > self.cap && self.written > 0 {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Sends `tracing` events at INFO and above to the log at `path`.
pub fn init(path: &Path) -> io::Result<()> {
    let log = CappedLog::open(path, CAP)?;
    let subscriber = tracing_subscriber::fmt()
        .with_writer(Mutex::new(log))
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    // Only fails if a subscriber is already set, which then keeps logging.
    let _ = tracing::subscriber::set_global_default(subscriber);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_never_grows_past_twice_its_cap() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.log");
        let mut log = CappedLog::open(&path, 100).unwrap();
        for i in 0..1000 {
            writeln!(log, "line {i:04}").unwrap();
        }
        let now = fs::metadata(&path).unwrap().len();
        let old = fs::metadata(tmp.path().join("s.log.old")).unwrap().len();
        assert!(now <= 100 && old <= 100, "{now} {old}");
        assert!(fs::read_to_string(&path).unwrap().contains("line 0999"));
        // Reopened over the cap, it starts afresh.
        fs::write(&path, vec![b'x'; 200]).unwrap();
        let mut log = CappedLog::open(&path, 100).unwrap();
        writeln!(log, "new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
    }
}
