//! The Stripe emulation seen from a client: auth in both forms and the masked 401, full
//! pagination of every list, `created` filters, `ending_before`, validation errors, balance and
//! account, headers, determinism, and paging a large data set quickly.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Running, SandboxConfig, start, start_with, stripe_counts};

/// Pages through a list with `starting_after`, checking each page on the way.
async fn stripe_all(run: &Running, kind: &str, filter: &str) -> Vec<Value> {
    let mut objects: Vec<Value> = Vec::new();
    let mut cursor = String::new();
    for _ in 0..20_000 {
        let (status, page) = run
            .stripe_json(&format!("/v1/{kind}?limit=100{filter}{cursor}"))
            .await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["object"], "list");
        assert_eq!(page["url"], format!("/v1/{kind}"));
        let data = page["data"].as_array().expect("data");
        objects.extend(data.iter().cloned());
        if page["has_more"] != true {
            return objects;
        }
        assert_eq!(data.len(), 100, "a page with more after it is full");
        let last = data.last().and_then(|o| o["id"].as_str()).expect("last id");
        cursor = format!("&starting_after={last}");
    }
    panic!("{kind} did not end");
}

async fn stripe_text(run: &Running, path: &str) -> String {
    run.stripe_get(path).await.text().await.expect("body")
}

fn ids(objects: &[Value]) -> Vec<String> {
    objects
        .iter()
        .map(|o| o["id"].as_str().expect("id").to_owned())
        .collect()
}

fn created(object: &Value) -> u64 {
    object["created"].as_u64().expect("created")
}

#[tokio::test]
async fn bearer_and_basic_auth_and_masked_401s() {
    let run = start_with(42, 30).await;
    let url = format!("{}/v1/balance", run.stripe);
    let bearer = run
        .client
        .get(&url)
        .bearer_auth(&run.key)
        .send()
        .await
        .expect("request");
    assert_eq!(bearer.status().as_u16(), 200);
    for password in [None, Some("")] {
        let basic = run
            .client
            .get(&url)
            .basic_auth(&run.key, password)
            .send()
            .await
            .expect("request");
        assert_eq!(basic.status().as_u16(), 200);
    }

    let missing = run.client.get(&url).send().await.expect("request");
    assert_eq!(missing.status().as_u16(), 401);
    let body: Value = missing.json().await.expect("JSON");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("You did not provide an API key."))
    );

    let wrong_test = format!("{}0", &run.key[..run.key.len() - 1]);
    let wrong_test = if wrong_test == run.key {
        format!("{}1", &run.key[..run.key.len() - 1])
    } else {
        wrong_test
    };
    for (request, shown) in [
        (
            run.client.get(&url).bearer_auth(&wrong_test),
            "sk_test_****",
        ),
        (
            run.client
                .get(&url)
                .basic_auth(concat!("sk_", "live_51Hsecretsecret"), Some("")),
            concat!("sk_", "live_****"),
        ),
        (run.client.get(&url).bearer_auth("hunter2"), "****"),
        (run.client.get(&url).bearer_auth(&run.token), "****"),
    ] {
        let response = request.send().await.expect("request");
        assert_eq!(response.status().as_u16(), 401);
        assert_eq!(response.headers()["content-type"], "application/json");
        assert!(response.headers().get("request-id").is_some());
        let text = response.text().await.expect("body");
        for secret in [
            wrong_test.as_str(),
            "51Hsecretsecret",
            "hunter2",
            &run.token[9..],
        ] {
            assert!(!text.contains(secret), "key echoed: {text}");
        }
        let body: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(
            body,
            json!({"error": {
                "message": format!("Invalid API Key provided: {shown}"),
                "type": "invalid_request_error",
            }})
        );
    }
    // HubSpot's token is no key for Stripe, and Stripe's key is no token for HubSpot.
    let crossed = run
        .client
        .get(format!("{}/crm/v3/objects/contacts", run.base))
        .bearer_auth(&run.key)
        .send()
        .await
        .expect("request");
    assert_eq!(crossed.status().as_u16(), 401);
    run.stop().await;
}

