//! The Salesforce REST emulation (`/salesforce`): SOQL `query` over Account, Contact,
//! Opportunity and Lead with `nextRecordsUrl` + `done` paging (`Sforce-Query-Options:
//! batchSize=N`, 200–2000, default 2000), `WHERE SystemModstamp >= … AND SystemModstamp < …`
//! filters, `ORDER BY SystemModstamp` ascending or `DESC`, datetimes written `2026-01-05T10:00:00.000+0000`, error bodies as JSON arrays
//! (401 `INVALID_SESSION_ID` for a missing, expired or revoked session), `Sforce-Limit-Info` on
//! every response, and `/services/oauth2/userinfo`. Its OAuth server (web-server flow with
//! PKCE, JWT bearer, client credentials, revoke) is `oauth.rs` in Salesforce's style.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::dates::{epoch_ms, iso_millis, parse_iso_millis};
use crate::oauth::Registry;

/// Where the emulation is mounted; also its login host and `instance_url`.
pub(crate) const PREFIX: &str = "/salesforce";
/// The API version in paths.
const VERSION: &str = "v62.0";
/// The org's daily API allocation (a Developer Edition's).
const DAILY_LIMIT: u64 = 15_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Object {
    Account,
    Contact,
    Opportunity,
    Lead,
}

impl Object {
    fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "account" => Some(Self::Account),
            "contact" => Some(Self::Contact),
            "opportunity" => Some(Self::Opportunity),
            "lead" => Some(Self::Lead),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Account => "Account",
            Self::Contact => "Contact",
            Self::Opportunity => "Opportunity",
            Self::Lead => "Lead",
        }
    }

    /// The churn stream whose deletions apply to this object.
    fn stream(self) -> crate::churn::Stream {
        use crate::churn::Stream;
        match self {
            Self::Account => Stream::Accounts,
            Self::Contact => Stream::SalesforceContacts,
            Self::Opportunity => Stream::Opportunities,
            Self::Lead => Stream::Leads,
        }
    }

    fn id_prefix(self) -> &'static str {
        match self {
            Self::Account => "001",
            Self::Contact => "003",
            Self::Opportunity => "006",
            Self::Lead => "00Q",
        }
    }
}

/// Records per object for a data set size.
pub fn salesforce_counts(records: u64) -> Vec<crate::StreamCount> {
    let [accounts, contacts, opportunities, leads] = counts(records);
    [
        ("accounts", accounts),
        ("contacts", contacts),
        ("opportunities", opportunities),
        ("leads", leads),
    ]
    .into_iter()
    .map(|(stream, records)| crate::StreamCount {
        stream: stream.to_owned(),
        records,
    })
    .collect()
}

/// Records per object, in churn's order (accounts, contacts, opportunities, leads).
pub(crate) fn churn_counts(records: u64) -> [u64; 4] {
    counts(records)
}

/// The ids of records by index, for the tick report: (stream name, ids).
pub(crate) fn ids_of(slot: usize, indexes: &[u64]) -> (&'static str, Vec<String>) {
    let (name, object) = [
        ("accounts", Object::Account),
        ("contacts", Object::Contact),
        ("opportunities", Object::Opportunity),
        ("leads", Object::Lead),
    ][slot.min(3)];
    let ids = indexes
        .iter()
        .map(|index| record_id(object, *index))
        .collect();
    (name, ids)
}

fn record_id(object: Object, index: u64) -> String {
    format!("{}SBX{:012}", object.id_prefix(), index)
}

fn counts(records: u64) -> [u64; 4] {
    [
        (records / 10).max(1),
        records,
        (records / 4).max(1),
        (records / 2).max(1),
    ]
}

/// A query's remaining rows, kept for its `nextRecordsUrl`.
#[derive(Debug)]
struct Cursor {
    object: Object,
    fields: Vec<String>,
    rows: Vec<u64>,
    batch: usize,
}

pub(crate) struct Salesforce {
    shared: Arc<crate::Shared>,
    seed: u64,
    counts: [u64; 4],
    registry: Arc<Registry>,
    usage: AtomicU64,
    daily_limit: u64,
    locators: Mutex<HashMap<u64, Cursor>>,
    next_locator: AtomicU64,
}

