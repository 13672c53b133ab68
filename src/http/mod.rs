//! The one HTTP client: timeouts, retries with backoff and `Retry-After`, error classification,
//! and redaction. The only place a secret is exposed: when the `Authorization` header is built.

mod limiter;
mod origin;

pub use limiter::{Admission, Limiter, SharedBudget};
pub use origin::{Credential, Origins, Presentation, origin_of};

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::Value;

use crate::output::sanitize;

/// Errors of a provider call. Messages are sanitized and never carry the credential.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot reach `{url}` ({attempts} {}): {reason}", if *attempts == 1 { "attempt" } else { "attempts" })]
    Unreachable {
        url: String,
        reason: String,
        attempts: u32,
        /// True when the host never answered in this run (inlet gave up early).
        never_answered: bool,
    },
    #[error("the provider rejected the credential (HTTP {status}): {message}")]
    Unauthorized { status: u16, message: String },
    #[error("the provider is still rate limiting after {attempts} attempts (HTTP 429): {message}")]
    RateLimited { attempts: u32, message: String },
    #[error("the provider failed (HTTP {status}) after {attempts} attempts: {message}")]
    Server {
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("the provider refused the request (HTTP {status}): {message}")]
    Client { status: u16, message: String },
    #[error("{what} (HTTP {status}: {message})")]
    Exhausted {
        status: u16,
        what: String,
        message: String,
    },
    #[error("the provider sent a response that is not the expected JSON from `{url}`: {reason}")]
    Decode { url: String, reason: String },
    #[error("`{url}` is not a usable base URL (http or https, a host, no user info, no query)")]
    BadUrl { url: String },
    #[error(
        "refusing to send the credential to `{target}`: it is bound to {bound}; the provider pointed inlet at another origin"
    )]
    ForeignOrigin { target: String, bound: String },
    #[error(
        "the provider redirected from `{from}` to another origin (`{to}`); refusing to follow with the credential"
    )]
    Redirected { from: String, to: String },
    #[error(
        "the response from `{url}` is larger than {limit} bytes; stopped reading (raise `max_response_bytes` under `[limits]` in the provider definition if such pages are expected)"
    )]
    TooLarge { url: String, limit: u64 },
    #[error("interrupted")]
    Interrupted,
    #[error("the run's time ran out")]
    TimedOut,
}

impl HttpError {
    /// True when the credential is the problem (reconnect).
    pub fn is_credentials(&self) -> bool {
        matches!(self, Self::Unauthorized { .. })
    }
}

impl HttpError {
    /// True when the request itself was malformed (a bad base URL or path): a usage problem.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Self::BadUrl { .. })
    }

    /// What the user can do about it.
    pub fn hints(&self) -> Vec<String> {
        match self {
            Self::Unreachable {
                never_answered: true,
                ..
            } => vec![
                "the host refused or ignored every connection in this run: check that the base URL (`--base-url` when connecting) names a running server, and the network".to_owned(),
            ],
            Self::Unreachable { .. } => {
                vec!["check the network and the base URL (`--base-url` when connecting)".to_owned()]
            }
            Self::TooLarge { .. } => vec![
                "raise `max_response_bytes` in the provider definition if the provider really sends pages this large".to_owned(),
            ],
            _ => Vec::new(),
        }
    }
}

/// A successful JSON response and what it cost.
#[derive(Debug)]
pub struct Response {
    pub body: Value,
    /// Response headers, for paginators (`Link`) and budgets.
    pub headers: reqwest::header::HeaderMap,
    /// Requests sent, retries included.
    pub requests: u32,
}

/// Retry bounds for transient failures.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(30),
        }
    }
}

/// One request, ready to send.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub post: bool,
    pub url: url::Url,
    pub body: Option<Value>,
    pub headers: Vec<(String, String)>,
    pub credential: Credential<'a>,
}

/// A provider's own "slow down" signal.
#[derive(Debug, Clone)]
pub struct ThrottleRule {
    pub status: u16,
    pub body_contains: Option<String>,
    pub wait: Option<Duration>,
}

/// A response that means an allowance is used up for longer than a run waits.
#[derive(Debug, Clone)]
pub struct ExhaustedRule {
    pub status: u16,
    pub body_contains: Option<String>,
    pub message: String,
}

