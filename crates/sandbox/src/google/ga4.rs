//! Google Analytics 4: the Data API's `runReport` (daily traffic by date and by default channel
//! group, `offset`/`limit` paging over `rowCount`, string metric values, `YYYYMMDD` dates, no
//! `rows` when empty, the property quota with `returnPropertyQuota` and `429
//! RESOURCE_EXHAUSTED` past it) and the Admin API calls a client makes at connect
//! (`accountSummaries`, `properties/{id}`). Both APIs are served under one prefix.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::data::{CHANNELS, Traffic, channel_day};
use super::{FIRST_DAY, compact_day, error, invalid, json_response, parse_day, today};
use crate::Shared;
use crate::rng::SplitMix64;

/// Where GA4 (Data and Admin APIs) is mounted.
pub(crate) const PREFIX: &str = "/ga4";

/// The Core quota of a standard property (PROVIDERS.md §3.5).
const TOKENS_PER_DAY: u64 = 200_000;
const TOKENS_PER_HOUR: u64 = 40_000;
const TOKENS_PER_PROJECT_PER_HOUR: u64 = 14_000;
const CONCURRENT_REQUESTS: u64 = 10;
const SERVER_ERRORS_PER_HOUR: u64 = 10;
const THRESHOLDED_PER_HOUR: u64 = 120;

/// Rows per page when the request names no limit, and the most one page holds.
const DEFAULT_LIMIT: u64 = 10_000;
const MAX_LIMIT: u64 = 250_000;

const EXHAUSTED: &str = "Exhausted property tokens per hour for a project per property. These \
                         quota tokens will return in under an hour. To learn more, see \
                         https://developers.google.com/analytics/devguides/reporting/data/v1/quotas";

/// The metrics the emulation serves, with their GA4 types.
const METRICS: [(&str, &str); 6] = [
    ("sessions", "TYPE_INTEGER"),
    ("totalUsers", "TYPE_INTEGER"),
    ("newUsers", "TYPE_INTEGER"),
    ("keyEvents", "TYPE_INTEGER"),
    ("engagedSessions", "TYPE_INTEGER"),
    ("engagementRate", "TYPE_FLOAT"),
];

const DIMENSIONS: [&str; 2] = ["date", "sessionDefaultChannelGroup"];

/// Token accounting for the property quota: the tokens each request cost, in a rolling hour
/// (the window `--rate-window` overrides) and a rolling day.
#[derive(Debug)]
pub(crate) struct Quota {
    /// The per-project, per-property hourly allowance (the smallest hourly bucket).
    hourly_limit: AtomicU64,
    /// Refuse past the allowance (set by `--rate-limit` or by `POST /_sandbox/ga4/quota`).
    enforce: AtomicBool,
    spent: Mutex<VecDeque<(Instant, u64)>>,
    spent_today: AtomicU64,
}

impl Quota {
    pub(crate) fn new(enforce: bool) -> Quota {
        Quota {
            hourly_limit: AtomicU64::new(TOKENS_PER_PROJECT_PER_HOUR),
            enforce: AtomicBool::new(enforce),
            spent: Mutex::new(VecDeque::new()),
            spent_today: AtomicU64::new(0),
        }
    }

    /// Tokens spent within the last `window`.
    fn used(&self, window: Duration) -> u64 {
        let mut spent = self.spent.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        while spent
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) >= window)
        {
            spent.pop_front();
        }
        spent.iter().map(|(_, tokens)| tokens).sum()
    }

    fn charge(&self, tokens: u64) {
        self.spent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back((Instant::now(), tokens));
        self.spent_today.fetch_add(tokens, Ordering::Relaxed);
    }

    /// What `returnPropertyQuota` reports.
    fn status(&self, window: Duration) -> Value {
        let hour = self.used(window);
        let day = self.spent_today.load(Ordering::Relaxed);
        let limit = self.hourly_limit.load(Ordering::Relaxed);
        let bucket = |consumed: u64, allowed: u64| json!({ "consumed": consumed, "remaining": allowed.saturating_sub(consumed) });
        json!({
            "tokensPerDay": bucket(day, TOKENS_PER_DAY),
            "tokensPerHour": bucket(hour, TOKENS_PER_HOUR.max(limit)),
            "concurrentRequests": bucket(0, CONCURRENT_REQUESTS),
            "serverErrorsPerProjectPerHour": bucket(0, SERVER_ERRORS_PER_HOUR),
            "potentiallyThresholdedRequestsPerHour": bucket(0, THRESHOLDED_PER_HOUR),
            "tokensPerProjectPerHour": bucket(hour, limit),
        })
    }
}

