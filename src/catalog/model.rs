//! The provider definition format (`format = 1`): the serde model of `providers/*.toml`.
//!
//! Unknown keys are errors everywhere (`deny_unknown_fields`), so a typo never silently changes
//! what a definition means. The JSON Schema in `schemas/provider.schema.json` is generated from
//! these types.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One provider.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// The definition format; this build reads 1.
    pub format: u32,
    /// Revision of this definition, recorded in export manifests.
    pub version: u32,
    /// Lowercase id used on the command line (`inlet connect ID`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// What kind of service it is (`crm`, `billing`, `analytics`, …).
    pub category: String,
    /// Where its API is documented.
    pub docs: String,
    /// API base URL; may use `{input}` placeholders; a connection may override it.
    pub base_url: String,
    /// What the consultant registers at the provider before connecting (an OAuth client, a
    /// redirect URI, a service account's access), in a few lines; `providers show` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<String>,
    /// Origins besides the base URL's that the credential may be sent to (`https://host`,
    /// may use `{input}` placeholders). A next-page link or redirect to any other origin
    /// stops the stream instead of carrying the credential there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<String>,
    /// What `connect` asks for.
    #[serde(default)]
    pub inputs: Vec<Input>,
    /// Ways to authenticate; the first is the default (`connect --auth ID` picks another).
    pub auth: Vec<AuthMode>,
    /// The call that proves a credential works and names the account.
    pub verify: Verify,
    /// The call that revokes a credential at the provider, when it has one; `disconnect`
    /// makes it (best effort) before forgetting the secret.
    #[serde(default)]
    pub revoke: Option<Request>,
    /// Request budget and throttle signals.
    #[serde(default)]
    pub limits: Limits,
    /// Headers sent with every request to the provider's API (verify, streams, revoke), e.g.
    /// Stripe's `Stripe-Version`, which pins the shapes of the objects it returns; a request's
    /// own `headers` win over these.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The kinds of record the provider yields.
    pub streams: Vec<Stream>,
}

impl Provider {
    /// The headers of one request: the provider's, then the request's own.
    pub fn headers_for<'a>(
        &'a self,
        request: &'a BTreeMap<String, String>,
    ) -> impl Iterator<Item = (&'a String, &'a String)> {
        self.headers
            .iter()
            .filter(|(name, _)| {
                !request
                    .keys()
                    .any(|own| own.eq_ignore_ascii_case(name.as_str()))
            })
            .chain(request.iter())
    }
}

/// One thing `connect` asks for.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// Name, used in templates as `{name}` and with `connect --set name=VALUE`.
    pub name: String,
    /// What to call it when asking.
    pub label: String,
    /// Secret inputs go to the keychain and are read by hidden prompt or `--token-stdin`.
    #[serde(default)]
    pub secret: bool,
    /// A regular expression the value must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// An example of its shape (never a real value).
    #[serde(default)]
    pub example: Option<String>,
    /// The value when none is given (non-secret inputs).
    #[serde(default)]
    pub default: Option<String>,
    /// The auth modes that ask for it (default: every mode).
    #[serde(default)]
    pub modes: Vec<String>,
    /// Values `connect` lists with the credential, for the consultant to pick one.
    #[serde(default)]
    pub choices: Option<Choices>,
}

impl Input {
    /// Whether `connect --auth MODE` asks for this input.
    pub fn used_by(&self, mode: &str) -> bool {
        self.modes.is_empty() || self.modes.iter().any(|name| name == mode)
    }
}

/// Values of an input that `connect` lists with the credential being connected, for the
/// consultant to pick one (GA4 properties, Search Console sites).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choices {
    /// The listing request.
    pub request: Request,
    /// JSON pointer to the list; a `*` step goes into every element of an array
    /// (`/accountSummaries/*/propertySummaries`).
    pub items: String,
    /// JSON pointer (within an item) to the value.
    pub value: String,
    /// Text removed from the front of the value (`properties/`).
    #[serde(default)]
    pub strip_prefix: Option<String>,
    /// How an item is shown: `{/pointer}` is replaced by that value of the item.
    pub label: String,
    /// The listing's pages: only `body_cursor` (e.g. `nextPageToken` → `pageToken`) or `none`.
    #[serde(default = "one_page")]
    pub paginator: Paginator,
}

fn one_page() -> Paginator {
    Paginator::None
}

