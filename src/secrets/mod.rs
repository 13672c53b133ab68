//! Where secrets live: the OS keychain (with a deadline on every call), the environment for CI,
//! and a temporary file store that only `inlet demo` uses, by name, when no keychain exists.
//!
//! A secret is a [`SecretString`] from the moment it is read until the HTTP layer builds an
//! `Authorization` header from it; nothing here logs or formats one.

mod file;
mod keychain;

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::env_vars::EnvVars;
use crate::ids::ConnectionId;

/// The keychain service name every inlet entry carries.
pub const SERVICE: &str = "inlet";

/// Which store `connect` writes to and `fetch` reads from (after the environment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretBackend {
    /// The OS keychain: Secret Service on Linux.
    Keychain,
    /// A plaintext file, mode 0600. Only `inlet demo` chooses it, and says so.
    TemporaryFile(PathBuf),
}

/// Where a connection's secret came from, as `status` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// `INLET_TOKEN_<CLIENT>_<NAME>`.
    Environment(String),
    Keychain,
    TemporaryFile(PathBuf),
}

impl SecretSource {
    /// Short name for tables and JSON: `environment`, `keychain`, `file`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Environment(_) => "environment",
            Self::Keychain => "keychain",
            Self::TemporaryFile(_) => "file",
        }
    }

    /// How a run records it: `keychain`, `file`, or `env:VARIABLE`.
    pub fn tag(&self) -> String {
        match self {
            Self::Environment(name) => format!("env:{name}"),
            other => other.kind().to_owned(),
        }
    }

    /// Long description: which variable or file.
    pub fn describe(&self) -> String {
        match self {
            Self::Environment(name) => format!("environment variable `{name}`"),
            Self::Keychain => "the OS keychain".to_owned(),
            Self::TemporaryFile(path) => format!("the temporary file store `{}`", path.display()),
        }
    }
}

/// Errors of the secret stores. None carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("no keychain is available: {reason}")]
    Unavailable { reason: String },
    #[error("the keychain did not answer within {}", humantime::format_duration(*after))]
    Timeout { after: Duration },
    #[error("no secret for `{connection}` in the keychain or in `{env_var}`")]
    Missing {
        connection: ConnectionId,
        env_var: String,
    },
    #[error(
        "no secret for `{connection}`: it was connected with `--secret-from-env` and `{env_var}` is not set"
    )]
    EnvUnset {
        connection: ConnectionId,
        env_var: String,
    },
    #[error("the keychain refused the request: {reason}")]
    Backend { reason: String },
    #[error("cannot use the secret file `{}`", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl SecretError {
    /// True when the connection has no secret at all (reconnect), as opposed to a store that
    /// failed.
    pub fn is_missing(&self) -> bool {
        matches!(self, Self::Missing { .. } | Self::EnvUnset { .. })
    }

    /// What the user can do about it.
    pub fn hints(&self) -> Vec<String> {
        match self {
            Self::Unavailable { .. } | Self::Timeout { .. } => vec![
                "start a Secret Service (gnome-keyring or KeePassXC) in your session and unlock it"
                    .to_owned(),
                "in CI or cron, supply the secret as `INLET_TOKEN_<CLIENT>_<NAME>` instead"
                    .to_owned(),
                "to try inlet without any keychain, run `inlet demo`".to_owned(),
            ],
            Self::Missing {
                connection,
                env_var,
            } => vec![format!(
                "run `inlet connect` again for `{connection}`, or set `{env_var}`"
            )],
            Self::EnvUnset { env_var, .. } => vec![format!(
                "set `{env_var}` in the environment that runs inlet (your CI's secrets, the crontab line)"
            )],
            _ => Vec::new(),
        }
    }
}

/// The key of a connection's secret within a store: the profile (one per cache, so two
/// `--home` folders never share a secret) and the connection id.
#[derive(Debug, Clone)]
pub struct SecretKey {
    pub profile: String,
    pub connection: ConnectionId,
}

impl SecretKey {
    /// The keychain account name: `PROFILE:CLIENT/NAME`.
    pub fn account(&self) -> String {
        format!("{}:{}", self.profile, self.connection)
    }
}

/// `INLET_TOKEN_<CLIENT>_<NAME>`: the connection id upper-cased, with `/` written `_`, `-`
/// written `__` and `_` written `___`, so `acme-eu/ga4` (`ACME__EU_GA4`) and `acme/eu-ga4`
/// (`ACME_EU__GA4`) read different variables. Two ids can only share a variable when `-` and
/// `_` touch (`a-_b`, `a_-b`); `connect` refuses the second of such a pair
/// ([`env_var_collision`]).
pub fn env_var_name(connection: &str) -> String {
    let mut name = String::from(EnvVars::TOKEN_PREFIX);
    for c in connection.chars() {
        match c {
            '/' => name.push('_'),
            '-' => name.push_str("__"),
            '_' => name.push_str("___"),
            c if c.is_ascii_alphanumeric() => name.push(c.to_ascii_uppercase()),
            // Not part of a valid id; kept distinct from every character that is.
            _ => name.push_str("____"),
        }
    }
    name
}

