//! Credential kinds and flows: static secrets (bearer, basic, header) and OAuth 2.0 through the
//! `oauth2` crate over inlet's own HTTP client (authorization code with PKCE on a loopback
//! listener or pasted, device code, client credentials, JWT bearer assertions, refresh).
//!
//! Renewal happens under a cross-process file lock per connection: the stored tokens are read
//! again once the lock is held, renewed only if still needed, and a rotated refresh token is
//! written back to the keychain before the new access token is used. Nothing here prints.

pub mod app;
pub mod client;
pub mod flow;
pub mod jwt;
pub mod loopback;
mod stored;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};

pub use client::TokenClient;
pub use stored::Stored;

use crate::catalog::{AuthMode, Grant, OAuth, Provider};
use crate::secrets::{self, SecretBackend, SecretKey};

/// Errors of the OAuth flows. None carries a token or a secret.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the authorization server refused the grant ({0})")]
    InvalidGrant(String),
    #[error("the authorization server does not accept the OAuth app's credentials ({0})")]
    InvalidClient(String),
    #[error("the sign-in was not approved ({0})")]
    Denied(String),
    #[error("the access token expired and there is no refresh token to renew it")]
    Expired,
    #[error("{0}")]
    Callback(String),
    #[error("the private key cannot be used: {0}")]
    Key(String),
    #[error("cannot reach the authorization server: {0}")]
    Unreachable(String),
    #[error("the authorization server failed: {0}")]
    Server(String),
    #[error("the OAuth mode cannot be used: {0}")]
    Config(String),
    #[error(transparent)]
    Secrets(#[from] secrets::SecretError),
    #[error("cannot take the refresh lock `{}`: {reason}", path.display())]
    Lock { path: PathBuf, reason: String },
}

impl AuthError {
    /// True when the person must connect again (exit 4).
    pub fn needs_reconnect(&self) -> bool {
        matches!(
            self,
            Self::InvalidGrant(_) | Self::InvalidClient(_) | Self::Denied(_) | Self::Expired
        ) || matches!(self, Self::Secrets(error) if error.is_missing())
    }
}

/// The reason of a transport error, with its causes, and never a URL's query.
pub(crate) fn transport_reason(error: &reqwest::Error) -> String {
    let mut reason = error.without_url_ref().to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        reason = format!("{reason}: {cause}");
        source = cause.source();
    }
    reason
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        if self.is_timeout() {
            "timed out".to_owned()
        } else if self.is_connect() {
            "connection failed".to_owned()
        } else {
            "request failed".to_owned()
        }
    }
}

/// One line for `providers show`: how an OAuth mode gets its token.
pub fn describe_mode(oauth: &OAuth) -> String {
    let grant = match oauth.grant {
        Grant::AuthorizationCode if oauth.pkce => "OAuth authorization code with PKCE",
        Grant::AuthorizationCode => "OAuth authorization code",
        Grant::DeviceCode => "OAuth device code",
        Grant::ClientCredentials => "OAuth client credentials",
        Grant::JwtBearer => "OAuth JWT bearer assertion",
    };
    let scopes = if oauth.scopes.is_empty() {
        String::new()
    } else {
        format!("; scopes {}", oauth.scopes.join(" "))
    };
    format!("{grant}{scopes}")
}

/// The exact command that connects a connection again with the same mode and settings.
pub fn reconnect_command(
    provider: &Provider,
    connection: &str,
    mode: Option<&str>,
    settings: &BTreeMap<String, String>,
    auth_url: Option<&str>,
) -> String {
    let (client, name) = connection.split_once('/').unwrap_or((connection, ""));
    let mut command = format!("inlet connect {} --client {client}", provider.id);
    if name != provider.id {
        command.push_str(&format!(" --name {name}"));
    }
    if let Some(mode) = mode
        && provider.auth.first().is_some_and(|first| first.id != mode)
    {
        command.push_str(&format!(" --auth {mode}"));
    }
    for input in &provider.inputs {
        if input.secret || !mode.is_none_or(|mode| input.used_by(mode)) {
            continue;
        }
        if let Some(value) = settings.get(&input.name)
            && input.default.as_deref() != Some(value.as_str())
        {
            command.push_str(&format!(" --set {}={}", input.name, shell_word(value)));
        }
    }
    if let Some(auth_url) = auth_url {
        command.push_str(&format!(" --auth-url {}", shell_word(auth_url)));
    }
    command
}