/// One way to present a credential.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthMode {
    /// Id for `connect --auth`.
    pub id: String,
    /// Human name.
    pub label: String,
    /// How the secret is sent.
    pub kind: AuthKind,
    /// The secret input it sends (`bearer`, `basic`, `header`).
    #[serde(default)]
    pub secret: Option<String>,
    /// The header name, for `kind = "header"`.
    #[serde(default)]
    pub header: Option<String>,
    /// How the access token is obtained and renewed, for `kind = "oauth2"`.
    #[serde(default)]
    pub oauth: Option<super::oauth::OAuth>,
}

/// How a secret is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// `Authorization: Bearer SECRET`.
    Bearer,
    /// HTTP Basic with the secret as user name and an empty password (Stripe's style).
    Basic,
    /// A custom header (`header`) carrying the secret.
    Header,
    /// An OAuth 2.0 access token, sent as `Authorization: Bearer`, obtained and refreshed as
    /// `[auth.oauth]` says.
    Oauth2,
}

/// A resolved way of sending a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    Bearer,
    Basic,
    Header(String),
}

impl AuthMode {
    /// The scheme, with its header name resolved (validation guarantees it is there).
    pub fn scheme(&self) -> AuthScheme {
        match self.kind {
            AuthKind::Bearer | AuthKind::Oauth2 => AuthScheme::Bearer,
            AuthKind::Basic => AuthScheme::Basic,
            AuthKind::Header => AuthScheme::Header(self.header.clone().unwrap_or_default()),
        }
    }
}

/// The verify call: a request, and where the account's id and name are in its response.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Verify {
    /// Another host of the provider for the verify call (see [`Request::base_url`]).
    #[serde(default)]
    pub base_url: Option<String>,
    /// `GET` (default) or `POST`.
    #[serde(default)]
    pub method: Method,
    /// Path below the base URL.
    pub path: String,
    /// Query parameters.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Extra headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// JSON pointer to the account id in the response.
    pub account_id: String,
    /// Account name template: `{/pointer}` is replaced by that value of the response.
    pub account_name: String,
}

impl Verify {
    /// The verify call as a request.
    pub fn request(&self) -> Request {
        Request {
            base_url: self.base_url.clone(),
            method: self.method,
            path: self.path.clone(),
            query: self.query.clone(),
            body: None,
            headers: self.headers.clone(),
        }
    }
}

/// An HTTP request template. Strings may hold placeholders: `{since}`, `{until}` (incremental
/// bounds in the stream's cursor format), `{start_date}`, `{end_date}` (a report stream's days)
/// and `{INPUT}` for non-secret inputs (percent-encoded in the path).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Another host of the provider for this request (GA4's Admin API); a connection made with
    /// `--base-url` sends it there instead, as it does every request.
    #[serde(default)]
    pub base_url: Option<String>,
    /// `GET` (default) or `POST`.
    #[serde(default)]
    pub method: Method,
    /// Path below the base URL.
    pub path: String,
    /// Query parameters.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// A JSON body (for `POST`); strings in it may hold placeholders.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// Extra headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

/// HTTP methods a definition may use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    #[default]
    Get,
    Post,
}

/// Request budget, the headers that report what is left, and the provider's throttle signals.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Requests allowed per `per` window (e.g. 100).
    #[serde(default)]
    pub requests: Option<u32>,
    /// The window, as a duration (`10s`, `1m`).
    #[serde(default)]
    pub per: Option<String>,
    /// Response header with the requests left in the current window.
    #[serde(default)]
    pub remaining_header: Option<String>,
    /// Response header with the window length in milliseconds (HubSpot's style).
    #[serde(default)]
    pub interval_ms_header: Option<String>,
    /// Response header with the number of requests the window allows.
    #[serde(default)]
    pub limit_header: Option<String>,
    /// Responses that mean "slow down" beyond plain 429.
    #[serde(default)]
    pub throttle: Vec<Throttle>,
    /// Responses that stop a stream for longer than a run can wait, without blaming the
    /// credential: an allowance used up (Salesforce's daily `REQUEST_LIMIT_EXCEEDED`) or a
    /// scope the credential lacks for one stream (HubSpot's `MISSING_SCOPES`). The stream stops
    /// with the message, without retrying; the other streams go on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exhausted: Vec<Exhausted>,
    /// The largest response body inlet reads, in bytes (default 64 MiB); a larger one fails
    /// the stream instead of filling memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_response_bytes: Option<u64>,
    /// A quota reported in response bodies (GA4 `propertyQuota`).
    #[serde(default)]
    pub quota: Option<super::report::Quota>,
    /// A long-window allowance reported in a response header (Salesforce's
    /// `Sforce-Limit-Info: api-usage=USED/LIMIT` over 24 hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowance: Option<Allowance>,
}

