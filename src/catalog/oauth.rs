//! The OAuth 2.0 part of the definition format: `[auth.oauth]` of an `[[auth]]` mode with
//! `kind = "oauth2"`.
//!
//! Everything about the authorization server is data: its endpoints, scopes, extra authorize
//! parameters and the quirks of its token response. What the consultant brings (their own OAuth
//! app's client id, and its client secret or private key) are connect inputs; the secrets among
//! them live in the keychain with the tokens.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How an OAuth 2.0 mode obtains and renews its access token.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuth {
    /// The grant `connect` uses.
    pub grant: Grant,
    /// Authorization endpoint (`authorization_code`). Placeholders: non-secret inputs.
    #[serde(default)]
    pub authorize_url: Option<String>,
    /// Token endpoint (every grant, and refreshes).
    pub token_url: String,
    /// RFC 7009 revocation endpoint; `disconnect` revokes there (refresh token first).
    #[serde(default)]
    pub revoke_url: Option<String>,
    /// RFC 8628 device authorization endpoint (`device_code`).
    #[serde(default)]
    pub device_url: Option<String>,
    /// Scopes asked for.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Extra authorize parameters (Google: `access_type = "offline"`, `prompt = "consent"`).
    #[serde(default)]
    pub authorize_params: BTreeMap<String, String>,
    /// The non-secret input holding the OAuth app's client id (consumer key).
    pub client_id: String,
    /// The secret input holding the client secret, for confidential clients.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// How the client authenticates at the token endpoint.
    #[serde(default)]
    pub client_auth: ClientAuth,
    /// PKCE (S256) on the authorization code grant; on unless the server rejects it.
    #[serde(default = "yes")]
    pub pkce: bool,
    /// The signed assertion of the `jwt_bearer` grant.
    #[serde(default)]
    pub assertion: Option<Assertion>,
    /// JSON pointer into the token response to a URL that becomes the connection's base URL
    /// (Salesforce: `/instance_url`).
    #[serde(default)]
    pub base_url_from: Option<String>,
    /// The access token's lifetime when the token response has no `expires_in` (a duration;
    /// Salesforce sends none). Without it, the token is used until the API answers 401.
    #[serde(default)]
    pub default_expires_in: Option<String>,
    /// A known refresh-token lifetime (a duration), for the warning in `status` (Google apps
    /// in testing mode: `7days`).
    #[serde(default)]
    pub refresh_token_lifetime: Option<String>,
}

/// OAuth 2.0 grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// Authorization code with PKCE and `state`, redirected to a loopback listener (or pasted).
    AuthorizationCode,
    /// RFC 8628 device authorization: a code to enter on another device.
    DeviceCode,
    /// Client credentials: the app acts as itself.
    ClientCredentials,
    /// RFC 7523 JWT bearer assertion signed with RS256 (Google service accounts, Salesforce).
    JwtBearer,
}

impl Grant {
    /// The grant's name in the definition format.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::DeviceCode => "device_code",
            Self::ClientCredentials => "client_credentials",
            Self::JwtBearer => "jwt_bearer",
        }
    }
}

/// Where the client id and secret go at the token endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// `client_id` and `client_secret` form fields.
    #[default]
    Body,
    /// HTTP Basic.
    Basic,
}

/// An RS256-signed JWT assertion (RFC 7523). `iat` and `exp` are added; every other claim is
/// a template.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assertion {
    /// The secret input holding the PEM private key (PKCS#8 or PKCS#1). A Google
    /// service-account key file (JSON) is accepted too: its `private_key` is taken, and its
    /// `client_email` and `private_key_id` fill inputs of those names.
    pub private_key: String,
    /// Claims. Placeholders: non-secret inputs, `{scopes}` (space-separated), `{token_url}`,
    /// `{auth_url}` (the authorization server's origin, or `connect --auth-url`).
    pub claims: BTreeMap<String, String>,
    /// The JWT header's `kid`, a template like the claims (Google: `{private_key_id}`).
    #[serde(default)]
    pub key_id: Option<String>,
    /// How long the assertion is valid (a duration; Salesforce wants at most 3 minutes).
    #[serde(default = "three_minutes")]
    pub lifetime: String,
}

fn yes() -> bool {
    true
}

fn three_minutes() -> String {
    "3m".to_owned()
}

#[cfg(test)]
mod tests {
    use crate::catalog::parse;

    /// A definition with one mode of each grant, built on HubSpot's streams.
    fn with_modes(modes: &str, inputs: &str) -> String {
        let base = include_str!("../../providers/hubspot.toml");
        let (head, rest) = base.split_once("[verify]").unwrap_or((base, ""));
        // Only the identity of HubSpot's file: these tests bring their own inputs and modes.
        let head = head.split("[[inputs]]").next().unwrap_or_default();
        let token = "[[inputs]]\nname = \"token\"\nlabel = \"token\"\nsecret = true\n[[auth]]\nid = \"private_app\"\nlabel = \"token\"\nkind = \"bearer\"\nsecret = \"token\"\n";
        format!("{head}\n{token}\n{inputs}\n{modes}\n[verify]{rest}")
    }

