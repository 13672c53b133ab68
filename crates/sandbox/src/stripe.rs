//! The Stripe emulation's HTTP surface: secret-key auth (Bearer or Basic), Stripe's error
//! bodies and headers, balance and account, and the customers/charges/invoices lists with
//! object-id cursors and `created` filters, newest first.

mod data;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::json;

use super::faults::{self, Fault};
use super::limits::{Admission, RollingWindow};
use super::rng::{SplitMix64, alphanumeric, stream_rng};
use super::{Shared, StreamCount};
use data::{Counts, Kind};

/// Where the Stripe emulation is mounted in the sandbox's router.
pub(crate) const PREFIX: &str = "/stripe";

/// The API version whose object shapes the emulation renders, sent back in `Stripe-Version`
/// (PROVIDERS.md §4.1 names it as the one to pin).
pub(crate) const API_VERSION: &str = "2025-03-31.basil";

/// List pages hold 1 to 100 objects, 10 by default (PROVIDERS.md §4.3).
const MAX_LIMIT: u64 = 100;
const DEFAULT_LIMIT: u64 = 10;

/// Stripe's global limit for test mode ("sandbox") in its 2026 docs: 25 requests per second
/// (PROVIDERS.md §4.5). The window can be overridden with `SandboxConfig::rate_window`.
const RATE_LIMIT: u64 = 25;
const RATE_WINDOW: Duration = Duration::from_secs(1);

/// The 429 body's fields. [UNVERIFIED] exact shape (PROVIDERS.md §4.5): the message is the
/// documented description of the `rate_limit` error code.
const RATE_LIMIT_TYPE: &str = "invalid_request_error";
const RATE_LIMIT_CODE: &str = "rate_limit";
const RATE_LIMIT_MESSAGE: &str = "Too many requests hit the API too quickly. We recommend an \
                                  exponential backoff of your requests.";

/// The body of a 5xx fault. [UNVERIFIED] message.
const SERVER_ERROR_MESSAGE: &str = "An unknown error occurred";

const NO_KEY_MESSAGE: &str = "You did not provide an API key. You need to provide your API key \
                              in the Authorization header, using Bearer auth (e.g. \
                              'Authorization: Bearer YOUR_SECRET_KEY'). See \
                              https://stripe.com/docs/api#authentication for details, or we can \
                              help at https://support.stripe.com/.";

const JSON: &str = "application/json";

const H_REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const H_STRIPE_VERSION: HeaderName = HeaderName::from_static("stripe-version");
const H_SHOULD_RETRY: HeaderName = HeaderName::from_static("stripe-should-retry");

/// Keeps request ids independent of every other use of the seed.
const TAG_REQUEST: u64 = 0x7265_7175_6573_7400;

/// The secret key the sandbox accepts for a seed: `sk_test_sbx` and 32 hex digits. It is a
/// test-mode key by its prefix, and never a live one.
pub fn stripe_key(seed: u64) -> String {
    let mut rng = SplitMix64::new(seed ^ 0x7374_7269_7065_6b65);
    format!("sk_test_sbx{:016x}{:016x}", rng.next_u64(), rng.next_u64())
}

/// How many objects each Stripe list holds for a `records` setting: customers = records,
/// charges = 2 × records, invoices = records, with records clamped to 2^40.
pub fn stripe_counts(records: u64) -> Vec<StreamCount> {
    let counts = Counts::new(records);
    Kind::ALL
        .into_iter()
        .map(|kind| StreamCount {
            stream: kind.name().to_owned(),
            records: counts.of(kind),
        })
        .collect()
}

/// Record counts per stream, in the order of the sandbox-wide churn streams for Stripe.
pub(crate) fn churn_counts(records: u64) -> [u64; 3] {
    let counts = Counts::new(records);
    Kind::ALL.map(|kind| counts.of(kind))
}

/// The ids of changed objects, as the tick report lists them.
pub(crate) fn ids_of(seed: u64, stream: usize, indexes: &[u64]) -> (&'static str, Vec<String>) {
    let kind = Kind::ALL[stream.min(2)];
    let ids = indexes
        .iter()
        .map(|index| data::id_at(seed, kind, *index))
        .collect();
    (kind.name(), ids)
}