/// An allowance over a long window (a day) that the provider reports with every response as
/// `PREFIX=USED/LIMIT`. Others share it (a Salesforce org's other integrations), so a fetch
/// stops while a reserve is left, and resumes at the next run.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Allowance {
    /// The response header (`Sforce-Limit-Info`).
    pub header: String,
    /// The part of the header before `=USED/LIMIT` (`api-usage`).
    pub prefix: String,
    /// Stop when this share of the allowance, in percent, or less is left (default 10).
    #[serde(default = "default_reserve_percent")]
    pub reserve_percent: u8,
    /// What the allowance is, for messages ("the Salesforce org's API requests of the last 24
    /// hours").
    pub describe: String,
}

fn default_reserve_percent() -> u8 {
    10
}

impl Allowance {
    /// `(used, limit)` from the header's value, e.g. `api-usage=1200/15000`; other parts of
    /// the header (`per-app-api-usage=…`) are skipped.
    pub fn read(&self, value: &str) -> Option<(u64, u64)> {
        value.split(',').find_map(|part| {
            let (name, numbers) = part.trim().split_once('=')?;
            if name.trim() != self.prefix {
                return None;
            }
            let (used, limit) = numbers.split_once('/')?;
            Some((used.trim().parse().ok()?, limit.trim().parse().ok()?))
        })
    }
}

/// A provider-specific throttle signal.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Throttle {
    /// HTTP status (429, or e.g. 403 for Salesforce's `REQUEST_LIMIT_EXCEEDED`).
    pub status: u16,
    /// Only when the body contains this text.
    #[serde(default)]
    pub body_contains: Option<String>,
    /// How long to wait when the response has no `Retry-After` (a duration, e.g. `1s`).
    #[serde(default)]
    pub wait: Option<String>,
}

/// A response that means the provider's allowance is used up until later.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exhausted {
    /// HTTP status (e.g. 403).
    pub status: u16,
    /// Only when the body contains this text (e.g. `REQUEST_LIMIT_EXCEEDED`).
    #[serde(default)]
    pub body_contains: Option<String>,
    /// What to tell the user: which allowance, and when it frees up.
    pub message: String,
}

/// A listing of deleted records, read whole after each complete pass of its stream (providers
/// keep deletions for a while: HubSpot 90 days, Stripe's events 30, Salesforce's recycle bin 15),
/// so a fetch that missed one run still sees them.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deletions {
    /// The listing request.
    pub request: Request,
    /// JSON pointer to the array of items in a page.
    pub records: String,
    /// JSON pointer (within an item) to the deleted record's id, as the stream's
    /// `primary_key` reads it (Stripe events: `/data/object/id`).
    pub id: String,
    /// How the listing pages (default: the stream's paginator; a cursor taken from the last
    /// item reads the stream's `primary_key` within the item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paginator: Option<Paginator>,
}

/// A listing of changes since a time (Stripe's `/v1/events`), each item carrying the changed
/// record as it stood after the change. Read before each incremental pass from the pass's
/// start; the newest version of each record is kept. A start older than `history` (what the
/// provider keeps) makes the fetch a full one, since changes before it can no longer be listed.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    /// The listing request; `{since}` is the pass's start, in `format`.
    pub request: Request,
    /// JSON pointer to the array of items in a page.
    pub records: String,
    /// JSON pointer (within an item) to the changed record (Stripe: `/data/object`).
    pub record: String,
    /// JSON pointer (within an item) to when the change happened (Stripe: `/created`).
    pub cursor: String,
    /// How `cursor` and `{since}` are written.
    pub format: CursorFormat,
    /// How far back the provider lists changes (Stripe: `30d`).
    pub history: String,
    /// How the listing pages (default: the stream's paginator; a cursor taken from the last
    /// item reads the stream's `primary_key` within the item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paginator: Option<Paginator>,
}

