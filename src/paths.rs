//! Where inlet keeps its files: one `--home` folder, or the XDG base directories.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

const APP: &str = "inlet";

/// Every folder and file inlet touches, resolved once.
#[derive(Debug, Clone)]
pub struct Paths {
    /// Provider overrides and settings.
    pub config_dir: PathBuf,
    /// The SQLite cache and default exports; created with mode 0700.
    pub data_dir: PathBuf,
}

impl Paths {
    /// `--home DIR` (or `INLET_HOME`) puts everything under DIR; otherwise XDG, on macOS too
    /// (`~/.config/inlet`, `~/.local/share/inlet`), as command-line users expect.
    pub fn resolve(home: Option<&Path>) -> anyhow::Result<Self> {
        if let Some(home) = home.filter(|home| !home.as_os_str().is_empty()) {
            let home = std::path::absolute(home)
                .with_context(|| format!("cannot use `{}` as the inlet home", home.display()))?;
            return Ok(Self {
                config_dir: home.join("config"),
                data_dir: home.join("data"),
            });
        }
        use etcetera::BaseStrategy as _;
        let base = etcetera::choose_base_strategy()
            .context("cannot find your home folder; pass `--home DIR` or set `INLET_HOME`")?;
        Ok(Self {
            config_dir: base.config_dir().join(APP),
            data_dir: base.data_dir().join(APP),
        })
    }

    /// The SQLite cache.
    pub fn database(&self) -> PathBuf {
        self.data_dir.join("inlet.db")
    }

    /// Where `export` writes when no `--out` is given.
    pub fn exports_dir(&self) -> PathBuf {
        self.data_dir.join("exports")
    }

    /// Creates the data folder with mode 0700 (and tightens it if it exists and is this
    /// user's); refuses one another user owns or can write.
    pub fn ensure_data_dir(&self) -> anyhow::Result<()> {
        crate::trust::check(&self.data_dir, "data folder")?;
        crate::trust::create_dir(&self.data_dir)?;
        // Best effort: on a read-only home the check above is what matters.
        if let Err(error) = set_mode(&self.data_dir, crate::trust::DIR_MODE) {
            tracing::debug!(%error, "could not tighten the data folder");
        }
        Ok(())
    }

    /// Refuses a data folder or database that another user owns or can write.
    pub fn check_data(&self) -> anyhow::Result<()> {
        crate::trust::check(&self.data_dir, "data folder")?;
        crate::trust::check(&self.database(), "database")?;
        Ok(())
    }
}

/// Sets Unix permission bits; a no-op elsewhere.
pub fn set_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs_err::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}