fn shell_word(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:@=,+".contains(c))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Renew an access token this long before it expires.
pub const MARGIN: Duration = Duration::from_secs(60);

/// Where a connection's OAuth tokens live and how to renew them.
pub struct Session {
    pub provider: Arc<Provider>,
    pub mode: AuthMode,
    pub settings: BTreeMap<String, String>,
    pub backend: SecretBackend,
    pub key: SecretKey,
    /// Folder of the refresh locks.
    pub lock_dir: PathBuf,
    /// The tokens came from the environment: renewals stay in memory.
    pub from_env: Option<Stored>,
    pub http: TokenClient,
}

impl Session {
    fn oauth(&self) -> Result<&OAuth, AuthError> {
        self.mode
            .oauth
            .as_ref()
            .ok_or_else(|| AuthError::Config(format!("`{}` is not an OAuth mode", self.mode.id)))
    }

    /// The stored tokens, read again from the store.
    pub fn read(&self) -> Result<Stored, AuthError> {
        if let Some(stored) = &self.from_env {
            return Ok(stored.clone());
        }
        let secret = secrets::load(&self.backend, &self.key)?.ok_or_else(|| {
            secrets::SecretError::Missing {
                connection: self.key.connection.clone(),
                env_var: secrets::env_var_name(&self.key.connection),
            }
        })?;
        Stored::parse(&secret).ok_or_else(|| {
            AuthError::Config(format!(
                "the stored secret of `{}` is not an OAuth token set; connect it again",
                self.key.connection
            ))
        })
    }

    /// The app (client id, secrets, endpoints) of the stored tokens.
    pub fn app<'a>(&'a self, stored: &Stored) -> Result<app::App<'a>, AuthError> {
        let oauth = self.oauth()?;
        Ok(app::App {
            oauth,
            settings: &self.settings,
            endpoints: app::endpoints(oauth, &self.settings, stored.auth_url.as_deref())?,
            client_secret: stored.client_secret.clone().map(SecretString::from),
            private_key: stored.private_key.clone().map(SecretString::from),
        })
    }

    /// A usable access token: the stored one while it is fresh and not `rejected`; otherwise a
    /// renewed one, obtained under the connection's refresh lock.
    pub async fn token(&mut self, rejected: Option<&SecretString>) -> Result<Stored, AuthError> {
        let usable = |stored: &Stored| {
            stored.is_fresh(MARGIN)
                && rejected.is_none_or(|rejected| rejected.expose_secret() != stored.access_token)
        };
        let stored = self.read()?;
        if usable(&stored) {
            return Ok(stored);
        }
        let _lock = RefreshLock::take(&self.lock_dir, &self.key.connection).await?;
        // Another process may have renewed while this one waited for the lock.
        let stored = self.read()?;
        if usable(&stored) {
            return Ok(stored);
        }
        let renewed = {
            let app = self.app(&stored)?;
            flow::renew(&self.http, &app, &stored).await?
        };
        let mut next = stored.clone();
        next.access_token = renewed.access.expose_secret().to_owned();
        if let Some(refresh) = renewed.refresh {
            next.refresh_token = Some(refresh.expose_secret().to_owned());
        }
        next.expires_at = renewed.expires_at;
        if !renewed.scopes.is_empty() {
            next.scopes = renewed.scopes;
        }
        next.obtained_at = jiff::Timestamp::now();
        // Written back before the new access token is used: a rotated refresh token must not
        // be lost if this process dies right after.
        match &mut self.from_env {
            Some(from_env) => *from_env = next.clone(),
            None => secrets::save(&self.backend, &self.key, &next.to_secret())?,
        }
        tracing::info!(connection = %self.key.connection, "renewed the access token");
        Ok(next)
    }
}

/// The cross-process lock around a renewal: an OS file lock (freed if its holder dies).
struct RefreshLock {
    _file: std::fs::File,
}

impl RefreshLock {
    async fn take(dir: &std::path::Path, connection: &str) -> Result<Self, AuthError> {
        let path = dir.join(format!("{}.oauth.lock", connection.replace('/', "~")));
        let failed = |reason: String| AuthError::Lock {
            path: path.clone(),
            reason,
        };
        fs_err::create_dir_all(dir).map_err(|error| failed(error.to_string()))?;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|error| failed(error.to_string()))?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: file }),
                Err(std::fs::TryLockError::WouldBlock)
                    if tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(failed("another process held it for 2 minutes".to_owned()));
                }
                Err(std::fs::TryLockError::Error(error)) => return Err(failed(error.to_string())),
            }
        }
    }
}

/// The credential a fetch presents, renewed when it expires or is rejected.
pub struct Credentials {
    current: Mutex<Arc<SecretString>>,
    session: Option<tokio::sync::Mutex<Session>>,
}

impl Credentials {
    /// A static secret (bearer, basic, header): never renewed.
    pub fn fixed(secret: SecretString) -> Self {
        Self {
            current: Mutex::new(Arc::new(secret)),
            session: None,
        }
    }