/// A pass read as ranges `[since, until)` of a record's creation time, several in flight at once
/// within the connection's budget. One list pages at one round trip per page; ranges multiply
/// that. The list must come newest first by `field`. A range that shows more to come is split in
/// two whenever a slot is free, so the work spreads whatever the records' spread over time, and
/// a small account costs one request as before.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Partitions {
    /// The request of one range: `{since}` (inclusive) and `{until}` (exclusive), in `format`;
    /// it pages with the stream's paginator and selects the stream's records.
    pub request: Request,
    /// JSON pointer (within a record) to the time the ranges divide (Stripe: `/created`).
    pub field: String,
    /// How `field`, `{since}` and `{until}` are written.
    pub format: CursorFormat,
    /// Nothing is older (RFC 3339): where a full pass's first range starts.
    pub start: String,
    /// Ranges in flight at once, at most.
    #[serde(default = "default_partition_jobs")]
    pub jobs: u32,
    /// JSON pointer (in a response) to how many records the range's query matches, when the
    /// provider says (Salesforce: `/totalSize`). Read on each range's first page, it tells how
    /// much is left: a range with few pages left is not split, and a split falls where the
    /// records are likely to be rather than in the middle of a mostly empty span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
}

fn default_partition_jobs() -> u32 {
    4
}

/// A batch read of links (HubSpot v4 `associations/{from}/{to}/batch/read`): the engine puts
/// up to `batch` record ids as `[{"id": …}, …]` at `inputs` in the request body, and reads, per
/// item of `results`, the record at `from` and the linked ids at `to`/`to_id`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Association {
    /// The entity field the links fill (`company_ids`, a list of references), unless the
    /// mapping sets it.
    pub field: String,
    /// The stream of the same connection the linked ids belong to (`companies`).
    pub stream: String,
    /// The request (a `POST` with a JSON body).
    pub request: Request,
    /// Record ids per request (HubSpot allows 1,000; default 100).
    #[serde(default = "default_batch")]
    pub batch: usize,
    /// JSON pointer in the body where the ids go, as `[{"id": "…"}]`.
    pub inputs: String,
    /// JSON pointer to the list of results.
    pub results: String,
    /// JSON pointer (within a result) to the record's id.
    pub from: String,
    /// JSON pointer (within a result) to the list of links.
    pub to: String,
    /// JSON pointer (within a link) to the linked record's id.
    pub to_id: String,
}

fn default_batch() -> usize {
    100
}

/// One kind of record.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stream {
    /// Stream name, unique within the provider.
    pub name: String,
    /// The normalized entity it feeds.
    pub entity: Entity,
    /// The full-refresh request.
    pub request: Request,
    /// JSON pointer to the array of records in a page.
    pub records: String,
    /// JSON pointer (within a record) to its id.
    pub primary_key: String,
    /// JSON pointer (within a record) to its last-modified time, for `updated_at`.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// How to get from one page to the next.
    pub paginator: Paginator,
    /// How to fetch only what changed since the last fetch.
    #[serde(default)]
    pub incremental: Option<Incremental>,
    /// How records are written.
    #[serde(default)]
    pub write: WriteMode,
    /// A report stream: dated rows, re-pulled over a restatement window (`write = "replace"`).
    #[serde(default)]
    pub report: Option<super::report::Report>,
    /// Where the provider lists the records it deleted (HubSpot's archived objects, Stripe's
    /// `customer.deleted` events, Salesforce's recycle bin through `queryAll`): after every
    /// complete pass, those records leave the cache and the export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletions: Option<Deletions>,
    /// Where the provider lists what changed since a time, with each changed record (Stripe's
    /// events API): read before each incremental pass, for providers whose lists filter only
    /// on creation, so changes to older records are seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Changes>,
    /// Links to records of other streams that the records do not carry (HubSpot's deal ↔
    /// company and deal ↔ contact associations), read in batches after each pass (for every
    /// record after a full pass, for those it wrote after an incremental one) and written into
    /// an entity's list of references as the rows are read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub associations: Vec<Association>,
    /// Read passes as ranges of a record's creation time, several at once (Stripe's `created`
    /// filters), where one list's round trip per page would bound the stream's speed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<Partitions>,
    /// Normalized field → where it comes from in the record.
    pub normalize: BTreeMap<String, FieldSpec>,
}

