//! HubSpot search seen from a client, checked against the same records read through the list
//! endpoint: filters and sorts, offset paging, the 10,000-result cap, the empty answer's exact
//! shape, headers and validation.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::super::dates::parse_iso_millis;
use super::{Running, assert_error, page_all, start_with};

/// What a search filters and sorts on, for one record.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    id: u64,
    created: u64,
    modified: u64,
}

fn row(record: &Value, modified: &str) -> Row {
    let number = |value: &Value| value.as_str().expect("string").parse::<u64>().expect("id");
    let date = |value: &Value| parse_iso_millis(value.as_str().expect("date")).expect("ISO date");
    Row {
        id: number(&record["id"]),
        created: date(&record["properties"]["createdate"]),
        modified: date(&record["properties"][modified]),
    }
}

/// Every record of an object, read with the list endpoint.
async fn truth(run: &Running, object: &str, modified: &str) -> Vec<Row> {
    let records = page_all(run, &format!("/crm/v3/objects/{object}"), None, 100).await;
    records.iter().map(|r| row(r, modified)).collect()
}

/// Pages through a search to its end: (total, records in order).
async fn search_all(run: &Running, object: &str, mut body: Value) -> (u64, Vec<Value>) {
    let limit = body["limit"].as_u64().unwrap_or(10).min(200);
    let mut records = Vec::new();
    let mut total = None;
    for _ in 0..200 {
        let (status, _, page) = run.search(object, &body).await;
        assert_eq!(status, 200, "{page}");
        let page_total = page["total"].as_u64().expect("total");
        assert_eq!(
            *total.get_or_insert(page_total),
            page_total,
            "total is stable"
        );
        let results = page["results"].as_array().expect("results");
        records.extend(results.iter().cloned());
        let Some(paging) = page.get("paging") else {
            assert_eq!(records.len() as u64, page_total);
            return (page_total, records);
        };
        assert_eq!(results.len() as u64, limit, "only the last page is short");
        let after = paging["next"]["after"].as_str().expect("after is a string");
        assert_eq!(after, records.len().to_string(), "after is an offset");
        assert_eq!(paging["next"].as_object().map(|o| o.len()), Some(1));
        body["after"] = json!(after);
    }
    panic!("search did not end");
}

fn ms(iso: &str) -> u64 {
    parse_iso_millis(iso).expect("ISO date")
}

