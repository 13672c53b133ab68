//! What a fetch did, per stream and per connection, and the progress events it emits on the way.

use crate::counts::RunCounts;
use crate::ids::ConnectionId;
pub use crate::outcome::Outcome;
use crate::outcome::{Failure, failure_fields};
use crate::store::RunTotals;
use std::time::Duration;

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
    /// A request of the stream failed and is about to be retried.
    Retrying {
        stream: &'a str,
        retrying: crate::http::Retrying<'a>,
    },
}

/// What one stream's fetch did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StreamReport {
    pub stream: String,
    pub outcome: Outcome,
    /// `full` or `incremental`.
    pub mode: &'static str,
    pub resumed: bool,
    #[serde(flatten)]
    pub counts: RunCounts,
    pub records_seen: u64,
    /// The stream's watermark after this run.
    pub watermark: Option<String>,
    /// Why it failed: `error` and `credentials_problem` in JSON.
    #[serde(flatten, serialize_with = "failure_fields")]
    pub failure: Option<Failure>,
    /// Records sent twice within one page: stored once, not counted as updates.
    pub records_duplicate: u64,
    /// Records without a primary key: not stored.
    pub records_without_id: u64,
    /// What the user should know about the data (a record from the future, …).
    pub warnings: Vec<String>,
}

/// What one connection's fetch did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConnectionReport {
    pub connection: ConnectionId,
    pub provider: String,
    pub run_id: i64,
    pub outcome: Outcome,
    #[serde(flatten)]
    pub counts: RunCounts,
    pub duration_ms: u64,
    /// Time spent waiting for the request budget.
    pub budget_wait_ms: u64,
    /// Requests left in the provider's window at the end, when it reports it.
    pub budget_remaining: Option<u64>,
    /// Why it failed (the first stream's failure): `error` and `credentials_problem` (exit 4)
    /// in JSON.
    #[serde(flatten, serialize_with = "failure_fields")]
    pub failure: Option<Failure>,
    /// With a credential problem: the exact command that connects it again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconnect: Option<String>,
    pub streams: Vec<StreamReport>,
}

pub(super) fn totals_of(report: &StreamReport) -> RunTotals {
    RunTotals {
        outcome: report.outcome,
        counts: report.counts,
        failure: report.failure.clone(),
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