/// A property of the sandbox's account summaries.
#[derive(Debug, Clone)]
struct Property {
    id: String,
    name: String,
    account: usize,
}

const ACCOUNTS: [&str; 2] = ["Acme Holdings", "Globex Retail"];
const PROPERTY_NAMES: [(&str, usize); 3] =
    [("Acme web", 0), ("Acme app", 0), ("Globex storefront", 1)];

/// Everything the GA4 routes share.
pub(crate) struct Ga4 {
    shared: Arc<Shared>,
    records: u64,
    properties: Vec<Property>,
    accounts: Vec<String>,
}

impl Ga4 {
    pub(crate) fn new(shared: Arc<Shared>, records: u64) -> Ga4 {
        let (accounts, properties) = catalog(shared.seed);
        Ga4 {
            shared,
            records,
            properties,
            accounts,
        }
    }
}

/// The account ids and properties for a seed.
fn catalog(seed: u64) -> (Vec<String>, Vec<Property>) {
    let mut rng = SplitMix64::new(seed ^ 0x6761_3470_726f_7000);
    let accounts = ACCOUNTS
        .iter()
        .map(|_| (10_000_000 + rng.below(90_000_000)).to_string())
        .collect();
    let properties = PROPERTY_NAMES
        .iter()
        .map(|(name, account)| Property {
            id: (300_000_000 + rng.below(600_000_000)).to_string(),
            name: (*name).to_owned(),
            account: *account,
        })
        .collect();
    (accounts, properties)
}

/// The property ids the sandbox serves for a seed, in account-summary order.
pub fn ga4_properties(seed: u64) -> Vec<String> {
    catalog(seed)
        .1
        .into_iter()
        .map(|property| property.id)
        .collect()
}

pub(crate) fn router(state: Arc<Ga4>) -> Router {
    Router::new()
        .route("/v1beta/accountSummaries", get(account_summaries))
        .route(
            "/v1beta/properties/{property}",
            get(property).post(run_report),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), gateway))
        .with_state(state)
}

async fn gateway(State(ga4): State<Arc<Ga4>>, request: Request, next: Next) -> Response {
    super::gateway(ga4.shared.clone(), request, next, exhausted).await
}

fn exhausted() -> Response {
    error(
        StatusCode::TOO_MANY_REQUESTS,
        "RESOURCE_EXHAUSTED",
        EXHAUSTED,
    )
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "Requested entity was not found.",
    )
}

/// `GET /v1beta/accountSummaries?pageSize=&pageToken=`: one summary per account, each listing
/// its properties; paged by account with `nextPageToken`.
async fn account_summaries(
    State(ga4): State<Arc<Ga4>>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Response {
    let size: usize = match params.get("pageSize").map(|text| text.parse::<usize>()) {
        None => 50,
        Some(Ok(size)) => size.clamp(1, 200),
        Some(Err(_)) => return invalid("Invalid value at 'page_size' (TYPE_INT32)"),
    };
    let start: usize = match params.get("pageToken").map(|text| text.parse::<usize>()) {
        None => 0,
        Some(Ok(start)) if start < ga4.accounts.len() => start,
        Some(_) => return invalid("Invalid page token."),
    };
    let end = (start + size).min(ga4.accounts.len());
    let summaries: Vec<Value> = (start..end)
        .map(|index| {
            let account = &ga4.accounts[index];
            let properties: Vec<Value> = ga4
                .properties
                .iter()
                .filter(|property| property.account == index)
                .map(|property| {
                    json!({
                        "property": format!("properties/{}", property.id),
                        "displayName": property.name,
                        "propertyType": "PROPERTY_TYPE_ORDINARY",
                        "parent": format!("accounts/{account}"),
                    })
                })
                .collect();
            json!({
                "name": format!("accountSummaries/{account}"),
                "account": format!("accounts/{account}"),
                "displayName": ACCOUNTS[index],
                "propertySummaries": properties,
            })
        })
        .collect();
    let mut body = json!({ "accountSummaries": summaries });
    if end < ga4.accounts.len() {
        body["nextPageToken"] = json!(end.to_string());
    }
    json_response(StatusCode::OK, &body)
}

fn find<'a>(ga4: &'a Ga4, id: &str) -> Option<(usize, &'a Property)> {
    ga4.properties
        .iter()
        .enumerate()
        .find(|(_, property)| property.id == id)
}