impl Salesforce {
    pub(crate) fn new(shared: Arc<crate::Shared>, records: u64, daily_limit: Option<u64>) -> Self {
        let seed = shared.seed;
        let registry = shared.oauth.clone();
        Self {
            shared,
            seed,
            counts: counts(records),
            registry,
            usage: AtomicU64::new(0),
            daily_limit: daily_limit.unwrap_or(DAILY_LIMIT),
            locators: Mutex::new(HashMap::new()),
            next_locator: AtomicU64::new(1),
        }
    }

    fn modstamp(&self, object: Object, index: u64) -> u64 {
        modstamp(object, index, self.count(object))
    }

    fn count(&self, object: Object) -> u64 {
        match object {
            Object::Account => self.counts[0],
            Object::Contact => self.counts[1],
            Object::Opportunity => self.counts[2],
            Object::Lead => self.counts[3],
        }
    }
}

pub(crate) fn router(state: Arc<Salesforce>) -> Router {
    Router::new()
        .route(&format!("/services/data/{VERSION}/query"), get(query))
        .route(
            &format!("/services/data/{VERSION}/queryAll"),
            get(query_all),
        )
        .route(
            &format!("/services/data/{VERSION}/query/{{locator}}"),
            get(more),
        )
        .route("/services/oauth2/userinfo", get(userinfo))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), gateway))
        .with_state(state)
}

fn errors(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!([{ "message": message, "errorCode": code }])),
    )
        .into_response()
}

async fn not_found() -> Response {
    errors(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "The requested resource does not exist",
    )
}

/// Authenticates every call with a live session and reports the org's API usage.
async fn gateway(
    State(salesforce): State<Arc<Salesforce>>,
    request: Request,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let live = token.is_some_and(|token| salesforce.registry.access_ok(&token));
    let used = salesforce.usage.fetch_add(1, Ordering::Relaxed) + 1;
    let mut response = if !live {
        errors(
            StatusCode::UNAUTHORIZED,
            "INVALID_SESSION_ID",
            "Session expired or invalid",
        )
    } else if used > salesforce.daily_limit {
        errors(
            StatusCode::FORBIDDEN,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        )
    } else {
        next.run(request).await
    };
    let limit = salesforce.daily_limit;
    if let Ok(value) = HeaderValue::from_str(&format!("api-usage={}/{limit}", used.min(limit))) {
        response.headers_mut().insert("Sforce-Limit-Info", value);
    }
    response
}

async fn userinfo(State(salesforce): State<Arc<Salesforce>>) -> Response {
    let _ = salesforce.seed;
    axum::Json(json!({
        "sub": "https://login.salesforce.com/id/00DSBX0000000001AAA/005SBX0000000001AAA",
        "user_id": "005SBX0000000001AAA",
        "organization_id": "00DSBX0000000001AAA",
        "preferred_username": "admin@sandbox.example",
        "name": "Sandbox Admin",
        "email": "admin@sandbox.example",
        "zoneinfo": "Europe/Paris",
    }))
    .into_response()
}

/// Salesforce's datetime form: milliseconds and a `+0000` offset.
fn sf_datetime(epoch: u64) -> String {
    let text = iso_millis(epoch);
    format!("{}+0000", text.trim_end_matches('Z'))
}

/// A SOQL datetime literal (`2026-01-05T10:00:00.000+0000`, `…Z`, `…+00:00`).
fn literal(text: &str) -> Option<u64> {
    let text = text.trim();
    let normalized = if let Some(head) = text.strip_suffix("+0000") {
        format!("{head}Z")
    } else {
        text.to_owned()
    };
    parse_iso_millis(&normalized)
}

/// When a record was last modified: 37 minutes apart from 2026-01-01, closer together in a
/// large org so that every record was modified by the end of September 2026 (a range query up
/// to now must find them all).
fn modstamp(object: Object, index: u64, count: u64) -> u64 {
    let salt = match object {
        Object::Account => 0,
        Object::Contact => 7,
        Object::Opportunity => 13,
        Object::Lead => 29,
    };
    let step = 60_000.min(MODIFIED_SPAN_MS / (count.max(1) * 37 + 29));
    epoch_ms(2026, 1, 1) + (index * 37 + salt) * step
}

/// Records are modified within 270 days of 2026-01-01.
const MODIFIED_SPAN_MS: u64 = 270 * 86_400_000;