/// Everything the Stripe routes share.
pub(crate) struct Stripe {
    shared: Arc<Shared>,
    key: String,
    counts: Counts,
    account: data::Account,
    served: AtomicU64,
    window: RollingWindow,
}

impl Stripe {
    pub(crate) fn new(shared: Arc<Shared>, records: u64) -> Stripe {
        let seed = shared.seed;
        let window = RollingWindow::new(RATE_LIMIT, shared.window(RATE_WINDOW));
        Stripe {
            shared,
            key: stripe_key(seed),
            counts: Counts::new(records),
            account: data::account(seed),
            served: AtomicU64::new(0),
            window,
        }
    }

    fn seed(&self) -> u64 {
        self.shared.seed
    }
}

pub(crate) fn router(state: Arc<Stripe>) -> Router {
    Router::new()
        .route("/v1/balance", get(balance))
        .route("/v1/account", get(account))
        .route("/v1/events", get(events))
        .route("/v1/{kind}", get(list))
        .route("/v1/{kind}/{id}", get(retrieve))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), gateway))
        .with_state(state)
}

/// Runs around every Stripe request: authenticates it, applies the rate limit and faults, and
/// stamps the headers Stripe puts on every response.
async fn gateway(State(stripe): State<Arc<Stripe>>, request: Request, next: Next) -> Response {
    let served = stripe.served.fetch_add(1, Ordering::Relaxed) + 1;
    // A request may pin another API version; this emulation renders one, so it refuses the
    // others rather than answer in shapes the client did not ask for.
    let pinned = request
        .headers()
        .get(&H_STRIPE_VERSION)
        .map(|value| value.to_str().unwrap_or_default().to_owned());
    let mut response = match presented_key(request.headers()) {
        _ if pinned
            .as_deref()
            .is_some_and(|version| version != API_VERSION) =>
        {
            invalid_version(pinned.as_deref().unwrap_or_default())
        }
        Presented::Key(key) if key == stripe.key => {
            match stripe.window.admit(stripe.shared.rate_limit) {
                Admission::Refused { .. } => {
                    stripe.shared.stats.rate_limited();
                    rate_limited()
                }
                Admission::Admitted { .. } => {
                    let fault = stripe.shared.draw_fault();
                    faults::serve_with(fault, request, next, fault_response).await
                }
            }
        }
        Presented::Key(other) | Presented::Unusable(other) => {
            unauthorized(&format!("Invalid API Key provided: {}", masked(&other)))
        }
        Presented::Nothing => unauthorized(NO_KEY_MESSAGE),
    };
    let headers = response.headers_mut();
    let mut rng = stream_rng(stripe.seed(), TAG_REQUEST, served);
    if let Ok(value) = HeaderValue::from_str(&format!("req_{}", alphanumeric(&mut rng, 14))) {
        headers.insert(H_REQUEST_ID, value);
    }
    headers.insert(H_STRIPE_VERSION, HeaderValue::from_static(API_VERSION));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    response
}

/// A 400 for a `Stripe-Version` the emulation does not render.
fn invalid_version(version: &str) -> Response {
    let body = json!({
        "error": {
            "message": format!(
                "Invalid Stripe API version: {version}. This sandbox renders {API_VERSION} only."
            ),
            "type": "invalid_request_error",
        }
    });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// What a request offered as its secret key.
enum Presented {
    Nothing,
    Key(String),
    /// An `Authorization` header that carries no key in a form Stripe reads (no scheme, an
    /// unknown scheme, or Basic that does not decode): refused even if it contains the key.
    Unusable(String),
}

/// The key from `Authorization: Bearer KEY` or from HTTP Basic with the key as the user name
/// (Stripe ignores the password; curl's `-u KEY:` sends an empty one).
fn presented_key(headers: &HeaderMap) -> Presented {
    let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return Presented::Nothing;
    };
    let Some((scheme, credentials)) = value.trim().split_once(' ') else {
        return Presented::Unusable(value.trim().to_owned());
    };
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Presented::Key(credentials.to_owned());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = decode_base64(credentials).and_then(|bytes| String::from_utf8(bytes).ok());
        if let Some(decoded) = decoded {
            let user = decoded.split_once(':').map_or(decoded.as_str(), |(u, _)| u);
            return Presented::Key(user.to_owned());
        }
    }
    Presented::Unusable(value.to_owned())
}

