//! The OS keychain through `keyring-core`, every call bounded by a deadline: a Secret Service
//! daemon can hang, and a D-Bus call to a hung daemon never returns on its own.
//!
//! The store per platform: on macOS the login Keychain and on Windows the Credential Manager,
//! both wired by the `keyring` crate (v4); on Linux the Secret Service through
//! `dbus-secret-service-keyring-store`, which has a D-Bus timeout of its own and works with a
//! headless gnome-keyring (`keyring`'s own Linux store, zbus, was measured to hang forever on a
//! hung daemon and to build three times slower); on other Unix systems `keyring`'s Secret
//! Service store.

#[cfg(target_os = "linux")]
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, mpsc};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry};
use secrecy::{ExposeSecret as _, SecretString};

use super::{SERVICE, SecretError, SecretKey};
use crate::env_vars::EnvVars;
use crate::ids::ConnectionId;

const DEFAULT_DEADLINE: Duration = Duration::from_secs(5);

fn deadline() -> Duration {
    std::env::var(EnvVars::KEYCHAIN_TIMEOUT_MS)
        .ok()
        .and_then(|value| value.parse().ok())
        .map_or(DEFAULT_DEADLINE, Duration::from_millis)
}

/// Runs a keychain operation on its own thread and gives up after the deadline. A thread stuck
/// in a hung daemon is abandoned; the process exits without waiting for it.
fn with_deadline<T: Send + 'static>(
    operation: impl FnOnce() -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    let (sender, receiver) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("keychain".to_owned())
        .spawn(move || {
            let _ = sender.send(operation());
        });
    if let Err(error) = spawned {
        return Err(SecretError::Backend {
            reason: error.to_string(),
        });
    }
    let after = deadline();
    receiver
        .recv_timeout(after)
        .unwrap_or(Err(SecretError::Timeout { after }))
}

/// The platform store, connected once per process.
fn store() -> Result<Arc<CredentialStore>, SecretError> {
    static STORE: OnceLock<Arc<CredentialStore>> = OnceLock::new();
    if let Some(store) = STORE.get() {
        return Ok(store.clone());
    }
    let store = platform_store()?;
    Ok(STORE.get_or_init(|| store).clone())
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    // Without a session bus the Secret Service cannot be reached; say that plainly rather than
    // relay D-Bus's autolaunch message.
    let runtime_bus = std::env::var_os("XDG_RUNTIME_DIR")
        .is_some_and(|dir| std::path::Path::new(&dir).join("bus").exists());
    if !runtime_bus
        && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|value| value.is_empty())
    {
        return Err(SecretError::Unavailable {
            reason: "no D-Bus session bus (`DBUS_SESSION_BUS_ADDRESS` is not set)".to_owned(),
        });
    }
    let store = dbus_secret_service_keyring_store::Store::new().map_err(|error| {
        SecretError::Unavailable {
            reason: describe(&error),
        }
    })?;
    Ok(store)
}

/// The platform's native store as the `keyring` crate sets it up: the Keychain on macOS, the
/// Credential Manager on Windows.
#[cfg(not(target_os = "linux"))]
fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    if let Err(error) = keyring::Entry::store_status() {
        return Err(SecretError::Unavailable {
            reason: describe(error),
        });
    }
    keyring_core::get_default_store().ok_or_else(|| SecretError::Unavailable {
        reason: "the platform keychain could not be opened".to_owned(),
    })
}

#[cfg(target_os = "linux")]
fn entry(key: &SecretKey) -> Result<Entry, SecretError> {
    let store = store()?;
    // The Secret Service shows this label in Seahorse and KeePassXC.
    let label = format!("inlet: {}", key.connection);
    let modifiers = HashMap::from([("label", label.as_str())]);
    Entry::new_in_store_with_modifiers(&store, SERVICE, &key.account(), &modifiers)
        .map_err(|error| classify(&error))
}

#[cfg(not(target_os = "linux"))]
fn entry(key: &SecretKey) -> Result<Entry, SecretError> {
    let store = store()?;
    Entry::new_in_store(&store, SERVICE, &key.account()).map_err(|error| classify(&error))
}

/// Error text from the keychain never carries the secret (keyring-core reports only what
/// failed), but is still reduced to one line.
fn describe(error: &keyring_core::Error) -> String {
    crate::output::sanitize::for_terminal(&error.to_string())
}

/// A D-Bus call that got no answer in time (a busy Secret Service daemon, often on its first
/// write): worth one more try within the deadline, and not a sign that there is no keychain.
fn no_reply(error: &keyring_core::Error) -> bool {
    matches!(error, keyring_core::Error::PlatformFailure(inner)
        if inner.to_string().contains("Did not receive a reply"))
}

/// Runs a keychain call, once more if the daemon did not answer the first time.
fn retrying<T>(
    mut call: impl FnMut() -> Result<T, keyring_core::Error>,
) -> Result<T, keyring_core::Error> {
    match call() {
        Err(error) if no_reply(&error) => {
            tracing::debug!(%error, "the keychain did not answer; trying once more");
            call()
        }
        result => result,
    }
}

fn classify(error: &keyring_core::Error) -> SecretError {
    if no_reply(error) {
        return SecretError::Timeout { after: deadline() };
    }
    match error {
        keyring_core::Error::NoStorageAccess(_) | keyring_core::Error::NoDefaultStore => {
            SecretError::Unavailable {
                reason: describe(error),
            }
        }
        keyring_core::Error::PlatformFailure(inner) => {
            let text = inner.to_string();
            // No bus, or no Secret Service on it: the platform is not there at all. (A call
            // that got no reply is a busy daemon, whose message also mentions a connection.)
            if !text.contains("Did not receive a reply") && text.contains("connect")
                || text.contains("ServiceUnknown")
                || text.contains("not provided")
            {
                SecretError::Unavailable {
                    reason: describe(error),
                }
            } else {
                SecretError::Backend {
                    reason: describe(error),
                }
            }
        }
        _ => SecretError::Backend {
            reason: describe(error),
        },
    }
}

/// Confirms a keychain is reachable and writable-looking: connects and runs a lookup.
pub(super) fn probe() -> Result<(), SecretError> {
    let key = SecretKey {
        profile: "probe".to_owned(),
        connection: ConnectionId::read("probe/probe").expect("a connection id"),
    };
    load(&key).map(|_| ())
}

pub(super) fn save(key: &SecretKey, secret: &SecretString) -> Result<(), SecretError> {
    let key = key.clone();
    // The secret crosses to the worker thread inside a SecretString, zeroized on drop.
    let secret = SecretString::from(secret.expose_secret().to_owned());
    with_deadline(move || {
        let entry = entry(&key)?;
        retrying(|| entry.set_password(secret.expose_secret())).map_err(|error| classify(&error))
    })
}

pub(super) fn load(key: &SecretKey) -> Result<Option<SecretString>, SecretError> {
    let key = key.clone();
    with_deadline(move || {
        let entry = entry(&key)?;
        match retrying(|| entry.get_password()) {
            Ok(password) => Ok(Some(SecretString::from(password))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(error) => Err(classify(&error)),
        }
    })
}

pub(super) fn delete(key: &SecretKey) -> Result<bool, SecretError> {
    let key = key.clone();
    with_deadline(move || {
        let entry = entry(&key)?;
        match retrying(|| entry.delete_credential()) {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(error) => Err(classify(&error)),
        }
    })
}