#[tokio::test]
async fn every_list_pages_fully_newest_first() {
    let run = start_with(42, 1_000).await;
    for expected in stripe_counts(1_000) {
        let objects = stripe_all(&run, &expected.stream, "").await;
        assert_eq!(
            objects.len() as u64,
            expected.records,
            "{}",
            expected.stream
        );
        let ids = ids(&objects);
        let distinct: HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len(), "no duplicates");
        assert!(
            objects.windows(2).all(|w| created(&w[0]) >= created(&w[1])),
            "newest first"
        );
        let (prefix, object) = match expected.stream.as_str() {
            "customers" => ("cus_", "customer"),
            "charges" => ("ch_", "charge"),
            _ => ("in_", "invoice"),
        };
        for item in &objects {
            let id = item["id"].as_str().expect("id");
            let body = id.strip_prefix(prefix).expect("prefix");
            assert!(
                (14..=24).contains(&body.len()) && body.bytes().all(|b| b.is_ascii_alphanumeric())
            );
            assert_eq!(item["object"], object);
            assert_eq!(item["livemode"], false);
            assert!(created(item) < 1_775_001_600, "before 2026-04-01");
        }
    }
    assert_eq!(
        stripe_counts(1_000)
            .iter()
            .map(|c| (c.stream.as_str(), c.records))
            .collect::<Vec<_>>(),
        [
            ("customers", 1_000),
            ("charges", 2_000),
            ("invoices", 1_000)
        ]
    );
    run.stop().await;
}