#[tokio::test]
async fn search_filters_sorts_and_pages_like_hubspot() {
    let run = start_with(42, 20_000).await;
    let contacts = truth(&run, "contacts", "lastmodifieddate").await;
    assert_eq!(contacts.len(), 20_000);

    // A time window sorted by modification time, as an incremental sync asks.
    let (from, until) = (ms("2024-01-01"), ms("2024-04-01"));
    let (total, found) = search_all(
        &run,
        "contacts",
        json!({
            "filterGroups": [{"filters": [
                {"propertyName": "lastmodifieddate", "operator": "GTE", "value": from.to_string()},
                {"propertyName": "lastmodifieddate", "operator": "LT", "value": until.to_string()},
            ]}],
            "sorts": [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}],
            "limit": 200,
        }),
    )
    .await;
    let mut expected: Vec<Row> = contacts
        .iter()
        .filter(|r| r.modified >= from && r.modified < until)
        .cloned()
        .collect();
    expected.sort_by_key(|r| (r.modified, r.id));
    assert!(expected.len() > 500, "{}", expected.len());
    assert_eq!(total, expected.len() as u64);
    let rows: Vec<Row> = found.iter().map(|r| row(r, "lastmodifieddate")).collect();
    assert_eq!(rows, expected);

    // ORed groups, an ISO value, NEQ, and a descending id sort.
    let pivot = contacts[19_000].id;
    let excluded = contacts[19_500].id;
    let (total, found) = search_all(
        &run,
        "contacts",
        json!({
            "filterGroups": [
                {"filters": [{"propertyName": "createdate", "operator": "LT", "value": ms("2023-03-01")}]},
                {"filters": [
                    {"propertyName": "hs_object_id", "operator": "GTE", "value": pivot.to_string()},
                    {"propertyName": "hs_object_id", "operator": "NEQ", "value": excluded.to_string()},
                    {"propertyName": "lastmodifieddate", "operator": "GT", "value": "2025-06-01T00:00:00Z"},
                ]},
            ],
            "sorts": [{"propertyName": "hs_object_id", "direction": "DESCENDING"}],
            "limit": 100,
        }),
    )
    .await;
    let june = ms("2025-06-01");
    let mut expected: Vec<u64> = contacts
        .iter()
        .filter(|r| {
            r.created < ms("2023-03-01") || (r.id >= pivot && r.id != excluded && r.modified > june)
        })
        .map(|r| r.id)
        .collect();
    expected.reverse();
    assert_eq!(total, expected.len() as u64);
    assert_eq!(super::ids(&found), expected);

    // BETWEEN on creation, limit clamped to 200, a chosen property set.
    let (status, _, page) = run
        .search(
            "contacts",
            &json!({
                "filterGroups": [{"filters": [{
                    "propertyName": "createdate", "operator": "BETWEEN",
                    "value": ms("2024-01-01").to_string(), "highValue": ms("2025-01-01").to_string(),
                }]}],
                "properties": ["email"],
                "limit": 500,
            }),
        )
        .await;
    assert_eq!(status, 200);
    let expected = contacts
        .iter()
        .filter(|r| (ms("2024-01-01")..=ms("2025-01-01")).contains(&r.created))
        .count();
    assert_eq!(page["total"], expected as u64);
    let results = page["results"].as_array().expect("results");
    assert_eq!(results.len(), 200);
    assert_eq!(page["paging"]["next"]["after"], "200");
    let keys: BTreeSet<&str> = results[0]["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["createdate", "email", "hs_object_id", "lastmodifieddate"])
    );

    // No body at all: everything, ten at a time, in id order, in the list's record shape.
    let (status, _, page) = run.search("contacts", &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 20_000);
    assert_eq!(page["paging"], json!({"next": {"after": "10"}}));
    let (_, list) = run.get_json("/crm/v3/objects/contacts?limit=10").await;
    assert_eq!(page["results"], list["results"]);

    // Companies and deals filter on hs_lastmodifieddate.
    let deals = truth(&run, "deals", "hs_lastmodifieddate").await;
    let since = ms("2025-09-01");
    let (total, found) = search_all(
        &run,
        "deals",
        json!({
            "filterGroups": [{"filters": [
                {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": since.to_string()},
            ]}],
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "DESCENDING"}],
            "limit": 200,
        }),
    )
    .await;
    let mut expected: Vec<Row> = deals.into_iter().filter(|r| r.modified >= since).collect();
    expected.sort_by_key(|r| (u64::MAX - r.modified, r.id));
    assert_eq!(total, expected.len() as u64);
    let rows: Vec<Row> = found
        .iter()
        .map(|r| row(r, "hs_lastmodifieddate"))
        .collect();
    assert_eq!(rows, expected);
    run.stop().await;
}

#[tokio::test]
async fn search_stops_at_ten_thousand_results() {
    let run = start_with(42, 20_000).await;
    let everything = json!({"filterGroups": [{"filters": [
        {"propertyName": "createdate", "operator": "GTE", "value": "0"},
    ]}], "limit": 200});
    let mut body = everything.clone();
    let mut seen = 0;
    loop {
        let (status, _, page) = run.search("contacts", &body).await;
        assert_eq!(status, 200);
        assert_eq!(page["total"], 20_000);
        seen += page["results"].as_array().map_or(0, Vec::len);
        let after = page["paging"]["next"]["after"]
            .as_str()
            .expect("more results follow")
            .to_owned();
        body["after"] = json!(after);
        if after == "10000" {
            break;
        }
    }
    assert_eq!(seen, 10_000);
    // The cursor HubSpot hands out at the cap leads to a 400, which forces time slicing.
    for (after, limit) in [("10000", 200), ("9900", 200), ("9999", 2)] {
        body["after"] = json!(after);
        body["limit"] = json!(limit);
        let (status, headers, error) = run.search("contacts", &body).await;
        assert_eq!(status, 400, "after={after} limit={limit}");
        assert_error(&error, "VALIDATION_ERROR");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("limited to 10,000 results")),
            "{error}"
        );
        assert!(headers.get("x-hubspot-ratelimit-daily").is_some());
    }
    body["after"] = json!("9800");
    body["limit"] = json!(200);
    assert_eq!(run.search("contacts", &body).await.0, 200);
    run.stop().await;
}