/// What a call may lean on: the connection's budget and the provider's throttle signals.
#[derive(Debug, Clone, Copy, Default)]
pub struct Budget<'a> {
    pub limiter: Option<&'a Limiter>,
    pub throttle: &'a [ThrottleRule],
    /// Responses that stop the stream: the allowance is used up until later.
    pub exhausted: &'a [ExhaustedRule],
    /// Header with the requests left in the provider's window.
    pub remaining_header: Option<&'a str>,
    /// Header with the window length in milliseconds.
    pub interval_ms_header: Option<&'a str>,
    /// Header with the number of requests the window allows.
    pub limit_header: Option<&'a str>,
    /// The largest response body read (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub max_response_bytes: Option<u64>,
    /// Set by Ctrl-C: every wait and request in flight stops.
    pub stop: Option<&'a AtomicBool>,
    /// The run's end: no wait or request outlives it.
    pub deadline: Option<tokio::time::Instant>,
    /// Told before every retry, for a progress line.
    pub on_retry: Option<OnRetry<'a>>,
}

/// A retry about to be made: the attempt it will be, the bound, the wait before it and why.
#[derive(Debug, Clone, Copy)]
pub struct Retrying<'a> {
    pub attempt: u32,
    pub max_attempts: u32,
    pub wait: Duration,
    pub reason: &'a str,
}

impl std::fmt::Display for Retrying<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "retrying {}/{} in {}: {}",
            self.attempt,
            self.max_attempts,
            short_wait(self.wait),
            self.reason
        )
    }
}

/// `4 s`, `0.4 s`, `2 min`: a wait as a progress line shows it.
fn short_wait(wait: Duration) -> String {
    let secs = wait.as_secs_f64();
    if secs < 10.0 {
        format!("{:.1} s", secs).replace(".0 s", " s")
    } else if secs < 120.0 {
        format!("{} s", secs.round())
    } else {
        format!("{} min", (secs / 60.0).round())
    }
}

/// Where retries are told.
#[derive(Clone, Copy)]
pub struct OnRetry<'a>(pub &'a dyn Fn(Retrying<'_>));

impl std::fmt::Debug for OnRetry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnRetry")
    }
}

/// Attempts at a host that has refused (or not accepted) every connection of this run: a
/// wrong base URL or a stopped server does not deserve the full backoff.
const UNANSWERED_ATTEMPTS: u32 = 3;

/// Responses larger than this are refused unless the definition says otherwise (64 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

impl Budget<'_> {
    /// Runs `work` unless Ctrl-C or the run's deadline comes first.
    async fn guard<T>(&self, work: impl std::future::Future<Output = T>) -> Result<T, HttpError> {
        let stop = self.stop;
        let stopped = async move {
            match stop {
                Some(stop) => loop {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                },
                None => std::future::pending().await,
            }
        };
        let deadline = self.deadline;
        let expired = async move {
            match deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            () = stopped => Err(HttpError::Interrupted),
            () = expired => Err(HttpError::TimedOut),
            value = work => Ok(value),
        }
    }

    /// Sleeps, interruptibly.
    async fn sleep(&self, wait: Duration) -> Result<(), HttpError> {
        self.guard(tokio::time::sleep(wait)).await
    }

    /// Tells the progress line and the log that a retry comes, then waits for it.
    async fn retry_after(
        &self,
        url: &str,
        attempt: u32,
        max_attempts: u32,
        wait: Duration,
        reason: &str,
    ) -> Result<(), HttpError> {
        let retrying = Retrying {
            attempt: attempt + 1,
            max_attempts,
            wait,
            reason,
        };
        tracing::info!(%url, "{retrying}");
        if let Some(OnRetry(tell)) = self.on_retry {
            tell(retrying);
        }
        self.sleep(wait).await
    }
}

/// The HTTP client, one per process.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    retry: RetryPolicy,
    /// Origins that answered at least once in this process (this run).
    answered: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
}

impl Http {
    /// Builds the client: rustls with the platform's roots, bounded timeouts, and a user agent
    /// that names inlet.
    pub fn new() -> anyhow::Result<Self> {
        // Several crates may race to install a provider; the first wins and that is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("inlet/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::custom(redirect_policy))
            .build()?;
        Ok(Self {
            client,
            retry: RetryPolicy::default(),
            answered: std::sync::Arc::default(),
        })
    }