    /// An OAuth session, with a token made fresh now (renewed first when it is about to expire).
    pub async fn oauth(mut session: Session) -> Result<Self, AuthError> {
        let stored = session.token(None).await?;
        Ok(Self {
            current: Mutex::new(Arc::new(stored.access())),
            session: Some(tokio::sync::Mutex::new(session)),
        })
    }

    /// The token to send now.
    pub fn current(&self) -> Arc<SecretString> {
        self.current
            .lock()
            .map(|current| Arc::clone(&current))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    /// After a 401 with `rejected`: renews (once per rejected token, whichever stream asks
    /// first). `Ok(true)`: try again with [`Self::current`]; `Ok(false)`: nothing to renew.
    pub async fn renew(&self, rejected: &SecretString) -> Result<bool, AuthError> {
        let Some(session) = &self.session else {
            return Ok(false);
        };
        let mut session = session.lock().await;
        if self.current().expose_secret() != rejected.expose_secret() {
            return Ok(true);
        }
        let stored = session.token(Some(rejected)).await?;
        let fresh = stored.access();
        if fresh.expose_secret() == rejected.expose_secret() {
            return Ok(false);
        }
        if let Ok(mut current) = self.current.lock() {
            *current = Arc::new(fresh);
        }
        Ok(true)
    }
}

/// The reconnect command of a connection, from its row and stored secret.
pub fn reconnect_for(
    provider: &Provider,
    row: &crate::store::ConnectionRow,
    secret: &SecretString,
) -> String {
    let settings: BTreeMap<String, String> = row.settings_map();
    let stored = Stored::parse(secret);
    let mut command = reconnect_command(
        provider,
        &row.id,
        row.auth_mode.as_deref(),
        &settings,
        stored
            .as_ref()
            .and_then(|stored| stored.auth_url.as_deref()),
    );
    // A base URL that did not come from the token response was chosen at connect.
    let from_token = provider
        .auth_mode(row.auth_mode.as_deref())
        .ok()
        .and_then(|mode| mode.oauth.as_ref())
        .is_some_and(|oauth| oauth.base_url_from.is_some());
    if row.base_url != provider.base_url && !from_token {
        command.push_str(&format!(" --base-url {}", shell_word(&row.base_url)));
    }
    command
}

/// The credentials a fetch presents: a static secret, or an OAuth session whose token is made
/// fresh now.
pub async fn credentials_for(
    provider: &Arc<Provider>,
    row: &crate::store::ConnectionRow,
    backend: &SecretBackend,
    key: &SecretKey,
    secret: SecretString,
    source: &secrets::SecretSource,
    lock_dir: &std::path::Path,
) -> Result<Credentials, AuthError> {
    let mode = provider
        .auth_mode(row.auth_mode.as_deref())
        .map_err(|error| AuthError::Config(error.message.clone()))?;
    if mode.oauth.is_none() {
        return Ok(Credentials::fixed(secret));
    }
    let from_env = match source {
        secrets::SecretSource::Environment(_) => match Stored::parse(&secret) {
            Some(stored) => Some(stored),
            // A bare access token from CI: used as it is, never renewed.
            None => return Ok(Credentials::fixed(secret)),
        },
        _ => None,
    };
    let session = Session {
        provider: Arc::clone(provider),
        mode: mode.clone(),
        settings: row.settings_map(),
        backend: backend.clone(),
        key: key.clone(),
        lock_dir: lock_dir.to_owned(),
        from_env,
        http: TokenClient::new().map_err(|error| AuthError::Config(error.to_string()))?,
    };
    Credentials::oauth(session).await
}

/// Revokes a stored OAuth grant at the mode's RFC 7009 endpoint: the refresh token when there
/// is one (which ends the grant), else the access token. `Ok(false)`: the mode has no
/// revocation endpoint.
pub async fn revoke_stored(
    mode: &AuthMode,
    settings: &BTreeMap<String, String>,
    stored: &Stored,
) -> Result<bool, AuthError> {
    let Some(oauth) = &mode.oauth else {
        return Ok(false);
    };
    if oauth.revoke_url.is_none() {
        return Ok(false);
    }
    let app = app::App {
        oauth,
        settings,
        endpoints: app::endpoints(oauth, settings, stored.auth_url.as_deref())?,
        client_secret: stored.client_secret.clone().map(SecretString::from),
        private_key: None,
    };
    let http = TokenClient::new().map_err(|error| AuthError::Config(error.to_string()))?;
    match &stored.refresh_token {
        Some(refresh) => {
            flow::revoke(&http, &app, &SecretString::from(refresh.clone()), true).await?
        }
        None => flow::revoke(&http, &app, &stored.access(), false).await?,
    }
    Ok(true)
}