#[tokio::test]
async fn empty_search_is_exactly_total_zero() {
    let run = start_with(42, 500).await;
    for filter in [
        json!({"propertyName": "createdate", "operator": "LT", "value": "0"}),
        json!({"propertyName": "lastmodifieddate", "operator": "GTE", "value": "2030-01-01T00:00:00Z"}),
        json!({"propertyName": "hs_object_id", "operator": "EQ", "value": "1"}),
    ] {
        let (status, _, body) = run
            .search(
                "contacts",
                &json!({"filterGroups": [{"filters": [filter]}]}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(body, json!({"total": 0, "results": []}));
    }
    // Past the last result is empty too, with the real total.
    let (_, _, body) = run.search("companies", &json!({"after": "60"})).await;
    assert_eq!(body, json!({"total": 50, "results": []}));
    run.stop().await;
}

#[tokio::test]
async fn search_sends_only_the_daily_headers() {
    let run = start_with(42, 100).await;
    let (status, headers, _) = run.search("deals", &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-hubspot-ratelimit-daily"], "250000");
    assert!(headers.get("x-hubspot-ratelimit-daily-remaining").is_some());
    for absent in [
        "x-hubspot-ratelimit-max",
        "x-hubspot-ratelimit-remaining",
        "x-hubspot-ratelimit-interval-milliseconds",
        "x-hubspot-ratelimit-secondly",
        "x-hubspot-ratelimit-secondly-remaining",
        "retry-after",
    ] {
        assert!(headers.get(absent).is_none(), "{absent}");
    }
    assert!(headers.get("x-hubspot-correlation-id").is_some());
    assert_eq!(headers["content-type"], "application/json;charset=utf-8");
    let list = run.get("/crm/v3/objects/deals").await;
    assert!(
        list.headers()
            .get("x-hubspot-ratelimit-remaining")
            .is_some()
    );
    run.stop().await;
}

#[tokio::test]
async fn search_paths_and_validation() {
    let run = start_with(42, 300).await;
    let post = |path: String, body: &'static str| {
        run.client
            .post(format!("{}{path}", run.base))
            .bearer_auth(&run.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    // The dated path and object type ids are aliases.
    for path in [
        "/crm/objects/2026-03/companies/search",
        "/crm/v3/objects/0-2/search",
    ] {
        let response = post(path.to_owned(), r#"{"limit":3}"#)
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["total"], 30);
    }
    for (path, status) in [
        ("/crm/v3/objects/tickets/search", 404),
        ("/crm/objects/26-03/contacts/search", 404),
    ] {
        let response = post(path.to_owned(), "{}").await.expect("request");
        assert_eq!(response.status().as_u16(), status, "{path}");
    }
    let filter = r#"{"propertyName":"createdate","operator":"GT","value":"1"}"#;
    let six_groups = format!(
        r#"{{"filterGroups":[{}]}}"#,
        vec![format!(r#"{{"filters":[{filter}]}}"#); 6].join(",")
    );
    for body in [
        "{not json".to_owned(),
        six_groups,
        r#"{"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":"a@b.c"}]}]}"#
            .to_owned(),
        r#"{"sorts":[{"propertyName":"createdate"},{"propertyName":"hs_object_id"}]}"#.to_owned(),
        r#"{"limit":-1}"#.to_owned(),
    ] {
        let response = run
            .client
            .post(format!("{}/crm/v3/objects/contacts/search", run.base))
            .bearer_auth(&run.token)
            .body(body.clone())
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 400, "{body}");
        let error: Value = response.json().await.expect("JSON");
        assert_error(&error, "VALIDATION_ERROR");
    }
    let get = run.get("/crm/v3/objects/contacts/search").await;
    assert_eq!(get.status().as_u16(), 405);
    assert_eq!(get.headers()["allow"], "POST");
    run.stop().await;
}
