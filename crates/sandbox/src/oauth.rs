//! OAuth 2.0 authorization servers, emulated as the providers run them: an authorize endpoint
//! that auto-consents and redirects (checking the client and the loopback `redirect_uri`,
//! passing `state` through), a token endpoint (authorization code with PKCE checked, refresh
//! with rotation when asked for, client credentials, RFC 7523 JWT bearer verified against a
//! public key the test gives, RFC 8628 device code), and RFC 7009 revocation.
//!
//! Two servers share one token registry, whose access tokens the provider APIs accept:
//! HubSpot's (`/hubspot/oauth/authorize`, `/hubspot/oauth/v1/token`,
//! `/hubspot/oauth/2026-03/token/revoke`; `expires_in: 1800`, the same refresh token back on
//! refresh) and a generic RFC server under `/oauth` (`/authorize`, `/token`, `/revoke`,
//! `/device`), for definitions a user writes.
//!
//! `POST /_sandbox/oauth?rotate=true&access_ttl_ms=2000` changes the behaviour at run time (the
//! body, when present, is the PEM public key JWT assertions are checked with); `POST
//! /_sandbox/oauth/revoke-all` revokes every grant (a user removing the app);
//! `GET /_sandbox/oauth` counts grants, refreshes and refusals.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::Digest as _;

/// The OAuth app the sandbox has registered for a seed.
pub fn oauth_client(seed: u64) -> (String, String) {
    (
        format!("sbx-client-{:08x}", crate::rng::mix64(seed ^ 0x0a17) as u32),
        format!("sbx-secret-{:016x}", crate::rng::mix64(seed ^ 0x5ec7)),
    )
}

/// Run-time behaviour, changed through `/_sandbox/oauth`.
#[derive(Debug, Clone, Default)]
struct Config {
    /// Issue a new refresh token on every refresh and invalidate the old one.
    rotate: bool,
    /// Access token lifetime, when shorter than the provider's.
    access_ttl: Option<Duration>,
    /// PEM public key for JWT bearer assertions.
    jwt_key: Option<String>,
}

#[derive(Debug)]
struct Code {
    client_id: String,
    redirect_uri: String,
    challenge: Option<String>,
    scope: String,
    issued: Instant,
}

#[derive(Debug)]
struct Grant {
    refresh_token: Option<String>,
    valid: bool,
    scope: String,
}

#[derive(Debug)]
struct Access {
    grant: usize,
    expires: Instant,
}

#[derive(Debug)]
struct DeviceCode {
    grant_scope: String,
    polls: u32,
    used: bool,
}

#[derive(Debug, Default)]
struct Counters {
    codes_issued: u64,
    pkce_verified: u64,
    tokens_issued: u64,
    refreshes: u64,
    invalid_grant: u64,
    revocations: u64,
    jwt_accepted: u64,
    client_credentials: u64,
}

/// Every grant and token the sandbox's authorization servers issued.
#[derive(Debug)]
pub(crate) struct Registry {
    client_id: String,
    client_secret: String,
    state: Mutex<RegistryState>,
}

#[derive(Debug, Default)]
struct RegistryState {
    config: Config,
    sequence: u64,
    seed: u64,
    codes: HashMap<String, Code>,
    grants: Vec<Grant>,
    access: HashMap<String, Access>,
    devices: HashMap<String, DeviceCode>,
    counters: Counters,
}

