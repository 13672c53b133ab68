//! The HubSpot CRM emulation's HTTP surface: bearer-token auth, HubSpot's error bodies and
//! rate-limit headers and limits, account info, cursor-paginated object listing and search.

mod data;
mod reference;
mod search;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, RawQuery, Request, State};
use axum::http::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde::ser::SerializeMap;

use super::dates::iso_millis;
use super::faults::{self, Fault};
use super::limits::{Admission, RollingWindow, retry_after_secs};
use super::rng::{SplitMix64, uuid_like};
use super::{Shared, StreamCount};
use data::{Counts, Object, Record};

/// Where the HubSpot emulation is mounted in the sandbox's router.
pub(crate) const PREFIX: &str = "/hubspot";

/// HubSpot caps a list page at 100 records and clamps larger requests.
const MAX_LIMIT: u64 = 100;
const DEFAULT_LIMIT: u64 = 10;

/// Limits of a privately distributed app on a Free/Starter portal (PROVIDERS.md §1.6, and the
/// recorded headers): 100 requests per rolling 10 seconds, 250,000 a day. The secondly figure is
/// only reported, as HubSpot's headers do; the burst limit is what `rate_limit` enforces.
const DAILY_LIMIT: u64 = 250_000;
const INTERVAL_LIMIT: u64 = 100;
const INTERVAL: Duration = Duration::from_secs(10);
const SECONDLY_LIMIT: u64 = 10;
/// Search endpoints: 5 requests per second per account, counted apart from the burst limit
/// (PROVIDERS.md §1.6; older docs say 4).
const SEARCH_LIMIT: u64 = 5;
const SECOND: Duration = Duration::from_secs(1);

/// The 10-second 429 (PROVIDERS.md §1.6, documented shape).
const BURST_MESSAGE: &str = "You have reached your ten_secondly_rolling limit.";
/// The search 429, as recorded from real traffic: no `Retry-After`, no policy name.
const SEARCH_LIMIT_MESSAGE: &str = "You have reached your secondly limit.";
/// `Retry-After` of an injected 429: the window is not really full, so the shortest wait.
const FAULT_RETRY_AFTER_SECS: u64 = 1;
/// The body of an injected 5xx. [UNVERIFIED] HubSpot's exact wording.
const SERVER_ERROR_MESSAGE: &str = "internal error";
const SERVER_ERROR_CATEGORY: &str = "INTERNAL_ERROR";

const AUTH_MESSAGE: &str = "Authentication credentials not found. This API supports OAuth 2.0 \
                            authentication and you can find more details at \
                            https://developers.hubspot.com/docs/methods/auth/oauth-overview";

/// HubSpot's JSON responses say their charset explicitly; clients see exactly this.
const JSON_UTF8: &str = "application/json;charset=utf-8";

const H_DAILY: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-daily");
const H_DAILY_REMAINING: HeaderName =
    HeaderName::from_static("x-hubspot-ratelimit-daily-remaining");
const H_INTERVAL_MS: HeaderName =
    HeaderName::from_static("x-hubspot-ratelimit-interval-milliseconds");
const H_MAX: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-max");
const H_REMAINING: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-remaining");
const H_SECONDLY: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-secondly");
const H_SECONDLY_REMAINING: HeaderName =
    HeaderName::from_static("x-hubspot-ratelimit-secondly-remaining");
const H_CORRELATION: HeaderName = HeaderName::from_static("x-hubspot-correlation-id");

/// The token the sandbox accepts for a seed: `pat-sbx1-` and 32 hex digits. The prefix is
/// deliberately not a real HubSpot region, so a sandbox token can never be mistaken for one.
pub fn hubspot_token(seed: u64) -> String {
    let mut rng = SplitMix64::new(seed ^ 0x746f_6b65_6e00_0000);
    format!("pat-sbx1-{:016x}{:016x}", rng.next_u64(), rng.next_u64())
}

/// A token for a second portal of the same seed (`pat-sbx2-…`): it sees the same records but
/// the account-info call names another portal, so a client can try switching accounts.
pub fn hubspot_second_token(seed: u64) -> String {
    let mut rng = SplitMix64::new(seed ^ 0x746f_6b65_6e32_0000);
    format!("pat-sbx2-{:016x}{:016x}", rng.next_u64(), rng.next_u64())
}