    /// Replaces the retry policy.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sends a call, waiting for budget, retrying throttles, 5xx, timeouts, resets and
    /// malformed bodies with backoff, up to the retry policy's bound. The credential goes only
    /// to its own origins; every wait and request gives way to Ctrl-C and the run's deadline.
    pub async fn call(&self, call: &Call<'_>, budget: Budget<'_>) -> Result<Response, HttpError> {
        let shown = redact(&call.url);
        if !call.credential.origins.allows(&call.url) {
            return Err(HttpError::ForeignOrigin {
                target: origin_of(&call.url),
                bound: call.credential.origins.describe(),
            });
        }
        let masks = masks_of(call.credential.secret());
        let limit = budget
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let ticket = match budget.limiter {
                Some(limiter) => Some(budget.guard(limiter.acquire()).await?),
                None => None,
            };
            tracing::debug!(url = %shown, attempt, post = call.post, "request");
            let request = self.build(call)?;
            let sent = budget.guard(request.send()).await?;
            // The provider counted the request somewhere before its answer: from now on.
            if let Some((limiter, ticket)) = budget.limiter.zip(ticket) {
                limiter.settle(ticket);
            }
            let origin = origin_of(&call.url);
            let response = match sent {
                Ok(response) => {
                    self.answered
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(origin);
                    response
                }
                Err(error) if error.is_redirect() => {
                    return Err(redirect_error(&error, &call.url));
                }
                Err(error) => {
                    let reason = transport_reason(&error);
                    let never_answered = error.is_connect()
                        && !self
                            .answered
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .contains(&origin);
                    let max_attempts = if never_answered {
                        self.retry.max_attempts.min(UNANSWERED_ATTEMPTS)
                    } else {
                        self.retry.max_attempts
                    };
                    if attempt < max_attempts {
                        budget
                            .retry_after(
                                &shown,
                                attempt,
                                max_attempts,
                                self.backoff(attempt),
                                &reason,
                            )
                            .await?;
                        continue;
                    }
                    return Err(HttpError::Unreachable {
                        url: shown,
                        reason,
                        attempts: attempt,
                        never_answered,
                    });
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            if let (Some(limiter), Some(name)) = (budget.limiter, budget.remaining_header)
                && let Some(remaining) = header_number(&headers, name)
            {
                let window = budget
                    .interval_ms_header
                    .and_then(|name| header_number(&headers, name))
                    .map(Duration::from_millis);
                let limit = budget
                    .limit_header
                    .and_then(|name| header_number(&headers, name));
                limiter.observe_remaining(remaining, limit, window);
            }
            let retry_after = retry_after(&headers);
            let text = match budget.guard(read_capped(response, limit)).await? {
                Ok(Some(text)) => text,
                Ok(None) => {
                    return Err(HttpError::TooLarge { url: shown, limit });
                }
                Err(error) if attempt < self.retry.max_attempts => {
                    let reason = format!("body cut short: {}", transport_reason(&error));
                    budget
                        .retry_after(
                            &shown,
                            attempt,
                            self.retry.max_attempts,
                            self.backoff(attempt),
                            &reason,
                        )
                        .await?;
                    continue;
                }
                Err(error) => {
                    return Err(HttpError::Unreachable {
                        url: shown,
                        reason: transport_reason(&error),
                        attempts: attempt,
                        never_answered: false,
                    });
                }
            };
            tracing::debug!(url = %shown, status = status.as_u16(), bytes = text.len(), "response");
            if status.is_success() {
                return match serde_json::from_str(&text) {
                    Ok(body) => Ok(Response {
                        body,
                        headers,
                        requests: attempt,
                    }),
                    Err(_) if attempt < self.retry.max_attempts => {
                        budget
                            .retry_after(
                                &shown,
                                attempt,
                                self.retry.max_attempts,
                                self.backoff(attempt),
                                "the response was not valid JSON",
                            )
                            .await?;
                        continue;
                    }
                    Err(error) => Err(HttpError::Decode {
                        url: shown,
                        reason: error.to_string(),
                    }),
                };
            }
            let message = provider_message(&text, &masks);
            if let Some(rule) = budget.exhausted.iter().find(|rule| {
                rule.status == status.as_u16()
                    && rule
                        .body_contains
                        .as_deref()
                        .is_none_or(|needle| text.contains(needle))
            }) {
                return Err(HttpError::Exhausted {
                    status: status.as_u16(),
                    what: rule.message.clone(),
                    message,
                });
            }
            let throttle = budget.throttle.iter().find(|rule| {
                rule.status == status.as_u16()
                    && rule
                        .body_contains
                        .as_deref()
                        .is_none_or(|needle| text.contains(needle))
            });
            if throttle.is_some() || status == StatusCode::TOO_MANY_REQUESTS {
                if attempt >= self.retry.max_attempts {
                    return Err(HttpError::RateLimited {
                        attempts: attempt,
                        message,
                    });
                }
                let wait = retry_after
                    .or_else(|| throttle.and_then(|rule| rule.wait))
                    .unwrap_or_else(|| self.backoff(attempt))
                    .min(self.retry.max_delay);
                tracing::info!(url = %shown, wait = ?wait, "throttled by the provider, waiting");
                if let Some(OnRetry(tell)) = budget.on_retry {
                    tell(Retrying {
                        attempt: attempt + 1,
                        max_attempts: self.retry.max_attempts,
                        wait,
                        reason: "the provider is rate limiting (HTTP 429)",
                    });
                }
                match budget.limiter {
                    // Pausing the shared budget also holds back the connection's other streams.
                    Some(limiter) => limiter.pause(wait),
                    None => budget.sleep(wait).await?,
                }
                continue;
            }
            match status {
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                    return Err(HttpError::Unauthorized {
                        status: status.as_u16(),
                        message,
                    });
                }
                status if status.is_server_error() => {
                    if attempt >= self.retry.max_attempts {
                        return Err(HttpError::Server {
                            status: status.as_u16(),
                            attempts: attempt,
                            message,
                        });
                    }
                    let reason = format!("the provider failed (HTTP {})", status.as_u16());
                    budget
                        .retry_after(
                            &shown,
                            attempt,
                            self.retry.max_attempts,
                            retry_after
                                .unwrap_or_else(|| self.backoff(attempt))
                                .min(self.retry.max_delay),
                            &reason,
                        )
                        .await?;
                }
                status => {
                    return Err(HttpError::Client {
                        status: status.as_u16(),
                        message,
                    });
                }
            }
        }
    }