impl RegistryState {
    fn token(&mut self, kind: &str) -> String {
        self.sequence += 1;
        let mix = crate::rng::mix64(self.seed ^ self.sequence.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        format!("sbx-{kind}-{}-{mix:016x}", self.sequence)
    }

    fn issue(&mut self, grant: usize, lifetime: Duration) -> String {
        let token = self.token("at");
        let lifetime = self.config.access_ttl.unwrap_or(lifetime);
        self.access.insert(
            token.clone(),
            Access {
                grant,
                expires: Instant::now() + lifetime,
            },
        );
        self.counters.tokens_issued += 1;
        token
    }
}

impl Registry {
    pub(crate) fn new(seed: u64) -> Self {
        let (client_id, client_secret) = oauth_client(seed);
        Self {
            client_id,
            client_secret,
            state: Mutex::new(RegistryState {
                seed,
                ..RegistryState::default()
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RegistryState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether an access token is live (issued, not expired, its grant not revoked).
    /// The scopes granted to a live access token (space-separated), if it is one.
    pub(crate) fn access_scope(&self, token: &str) -> Option<String> {
        let state = self.lock();
        let access = state.access.get(token)?;
        state
            .grants
            .get(access.grant)
            .map(|grant| grant.scope.clone())
    }

    pub(crate) fn access_ok(&self, token: &str) -> bool {
        let state = self.lock();
        state.access.get(token).is_some_and(|access| {
            access.expires > Instant::now()
                && state
                    .grants
                    .get(access.grant)
                    .is_some_and(|grant| grant.valid)
        })
    }
}

/// How one provider runs its server.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    /// Access token lifetime it reports.
    lifetime: Duration,
    /// HubSpot returns the same refresh token on refresh; RFC servers return none.
    echo_refresh: bool,
    /// HubSpot adds `status`/`message` to RFC 6749 errors.
    hubspot_errors: bool,
}

pub(crate) const HUBSPOT: Style = Style {
    lifetime: Duration::from_secs(1800),
    echo_refresh: true,
    hubspot_errors: true,
};

pub(crate) const GENERIC: Style = Style {
    lifetime: Duration::from_secs(3599),
    echo_refresh: false,
    hubspot_errors: false,
};

#[derive(Clone)]
pub(crate) struct Server {
    registry: Arc<Registry>,
    style: Style,
    /// The token endpoint's URL, the `aud` JWT assertions must name.
    token_url: String,
    /// Salesforce: the login host (the assertions' `aud`, and the `instance_url` sent back).
    salesforce: Option<String>,
}

/// The routes of one server: `authorize`, `token`, `revoke` and `device` at the given paths.
pub(crate) fn router(
    registry: Arc<Registry>,
    style: Style,
    token_url: String,
    paths: [&str; 4],
) -> Router {
    routes(
        Server {
            registry,
            style,
            token_url,
            salesforce: None,
        },
        paths,
    )
}

/// Salesforce's server at `{login}/services/oauth2/…`: no `expires_in`, an `instance_url`,
/// `issued_at` in epoch milliseconds, and JWT assertions addressed to the login host.
pub(crate) fn salesforce_router(registry: Arc<Registry>, login: String, prefix: &str) -> Router {
    let paths = [
        format!("{prefix}/services/oauth2/authorize"),
        format!("{prefix}/services/oauth2/token"),
        format!("{prefix}/services/oauth2/revoke"),
        format!("{prefix}/services/oauth2/device"),
    ];
    routes(
        Server {
            registry,
            style: SALESFORCE,
            token_url: format!("{login}/services/oauth2/token"),
            salesforce: Some(login),
        },
        [&paths[0], &paths[1], &paths[2], &paths[3]],
    )
}

pub(crate) const SALESFORCE: Style = Style {
    lifetime: Duration::from_secs(7200),
    echo_refresh: false,
    hubspot_errors: false,
};

fn routes(server: Server, paths: [&str; 4]) -> Router {
    Router::new()
        .route(paths[0], get(authorize))
        .route(paths[1], post(token))
        .route(paths[2], post(revoke))
        .route(paths[3], post(device))
        .with_state(server)
}

fn oauth_error(server: &Server, status: StatusCode, error: &str, description: &str) -> Response {
    let mut body = json!({ "error": error, "error_description": description });
    if server.style.hubspot_errors {
        body["status"] = json!(match error {
            "invalid_grant" => "BAD_REFRESH_TOKEN",
            "invalid_client" => "BAD_CLIENT_ID",
            _ => "BAD_REQUEST",
        });
        body["message"] = json!(description);
    }
    (status, axum::Json(body)).into_response()
}

fn page(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!("<!doctype html><title>sandbox sign-in</title><p>{text}</p>\n"),
    )
        .into_response()
}

/// A desktop app's redirect URI: http on a loopback address, any port.
fn loopback(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|url| {
        url.scheme() == "http"
            && matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
    })
}

async fn authorize(
    State(server): State<Server>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let get = |key: &str| query.get(key).map(String::as_str).unwrap_or_default();
    // Errors about the client or the redirect URI are shown, never redirected (RFC 6749 4.1.2.1).
    if get("client_id") != server.registry.client_id {
        return page(StatusCode::BAD_REQUEST, "invalid_client: unknown client_id");
    }
    let redirect_uri = get("redirect_uri").to_owned();
    if !loopback(&redirect_uri) {
        return page(
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch: desktop apps must redirect to a loopback address",
        );
    }
    let mut target = url::Url::parse(&redirect_uri).unwrap_or_else(|_| unreachable_url());
    {
        let mut pairs = target.query_pairs_mut();
        if get("response_type") != "code" {
            pairs.append_pair("error", "unsupported_response_type");
        } else if !query.contains_key("code_challenge") && !get("code_challenge_method").is_empty()
        {
            pairs.append_pair("error", "invalid_request");
        } else if query.contains_key("code_challenge") && get("code_challenge_method") != "S256" {
            pairs.append_pair("error", "invalid_request");
            pairs.append_pair("error_description", "code_challenge_method must be S256");
        } else {
            let mut state = server.registry.lock();
            let code = state.token("code");
            state.counters.codes_issued += 1;
            state.codes.insert(
                code.clone(),
                Code {
                    client_id: get("client_id").to_owned(),
                    redirect_uri: redirect_uri.clone(),
                    challenge: query.get("code_challenge").cloned(),
                    scope: get("scope").to_owned(),
                    issued: Instant::now(),
                },
            );
            pairs.append_pair("code", &code);
        }
        if let Some(state) = query.get("state") {
            pairs.append_pair("state", state);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

fn unreachable_url() -> url::Url {
    url::Url::parse("http://127.0.0.1/").unwrap_or_else(|_| unreachable!())
}

/// Client authentication: HTTP Basic or form fields.
fn client_ok(
    server: &Server,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
    secret_required: bool,
) -> bool {
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        && let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(basic.trim())
        && let Ok(text) = String::from_utf8(decoded)
        && let Some((id, secret)) = text.split_once(':')
    {
        let id = url::form_urlencoded::parse(format!("a={id}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let secret = url::form_urlencoded::parse(format!("a={secret}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        return id == server.registry.client_id && secret == server.registry.client_secret;
    }
    let id_ok =
        form.get("client_id").map(String::as_str) == Some(server.registry.client_id.as_str());
    let secret = form.get("client_secret").map(String::as_str);
    id_ok
        && match secret {
            Some(secret) => secret == server.registry.client_secret,
            None => !secret_required,
        }
}

fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()))
}

async fn token(State(server): State<Server>, headers: HeaderMap, body: Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |key: &str| form.get(key).map(String::as_str).unwrap_or_default();
    let style = server.style;
    match get("grant_type") {
        "authorization_code" => {
            if !client_ok(&server, &headers, &form, false) {
                return oauth_error(
                    &server,
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "client authentication failed",
                );
            }
            let mut state = server.registry.lock();
            // A code works once, within ten minutes.
            let Some(code) = state.codes.remove(get("code")) else {
                state.counters.invalid_grant += 1;
                drop(state);
                return oauth_error(
                    &server,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "authorization code is invalid, expired or already used",
                );
            };
            if code.issued.elapsed() > Duration::from_secs(600)
                || (code.client_id != get("client_id") && !get("client_id").is_empty())
            {
                state.counters.invalid_grant += 1;
                drop(state);
                return oauth_error(
                    &server,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "authorization code is invalid, expired or already used",
                );
            }
            if code.redirect_uri != get("redirect_uri") {
                state.counters.invalid_grant += 1;
                drop(state);
                return oauth_error(
                    &server,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "redirect_uri does not match the authorization request",
                );
            }
            match (&code.challenge, form.get("code_verifier")) {
                (Some(challenge), Some(verifier)) if &s256(verifier) == challenge => {
                    state.counters.pkce_verified += 1;
                }
                (Some(_), _) => {
                    state.counters.invalid_grant += 1;
                    drop(state);
                    return oauth_error(
                        &server,
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "invalid code verifier",
                    );
                }
                (None, _) => {}
            }
            let refresh = state.token("rt");
            state.grants.push(Grant {
                refresh_token: Some(refresh.clone()),
                valid: true,
                scope: code.scope.clone(),
            });
            let grant = state.grants.len() - 1;
            let access = state.issue(grant, style.lifetime);
            let lifetime = state.config.access_ttl.unwrap_or(style.lifetime);
            drop(state);
            token_response(&server, &access, Some(&refresh), &code.scope, lifetime)
        }
        "refresh_token" => {
            if !client_ok(&server, &headers, &form, false) {
                return oauth_error(
                    &server,
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "client authentication failed",
                );
            }
            let mut state = server.registry.lock();
            let presented = get("refresh_token");
            let found = state
                .grants
                .iter()
                .position(|grant| grant.valid && grant.refresh_token.as_deref() == Some(presented));
            let Some(grant) = found else {
                state.counters.invalid_grant += 1;
                drop(state);
                return oauth_error(
                    &server,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "refresh token is invalid, expired or revoked",
                );
            };
            state.counters.refreshes += 1;
            let rotated = if state.config.rotate {
                let next = state.token("rt");
                state.grants[grant].refresh_token = Some(next.clone());
                Some(next)
            } else if style.echo_refresh {
                Some(presented.to_owned())
            } else {
                None
            };
            let scope = state.grants[grant].scope.clone();
            let access = state.issue(grant, style.lifetime);
            let lifetime = state.config.access_ttl.unwrap_or(style.lifetime);
            drop(state);
            token_response(&server, &access, rotated.as_deref(), &scope, lifetime)
        }
        "client_credentials" => {
            if !client_ok(&server, &headers, &form, true) {
                return oauth_error(
                    &server,
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "client authentication failed",
                );
            }
            let mut state = server.registry.lock();
            state.counters.client_credentials += 1;
            let scope = get("scope").to_owned();
            state.grants.push(Grant {
                refresh_token: None,
                valid: true,
                scope: scope.clone(),
            });
            let grant = state.grants.len() - 1;
            let access = state.issue(grant, style.lifetime);
            let lifetime = state.config.access_ttl.unwrap_or(style.lifetime);
            drop(state);
            token_response(&server, &access, None, &scope, lifetime)
        }
        "urn:ietf:params:oauth:grant-type:jwt-bearer" => jwt_bearer(&server, get("assertion")),
        "urn:ietf:params:oauth:grant-type:device_code" => {
            let mut state = server.registry.lock();
            let lifetime = state.config.access_ttl.unwrap_or(style.lifetime);
            let Some(device) = state.devices.get_mut(get("device_code")) else {
                drop(state);
                return oauth_error(
                    &server,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown device code",
                );
            };
            device.polls += 1;
            if device.used {
                drop(state);
                return oauth_error(
                    &server,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "device code already used",
                );
            }
            // The person approves while the first poll waits: the second one succeeds.
            if device.polls < 2 {
                drop(state);
                return oauth_error(
                    &server,
                    StatusCode::BAD_REQUEST,
                    "authorization_pending",
                    "the user has not approved yet",
                );
            }
            device.used = true;
            let scope = device.grant_scope.clone();
            let refresh = state.token("rt");
            state.grants.push(Grant {
                refresh_token: Some(refresh.clone()),
                valid: true,
                scope: scope.clone(),
            });
            let grant = state.grants.len() - 1;
            let access = state.issue(grant, style.lifetime);
            drop(state);
            token_response(&server, &access, Some(&refresh), &scope, lifetime)
        }
        _ => oauth_error(
            &server,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type is not supported",
        ),
    }
}

fn token_response(
    server: &Server,
    access: &str,
    refresh: Option<&str>,
    scope: &str,
    lifetime: Duration,
) -> Response {
    let mut body = match &server.salesforce {
        // No `expires_in`: the session lasts as the org's policy says, unreported.
        Some(login) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            json!({
                "access_token": access,
                "signature": "c2FuZGJveC1zaWduYXR1cmU=",
                "instance_url": login,
                "id": format!("{login}/id/00DSBX0000000001AAA/005SBX0000000001AAA"),
                "token_type": "Bearer",
                "issued_at": now.as_millis().to_string(),
            })
        }
        None => json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": lifetime.as_secs().max(1),
        }),
    };
    if let Some(refresh) = refresh {
        body["refresh_token"] = json!(refresh);
    }
    if !scope.is_empty() {
        body["scope"] = json!(scope);
    }
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(body),
    )
        .into_response()
}