/// The portal id a token's account-info names.
fn portal_id(seed: u64, second: bool) -> u64 {
    let base = if second { 41_000_000 } else { 40_000_000 };
    base + seed % 1_000_000
}

/// Which portal an authorized request is for.
#[derive(Debug, Clone, Copy)]
struct Portal(u64);

/// Record counts per stream, in the order of the sandbox-wide churn streams for HubSpot.
pub(crate) fn churn_counts(records: u64) -> [u64; 3] {
    let counts = Counts::new(records);
    Object::ALL.map(|object| counts.of(object))
}

/// The ids of changed records, as the tick report lists them.
pub(crate) fn ids_of(seed: u64, stream: usize, indexes: &[u64]) -> (&'static str, Vec<String>) {
    let object = Object::ALL[stream.min(2)];
    let ids = indexes
        .iter()
        .map(|index| data::id_at(seed, object, *index).to_string())
        .collect();
    (object.name(), ids)
}

/// How many records each HubSpot stream holds for a `records` setting: contacts = records,
/// companies = records/10 and deals = records/4 (at least 1 each unless records is 0), with
/// records clamped to 2^40 so generated ids cannot overflow.
pub fn hubspot_counts(records: u64) -> Vec<StreamCount> {
    let counts = Counts::new(records);
    Object::ALL
        .into_iter()
        .map(|object| StreamCount {
            stream: object.name().to_owned(),
            records: counts.of(object),
        })
        .collect()
}

/// Every HubSpot stream the sandbox serves, with its record count: the objects
/// ([`hubspot_counts`]), then the deal pipeline's stages and the owners (the same at every size).
pub fn hubspot_streams(records: u64) -> Vec<StreamCount> {
    let mut streams = hubspot_counts(records);
    streams.push(StreamCount {
        stream: "stages".to_owned(),
        records: reference::STAGES.len() as u64,
    });
    streams.push(StreamCount {
        stream: "owners".to_owned(),
        records: reference::OWNER_COUNT,
    });
    streams
}

/// Everything the HubSpot routes share.
pub(crate) struct HubSpot {
    shared: Arc<Shared>,
    token: String,
    second_token: String,
    counts: Counts,
    /// Absolute URL of the HubSpot mount (`http://ADDR/hubspot`), for `paging.next.link`.
    base_url: String,
    served: AtomicU64,
    /// The 10-second burst window of list and account calls (enforced when `rate_limit`).
    burst: RollingWindow,
    /// The per-second figure HubSpot reports beside the burst (never enforced).
    secondly: RollingWindow,
    /// Search's own per-second window (enforced when `rate_limit`).
    searches: RollingWindow,
    /// Per object, indexes ordered by generated modification time: built by the first search
    /// that filters on it, since most runs never search.
    by_modified: [OnceLock<Option<Vec<u32>>>; 3],
}

impl HubSpot {
    pub(crate) fn new(shared: Arc<Shared>, records: u64, base_url: String) -> HubSpot {
        let seed = shared.seed;
        let allowance = shared.hubspot_burst.unwrap_or(INTERVAL_LIMIT).max(1);
        let burst = RollingWindow::new(allowance, shared.window(INTERVAL));
        let searches = RollingWindow::new(SEARCH_LIMIT, shared.window(SECOND));
        HubSpot {
            shared,
            token: hubspot_token(seed),
            second_token: hubspot_second_token(seed),
            counts: Counts::new(records),
            base_url,
            served: AtomicU64::new(0),
            burst,
            secondly: RollingWindow::new(SECONDLY_LIMIT, SECOND),
            searches,
            by_modified: Default::default(),
        }
    }

    fn seed(&self) -> u64 {
        self.shared.seed
    }

    fn by_modified(&self, object: Object) -> Option<&[u32]> {
        let slot = match object {
            Object::Contacts => 0,
            Object::Companies => 1,
            Object::Deals => 2,
        };
        self.by_modified[slot]
            .get_or_init(|| search::modified_order(self.seed(), self.counts, object))
            .as_deref()
    }
}

/// The correlation id of the request being served, shared by its header and any error body.
#[derive(Clone)]
struct Correlation(String);

