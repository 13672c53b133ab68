//! What the keychain holds for an OAuth connection: one entry, a JSON document kept as a
//! `SecretString`, with every secret of the connection (access and refresh tokens, the client
//! secret, the private key) and what is needed to renew them. Static credentials stay a bare
//! token, as before.

use jiff::Timestamp;
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};

use crate::catalog::Grant;

/// The marker and version of the stored document.
const VERSION: u32 = 1;

/// An OAuth connection's secrets and token state.
#[derive(Clone, Serialize, Deserialize)]
pub struct Stored {
    /// Marks the document (and its version) so it is never mistaken for a bare token.
    pub inlet_oauth: u32,
    /// The auth mode it was obtained with.
    pub mode: String,
    pub grant: Grant,
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// When the access token expires; `None` when the server did not say (used until a 401).
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    /// When the refresh token is known to expire (`refresh_token_lifetime`).
    #[serde(default)]
    pub refresh_expires_at: Option<Timestamp>,
    /// Scopes granted (from the token response, or those asked for when it does not say).
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub private_key: Option<String>,
    /// `connect --auth-url`: the authorization server's origin, when not the definition's.
    #[serde(default)]
    pub auth_url: Option<String>,
    /// When the tokens were last obtained.
    pub obtained_at: Timestamp,
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Stored")
            .field("mode", &self.mode)
            .field("grant", &self.grant)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl Stored {
    pub fn new(mode: &str, grant: Grant) -> Self {
        Self {
            inlet_oauth: VERSION,
            mode: mode.to_owned(),
            grant,
            access_token: String::new(),
            refresh_token: None,
            expires_at: None,
            refresh_expires_at: None,
            scopes: Vec::new(),
            client_secret: None,
            private_key: None,
            auth_url: None,
            obtained_at: Timestamp::now(),
        }
    }

    /// The document in a stored secret, or `None` when the secret is a bare token.
    pub fn parse(secret: &SecretString) -> Option<Self> {
        let text = secret.expose_secret();
        if !text.starts_with('{') {
            return None;
        }
        serde_json::from_str::<Self>(text)
            .ok()
            .filter(|stored| stored.inlet_oauth == VERSION)
    }

    /// The document as the secret to store.
    pub fn to_secret(&self) -> SecretString {
        SecretString::from(serde_json::to_string(self).unwrap_or_default())
    }

    pub fn access(&self) -> SecretString {
        SecretString::from(self.access_token.clone())
    }

    /// Still usable for at least `margin` (or a third of its lifetime, when that is shorter),
    /// as far as is known.
    pub fn is_fresh(&self, margin: std::time::Duration) -> bool {
        let Some(expires_at) = self.expires_at else {
            return true;
        };
        let margin = jiff::SignedDuration::try_from(margin).unwrap_or_default();
        let third = self.obtained_at.duration_until(expires_at) / 3;
        let margin = margin.min(third);
        Timestamp::now()
            .checked_add(margin)
            .is_ok_and(|soon| soon < expires_at)
    }
}
