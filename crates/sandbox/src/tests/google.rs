//! GA4 and Search Console over HTTP: report shapes, paging, restatement, quota and errors.

use serde_json::{Value, json};

use super::*;
use crate::google::{RESTATED_DAYS, compact_day, iso_day, today};

impl Running {
    async fn google(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.origin);
        let token = google_token(42);
        let request = if method == "POST" {
            self.client.post(url).json(body.unwrap_or(&json!({})))
        } else {
            self.client.get(url)
        };
        let response = request
            .bearer_auth(token)
            .send()
            .await
            .expect("request reaches the sandbox");
        let status = response.status().as_u16();
        (status, response.json().await.expect("Google answers JSON"))
    }

    async fn run_report(&self, body: &Value) -> (u16, Value) {
        let property = &ga4_properties(42)[0];
        self.google(
            "POST",
            &format!("/ga4/v1beta/properties/{property}:runReport"),
            Some(body),
        )
        .await
    }
}

fn traffic(days: u64, by_channel: bool, extra: &Value) -> Value {
    let mut dimensions = vec![json!({"name": "date"})];
    if by_channel {
        dimensions.push(json!({"name": "sessionDefaultChannelGroup"}));
    }
    let mut body = json!({
        "dateRanges": [{"startDate": format!("{}daysAgo", days - 1), "endDate": "today"}],
        "dimensions": dimensions,
        "metrics": [{"name": "sessions"}, {"name": "totalUsers"}, {"name": "newUsers"},
                    {"name": "keyEvents"}, {"name": "engagementRate"}],
    });
    if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
        body.extend(extra.clone());
    }
    body
}