#[tokio::test]
async fn objects_have_stripes_shapes() {
    let run = start_with(42, 200).await;
    let (_, customers) = run.stripe_json("/v1/customers?limit=100").await;
    let customer_ids: HashSet<&str> = customers["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    for customer in customers["data"].as_array().expect("data") {
        for field in [
            "email",
            "name",
            "currency",
            "created",
            "metadata",
            "delinquent",
        ] {
            assert!(customer.get(field).is_some(), "customer.{field}");
        }
        assert!(customer["email"].as_str().is_some_and(|e| e.contains('@')));
        assert_eq!(customer["metadata"], json!({}));
        assert!(customer["description"].is_null() || customer["description"].is_string());
    }
    let charges = stripe_all(&run, "charges", "").await;
    let mut statuses = HashSet::new();
    for charge in &charges {
        let amount = charge["amount"].as_u64().expect("amount in cents");
        let refunded = charge["amount_refunded"].as_u64().expect("refunded");
        assert!(refunded <= amount);
        assert_eq!(charge["refunded"], refunded == amount && amount > 0);
        let status = charge["status"].as_str().expect("status");
        assert!(["succeeded", "failed", "pending"].contains(&status));
        assert_eq!(charge["paid"], status == "succeeded");
        assert!(
            charge["customer"]
                .as_str()
                .is_some_and(|c| c.starts_with("cus_"))
        );
        assert!(
            charge.get("invoice").is_none(),
            "removed in 2025-03-31.basil"
        );
        statuses.insert(status.to_owned());
    }
    assert!(statuses.contains("succeeded") && statuses.contains("failed"));
    let invoices = stripe_all(&run, "invoices", "").await;
    let mut statuses = HashSet::new();
    for invoice in &invoices {
        let status = invoice["status"].as_str().expect("status");
        assert!(["draft", "open", "paid", "uncollectible", "void"].contains(&status));
        let due = invoice["amount_due"].as_u64().expect("due");
        let paid = invoice["amount_paid"].as_u64().expect("paid");
        assert_eq!(invoice["amount_remaining"].as_u64(), Some(due - paid));
        assert_eq!(invoice["number"].is_null(), status == "draft");
        for field in [
            "due_date",
            "period_start",
            "period_end",
            "currency",
            "customer",
        ] {
            assert!(invoice.get(field).is_some(), "invoice.{field}");
        }
        assert!(invoice.get("paid").is_none(), "removed in 2025-03-31.basil");
        statuses.insert(status.to_owned());
    }
    assert!(statuses.len() >= 4, "{statuses:?}");
    // Retrieval returns the listed object; the first customers are referenced by charges.
    let first = &charges[0];
    let (status, again) = run
        .stripe_json(&format!(
            "/v1/charges/{}",
            first["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(&again, first);
    assert!(
        charges
            .iter()
            .any(|c| customer_ids.contains(c["customer"].as_str().unwrap_or("")))
    );
    let (status, missing) = run.stripe_json("/v1/customers/cus_NffrFeUfNV2Hib").await;
    assert_eq!(status, 404);
    assert_eq!(missing["error"]["code"], "resource_missing");
    assert_eq!(
        missing["error"]["message"],
        "No such customer: 'cus_NffrFeUfNV2Hib'"
    );
    run.stop().await;
}

#[tokio::test]
async fn created_filters_select_by_creation_time() {
    let run = start_with(42, 600).await;
    let all = stripe_all(&run, "invoices", "").await;
    let pivot = created(&all[250]);
    let low = created(&all[400]);
    type Keep = Box<dyn Fn(u64) -> bool>;
    let cases: [(String, Keep); 6] = [
        (
            format!("&created[gte]={pivot}"),
            Box::new(move |c| c >= pivot),
        ),
        (
            format!("&created[gt]={pivot}"),
            Box::new(move |c| c > pivot),
        ),
        (
            format!("&created%5Blte%5D={pivot}"),
            Box::new(move |c| c <= pivot),
        ),
        (
            format!("&created[lt]={pivot}"),
            Box::new(move |c| c < pivot),
        ),
        (format!("&created={pivot}"), Box::new(move |c| c == pivot)),
        (
            format!("&created[gte]={low}&created[lt]={pivot}"),
            Box::new(move |c| c >= low && c < pivot),
        ),
    ];
    for (filter, keep) in cases {
        let found = stripe_all(&run, "invoices", &filter).await;
        let expected: Vec<&Value> = all.iter().filter(|o| keep(created(o))).collect();
        assert!(!expected.is_empty(), "{filter}");
        assert_eq!(
            ids(&found),
            ids(&expected.into_iter().cloned().collect::<Vec<_>>()),
            "{filter}"
        );
    }
    let (_, none) = run
        .stripe_json("/v1/invoices?created[gte]=9999999999")
        .await;
    assert_eq!(
        none,
        json!({"object": "list", "data": [], "has_more": false, "url": "/v1/invoices"})
    );
    run.stop().await;
}

#[tokio::test]
async fn ending_before_pages_backwards() {
    let run = start_with(42, 500).await;
    let (_, first) = run.stripe_json("/v1/customers?limit=50").await;
    let last = first["data"][49]["id"].as_str().expect("id").to_owned();
    let (_, second) = run
        .stripe_json(&format!("/v1/customers?limit=50&starting_after={last}"))
        .await;
    let top = second["data"][0]["id"].as_str().expect("id").to_owned();
    let (status, back) = run
        .stripe_json(&format!("/v1/customers?limit=50&ending_before={top}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        back["data"], first["data"],
        "the page before is the first page"
    );
    assert_eq!(back["has_more"], false, "nothing newer than the first page");
    let (_, partial) = run
        .stripe_json(&format!("/v1/customers?limit=10&ending_before={top}"))
        .await;
    assert_eq!(partial["data"].as_array().map(Vec::len), Some(10));
    assert_eq!(partial["data"][9]["id"].as_str(), Some(last.as_str()));
    assert_eq!(partial["has_more"], true);
    run.stop().await;
}

#[tokio::test]
async fn bad_parameters_and_paths_get_stripes_400s_and_404s() {
    let run = start_with(42, 50).await;
    for (query, param, code) in [
        ("limit=0", "limit", None),
        ("limit=101", "limit", None),
        ("limit=abc", "limit", Some("parameter_invalid_integer")),
        (
            "starting_after=cus_doesnotexist00",
            "starting_after",
            Some("resource_missing"),
        ),
        (
            "ending_before=ch_123",
            "ending_before",
            Some("resource_missing"),
        ),
        (
            "created[gte]=soon",
            "created[gte]",
            Some("parameter_invalid_integer"),
        ),
        ("colour=blue", "colour", Some("parameter_unknown")),
        ("email=a@example.com", "email", Some("parameter_unknown")),
    ] {
        let response = run.stripe_get(&format!("/v1/customers?{query}")).await;
        assert_eq!(response.status().as_u16(), 400, "{query}");
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["error"]["type"], "invalid_request_error", "{query}");
        assert_eq!(body["error"]["param"], param, "{query}");
        assert_eq!(body["error"]["code"].as_str(), code, "{query}");
        assert!(body["error"]["message"].is_string());
    }
    let (status, body) = run
        .stripe_json("/v1/customers?starting_after=cus_doesnotexist00")
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["message"],
        "No such customer: 'cus_doesnotexist00'"
    );
    let (_, first) = run.stripe_json("/v1/customers?limit=2").await;
    let id = first["data"][0]["id"].as_str().expect("id");
    let (status, body) = run
        .stripe_json(&format!(
            "/v1/customers?starting_after={id}&ending_before={id}"
        ))
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("only specify one"))
    );
    // A customer id is no cursor for charges.
    let (status, body) = run
        .stripe_json(&format!("/v1/charges?starting_after={id}"))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "resource_missing");

    for path in [
        "/v1/nothing",
        "/v2/customers",
        "/v1/customers/cus_x/extra",
        "",
    ] {
        let response = run.stripe_get(path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "{path}"
        );
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["error"]["type"], "invalid_request_error");
        let message = body["error"]["message"].as_str().expect("message");
        assert!(
            message.starts_with(&format!(
                "Unrecognized request URL (GET: {})",
                if path.is_empty() { "/" } else { path }
            )),
            "{message}"
        );
    }
    let posted = run
        .client
        .post(format!("{}/v1/customers", run.stripe))
        .bearer_auth(&run.key)
        .send()
        .await
        .expect("request");
    assert_eq!(posted.status().as_u16(), 405);
    run.stop().await;
}