/// Pagination strategies. Each stops on its own rule; all share the safety nets (a repeated
/// cursor or an identical page is an error, `max_pages`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Paginator {
    /// One request, no pages.
    None,
    /// A cursor from a body field, sent back as a parameter; stops when it is absent
    /// (HubSpot `paging.next.after`).
    BodyCursor {
        /// JSON pointer to the next cursor.
        cursor: String,
        /// Parameter that carries it.
        param: String,
        /// Where the parameter goes.
        #[serde(default)]
        location: Location,
        #[serde(default = "default_max_pages")]
        max_pages: u64,
    },
    /// The next page's URL (or path) from a body field; stops when absent or when `done` is
    /// true (Salesforce `nextRecordsUrl` + `done`).
    NextUrl {
        /// JSON pointer to the next URL.
        next: String,
        /// JSON pointer to a "this was the last page" flag.
        #[serde(default)]
        done: Option<String>,
        #[serde(default = "default_max_pages")]
        max_pages: u64,
    },
    /// A `has_more` flag and the last record's id sent as a parameter (Stripe
    /// `starting_after`).
    HasMore {
        /// JSON pointer to the flag.
        has_more: String,
        /// Parameter that carries the last record's id.
        param: String,
        /// JSON pointer (within a record) to the id to send; default: the primary key.
        #[serde(default)]
        last_id: Option<String>,
        #[serde(default = "default_max_pages")]
        max_pages: u64,
    },
    /// Offset and limit parameters; stops at `total` or on a short page (GA4 `rowCount`,
    /// Search Console `startRow`).
    Offset {
        /// Parameter for the offset.
        offset_param: String,
        /// Parameter for the page size.
        limit_param: String,
        /// Page size.
        limit: u64,
        /// JSON pointer to the total number of records, when the provider reports one.
        #[serde(default)]
        total: Option<String>,
        #[serde(default)]
        location: Location,
        #[serde(default = "default_max_pages")]
        max_pages: u64,
    },
    /// A page number parameter; stops on an empty or short page, or past `total_pages`.
    PageNumber {
        /// Parameter for the page number.
        param: String,
        /// The first page's number.
        #[serde(default = "one")]
        start: u64,
        /// Page size parameter and value, when the provider takes one.
        #[serde(default)]
        size_param: Option<String>,
        #[serde(default)]
        size: Option<u64>,
        /// JSON pointer to the number of pages, when reported.
        #[serde(default)]
        total_pages: Option<String>,
        #[serde(default = "default_max_pages")]
        max_pages: u64,
    },
    /// The RFC 8288 `Link` header's `rel="next"` URL.
    LinkHeader {
        #[serde(default = "default_max_pages")]
        max_pages: u64,
    },
}

impl Paginator {
    /// The page limit of this paginator.
    pub fn max_pages(&self) -> u64 {
        match self {
            Self::None => 1,
            Self::BodyCursor { max_pages, .. }
            | Self::NextUrl { max_pages, .. }
            | Self::HasMore { max_pages, .. }
            | Self::Offset { max_pages, .. }
            | Self::PageNumber { max_pages, .. }
            | Self::LinkHeader { max_pages } => *max_pages,
        }
    }
}

/// Where a paginator's parameters go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// The query string.
    #[default]
    Query,
    /// A top-level field of the JSON body.
    Body,
}

fn default_max_pages() -> u64 {
    1_000_000
}

fn one() -> u64 {
    1
}

/// Incremental fetching: a watermark per stream, and a request that asks only for what changed.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Incremental {
    /// JSON pointer (within a record) to the value the watermark follows.
    pub cursor: String,
    /// How `{since}` and `{until}` are written into the request.
    pub format: CursorFormat,
    /// How far before the watermark to start again (a duration), for late-arriving changes.
    #[serde(default)]
    pub lookback: Option<String>,
    /// The incremental request (e.g. a search endpoint); default: the stream's request.
    #[serde(default)]
    pub request: Option<Request>,
    /// Its paginator; default: the stream's.
    #[serde(default)]
    pub paginator: Option<Paginator>,
    /// Its record selector; default: the stream's.
    #[serde(default)]
    pub records: Option<String>,
    /// Slice `[since, now)` into windows of this length (a duration). Without it the whole span
    /// is one window, halved only when its total passes `max_results`: the fewest requests.
    #[serde(default)]
    pub window: Option<String>,
    /// The provider's cap on results per query: windows whose total exceeds it are halved until
    /// they fit.
    #[serde(default)]
    pub max_results: Option<MaxResults>,
}

