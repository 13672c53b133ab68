//! The fetch engine: pages through each stream with the definition's paginator, selects and
//! normalizes records, and commits each page with its checkpoint in one transaction. Streams of
//! a connection run concurrently under the connection's shared request budget; incremental
//! passes slice time into windows that stay under the provider's result cap.
//!
//! Nothing here prints: the command layer turns [`Progress`] events into bars.

mod associations;
mod changes;
mod deletions;
mod listing;
mod paginate;
mod partitions;
mod plan;
mod report;
mod report_rows;
mod request;
mod writer;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use jiff::Timestamp;
use secrecy::SecretString;
use serde_json::Value;

use crate::auth::Credentials;
use crate::catalog::{AuthScheme, Provider, Stream};
use crate::counts::RunCounts;
use crate::http::{
    self, Budget, Call, Credential, Http, HttpError, Limiter, Origins, Presentation, ThrottleRule,
};
use crate::normalize::instant;
use crate::outcome::Failure;
use crate::store::{ConnectionRow, RunTotals, Store};

use plan::{Checkpoint, Mode, PageState, Vars};

use report::totals_of;
pub use report::{ConnectionReport, Outcome, Progress, StreamReport, human_duration};
pub use request::{
    base_for, call_once, exhausted_rules, limiter_for, origins_for, render_base_url, throttle_rules,
};
use writer::{OwnedNext, Page, Writer, newest_cursor, page_fingerprint, take_records};

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

/// Empty pages in a row that still point to a next page before a stream is stopped as
/// making no progress.
const MAX_EMPTY_PAGES: u32 = 10;

/// Why a stream stopped early.
#[derive(Debug, thiserror::Error)]
enum StreamError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Protocol(String),
    #[error("{0}")]
    Credentials(String),
    /// A shared long-window allowance is down to its reserve: stop, resume next run.
    #[error("{0}")]
    Reserve(String),
    #[error("interrupted")]
    Interrupted,
    #[error("stopped after the connection's timeout ({}); the next run resumes where it stopped", crate::schedule::format_secs(.0.as_secs()))]
    TimedOut(Duration),
}

impl StreamError {
    /// The failure a stream reports: the credential's when the provider refused it.
    fn failure(&self) -> Failure {
        let credentials = match self {
            Self::Http(http) => http.is_credentials(),
            Self::Credentials(_) => true,
            _ => false,
        };
        let message = self.to_string();
        if credentials {
            Failure::credentials(message)
        } else {
            Failure::new(message)
        }
    }
}

/// Everything a connection's streams share.
struct Connection<'a> {
    provider: &'a Arc<Provider>,
    row: &'a ConnectionRow,
    credentials: &'a Credentials,
    scheme: AuthScheme,
    settings: Arc<BTreeMap<String, String>>,
    base_url: String,
    /// Where the credential may be sent: the base URL's origin and the definition's.
    origins: Origins,
    limiter: Limiter,
    throttle: Vec<ThrottleRule>,
    exhausted: Vec<http::ExhaustedRule>,
    /// Set when a response says the shared allowance is down to its reserve.
    reserve: std::sync::Mutex<Option<String>>,
    /// When this fetch started: no watermark moves past it (plus [`CLOCK_SKEW`]).
    started_at: Timestamp,
}

/// How far a record's cursor may lie ahead of the fetch's start before it counts as being
/// from the future (clocks differ a little between machines).
const CLOCK_SKEW: Duration = Duration::from_secs(300);

