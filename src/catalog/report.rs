//! The report-stream part of the definition format: dated rows re-pulled over a trailing
//! restatement window and replaced by date (`[streams.report]`), a quota the provider reports in
//! response bodies (`[limits.quota]`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A report stream: each fetch asks for a range of days (`{start_date}` and `{end_date}` in
/// the request, `YYYY-MM-DD`) and replaces exactly those days' rows.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// How a page's rows become records (one record per day, dimension values and metric).
    pub rows: Rows,
    /// Days re-pulled on every fetch, because the provider restates recent days (default 3).
    #[serde(default = "three")]
    pub restatement_days: u32,
    /// How far back the first fetch (and `--full-refresh`) starts, in days (default 90).
    #[serde(default = "ninety")]
    pub history_days: u32,
}

fn three() -> u32 {
    3
}

fn ninety() -> u32 {
    90
}

/// Named row strategies: the shapes report APIs answer in.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rows {
    /// GA4 `runReport`: `dimensionHeaders` and `metricHeaders` name the values of each row's
    /// `dimensionValues` and `metricValues`; metric values are strings, typed by their header
    /// (`TYPE_INTEGER` becomes an integer, every other type an exact decimal string); the `date`
    /// dimension is `YYYYMMDD`.
    Ga4,
    /// Rows whose dimension values are an array in the row, named by `dimensions`, with the
    /// metrics as named fields (Search Console: `keys`, `clicks`, `ctr`, …).
    Keyed {
        /// JSON pointer (within a row) to the array of dimension values.
        keys: String,
        /// The names of the dimension values, in order; one must be `date`.
        dimensions: Vec<String>,
        /// The metric fields and how their values are kept.
        metrics: std::collections::BTreeMap<String, MetricType>,
    },
}

/// How a metric's value is written exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MetricType {
    /// A count: a JSON integer.
    Integer,
    /// A ratio, average or amount: a decimal string, digit for digit as the provider sent it.
    Decimal,
}

/// A quota the provider reports in response bodies (GA4's `propertyQuota`): what is left is
/// recorded as the run's remaining budget, and at the reserve the connection pauses.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// JSON pointer to what is left, in a response body.
    pub remaining: String,
    /// Pause when what is left falls to this or below (default 0).
    #[serde(default)]
    pub reserve: u64,
    /// How long to pause then (a duration, e.g. `10m`).
    pub wait: String,
}

type Sink<'a> = dyn FnMut(String, String, Option<&str>) + 'a;

/// The problems of a stream's `report` block.
pub(super) fn check_report(report: &Report, path: &str, problem: &mut Sink<'_>) {
    if report.restatement_days == 0 {
        problem(
            format!("{path}.restatement_days"),
            "a restatement window of 0 days never re-pulls today".into(),
            Some("providers restate recent days; 3 is a safe default"),
        );
    }
    if report.history_days < report.restatement_days {
        problem(
            format!("{path}.history_days"),
            "the history is shorter than the restatement window".into(),
            None,
        );
    }
    if let Rows::Keyed {
        keys,
        dimensions,
        metrics,
    } = &report.rows
    {
        if !keys.starts_with('/') {
            problem(
                format!("{path}.rows.keys"),
                format!("`{keys}` is not a JSON pointer"),
                None,
            );
        }
        if !dimensions.iter().any(|name| name == "date") {
            problem(
                format!("{path}.rows.dimensions"),
                "report rows need a `date` dimension: rows are replaced by date".into(),
                None,
            );
        }
        if metrics.is_empty() {
            problem(format!("{path}.rows.metrics"), "no metric".into(), None);
        }
    }
}

/// The problems of `limits.quota`.
pub(super) fn check_quota(quota: &Quota, path: &str, problem: &mut Sink<'_>) {
    if !quota.remaining.starts_with('/') {
        problem(
            format!("{path}.remaining"),
            format!("`{}` is not a JSON pointer", quota.remaining),
            None,
        );
    }
    if humantime::parse_duration(&quota.wait).is_err() {
        problem(
            format!("{path}.wait"),
            format!("`{}` is not a duration", quota.wait),
            Some("durations look like `10s`, `1m`, `30days`"),
        );
    }
}