/// Standard or URL-safe base64, padding optional; `None` for anything else.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for byte in text.trim_end_matches('=').bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A wrong key as Stripe's 401 may show it: its recognizable prefix at most, never the secret
/// part, so a log of the error leaks nothing.
fn masked(key: &str) -> String {
    const PREFIXES: [&str; 6] = [
        // Split so that no literal in the repository looks like a live key to a secret scanner.
        "sk_test_",
        concat!("sk_", "live_"),
        "rk_test_",
        concat!("rk_", "live_"),
        "pk_test_",
        concat!("pk_", "live_"),
    ];
    let prefix = PREFIXES
        .iter()
        .find(|prefix| key.starts_with(**prefix))
        .copied()
        .unwrap_or_default();
    format!("{prefix}****")
}

/// Stripe's error body: `{"error":{code?, doc_url?, message, param?, type}}`, in Stripe's
/// (alphabetical) field order.
#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc_url: Option<String>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    param: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'a str,
}

/// An error as the handlers produce it, before it becomes a response.
#[derive(Debug, PartialEq, Eq)]
struct ApiError {
    status: StatusCode,
    kind: &'static str,
    code: Option<&'static str>,
    message: String,
    param: Option<String>,
}

impl ApiError {
    fn invalid(message: String, param: &str) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "invalid_request_error",
            code: None,
            message,
            param: Some(param.to_owned()),
        }
    }

    fn code(mut self, code: &'static str) -> ApiError {
        self.code = Some(code);
        self
    }

    fn status(mut self, status: StatusCode) -> ApiError {
        self.status = status;
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error(
            self.status,
            self.kind,
            self.code,
            &self.message,
            self.param.as_deref(),
        )
    }
}

fn error(
    status: StatusCode,
    kind: &str,
    code: Option<&str>,
    message: &str,
    param: Option<&str>,
) -> Response {
    let doc_url = code.map(|code| {
        format!(
            "https://stripe.com/docs/error-codes/{}",
            code.replace('_', "-")
        )
    });
    json_response(
        status,
        &ErrorBody {
            error: ErrorDetail {
                code,
                doc_url,
                message,
                param,
                kind,
            },
        },
    )
}

fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(CONTENT_TYPE, JSON)], bytes).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "sandbox could not encode a response body");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn unauthorized(message: &str) -> Response {
    let mut response = error(
        StatusCode::UNAUTHORIZED,
        "invalid_request_error",
        None,
        message,
        None,
    );
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"Stripe\""),
    );
    response
}

fn rate_limited() -> Response {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        RATE_LIMIT_TYPE,
        Some(RATE_LIMIT_CODE),
        RATE_LIMIT_MESSAGE,
        None,
    );
    // Stripe's SDKs retry what this header allows (PROVIDERS.md §4.5).
    response
        .headers_mut()
        .insert(H_SHOULD_RETRY, HeaderValue::from_static("true"));
    response
}

/// Stripe's answer for a fault that replaces the real one.
fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::ServerError(status) => {
            let mut response = error(status, "api_error", None, SERVER_ERROR_MESSAGE, None);
            response
                .headers_mut()
                .insert(H_SHOULD_RETRY, HeaderValue::from_static("true"));
            response
        }
        _ => rate_limited(),
    }
}

/// Stripe's 404 for a path it does not serve, naming the method and path.
fn unrecognized(method: &Method, uri: &Uri) -> Response {
    let message = format!(
        "Unrecognized request URL ({method}: {}). Please see https://stripe.com/docs or we can \
         help at https://support.stripe.com/.",
        uri.path()
    );
    error(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        None,
        &message,
        None,
    )
}

async fn not_found(method: Method, uri: Uri) -> Response {
    unrecognized(&method, &uri)
}

/// The sandbox is read-only: everything it serves is a GET.
async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let message = format!(
        "The sandbox is read-only: only GET is supported ({method}: {})",
        uri.path()
    );
    let mut response = error(
        StatusCode::METHOD_NOT_ALLOWED,
        "invalid_request_error",
        None,
        &message,
        None,
    );
    response.headers_mut().insert(
        axum::http::header::ALLOW,
        HeaderValue::from_static("GET,HEAD"),
    );
    response
}