/// The existing connection (other than `connection` itself) whose secret variable is the same
/// as `connection`'s: one client's token must never be read for another's connection.
pub fn env_var_collision<'a>(
    connection: &str,
    existing: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted = env_var_name(connection);
    existing
        .into_iter()
        .find(|other| *other != connection && env_var_name(other) == wanted)
}

/// The secret from the environment, when its variable is set and non-empty.
pub fn from_env(connection: &str) -> Option<(SecretString, String)> {
    let name = env_var_name(connection);
    let value = zeroize::Zeroizing::new(std::env::var(&name).ok()?);
    if value.trim().is_empty() {
        return None;
    }
    Some((SecretString::from(value.trim().to_owned()), name))
}

/// Checks that the backend can be used at all (the demo asks before choosing).
pub fn probe(backend: &SecretBackend) -> Result<(), SecretError> {
    match backend {
        SecretBackend::Keychain => keychain::probe(),
        SecretBackend::TemporaryFile(_) => Ok(()),
    }
}

/// Stores (or replaces) a secret.
pub fn save(
    backend: &SecretBackend,
    key: &SecretKey,
    secret: &SecretString,
) -> Result<(), SecretError> {
    match backend {
        SecretBackend::Keychain => keychain::save(key, secret),
        SecretBackend::TemporaryFile(path) => file::save(path, key, secret),
    }
}

/// Reads a secret from the store; `None` when there is none.
pub fn load(backend: &SecretBackend, key: &SecretKey) -> Result<Option<SecretString>, SecretError> {
    match backend {
        SecretBackend::Keychain => keychain::load(key),
        SecretBackend::TemporaryFile(path) => file::load(path, key),
    }
}

/// Deletes a secret; `false` when there was none.
pub fn delete(backend: &SecretBackend, key: &SecretKey) -> Result<bool, SecretError> {
    match backend {
        SecretBackend::Keychain => keychain::delete(key),
        SecretBackend::TemporaryFile(path) => file::delete(path, key),
    }
}

/// The secret a fetch uses: the environment first (CI), then the store.
pub fn resolve(
    backend: &SecretBackend,
    key: &SecretKey,
) -> Result<(SecretString, SecretSource), SecretError> {
    resolve_connection(backend, key, true)
}

/// Like [`resolve`], for a connection whose secret may never have been stored (`connect
/// --secret-from-env`): then only the environment is asked, and the store is never touched.
pub fn resolve_connection(
    backend: &SecretBackend,
    key: &SecretKey,
    stored: bool,
) -> Result<(SecretString, SecretSource), SecretError> {
    if let Some((secret, name)) = from_env(&key.connection) {
        return Ok((secret, SecretSource::Environment(name)));
    }
    if !stored {
        return Err(SecretError::EnvUnset {
            connection: key.connection.clone(),
            env_var: env_var_name(&key.connection),
        });
    }
    match load(backend, key)? {
        Some(secret) => Ok((secret, source_of(backend))),
        None => Err(SecretError::Missing {
            connection: key.connection.clone(),
            env_var: env_var_name(&key.connection),
        }),
    }
}

/// Where a secret in the given backend is said to come from.
pub fn source_of(backend: &SecretBackend) -> SecretSource {
    match backend {
        SecretBackend::Keychain => SecretSource::Keychain,
        SecretBackend::TemporaryFile(path) => SecretSource::TemporaryFile(path.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_names_keep_slash_dash_and_underscore_apart() {
        assert_eq!(env_var_name("acme/hubspot"), "INLET_TOKEN_ACME_HUBSPOT");
        assert_eq!(
            env_var_name("acme-eu/ga4-eu"),
            "INLET_TOKEN_ACME__EU_GA4__EU"
        );
        assert_eq!(env_var_name("acme_eu/ga4"), "INLET_TOKEN_ACME___EU_GA4");
        assert_ne!(env_var_name("acme-eu/ga4"), env_var_name("acme/eu-ga4"));
        assert_ne!(env_var_name("acme-eu/ga4"), env_var_name("acme_eu/ga4"));
    }

    #[test]
    fn collisions_are_found_only_between_different_connections() {
        let existing = ["acme/a-_b", "acme/hubspot"];
        assert_eq!(env_var_collision("acme/a_-b", existing), Some("acme/a-_b"));
        assert_eq!(env_var_collision("acme/a-_b", existing), None);
        assert_eq!(env_var_collision("acme-eu/ga4", ["acme/eu-ga4"]), None);
    }
}