impl Connection<'_> {
    fn credential<'s>(&'s self, secret: &'s SecretString) -> Credential<'s> {
        let presentation = match &self.scheme {
            AuthScheme::Bearer => Presentation::Bearer(secret),
            AuthScheme::Basic => Presentation::Basic(secret),
            AuthScheme::Header(header) => Presentation::Header(header, secret),
        };
        Credential::bound(presentation, &self.origins)
    }

    /// With an `[limits.allowance]`, reads what the provider says is used of it; at the reserve,
    /// the reason to stop.
    fn allowance_at_reserve(&self, headers: &reqwest::header::HeaderMap) -> Option<String> {
        let allowance = self.provider.limits.allowance.as_ref()?;
        let value = headers.get(allowance.header.as_str())?.to_str().ok()?;
        let (used, limit) = allowance.read(value)?;
        let left = limit.saturating_sub(used);
        tracing::debug!(used, limit, "allowance");
        let reserve = limit.saturating_mul(u64::from(allowance.reserve_percent)) / 100;
        (left <= reserve).then(|| {
            format!(
                "stopped with {left} of {limit} left of {}: the last {}% is kept for the account's other users; the next fetch resumes where this one stopped",
                allowance.describe, allowance.reserve_percent
            )
        })
    }

    /// Feeds a quota the provider reports in the body into the connection's budget: what is
    /// left is recorded, and at the definition's reserve the connection pauses.
    fn observe_quota(&self, body: &Value) {
        let Some(quota) = &self.provider.limits.quota else {
            return;
        };
        let Some(remaining) = crate::normalize::lookup(body, &quota.remaining)
            .and_then(|value| value.as_u64().or_else(|| value.as_str()?.parse().ok()))
        else {
            return;
        };
        self.limiter.observe_remaining(remaining, None, None);
        if remaining <= quota.reserve
            && let Some(wait) = plan::duration(Some(&quota.wait))
        {
            tracing::info!(remaining, wait = ?wait, "the provider's quota is nearly used, pausing");
            self.limiter.pause(wait);
        }
    }

    fn budget<'a>(&'a self, options: &'a FetchOptions) -> Budget<'a> {
        Budget {
            limiter: Some(&self.limiter),
            throttle: &self.throttle,
            exhausted: &self.exhausted,
            remaining_header: self.provider.limits.remaining_header.as_deref(),
            interval_ms_header: self.provider.limits.interval_ms_header.as_deref(),
            limit_header: self.provider.limits.limit_header.as_deref(),
            max_response_bytes: self.provider.limits.max_response_bytes,
            stop: options.stop,
            deadline: options.deadline.map(|(deadline, _)| deadline),
            on_retry: None,
        }
    }

    /// A next-page link resolved against the base URL; an error when it leaves the
    /// credential's origins (another host, port or scheme, `//host` forms included).
    fn next_link(&self, next: &str) -> Result<url::Url, StreamError> {
        let base = http::join(&self.base_url, "/")?;
        let url = base.join(next).map_err(|_| {
            StreamError::Protocol(
                "the provider sent a next-page link that does not parse".to_owned(),
            )
        })?;
        if !self.origins.allows(&url) {
            return Err(HttpError::ForeignOrigin {
                target: http::origin_of(&url),
                bound: self.origins.describe(),
            }
            .into());
        }
        Ok(url)
    }
}

