//! Credential kinds and flows: static secrets (bearer, basic, header) and OAuth 2.0 through the
//! `oauth2` crate over inlet's own HTTP client (authorization code with PKCE on a loopback
//! listener or pasted, device code, client credentials, JWT bearer assertions, refresh).

use crate::catalog::{Grant, OAuth};

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