fn jwt_bearer(server: &Server, assertion: &str) -> Response {
    let key = server.registry.lock().config.jwt_key.clone();
    let Some(key) = key else {
        return oauth_error(
            server,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "no public key is registered for JWT assertions",
        );
    };
    let Ok(key) = jsonwebtoken::DecodingKey::from_rsa_pem(key.as_bytes()) else {
        return oauth_error(
            server,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "the registered public key is not RSA PEM",
        );
    };
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    let audience = server.salesforce.as_deref().unwrap_or(&server.token_url);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    let claims = match jsonwebtoken::decode::<Value>(assertion, &key, &validation) {
        Ok(data) => data.claims,
        Err(error) => {
            server.registry.lock().counters.invalid_grant += 1;
            return oauth_error(
                server,
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                &format!("invalid assertion: {error}"),
            );
        }
    };
    let iat = claims["iat"].as_i64().unwrap_or(0);
    let exp = claims["exp"].as_i64().unwrap_or(0);
    if exp - iat > 3600 {
        return oauth_error(
            server,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "assertion lifetime exceeds one hour",
        );
    }
    if server.salesforce.is_some() && claims["iss"] != server.registry.client_id.as_str() {
        return oauth_error(
            server,
            StatusCode::BAD_REQUEST,
            "invalid_client_id",
            "client identifier invalid",
        );
    }
    let scope = claims["scope"].as_str().unwrap_or("api").to_owned();
    let mut state = server.registry.lock();
    state.counters.jwt_accepted += 1;
    state.grants.push(Grant {
        refresh_token: None,
        valid: true,
        scope: scope.clone(),
    });
    let grant = state.grants.len() - 1;
    let access = state.issue(grant, server.style.lifetime);
    let lifetime = state.config.access_ttl.unwrap_or(server.style.lifetime);
    drop(state);
    token_response(server, &access, None, &scope, lifetime)
}