/// Fetches the selected streams of one connection. Stream failures are recorded in the report
/// and the run, not returned: one failing stream or connection must not stop the others.
pub async fn fetch_connection(
    db: &Path,
    http: &Http,
    provider: &Arc<Provider>,
    row: &ConnectionRow,
    credentials: &Credentials,
    options: &FetchOptions,
    progress: &dyn Fn(Progress<'_>),
) -> anyhow::Result<ConnectionReport> {
    let started = Instant::now();
    let mut store = Store::open(db)?;
    let run_id = store.begin_run(&row.id)?;
    let settings: BTreeMap<String, String> = row.settings_map();
    let scheme = provider.auth_mode(row.auth_mode.as_deref())?.scheme();
    let base_url = render_base_url(&row.base_url, &settings);
    let origins = origins_for(provider, &base_url, &settings)?;
    let connection = Connection {
        provider,
        row,
        credentials,
        scheme,
        base_url,
        origins,
        settings: Arc::new(settings),
        limiter: request::shared_limiter(db, provider, &row.account_id),
        throttle: throttle_rules(provider),
        exhausted: exhausted_rules(provider),
        reserve: std::sync::Mutex::new(None),
        started_at: Timestamp::now(),
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
        counts: RunCounts::default(),
        duration_ms: 0,
        budget_wait_ms: u64::try_from(connection.limiter.waited().as_millis()).unwrap_or(u64::MAX),
        budget_remaining: connection.limiter.reported_remaining(),
        failure: None,
        reconnect: None,
        streams: Vec::new(),
    };
    let mut unrecorded = None;
    for stream in &reports {
        if let Err(error) = store.record_run_stream(run_id, &stream.stream, &totals_of(stream)) {
            if !error.is_disk_full() {
                return Err(error.into());
            }
            unrecorded.get_or_insert(error);
        }
        report.counts += stream.counts;
        match stream.outcome {
            Outcome::Ok | Outcome::Running => {}
            Outcome::Failed => {
                report.outcome = Outcome::Failed;
                // The first failure says why; a credential refused by any stream makes the
                // connection's failure the credential's.
                let failure = stream
                    .failure
                    .as_ref()
                    .map(|failure| failure.of(&stream.stream));
                match (&mut report.failure, failure) {
                    (None, failure) => report.failure = failure,
                    (Some(first), Some(failure)) if failure.is_credentials() => {
                        first.cause = failure.cause;
                    }
                    _ => {}
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
        outcome: report.outcome,
        counts: report.counts,
        failure: report.failure.clone(),
        budget_remaining: report.budget_remaining,
    };
    let full = disk_full(db);
    let disk_filled = report.streams.iter().any(|stream| {
        stream
            .failure
            .as_ref()
            .map(|failure| failure.message.as_str())
            == Some(full.as_str())
    });
    if unrecorded.is_some() || disk_filled {
        // The disk is full: give back the reserve kept for this moment, so the outcome fits.
        crate::store::release_reserve(db);
        unrecorded = None;
        for stream in &report.streams {
            if let Err(error) = store.record_run_stream(run_id, &stream.stream, &totals_of(stream))
            {
                unrecorded.get_or_insert(error);
            }
        }
    }
    if let Err(error) = store.finish_run(run_id, &totals) {
        if !error.is_disk_full() {
            return Err(error.into());
        }
        unrecorded.get_or_insert(error);
    }
    if unrecorded.is_some() {
        // Even the run's outcome did not fit: the report still says why, and the run shows as
        // interrupted until the next fetch.
        tracing::warn!(
            run_id,
            "the disk is full: the run's outcome could not be recorded"
        );
        if report.failure.is_none() {
            report.outcome = Outcome::Failed;
            report.failure = Some(Failure::new(disk_full(db)));
        }
    }
    Ok(report)
}

/// The reason of a run stopped by a full disk, with what to do.
fn disk_full(db: &Path) -> String {
    format!(
        "the disk holding the cache `{}` is full; free space on it (`df -h`) and fetch again: the fetch resumes where it stopped",
        db.display()
    )
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
    // Changes older than the provider keeps can no longer be listed: such a start means a
    // full fetch.
    let mut warnings = Vec::new();
    let (watermark, since) = match stream.changes.as_ref().and_then(|changes| {
        let history = humantime::parse_duration(&changes.history).ok()?;
        let lookback = stream
            .incremental
            .as_ref()
            .and_then(|incremental| plan::duration(incremental.lookback.as_deref()))
            .unwrap_or_default();
        let start = options
            .since
            .or_else(|| watermark.and_then(|mark| mark.checked_sub(lookback).ok()))?;
        let oldest = Timestamp::now().checked_sub(history).ok()?;
        (start < oldest).then_some(changes.history.clone())
    }) {
        Some(history) if resume.is_none() && !options.full_refresh => {
            warnings.push(format!(
                "fetched in full: changes are listed for {history} only, and this stream's start is older"
            ));
            (None, None)
        }
        _ => (watermark, options.since),
    };
    let mut checkpoint =
        resume.unwrap_or_else(|| Checkpoint::start(stream, watermark, since, options.full_refresh));
    let incremental = matches!(
        checkpoint.mode,
        Mode::Incremental { .. } | Mode::Dates { full: false, .. }
    );
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
        counts: RunCounts::default(),
        records_seen: 0,
        watermark: None,
        failure: None,
        records_duplicate: 0,
        records_without_id: 0,
        warnings,
    };
    // A pass of a stream with a changes listing sees everything as of its start: the lists
    // what existed, the listing what changed. The next pass starts there, so a quiet account
    // keeps an up-to-date watermark and never falls past the listing's history.
    if stream.changes.is_some() && !resumed && !matches!(checkpoint.mode, Mode::Dates { .. }) {
        checkpoint.observe_cursor(crate::clock::rfc3339(Timestamp::now()));
    }
    let mut store = store;
    let mut early = None;
    // When this pass began writing, and whether links are read for every record (a full pass,
    // or one resumed from an earlier process) or for those it wrote.
    let pass_started = crate::clock::stamp();
    let full_pass = matches!(checkpoint.mode, Mode::Full) || resumed;
    // A fresh incremental pass of a stream with a changes listing reads it first; the newest
    // change seeds the pass's watermark.
    if let (Some(changes), Mode::Incremental { since, .. }, false) =
        (&stream.changes, &checkpoint.mode, resumed)
    {
        let since = *since;
        match changes::sweep(
            &mut store,
            http,
            connection,
            stream,
            changes,
            since,
            options,
            &mut report,
            progress,
        )
        .await
        {
            Ok(Some(newest)) => checkpoint.observe_cursor(newest),
            Ok(None) => {}
            Err(error) => early = Some(error),
        }
    }
    let mut writer = Writer::new(store);
    let result = match early {
        Some(error) => Err(error),
        None => {
            page_loop(
                &mut writer,
                http,
                connection,
                stream,
                checkpoint,
                options,
                &mut report,
                progress,
            )
            .await
        }
    };
    // Whatever ended the loop, the page already handed to the writer is committed first.
    let settled = writer.settle(&mut report, progress, &stream.name).await;
    let mut store = writer.store.take();
    let mut result = result.and(settled);
    // A complete pass is followed by the links its records do not carry, then by the
    // provider's listing of deleted records.
    if result.is_ok() && !stream.associations.is_empty() {
        let mut open = match store.take() {
            Some(open) => open,
            None => Store::open(db)?,
        };
        let since = (!full_pass).then_some(pass_started.as_str());
        result = associations::sweep(
            &mut open,
            http,
            connection,
            stream,
            since,
            options,
            &mut report,
            progress,
        )
        .await;
        store = Some(open);
    }
    if result.is_ok()
        && let Some(deletions) = &stream.deletions
    {
        let open = match store.take() {
            Some(open) => open,
            None => Store::open(db)?,
        };
        let mut open = open;
        result = deletions::sweep(
            &mut open,
            http,
            connection,
            stream,
            deletions,
            options,
            &mut report,
            progress,
        )
        .await;
        store = Some(open);
    }
    match result {
        Ok(()) => {}
        // A full disk fails the stream with its reason; what was committed stays, and the next
        // fetch resumes from the last committed page.
        Err(StreamError::Store(error)) if error.is_disk_full() => {
            report.outcome = Outcome::Failed;
            report.failure = Some(Failure::new(disk_full(db)));
        }
        Err(StreamError::Store(error)) => return Err(error.into()),
        Err(StreamError::Interrupted) => report.outcome = Outcome::Interrupted,
        Err(error) => {
            report.outcome = Outcome::Failed;
            tracing::debug!(stream = %stream.name, error = %error, "stream failed");
            report.failure = Some(error.failure());
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
    if !checkpoint.ranges.is_empty() {
        return partitions::read(
            writer, http, connection, stream, checkpoint, options, report, progress,
        )
        .await;
    }
    let mut guards = Guards::default();
    let mut window = checkpoint.mode.clone();
    let mut restarted = false;
    loop {
        let shape = checkpoint.shape(stream);
        max_pages(&checkpoint, shape.paginator)?;
        let response = match send(
            http,
            connection,
            stream,
            &stream.name,
            &checkpoint,
            options,
            &mut report.counts.requests,
            progress,
        )
        .await
        {
            Ok(response) => response,
            Err(error) if !restarted && link_expired(&error, &checkpoint.page) => {
                restarted = true;
                read_again(stream, report);
                checkpoint.page = PageState::First;
                continue;
            }
            Err(error) => return Err(error),
        };

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
            let total = response
                .body
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

        if checkpoint.mode != window {
            window = checkpoint.mode.clone();
            guards.followed.clear();
        }
        let (body, records, next) = turn_page(
            connection,
            stream,
            &shape,
            &checkpoint.page,
            response,
            &mut guards,
        )?;
        // Report rows become one record per day, dimension values and metric.
        let records = match &stream.report {
            Some(report) => {
                report_rows::extract(report, &body, records).map_err(StreamError::Protocol)?
            }
            None => records,
        };
        let records = keep_records(
            connection,
            stream,
            records,
            next.is_some(),
            &mut checkpoint,
            &mut guards,
            report,
        )?;

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
        // A report pass stages its pages; the last one replaces the window's days.
        let replace = match &checkpoint.mode {
            Mode::Dates { start, end, .. } => Some(crate::store::Replace {
                start: start.clone(),
                end: end.clone(),
                fresh: checkpoint.pages == 0,
            }),
            _ => None,
        };
        writer
            .submit(
                page_of(connection, stream, records, next, replace),
                report,
                progress,
                &stream.name,
            )
            .await?;
        // This page is kept; the next one would eat into what others of the account need.
        match following {
            Some(following) => checkpoint = following,
            None => return Ok(()),
        }
    }
}

/// The definition's `max_pages` for a pass.
fn max_pages(
    checkpoint: &Checkpoint,
    paginator: &crate::catalog::Paginator,
) -> Result<(), StreamError> {
    if checkpoint.pages >= paginator.max_pages() {
        return Err(StreamError::Protocol(format!(
            "stopped after {} pages (`max_pages` of the definition)",
            paginator.max_pages()
        )));
    }
    Ok(())
}

/// A saved next-page link the provider no longer knows: Salesforce's query locators expire
/// after a while unused, and a link may be spent by a request whose answer a killed process
/// never committed.
fn link_expired(error: &StreamError, page: &PageState) -> bool {
    matches!(page, PageState::Url { .. })
        && matches!(
            error,
            StreamError::Http(HttpError::Client {
                status: 400 | 404 | 410,
                ..
            })
        )
}

/// Says that a pass (or a range of one) reads again from its first page, its saved link gone:
/// what was committed stays, and what is read again is not counted new.
fn read_again(stream: &Stream, report: &mut StreamReport) {
    tracing::info!(stream = %stream.name, "a saved next-page link had expired; reading from the first page again");
    report.warnings.push(format!(
        "`{}`: the provider no longer knew a saved next-page link (they expire); that part was read again from its start",
        stream.name
    ));
}

/// The no-progress guards of one sequence of pages: cursors already followed (in this window),
/// empty pages in a row that still point to a next one, and the last page's fingerprint.
#[derive(Debug, Default)]
struct Guards {
    followed: std::collections::HashSet<PageState>,
    empty_in_a_row: u32,
    previous_page: Option<u64>,
}

/// Takes a response's records and the next page's state, with the no-progress guards, the
/// next link's origin check and what the response says of the budget.
fn turn_page(
    connection: &Connection<'_>,
    stream: &Stream,
    shape: &plan::Shape<'_>,
    page: &PageState,
    response: http::Response,
    guards: &mut Guards,
) -> Result<(Value, Vec<Value>, Option<PageState>), StreamError> {
    let headers = response.headers;
    let mut body = response.body;
    let Some(records) = take_records(&mut body, shape.records) else {
        return Err(StreamError::Protocol(format!(
            "the page has no record list at `{}`",
            shape.records
        )));
    };
    let next = paginate::next_page(
        shape.paginator,
        page,
        &body,
        &headers,
        &records,
        &stream.primary_key,
    )
    .map_err(StreamError::Protocol)?;
    guards.followed.insert(page.clone());
    if let Some(next) = &next
        && guards.followed.contains(next)
    {
        return Err(StreamError::Protocol(
            "the provider pointed back to a page it already sent in this run (a cursor loop); stopping".to_owned(),
        ));
    }
    if records.is_empty() && next.is_some() {
        guards.empty_in_a_row += 1;
        if guards.empty_in_a_row >= MAX_EMPTY_PAGES {
            return Err(StreamError::Protocol(format!(
                "the provider sent {MAX_EMPTY_PAGES} empty pages in a row, each pointing to another; stopping (no progress)"
            )));
        }
    } else {
        guards.empty_in_a_row = 0;
    }
    // A link to another origin is refused before it can reach the checkpoint.
    if let Some(PageState::Url { url }) = &next {
        connection.next_link(url)?;
    }
    connection.observe_quota(&body);
    if let Some(reason) = connection.allowance_at_reserve(&headers) {
        // Every stream of the connection stops before its next request.
        let mut reserve = connection
            .reserve
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        reserve.get_or_insert(reason);
    }
    Ok((body, records, next))
}

/// The records of a page that are kept: their newest cursor value folded into the
/// checkpoint that commits with them, without records lacking an id or repeated in the page;
/// the same page sent twice is an error.
fn keep_records(
    connection: &Connection<'_>,
    stream: &Stream,
    records: Vec<Value>,
    more: bool,
    checkpoint: &mut Checkpoint,
    guards: &mut Guards,
    report: &mut StreamReport,
) -> Result<Vec<Value>, StreamError> {
    if let Some(pointer) = stream
        .incremental
        .as_ref()
        .map(|incremental| incremental.cursor.as_str())
        && let Some(newest) = newest_cursor(&records, pointer)
    {
        let newest = clamp_cursor(connection, stream, pointer, &records, newest, report);
        checkpoint.observe_cursor(newest);
    }
    let records = unique_records(records, &stream.primary_key, report);
    let fingerprint = page_fingerprint(&records, &stream.primary_key);
    if !records.is_empty() && more && guards.previous_page == Some(fingerprint) {
        return Err(StreamError::Protocol(
            "the provider sent the same page twice; stopping to avoid an endless loop".to_owned(),
        ));
    }
    guards.previous_page = Some(fingerprint);
    Ok(records)
}

/// A page of a stream's records for the writer.
fn page_of(
    connection: &Connection<'_>,
    stream: &Stream,
    records: Vec<Value>,
    next: OwnedNext,
    replace: Option<crate::store::Replace>,
) -> Page {
    Page {
        replace,
        provider: Arc::clone(connection.provider),
        stream: stream_index(connection.provider, stream),
        connection: connection.row.id.clone(),
        settings: Arc::clone(&connection.settings),
        records,
        next,
    }
}

/// Sends one request of a stream: a page of its pass (`call_stream` is the stream itself), or
/// of one of its listings (changes, deletions, associations: a stream made of the listing's
/// request). Stops first when the run is stopped (Ctrl-C), past its timeout, or at the
/// account's reserve; shows each retry on the progress line; counts every attempt; and renews
/// an expired or revoked OAuth access token once, under the cross-process lock, asking again.
#[expect(
    clippy::too_many_arguments,
    reason = "a request's context; the page loop and the listings call it"
)]
async fn send(
    http: &Http,
    connection: &Connection<'_>,
    call_stream: &Stream,
    stream_name: &str,
    checkpoint: &Checkpoint,
    options: &FetchOptions,
    requests: &mut u64,
    progress: &dyn Fn(Progress<'_>),
) -> Result<http::Response, StreamError> {
    let mut renewed = false;
    loop {
        if options
            .stop
            .is_some_and(|stop| stop.load(Ordering::Relaxed))
        {
            return Err(StreamError::Interrupted);
        }
        // The pages taken are kept; what is left belongs to the account's other users.
        if let Some(reason) = connection
            .reserve
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
        {
            return Err(StreamError::Reserve(reason));
        }
        if let Some((deadline, timeout)) = options.deadline
            && tokio::time::Instant::now() >= deadline
        {
            return Err(StreamError::TimedOut(timeout));
        }
        let secret = connection.credentials.current();
        let call = build_call(connection, call_stream, checkpoint, &secret)?;
        let tell = |retrying: http::Retrying<'_>| {
            progress(Progress::Retrying {
                stream: stream_name,
                retrying,
            });
        };
        let budget = Budget {
            on_retry: Some(http::OnRetry(&tell)),
            ..connection.budget(options)
        };
        match http.call(&call, budget).await {
            Ok(response) => {
                *requests += u64::from(response.requests);
                return Ok(response);
            }
            Err(HttpError::Unauthorized { .. }) if !renewed => {
                *requests += 1;
                renewed = true;
                match connection.credentials.renew(&secret).await {
                    Ok(true) => {}
                    Ok(false) => {
                        return Err(StreamError::Credentials(
                            "the provider rejected the credential (HTTP 401)".to_owned(),
                        ));
                    }
                    Err(error) => return Err(StreamError::Credentials(error.to_string())),
                }
            }
            Err(HttpError::Interrupted) => return Err(StreamError::Interrupted),
            Err(HttpError::TimedOut) => {
                let timeout = options
                    .deadline
                    .map(|(_, timeout)| timeout)
                    .unwrap_or_default();
                return Err(StreamError::TimedOut(timeout));
            }
            Err(error) => {
                *requests += u64::from(attempts_of(&error));
                return Err(error.into());
            }
        }
    }
}

/// A cursor value past the fetch's start (plus the clock skew allowance) would stop every later
/// incremental fetch from seeing changes: the watermark stays at the start time instead, and the
/// record is named in a warning.
fn clamp_cursor(
    connection: &Connection<'_>,
    stream: &Stream,
    pointer: &str,
    records: &[Value],
    newest: String,
    report: &mut StreamReport,
) -> String {
    let Some(newest_instant) = instant(&newest) else {
        return newest;
    };
    let limit = connection
        .started_at
        .checked_add(CLOCK_SKEW)
        .unwrap_or(connection.started_at);
    if newest_instant <= limit {
        return newest;
    }
    let record = records
        .iter()
        .find(|record| {
            crate::normalize::pointer_text(record, pointer)
                .and_then(|text| crate::normalize::canonical_instant(&text))
                .is_some_and(|text| text == newest)
        })
        .and_then(|record| crate::normalize::pointer_text(record, &stream.primary_key))
        .unwrap_or_else(|| "?".to_owned());
    let start = crate::clock::rfc3339(connection.started_at);
    let warning = format!(
        "record `{}` has `{pointer}` = {newest}, in the future; the watermark stays at the fetch's start ({start})",
        crate::output::sanitize::for_terminal(&record)
    );
    tracing::warn!(stream = %stream.name, "{warning}");
    if report.warnings.len() < 10 {
        report.warnings.push(warning);
    }
    start
}

/// Drops records without a primary key and repeats of an id within the page (the last one
/// wins), counting both: a duplicate is not an update.
fn unique_records(records: Vec<Value>, primary_key: &str, report: &mut StreamReport) -> Vec<Value> {
    let mut last: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut without_id = 0;
    let ids: Vec<Option<String>> = records
        .iter()
        .map(|record| {
            crate::normalize::pointer_text(record, primary_key).filter(|id| !id.is_empty())
        })
        .collect();
    for (index, id) in ids.iter().enumerate() {
        match id {
            Some(id) => {
                last.insert(id.clone(), index);
            }
            None => without_id += 1,
        }
    }
    let duplicates = (records.len() - without_id - last.len()) as u64;
    report.records_duplicate += duplicates;
    report.records_without_id += without_id as u64;
    if duplicates == 0 && without_id == 0 {
        return records;
    }
    records
        .into_iter()
        .zip(ids)
        .enumerate()
        .filter(|(index, (_, id))| id.as_ref().is_some_and(|id| last.get(id) == Some(index)))
        .map(|(_, (record, _))| record)
        .collect()
}

fn stream_index(provider: &Provider, stream: &Stream) -> usize {
    provider
        .streams
        .iter()
        .position(|candidate| candidate.name == stream.name)
        .unwrap_or_default()
}

/// The concrete call for a checkpoint: the mode's request template rendered, the paginator's
/// parameters added.
fn build_call<'a>(
    connection: &'a Connection<'_>,
    stream: &Stream,
    checkpoint: &Checkpoint,
    secret: &'a SecretString,
) -> Result<Call<'a>, StreamError> {
    let shape = checkpoint.shape(stream);
    let (since, until) = match (&checkpoint.mode, &stream.incremental) {
        (Mode::Range { since, until }, _) => {
            let format = stream
                .partitions
                .as_ref()
                .map_or(crate::catalog::CursorFormat::Rfc3339, |partitions| {
                    partitions.format
                });
            (
                Some(plan::format_instant(*since, format)),
                Some(plan::format_instant(*until, format)),
            )
        }
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
    // A report stream's days are placeholders like the settings.
    let dated;
    let settings = match &checkpoint.mode {
        Mode::Dates { start, end, .. } => {
            let mut settings = (*connection.settings).clone();
            settings.insert("start_date".to_owned(), start.clone());
            settings.insert("end_date".to_owned(), end.clone());
            dated = settings;
            &dated
        }
        _ => &*connection.settings,
    };
    let vars = Vars {
        settings,
        since,
        until,
    };
    let params = plan::page_params(shape.paginator, &checkpoint.page);
    let request = shape.request;
    let credential = connection.credential(secret);
    let headers: Vec<(String, String)> = connection
        .provider
        .headers_for(&request.headers)
        .map(|(name, value)| (name.clone(), vars.render(value)))
        .collect();

    if let Some(next) = params.url {
        // Next-URL paginators hand back a URL (or a path on the same host) that already holds
        // every parameter; it is always a GET. Checked again here: a checkpoint written by an
        // older inlet may hold a foreign link.
        let url = connection.next_link(&next)?;
        return Ok(Call {
            post: false,
            url,
            body: None,
            headers,
            credential,
        });
    }

    let mut url = http::join(
        request::base_for(connection.provider, &connection.row.base_url, request)
            .unwrap_or(&connection.base_url),
        &vars.render_path(&request.path),
    )?;
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

fn attempts_of(error: &HttpError) -> u32 {
    match error {
        HttpError::RateLimited { attempts, .. }
        | HttpError::Server { attempts, .. }
        | HttpError::Unreachable { attempts, .. } => *attempts,
        _ => 1,
    }
}
