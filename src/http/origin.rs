//! Where a credential may go: the origins (scheme, host, port) it was issued for. A credential
//! is sent only to a URL of one of its origins; a next-page link or a redirect anywhere else
//! never carries it.

use secrecy::SecretString;

use super::HttpError;

/// The origins a credential is bound to: the connection's base URL and any the definition
/// declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins(Vec<url::Origin>);

impl Origins {
    /// The origin of `base_url` (a usable http or https URL).
    pub fn of(base_url: &str) -> Result<Self, HttpError> {
        let url = super::join(base_url, "/")?;
        Ok(Self(vec![url.origin()]))
    }

    /// Adds a declared origin (`https://host[:port]`).
    pub fn with(mut self, declared: &str) -> Result<Self, HttpError> {
        let url = super::join(declared, "/")?;
        let origin = url.origin();
        if !self.0.contains(&origin) {
            self.0.push(origin);
        }
        Ok(self)
    }

    /// True when a credential bound here may be sent to `url`. Scheme, host and port must all
    /// match, so an https origin never allows its http twin.
    pub fn allows(&self, url: &url::Url) -> bool {
        let origin = url.origin();
        self.0.contains(&origin)
    }

    /// The origins, for messages: `https://api.hubapi.com`.
    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(url::Origin::ascii_serialization)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The origin of a URL, for messages (never a path or a query, which may hold secrets).
pub fn origin_of(url: &url::Url) -> String {
    url.origin().ascii_serialization()
}

/// How a secret is presented on the wire.
#[derive(Debug, Clone, Copy)]
pub enum Presentation<'a> {
    /// `Authorization: Bearer SECRET` (API tokens, and OAuth access tokens).
    Bearer(&'a SecretString),
    /// HTTP Basic, the secret as user name and an empty password.
    Basic(&'a SecretString),
    /// A custom header carrying the secret.
    Header(&'a str, &'a SecretString),
}

impl Presentation<'_> {
    pub(super) fn secret(&self) -> &SecretString {
        match self {
            Self::Bearer(secret) | Self::Basic(secret) | Self::Header(_, secret) => secret,
        }
    }
}

/// A secret and the origins it may be sent to. The HTTP layer refuses to attach it to a
/// request for any other origin.
#[derive(Debug, Clone, Copy)]
pub struct Credential<'a> {
    pub presentation: Presentation<'a>,
    pub origins: &'a Origins,
}

impl<'a> Credential<'a> {
    /// A credential bound to `origins`.
    pub fn bound(presentation: Presentation<'a>, origins: &'a Origins) -> Self {
        Self {
            presentation,
            origins,
        }
    }

    pub(super) fn secret(&self) -> &SecretString {
        self.presentation.secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_scheme_host_and_port() -> anyhow::Result<()> {
        let origins = Origins::of("https://api.example.com/v3")?;
        assert!(origins.allows(&url::Url::parse("https://api.example.com/other?x=1")?));
        assert!(origins.allows(&url::Url::parse("https://api.example.com:443/")?));
        assert!(!origins.allows(&url::Url::parse("http://api.example.com/")?));
        assert!(!origins.allows(&url::Url::parse("https://api.example.com:8443/")?));
        assert!(!origins.allows(&url::Url::parse("https://evil.example.com/")?));
        let origins = origins.with("https://eu.example.com")?;
        assert!(origins.allows(&url::Url::parse("https://eu.example.com/x")?));
        assert_eq!(
            origins.describe(),
            "https://api.example.com, https://eu.example.com"
        );
        Ok(())
    }
}
