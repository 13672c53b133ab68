//! Rate limits seen from a client: HubSpot's 10-second burst (shortened with `rate_window`) and
//! its separate search limit, Stripe's per-second limit, recovery once the window passes, and
//! nothing refused when enforcement is off.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Running, SandboxConfig, start};

async fn start_limited(window: Option<Duration>) -> Running {
    start(SandboxConfig {
        rate_limit: true,
        rate_window: window,
        records: 50,
        ..SandboxConfig::default()
    })
    .await
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn hubspot_burst_limit_refuses_the_101st_request_and_recovers() {
    let window = Duration::from_secs(2);
    let run = start_limited(Some(window)).await;
    for sent in 1..=100_u64 {
        let response = run.get("/crm/v3/objects/contacts?limit=1").await;
        assert_eq!(response.status().as_u16(), 200, "request {sent}");
        assert_eq!(
            header(&response, "x-hubspot-ratelimit-remaining"),
            Some((100 - sent).to_string())
        );
        assert_eq!(
            header(&response, "x-hubspot-ratelimit-interval-milliseconds").as_deref(),
            Some("2000")
        );
    }
    let refused = run.get("/account-info/v3/details").await;
    assert_eq!(refused.status().as_u16(), 429);
    assert_eq!(
        header(&refused, "x-hubspot-ratelimit-remaining").as_deref(),
        Some("0")
    );
    let retry_after: u64 = header(&refused, "retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let correlation = header(&refused, "x-hubspot-correlation-id");
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(
        body,
        json!({
            "status": "error",
            "message": "You have reached your ten_secondly_rolling limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": correlation,
            "policyName": "TEN_SECONDLY_ROLLING",
        })
    );
    // Searches are counted apart from the burst.
    let (status, _, _) = run.search("contacts", &json!({})).await;
    assert_eq!(status, 200);
    // A refused request is not counted, so waiting out the window is enough.
    tokio::time::sleep(window + Duration::from_millis(100)).await;
    let response = run.get("/crm/v3/objects/contacts?limit=1").await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        header(&response, "x-hubspot-ratelimit-remaining").as_deref(),
        Some("99")
    );
    let stats = run.stats().await;
    assert_eq!(stats["rate_limited"], 1);
    assert_eq!(stats["by_status"]["429"], 1);
    run.stop().await;
}

#[tokio::test]
async fn hubspot_search_limit_refuses_the_sixth_search_in_a_second() {
    let run = start_limited(None).await;
    let body = json!({"limit": 1});
    for sent in 1..=5 {
        let (status, _, _) = run.search("deals", &body).await;
        assert_eq!(status, 200, "search {sent}");
    }
    let (status, headers, refused) = run.search("deals", &body).await;
    assert_eq!(status, 429);
    assert!(
        headers.get("retry-after").is_none(),
        "HubSpot sends none here"
    );
    assert_eq!(
        refused
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(
            ["status", "message", "correlationId", "category"]
                .map(str::to_owned)
                .to_vec()
        )
    );
    assert_eq!(refused["message"], "You have reached your secondly limit.");
    assert_eq!(refused["category"], "RATE_LIMITS");
    assert!(headers.get("x-hubspot-ratelimit-daily").is_some());
    assert!(headers.get("x-hubspot-ratelimit-remaining").is_none());
    // Lists are still served: the buckets are separate.
    assert_eq!(
        run.get("/crm/v3/objects/deals").await.status().as_u16(),
        200
    );
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (status, _, _) = run.search("deals", &body).await;
    assert_eq!(status, 200);
    run.stop().await;
}

#[tokio::test]
async fn stripe_limit_refuses_past_25_in_the_window() {
    let window = Duration::from_secs(2);
    let run = start_limited(Some(window)).await;
    for sent in 1..=25 {
        let response = run.stripe_get("/v1/customers?limit=1").await;
        assert_eq!(response.status().as_u16(), 200, "request {sent}");
    }
    let refused = run.stripe_get("/v1/balance").await;
    assert_eq!(refused.status().as_u16(), 429);
    assert_eq!(
        header(&refused, "stripe-should-retry").as_deref(),
        Some("true")
    );
    assert!(header(&refused, "request-id").is_some_and(|id| id.starts_with("req_")));
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "rate_limit");
    assert!(body["error"]["message"].is_string());
    // HubSpot has its own limits.
    assert_eq!(
        run.get("/crm/v3/objects/deals").await.status().as_u16(),
        200
    );
    tokio::time::sleep(window + Duration::from_millis(100)).await;
    assert_eq!(run.stripe_get("/v1/balance").await.status().as_u16(), 200);
    run.stop().await;
}

#[tokio::test]
async fn limits_are_only_reported_when_not_enforced() {
    let run = start(SandboxConfig {
        records: 20,
        ..SandboxConfig::default()
    })
    .await;
    for _ in 0..120 {
        assert_eq!(
            run.get("/crm/v3/objects/contacts").await.status().as_u16(),
            200
        );
    }
    let response = run.get("/crm/v3/objects/contacts").await;
    assert_eq!(
        header(&response, "x-hubspot-ratelimit-remaining").as_deref(),
        Some("0")
    );
    for _ in 0..10 {
        let (status, _, _) = run.search("contacts", &json!({})).await;
        assert_eq!(status, 200);
    }
    for _ in 0..40 {
        assert_eq!(run.stripe_get("/v1/charges").await.status().as_u16(), 200);
    }
    assert_eq!(run.stats().await["rate_limited"], 0);
    run.stop().await;
}
