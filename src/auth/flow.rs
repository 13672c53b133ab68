//! The grants: each ends in a [`TokenSet`]. Authorization code (PKCE S256 and `state`, the
//! redirect caught on loopback or pasted), device code, client credentials, refresh, and the
//! RFC 7523 JWT bearer assertion. Token, device and revocation requests go through the `oauth2`
//! crate over [`TokenClient`].

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    DeviceAuthorizationUrl, ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RefreshToken, RequestTokenError, Scope, StandardDeviceAuthorizationResponse,
    StandardRevocableToken, StandardTokenResponse, TokenResponse as _, TokenUrl,
};
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};

use super::app::App;
use super::client::TokenClient;
use super::{AuthError, Stored};
use crate::catalog::render_base_url;
use crate::catalog::{ClientAuth, Grant};

/// Token response fields beyond RFC 6749 (`instance_url`, `issued_at`, …), kept by name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Extra {
    #[serde(flatten)]
    pub fields: BTreeMap<String, serde_json::Value>,
}

impl ExtraTokenFields for Extra {}

type Response = StandardTokenResponse<Extra, BasicTokenType>;
type Client = oauth2::Client<
    BasicErrorResponse,
    Response,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
>;

/// What a token endpoint granted.
pub struct TokenSet {
    pub access: SecretString,
    pub refresh: Option<SecretString>,
    pub expires_at: Option<Timestamp>,
    pub scopes: Vec<String>,
    /// The base URL from the response (`base_url_from`).
    pub base_url: Option<String>,
}

impl App<'_> {
    fn client_id(&self) -> String {
        self.settings
            .get(&self.oauth.client_id)
            .cloned()
            .unwrap_or_default()
    }

    fn client(&self) -> Result<Client, AuthError> {
        let mut client = Client::new(ClientId::new(self.client_id())).set_auth_type(
            match self.oauth.client_auth {
                ClientAuth::Body => AuthType::RequestBody,
                ClientAuth::Basic => AuthType::BasicAuth,
            },
        );
        if let Some(secret) = &self.client_secret {
            client = client.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()));
        }
        Ok(client)
    }

    fn token_url(&self) -> TokenUrl {
        TokenUrl::from_url(self.endpoints.token.clone())
    }

    fn scopes(&self) -> impl Iterator<Item = Scope> + '_ {
        self.oauth
            .scopes
            .iter()
            .map(|scope| Scope::new(scope.clone()))
    }

    /// Turns a token response into a token set.
    fn token_set(&self, response: &Response, now: Timestamp) -> TokenSet {
        let lifetime = response.expires_in().or_else(|| {
            self.oauth
                .default_expires_in
                .as_deref()
                .and_then(|text| humantime::parse_duration(text).ok())
        });
        let expires_at = lifetime.and_then(|lifetime| {
            jiff::SignedDuration::try_from(lifetime)
                .ok()
                .and_then(|lifetime| now.checked_add(lifetime).ok())
        });
        let scopes = response.scopes().map_or_else(
            || self.oauth.scopes.clone(),
            |scopes| scopes.iter().map(|scope| scope.to_string()).collect(),
        );
        let base_url = self.oauth.base_url_from.as_deref().and_then(|pointer| {
            let document = serde_json::to_value(&response.extra_fields().fields).ok()?;
            document.pointer(pointer)?.as_str().map(str::to_owned)
        });
        TokenSet {
            access: SecretString::from(response.access_token().secret().clone()),
            refresh: response
                .refresh_token()
                .map(|token| SecretString::from(token.secret().clone())),
            expires_at,
            scopes,
            base_url,
        }
    }
}

/// A started authorization code grant: the URL to open, and what checks its answer.
pub struct Pending {
    pub url: url::Url,
    pub redirect_uri: String,
    state: CsrfToken,
    verifier: Option<PkceCodeVerifier>,
}

impl Pending {
    /// The state sent, to compare the callback's with.
    pub fn state(&self) -> &str {
        self.state.secret()
    }

    /// The PKCE verifier (for `inlet authorize`'s blob).
    pub fn verifier(&self) -> Option<&str> {
        self.verifier
            .as_ref()
            .map(|verifier| verifier.secret().as_str())
    }
}

/// Builds the authorize URL with PKCE S256, a random `state`, the scopes and the definition's
/// extra parameters.
pub fn authorize(app: &App<'_>, redirect_uri: &str) -> Result<Pending, AuthError> {
    let authorize = app
        .endpoints
        .authorize
        .clone()
        .ok_or_else(|| AuthError::Config("the mode has no `authorize_url`".to_owned()))?;
    let client = app
        .client()?
        .set_auth_uri(AuthUrl::from_url(authorize))
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri.to_owned())
                .map_err(|_| AuthError::Config(format!("`{redirect_uri}` is not a URL")))?,
        );
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(app.scopes());
    for (key, value) in &app.oauth.authorize_params {
        request = request.add_extra_param(key.clone(), render_base_url(value, app.settings));
    }
    let verifier = if app.oauth.pkce {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        request = request.set_pkce_challenge(challenge);
        Some(verifier)
    } else {
        None
    };
    let (url, state) = request.url();
    Ok(Pending {
        url,
        redirect_uri: redirect_uri.to_owned(),
        state,
        verifier,
    })
}

