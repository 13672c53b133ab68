//! Google Search Console: the sites list and `searchAnalytics.query` (clicks, impressions, ctr,
//! position by any of date, query and page; `rowLimit`/`startRow` paging, rows by clicks
//! descending, no `rows` when empty, `dataState` final or all), with Google's error JSON.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::data::{page_path, query_text, search_cell, search_sizes};
use super::{FIRST_DAY, RESTATED_DAYS, error, invalid, iso_day, json_response, parse_day, today};
use crate::Shared;

/// Where Search Console is mounted.
pub(crate) const PREFIX: &str = "/search-console";

/// Rows per page by default, and the most one page holds (PROVIDERS.md §5).
const DEFAULT_ROW_LIMIT: u64 = 1_000;
const MAX_ROW_LIMIT: u64 = 25_000;

/// The sites of the sandbox's user: (site URL, permission level, home page).
pub(crate) const SITES: [(&str, &str, &str); 3] = [
    ("sc-domain:example.com", "siteOwner", "https://example.com/"),
    (
        "https://www.example.com/",
        "siteFullUser",
        "https://www.example.com/",
    ),
    (
        "https://blog.example.com/",
        "siteUnverifiedUser",
        "https://blog.example.com/",
    ),
];

const LOAD_QUOTA: &str = "Search Analytics load quota exceeded. Please try again later, or \
                          reduce the number of page and query groupings in your requests.";

/// Everything the Search Console routes share.
pub(crate) struct SearchConsole {
    shared: Arc<Shared>,
    queries: u64,
    pages: u64,
}

impl SearchConsole {
    pub(crate) fn new(shared: Arc<Shared>, records: u64) -> SearchConsole {
        let (queries, pages) = search_sizes(records);
        SearchConsole {
            shared,
            queries,
            pages,
        }
    }
}

pub(crate) fn router(state: Arc<SearchConsole>) -> Router {
    Router::new()
        .route("/webmasters/v3/sites", get(sites))
        .route("/webmasters/v3/sites/{site}", get(site))
        .route(
            "/webmasters/v3/sites/{site}/searchAnalytics/query",
            post(query),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), gateway))
        .with_state(state)
}

async fn gateway(
    State(console): State<Arc<SearchConsole>>,
    request: Request,
    next: Next,
) -> Response {
    super::gateway(console.shared.clone(), request, next, exhausted).await
}

/// The quota error: 429 with Google's `errors[].reason = quotaExceeded`.
fn exhausted() -> Response {
    json_response(
        StatusCode::TOO_MANY_REQUESTS,
        &json!({ "error": {
            "code": 429,
            "message": LOAD_QUOTA,
            "errors": [{ "message": LOAD_QUOTA, "domain": "usageLimits", "reason": "quotaExceeded" }],
            "status": "RESOURCE_EXHAUSTED",
        }}),
    )
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "NOT_FOUND", "Not Found")
}

/// `GET /webmasters/v3/sites`.
async fn sites() -> Response {
    let entries: Vec<Value> = SITES
        .iter()
        .map(|(url, level, _)| json!({ "siteUrl": url, "permissionLevel": level }))
        .collect();
    json_response(StatusCode::OK, &json!({ "siteEntry": entries }))
}

/// `GET /webmasters/v3/sites/{siteUrl}`.
async fn site(Path(site): Path<String>) -> Response {
    match SITES.iter().find(|(url, _, _)| *url == site) {
        Some((url, level, _)) => json_response(
            StatusCode::OK,
            &json!({ "siteUrl": url, "permissionLevel": level }),
        ),
        None => forbidden(&site),
    }
}

fn number(body: &Value, field: &str, default: u64) -> Result<u64, Response> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(default),
        Some(value) => value
            .as_u64()
            .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
            .ok_or_else(|| invalid(&format!("Invalid value at '{field}'"))),
    }
}

/// `POST /webmasters/v3/sites/{siteUrl}/searchAnalytics/query`.
async fn query(
    State(console): State<Arc<SearchConsole>>,
    Path(site): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Some(index) = SITES.iter().position(|(url, _, _)| *url == site) else {
        return forbidden(&site);
    };
    if SITES[index].1 == "siteUnverifiedUser" {
        return forbidden(&site);
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return invalid("Invalid JSON payload received.");
    };
    match analytics(&console, index, &body) {
        Ok(response) | Err(response) => response,
    }
}

fn forbidden(site: &str) -> Response {
    let message = format!(
        "User does not have sufficient permission for site '{site}'. See also: \
         https://support.google.com/webmasters/answer/2451999."
    );
    json_response(
        StatusCode::FORBIDDEN,
        &json!({ "error": {
            "code": 403,
            "message": message,
            "errors": [{ "message": message, "domain": "global", "reason": "forbidden" }],
            "status": "PERMISSION_DENIED",
        }}),
    )
}