async fn balance(State(stripe): State<Arc<Stripe>>) -> Response {
    let funds = |amount: u64| json!([{ "amount": amount, "currency": "usd", "source_types": { "card": amount } }]);
    json_response(
        StatusCode::OK,
        &json!({
            "object": "balance",
            "available": funds(stripe.account.available),
            "connect_reserved": [{ "amount": 0, "currency": "usd" }],
            "livemode": false,
            "pending": funds(stripe.account.pending),
        }),
    )
}

async fn account(State(stripe): State<Arc<Stripe>>) -> Response {
    let account = &stripe.account;
    json_response(
        StatusCode::OK,
        &json!({
            "id": account.id,
            "object": "account",
            "business_profile": {
                "mcc": "5734",
                "name": account.name,
                "product_description": null,
                "support_address": null,
                "support_email": "billing@example.com",
                "support_phone": null,
                "support_url": null,
                "url": "https://example.com",
            },
            "business_type": "company",
            "capabilities": { "card_payments": "active", "transfers": "active" },
            "charges_enabled": true,
            "country": "US",
            "created": account.created,
            "default_currency": "usd",
            "details_submitted": true,
            "email": "billing@example.com",
            "payouts_enabled": true,
            "settings": {
                "dashboard": { "display_name": account.name, "timezone": "America/New_York" },
            },
            "type": "standard",
        }),
    )
}

/// Any one object, serialized as itself.
#[derive(Serialize)]
#[serde(untagged)]
enum Object {
    Customer(data::Customer),
    Charge(data::Charge),
    Invoice(data::Invoice),
}

/// One object as it stands now, churn applied.
fn render(stripe: &Stripe, kind: Kind, index: u64, tick: Option<u64>) -> Object {
    let (seed, counts) = (stripe.seed(), stripe.counts);
    match kind {
        Kind::Customers => Object::Customer(data::customer(seed, counts, index, tick)),
        Kind::Charges => Object::Charge(data::charge(seed, counts, index, tick)),
        Kind::Invoices => Object::Invoice(data::invoice(
            seed,
            counts,
            index,
            tick,
            stripe.account.name,
        )),
    }
}

async fn retrieve(
    State(stripe): State<Arc<Stripe>>,
    method: Method,
    uri: Uri,
    segments: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let Ok(Path((kind, id))) = segments else {
        return unrecognized(&method, &uri);
    };
    let Some(kind) = Kind::from_path(&kind) else {
        return unrecognized(&method, &uri);
    };
    let count = stripe.counts.of(kind);
    match data::index_of(stripe.seed(), kind, count, &id) {
        // Stripe answers a deleted customer with a stub that says so.
        Some(index) if stripe.shared.churn.read().is_deleted(kind.stream(), index) => {
            json_response(
                StatusCode::OK,
                &serde_json::json!({ "id": id, "object": kind.object(), "deleted": true }),
            )
        }
        Some(index) => {
            let tick = stripe.shared.churn.read().tick_of(kind.stream(), index);
            json_response(StatusCode::OK, &render(&stripe, kind, index, tick))
        }
        None => no_such(kind, &id, "id")
            .status(StatusCode::NOT_FOUND)
            .into_response(),
    }
}

fn no_such(kind: Kind, id: &str, param: &str) -> ApiError {
    ApiError::invalid(format!("No such {}: '{id}'", kind.object()), param).code("resource_missing")
}

/// A list request's parameters, validated as Stripe does.
#[derive(Debug, Default, PartialEq, Eq)]
struct ListQuery {
    limit: Option<u64>,
    starting_after: Option<String>,
    ending_before: Option<String>,
    /// Inclusive bounds on `created`, in Unix seconds.
    created_from: Option<u64>,
    created_to: Option<u64>,
    /// Set when the bounds exclude everything (`created[lt]=0`).
    empty: bool,
}

/// Filters real Stripe lists accept that the sandbox does not emulate: refused by name rather
/// than ignored, so a client never mistakes an unfiltered answer for a filtered one.
const NOT_EMULATED: [&str; 10] = [
    "customer",
    "email",
    "status",
    "subscription",
    "collection_method",
    "due_date",
    "payment_intent",
    "transfer_group",
    "test_clock",
    "expand",
];

