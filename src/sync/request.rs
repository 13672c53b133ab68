//! One-off requests of a definition (the verify and revoke calls of `connect` and `disconnect`)
//! and the connection budget and throttle rules resolved from a definition.

use super::plan::{self, Vars};
use crate::catalog::{AuthScheme, Provider};
use crate::http::{self, Budget, Call, Credential, Http, HttpError, Limiter, ThrottleRule};
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

/// Renders a base URL template with a connection's settings.
pub fn render_base_url(template: &str, settings: &BTreeMap<String, String>) -> String {
    Vars {
        settings,
        since: None,
        until: None,
    }
    .render(template)
}

/// Sends one request of a definition (the verify call) with a credential, no pagination.
pub async fn call_once(
    http: &Http,
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
    let mut url = http::join(
        &render_base_url(base_url, settings),
        &vars.render(&request.path),
    )?;
    for (key, value) in &request.query {
        url.query_pairs_mut().append_pair(key, &vars.render(value));
    }
    let credential = match scheme {
        AuthScheme::Bearer => Credential::Bearer(secret),
        AuthScheme::Basic => Credential::Basic(secret),
        AuthScheme::Header(header) => Credential::Header(header, secret),
    };
    let call = Call {
        post: request.method == crate::catalog::Method::Post,
        url,
        body: request.body.as_ref().map(|body| vars.render_json(body)),
        headers: request
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), vars.render(value)))
            .collect(),
        credential,
    };
    http.call(&call, Budget::default()).await
}