    fn build(&self, call: &Call<'_>) -> Result<reqwest::RequestBuilder, HttpError> {
        let mut request = if call.post {
            self.client.post(call.url.clone())
        } else {
            self.client.get(call.url.clone())
        };
        request = request.header(reqwest::header::ACCEPT, "application/json");
        for (name, value) in &call.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        let bad = || HttpError::Unauthorized {
            status: 0,
            message: "the credential holds characters that cannot be sent in a header".to_owned(),
        };
        // The header value is built in a buffer that is wiped when dropped; the copy inside
        // the request is marked sensitive.
        let (name, value): (String, zeroize::Zeroizing<String>) = match call.credential.presentation
        {
            Presentation::Bearer(secret) => (
                reqwest::header::AUTHORIZATION.to_string(),
                zeroize::Zeroizing::new(format!("Bearer {}", secret.expose_secret())),
            ),
            Presentation::Basic(secret) => {
                let user = zeroize::Zeroizing::new(format!("{}:", secret.expose_secret()));
                let encoded = zeroize::Zeroizing::new(base64_encode(user.as_bytes()));
                (
                    reqwest::header::AUTHORIZATION.to_string(),
                    zeroize::Zeroizing::new(format!("Basic {}", encoded.as_str())),
                )
            }
            Presentation::Header(name, secret) => (
                name.to_owned(),
                zeroize::Zeroizing::new(secret.expose_secret().to_owned()),
            ),
        };
        let mut value =
            reqwest::header::HeaderValue::from_bytes(value.as_bytes()).map_err(|_| bad())?;
        // Sensitive values are never printed by the HTTP stack's debug output.
        value.set_sensitive(true);
        let name = reqwest::header::HeaderName::try_from(name).map_err(|_| bad())?;
        Ok(request.header(name, value))
    }

    /// Exponential backoff with full jitter, bounded.
    fn backoff(&self, attempt: u32) -> Duration {
        let exponential = self.retry.base_delay.saturating_mul(1 << attempt.min(16));
        let capped = exponential.min(self.retry.max_delay);
        let jitter = jitter_fraction();
        capped.mul_f64(0.5 + jitter / 2.0)
    }
}

fn header_number(headers: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Standard base64 with padding, as HTTP Basic wants it.
fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A number in [0, 1) from the clock's low bits: enough to spread retries apart.
fn jitter_fraction() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    f64::from(nanos % 1000) / 1000.0
}