#[tokio::test]
async fn balance_account_and_headers() {
    let run = start_with(42, 10).await;
    let response = run.stripe_get("/v1/balance").await;
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["stripe-version"], "2025-03-31.basil");
    let request_id = headers["request-id"].to_str().expect("ascii");
    let suffix = request_id.strip_prefix("req_").expect("req_ prefix");
    assert!(suffix.len() == 14 && suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
    let balance: Value = response.json().await.expect("JSON");
    assert_eq!(balance["object"], "balance");
    assert_eq!(balance["livemode"], false);
    for side in ["available", "pending"] {
        let funds = &balance[side][0];
        assert_eq!(funds["currency"], "usd");
        assert!(funds["amount"].is_u64());
        assert_eq!(funds["source_types"]["card"], funds["amount"]);
    }
    let (status, account) = run.stripe_json("/v1/account").await;
    assert_eq!(status, 200);
    assert!(
        account["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("acct_"))
    );
    assert_eq!(account["object"], "account");
    assert!(account["business_profile"]["name"].is_string());
    assert_eq!(account["country"], "US");
    assert_eq!(account["default_currency"], "usd");
    assert!(account["email"].is_string());
    let other = run.stripe_get("/v1/balance").await;
    assert_ne!(other.headers()["request-id"], headers["request-id"]);
    run.stop().await;
}

#[tokio::test]
async fn same_seed_same_bytes_other_seed_other_data() {
    let first = start_with(42, 300).await;
    let second = start_with(42, 300).await;
    let other = start_with(43, 300).await;
    for path in [
        "/v1/customers?limit=100",
        "/v1/charges?limit=100",
        "/v1/invoices?limit=100",
        "/v1/account",
        "/v1/balance",
    ] {
        let a = stripe_text(&first, path).await;
        assert_eq!(a, stripe_text(&second, path).await, "{path}");
        assert_ne!(a, stripe_text(&other, path).await, "{path}");
    }
    assert_ne!(first.key, other.key);
    for run in [first, second, other] {
        run.stop().await;
    }
}

/// Just what paging needs from a list page: parsing only this keeps the client cheap.
#[derive(serde::Deserialize)]
struct Page {
    data: Vec<Item>,
    has_more: bool,
}

#[derive(serde::Deserialize)]
struct Item {
    id: String,
    created: u64,
}

#[tokio::test]
async fn large_data_set_pages_through_quickly() {
    let run = start(SandboxConfig {
        records: 100_000,
        ..SandboxConfig::default()
    })
    .await;
    let began = Instant::now();
    let mut seen = HashSet::new();
    let mut newest_first = true;
    let mut previous = u64::MAX;
    let mut cursor = String::new();
    loop {
        let response = run
            .stripe_get(&format!("/v1/customers?limit=100{cursor}"))
            .await;
        assert_eq!(response.status().as_u16(), 200);
        let page: Page = response.json().await.expect("a list page");
        for item in &page.data {
            newest_first &= item.created < previous;
            previous = item.created;
            assert!(seen.insert(item.id.clone()), "{} twice", item.id);
        }
        if !page.has_more {
            break;
        }
        let last = page
            .data
            .last()
            .map(|item| item.id.as_str())
            .expect("a full page");
        cursor = format!("&starting_after={last}");
    }
    let elapsed = began.elapsed();
    assert_eq!(seen.len(), 100_000);
    assert!(newest_first);
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
    run.stop().await;
}