/// What came back to the redirect URI (or was pasted), checked against the pending grant.
pub fn code_from_redirect(pending_state: &str, target: &str) -> Result<String, AuthError> {
    let text = target.trim();
    // A bare code was pasted.
    if !text.contains('?') && !text.contains('=') {
        if text.is_empty() {
            return Err(AuthError::Callback("nothing was pasted".to_owned()));
        }
        return Ok(text.to_owned());
    }
    let query = text.split_once('?').map_or(text, |(_, query)| query);
    let query = query.split('#').next().unwrap_or_default();
    let pairs: BTreeMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if let Some(error) = pairs.get("error") {
        let description = pairs
            .get("error_description")
            .map(|text| format!(": {}", crate::output::sanitize::for_terminal(text)))
            .unwrap_or_default();
        return Err(AuthError::Denied(format!(
            "{}{description}",
            crate::output::sanitize::for_terminal(error)
        )));
    }
    match pairs.get("state") {
        Some(state) if state == pending_state => {}
        Some(_) => {
            return Err(AuthError::Callback(
                "the redirect carries a different `state` than the one sent; refused (it may come from another attempt or another site)".to_owned(),
            ));
        }
        None => {
            return Err(AuthError::Callback(
                "the redirect carries no `state`; refused".to_owned(),
            ));
        }
    }
    pairs
        .get("code")
        .cloned()
        .ok_or_else(|| AuthError::Callback("the redirect carries no `code`".to_owned()))
}

/// Exchanges an authorization code (with the PKCE verifier and the same redirect URI).
pub async fn exchange_code(
    http: &TokenClient,
    app: &App<'_>,
    code: &str,
    verifier: Option<&str>,
    redirect_uri: &str,
) -> Result<TokenSet, AuthError> {
    let client = app
        .client()?
        .set_token_uri(app.token_url())
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri.to_owned())
                .map_err(|_| AuthError::Config(format!("`{redirect_uri}` is not a URL")))?,
        );
    let mut request = client.exchange_code(AuthorizationCode::new(code.to_owned()));
    if let Some(verifier) = verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()));
    }
    let now = Timestamp::now();
    let response = request.request_async(http).await.map_err(token_error)?;
    Ok(app.token_set(&response, now))
}

/// Completes a pending grant with the code.
pub async fn finish(
    http: &TokenClient,
    app: &App<'_>,
    pending: &Pending,
    code: &str,
) -> Result<TokenSet, AuthError> {
    exchange_code(http, app, code, pending.verifier(), &pending.redirect_uri).await
}

/// Renews with a refresh token.
pub async fn refresh(
    http: &TokenClient,
    app: &App<'_>,
    refresh_token: &SecretString,
) -> Result<TokenSet, AuthError> {
    let client = app.client()?.set_token_uri(app.token_url());
    let token = RefreshToken::new(refresh_token.expose_secret().to_owned());
    let now = Timestamp::now();
    let response = client
        .exchange_refresh_token(&token)
        .request_async(http)
        .await
        .map_err(token_error)?;
    Ok(app.token_set(&response, now))
}

/// The client credentials grant.
pub async fn client_credentials(http: &TokenClient, app: &App<'_>) -> Result<TokenSet, AuthError> {
    let client = app.client()?.set_token_uri(app.token_url());
    let now = Timestamp::now();
    let response = client
        .exchange_client_credentials()
        .add_scopes(app.scopes())
        .request_async(http)
        .await
        .map_err(token_error)?;
    Ok(app.token_set(&response, now))
}

/// A device authorization in progress: what the person must do, and how to finish.
pub struct Device {
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub user_code: String,
    details: StandardDeviceAuthorizationResponse,
}

/// Starts the device grant (RFC 8628).
pub async fn device_start(http: &TokenClient, app: &App<'_>) -> Result<Device, AuthError> {
    let device = app
        .endpoints
        .device
        .clone()
        .ok_or_else(|| AuthError::Config("the mode has no `device_url`".to_owned()))?;
    let client = app
        .client()?
        .set_device_authorization_url(DeviceAuthorizationUrl::from_url(device));
    let details: StandardDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scopes(app.scopes())
        .request_async(http)
        .await
        .map_err(token_error)?;
    Ok(Device {
        verification_uri: details.verification_uri().to_string(),
        verification_uri_complete: details
            .verification_uri_complete()
            .map(|uri| uri.secret().clone()),
        user_code: details.user_code().secret().clone(),
        details,
    })
}

