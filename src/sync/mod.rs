//! The fetch engine: pages through each stream, selects and normalizes records, and commits
//! each page with its checkpoint in one transaction, reporting progress as events.
//!
//! Nothing here prints: the command layer turns [`Progress`] events into bars.

use std::time::{Duration, Instant};

use secrecy::SecretString;
use serde_json::Value;

use crate::catalog::{Paginator, Provider, Stream};
use crate::http::{Http, HttpError};
use crate::normalize;
use crate::store::{ConnectionRow, RecordRow, RunTotals, Store};

/// Something the engine did, for progress display.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    /// A stream started; `resumed` when it continues an interrupted fetch.
    StreamStarted { stream: &'a str, resumed: bool },
    /// A page was committed.
    Page {
        stream: &'a str,
        pages: u64,
        records: u64,
    },
    /// A stream ended.
    StreamFinished { stream: &'a str, ok: bool },
}

/// What one stream's fetch did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StreamReport {
    pub stream: String,
    pub outcome: Outcome,
    pub resumed: bool,
    pub pages: u64,
    pub requests: u64,
    pub records_seen: u64,
    pub records_new: u64,
    pub records_updated: u64,
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
}

impl Outcome {
    /// As stored in the cache.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
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
}

/// Fetches every stream of one connection. Errors of a stream are recorded in its report and
/// the run, not returned: one failing connection must not stop the others.
pub async fn fetch_connection(
    store: &mut Store,
    http: &Http,
    provider: &Provider,
    connection: &ConnectionRow,
    token: &SecretString,
    mut progress: impl FnMut(Progress<'_>),
) -> anyhow::Result<ConnectionReport> {
    let started = Instant::now();
    let run_id = store.begin_run(&connection.id)?;
    let mut report = ConnectionReport {
        connection: connection.id.clone(),
        provider: provider.id.clone(),
        run_id,
        outcome: Outcome::Ok,
        pages: 0,
        requests: 0,
        records_new: 0,
        records_updated: 0,
        duration_ms: 0,
        credentials_problem: false,
        error: None,
        streams: Vec::new(),
    };
    for stream in &provider.streams {
        let stream_report = fetch_stream(
            store,
            http,
            provider,
            connection,
            stream,
            token,
            &mut progress,
        )
        .await?;
        store.record_run_stream(run_id, &stream.name, &totals_of(&stream_report))?;
        report.pages += stream_report.pages;
        report.requests += stream_report.requests;
        report.records_new += stream_report.records_new;
        report.records_updated += stream_report.records_updated;
        let failed = stream_report.outcome == Outcome::Failed;
        report.credentials_problem |= stream_report.credentials_problem;
        if failed && report.error.is_none() {
            report.outcome = Outcome::Failed;
            report.error = stream_report
                .error
                .as_ref()
                .map(|error| format!("{}: {error}", stream.name));
        }
        report.streams.push(stream_report);
        if failed && report.credentials_problem {
            // Every other stream would be refused the same way; say it once.
            break;
        }
    }
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let totals = RunTotals {
        outcome: report.outcome.as_str().to_owned(),
        pages: report.pages,
        requests: report.requests,
        records_new: report.records_new,
        records_updated: report.records_updated,
        error: report.error.clone(),
    };
    store.finish_run(run_id, &totals)?;
    Ok(report)
}

/// Pages through one stream. Returns `Err` only when the cache itself fails.
async fn fetch_stream(
    store: &mut Store,
    http: &Http,
    provider: &Provider,
    connection: &ConnectionRow,
    stream: &Stream,
    token: &SecretString,
    progress: &mut impl FnMut(Progress<'_>),
) -> anyhow::Result<StreamReport> {
    let state = store.stream_state(&connection.id, &stream.name)?;
    let resumed = state.resume_cursor.is_some();
    progress(Progress::StreamStarted {
        stream: &stream.name,
        resumed,
    });
    let mut report = StreamReport {
        stream: stream.name.clone(),
        outcome: Outcome::Ok,
        resumed,
        pages: 0,
        requests: 0,
        records_seen: 0,
        records_new: 0,
        records_updated: 0,
        credentials_problem: false,
        error: None,
    };
    let result = page_loop(
        store,
        http,
        provider,
        connection,
        stream,
        token,
        state.resume_cursor,
        &mut report,
        progress,
    )
    .await;
    match result {
        Ok(()) => {}
        Err(StreamError::Store(error)) => return Err(error.into()),
        Err(error) => {
            report.outcome = Outcome::Failed;
            report.error = Some(error.to_string());
            if let StreamError::Http(http) = &error {
                report.credentials_problem = http.is_credentials();
            }
            tracing::debug!(stream = %stream.name, error = %error, "stream failed");
        }
    }
    progress(Progress::StreamFinished {
        stream: &stream.name,
        ok: report.outcome == Outcome::Ok,
    });
    Ok(report)
}

#[expect(
    clippy::too_many_arguments,
    reason = "the engine's inputs are distinct and few callers"
)]
async fn page_loop(
    store: &mut Store,
    http: &Http,
    provider: &Provider,
    connection: &ConnectionRow,
    stream: &Stream,
    token: &SecretString,
    mut cursor: Option<String>,
    report: &mut StreamReport,
    progress: &mut impl FnMut(Progress<'_>),
) -> Result<(), StreamError> {
    let Paginator::BodyCursor {
        cursor: cursor_pointer,
        param,
        max_pages,
    } = &stream.paginator;
    let mut previous_page: Option<u64> = None;
    loop {
        if report.pages >= *max_pages {
            return Err(StreamError::Protocol(format!(
                "stopped after {max_pages} pages (`max_pages`)"
            )));
        }
        let mut query: Vec<(&str, &str)> = stream
            .query
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        if let Some(cursor) = &cursor {
            query.push((param.as_str(), cursor.as_str()));
        }
        let response = http
            .get_json(&connection.base_url, &stream.path, &query, token)
            .await;
        let response = match response {
            Ok(response) => response,
            Err(error) => {
                report.requests += u64::from(attempts_of(&error));
                return Err(error.into());
            }
        };
        report.requests += u64::from(response.requests);
        let body = response.body;
        let records = match body.pointer(&stream.records) {
            Some(Value::Array(records)) => records,
            Some(Value::Null) | None if body.is_object() => &Vec::new(),
            _ => {
                return Err(StreamError::Protocol(format!(
                    "the page has no record list at `{}`",
                    stream.records
                )));
            }
        };
        let next = normalize::pointer_text(&body, cursor_pointer).filter(|next| !next.is_empty());
        if next.is_some() && next == cursor {
            return Err(StreamError::Protocol(
                "the provider sent the same cursor twice; stopping to avoid an endless loop"
                    .to_owned(),
            ));
        }
        let fingerprint = page_fingerprint(records);
        if !records.is_empty() && previous_page == Some(fingerprint) {
            return Err(StreamError::Protocol(
                "the provider sent the same page twice; stopping to avoid an endless loop"
                    .to_owned(),
            ));
        }
        previous_page = Some(fingerprint);
        let rows = records
            .iter()
            .map(|record| record_row(provider, connection, stream, record))
            .collect::<Result<Vec<_>, _>>()?;
        let counts = store.commit_page(
            &connection.id,
            &connection.client,
            &stream.name,
            &rows,
            next.as_deref(),
        )?;
        report.pages += 1;
        report.records_seen += rows.len() as u64;
        report.records_new += counts.new;
        report.records_updated += counts.updated;
        progress(Progress::Page {
            stream: &stream.name,
            pages: report.pages,
            records: report.records_seen,
        });
        match next {
            Some(next) => cursor = Some(next),
            None => return Ok(()),
        }
    }
}

fn record_row(
    provider: &Provider,
    connection: &ConnectionRow,
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
        .and_then(|pointer| normalize::pointer_text(record, pointer));
    let normalized = normalize::normalize(
        provider,
        &connection.id,
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

fn page_fingerprint(records: &[Value]) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for record in records {
        record.to_string().hash(&mut hasher);
    }
    hasher.finish()
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