fn denied() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "PERMISSION_DENIED",
        "User does not have sufficient permissions for this property. To learn more about \
         Property ID, see https://developers.google.com/analytics/devguides/reporting/data/v1/property-id.",
    )
}

/// `GET /v1beta/properties/{id}` (Admin API).
async fn property(State(ga4): State<Arc<Ga4>>, Path(id): Path<String>) -> Response {
    let Some((_, property)) = find(&ga4, &id) else {
        return denied();
    };
    json_response(
        StatusCode::OK,
        &json!({
            "name": format!("properties/{}", property.id),
            "propertyType": "PROPERTY_TYPE_ORDINARY",
            "parent": format!("accounts/{}", ga4.accounts[property.account]),
            "displayName": property.name,
            "industryCategory": "BUSINESS_AND_INDUSTRIAL_MARKETS",
            "timeZone": "America/Los_Angeles",
            "currencyCode": "USD",
            "serviceLevel": "GOOGLE_ANALYTICS_STANDARD",
            "account": format!("accounts/{}", ga4.accounts[property.account]),
        }),
    )
}

/// An int64 field, which Google's JSON writes as a string and also accepts as a number.
fn int64(body: &Value, field: &str) -> Result<Option<u64>, Response> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number
            .as_u64()
            .map(Some)
            .ok_or_else(|| invalid(&format!("{field} must be a non-negative integer"))),
        Some(Value::String(text)) => text.parse().map(Some).map_err(|_| {
            invalid(&format!(
                "Invalid value at '{field}' (TYPE_INT64), \"{text}\""
            ))
        }),
        Some(_) => Err(invalid(&format!("Invalid value at '{field}' (TYPE_INT64)"))),
    }
}

fn names(body: &Value, field: &str) -> Result<Vec<String>, Response> {
    let Some(items) = body.get(field) else {
        return Ok(Vec::new());
    };
    items
        .as_array()
        .ok_or_else(|| invalid(&format!("Invalid value at '{field}'")))?
        .iter()
        .map(|item| {
            item.get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| invalid(&format!("Each of '{field}' needs a name")))
        })
        .collect()
}

/// `POST /v1beta/properties/{id}:runReport`.
async fn run_report(
    State(ga4): State<Arc<Ga4>>,
    Path(segment): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Some(id) = segment.strip_suffix(":runReport") else {
        return not_found().await;
    };
    if !id.bytes().all(|byte| byte.is_ascii_digit()) || id.is_empty() {
        return invalid(&format!(
            "Property properties/{id} is not a valid property id."
        ));
    }
    let Some((index, _)) = find(&ga4, id) else {
        return denied();
    };
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return invalid("Invalid JSON payload received.");
    };
    match report(&ga4, index, &body) {
        Ok(response) => response,
        Err(response) => response,
    }
}