pub(crate) fn router(state: Arc<HubSpot>) -> Router {
    Router::new()
        .route("/account-info/{version}/details", get(account_info))
        .route("/crm/v3/objects/{object}", get(list_v3))
        .route("/crm/objects/{version}/{object}", get(list_dated))
        .route("/crm/v3/objects/{object}/search", post(search_v3))
        .route(
            "/crm/v4/associations/{from}/{to}/batch/read",
            post(associations_read),
        )
        .route("/crm/v3/pipelines/{object}", get(pipelines))
        .route("/crm/v3/owners", get(owners))
        .route("/crm/v3/owners/", get(owners))
        .route("/crm/objects/{version}/{object}/search", post(search_dated))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), gateway))
        .with_state(state)
}

/// Searches have their own rate limit and report only the daily headers.
fn is_search(path: &str) -> bool {
    path.ends_with("/search")
}

/// Runs around every HubSpot request: authenticates it, applies the rate limits and faults, then
/// stamps the headers HubSpot puts on every response. Authentication comes before routing, as
/// at HubSpot's edge.
async fn gateway(
    State(hubspot): State<Arc<HubSpot>>,
    mut request: Request,
    next: Next,
) -> Response {
    let served = hubspot.served.fetch_add(1, Ordering::Relaxed) + 1;
    let correlation = uuid_like(hubspot.seed(), served);
    let search = is_search(request.uri().path());
    let enforce = hubspot.shared.rate_limit;
    let presented = presented_token(request.headers());
    let second = presented == Some(hubspot.second_token.as_str());
    let authorized = second
        || presented == Some(hubspot.token.as_str())
        || presented.is_some_and(|token| hubspot.shared.oauth.access_ok(token));
    // What the burst and secondly -Remaining headers will say (searches report neither).
    // Only requests HubSpot can attribute to a token are counted; the burst count of an
    // authorized list call comes from its admission below.
    let (mut remaining, secondly_remaining) = if authorized && !search {
        (None, secondly_left(hubspot.secondly.admit(false)))
    } else {
        (
            Some(hubspot.burst.remaining()),
            hubspot.secondly.remaining(),
        )
    };
    // A HubSpot app's token (its grant always holds HubSpot's `oauth` scope) reads only what
    // its scopes allow. Private-app tokens here have every scope; grants of the generic test
    // servers are not HubSpot's and are not checked.
    let missing_scope = presented
        .and_then(|token| hubspot.shared.oauth.access_scope(token))
        .filter(|granted| granted.split(' ').any(|scope| scope == "oauth"))
        .and_then(|granted| {
            let needed = required_scope(request.uri().path())?;
            (!granted.split(' ').any(|scope| scope == needed)).then_some(needed)
        });
    let mut response = if !authorized {
        // HubSpot answers a missing and a wrong token alike, and never repeats the token.
        error(
            StatusCode::UNAUTHORIZED,
            "INVALID_AUTHENTICATION",
            AUTH_MESSAGE,
            &correlation,
        )
    } else if let Some(needed) = missing_scope {
        missing_scopes(needed, &correlation)
    } else {
        let window = if search {
            &hubspot.searches
        } else {
            &hubspot.burst
        };
        match window.admit(enforce) {
            Admission::Refused { retry_after } => {
                hubspot.shared.stats.rate_limited();
                remaining = Some(0);
                if search {
                    search_limited(&correlation)
                } else {
                    burst_limited(&correlation, retry_after_secs(retry_after))
                }
            }
            Admission::Admitted {
                remaining: admitted,
            } => {
                if !search {
                    remaining = Some(admitted);
                }
                let fault = hubspot.shared.draw_fault();
                // An injected 429 looks like the real one, headers included.
                if fault == Some(Fault::RateLimited) {
                    remaining = Some(0);
                }
                request
                    .extensions_mut()
                    .insert(Correlation(correlation.clone()));
                request
                    .extensions_mut()
                    .insert(Portal(portal_id(hubspot.seed(), second)));
                faults::serve_with(fault, request, next, |fault| {
                    fault_response(fault, &correlation)
                })
                .await
            }
        }
    };
    let headers = response.headers_mut();
    headers.insert(H_DAILY, HeaderValue::from(DAILY_LIMIT));
    headers.insert(
        H_DAILY_REMAINING,
        HeaderValue::from(DAILY_LIMIT.saturating_sub(served)),
    );
    if !search {
        let window_ms = u64::try_from(hubspot.burst.window().as_millis()).unwrap_or(u64::MAX);
        headers.insert(H_INTERVAL_MS, HeaderValue::from(window_ms));
        headers.insert(H_MAX, HeaderValue::from(hubspot.burst.limit()));
        headers.insert(H_REMAINING, HeaderValue::from(remaining.unwrap_or(0)));
        headers.insert(H_SECONDLY, HeaderValue::from(SECONDLY_LIMIT));
        headers.insert(H_SECONDLY_REMAINING, HeaderValue::from(secondly_remaining));
    }
    if let Ok(value) = HeaderValue::from_str(&correlation) {
        headers.insert(H_CORRELATION, value);
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    response
}

/// The secondly counter as HubSpot reports it: what is left after this request.
fn secondly_left(admission: Admission) -> u64 {
    match admission {
        Admission::Admitted { remaining } => remaining,
        Admission::Refused { .. } => 0,
    }
}

/// The 10-second burst 429: the documented body, and a `Retry-After` in whole seconds.
fn burst_limited(correlation: &str, retry_after: u64) -> Response {
    let mut response = json(
        StatusCode::TOO_MANY_REQUESTS,
        &BurstLimited {
            status: "error",
            message: BURST_MESSAGE,
            error_type: "RATE_LIMIT",
            correlation_id: correlation,
            policy_name: "TEN_SECONDLY_ROLLING",
        },
    );
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

/// The scope a path needs, for the paths whose scope the sandbox checks.
fn required_scope(path: &str) -> Option<&'static str> {
    let path = path.strip_prefix(PREFIX).unwrap_or(path);
    if path.starts_with("/crm/v3/owners") {
        Some("crm.objects.owners.read")
    } else if path.starts_with("/crm/v3/pipelines/deals") {
        Some("crm.objects.deals.read")
    } else {
        [
            ("contacts", "crm.objects.contacts.read"),
            ("companies", "crm.objects.companies.read"),
            ("deals", "crm.objects.deals.read"),
        ]
        .into_iter()
        .find_map(|(object, scope)| {
            path.contains(&format!("/objects/{object}"))
                .then_some(scope)
        })
    }
}

/// HubSpot's 403 for a token without a scope the call needs, naming the scope in `errors`.
fn missing_scopes(needed: &str, correlation: &str) -> Response {
    json(
        StatusCode::FORBIDDEN,
        &serde_json::json!({
            "status": "error",
            "message": "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
            "correlationId": correlation,
            "errors": [{
                "message": "One or more of the following scopes are required.",
                "context": { "requiredGranularScopes": [needed] },
            }],
            "links": { "scopes": "https://developers.hubspot.com/scopes" },
            "category": "MISSING_SCOPES",
        }),
    )
}

/// The search 429, as recorded: HubSpot sends no `Retry-After` with it.
fn search_limited(correlation: &str) -> Response {
    error(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITS",
        SEARCH_LIMIT_MESSAGE,
        correlation,
    )
}

/// HubSpot's answer for a fault that replaces the real one.
fn fault_response(fault: Fault, correlation: &str) -> Response {
    match fault {
        Fault::ServerError(status) => error(
            status,
            SERVER_ERROR_CATEGORY,
            SERVER_ERROR_MESSAGE,
            correlation,
        ),
        _ => burst_limited(correlation, FAULT_RETRY_AFTER_SECS),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BurstLimited<'a> {
    status: &'static str,
    message: &'static str,
    error_type: &'static str,
    correlation_id: &'a str,
    policy_name: &'static str,
}

/// The bearer token of a request, if it carries one.
fn presented_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// HubSpot's error body, field order included.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody<'a> {
    status: &'static str,
    message: &'a str,
    correlation_id: &'a str,
    category: &'static str,
}

fn error(status: StatusCode, category: &'static str, message: &str, correlation: &str) -> Response {
    json(
        status,
        &ErrorBody {
            status: "error",
            message,
            correlation_id: correlation,
            category,
        },
    )
}

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(CONTENT_TYPE, JSON_UTF8)], bytes).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "sandbox could not encode a response body");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn not_found_body(correlation: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        "resource not found",
        correlation,
    )
}

