//! The paging lab: one small endpoint per pagination style a provider definition can
//! describe (next URL + done flag, offset with a total, short page, page number, RFC 8288
//! `Link` header), plus two that misbehave (an endless cursor, a page that repeats). Tests and
//! provider authors point definitions at it to prove a paginator against real HTTP.
//!
//! Every endpoint takes `count` (how many items exist) and needs any `Bearer` token.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

/// The lab's URL prefix.
pub(super) const PREFIX: &str = "/lab";

/// The lab's routes; `origin` is the sandbox's own `http://ADDR`, for absolute `Link` URLs.
pub(super) fn router(origin: String) -> Router {
    Router::new()
        .route("/whoami", get(whoami))
        .route("/next-url", get(next_url))
        .route("/offset", get(offset))
        .route("/pages", get(pages))
        .route("/link", get(link))
        .route("/endless", get(endless))
        .route("/repeat", get(repeat))
        .with_state(origin)
}

type Params = Query<HashMap<String, String>>;

fn authorized(headers: &HeaderMap) -> Result<(), Response> {
    let ok = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .is_some_and(|token| !token.trim().is_empty());
    if ok {
        Ok(())
    } else {
        Err((
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"message": "a Bearer token is required"})),
        )
            .into_response())
    }
}

fn number(params: &HashMap<String, String>, name: &str, default: u64) -> Result<u64, Response> {
    match params.get(name) {
        None => Ok(default),
        Some(text) => text.parse().map_err(|_| {
            (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"message": format!("`{name}` must be a number")})),
            )
                .into_response()
        }),
    }
}

/// Item `index`: a stable id, a name, and an update time.
fn item(index: u64) -> Value {
    json!({
        "id": format!("item-{index:06}"),
        "name": format!("Item {index}"),
        "updated": format!("2026-01-01T00:00:{:02}.000Z", index % 60),
    })
}

fn items(start: u64, end: u64) -> Vec<Value> {
    (start..end).map(item).collect()
}

async fn whoami(headers: HeaderMap) -> Response {
    if let Err(response) = authorized(&headers) {
        return response;
    }
    axum::Json(json!({"id": "lab", "name": "Paging lab"})).into_response()
}

/// Salesforce style: `records`, `done`, and `nextRecordsUrl` as a path on the same host.
async fn next_url(headers: HeaderMap, Query(params): Params) -> Response {
    let run = || -> Result<Response, Response> {
        authorized(&headers)?;
        let count = number(&params, "count", 0)?;
        let size = number(&params, "size", 10)?.max(1);
        let page = number(&params, "page", 0)?;
        let start = (page * size).min(count);
        let end = (start + size).min(count);
        let done = end >= count;
        let mut body = json!({"totalSize": count, "done": done, "records": items(start, end)});
        if !done {
            body["nextRecordsUrl"] = json!(format!(
                "{PREFIX}/next-url?count={count}&size={size}&page={}",
                page + 1
            ));
        }
        Ok(axum::Json(body).into_response())
    };
    run().unwrap_or_else(|response| response)
}

/// GA4 / Search Console style: `offset` + `limit`, with `rowCount` unless `total=false`
/// (then the client must stop on a short page).
async fn offset(headers: HeaderMap, Query(params): Params) -> Response {
    let run = || -> Result<Response, Response> {
        authorized(&headers)?;
        let count = number(&params, "count", 0)?;
        let offset = number(&params, "offset", 0)?.min(count);
        let limit = number(&params, "limit", 10)?.max(1);
        let end = (offset + limit).min(count);
        let mut body = json!({"rows": items(offset, end)});
        if params.get("total").is_none_or(|total| total != "false") {
            body["rowCount"] = json!(count);
        }
        Ok(axum::Json(body).into_response())
    };
    run().unwrap_or_else(|response| response)
}

/// Page numbers from 1, with `total_pages`.
async fn pages(headers: HeaderMap, Query(params): Params) -> Response {
    let run = || -> Result<Response, Response> {
        authorized(&headers)?;
        let count = number(&params, "count", 0)?;
        let per_page = number(&params, "per_page", 10)?.max(1);
        let page = number(&params, "page", 1)?.max(1);
        let start = ((page - 1) * per_page).min(count);
        let end = (start + per_page).min(count);
        Ok(axum::Json(json!({"items": items(start, end), "page": page, "total_pages": count.div_ceil(per_page)}))
            .into_response())
    };
    run().unwrap_or_else(|response| response)
}

/// Shopify REST style: a bare array body and `Link: <…>; rel="next"` with an opaque cursor.
async fn link(State(origin): State<String>, headers: HeaderMap, Query(params): Params) -> Response {
    let run = || -> Result<Response, Response> {
        authorized(&headers)?;
        let count = number(&params, "count", 0)?;
        let limit = number(&params, "limit", 10)?.max(1);
        let start = match params.get("page_info") {
            None => 0,
            Some(info) => info
                .strip_prefix("c")
                .and_then(|rest| u64::from_str_radix(rest, 16).ok())
                .ok_or_else(|| {
                    (
                        StatusCode::BAD_REQUEST,
                        axum::Json(json!({"errors": "invalid page_info"})),
                    )
                        .into_response()
                })?,
        }
        .min(count);
        let end = (start + limit).min(count);
        let mut response = axum::Json(Value::Array(items(start, end))).into_response();
        if end < count {
            let next = format!(
                "<{origin}{PREFIX}/link?count={count}&limit={limit}&page_info=c{end:x}>; rel=\"next\""
            );
            let previous =
                format!("<{origin}{PREFIX}/link?count={count}&limit={limit}>; rel=\"previous\"");
            if let Ok(value) = HeaderValue::from_str(&format!("{previous}, {next}")) {
                response.headers_mut().insert(header::LINK, value);
            }
        }
        Ok(response)
    };
    run().unwrap_or_else(|response| response)
}

/// Misbehaves: always the same cursor, so a client that trusts it never ends.
async fn endless(headers: HeaderMap, Query(params): Params) -> Response {
    if let Err(response) = authorized(&headers) {
        return response;
    }
    let page = params.get("cursor").map_or(0, |cursor| cursor.len() as u64);
    axum::Json(json!({"items": items(page, page + 2), "next": "forever"})).into_response()
}

/// Misbehaves: a fresh cursor every time, but always the same records.
async fn repeat(headers: HeaderMap, Query(params): Params) -> Response {
    if let Err(response) = authorized(&headers) {
        return response;
    }
    let next = params
        .get("cursor")
        .map_or(1, |cursor| cursor.parse::<u64>().unwrap_or(0) + 1);
    axum::Json(json!({"items": items(0, 3), "next": next.to_string()})).into_response()
}
