//! The fetch engine: pages through each stream with the definition's paginator, selects and
//! normalizes records, and commits each page with its checkpoint in one transaction. Streams of
//! a connection run concurrently under the connection's shared request budget; incremental
//! passes slice time into windows that stay under the provider's result cap.
//!
//! Nothing here prints: the command layer turns [`Progress`] events into bars.

mod paginate;
mod plan;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use jiff::Timestamp;
use secrecy::SecretString;
use serde_json::Value;

use crate::catalog::{AuthScheme, Provider, Stream};
use crate::http::{self, Budget, Call, Credential, Http, HttpError, Limiter, ThrottleRule};
use crate::normalize::{self, instant};
use crate::store::{ConnectionRow, Next, RecordRow, RunTotals, Store};

use plan::{Checkpoint, Mode, PageState, Vars};

/// What to fetch and how.
#[derive(Debug, Default, Clone)]
pub struct FetchOptions {
    /// Only these streams (empty: all).
    pub streams: Vec<String>,
    /// Start incremental streams here instead of at their watermark, for this run only.
    pub since: Option<Timestamp>,
    /// Ignore watermarks and checkpoints: fetch everything again.
    pub full_refresh: bool,
    /// Streams of one connection fetched at once.
    pub stream_jobs: usize,
    /// Set to stop at the next page boundary (Ctrl-C).
    pub stop: Option<&'static AtomicBool>,
    /// Stop at the next page boundary after this instant (the connection's timeout).
    pub deadline: Option<(tokio::time::Instant, Duration)>,
}

/// Something the engine did, for progress display.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    /// A stream started; `resumed` when it continues an interrupted fetch.
    StreamStarted {
        stream: &'a str,
        resumed: bool,
        incremental: bool,
    },
    /// A page was committed.
    Page {
        stream: &'a str,
        pages: u64,
        records: u64,
    },
    /// A stream ended.
    StreamFinished { stream: &'a str, outcome: Outcome },
}

/// What one stream's fetch did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StreamReport {
    pub stream: String,
    pub outcome: Outcome,
    /// `full` or `incremental`.
    pub mode: &'static str,
    pub resumed: bool,
    pub pages: u64,
    pub requests: u64,
    pub records_seen: u64,
    pub records_new: u64,
    pub records_updated: u64,
    /// The stream's watermark after this run.
    pub watermark: Option<String>,
    /// True when the provider refused the credential.
    pub credentials_problem: bool,
    pub error: Option<String>,
}

/// What one connection's fetch did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConnectionReport {
    pub connection: String,
    pub provider: String,
    pub run_id: i64,
    pub outcome: Outcome,
    pub pages: u64,
    pub requests: u64,
    pub records_new: u64,
    pub records_updated: u64,
    pub duration_ms: u64,
    /// Time spent waiting for the request budget.
    pub budget_wait_ms: u64,
    /// Requests left in the provider's window at the end, when it reports it.
    pub budget_remaining: Option<u64>,
    /// True when the failure is the credential's (exit 4).
    pub credentials_problem: bool,
    pub error: Option<String>,
    pub streams: Vec<StreamReport>,
}

/// How a run or stream ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Failed,
    /// Stopped at a page boundary by the user; resumes next time.
    Interrupted,
    /// Not fetched: another run holds the connection's lock.
    Locked,
}

impl Outcome {
    /// As stored in the cache.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
            Self::Locked => "locked",
        }
    }
}

/// Why a stream stopped early.
#[derive(Debug, thiserror::Error)]
enum StreamError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Protocol(String),
    #[error("interrupted")]
    Interrupted,
    #[error("stopped after the connection's timeout ({}); the next run resumes where it stopped", crate::schedule::format_secs(.0.as_secs()))]
    TimedOut(Duration),
}

/// Everything a connection's streams share.
struct Connection<'a> {
    provider: &'a Arc<Provider>,
    row: &'a ConnectionRow,
    secret: &'a SecretString,
    scheme: AuthScheme,
    settings: BTreeMap<String, String>,
    base_url: String,
    limiter: Limiter,
    throttle: Vec<ThrottleRule>,
}