async fn not_found(Extension(correlation): Extension<Correlation>) -> Response {
    not_found_body(&correlation.0)
}

/// The sandbox is read-only: everything it serves is a GET, except searches, which are POSTs.
async fn method_not_allowed(Extension(correlation): Extension<Correlation>, uri: Uri) -> Response {
    let (message, allow) = if is_search(uri.path()) {
        ("Searches are POST requests", "POST")
    } else {
        (
            "The sandbox is read-only: only GET (and POST to a search) is supported",
            "GET,HEAD",
        )
    };
    let mut response = error(
        StatusCode::METHOD_NOT_ALLOWED,
        "VALIDATION_ERROR",
        message,
        &correlation.0,
    );
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    response
}

/// `v3`, or a date-based version such as `2026-03`.
fn is_known_version(version: &str) -> bool {
    version == "v3" || is_date_version(version)
}

/// HubSpot's date-based API versions are `YYYY-MM`.
fn is_date_version(version: &str) -> bool {
    let Some((year, month)) = version.split_once('-') else {
        return false;
    };
    year.len() == 4
        && month.len() == 2
        && parse_digits(year).is_some()
        && parse_digits(month).is_some_and(|month| (1..=12).contains(&month))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountInfo {
    portal_id: u64,
    account_type: &'static str,
    time_zone: &'static str,
    company_currency: &'static str,
    additional_currencies: [&'static str; 0],
    utc_offset: &'static str,
    utc_offset_milliseconds: i64,
    ui_domain: &'static str,
    data_hosting_location: &'static str,
}

async fn account_info(
    Extension(correlation): Extension<Correlation>,
    Extension(Portal(portal)): Extension<Portal>,
    version: Result<Path<String>, PathRejection>,
) -> Response {
    match version {
        Ok(Path(version)) if is_known_version(&version) => json(
            StatusCode::OK,
            &AccountInfo {
                portal_id: portal,
                account_type: "STANDARD",
                time_zone: "US/Eastern",
                company_currency: "USD",
                additional_currencies: [],
                utc_offset: "-05:00",
                utc_offset_milliseconds: -18_000_000,
                ui_domain: "app.hubspot.com",
                data_hosting_location: "na1",
            },
        ),
        _ => not_found_body(&correlation.0),
    }
}

/// `GET /crm/v3/pipelines/deals`: the one deal pipeline. Other object types have none here.
async fn pipelines(
    Extension(correlation): Extension<Correlation>,
    object: Result<Path<String>, PathRejection>,
) -> Response {
    match object {
        Ok(Path(object)) if object == "deals" => json(StatusCode::OK, &reference::deal_pipelines()),
        _ => not_found_body(&correlation.0),
    }
}

/// `POST /crm/v4/associations/deals/{companies|contacts}/batch/read`: for each deal id in
/// `inputs` (at most 1,000), the companies or contacts it is associated with, in HubSpot's v4
/// shape; ids that are not deals (or were deleted) are left out of `results`.
async fn associations_read(
    State(hubspot): State<Arc<HubSpot>>,
    Extension(correlation): Extension<Correlation>,
    segments: Result<Path<(String, String)>, PathRejection>,
    body: Bytes,
) -> Response {
    let Ok(Path((from, to))) = segments else {
        return not_found_body(&correlation.0);
    };
    let target = match (from.as_str(), to.as_str()) {
        ("deals" | "deal", "companies" | "company") => Object::Companies,
        ("deals" | "deal", "contacts" | "contact") => Object::Contacts,
        _ => return not_found_body(&correlation.0),
    };
    let Ok(request) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Invalid input JSON on line 1",
            &correlation.0,
        );
    };
    let Some(inputs) = request["inputs"].as_array() else {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "inputs: must not be null",
            &correlation.0,
        );
    };
    if inputs.len() > 1_000 {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "inputs: size must be between 0 and 1000",
            &correlation.0,
        );
    }
    let seed = hubspot.seed();
    let counts = hubspot.counts;
    let deals = counts.of(Object::Deals);
    let churn = hubspot.shared.churn.read();
    let (type_id, label) = match target {
        Object::Companies => (5, Some("Primary")),
        _ => (3, None),
    };
    let results: Vec<serde_json::Value> = inputs
        .iter()
        .filter_map(|input| {
            let id = input["id"]
                .as_str()
                .and_then(|id| id.parse::<u64>().ok())
                .or_else(|| input["id"].as_u64())?;
            let index = data::first_index_from(seed, Object::Deals, deals, id);
            (index < deals
                && data::id_at(seed, Object::Deals, index) == id
                && !churn.is_deleted(Object::Deals.stream(), index))
            .then_some((id, index))
        })
        .map(|(id, index)| {
            let targets = match target {
                Object::Companies => vec![data::deal_company(seed, counts, index)],
                _ => data::deal_contacts(counts, index),
            };
            let to: Vec<serde_json::Value> = targets
                .into_iter()
                .filter(|other| !churn.is_deleted(target.stream(), *other))
                .map(|other| {
                    serde_json::json!({
                        "toObjectId": data::id_at(seed, target, other),
                        "associationTypes": [
                            { "category": "HUBSPOT_DEFINED", "typeId": type_id, "label": label }
                        ],
                    })
                })
                .collect();
            serde_json::json!({ "from": { "id": id.to_string() }, "to": to })
        })
        .collect();
    let now = iso_millis(super::churn::clock_ms(churn.tick()));
    json(
        StatusCode::OK,
        &serde_json::json!({
            "status": "COMPLETE",
            "results": results,
            "startedAt": now,
            "completedAt": now,
        }),
    )
}