/// A cap on results per query (HubSpot search: 10,000).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaxResults {
    /// JSON pointer to the query's total in the first page.
    pub total: String,
    /// The cap.
    pub limit: u64,
}

/// How a cursor value is written into requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CursorFormat {
    /// RFC 3339, UTC, milliseconds.
    Rfc3339,
    /// Milliseconds since the Unix epoch.
    EpochMs,
    /// Seconds since the Unix epoch.
    EpochS,
}

impl CursorFormat {
    /// The name a definition writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rfc3339 => "rfc3339",
            Self::EpochMs => "epoch_ms",
            Self::EpochS => "epoch_s",
        }
    }
}

/// How records are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WriteMode {
    /// Insert or update by primary key.
    #[default]
    Upsert,
    /// Replace by date window (report streams): the days a fetch asked for are replaced by
    /// what it got, when the last page of the window commits; never appended to.
    Replace,
}

/// The normalized entities of the export contract (their shapes live in [`crate::entities`]).
pub use crate::entities::Entity;

/// Where a normalized field comes from: a JSON pointer, or a pointer with a type.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum FieldSpec {
    /// A JSON pointer; the value is kept as a string.
    Pointer(String),
    /// A JSON pointer and a conversion.
    Typed {
        from: String,
        #[serde(rename = "type")]
        kind: FieldType,
        /// For `money`: JSON pointer to the amount's ISO currency code (required).
        #[serde(default)]
        currency: Option<String>,
        /// For `money`: the currency when the record has none at `currency` (or the mapping
        /// names no pointer): a template of the connection's inputs, e.g. `{currency}` for a
        /// Salesforce org's default currency, picked at connect.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_currency: Option<String>,
        /// The value when the record has none at `from`: a template of the connection's inputs
        /// (`{currency}`), converted like the record's value would be.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<String>,
        /// For `money`: `major` (default) when the amount is written in major units
        /// (`"2739.70"`), `minor` when it is an integer of minor units (Stripe's cents).
        #[serde(default)]
        units: Option<MoneyUnits>,
        /// For `reference` and `references`: the stream (of the same connection) whose records
        /// the value points to; the value becomes that row's `id`.
        #[serde(default)]
        stream: Option<String>,
        /// For `references`: JSON pointer, within each element of the array, to the id
        /// (default: the element itself).
        #[serde(default)]
        id: Option<String>,
        /// No longer read: money is exact (`units = "minor"` replaces `scale = 100`);
        /// validation explains it.
        #[serde(default)]
        scale: Option<f64>,
    },
    /// A constant.
    Constant { constant: serde_json::Value },
}

/// Types a normalized field can be converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    String,
    Number,
    Integer,
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An instant, RFC 3339 UTC; accepts RFC 3339, epoch milliseconds and epoch seconds.
    Datetime,
    /// Exact money (integer minor units, currency, exponent, decimal text); needs
    /// `currency`, and `units = "minor"` for integer minor units.
    Money,
    /// Upper-case currency code.
    Currency,
    /// Another row's `id`: `CONNECTION:STREAM:VALUE` (needs `stream`).
    Reference,
    /// An array of other rows' `id`s (needs `stream`; `id` points within each element).
    References,
    /// The value as the record holds it (an object, an array, an exact number).
    Json,
}

/// How a money amount is written by the provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyUnits {
    /// A decimal in major units: `"2739.70"` dollars.
    #[default]
    Major,
    /// An integer of the currency's minor unit: `273970` cents.
    Minor,
}

impl FieldSpec {
    /// The JSON pointer the field reads, if any.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Self::Pointer(pointer) | Self::Typed { from: pointer, .. } => Some(pointer),
            Self::Constant { .. } => None,
        }
    }
}

#[cfg(test)]
mod allowance_tests {
    use super::Allowance;

    #[test]
    fn usage_is_read_from_its_part_of_the_header() {
        let allowance = Allowance {
            header: "Sforce-Limit-Info".into(),
            prefix: "api-usage".into(),
            reserve_percent: 10,
            describe: "the org's API requests".into(),
        };
        assert_eq!(allowance.read("api-usage=1200/15000"), Some((1200, 15000)));
        assert_eq!(
            allowance.read("per-app-api-usage=5/100(appName=x), api-usage=7/15000"),
            Some((7, 15000))
        );
        assert_eq!(allowance.read("api-usage=many/15000"), None);
        assert_eq!(allowance.read("per-app-api-usage=5/100"), None);
    }
}