impl Connection<'_> {
    fn credential(&self) -> Credential<'_> {
        match &self.scheme {
            AuthScheme::Bearer => Credential::Bearer(self.secret),
            AuthScheme::Basic => Credential::Basic(self.secret),
            AuthScheme::Header(header) => Credential::Header(header, self.secret),
        }
    }

    fn budget(&self) -> Budget<'_> {
        Budget {
            limiter: Some(&self.limiter),
            throttle: &self.throttle,
            remaining_header: self.provider.limits.remaining_header.as_deref(),
            interval_ms_header: self.provider.limits.interval_ms_header.as_deref(),
            limit_header: self.provider.limits.limit_header.as_deref(),
        }
    }
}

/// The connection's request budget from its definition.
pub fn limiter_for(provider: &Provider) -> Limiter {
    match (
        provider.limits.requests,
        plan::duration(provider.limits.per.as_deref()),
    ) {
        (Some(requests), Some(window)) => Limiter::new(requests, window),
        _ => Limiter::unlimited(),
    }
}

/// The throttle rules of a definition, resolved.
pub fn throttle_rules(provider: &Provider) -> Vec<ThrottleRule> {
    provider
        .limits
        .throttle
        .iter()
        .map(|rule| ThrottleRule {
            status: rule.status,
            body_contains: rule.body_contains.clone(),
            wait: plan::duration(rule.wait.as_deref()),
        })
        .collect()
}

/// Renders a base URL template with a connection's settings.
pub fn render_base_url(template: &str, settings: &BTreeMap<String, String>) -> String {
    Vars {
        settings,
        since: None,
        until: None,
    }
    .render(template)
}

/// Sends one request of a definition (the verify call) with a credential, no pagination.
pub async fn call_once(
    http: &Http,
    scheme: &AuthScheme,
    base_url: &str,
    settings: &BTreeMap<String, String>,
    secret: &SecretString,
    request: &crate::catalog::Request,
) -> Result<http::Response, HttpError> {
    let vars = Vars {
        settings,
        since: None,
        until: None,
    };
    let mut url = http::join(
        &render_base_url(base_url, settings),
        &vars.render(&request.path),
    )?;
    for (key, value) in &request.query {
        url.query_pairs_mut().append_pair(key, &vars.render(value));
    }
    let credential = match scheme {
        AuthScheme::Bearer => Credential::Bearer(secret),
        AuthScheme::Basic => Credential::Basic(secret),
        AuthScheme::Header(header) => Credential::Header(header, secret),
    };
    let call = Call {
        post: request.method == crate::catalog::Method::Post,
        url,
        body: request.body.as_ref().map(|body| vars.render_json(body)),
        headers: request
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), vars.render(value)))
            .collect(),
        credential,
    };
    http.call(&call, Budget::default()).await
}

