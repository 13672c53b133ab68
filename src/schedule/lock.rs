//! The run lock: one file per connection, held with an OS file lock for the whole fetch of that
//! connection. The OS drops the lock when its holder dies, however it dies, so a lock left by a
//! killed process is simply free: there is nothing stale to clean up.

use std::fs::File;
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

/// Who holds a lock, as its holder wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub started_at: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "pid {}, started {}", self.pid, self.started_at)
    }
}

/// A held run lock; released on drop (and by the OS if the process dies).
#[derive(Debug)]
pub struct RunLock {
    _file: File,
    pub path: PathBuf,
}

fn lock_path(dir: &Path, connection: &str) -> PathBuf {
    dir.join(format!("{}.lock", connection.replace('/', "~")))
}

impl RunLock {
    /// Takes the connection's lock, or says who holds it.
    pub fn try_acquire(dir: &Path, connection: &str) -> anyhow::Result<Result<Self, Holder>> {
        crate::trust::create_dir(dir)?;
        let path = lock_path(dir, connection);
        let mut file = crate::trust::private_file()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|error| {
                anyhow::Error::new(error).context(format!("cannot open `{}`", path.display()))
            })?;
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0)?;
                file.rewind()?;
                writeln!(file, "{} {}", std::process::id(), crate::clock::stamp())?;
                file.flush()?;
                Ok(Ok(Self { _file: file, path }))
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let mut parts = text.split_whitespace();
                let pid = parts.next().and_then(|pid| pid.parse().ok()).unwrap_or(0);
                let started_at = parts.next().unwrap_or("an unknown time").to_owned();
                Ok(Err(Holder { pid, started_at }))
            }
            Err(std::fs::TryLockError::Error(error)) => {
                Err(anyhow::Error::new(error).context(format!("cannot lock `{}`", path.display())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_names_its_holder_and_frees_on_drop() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let held = RunLock::try_acquire(dir.path(), "a/h")?
            .map_err(|holder| anyhow::anyhow!("held by {holder}"))?;
        let holder = RunLock::try_acquire(dir.path(), "a/h")?.err();
        assert_eq!(holder.map(|holder| holder.pid), Some(std::process::id()));
        assert!(
            RunLock::try_acquire(dir.path(), "a/other")?.is_ok(),
            "locks are per connection"
        );
        drop(held);
        assert!(RunLock::try_acquire(dir.path(), "a/h")?.is_ok());
        Ok(())
    }
}