/// `base_url` + `path`, or a usage error.
pub fn join(base_url: &str, path: &str) -> Result<url::Url, HttpError> {
    let text = format!("{}{}", base_url.trim_end_matches('/'), path);
    let url = url::Url::parse(&text).map_err(|_| HttpError::BadUrl {
        url: redact_text(base_url),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(HttpError::BadUrl {
            url: redact_text(base_url),
        });
    }
    Ok(url)
}

/// Validates a base URL given by the user. It is stored and shown (`status`), and a command
/// line is visible to other users, so it may not carry credentials: no user info, no query.
pub fn check_base_url(base_url: &str) -> Result<(), HttpError> {
    let url = join(base_url, "/")?;
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return Err(HttpError::BadUrl {
            url: redact_text(base_url),
        });
    }
    Ok(())
}

/// A URL as it may be shown: no user info, no query (query values can be secret).
pub fn redact(url: &url::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.to_string()
}

fn redact_text(text: &str) -> String {
    url::Url::parse(text).map_or_else(|_| sanitize::for_terminal(text), |url| redact(&url))
}

fn transport_reason(error: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut reason = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "connection failed".to_owned()
    } else {
        "the connection broke".to_owned()
    };
    // The innermost cause says the most (e.g. "Connection refused").
    let mut source = error.source();
    let mut innermost = None;
    while let Some(cause) = source {
        innermost = Some(cause.to_string());
        source = cause.source();
    }
    if let Some(cause) = innermost {
        if error.is_connect() && cause.starts_with("Connection refused") {
            return "connection refused".to_owned();
        }
        reason.push_str(&format!(" ({})", sanitize::for_terminal(&cause)));
    }
    reason
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        // Absurd values are bounded here; the caller caps the wait further.
        .map(|seconds| Duration::from_secs_f64(seconds.min(86_400.0)))
}

/// Follows a redirect only within the origin the request started at (where the credential
/// belongs), at most five times; every redirect is logged at `-vv`.
fn redirect_policy(attempt: reqwest::redirect::Attempt<'_>) -> reqwest::redirect::Action {
    let first = attempt.previous().first().map(url::Url::origin);
    let from = attempt.previous().last().map(redact).unwrap_or_default();
    let to = redact(attempt.url());
    tracing::debug!(%from, %to, status = attempt.status().as_u16(), "redirect");
    if first.is_some_and(|first| first != attempt.url().origin()) {
        let to = origin_of(attempt.url());
        return attempt.error(CrossOrigin(to));
    }
    if attempt.previous().len() > 5 {
        return attempt.error(TooManyRedirects);
    }
    attempt.follow()
}

#[derive(Debug, thiserror::Error)]
#[error("redirect to another origin ({0})")]
struct CrossOrigin(String);

#[derive(Debug, thiserror::Error)]
#[error("too many redirects")]
struct TooManyRedirects;

fn redirect_error(error: &reqwest::Error, url: &url::Url) -> HttpError {
    use std::error::Error as _;
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(CrossOrigin(to)) = cause.downcast_ref::<CrossOrigin>() {
            return HttpError::Redirected {
                from: origin_of(url),
                to: to.clone(),
            };
        }
        source = cause.source();
    }
    HttpError::Unreachable {
        url: redact(url),
        reason: "too many redirects".to_owned(),
        attempts: 1,
        never_answered: false,
    }
}

/// Reads a body of at most `limit` bytes; `None` when it is larger (announced or not).
async fn read_capped(
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Option<String>, reqwest::Error> {
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(match String::from_utf8(body) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    }))
}

/// Every form in which inlet itself sends `secret`: as is, as HTTP Basic's base64 of
/// `secret:` (padded or not), and URL-encoded (form and strict percent-encoding). A provider
/// that echoes any of them back has every one masked.
pub fn masks_of(secret: &SecretString) -> Vec<zeroize::Zeroizing<String>> {
    let raw = secret.expose_secret();
    if raw.is_empty() {
        return Vec::new();
    }
    let user = zeroize::Zeroizing::new(format!("{raw}:"));
    let basic = zeroize::Zeroizing::new(base64_encode(user.as_bytes()));
    let form: String = url::form_urlencoded::byte_serialize(raw.as_bytes()).collect();
    let mut strict = String::new();
    let mut lower = String::new();
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            strict.push(char::from(byte));
            lower.push(char::from(byte));
        } else {
            strict.push_str(&format!("%{byte:02X}"));
            lower.push_str(&format!("%{byte:02x}"));
        }
    }
    let mut masks = vec![
        zeroize::Zeroizing::new(raw.to_owned()),
        zeroize::Zeroizing::new(basic.trim_end_matches('=').to_owned()),
        basic,
        zeroize::Zeroizing::new(form),
        zeroize::Zeroizing::new(strict),
        zeroize::Zeroizing::new(lower),
    ];
    // Longest first, so a longer encoding is masked whole before a shorter one inside it.
    masks.sort_by_key(|mask| std::cmp::Reverse(mask.len()));
    masks.dedup();
    masks
}