/// Fetches the selected streams of one connection. Stream failures are recorded in the report
/// and the run, not returned: one failing stream or connection must not stop the others.
pub async fn fetch_connection(
    db: &Path,
    http: &Http,
    provider: &Arc<Provider>,
    row: &ConnectionRow,
    secret: &SecretString,
    options: &FetchOptions,
    progress: &dyn Fn(Progress<'_>),
) -> anyhow::Result<ConnectionReport> {
    let started = Instant::now();
    let mut store = Store::open(db)?;
    let run_id = store.begin_run(&row.id)?;
    let settings: BTreeMap<String, String> =
        serde_json::from_str(&row.settings).unwrap_or_default();
    let scheme = provider.auth_mode(row.auth_mode.as_deref())?.scheme();
    let connection = Connection {
        provider,
        row,
        secret,
        scheme,
        base_url: render_base_url(&row.base_url, &settings),
        settings,
        limiter: limiter_for(provider),
        throttle: throttle_rules(provider),
    };
    let streams: Vec<&Stream> = provider
        .streams
        .iter()
        .filter(|stream| options.streams.is_empty() || options.streams.contains(&stream.name))
        .collect();
    let jobs = options.stream_jobs.max(1);
    let mut reports: Vec<StreamReport> = futures_util::stream::iter(streams)
        .map(|stream| run_stream(db, http, &connection, stream, options, progress))
        .buffer_unordered(jobs)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    // Report in the definition's order, whatever order the streams finished in.
    reports.sort_by_key(|report| {
        provider
            .streams
            .iter()
            .position(|stream| stream.name == report.stream)
    });

    let mut report = ConnectionReport {
        connection: row.id.clone(),
        provider: provider.id.clone(),
        run_id,
        outcome: Outcome::Ok,
        pages: 0,
        requests: 0,
        records_new: 0,
        records_updated: 0,
        duration_ms: 0,
        budget_wait_ms: u64::try_from(connection.limiter.waited().as_millis()).unwrap_or(u64::MAX),
        budget_remaining: connection.limiter.reported_remaining(),
        credentials_problem: false,
        error: None,
        streams: Vec::new(),
    };
    for stream in &reports {
        store.record_run_stream(run_id, &stream.stream, &totals_of(stream))?;
        report.pages += stream.pages;
        report.requests += stream.requests;
        report.records_new += stream.records_new;
        report.records_updated += stream.records_updated;
        report.credentials_problem |= stream.credentials_problem;
        match stream.outcome {
            Outcome::Ok => {}
            Outcome::Failed => {
                report.outcome = Outcome::Failed;
                if report.error.is_none() {
                    report.error = stream
                        .error
                        .as_ref()
                        .map(|error| format!("{}: {error}", stream.stream));
                }
            }
            Outcome::Interrupted | Outcome::Locked => {
                if report.outcome == Outcome::Ok {
                    report.outcome = stream.outcome;
                }
            }
        }
    }
    report.streams = reports;
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let totals = RunTotals {
        outcome: report.outcome.as_str().to_owned(),
        pages: report.pages,
        requests: report.requests,
        records_new: report.records_new,
        records_updated: report.records_updated,
        error: report.error.clone(),
        credentials_problem: report.credentials_problem,
        budget_remaining: report.budget_remaining,
    };
    store.finish_run(run_id, &totals)?;
    Ok(report)
}

/// Fetches one stream on its own cache connection. Returns `Err` only when the cache fails.
async fn run_stream(
    db: &Path,
    http: &Http,
    connection: &Connection<'_>,
    stream: &Stream,
    options: &FetchOptions,
    progress: &dyn Fn(Progress<'_>),
) -> anyhow::Result<StreamReport> {
    let store = Store::open(db)?;
    let state = store.stream_state(&connection.row.id, &stream.name)?;
    let watermark = state.watermark.as_deref().and_then(instant);
    let resume = if options.full_refresh || options.since.is_some() {
        None
    } else {
        state
            .checkpoint
            .as_deref()
            .and_then(|text| serde_json::from_str::<Checkpoint>(text).ok())
    };
    let resumed = resume.is_some();
    let checkpoint = resume.unwrap_or_else(|| {
        Checkpoint::start(stream, watermark, options.since, options.full_refresh)
    });
    let incremental = matches!(checkpoint.mode, Mode::Incremental { .. });
    progress(Progress::StreamStarted {
        stream: &stream.name,
        resumed,
        incremental,
    });
    let mut report = StreamReport {
        stream: stream.name.clone(),
        outcome: Outcome::Ok,
        mode: if incremental { "incremental" } else { "full" },
        resumed,
        pages: 0,
        requests: 0,
        records_seen: 0,
        records_new: 0,
        records_updated: 0,
        watermark: None,
        credentials_problem: false,
        error: None,
    };
    let mut writer = Writer::new(store);
    let result = page_loop(
        &mut writer,
        http,
        connection,
        stream,
        checkpoint,
        options,
        &mut report,
        progress,
    )
    .await;
    // Whatever ended the loop, the page already handed to the writer is committed first.
    let settled = writer.settle(&mut report, progress, &stream.name).await;
    let store = writer.store.take();
    match result.and(settled) {
        Ok(()) => {}
        Err(StreamError::Store(error)) => return Err(error.into()),
        Err(StreamError::Interrupted) => report.outcome = Outcome::Interrupted,
        Err(error) => {
            report.outcome = Outcome::Failed;
            if let StreamError::Http(http) = &error {
                report.credentials_problem = http.is_credentials();
            }
            tracing::debug!(stream = %stream.name, error = %error, "stream failed");
            report.error = Some(error.to_string());
        }
    }
    let store = match store {
        Some(store) => store,
        None => Store::open(db)?,
    };
    report.watermark = store
        .stream_state(&connection.row.id, &stream.name)?
        .watermark;
    progress(Progress::StreamFinished {
        stream: &stream.name,
        outcome: report.outcome,
    });
    Ok(report)
}

#[expect(
    clippy::too_many_arguments,
    reason = "the loop's inputs are distinct; one caller"
)]
async fn page_loop(
    writer: &mut Writer,
    http: &Http,
    connection: &Connection<'_>,
    stream: &Stream,
    mut checkpoint: Checkpoint,
    options: &FetchOptions,
    report: &mut StreamReport,
    progress: &dyn Fn(Progress<'_>),
) -> Result<(), StreamError> {
    let mut previous_page: Option<u64> = None;
    loop {
        if options
            .stop
            .is_some_and(|stop| stop.load(Ordering::Relaxed))
        {
            return Err(StreamError::Interrupted);
        }
        if let Some((deadline, timeout)) = options.deadline
            && tokio::time::Instant::now() >= deadline
        {
            return Err(StreamError::TimedOut(timeout));
        }
        let shape = checkpoint.shape(stream);
        if checkpoint.pages >= shape.paginator.max_pages() {
            return Err(StreamError::Protocol(format!(
                "stopped after {} pages (`max_pages` of the definition)",
                shape.paginator.max_pages()
            )));
        }
        let call = build_call(connection, stream, &checkpoint)?;
        let response = match http.call(&call, connection.budget()).await {
            Ok(response) => response,
            Err(error) => {
                report.requests += u64::from(attempts_of(&error));
                return Err(error.into());
            }
        };
        report.requests += u64::from(response.requests);
        let body = response.body;

        // A window whose total passes the provider's cap is halved before any page of it is
        // taken, so the cap is never hit.
        if checkpoint.page == PageState::First
            && let (Mode::Incremental { .. }, Some(cap)) = (
                &checkpoint.mode,
                stream
                    .incremental
                    .as_ref()
                    .and_then(|incremental| incremental.max_results.as_ref()),
            )
        {
            let total = body
                .pointer(&cap.total)
                .and_then(|total| total.as_u64().or_else(|| total.as_str()?.parse().ok()));
            if total.is_some_and(|total| total > cap.limit) {
                checkpoint = checkpoint.split_window().ok_or_else(|| {
                    StreamError::Protocol(format!(
                        "more than {} records changed within one millisecond",
                        cap.limit
                    ))
                })?;
                tracing::debug!(stream = %stream.name, "window over the result cap, split");
                continue;
            }
        }

        let mut body = body;
        let records: Vec<Value> = match take_records(&mut body, shape.records) {
            Some(records) => records,
            None => {
                return Err(StreamError::Protocol(format!(
                    "the page has no record list at `{}`",
                    shape.records
                )));
            }
        };
        let next = paginate::next_page(
            shape.paginator,
            &checkpoint.page,
            &body,
            &response.headers,
            &records,
            &stream.primary_key,
        )
        .map_err(StreamError::Protocol)?;
        // The newest cursor value goes into the checkpoint that commits with this page.
        if let Some(pointer) = stream
            .incremental
            .as_ref()
            .map(|incremental| incremental.cursor.as_str())
        {
            let newest = newest_cursor(&records, pointer);
            if let Some(newest) = newest {
                checkpoint.observe_cursor(newest);
            }
        }
        let fingerprint = page_fingerprint(&records, &stream.primary_key);
        if !records.is_empty() && next.is_some() && previous_page == Some(fingerprint) {
            return Err(StreamError::Protocol(
                "the provider sent the same page twice; stopping to avoid an endless loop"
                    .to_owned(),
            ));
        }
        previous_page = Some(fingerprint);

        let following = match next {
            Some(page) => Some(Checkpoint {
                page,
                pages: checkpoint.pages + 1,
                ..checkpoint.clone()
            }),
            None => checkpoint.next_window(stream).map(|mut window| {
                window.pages = checkpoint.pages + 1;
                window
            }),
        };
        let next = match &following {
            Some(following) => OwnedNext::Continue(
                serde_json::to_string(following)
                    .map_err(|error| StreamError::Protocol(error.to_string()))?,
            ),
            None => OwnedNext::Done(checkpoint.max_cursor.clone()),
        };
        let page = Page {
            provider: Arc::clone(connection.provider),
            stream: stream_index(connection.provider, stream),
            connection: connection.row.id.clone(),
            client: connection.row.client.clone(),
            records,
            next,
        };
        writer.submit(page, report, progress, &stream.name).await?;
        match following {
            Some(following) => checkpoint = following,
            None => return Ok(()),
        }
    }
}

/// One page ready to normalize and commit, owned so it can cross to the writer thread.
struct Page {
    provider: Arc<Provider>,
    /// Index of the stream in the provider's definition.
    stream: usize,
    connection: String,
    client: String,
    records: Vec<Value>,
    next: OwnedNext,
}

fn stream_index(provider: &Provider, stream: &Stream) -> usize {
    provider
        .streams
        .iter()
        .position(|candidate| candidate.name == stream.name)
        .unwrap_or_default()
}

enum OwnedNext {
    Continue(String),
    Done(Option<String>),
}

/// A page normalized into rows, ready for SQLite.
struct Rows {
    connection: String,
    client: String,
    stream: String,
    rows: Vec<RecordRow>,
    next: OwnedNext,
}

type Normalizing = tokio::task::JoinHandle<Result<Rows, StreamError>>;
type Committing =
    tokio::task::JoinHandle<(Store, Result<crate::store::PageCounts, StreamError>, u64)>;

/// A three-stage pipeline, in order, one page per stage: while page N+2 is being fetched, page
/// N+1 is normalized on one blocking thread and page N committed on another. The HTTP wait,
/// the CPU work and the SQLite write overlap; a crash still loses at most the pages not yet
/// committed (their checkpoint was never written).
struct Writer {
    store: Option<Store>,
    normalizing: Option<Normalizing>,
    committing: Option<Committing>,
}

impl Writer {
    fn new(store: Store) -> Self {
        Self {
            store: Some(store),
            normalizing: None,
            committing: None,
        }
    }

    async fn submit(
        &mut self,
        page: Page,
        report: &mut StreamReport,
        progress: &dyn Fn(Progress<'_>),
        stream: &str,
    ) -> Result<(), StreamError> {
        self.advance(report, progress, stream).await?;
        self.normalizing = Some(tokio::task::spawn_blocking(move || normalize_page(page)));
        Ok(())
    }

    /// Moves the normalized page (if any) on to the committer, after the page before it has
    /// committed.
    async fn advance(
        &mut self,
        report: &mut StreamReport,
        progress: &dyn Fn(Progress<'_>),
        stream: &str,
    ) -> Result<(), StreamError> {
        let Some(normalizing) = self.normalizing.take() else {
            return Ok(());
        };
        let rows = normalizing
            .await
            .map_err(|error| StreamError::Protocol(format!("the normalizer failed: {error}")))?;
        self.settle_commit(report, progress, stream).await?;
        let rows = rows?;
        let mut store = self
            .store
            .take()
            .ok_or_else(|| StreamError::Protocol("the cache writer was lost".to_owned()))?;
        self.committing = Some(tokio::task::spawn_blocking(move || {
            let count = rows.rows.len() as u64;
            let next = match &rows.next {
                OwnedNext::Continue(text) => Next::Continue(text),
                OwnedNext::Done(watermark) => Next::Done(watermark.as_deref()),
            };
            let result = store
                .commit_page(
                    &rows.connection,
                    &rows.client,
                    &rows.stream,
                    &rows.rows,
                    &next,
                )
                .map_err(StreamError::from);
            (store, result, count)
        }));
        Ok(())
    }

    /// Waits for every page in flight and books its counts.
    async fn settle(
        &mut self,
        report: &mut StreamReport,
        progress: &dyn Fn(Progress<'_>),
        stream: &str,
    ) -> Result<(), StreamError> {
        let advanced = self.advance(report, progress, stream).await;
        let settled = self.settle_commit(report, progress, stream).await;
        advanced.and(settled)
    }

    async fn settle_commit(
        &mut self,
        report: &mut StreamReport,
        progress: &dyn Fn(Progress<'_>),
        stream: &str,
    ) -> Result<(), StreamError> {
        let Some(committing) = self.committing.take() else {
            return Ok(());
        };
        let (store, result, rows) = committing
            .await
            .map_err(|error| StreamError::Protocol(format!("the cache writer failed: {error}")))?;
        self.store = Some(store);
        let counts = result?;
        report.pages += 1;
        report.records_seen += rows;
        report.records_new += counts.new;
        report.records_updated += counts.updated;
        progress(Progress::Page {
            stream,
            pages: report.pages,
            records: report.records_seen,
        });
        Ok(())
    }
}

/// Normalizes a page (on the normalizer thread).
fn normalize_page(page: Page) -> Result<Rows, StreamError> {
    let stream = &page.provider.streams[page.stream];
    let rows = page
        .records
        .iter()
        .map(|record| record_row(&page.provider, &page.connection, stream, record))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Rows {
        connection: page.connection,
        client: page.client,
        stream: stream.name.clone(),
        rows,
        next: page.next,
    })
}

/// The concrete call for a checkpoint: the mode's request template rendered, the paginator's
/// parameters added.
fn build_call<'a>(
    connection: &'a Connection<'_>,
    stream: &Stream,
    checkpoint: &Checkpoint,
) -> Result<Call<'a>, StreamError> {
    let shape = checkpoint.shape(stream);
    let (since, until) = match (&checkpoint.mode, &stream.incremental) {
        (
            Mode::Incremental {
                window_start,
                window_end,
                ..
            },
            Some(incremental),
        ) => (
            Some(plan::format_instant(*window_start, incremental.format)),
            Some(plan::format_instant(*window_end, incremental.format)),
        ),
        _ => (None, None),
    };
    let vars = Vars {
        settings: &connection.settings,
        since,
        until,
    };
    let params = plan::page_params(shape.paginator, &checkpoint.page);
    let request = shape.request;
    let credential = connection.credential();
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.clone(), vars.render(value)))
        .collect();

    if let Some(next) = params.url {
        // Next-URL paginators hand back a URL (or a path on the same host) that already holds
        // every parameter; it is always a GET.
        let url = if next.starts_with("http://") || next.starts_with("https://") {
            url::Url::parse(&next).map_err(|_| {
                StreamError::Protocol(
                    "the provider sent a next-page URL that does not parse".to_owned(),
                )
            })?
        } else {
            let base = http::join(&connection.base_url, "/")?;
            base.join(&next).map_err(|_| {
                StreamError::Protocol(
                    "the provider sent a next-page path that does not parse".to_owned(),
                )
            })?
        };
        return Ok(Call {
            post: false,
            url,
            body: None,
            headers,
            credential,
        });
    }

    let mut url = http::join(&connection.base_url, &vars.render(&request.path))?;
    {
        let mut pairs = url.query_pairs_mut();
        for (key, value) in &request.query {
            pairs.append_pair(key, &vars.render(value));
        }
        for (key, value) in &params.query {
            pairs.append_pair(key, value);
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    let mut body = request.body.as_ref().map(|body| vars.render_json(body));
    if !params.body.is_empty() {
        let object = body.get_or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Value::Object(map) = object {
            for (key, value) in params.body {
                map.insert(key, value);
            }
        }
    }
    Ok(Call {
        post: request.method == crate::catalog::Method::Post,
        url,
        body,
        headers,
        credential,
    })
}

/// Moves the page's records out of the body (no copy).
fn take_records(body: &mut Value, pointer: &str) -> Option<Vec<Value>> {
    let is_object = body.is_object();
    let value = if pointer.is_empty() {
        Some(body)
    } else {
        body.pointer_mut(pointer)
    };
    match value {
        Some(Value::Array(records)) => Some(std::mem::take(records)),
        // Some providers omit the list on an empty page.
        Some(Value::Null) | None if is_object => Some(Vec::new()),
        _ => None,
    }
}

fn record_row(
    provider: &Provider,
    connection_id: &str,
    stream: &Stream,
    record: &Value,
) -> Result<RecordRow, StreamError> {
    let record_id = normalize::pointer_text(record, &stream.primary_key)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            StreamError::Protocol(format!("a record has no id at `{}`", stream.primary_key))
        })?;
    let updated_at = stream
        .updated_at
        .as_deref()
        .and_then(|pointer| normalize::pointer_text(record, pointer))
        .and_then(|text| normalize::canonical_instant(&text));
    let normalized = normalize::normalize(
        provider,
        connection_id,
        stream,
        &record_id,
        updated_at.as_deref(),
        record,
    );
    Ok(RecordRow {
        record_id,
        entity: stream.entity.as_str(),
        raw: record.to_string(),
        normalized,
        updated_at,
    })
}

