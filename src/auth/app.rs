//! The consultant's OAuth app as a grant sees it: the mode, the connection's settings, the
//! endpoints rendered with them, and the app's secrets.

use std::collections::BTreeMap;

use secrecy::SecretString;

use super::AuthError;
use crate::catalog::{OAuth, render_base_url};

/// A mode's endpoints, rendered with the connection's settings and moved to `--auth-url`.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub authorize: Option<url::Url>,
    pub token: url::Url,
    pub revoke: Option<url::Url>,
    pub device: Option<url::Url>,
    /// The authorization server's origin (`{auth_url}` in claims).
    pub auth_url: String,
}

/// Everything a grant needs about the mode and the consultant's app.
pub struct App<'a> {
    pub oauth: &'a OAuth,
    pub settings: &'a BTreeMap<String, String>,
    pub endpoints: Endpoints,
    pub client_secret: Option<SecretString>,
    pub private_key: Option<SecretString>,
}

/// Renders an endpoint template and, with `--auth-url`, moves it there (keeping its path).
fn endpoint(
    template: &str,
    settings: &BTreeMap<String, String>,
    auth_url: Option<&str>,
) -> Result<url::Url, AuthError> {
    let rendered = render_base_url(template, settings);
    let url = url::Url::parse(&rendered)
        .map_err(|_| AuthError::Config(format!("`{rendered}` is not a URL")))?;
    let Some(base) = auth_url else {
        return Ok(url);
    };
    let mut moved = format!("{}{}", base.trim_end_matches('/'), url.path());
    if let Some(query) = url.query() {
        moved.push('?');
        moved.push_str(query);
    }
    url::Url::parse(&moved).map_err(|_| AuthError::Config(format!("`{base}` is not a URL")))
}

/// The mode's endpoints for these settings.
pub fn endpoints(
    oauth: &OAuth,
    settings: &BTreeMap<String, String>,
    auth_url: Option<&str>,
) -> Result<Endpoints, AuthError> {
    let optional = |template: &Option<String>| {
        template
            .as_deref()
            .map(|template| endpoint(template, settings, auth_url))
            .transpose()
    };
    let token = endpoint(&oauth.token_url, settings, auth_url)?;
    let origin = auth_url.map_or_else(
        || token.origin().ascii_serialization(),
        |url| url.trim_end_matches('/').to_owned(),
    );
    Ok(Endpoints {
        authorize: optional(&oauth.authorize_url)?,
        revoke: optional(&oauth.revoke_url)?,
        device: optional(&oauth.device_url)?,
        token,
        auth_url: origin,
    })
}