/// `GET /crm/v3/owners`: every owner on one page.
async fn owners() -> Response {
    json(
        StatusCode::OK,
        &reference::owners("northwind-partners.example"),
    )
}

async fn list_v3(
    State(hubspot): State<Arc<HubSpot>>,
    Extension(correlation): Extension<Correlation>,
    object: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    match object {
        Ok(Path(object)) => {
            let path = format!("/crm/v3/objects/{object}");
            list(&hubspot, &correlation.0, &object, &path, query.as_deref())
        }
        Err(_) => not_found_body(&correlation.0),
    }
}

async fn list_dated(
    State(hubspot): State<Arc<HubSpot>>,
    Extension(correlation): Extension<Correlation>,
    segments: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    match segments {
        Ok(Path((version, object))) if is_date_version(&version) => {
            let path = format!("/crm/objects/{version}/{object}");
            list(&hubspot, &correlation.0, &object, &path, query.as_deref())
        }
        _ => not_found_body(&correlation.0),
    }
}

/// The list endpoint's query, validated as HubSpot does.
#[derive(Debug, PartialEq, Eq)]
struct ListQuery {
    limit: u64,
    after: Option<u64>,
    /// `None` means "the default properties".
    properties: Option<Vec<String>>,
    archived: bool,
}

fn parse_list_query(raw: Option<&str>) -> Result<ListQuery, &'static str> {
    let mut query = ListQuery {
        limit: DEFAULT_LIMIT,
        after: None,
        properties: None,
        archived: false,
    };
    let pairs = url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes());
    for (key, value) in pairs {
        match key.as_ref() {
            "limit" => {
                let limit = parse_digits(&value)
                    .filter(|limit| *limit >= 1)
                    .ok_or("Invalid input: limit must be a positive integer")?;
                query.limit = limit.min(MAX_LIMIT);
            }
            "after" => {
                // The cursor is the id of the next record: anything but a number is not one.
                let after =
                    parse_digits(&value).ok_or("Invalid input: after is not a valid cursor")?;
                query.after = Some(after);
            }
            // Both `properties=a,b` and `properties=a&properties=b` are accepted.
            "properties" => query.properties.get_or_insert_with(Vec::new).extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned),
            ),
            "archived" => {
                query.archived = match value.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err("Invalid input: archived must be true or false"),
                };
            }
            // HubSpot ignores parameters it does not know (and the sandbox ignores
            // `associations` and `propertiesWithHistory`, which it does not emulate).
            _ => {}
        }
    }
    if query.properties.as_ref().is_some_and(Vec::is_empty) {
        query.properties = None;
    }
    Ok(query)
}