/// The provider's own message from an error body (`message`, `error.message`,
/// `error_description`, …), sanitized, with the credential masked should it be echoed.
fn provider_message(text: &str, masks: &[zeroize::Zeroizing<String>]) -> String {
    // Only a bounded prefix is examined: an error page can be large.
    let text = text
        .char_indices()
        .nth(64 * 1024)
        .map_or(text, |(end, _)| &text[..end]);
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    let message = parsed
        .as_ref()
        .and_then(|body| {
            [
                "/message",
                "/error/message",
                "/error_description",
                "/0/message",
                "/error",
            ]
            .iter()
            .find_map(|pointer| body.pointer(pointer).and_then(Value::as_str))
            .map(str::to_owned)
        })
        .unwrap_or_else(|| {
            if text.trim().is_empty() {
                "no details given".to_owned()
            } else {
                text.to_owned()
            }
        });
    sanitize::provider_text_masking(&message, masks.iter().map(|mask| mask.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() -> anyhow::Result<()> {
        let url = url::Url::parse("https://user:pw@example.com/a?token=x")?;
        assert_eq!(redact(&url), "https://example.com/a");
        Ok(())
    }

    #[test]
    fn bad_base_urls_are_usage_errors() {
        assert!(check_base_url("not a url").is_err());
        assert!(check_base_url("ftp://example.com").is_err());
        assert!(check_base_url("http://127.0.0.1:9/hubspot").is_ok());
        assert!(check_base_url("https://user:secret@example.com").is_err());
        assert!(check_base_url("https://example.com/?api_key=secret").is_err());
    }

    #[test]
    fn basic_auth_is_base64() {
        assert_eq!(base64_encode(b"sk_test_abc:"), "c2tfdGVzdF9hYmM6");
        assert_eq!(base64_encode(b"a"), "YQ==");
        assert_eq!(base64_encode(b"ab"), "YWI=");
    }

    #[test]
    fn provider_messages_mask_the_token() {
        let token = SecretString::from("sekrit".to_owned());
        let text = r#"{"status":"error","message":"token sekrit is bad"}"#;
        assert_eq!(
            provider_message(text, &masks_of(&token)),
            "token [REDACTED] is bad"
        );
    }

    #[test]
    fn every_encoding_of_the_secret_is_masked() {
        let token = SecretString::from("sk_test+a/b=c d".to_owned());
        let basic = base64_encode(b"sk_test+a/b=c d:");
        let text = format!(
            "raw sk_test+a/b=c d; basic Basic {basic}; form sk_test%2Ba%2Fb%3Dc+d; strict sk_test%2Ba%2Fb%3Dc%20d; lower sk_test%2ba%2fb%3dc%20d"
        );
        let shown = provider_message(&text, &masks_of(&token));
        assert_eq!(
            shown,
            "raw [REDACTED]; basic Basic [REDACTED]; form [REDACTED]; strict [REDACTED]; lower [REDACTED]"
        );
    }

    #[test]
    fn the_secret_header_is_sensitive() -> anyhow::Result<()> {
        let http = Http::new()?;
        let token = SecretString::from("sekrit".to_owned());
        let origins = Origins::of("https://api.example.com")?;
        for presentation in [
            Presentation::Bearer(&token),
            Presentation::Basic(&token),
            Presentation::Header("x-api-key", &token),
        ] {
            let call = Call {
                post: false,
                url: url::Url::parse("https://api.example.com/x")?,
                body: None,
                headers: Vec::new(),
                credential: Credential::bound(presentation, &origins),
            };
            let request = http.build(&call)?.build()?;
            let sensitive = request
                .headers()
                .iter()
                .filter(|(_, value)| value.is_sensitive())
                .count();
            assert_eq!(sensitive, 1, "{presentation:?}");
            assert!(!format!("{request:?}").contains("sekrit"));
        }
        Ok(())
    }
}
