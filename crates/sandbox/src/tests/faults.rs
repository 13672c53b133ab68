//! Fault injection seen from a client: each kind at rate 1 on both providers, nothing at rate 0,
//! and the sandbox's own endpoints never faulted.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Faults, Running, SandboxConfig, assert_error, start};

async fn start_faulty(spec: &str) -> Running {
    start(SandboxConfig {
        faults: Faults::parse(spec).expect("valid fault spec"),
        records: 50,
        ..SandboxConfig::default()
    })
    .await
}

#[tokio::test]
async fn rate_limited_fault_answers_each_providers_429() {
    let run = start_faulty("429:100%").await;
    let response = run.get("/crm/v3/objects/contacts").await;
    assert_eq!(response.status().as_u16(), 429);
    let headers = response.headers().clone();
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(headers["x-hubspot-ratelimit-remaining"], "0");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(
        body.as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(
            [
                "status",
                "message",
                "errorType",
                "correlationId",
                "policyName"
            ]
            .map(str::to_owned)
            .to_vec()
        )
    );
    assert_eq!(
        body["message"],
        "You have reached your ten_secondly_rolling limit."
    );
    assert_eq!(body["errorType"], "RATE_LIMIT");
    assert_eq!(body["policyName"], "TEN_SECONDLY_ROLLING");
    assert_eq!(
        headers["x-hubspot-correlation-id"].to_str().ok(),
        body["correlationId"].as_str()
    );

    let response = run.stripe_get("/v1/customers").await;
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["stripe-should-retry"], "true");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "rate_limit");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Too many requests"))
    );

    let stats = run.stats().await;
    assert_eq!(stats["faults_injected"]["429"], 2);
    assert_eq!(stats["by_status"]["429"], 2);
    assert_eq!(stats["rate_limited"], 0, "injected, not enforced");
    run.stop().await;
}

#[tokio::test]
async fn server_error_fault_varies_the_5xx() {
    let run = start_faulty("500:100%").await;
    let mut statuses = std::collections::BTreeSet::new();
    for _ in 0..30 {
        let (status, body) = run.get_json("/crm/v3/objects/deals").await;
        assert!([500, 502, 503].contains(&status), "{status}");
        assert_error(&body, "INTERNAL_ERROR");
        assert_eq!(body["message"], "internal error");
        statuses.insert(status);
    }
    assert_eq!(statuses.len(), 3, "{statuses:?}");
    let (status, body) = run.stripe_json("/v1/balance").await;
    assert!([500, 502, 503].contains(&status), "{status}");
    assert_eq!(body["error"]["type"], "api_error");
    // Authentication comes first: a request without credentials is never faulted.
    let unauthenticated = run
        .client
        .get(format!("{}/crm/v3/objects/deals", run.base))
        .send()
        .await
        .expect("request");
    assert_eq!(unauthenticated.status().as_u16(), 401);
    // Nor are the sandbox's own endpoints.
    assert_eq!(run.tick().await["tick"], 1);
    assert_eq!(run.stats().await["faults_injected"]["500"], 31);
    run.stop().await;
}

#[tokio::test]
async fn reset_fault_breaks_the_connection_mid_response() {
    let run = start_faulty("reset:100%").await;
    for _ in 0..3 {
        let hubspot = run
            .client
            .get(format!("{}/crm/v3/objects/contacts?limit=100", run.base))
            .bearer_auth(&run.token)
            .send()
            .await;
        let failed = match hubspot {
            Err(_) => true,
            Ok(response) => response.text().await.is_err(),
        };
        assert!(failed, "the client must see a broken response");
        let stripe = run
            .client
            .get(format!("{}/v1/charges?limit=100", run.stripe))
            .bearer_auth(&run.key)
            .send()
            .await;
        let failed = match stripe {
            Err(_) => true,
            Ok(response) => response.text().await.is_err(),
        };
        assert!(failed, "the client must see a broken response");
    }
    // The server itself is fine: the admin endpoints still answer on new connections.
    assert_eq!(run.stats().await["faults_injected"]["reset"], 6);
    run.stop().await;
}

#[tokio::test]
async fn slow_fault_delays_the_answer() {
    let run = start_faulty("slow:100%").await;
    let began = Instant::now();
    let (status, body) = run.get_json("/crm/v3/objects/companies").await;
    assert_eq!(status, 200);
    assert!(body["results"].is_array());
    assert!(began.elapsed() >= Duration::from_millis(1_500));
    let began = Instant::now();
    let (status, _) = run.stripe_json("/v1/account").await;
    assert_eq!(status, 200);
    assert!(began.elapsed() >= Duration::from_millis(1_500));
    run.stop().await;
}

#[tokio::test]
async fn malformed_fault_truncates_the_json() {
    let run = start_faulty("malformed:100%").await;
    let clean = super::start_with(42, 50).await;
    for path in [
        "/crm/v3/objects/contacts?limit=5",
        "/account-info/v3/details",
    ] {
        let response = run.get(path).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/json;charset=utf-8"
        );
        let text = response.text().await.expect("a complete (if short) body");
        assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
        let real = clean.get_text(path).await.replace(&clean.base, &run.base);
        assert!(!text.is_empty() && real.starts_with(&text) && text.len() < real.len());
    }
    let response = run.stripe_get("/v1/invoices?limit=3").await;
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.expect("body");
    assert!(text.starts_with("{\"object\":\"list\""));
    assert!(serde_json::from_str::<Value>(&text).is_err());
    run.stop().await;
    clean.stop().await;
}

#[tokio::test]
async fn zero_rates_inject_nothing() {
    let run = start_faulty("429:0%,500:0%,reset:0%,slow:0%,malformed:0").await;
    for _ in 0..40 {
        let (status, body) = run.get_json("/crm/v3/objects/contacts").await;
        assert_eq!(status, 200);
        assert!(body["results"].is_array());
        let (status, body) = run.stripe_json("/v1/customers").await;
        assert_eq!(status, 200);
        assert_eq!(body["object"], "list");
    }
    let stats = run.stats().await;
    assert_eq!(stats["requests"], 80);
    assert_eq!(stats["by_status"], serde_json::json!({"200": 80}));
    for kind in ["429", "500", "reset", "slow", "malformed"] {
        assert_eq!(stats["faults_injected"][kind], 0, "{kind}");
    }
    run.stop().await;
}

/// (status, body is valid JSON) for a run of list requests.
async fn outcomes(run: &Running) -> Vec<(u16, bool)> {
    let mut seen = Vec::new();
    for _ in 0..60 {
        let response = run.get("/crm/v3/objects/deals?limit=2").await;
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        seen.push((status, serde_json::from_str::<Value>(&text).is_ok()));
    }
    seen
}

#[tokio::test]
async fn mixed_faults_follow_the_seed() {
    let spec = "429:20%,500:20%,malformed:20%";
    let first = start_faulty(spec).await;
    let second = start_faulty(spec).await;
    let a = outcomes(&first).await;
    assert_eq!(
        a,
        outcomes(&second).await,
        "same seed, same faults in order"
    );
    assert!(a.iter().any(|(status, _)| *status == 429));
    assert!(a.iter().any(|(status, _)| *status >= 500));
    assert!(a.iter().any(|(status, valid)| *status == 200 && !valid));
    assert!(a.iter().any(|(status, valid)| *status == 200 && *valid));
    first.stop().await;
    second.stop().await;
}