fn record(salesforce: &Salesforce, object: Object, index: u64) -> Map<String, Value> {
    let id = record_id(object, index);
    let accounts = salesforce.counts[0];
    let account_id = format!("001SBX{:012}", index % accounts);
    let mut rng = crate::rng::stream_rng(salesforce.seed, 0x5f00 + object as u64, index);
    let created = salesforce.modstamp(object, index) - 86_400_000 * (1 + index % 30);
    let mut fields = Map::new();
    fields.insert("Id".into(), json!(id));
    match object {
        Object::Account => {
            let industries = [
                "Technology",
                "Retail",
                "Manufacturing",
                "Healthcare",
                "Finance",
            ];
            fields.insert("Name".into(), json!(format!("Account {index}")));
            fields.insert(
                "Website".into(),
                json!(format!("account{index}.example.com")),
            );
            fields.insert("Industry".into(), json!(*rng.pick(&industries)));
            fields.insert(
                "BillingCity".into(),
                json!(*rng.pick(&["Paris", "Lyon", "Berlin", "Austin"])),
            );
            fields.insert(
                "BillingCountry".into(),
                json!(*rng.pick(&["France", "Germany", "United States"])),
            );
            fields.insert("NumberOfEmployees".into(), json!(10 + rng.below(5000)));
        }
        Object::Contact => {
            fields.insert("FirstName".into(), json!(format!("First{index}")));
            fields.insert("LastName".into(), json!(format!("Last{index}")));
            fields.insert("Email".into(), json!(format!("contact{index}@example.com")));
            fields.insert(
                "Phone".into(),
                json!(format!(
                    "+33 1 00 00 {:02} {:02}",
                    index % 100,
                    index / 100 % 100
                )),
            );
            fields.insert("AccountId".into(), json!(account_id));
        }
        Object::Opportunity => {
            let stages = [
                "Prospecting",
                "Qualification",
                "Proposal/Price Quote",
                "Closed Won",
                "Closed Lost",
            ];
            fields.insert("Name".into(), json!(format!("Opportunity {index}")));
            // Salesforce sends currency amounts as JSON numbers.
            fields.insert("Amount".into(), json!(((1 + rng.below(2000)) * 50) as f64));
            fields.insert("StageName".into(), json!(*rng.pick(&stages)));
            fields.insert(
                "CloseDate".into(),
                json!(
                    iso_millis(salesforce.modstamp(object, index) + 30 * 86_400_000)[..10]
                        .to_owned()
                ),
            );
            fields.insert("AccountId".into(), json!(account_id));
            fields.insert("OwnerId".into(), json!("005SBX0000000001AAA"));
        }
        Object::Lead => {
            fields.insert("FirstName".into(), json!(format!("Lead{index}")));
            fields.insert("LastName".into(), json!(format!("Prospect{index}")));
            fields.insert("Company".into(), json!(format!("Prospect Co {index}")));
            fields.insert("Email".into(), json!(format!("lead{index}@example.org")));
            let status = *rng.pick(&[
                "Open - Not Contacted",
                "Working - Contacted",
                "Closed - Converted",
            ]);
            fields.insert("Name".into(), json!(format!("Lead{index} Prospect{index}")));
            fields.insert("Status".into(), json!(status));
            fields.insert(
                "LeadSource".into(),
                json!(*rng.pick(&["Web", "Phone Inquiry", "Partner Referral", "Trade Show"])),
            );
            fields.insert(
                "Phone".into(),
                json!(format!("+1 415 555 {:04}", index % 10_000)),
            );
            fields.insert("IsConverted".into(), json!(status == "Closed - Converted"));
            fields.insert("OwnerId".into(), json!("005SBX0000000001AAA"));
        }
    }
    let deleted = salesforce
        .shared
        .churn
        .read()
        .is_deleted(object.stream(), index);
    fields.insert("IsDeleted".into(), json!(deleted));
    fields.insert("CreatedDate".into(), json!(sf_datetime(created)));
    fields.insert(
        "SystemModstamp".into(),
        json!(sf_datetime(salesforce.modstamp(object, index))),
    );
    fields
}