/// The ids of a page, in order: two pages with the same fingerprint are the same page.
fn page_fingerprint(records: &[Value], primary_key: &str) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for record in records {
        match normalize::lookup(record, primary_key) {
            Some(Value::String(id)) => id.hash(&mut hasher),
            other => other.map(ToString::to_string).hash(&mut hasher),
        }
    }
    hasher.finish()
}

/// The newest cursor value of a page, in inlet's instant format. Values already in that format
/// (most of them) are compared as text, without a parse or a copy.
fn newest_cursor(records: &[Value], pointer: &str) -> Option<String> {
    let mut newest: Option<String> = None;
    let mut newest_canonical: Option<&str> = None;
    for record in records {
        let Some(value) = normalize::lookup(record, pointer) else {
            continue;
        };
        if let Value::String(text) = value
            && normalize::is_canonical(text)
        {
            if newest_canonical.is_none_or(|current| text.as_str() > current) {
                newest_canonical = Some(text);
            }
            continue;
        }
        let text = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        if let Some(instant) = normalize::canonical_instant(&text)
            && newest.as_ref().is_none_or(|current| instant > *current)
        {
            newest = Some(instant);
        }
    }
    match (newest, newest_canonical) {
        (Some(parsed), Some(canonical)) => Some(if canonical > parsed.as_str() {
            canonical.to_owned()
        } else {
            parsed
        }),
        (parsed, canonical) => parsed.or_else(|| canonical.map(str::to_owned)),
    }
}

fn attempts_of(error: &HttpError) -> u32 {
    match error {
        HttpError::RateLimited { attempts, .. } | HttpError::Server { attempts, .. } => *attempts,
        _ => 1,
    }
}

fn totals_of(report: &StreamReport) -> RunTotals {
    RunTotals {
        outcome: report.outcome.as_str().to_owned(),
        pages: report.pages,
        requests: report.requests,
        records_new: report.records_new,
        records_updated: report.records_updated,
        error: report.error.clone(),
        credentials_problem: report.credentials_problem,
        budget_remaining: None,
    }
}

/// Formats a duration for people: `1.2s`, `340ms`.
pub fn human_duration(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{}ms", duration.as_millis())
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}