/// A plain decimal number: no sign, no spaces, no overflow.
fn parse_digits(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

#[derive(Serialize)]
struct Page<'a> {
    results: Vec<RecordOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paging: Option<Paging>,
}

#[derive(Serialize)]
struct Paging {
    next: NextPage,
}

#[derive(Serialize)]
struct NextPage {
    after: String,
    link: String,
}

/// One record as HubSpot serializes it, field order included.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordOut<'a> {
    id: String,
    properties: Properties<'a>,
    created_at: String,
    updated_at: String,
    archived: bool,
    /// When it was archived (deleted), on archived records only.
    #[serde(skip_serializing_if = "Option::is_none")]
    archived_at: Option<String>,
}

fn record_out<'a>(record: Record, wanted: &'a dyn Fn(&str) -> bool) -> RecordOut<'a> {
    RecordOut {
        id: record.id.to_string(),
        created_at: iso_millis(record.created),
        updated_at: iso_millis(record.updated),
        archived: false,
        archived_at: None,
        properties: Properties { record, wanted },
    }
}

/// The properties a caller asked for, serialized in name order without building a map.
struct Properties<'a> {
    record: Record,
    wanted: &'a dyn Fn(&str) -> bool,
}

impl Serialize for Properties<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in &self.record.properties {
            if (self.wanted)(name) {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

fn list(
    hubspot: &HubSpot,
    correlation: &str,
    object_segment: &str,
    path: &str,
    raw_query: Option<&str>,
) -> Response {
    let Some(object) = Object::from_path(object_segment) else {
        return not_found_body(correlation);
    };
    let query = match parse_list_query(raw_query) {
        Ok(query) => query,
        Err(message) => {
            return error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                message,
                correlation,
            );
        }
    };
    let count = hubspot.counts.of(object);
    let start = query.after.map_or(0, |after| {
        data::first_index_from(hubspot.seed(), object, count, after)
    });
    let defaults = object.default_properties();
    let requested = query.properties.as_deref();
    let wanted = |name: &str| match requested {
        None => defaults.contains(&name),
        Some(list) => name == "hs_object_id" || list.iter().any(|p| p == name),
    };
    let churn = hubspot.shared.churn.read();
    let stream = object.stream();
    // Deleted records are archived: only `archived=true` lists them, in id order as the rest.
    let (indexes, end, count): (Vec<u64>, u64, u64) = if query.archived {
        let mut archived: Vec<u64> = churn
            .deleted(stream)
            .keys()
            .copied()
            .filter(|index| *index >= start)
            .collect();
        archived.sort_unstable();
        let more = archived.len() as u64 > query.limit;
        archived.truncate(usize::try_from(query.limit).unwrap_or(usize::MAX));
        let end = archived.last().map_or(count, |last| last + 1);
        (archived, end, if more { count } else { end })
    } else {
        let mut taken = Vec::new();
        let mut next = start;
        while next < count && (taken.len() as u64) < query.limit {
            if !churn.is_deleted(stream, next) {
                taken.push(next);
            }
            next += 1;
        }
        (taken, next, count)
    };
    let results = indexes
        .into_iter()
        .map(|index| {
            let tick = churn.tick_of(stream, index);
            let record = data::record_at(hubspot.seed(), hubspot.counts, object, index, tick);
            let mut out = record_out(record, &wanted);
            if let Some(deleted) = churn.deleted(stream).get(&index) {
                out.archived = true;
                out.archived_at = Some(iso_millis(super::churn::clock_ms(*deleted)));
            }
            out
        })
        .collect();
    let paging = (end < count).then(|| {
        let after = data::id_at(hubspot.seed(), object, end).to_string();
        let mut link = url::form_urlencoded::Serializer::new(String::new());
        link.append_pair("after", &after)
            .append_pair("limit", &query.limit.to_string());
        if query.archived {
            link.append_pair("archived", "true");
        }
        // Keep the property selection so following the link returns the same shape.
        if let Some(properties) = &query.properties {
            link.append_pair("properties", &properties.join(","));
        }
        let link = format!("{}{path}?{}", hubspot.base_url, link.finish());
        Paging {
            next: NextPage { after, link },
        }
    });
    json(StatusCode::OK, &Page { results, paging })
}

async fn search_v3(
    State(hubspot): State<Arc<HubSpot>>,
    Extension(correlation): Extension<Correlation>,
    object: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    match object {
        Ok(Path(object)) => search(hubspot, correlation.0, object, body).await,
        Err(_) => not_found_body(&correlation.0),
    }
}

async fn search_dated(
    State(hubspot): State<Arc<HubSpot>>,
    Extension(correlation): Extension<Correlation>,
    segments: Result<Path<(String, String)>, PathRejection>,
    body: Bytes,
) -> Response {
    match segments {
        Ok(Path((version, object))) if is_date_version(&version) => {
            search(hubspot, correlation.0, object, body).await
        }
        _ => not_found_body(&correlation.0),
    }
}

/// A search scans up to a whole stream, so it runs on the blocking pool: a big search must not
/// stall the other requests of a single-threaded runtime.
async fn search(
    hubspot: Arc<HubSpot>,
    correlation: String,
    object_segment: String,
    body: Bytes,
) -> Response {
    let Some(object) = Object::from_path(&object_segment) else {
        return not_found_body(&correlation);
    };
    let work = {
        let correlation = correlation.clone();
        move || search_now(&hubspot, &correlation, object, &body)
    };
    match tokio::task::spawn_blocking(work).await {
        Ok(response) => response,
        Err(err) => {
            tracing::error!(error = %err, "sandbox search failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                SERVER_ERROR_CATEGORY,
                SERVER_ERROR_MESSAGE,
                &correlation,
            )
        }
    }
}

/// HubSpot's search answer: `{"total":N,"results":[…],"paging":{"next":{"after":"200"}}}`, with
/// `paging` only when more results follow (even past the 10,000 cap, as HubSpot does).
#[derive(Serialize)]
struct SearchPage<'a> {
    total: u64,
    results: Vec<RecordOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paging: Option<SearchPaging>,
}