#[derive(Default)]
struct Totals {
    clicks: u64,
    impressions: u64,
    position_sum_milli: u64,
}

fn analytics(console: &SearchConsole, site: usize, body: &Value) -> Result<Response, Response> {
    let date = |field: &str| {
        let text = body.get(field).and_then(Value::as_str).unwrap_or_default();
        parse_day(text, false)
            .ok_or_else(|| invalid(&format!("Invalid {field}: `{text}`; dates are YYYY-MM-DD.")))
    };
    let (start, end) = (date("startDate")?, date("endDate")?);
    if start > end {
        return Err(invalid("startDate must not be after endDate."));
    }
    let dimensions: Vec<String> = match body.get("dimensions") {
        None => Vec::new(),
        Some(value) => value
            .as_array()
            .ok_or_else(|| invalid("Invalid value at 'dimensions'"))?
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| invalid("Invalid value at 'dimensions'"))?,
    };
    for dimension in &dimensions {
        if !matches!(dimension.as_str(), "date" | "query" | "page") {
            return Err(invalid(&format!(
                "The sandbox serves the date, query and page dimensions, not `{dimension}`."
            )));
        }
    }
    let row_limit = number(body, "rowLimit", DEFAULT_ROW_LIMIT)?;
    if row_limit == 0 || row_limit > MAX_ROW_LIMIT {
        return Err(invalid("rowLimit must be between 1 and 25000."));
    }
    let start_row = number(body, "startRow", 0)?;
    let kind = body
        .get("type")
        .or_else(|| body.get("searchType"))
        .and_then(Value::as_str)
        .unwrap_or("web");
    let fresh = match body.get("dataState").and_then(Value::as_str) {
        None | Some("final") => false,
        Some("all") => true,
        Some(other) => return Err(invalid(&format!("Invalid dataState `{other}`."))),
    };

    // Final data lags by the restatement window; `all` adds the fresh, still-changing days up
    // to yesterday.
    let today = today();
    let last = if fresh {
        today.saturating_sub(1)
    } else {
        today.saturating_sub(RESTATED_DAYS)
    };
    let tick = console.shared.churn.read().tick();
    let home = SITES[site].2;
    let mut groups: BTreeMap<Vec<String>, Totals> = BTreeMap::new();
    if kind == "web" {
        for day in start.max(FIRST_DAY)..=end.min(last) {
            for query in 0..console.queries {
                for page in 0..console.pages {
                    let Some(cell) =
                        search_cell(console.shared.seed, site, (day, query, page), today, tick)
                    else {
                        continue;
                    };
                    let key = dimensions
                        .iter()
                        .map(|dimension| match dimension.as_str() {
                            "date" => iso_day(day),
                            "query" => query_text(query),
                            _ => format!("{home}{}", page_path(page)),
                        })
                        .collect();
                    let totals = groups.entry(key).or_default();
                    totals.clicks += cell.clicks;
                    totals.impressions += cell.impressions;
                    totals.position_sum_milli += cell.position_sum_milli;
                }
            }
        }
    }
    let mut rows: Vec<(Vec<String>, Totals)> = groups.into_iter().collect();
    // By clicks, most first; ties in key order so pages never overlap.
    rows.sort_by(|(left_key, left), (right_key, right)| {
        right
            .clicks
            .cmp(&left.clicks)
            .then_with(|| left_key.cmp(right_key))
    });
    let page: Vec<Value> = rows
        .iter()
        .skip(usize::try_from(start_row).unwrap_or(usize::MAX))
        .take(usize::try_from(row_limit).unwrap_or(usize::MAX))
        .map(|(keys, totals)| {
            let impressions = totals.impressions.max(1) as f64;
            let mut row = json!({
                "clicks": totals.clicks,
                "impressions": totals.impressions,
                "ctr": totals.clicks as f64 / impressions,
                "position": totals.position_sum_milli as f64 / impressions / 1000.0,
            });
            if !keys.is_empty() {
                row["keys"] = json!(keys);
            }
            row
        })
        .collect();
    let aggregation = if dimensions.iter().any(|dimension| dimension == "page") {
        "byPage"
    } else {
        "byProperty"
    };
    let mut out = json!({ "responseAggregationType": aggregation });
    // The `rows` key is absent when there is no data.
    if !page.is_empty() {
        out["rows"] = json!(page);
    }
    Ok(json_response(StatusCode::OK, &out))
}