/// Polls the token endpoint until the person approves (or the code expires).
pub async fn device_finish(
    http: &TokenClient,
    app: &App<'_>,
    device: &Device,
    timeout: Duration,
) -> Result<TokenSet, AuthError> {
    let client = app.client()?.set_token_uri(app.token_url());
    let now = Timestamp::now();
    let response = client
        .exchange_device_access_token(&device.details)
        .request_async(http, tokio::time::sleep, Some(timeout))
        .await
        .map_err(token_error)?;
    Ok(app.token_set(&response, now))
}

/// The JWT bearer grant (RFC 7523): an RS256 assertion built from the definition's claims.
pub async fn jwt_bearer(http: &TokenClient, app: &App<'_>) -> Result<TokenSet, AuthError> {
    let assertion = super::jwt::assertion(app)?;
    let now = Timestamp::now();
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("assertion", assertion.expose_secret()),
    ];
    let (status, body) = http
        .post_form(&app.endpoints.token, &form)
        .await
        .map_err(|error| AuthError::Unreachable(super::transport_reason(&error)))?;
    if !(200..300).contains(&status) {
        let error: Option<BasicErrorResponse> = serde_json::from_slice(&body).ok();
        return Err(match error {
            Some(error) => server_error(&error),
            None => AuthError::Server(format!("the token endpoint answered HTTP {status}")),
        });
    }
    let response: Response = serde_json::from_slice(&body).map_err(|error| {
        AuthError::Server(format!(
            "the token endpoint sent an unexpected body: {error}"
        ))
    })?;
    Ok(app.token_set(&response, now))
}

/// Revokes a token at the RFC 7009 endpoint. (Sent directly: the `oauth2` crate refuses a
/// revocation URL that is not https, which a loopback sandbox is.)
pub async fn revoke(
    http: &TokenClient,
    app: &App<'_>,
    token: &SecretString,
    refresh: bool,
) -> Result<(), AuthError> {
    let url = app
        .endpoints
        .revoke
        .clone()
        .ok_or_else(|| AuthError::Config("the mode has no `revoke_url`".to_owned()))?;
    let client_id = app.client_id();
    let hint = if refresh {
        "refresh_token"
    } else {
        "access_token"
    };
    let mut form = vec![
        ("token", token.expose_secret()),
        ("token_type_hint", hint),
        ("client_id", client_id.as_str()),
    ];
    if let Some(secret) = &app.client_secret {
        form.push(("client_secret", secret.expose_secret()));
    }
    let (status, body) = http
        .post_form(&url, &form)
        .await
        .map_err(|error| AuthError::Unreachable(super::transport_reason(&error)))?;
    if (200..300).contains(&status) {
        return Ok(());
    }
    let error: Option<BasicErrorResponse> = serde_json::from_slice(&body).ok();
    Err(match error {
        Some(error) => server_error(&error),
        None => AuthError::Server(format!("the revocation endpoint answered HTTP {status}")),
    })
}

/// Obtains a new token set for a connection whose grant needs no person: a refresh token when
/// there is one, else the client credentials or a new JWT assertion.
pub async fn renew(
    http: &TokenClient,
    app: &App<'_>,
    stored: &Stored,
) -> Result<TokenSet, AuthError> {
    if let Some(refresh_token) = &stored.refresh_token {
        return refresh(http, app, &SecretString::from(refresh_token.clone())).await;
    }
    match stored.grant {
        Grant::ClientCredentials => client_credentials(http, app).await,
        Grant::JwtBearer => jwt_bearer(http, app).await,
        Grant::AuthorizationCode | Grant::DeviceCode => Err(AuthError::Expired),
    }
}

fn server_error<T: oauth2::ErrorResponseType + AsRef<str> + std::fmt::Display>(
    error: &oauth2::StandardErrorResponse<T>,
) -> AuthError {
    let code = error.error().as_ref().to_owned();
    let description = error
        .error_description()
        .map(|text| format!(": {}", crate::output::sanitize::for_terminal(text)))
        .unwrap_or_default();
    let message = format!(
        "{}{description}",
        crate::output::sanitize::for_terminal(&code)
    );
    match code.as_str() {
        "invalid_grant" => AuthError::InvalidGrant(message),
        "invalid_client" | "unauthorized_client" => AuthError::InvalidClient(message),
        "access_denied" | "expired_token" => AuthError::Denied(message),
        _ => AuthError::Server(message),
    }
}

fn token_error<RE, T>(error: RequestTokenError<RE, oauth2::StandardErrorResponse<T>>) -> AuthError
where
    RE: std::error::Error + 'static,
    T: oauth2::ErrorResponseType + AsRef<str> + std::fmt::Display + 'static,
{
    match error {
        RequestTokenError::ServerResponse(error) => server_error(&error),
        RequestTokenError::Request(error) => {
            let mut reason = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                reason = format!("{reason}: {cause}");
                source = cause.source();
            }
            AuthError::Unreachable(reason)
        }
        RequestTokenError::Parse(error, _) => AuthError::Server(format!(
            "the token endpoint sent an unexpected body: {}",
            error.inner()
        )),
        RequestTokenError::Other(text) => {
            AuthError::Server(crate::output::sanitize::for_terminal(&text))
        }
    }
}