/// The shape Salesforce gives a record: `attributes`, then the selected fields.
fn shaped(salesforce: &Salesforce, object: Object, index: u64, fields: &[String]) -> Value {
    let full = record(salesforce, object, index);
    let mut out = Map::new();
    let id = full["Id"].as_str().unwrap_or_default().to_owned();
    out.insert(
        "attributes".into(),
        json!({ "type": object.name(), "url": format!("{PREFIX}/services/data/{VERSION}/sobjects/{}/{id}", object.name()) }),
    );
    for field in fields {
        let value = full
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(field))
            .map(|(_, value)| value.clone())
            .unwrap_or(Value::Null);
        out.insert(field.clone(), value);
    }
    Value::Object(out)
}

/// The little SOQL the emulation understands.
struct Soql {
    object: Object,
    fields: Vec<String>,
    since: Option<u64>,
    until: Option<u64>,
    /// `ORDER BY SystemModstamp` (then `Id`), ascending or with `DESC` descending; otherwise
    /// by `Id`.
    by_modstamp: Option<Direction>,
    /// `WHERE IsDeleted = true`: only the recycle bin (with `queryAll`).
    deleted_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ascending,
    Descending,
}

fn parse_soql(text: &str) -> Result<Soql, Response> {
    let malformed = |message: &str| errors(StatusCode::BAD_REQUEST, "MALFORMED_QUERY", message);
    let upper = text.to_ascii_uppercase();
    let select = upper
        .find("SELECT ")
        .ok_or_else(|| malformed("SOQL statements cannot be empty or null"))?;
    let from = upper
        .find(" FROM ")
        .ok_or_else(|| malformed("unexpected token: missing FROM"))?;
    let fields: Vec<String> = text[select + 7..from]
        .split(',')
        .map(|field| field.trim().to_owned())
        .filter(|field| !field.is_empty())
        .collect();
    let rest = &text[from + 6..];
    let name = rest.split_whitespace().next().unwrap_or_default();
    let object = Object::parse(name).ok_or_else(|| {
        errors(
            StatusCode::BAD_REQUEST,
            "INVALID_TYPE",
            &format!("sObject type '{name}' is not supported."),
        )
    })?;
    let mut soql = Soql {
        object,
        fields,
        since: None,
        until: None,
        by_modstamp: upper.find("ORDER BY SYSTEMMODSTAMP").map(|at| {
            let order = &upper[at..];
            if order
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|word| !word.is_empty())
                .nth(3)
                .is_some_and(|word| word == "DESC")
            {
                Direction::Descending
            } else {
                Direction::Ascending
            }
        }),
        deleted_only: false,
    };
    let tokens: Vec<&str> = rest.split_whitespace().collect();
    for window in tokens.windows(3) {
        if window[0].eq_ignore_ascii_case("IsDeleted") && window[1] == "=" {
            soql.deleted_only = window[2].eq_ignore_ascii_case("true");
        }
        // A comparison (`SystemModstamp >= …`), not the field in `ORDER BY SystemModstamp DESC`.
        if window[0].eq_ignore_ascii_case("SystemModstamp")
            && window[1].starts_with(['<', '>', '=', '!'])
        {
            let value = literal(window[2])
                .ok_or_else(|| malformed(&format!("line 1: invalid date-time: {}", window[2])))?;
            match window[1] {
                ">=" => soql.since = Some(value),
                "<" => soql.until = Some(value),
                other => return Err(malformed(&format!("unsupported operator {other}"))),
            }
        }
    }
    Ok(soql)
}

/// The org's own record (`SELECT Name, DefaultCurrencyIsoCode FROM Organization`): a
/// single-currency org in US dollars, as a Developer Edition starts.
fn organization(text: &str) -> Option<Response> {
    let upper = text.to_ascii_uppercase();
    let from = upper.find(" FROM ORGANIZATION")?;
    let select = upper.find("SELECT ")?;
    let mut record = Map::new();
    record.insert(
        "attributes".into(),
        json!({ "type": "Organization", "url": format!("{PREFIX}/services/data/{VERSION}/sobjects/Organization/00DSBX0000000001AAA") }),
    );
    for field in text[select + 7..from].split(',').map(str::trim) {
        let value = match field.to_ascii_lowercase().as_str() {
            "id" => json!("00DSBX0000000001AAA"),
            "name" => json!("Sandbox Org"),
            "defaultcurrencyisocode" => json!("USD"),
            _ => {
                return Some(errors(
                    StatusCode::BAD_REQUEST,
                    "INVALID_FIELD",
                    &format!("No such column '{field}' on entity 'Organization'."),
                ));
            }
        };
        record.insert(field.to_owned(), value);
    }
    Some(axum::Json(json!({ "totalSize": 1, "done": true, "records": [record] })).into_response())
}

