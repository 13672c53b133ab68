//! Who may change what inlet trusts. Like ssh, inlet refuses a config folder, provider file,
//! data folder or database that another user owns or could write (a neighbour in a shared home
//! could plant a definition that sends credentials elsewhere, or rewrite a connection's base
//! URL), and it creates everything with explicit private modes whatever the umask.

use std::path::Path;

use crate::error::UserError;

/// Mode of every folder inlet creates.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file inlet creates.
pub const FILE_MODE: u32 = 0o600;

/// Refuses `path` (a `what`, for the message) when it exists and is owned by another user
/// (root excepted) or writable by group or others. A symbolic link is followed only when the
/// link itself is the user's; what it points to is held to the same rules.
pub fn check(path: &Path, what: &str) -> Result<(), UserError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let Ok(link) = std::fs::symlink_metadata(path) else {
            return Ok(());
        };
        let uid = rustix::process::getuid().as_raw();
        let shown = crate::output::sanitize::for_terminal(&path.display().to_string());
        let foreign = |owner: u32| owner != uid && owner != 0;
        if link.file_type().is_symlink() && foreign(link.uid()) {
            return Err(UserError::failure(format!(
                "refusing the {what} `{shown}`: it is a symbolic link owned by another user (uid {})",
                link.uid()
            ))
            .hint(format!(
                "inlet follows only links you own; remove it or replace it with your own: `rm {shown}`"
            )));
        }
        let Ok(meta) = std::fs::metadata(path) else {
            return Ok(());
        };
        if foreign(meta.uid()) {
            return Err(UserError::failure(format!(
                "refusing the {what} `{shown}`: it is owned by another user (uid {})",
                meta.uid()
            ))
            .hint(format!(
                "another user could have put it there; if it is yours, `chown {uid} {shown}`, otherwise remove it"
            )));
        }
        if meta.mode() & 0o022 != 0 {
            let fix = if meta.is_dir() { "700" } else { "600" };
            return Err(UserError::failure(format!(
                "refusing the {what} `{shown}`: other users can write to it (mode {:o})",
                meta.mode() & 0o777
            ))
            .hint(format!(
                "check that nobody changed it, then `chmod {fix} {shown}`"
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, what);
    Ok(())
}

/// Creates a folder and any missing parents with mode 0700, whatever the umask.
pub fn create_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(DIR_MODE);
    }
    builder.create(path).map_err(|error| {
        std::io::Error::new(
            error.kind(),
            format!("cannot create `{}`: {error}", path.display()),
        )
    })
}

/// Options that create a file with mode 0600, whatever the umask.
pub fn private_file() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(FILE_MODE);
    }
    options
}

/// Writes a whole file created (or truncated) with mode 0600.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = private_file()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|error| {
            std::io::Error::new(
                error.kind(),
                format!("cannot write `{}`: {error}", path.display()),
            )
        })?;
    file.write_all(bytes)
}
