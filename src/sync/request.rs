//! One-off requests of a definition (the verify and revoke calls of `connect` and `disconnect`)
//! and the connection budget and throttle rules resolved from a definition.

use super::plan::{self, Vars};
use crate::catalog::{AuthScheme, Provider};
use crate::http::{
    self, Budget, Call, Credential, Http, HttpError, Limiter, Origins, Presentation, ThrottleRule,
};
use secrecy::SecretString;
use std::collections::BTreeMap;

/// The connection's request budget from its definition.
pub fn limiter_for(provider: &Provider) -> Limiter {
    match (
        provider.limits.requests,
        plan::duration(provider.limits.per.as_deref()),
    ) {
        (Some(requests), Some(window)) => Limiter::new(requests, window),
        _ => Limiter::unlimited(),
    }
}

/// The throttle rules of a definition, resolved.
pub fn throttle_rules(provider: &Provider) -> Vec<ThrottleRule> {
    provider
        .limits
        .throttle
        .iter()
        .map(|rule| ThrottleRule {
            status: rule.status,
            body_contains: rule.body_contains.clone(),
            wait: plan::duration(rule.wait.as_deref()),
        })
        .collect()
}

/// The definition's "allowance used up" responses, for the HTTP client.
pub fn exhausted_rules(provider: &Provider) -> Vec<http::ExhaustedRule> {
    provider
        .limits
        .exhausted
        .iter()
        .map(|rule| http::ExhaustedRule {
            status: rule.status,
            body_contains: rule.body_contains.clone(),
            message: rule.message.clone(),
        })
        .collect()
}

pub use crate::catalog::render_base_url;

/// The origins a connection's credential is bound to: its base URL's and the definition's.
pub fn origins_for(
    provider: &Provider,
    base_url: &str,
    settings: &BTreeMap<String, String>,
) -> Result<Origins, HttpError> {
    let mut origins = Origins::of(base_url)?;
    for declared in &provider.origins {
        origins = origins.with(&render_base_url(declared, settings))?;
    }
    Ok(origins)
}

/// The host of a request that names its own (GA4's Admin API), unless the connection was made
/// with `--base-url` (a sandbox or proxy then serves every host of the provider).
pub fn base_for<'a>(
    provider: &Provider,
    connection_base_url: &str,
    request: &'a crate::catalog::Request,
) -> Option<&'a str> {
    request
        .base_url
        .as_deref()
        .filter(|_| connection_base_url == provider.base_url)
}

/// Sends one request of a definition (the verify call) with a credential, no pagination.
pub async fn call_once(
    http: &Http,
    provider: &Provider,
    scheme: &AuthScheme,
    base_url: &str,
    settings: &BTreeMap<String, String>,
    secret: &SecretString,
    request: &crate::catalog::Request,
) -> Result<http::Response, HttpError> {
    let vars = Vars {
        settings,
        since: None,
        until: None,
    };
    let base_url = render_base_url(base_url, settings);
    let origins = origins_for(provider, &base_url, settings)?;
    let mut url = http::join(&base_url, &vars.render_path(&request.path))?;
    for (key, value) in &request.query {
        url.query_pairs_mut().append_pair(key, &vars.render(value));
    }
    let presentation = match scheme {
        AuthScheme::Bearer => Presentation::Bearer(secret),
        AuthScheme::Basic => Presentation::Basic(secret),
        AuthScheme::Header(header) => Presentation::Header(header, secret),
    };
    let credential = Credential::bound(presentation, &origins);
    let call = Call {
        post: request.method == crate::catalog::Method::Post,
        url,
        body: request.body.as_ref().map(|body| vars.render_json(body)),
        headers: provider
            .headers_for(&request.headers)
            .map(|(name, value)| (name.clone(), vars.render(value)))
            .collect(),
        credential,
    };
    let budget = Budget {
        max_response_bytes: provider.limits.max_response_bytes,
        ..Budget::default()
    };
    http.call(&call, budget).await
}

/// The cache's ledger as the limiter's shared budget: every process fetching from one account
/// books its requests there. A cache error becomes the limiter's reason to pace alone.
#[derive(Debug)]
pub(super) struct CacheBudget(pub(super) crate::store::Ledger);

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

impl http::SharedBudget for CacheBudget {
    fn last_reading(&self) -> Option<(u64, std::time::Duration)> {
        self.0.last_reading().ok().flatten()
    }

    fn book(&self, capacity: u64, window: std::time::Duration) -> Result<http::Admission, String> {
        match self.0.book(capacity, window, now_ms()) {
            Ok(crate::store::Booking::Granted(booking)) => Ok(http::Admission::Granted(booking)),
            Ok(crate::store::Booking::Wait(wait)) => Ok(http::Admission::Wait(wait)),
            Err(error) => Err(error.to_string()),
        }
    }

    fn settle(&self, booking: i64) {
        if let Err(error) = self.0.settle(booking, now_ms()) {
            tracing::warn!(%error, "could not settle a request in the shared budget");
        }
    }

    fn observe(
        &self,
        used: Option<u64>,
        capacity: Option<u64>,
        window: Option<std::time::Duration>,
    ) {
        if let Err(error) = self.0.observe(used, capacity, window, now_ms()) {
            tracing::warn!(%error, "could not record the provider's budget reading");
        }
    }

    fn pause(&self, wait: std::time::Duration) {
        let until = now_ms() + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2);
        if let Err(error) = self.0.pause(until) {
            tracing::warn!(%error, "could not share the provider's throttle");
        }
    }
}

/// The connection's budget: its definition's, shared through the cache with every process
/// fetching from the same account.
pub(super) fn shared_limiter(db: &std::path::Path, provider: &Provider, account: &str) -> Limiter {
    let limiter = limiter_for(provider);
    match crate::store::Ledger::open(db, format!("{}:{account}", provider.id)) {
        Ok(ledger) => limiter.with_shared(std::sync::Arc::new(CacheBudget(ledger))),
        Err(error) => {
            tracing::warn!(%error, "the shared request budget is unavailable; pacing this process alone");
            limiter
        }
    }
}