fn report(ga4: &Ga4, property: usize, body: &Value) -> Result<Response, Response> {
    let dimensions = names(body, "dimensions")?;
    let metrics = names(body, "metrics")?;
    for name in &dimensions {
        if !DIMENSIONS.contains(&name.as_str()) {
            return Err(invalid(&format!(
                "Field {name} is not a valid dimension. For a list of valid dimensions and \
                 metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema "
            )));
        }
    }
    if metrics.is_empty() {
        return Err(invalid("At least one metric is required."));
    }
    let mut headers = Vec::new();
    for name in &metrics {
        let Some((_, kind)) = METRICS.iter().find(|(metric, _)| metric == name) else {
            return Err(invalid(&format!(
                "Field {name} is not a valid metric. For a list of valid dimensions and \
                 metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema "
            )));
        };
        headers.push(json!({ "name": name, "type": kind }));
    }
    let ranges = body
        .get("dateRanges")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("A dateRange is required."))?;
    let [range] = ranges.as_slice() else {
        return Err(invalid(
            "The sandbox serves reports with exactly one dateRange.",
        ));
    };
    let day = |field: &str| {
        let text = range.get(field).and_then(Value::as_str).unwrap_or_default();
        parse_day(text, true).ok_or_else(|| {
            invalid(&format!(
                "Invalid {field}: `{text}`. Dates are YYYY-MM-DD, today, yesterday or NdaysAgo."
            ))
        })
    };
    let (start, end) = (day("startDate")?, day("endDate")?);
    if start > end {
        return Err(invalid("The dateRange's startDate is after its endDate."));
    }
    let offset = int64(body, "offset")?.unwrap_or(0);
    let limit = match int64(body, "limit")? {
        None | Some(0) => DEFAULT_LIMIT,
        Some(limit) => limit.min(MAX_LIMIT),
    };

    // Group the (day, channel) cells by the requested dimensions, in their order.
    let today = today();
    let tick = ga4.shared.churn.read().tick();
    let seed = ga4.shared.seed ^ (property as u64) << 48;
    let mut groups: BTreeMap<Vec<String>, Traffic> = BTreeMap::new();
    for day in start.max(FIRST_DAY)..=end.min(today) {
        for (channel, name) in CHANNELS.iter().enumerate() {
            let Some(traffic) = channel_day(seed, ga4.records, day, channel, today, tick) else {
                continue;
            };
            let key = dimensions
                .iter()
                .map(|dimension| match dimension.as_str() {
                    "date" => compact_day(day),
                    _ => (*name).to_owned(),
                })
                .collect();
            groups.entry(key).or_default().add(traffic);
        }
    }
    let row_count = groups.len() as u64;
    let rows: Vec<Value> = groups
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|(key, traffic)| {
            let values: Vec<Value> = metrics
                .iter()
                .map(|metric| {
                    let value = match metric.as_str() {
                        "sessions" => traffic.sessions.to_string(),
                        "totalUsers" => traffic.total_users.to_string(),
                        "newUsers" => traffic.new_users.to_string(),
                        "keyEvents" => traffic.key_events.to_string(),
                        "engagedSessions" => traffic.engaged_sessions.to_string(),
                        _ => traffic.engagement_rate().to_string(),
                    };
                    json!({ "value": value })
                })
                .collect();
            let dimension_values: Vec<Value> =
                key.iter().map(|value| json!({ "value": value })).collect();
            json!({ "dimensionValues": dimension_values, "metricValues": values })
        })
        .collect();

    // Charge the quota: a few tokens, more for bigger answers.
    let tokens = (1 + rows.len() as u64 / 100).min(10);
    let quota = &ga4.shared.ga4_quota;
    let window = ga4.shared.window(Duration::from_secs(3_600));
    let enforce = quota.enforce.load(Ordering::Relaxed) || ga4.shared.rate_limit;
    if enforce && quota.used(window) + tokens > quota.hourly_limit.load(Ordering::Relaxed) {
        ga4.shared.stats.rate_limited();
        return Err(exhausted());
    }
    quota.charge(tokens);

    let mut out = Map::new();
    let dimension_headers: Vec<Value> = dimensions
        .iter()
        .map(|name| json!({ "name": name }))
        .collect();
    out.insert("dimensionHeaders".into(), json!(dimension_headers));
    out.insert("metricHeaders".into(), json!(headers));
    // GA4 leaves `rows` and `rowCount` out of an empty report.
    if !rows.is_empty() {
        out.insert("rows".into(), json!(rows));
    }
    if row_count > 0 {
        out.insert("rowCount".into(), json!(row_count));
    }
    out.insert(
        "metadata".into(),
        json!({ "currencyCode": "USD", "timeZone": "America/Los_Angeles" }),
    );
    if body.get("returnPropertyQuota").and_then(Value::as_bool) == Some(true) {
        out.insert("propertyQuota".into(), quota.status(window));
    }
    out.insert("kind".into(), json!("analyticsData#runReport"));
    Ok(json_response(StatusCode::OK, &Value::Object(out)))
}

/// `GET /_sandbox/ga4/quota`: the property quota as `returnPropertyQuota` reports it.
pub(crate) async fn quota_status(State(shared): State<Arc<Shared>>) -> Response {
    let window = shared.window(Duration::from_secs(3_600));
    json_response(StatusCode::OK, &shared.ga4_quota.status(window))
}

/// `POST /_sandbox/ga4/quota?tokens_per_hour=N`: sets the hourly allowance per project and
/// property, and enforces it (for tests of quota handling).
pub(crate) async fn set_quota(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Response {
    let Some(tokens) = params
        .get("tokens_per_hour")
        .and_then(|text| text.parse::<u64>().ok())
    else {
        return invalid("tokens_per_hour must be a whole number");
    };
    shared
        .ga4_quota
        .hourly_limit
        .store(tokens, Ordering::Relaxed);
    shared.ga4_quota.enforce.store(true, Ordering::Relaxed);
    quota_status(State(shared)).await
}