fn parse_list_query(raw: Option<&str>) -> Result<ListQuery, ApiError> {
    let mut query = ListQuery::default();
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        // Stripe reads an empty value as "not given".
        if value.is_empty() {
            continue;
        }
        match key.as_ref() {
            "limit" => query.limit = Some(parse_limit(&value)?),
            "starting_after" => query.starting_after = Some(value.into_owned()),
            "ending_before" => query.ending_before = Some(value.into_owned()),
            "created" => {
                let at = integer(&value, "created")?;
                query.narrow(Some(at), Some(at));
            }
            "created[gte]" => {
                let at = integer(&value, &key)?;
                query.narrow(Some(at), None);
            }
            "created[gt]" => {
                let at = integer(&value, &key)?;
                match at.checked_add(1) {
                    Some(next) => query.narrow(Some(next), None),
                    None => query.empty = true,
                }
            }
            "created[lte]" => {
                let at = integer(&value, &key)?;
                query.narrow(None, Some(at));
            }
            "created[lt]" => {
                let at = integer(&value, &key)?;
                match at.checked_sub(1) {
                    Some(before) => query.narrow(None, Some(before)),
                    None => query.empty = true,
                }
            }
            other => {
                let name = other.split('[').next().unwrap_or(other);
                let message = if NOT_EMULATED.contains(&name) {
                    format!(
                        "Received unknown parameter: {other} (the sandbox does not emulate \
                         this parameter)"
                    )
                } else {
                    format!("Received unknown parameter: {other}")
                };
                return Err(ApiError::invalid(message, other).code("parameter_unknown"));
            }
        }
    }
    if query.starting_after.is_some() && query.ending_before.is_some() {
        return Err(ApiError::invalid(
            "You may only specify one of these parameters: ending_before, starting_after."
                .to_owned(),
            "ending_before",
        ));
    }
    Ok(query)
}

impl ListQuery {
    /// Intersects the `created` bounds with `[from, to]`.
    fn narrow(&mut self, from: Option<u64>, to: Option<u64>) {
        if let Some(from) = from {
            self.created_from = Some(self.created_from.map_or(from, |f| f.max(from)));
        }
        if let Some(to) = to {
            self.created_to = Some(self.created_to.map_or(to, |t| t.min(to)));
        }
    }
}

/// `limit`: an integer from 1 to 100.
fn parse_limit(value: &str) -> Result<u64, ApiError> {
    let Ok(limit) = value.parse::<i64>() else {
        return Err(invalid_integer(value, "limit"));
    };
    if limit < 1 {
        return Err(ApiError::invalid(
            "This value must be greater than or equal to 1.".to_owned(),
            "limit",
        ));
    }
    match u64::try_from(limit) {
        Ok(limit) if limit <= MAX_LIMIT => Ok(limit),
        _ => Err(ApiError::invalid(
            format!("This value must be less than or equal to {MAX_LIMIT}."),
            "limit",
        )),
    }
}

/// A Unix timestamp as Stripe parses it: plain decimal digits.
fn integer(value: &str, param: &str) -> Result<u64, ApiError> {
    if value.bytes().all(|b| b.is_ascii_digit())
        && let Ok(number) = value.parse()
    {
        return Ok(number);
    }
    Err(invalid_integer(value, param))
}

fn invalid_integer(value: &str, param: &str) -> ApiError {
    ApiError::invalid(format!("Invalid integer: {value}"), param).code("parameter_invalid_integer")
}

#[derive(Serialize)]
struct ListPage {
    object: &'static str,
    data: Vec<Object>,
    has_more: bool,
    url: String,
}

async fn list(
    State(stripe): State<Arc<Stripe>>,
    method: Method,
    uri: Uri,
    kind: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(kind) = kind.ok().and_then(|Path(kind)| Kind::from_path(&kind)) else {
        return unrecognized(&method, &uri);
    };
    match list_page(&stripe, kind, raw.as_deref()) {
        Ok(page) => json_response(StatusCode::OK, &page),
        Err(err) => err.into_response(),
    }
}