async fn revoke(State(server): State<Server>, headers: HeaderMap, body: Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let _ = headers;
    let token = form.get("token").cloned().unwrap_or_default();
    let mut state = server.registry.lock();
    state.counters.revocations += 1;
    if let Some(grant) = state
        .grants
        .iter()
        .position(|grant| grant.refresh_token.as_deref() == Some(token.as_str()))
    {
        state.grants[grant].valid = false;
    } else if let Some(access) = state.access.remove(&token) {
        // Revoking an access token revokes only it.
        let _ = access;
    }
    // RFC 7009: 200 whether or not the token was known.
    StatusCode::OK.into_response()
}

async fn device(State(server): State<Server>, headers: HeaderMap, body: Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    if !client_ok(&server, &headers, &form, false) {
        return oauth_error(
            &server,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        );
    }
    let mut state = server.registry.lock();
    let device_code = state.token("dc");
    let user_code = format!(
        "{:04X}-{:04X}",
        state.sequence % 0xffff,
        crate::rng::mix64(state.sequence) % 0xffff
    );
    state.devices.insert(
        device_code.clone(),
        DeviceCode {
            grant_scope: form.get("scope").cloned().unwrap_or_default(),
            polls: 0,
            used: false,
        },
    );
    drop(state);
    let verification = server.token_url.replace("/token", "/device/verify");
    axum::Json(json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": verification,
        "expires_in": 600,
        "interval": 1,
    }))
    .into_response()
}

