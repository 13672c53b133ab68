//! A plaintext secret file (mode 0600) for `inlet demo` on machines without a keychain. Never
//! chosen silently: the demo names it, and real commands never use it.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use secrecy::{ExposeSecret as _, SecretString};

use super::{SecretError, SecretKey};

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> SecretError + '_ {
    move |source| SecretError::File {
        path: path.to_owned(),
        source,
    }
}

fn read(path: &Path) -> Result<BTreeMap<String, String>, SecretError> {
    match fs_err::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|error| {
            io_error(path)(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                error.to_string(),
            ))
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(error) => Err(io_error(path)(error)),
    }
}

fn write(path: &Path, entries: &BTreeMap<String, String>) -> Result<(), SecretError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(io_error(path))?;
    // NamedTempFile is created 0600, so the secret is never readable by others.
    let text = serde_json::to_string(entries).map_err(|error| {
        io_error(path)(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            error.to_string(),
        ))
    })?;
    file.write_all(text.as_bytes()).map_err(io_error(path))?;
    file.persist(path)
        .map_err(|error| io_error(path)(error.error))?;
    Ok(())
}

pub(super) fn save(path: &Path, key: &SecretKey, secret: &SecretString) -> Result<(), SecretError> {
    let mut entries = read(path)?;
    entries.insert(key.account(), secret.expose_secret().to_owned());
    write(path, &entries)
}

pub(super) fn load(path: &Path, key: &SecretKey) -> Result<Option<SecretString>, SecretError> {
    Ok(read(path)?.remove(&key.account()).map(SecretString::from))
}

pub(super) fn delete(path: &Path, key: &SecretKey) -> Result<bool, SecretError> {
    let mut entries = read(path)?;
    let existed = entries.remove(&key.account()).is_some();
    if existed {
        write(path, &entries)?;
    }
    Ok(existed)
}