/// One page, newest first. Objects are created in index order, so the page is a run of indexes
/// counted down from the cursor (or up from it, for `ending_before`), found in O(log n).
fn list_page(stripe: &Stripe, kind: Kind, raw: Option<&str>) -> Result<ListPage, ApiError> {
    let query = parse_list_query(raw)?;
    let seed = stripe.seed();
    let count = stripe.counts.of(kind);
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    let cursor = |id: &String, param: &str| {
        data::index_of(seed, kind, count, id).ok_or_else(|| no_such(kind, id, param))
    };
    let starting_after = query
        .starting_after
        .as_ref()
        .map(|id| cursor(id, "starting_after"))
        .transpose()?;
    let ending_before = query
        .ending_before
        .as_ref()
        .map(|id| cursor(id, "ending_before"))
        .transpose()?;
    // The indexes whose `created` is within the bounds: `low..high`.
    let low = query
        .created_from
        .map_or(0, |from| data::first_created_from(seed, kind, count, from));
    let high = query
        .created_to
        .map_or(count, |to| match to.checked_add(1) {
            Some(after) => data::first_created_from(seed, kind, count, after),
            None => count,
        });
    let (low, high) = if query.empty || low >= high {
        (0, 0)
    } else {
        (low, high)
    };
    let (start, end, has_more) = match ending_before {
        // Newer than the cursor: the `limit` objects just above it, still newest first.
        Some(before) => {
            let start = low.max(before + 1);
            let end = high.min(start.saturating_add(limit)).max(start);
            (start, end, end < high)
        }
        None => {
            let end = starting_after
                .map_or(high, |after| high.min(after))
                .max(low);
            let start = end.saturating_sub(limit).max(low);
            (start, end, start > low)
        }
    };
    let view = stripe.shared.churn.read();
    // Deleted objects leave the list (the page is shorter; `has_more` still tells the rest).
    let data = (start..end)
        .rev()
        .filter(|index| !view.is_deleted(kind.stream(), *index))
        .map(|index| render(stripe, kind, index, view.tick_of(kind.stream(), index)))
        .collect();
    Ok(ListPage {
        object: "list",
        data,
        has_more,
        url: format!("/v1/{}", kind.name()),
    })
}

/// What an event says happened: an object of a kind changed, or a customer was deleted.
/// The code orders events of one tick and is part of the event's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventKind {
    Updated(data::Kind),
    CustomerDeleted,
}

impl EventKind {
    const ALL: [EventKind; 4] = [
        EventKind::Updated(data::Kind::Customers),
        EventKind::Updated(data::Kind::Charges),
        EventKind::Updated(data::Kind::Invoices),
        EventKind::CustomerDeleted,
    ];

    fn code(self) -> u64 {
        match self {
            EventKind::Updated(data::Kind::Customers) => 0,
            EventKind::Updated(data::Kind::Charges) => 1,
            EventKind::Updated(data::Kind::Invoices) => 2,
            EventKind::CustomerDeleted => 3,
        }
    }

    fn from_code(code: u64) -> Option<EventKind> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    fn type_name(self) -> &'static str {
        match self {
            EventKind::Updated(data::Kind::Customers) => "customer.updated",
            EventKind::Updated(data::Kind::Charges) => "charge.updated",
            EventKind::Updated(data::Kind::Invoices) => "invoice.updated",
            EventKind::CustomerDeleted => "customer.deleted",
        }
    }

    fn object_kind(self) -> data::Kind {
        match self {
            EventKind::Updated(kind) => kind,
            EventKind::CustomerDeleted => data::Kind::Customers,
        }
    }

    /// Whether a `type` or `types[]` value (`customer.updated`, `customer.*`, `*`) names it.
    fn matches(self, pattern: &str) -> bool {
        let name = self.type_name();
        pattern == "*"
            || pattern == name
            || pattern
                .strip_suffix(".*")
                .is_some_and(|prefix| name.split('.').next() == Some(prefix))
    }
}

/// An event's id: its tick, kind and object index, so `starting_after` finds its place.
fn event_id(tick: u64, kind: EventKind, index: u64) -> String {
    format!("evt_sbx{tick:08x}{:02x}{index:014x}", kind.code())
}

