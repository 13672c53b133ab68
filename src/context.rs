//! What every command needs: the printer, the paths, the secret store choice, the cache.
//!
//! Building a context does no I/O, so `completions` and `--help` work on a broken setup.

use std::io::IsTerminal as _;

use crate::cli::GlobalArgs;
use crate::output::Printer;
use crate::paths::Paths;
use crate::secrets::SecretBackend;
use crate::store::Store;

/// Resolved settings for one invocation.
#[derive(Debug, Clone)]
pub struct Context {
    pub printer: Printer,
    pub paths: Paths,
    pub secrets: SecretBackend,
    /// Prompts are allowed: stdin and stderr are terminals and `--no-input` is not set.
    pub interactive: bool,
    pub verbose: u8,
    /// The `--home` (or `INLET_HOME`) in use, if any.
    pub home: Option<std::path::PathBuf>,
}

impl Context {
    /// Resolves paths and prompt policy from the global flags.
    pub fn new(global: &GlobalArgs, printer: Printer) -> anyhow::Result<Self> {
        let paths = Paths::resolve(global.home.as_deref())?;
        let interactive =
            !global.no_input && std::io::stdin().is_terminal() && printer.stderr_is_terminal();
        Ok(Self {
            printer,
            paths,
            secrets: SecretBackend::Keychain,
            interactive,
            verbose: global.verbose,
            home: global
                .home
                .clone()
                .filter(|home| !home.as_os_str().is_empty()),
        })
    }

    /// Opens the cache, creating it (0700 folder, 0600 file) and migrating it as needed.
    pub fn store(&self) -> anyhow::Result<Store> {
        self.paths.ensure_data_dir()?;
        self.paths.check_data()?;
        Ok(Store::open(&self.paths.database())?)
    }

    /// The provider definitions: built-in ones and the user's; unusable user files are
    /// reported as warnings.
    pub fn catalog(&self) -> anyhow::Result<crate::catalog::Catalog> {
        let catalog = crate::catalog::Catalog::load(&self.paths.config_dir)?;
        for warning in &catalog.warnings {
            self.printer.warn(warning);
        }
        Ok(catalog)
    }

    /// Opens the cache only if it exists: read-only commands must not create files.
    pub fn existing_store(&self) -> anyhow::Result<Option<Store>> {
        if self.paths.database().exists() {
            self.store().map(Some)
        } else {
            Ok(None)
        }
    }
}