    const INPUTS: &str = r#"
[[inputs]]
name = "client_id"
label = "client id"
modes = ["web", "device", "app", "jwt"]
[[inputs]]
name = "client_secret"
label = "client secret"
secret = true
modes = ["web", "app"]
[[inputs]]
name = "username"
label = "user name"
modes = ["jwt"]
[[inputs]]
name = "private_key"
label = "private key"
secret = true
modes = ["jwt"]
"#;

    const MODES: &str = r#"
[[auth]]
id = "web"
label = "web"
kind = "oauth2"
[auth.oauth]
grant = "authorization_code"
authorize_url = "https://login.example.com/services/oauth2/authorize"
token_url = "https://login.example.com/services/oauth2/token"
revoke_url = "https://login.example.com/services/oauth2/revoke"
scopes = ["api", "refresh_token"]
authorize_params = { prompt = "consent" }
client_id = "client_id"
client_secret = "client_secret"
base_url_from = "/instance_url"
default_expires_in = "2h"

[[auth]]
id = "device"
label = "device"
kind = "oauth2"
oauth = { grant = "device_code", device_url = "https://login.example.com/device", token_url = "https://login.example.com/token", client_id = "client_id" }

[[auth]]
id = "app"
label = "app"
kind = "oauth2"
oauth = { grant = "client_credentials", token_url = "https://login.example.com/token", client_id = "client_id", client_secret = "client_secret", client_auth = "basic" }

[[auth]]
id = "jwt"
label = "jwt"
kind = "oauth2"
[auth.oauth]
grant = "jwt_bearer"
token_url = "https://login.example.com/services/oauth2/token"
client_id = "client_id"
[auth.oauth.assertion]
private_key = "private_key"
claims = { iss = "{client_id}", sub = "{username}", aud = "{auth_url}", scope = "{scopes}" }
lifetime = "3m"
"#;

    fn problems(text: &str) -> Vec<String> {
        parse(text)
            .err()
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn every_grant_parses_and_validates() {
        let text = with_modes(MODES, INPUTS);
        assert_eq!(problems(&text), Vec::<String>::new());
        let provider = parse(&text).ok();
        let web = provider
            .as_ref()
            .and_then(|provider| provider.auth.iter().find(|mode| mode.id == "web"))
            .and_then(|mode| mode.oauth.as_ref());
        assert_eq!(
            web.map(|oauth| (oauth.pkce, oauth.base_url_from.as_deref())),
            Some((true, Some("/instance_url")))
        );
    }

    #[test]
    fn problems_name_their_key_paths() {
        let broken = MODES
            .replace(
                "authorize_url = \"https://login.example.com/services/oauth2/authorize\"\n",
                "",
            )
            .replace(
                "client_secret = \"client_secret\"\nbase_url_from",
                "client_secret = \"username\"\nbase_url_from",
            )
            .replace("prompt = \"consent\"", "state = \"fixed\"")
            .replace(
                "default_expires_in = \"2h\"",
                "default_expires_in = \"soon\"",
            )
            .replace("sub = \"{username}\"", "sub = \"{password}\", exp = \"1\"");
        let found = problems(&with_modes(&broken, INPUTS));
        let paths: Vec<&str> = found
            .iter()
            .map(|problem| problem.split(':').next().unwrap_or_default())
            .collect();
        for expected in [
            "auth[1].oauth.authorize_url",
            "auth[1].oauth.client_secret",
            "auth[1].oauth.authorize_params.state",
            "auth[1].oauth.default_expires_in",
            "auth[4].oauth.assertion.claims.sub",
            "auth[4].oauth.assertion.claims.exp",
        ] {
            assert!(paths.contains(&expected), "{expected} not in {found:#?}");
        }
    }

    #[test]
    fn oauth_modes_take_no_secret_and_static_modes_need_one() {
        let text = with_modes(
            &MODES.replace(
                "kind = \"oauth2\"\n[auth.oauth]\ngrant = \"jwt_bearer\"",
                "kind = \"oauth2\"\nsecret = \"private_key\"\n[auth.oauth]\ngrant = \"jwt_bearer\"",
            ),
            INPUTS,
        )
        .replace("kind = \"bearer\"\nsecret = \"token\"", "kind = \"bearer\"");
        let found = problems(&text);
        assert!(
            found
                .iter()
                .any(|problem| problem.starts_with("auth[0].secret: missing")),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|problem| problem.starts_with("auth[4].secret: `secret` is for")),
            "{found:#?}"
        );
    }

    #[test]
    fn inputs_name_existing_modes() {
        let text = with_modes(
            MODES,
            &INPUTS.replace(
                "modes = [\"jwt\"]\n[[inputs]]",
                "modes = [\"jwt-typo\"]\n[[inputs]]",
            ),
        );
        let found = problems(&text);
        assert!(
            found
                .iter()
                .any(|problem| problem.contains("no auth mode `jwt-typo`")),
            "{found:#?}"
        );
    }
}