fn parse_event_id(id: &str) -> Option<(u64, EventKind, u64)> {
    let hex = id.strip_prefix("evt_sbx")?;
    if hex.len() != 24 || !hex.is_ascii() {
        return None;
    }
    Some((
        u64::from_str_radix(&hex[..8], 16).ok()?,
        EventKind::from_code(u64::from_str_radix(&hex[8..10], 16).ok()?)?,
        u64::from_str_radix(&hex[10..], 16).ok()?,
    ))
}

/// `GET /v1/events`: one `customer.updated`, `charge.updated` or `invoice.updated` event per
/// object churn changed (at its latest change), and one `customer.deleted` per customer churn
/// deleted, stamped with the wall-clock time of their tick (as Stripe stamps events when they
/// happen); newest first, each with the object as it now stands in `data.object`. `type`, and
/// `types[]` (repeated), filter by type (`customer.*` works); `created[gt|gte|lt|lte]` by time;
/// `limit` and `starting_after` page as every list does.
async fn events(State(stripe): State<Arc<Stripe>>, RawQuery(raw): RawQuery) -> Response {
    let mut limit = DEFAULT_LIMIT;
    let mut starting_after = None;
    let mut patterns: Vec<String> = Vec::new();
    let (mut from_secs, mut to_secs) = (0_u64, u64::MAX);
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if value.is_empty() {
            continue;
        }
        let seconds = || integer(&value, &key);
        match key.as_ref() {
            "limit" => match parse_limit(&value) {
                Ok(value) => limit = value,
                Err(error) => return error.into_response(),
            },
            "starting_after" => match parse_event_id(&value) {
                Some(position) => starting_after = Some(position),
                None => {
                    return ApiError::invalid(
                        format!("No such event: '{value}'"),
                        "starting_after",
                    )
                    .code("resource_missing")
                    .into_response();
                }
            },
            "type" | "types[]" | "types" => patterns.push(value.into_owned()),
            // `types[0]=…&types[1]=…`: Stripe's indexed form of the same list.
            indexed
                if indexed
                    .strip_prefix("types[")
                    .and_then(|rest| rest.strip_suffix(']'))
                    .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())) =>
            {
                patterns.push(value.into_owned());
            }
            "created[gt]" | "created[gte]" | "created[lt]" | "created[lte]" => {
                let value = match seconds() {
                    Ok(value) => value,
                    Err(error) => return error.into_response(),
                };
                match key.as_ref() {
                    "created[gt]" => from_secs = from_secs.max(value.saturating_add(1)),
                    "created[gte]" => from_secs = from_secs.max(value),
                    "created[lt]" => to_secs = to_secs.min(value.saturating_sub(1)),
                    _ => to_secs = to_secs.min(value),
                }
            }
            "delivery_success" => {}
            other => {
                return ApiError::invalid(format!("Received unknown parameter: {other}"), other)
                    .into_response();
            }
        }
    }
    let view = stripe.shared.churn.read();
    let wanted = |kind: EventKind| patterns.is_empty() || patterns.iter().any(|p| kind.matches(p));
    // Newest first: by tick, then kind, then index, all descending.
    let mut listed: Vec<(u64, u64, u64)> = Vec::new();
    for kind in EventKind::ALL.into_iter().filter(|kind| wanted(*kind)) {
        let stream = kind.object_kind().stream();
        let happened = match kind {
            EventKind::Updated(_) => view.changed(stream),
            EventKind::CustomerDeleted => view.deleted(stream),
        };
        for (index, tick) in happened {
            // A deleted object has no later updates to tell.
            if matches!(kind, EventKind::Updated(_)) && view.is_deleted(stream, *index) {
                continue;
            }
            let created = view.wall_ms(*tick) / 1000;
            if (from_secs..=to_secs).contains(&created) {
                listed.push((*tick, kind.code(), *index));
            }
        }
    }
    listed.sort_unstable_by(|a, b| b.cmp(a));
    let from = starting_after.map_or(0, |(tick, kind, index): (u64, EventKind, u64)| {
        listed.partition_point(|item| *item >= (tick, kind.code(), index))
    });
    let rest = &listed[from.min(listed.len())..];
    let page = &rest[..rest.len().min(usize::try_from(limit).unwrap_or(usize::MAX))];
    let data: Vec<serde_json::Value> = page
        .iter()
        .filter_map(|(tick, code, index)| Some((*tick, EventKind::from_code(*code)?, *index)))
        .map(|(tick, kind, index)| {
            let object_kind = kind.object_kind();
            let object = serde_json::to_value(render(
                &stripe,
                object_kind,
                index,
                view.tick_of(object_kind.stream(), index),
            ))
            .unwrap_or_default();
            serde_json::json!({
                "id": event_id(tick, kind, index),
                "object": "event",
                "api_version": "2025-03-31.basil",
                "created": view.wall_ms(tick) / 1000,
                "data": { "object": object },
                "livemode": false,
                "pending_webhooks": 0,
                "request": { "id": null, "idempotency_key": null },
                "type": kind.type_name(),
            })
        })
        .collect();
    json_response(
        StatusCode::OK,
        &serde_json::json!({
            "object": "list",
            "data": data,
            "has_more": rest.len() > page.len(),
            "url": "/v1/events",
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_round_trip_and_types_match() {
        let kind = EventKind::Updated(data::Kind::Invoices);
        assert_eq!(
            parse_event_id(&event_id(7, kind, 1234)),
            Some((7, kind, 1234))
        );
        assert_eq!(parse_event_id("evt_123"), None);
        assert!(kind.matches("invoice.updated") && kind.matches("invoice.*") && kind.matches("*"));
        assert!(!kind.matches("customer.*") && !kind.matches("invoice.paid"));
    }

    #[test]
    fn key_is_a_stable_test_key() {
        let key = stripe_key(42);
        assert_eq!(key, stripe_key(42));
        assert_ne!(key, stripe_key(43));
        let hex = key.strip_prefix("sk_test_sbx").expect("sandbox prefix");
        assert_eq!(hex.len(), 32);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert!(!key.starts_with(concat!("sk_", "live_")));
    }

    #[test]
    fn base64_decodes_basic_credentials() {
        assert_eq!(
            decode_base64("c2tfdGVzdF94eXo6"),
            Some(b"sk_test_xyz:".to_vec())
        );
        assert_eq!(decode_base64("YQ=="), Some(b"a".to_vec()));
        assert_eq!(decode_base64("not base64!"), None);
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_static("Basic c2tfdGVzdF94eXo6"),
        );
        assert!(matches!(presented_key(&headers), Presented::Key(k) if k == "sk_test_xyz"));
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_static("Bearer sk_test_abc"),
        );
        assert!(matches!(presented_key(&headers), Presented::Key(k) if k == "sk_test_abc"));
        assert!(matches!(
            presented_key(&HeaderMap::new()),
            Presented::Nothing
        ));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("sk_test_abc"));
        assert!(matches!(presented_key(&headers), Presented::Unusable(_)));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Token sk_test_abc"));
        assert!(matches!(presented_key(&headers), Presented::Unusable(_)));
    }

    #[test]
    fn masking_keeps_only_the_prefix() {
        assert_eq!(masked("sk_test_sbx0123456789abcdef"), "sk_test_****");
        assert_eq!(
            masked(concat!("sk_", "live_secret")),
            concat!("sk_", "live_****")
        );
        assert_eq!(masked("hunter2"), "****");
    }

    #[test]
    fn list_query_validation() {
        let parse = |q: &str| parse_list_query(Some(q));
        assert_eq!(parse("limit=100").map(|q| q.limit), Ok(Some(100)));
        assert!(parse("limit=").is_ok_and(|q| q.limit.is_none()));
        let query = parse("created%5Bgte%5D=10&created[lt]=20&created[gt]=12").expect("valid");
        assert_eq!((query.created_from, query.created_to), (Some(13), Some(19)));
        assert!(parse("created[lt]=0").is_ok_and(|q| q.empty));
        for (bad, param) in [
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("limit=-3", "limit"),
            ("limit=ten", "limit"),
            ("created[gte]=yesterday", "created[gte]"),
            ("created[since]=1", "created[since]"),
            ("customer=cus_1", "customer"),
            ("starting_after=a&ending_before=b", "ending_before"),
        ] {
            let err = parse(bad).expect_err(bad);
            assert_eq!(err.param.as_deref(), Some(param), "{bad}");
            assert_eq!(err.status, StatusCode::BAD_REQUEST);
        }
    }
}