#[derive(Serialize)]
struct SearchPaging {
    next: SearchNext,
}

#[derive(Serialize)]
struct SearchNext {
    after: String,
}

fn search_now(hubspot: &HubSpot, correlation: &str, object: Object, body: &[u8]) -> Response {
    let query = match search::parse(body, object) {
        Ok(query) => query,
        Err(message) => {
            return error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                &message,
                correlation,
            );
        }
    };
    let by_modified = if query.filters_modified() {
        hubspot.by_modified(object)
    } else {
        None
    };
    let churn = hubspot.shared.churn.read();
    let space = search::Space {
        seed: hubspot.seed(),
        counts: hubspot.counts,
        object,
        churn: &churn,
        by_modified,
    };
    let found = search::run(&query, &space);
    // Searches always return the id and both dates, plus the requested (or default) properties.
    let defaults = object.default_properties();
    let requested = query.properties.as_deref();
    let modified = object.modified_property();
    let wanted = |name: &str| {
        name == "hs_object_id"
            || name == "createdate"
            || name == modified
            || match requested {
                None => defaults.contains(&name),
                Some(list) => list.iter().any(|p| p == name),
            }
    };
    let results: Vec<RecordOut<'_>> = found
        .indexes
        .iter()
        .map(|index| {
            let tick = churn.tick_of(object.stream(), *index);
            record_out(
                data::record_at(hubspot.seed(), hubspot.counts, object, *index, tick),
                &wanted,
            )
        })
        .collect();
    let next = query.after + results.len() as u64;
    let paging = (next < found.total).then(|| SearchPaging {
        next: SearchNext {
            after: next.to_string(),
        },
    });
    json(
        StatusCode::OK,
        &SearchPage {
            total: found.total,
            results,
            paging,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_stable_and_shaped() {
        let token = hubspot_token(42);
        assert_eq!(token, hubspot_token(42));
        assert_ne!(token, hubspot_token(43));
        let hex = token.strip_prefix("pat-sbx1-").expect("sandbox prefix");
        assert_eq!(hex.len(), 32);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }

    #[test]
    fn list_query_validation() {
        let parse = |q: &str| parse_list_query(Some(q));
        assert_eq!(parse("").map(|q| q.limit), Ok(DEFAULT_LIMIT));
        assert_eq!(parse("limit=1000").map(|q| q.limit), Ok(MAX_LIMIT));
        for bad in [
            "limit=0",
            "limit=-1",
            "limit=abc",
            "limit=+5",
            "limit=",
            "after=x",
            "after=",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
        assert_eq!(
            parse("properties=email,%20phone&properties=company").map(|q| q.properties),
            Ok(Some(vec![
                "email".to_owned(),
                "phone".to_owned(),
                "company".to_owned()
            ]))
        );
        assert_eq!(parse("properties=").map(|q| q.properties), Ok(None));
        assert_eq!(parse("archived=TRUE").map(|q| q.archived), Ok(true));
        assert!(parse("archived=maybe").is_err());
    }

    #[test]
    fn date_versions() {
        assert!(is_date_version("2026-03"));
        assert!(!is_date_version("2026-13"));
        assert!(!is_date_version("26-03"));
        assert!(!is_date_version("v3"));
        assert!(is_known_version("v3"));
    }

    #[test]
    fn bearer_parsing() {
        let mut headers = HeaderMap::new();
        assert_eq!(presented_token(&headers), None);
        headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer abc"));
        assert_eq!(presented_token(&headers), Some("abc"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(presented_token(&headers), None);
    }
}