fn batch_size(headers: &HeaderMap) -> usize {
    headers
        .get("Sforce-Query-Options")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .split(',')
                .find_map(|part| part.trim().strip_prefix("batchSize="))
        })
        .and_then(|size| size.trim().parse::<usize>().ok())
        .map_or(2000, |size| size.clamp(200, 2000))
}

/// `query`: live records only.
async fn query(
    State(salesforce): State<Arc<Salesforce>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    run_query(&salesforce, &params, &headers, false)
}

/// `queryAll`: live records and those in the recycle bin (`IsDeleted = true`).
async fn query_all(
    State(salesforce): State<Arc<Salesforce>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    run_query(&salesforce, &params, &headers, true)
}

fn run_query(
    salesforce: &Salesforce,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
    all: bool,
) -> Response {
    let Some(text) = params.get("q") else {
        return errors(
            StatusCode::BAD_REQUEST,
            "MALFORMED_QUERY",
            "SOQL statements cannot be empty or null",
        );
    };
    if let Some(answer) = organization(text) {
        return answer;
    }
    let soql = match parse_soql(text) {
        Ok(soql) => soql,
        Err(response) => return response,
    };
    let churn = salesforce.shared.churn.read();
    let stream = soql.object.stream();
    let mut rows: Vec<u64> = (0..salesforce.count(soql.object))
        .filter(|index| {
            let stamp = salesforce.modstamp(soql.object, *index);
            let deleted = churn.is_deleted(stream, *index);
            soql.since.is_none_or(|since| stamp >= since)
                && soql.until.is_none_or(|until| stamp < until)
                && (all || !deleted)
                && (!soql.deleted_only || deleted)
        })
        .collect();
    drop(churn);
    match soql.by_modstamp {
        Some(Direction::Ascending) => {
            rows.sort_by_key(|index| (salesforce.modstamp(soql.object, *index), *index));
        }
        Some(Direction::Descending) => {
            rows.sort_by_key(|index| {
                std::cmp::Reverse((salesforce.modstamp(soql.object, *index), *index))
            });
        }
        None => {}
    }
    let cursor = Cursor {
        object: soql.object,
        fields: soql.fields,
        rows,
        batch: batch_size(headers),
    };
    page(salesforce, cursor, 0)
}

async fn more(State(salesforce): State<Arc<Salesforce>>, Path(locator): Path<String>) -> Response {
    let parsed = locator
        .strip_prefix("01gSBX")
        .and_then(|rest| rest.split_once('-'))
        .and_then(|(id, offset)| Some((id.parse::<u64>().ok()?, offset.parse::<usize>().ok()?)));
    let Some((id, offset)) = parsed else {
        return errors(
            StatusCode::BAD_REQUEST,
            "INVALID_QUERY_LOCATOR",
            "invalid query locator",
        );
    };
    let cursor = salesforce
        .locators
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&id);
    match cursor {
        Some(cursor) => page(&salesforce, cursor, offset),
        None => errors(
            StatusCode::BAD_REQUEST,
            "INVALID_QUERY_LOCATOR",
            "invalid query locator",
        ),
    }
}

fn page(salesforce: &Salesforce, cursor: Cursor, offset: usize) -> Response {
    let total = cursor.rows.len();
    let end = (offset + cursor.batch).min(total);
    let records: Vec<Value> = cursor.rows[offset.min(end)..end]
        .iter()
        .map(|index| shaped(salesforce, cursor.object, *index, &cursor.fields))
        .collect();
    let mut body = json!({ "totalSize": total, "done": end >= total, "records": records });
    if end < total {
        let id = salesforce.next_locator.fetch_add(1, Ordering::Relaxed);
        // A path on the instance, as Salesforce sends it; the sandbox's instance lives under
        // its prefix.
        body["nextRecordsUrl"] = json!(format!(
            "{PREFIX}/services/data/{VERSION}/query/01gSBX{id}-{end}"
        ));
        salesforce
            .locators
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, cursor);
    }
    axum::Json(body).into_response()
}