/// `/_sandbox/oauth`: configure, inspect, revoke everything.
pub(crate) fn admin_router(registry: Arc<Registry>) -> Router {
    Router::new()
        .route("/_sandbox/oauth", get(admin_stats).post(admin_config))
        .route("/_sandbox/oauth/revoke-all", post(admin_revoke_all))
        .route("/_sandbox/oauth/expire-access", post(admin_expire_access))
        .with_state(registry)
}

async fn admin_config(
    State(registry): State<Arc<Registry>>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    {
        let mut state = registry.lock();
        if let Some(rotate) = query.get("rotate") {
            state.config.rotate = rotate == "true" || rotate == "1";
        }
        if let Some(ttl) = query
            .get("access_ttl_ms")
            .and_then(|ttl| ttl.parse::<u64>().ok())
        {
            state.config.access_ttl = (ttl > 0).then(|| Duration::from_millis(ttl));
        }
        if !body.is_empty() {
            state.config.jwt_key = Some(String::from_utf8_lossy(&body).into_owned());
        }
    }
    stats_of(&registry)
}

async fn admin_revoke_all(State(registry): State<Arc<Registry>>) -> Response {
    for grant in &mut registry.lock().grants {
        grant.valid = false;
    }
    stats_of(&registry)
}

async fn admin_expire_access(State(registry): State<Arc<Registry>>) -> Response {
    registry.lock().access.clear();
    stats_of(&registry)
}

async fn admin_stats(State(registry): State<Arc<Registry>>) -> Response {
    stats_of(&registry)
}

fn stats_of(registry: &Registry) -> Response {
    let state = registry.lock();
    let now = Instant::now();
    let live_grants = state
        .grants
        .iter()
        .filter(|grant| grant.valid && grant.refresh_token.is_some())
        .count();
    let live_access = state
        .access
        .iter()
        .filter(|(_, access)| {
            access.expires > now
                && state
                    .grants
                    .get(access.grant)
                    .is_some_and(|grant| grant.valid)
        })
        .count();
    let counters = &state.counters;
    axum::Json(json!({
        "rotate": state.config.rotate,
        "access_ttl_ms": state.config.access_ttl.map(|ttl| ttl.as_millis() as u64),
        "jwt_key": state.config.jwt_key.is_some(),
        "grants": state.grants.len(),
        "live_refresh_grants": live_grants,
        "live_access_tokens": live_access,
        "codes_issued": counters.codes_issued,
        "pkce_verified": counters.pkce_verified,
        "tokens_issued": counters.tokens_issued,
        "refreshes": counters.refreshes,
        "invalid_grant": counters.invalid_grant,
        "revocations": counters.revocations,
        "jwt_accepted": counters.jwt_accepted,
        "client_credentials": counters.client_credentials,
    }))
    .into_response()
}