#[tokio::test]
async fn ga4_reports_days_as_strings_and_pages_over_row_count() {
    let run = start_with(42, 250).await;
    let (status, body) = run.run_report(&traffic(10, false, &json!({}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rowCount"], 10);
    let rows = body["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 10);
    assert_eq!(
        rows[0]["dimensionValues"][0]["value"],
        compact_day(today() - 9)
    );
    assert_eq!(rows[9]["dimensionValues"][0]["value"], compact_day(today()));
    assert!(rows[0]["metricValues"][0]["value"].is_string());
    assert_eq!(body["metricHeaders"][4]["type"], "TYPE_FLOAT");
    assert_eq!(body["metricHeaders"][0]["type"], "TYPE_INTEGER");

    // By channel: more rows; paged with offset/limit (as strings) they add up to rowCount.
    let (_, all) = run.run_report(&traffic(10, true, &json!({}))).await;
    let total = all["rowCount"].as_u64().unwrap_or(0);
    assert!(total > 50, "{total}");
    let mut seen = Vec::new();
    let mut offset = 0;
    while offset < total {
        let (status, page) = run
            .run_report(&traffic(
                10,
                true,
                &json!({"limit": "17", "offset": offset.to_string()}),
            ))
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            page["rowCount"].as_u64(),
            Some(total),
            "rowCount ignores paging"
        );
        let rows = page["rows"].as_array().expect("rows").clone();
        assert!(rows.len() <= 17);
        offset += rows.len() as u64;
        seen.extend(rows);
    }
    assert_eq!(seen, all["rows"].as_array().cloned().unwrap_or_default());

    // Nothing in the future: no `rows`, no `rowCount`.
    let future = json!({
        "dateRanges": [{"startDate": iso_day(today() + 5), "endDate": iso_day(today() + 9)}],
        "dimensions": [{"name": "date"}], "metrics": [{"name": "sessions"}],
    });
    let (status, empty) = run.run_report(&future).await;
    assert_eq!(status, 200);
    assert!(
        empty.get("rows").is_none() && empty.get("rowCount").is_none(),
        "{empty}"
    );
    run.stop().await;
}

#[tokio::test]
async fn ga4_restates_only_the_last_days_at_a_tick() {
    let run = start_with(42, 250).await;
    let (_, before) = run.run_report(&traffic(10, false, &json!({}))).await;
    run.tick().await;
    let (_, after) = run.run_report(&traffic(10, false, &json!({}))).await;
    let rows = |body: &Value| body["rows"].as_array().cloned().unwrap_or_default();
    let (before, after) = (rows(&before), rows(&after));
    let restated = RESTATED_DAYS as usize;
    assert_eq!(before[..10 - restated], after[..10 - restated]);
    for index in 10 - restated..10 {
        assert_ne!(before[index], after[index], "day {index} restates");
    }
    run.stop().await;
}

#[tokio::test]
async fn ga4_errors_and_quota() {
    let run = start_with(42, 250).await;
    let (status, body) = run
        .run_report(
            &json!({"dateRanges": [{"startDate": "today", "endDate": "today"}],
                             "metrics": [{"name": "conversions"}]}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["status"].as_str()),
        (400, Some("INVALID_ARGUMENT"))
    );
    let (status, body) = run
        .google(
            "POST",
            "/ga4/v1beta/properties/123:runReport",
            Some(&traffic(3, false, &json!({}))),
        )
        .await;
    assert_eq!(
        (status, body["error"]["status"].as_str()),
        (403, Some("PERMISSION_DENIED"))
    );
    let unauthorized = run
        .client
        .get(format!("{}/ga4/v1beta/accountSummaries", run.origin))
        .bearer_auth("ya29.wrong")
        .send()
        .await
        .expect("request reaches the sandbox");
    assert_eq!(unauthorized.status().as_u16(), 401);

    // The quota is reported when asked for, and enforced once set.
    let quota = json!({"returnPropertyQuota": true});
    let (_, body) = run.run_report(&traffic(3, false, &quota)).await;
    let consumed = body["propertyQuota"]["tokensPerProjectPerHour"]["consumed"]
        .as_u64()
        .unwrap_or(0);
    assert!(consumed >= 1, "{body}");
    let set = run
        .client
        .post(format!(
            "{}/_sandbox/ga4/quota?tokens_per_hour={}",
            run.origin,
            consumed + 1
        ))
        .send()
        .await
        .expect("request reaches the sandbox");
    assert_eq!(set.status().as_u16(), 200);
    let (status, body) = run.run_report(&traffic(3, false, &quota)).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["propertyQuota"]["tokensPerProjectPerHour"]["remaining"],
        0
    );
    let (status, body) = run.run_report(&traffic(3, false, &quota)).await;
    assert_eq!(
        (status, body["error"]["status"].as_str()),
        (429, Some("RESOURCE_EXHAUSTED"))
    );
    run.stop().await;
}

#[tokio::test]
async fn ga4_lists_properties_by_account() {
    let run = start_with(42, 250).await;
    let (status, body) = run
        .google("GET", "/ga4/v1beta/accountSummaries", None)
        .await;
    assert_eq!(status, 200);
    let properties: Vec<String> = body["accountSummaries"]
        .as_array()
        .expect("summaries")
        .iter()
        .flat_map(|summary| {
            summary["propertySummaries"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|property| property["property"].as_str().unwrap_or_default().to_owned())
        .collect();
    let expected: Vec<String> = ga4_properties(42)
        .iter()
        .map(|id| format!("properties/{id}"))
        .collect();
    assert_eq!(properties, expected);
    let (_, first) = run
        .google("GET", "/ga4/v1beta/accountSummaries?pageSize=1", None)
        .await;
    assert_eq!(first["nextPageToken"], "1");
    let (status, property) = run
        .google(
            "GET",
            &format!("/ga4/v1beta/properties/{}", ga4_properties(42)[0]),
            None,
        )
        .await;
    assert_eq!(
        (status, property["displayName"].as_str()),
        (200, Some("Acme web"))
    );
    run.stop().await;
}

#[tokio::test]
async fn search_console_pages_until_a_short_page_and_restates() {
    let run = start_with(42, 250).await;
    let (status, sites) = run
        .google("GET", "/search-console/webmasters/v3/sites", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(sites["siteEntry"][0]["siteUrl"], "sc-domain:example.com");
    let path = "/search-console/webmasters/v3/sites/sc-domain%3Aexample.com/searchAnalytics/query";
    let query = |start_row: u64, limit: u64| {
        json!({
            "startDate": iso_day(today() - 9), "endDate": iso_day(today()),
            "dimensions": ["date", "query"], "dataState": "all",
            "rowLimit": limit, "startRow": start_row,
        })
    };
    let (status, all) = run.google("POST", path, Some(&query(0, 25_000))).await;
    assert_eq!(status, 200, "{all}");
    let all = all["rows"].as_array().cloned().unwrap_or_default();
    assert!(all.len() > 60, "{}", all.len());
    let clicks: Vec<u64> = all
        .iter()
        .map(|row| row["clicks"].as_u64().unwrap_or(0))
        .collect();
    assert!(
        clicks.windows(2).all(|pair| pair[0] >= pair[1]),
        "by clicks, most first"
    );
    let mut paged = Vec::new();
    let mut start = 0;
    loop {
        let (_, page) = run.google("POST", path, Some(&query(start, 40))).await;
        let rows = page["rows"].as_array().cloned().unwrap_or_default();
        start += 40;
        let short = rows.len() < 40;
        paged.extend(rows);
        if short {
            break;
        }
    }
    assert_eq!(paged, all);
    // Yesterday is the newest day of fresh data; final data stops before the restated days.
    let newest = all
        .iter()
        .filter_map(|row| row["keys"][0].as_str())
        .max()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(newest, iso_day(today() - 1));
    run.tick().await;
    let (_, after) = run.google("POST", path, Some(&query(0, 25_000))).await;
    let changed = |day: &str| {
        let pick = |rows: &[Value]| -> Vec<Value> {
            let mut picked: Vec<Value> = rows
                .iter()
                .filter(|row| row["keys"][0] == day)
                .cloned()
                .collect();
            picked.sort_by_key(|row| row["keys"][1].as_str().unwrap_or_default().to_owned());
            picked
        };
        pick(&all) != pick(after["rows"].as_array().map_or(&[][..], Vec::as_slice))
    };
    assert!(changed(&iso_day(today() - 1)));
    assert!(!changed(&iso_day(today() - 5)));
    let mut final_only = query(0, 25_000);
    final_only["dataState"] = json!("final");
    let (_, finals) = run.google("POST", path, Some(&final_only)).await;
    assert!(finals["rows"].as_array().is_some_and(|rows| {
        rows.iter()
            .all(|row| row["keys"][0].as_str() <= Some(iso_day(today() - RESTATED_DAYS).as_str()))
    }));
    let (status, denied) = run
        .google(
            "POST",
            "/search-console/webmasters/v3/sites/https%3A%2F%2Fblog.example.com%2F/searchAnalytics/query",
            Some(&query(0, 10)),
        )
        .await;
    assert_eq!(
        (status, denied["error"]["status"].as_str()),
        (403, Some("PERMISSION_DENIED"))
    );
    run.stop().await;
}
