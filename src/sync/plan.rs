//! Checkpoints (where a stream resumes), incremental windows, and turning a definition's
//! request templates into concrete calls.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::{CursorFormat, Incremental, Location, Paginator, Request, Stream};
use crate::clock::rfc3339;

/// Where a stream's fetch stands; committed with every page, so a killed fetch resumes here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Checkpoint {
    pub mode: Mode,
    /// The next page to fetch.
    pub page: PageState,
    /// The newest incremental cursor value seen in this pass (RFC 3339): the next watermark.
    #[serde(default)]
    pub max_cursor: Option<String>,
    /// Pages fetched in this pass, for `max_pages`.
    #[serde(default)]
    pub pages: u64,
    /// A partitioned pass: the ranges still to read, each with its next page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
}

/// One range of a partitioned pass: `[since, until)` of the partition field, and its next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Range {
    pub since: Timestamp,
    pub until: Timestamp,
    pub page: PageState,
    /// The oldest value of the field read in this range so far (lists are newest first): what
    /// is left is `[since, reached]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reached: Option<Timestamp>,
    /// Tells ranges apart within one process.
    #[serde(skip)]
    pub key: u64,
}

impl Range {
    /// The request state of this range alone.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            page: self.page.clone(),
            ..Checkpoint::new(Mode::Range {
                since: self.since,
                until: self.until,
            })
        }
    }

    /// Splits off the older part of what is left (`[since, reached]`) as a range of its own,
    /// which this one no longer reads; `None` when too little is left to split. The split falls
    /// in the middle of what is left, or at `toward` when that is newer (where half of the
    /// records left are likely to be, when the provider counted them). Split points fall on
    /// whole units of `format`, so no value lies in both ranges or in neither.
    pub fn split(
        &mut self,
        format: CursorFormat,
        key: u64,
        toward: Option<Timestamp>,
    ) -> Option<Range> {
        let reached = self.reached?;
        let unit = match format {
            CursorFormat::EpochS => 1_000,
            CursorFormat::EpochMs | CursorFormat::Rfc3339 => 1,
        };
        let since = self.since.as_millisecond();
        let middle = since + (reached.as_millisecond() - since) / 2;
        let middle = toward.map_or(middle, |toward| toward.as_millisecond().max(middle));
        let middle = middle - middle.rem_euclid(unit);
        if middle <= since || middle > reached.as_millisecond() {
            return None;
        }
        let middle = Timestamp::from_millisecond(middle).ok()?;
        let older = Range {
            since: self.since,
            until: middle,
            page: PageState::First,
            reached: None,
            key,
        };
        self.since = middle;
        Some(older)
    }

    /// How much is left to read, in milliseconds of the field (unknown before a first page).
    pub fn left(&self) -> Option<i64> {
        self.reached
            .map(|reached| reached.as_millisecond() - self.since.as_millisecond())
    }
}

/// Full refresh, or one window of an incremental pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum Mode {
    Full,
    Incremental {
        since: Timestamp,
        until: Timestamp,
        window_start: Timestamp,
        window_end: Timestamp,
    },
    /// One range of a partitioned pass, as its requests see it.
    Range {
        since: Timestamp,
        until: Timestamp,
    },
    /// A report stream's days (`YYYY-MM-DD`, inclusive), replaced when the pass completes.
    Dates {
        start: String,
        end: String,
        /// A first fetch or a full refresh, rather than the restatement window.
        full: bool,
    },
}

/// The next page, in each paginator's terms.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum PageState {
    First,
    /// A cursor or id sent as a parameter.
    Param {
        value: String,
    },
    /// A URL (or path) to GET.
    Url {
        url: String,
    },
    Offset {
        offset: u64,
    },
    Page {
        number: u64,
    },
}

/// What to send for the current mode: the full request or the incremental one.
pub(super) struct Shape<'a> {
    pub request: &'a Request,
    pub paginator: &'a Paginator,
    pub records: &'a str,
}

impl Checkpoint {
    /// The first page of a pass in `mode`.
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            page: PageState::First,
            max_cursor: None,
            pages: 0,
            ranges: Vec::new(),
        }
    }

    /// A new pass: incremental from `since` (or the watermark less the lookback) when the
    /// stream supports it and it has a starting point; a full refresh otherwise.
    pub fn start(
        stream: &Stream,
        watermark: Option<Timestamp>,
        since: Option<Timestamp>,
        full_refresh: bool,
    ) -> Self {
        if let Some(report) = &stream.report {
            let days = super::report_rows::plan(report, watermark, since, full_refresh);
            return Self {
                // The pass's last day becomes the stream's watermark when it completes.
                max_cursor: super::report_rows::watermark_of(days.end),
                ..Self::new(Mode::Dates {
                    start: days.start.to_string(),
                    end: days.end.to_string(),
                    full: days.full,
                })
            };
        }
        let mode = match (&stream.incremental, full_refresh) {
            (Some(incremental), false) => {
                let lookback = duration(incremental.lookback.as_deref()).unwrap_or_default();
                let start =
                    since.or_else(|| watermark.and_then(|mark| mark.checked_sub(lookback).ok()));
                match start {
                    Some(since) => {
                        let until = Timestamp::now();
                        let window_end = window_end(incremental, since, until);
                        Mode::Incremental {
                            since,
                            until,
                            window_start: since,
                            window_end,
                        }
                    }
                    None => Mode::Full,
                }
            }
            _ => Mode::Full,
        };
        // A partitioned stream reads the pass's span as ranges: at first one, from the oldest
        // possible record (or the incremental start) to a little past now.
        let ranges = match (&stream.partitions, &mode) {
            (Some(partitions), Mode::Full | Mode::Incremental { .. }) => {
                let since = match &mode {
                    Mode::Incremental { since, .. } => Some(*since),
                    _ => partitions.start.parse().ok(),
                };
                let until = Timestamp::now().checked_add(super::CLOCK_SKEW).ok();
                since
                    .zip(until)
                    .map(|(since, until)| Range {
                        since,
                        until,
                        page: PageState::First,
                        reached: None,
                        key: 0,
                    })
                    .into_iter()
                    .collect()
            }
            _ => Vec::new(),
        };
        Self {
            ranges,
            ..Self::new(mode)
        }
    }

    /// The request, paginator and selector for this checkpoint's mode.
    pub fn shape<'a>(&self, stream: &'a Stream) -> Shape<'a> {
        if let (Mode::Range { .. }, Some(partitions)) = (&self.mode, &stream.partitions) {
            return Shape {
                request: &partitions.request,
                paginator: &stream.paginator,
                records: &stream.records,
            };
        }
        match (&self.mode, &stream.incremental) {
            (Mode::Incremental { .. }, Some(incremental)) => Shape {
                request: incremental.request.as_ref().unwrap_or(&stream.request),
                paginator: incremental.paginator.as_ref().unwrap_or(&stream.paginator),
                records: incremental.records.as_deref().unwrap_or(&stream.records),
            },
            _ => Shape {
                request: &stream.request,
                paginator: &stream.paginator,
                records: &stream.records,
            },
        }
    }

    /// After the last page of a window: the next window, or `None` when the pass is done.
    pub fn next_window(&self, stream: &Stream) -> Option<Self> {
        let Mode::Incremental {
            since,
            until,
            window_end,
            ..
        } = self.mode
        else {
            return None;
        };
        let incremental = stream.incremental.as_ref()?;
        if window_end >= until {
            return None;
        }
        let next_end = self::window_end(incremental, window_end, until);
        Some(Self {
            mode: Mode::Incremental {
                since,
                until,
                window_start: window_end,
                window_end: next_end,
            },
            page: PageState::First,
            max_cursor: self.max_cursor.clone(),
            pages: self.pages,
            ranges: Vec::new(),
        })
    }

    /// Halves the current window (its results pass the provider's cap). `None` when it cannot
    /// shrink any further.
    pub fn split_window(&self) -> Option<Self> {
        let Mode::Incremental {
            since,
            until,
            window_start,
            window_end,
        } = self.mode
        else {
            return None;
        };
        let span = window_end.as_millisecond() - window_start.as_millisecond();
        if span <= 1 {
            return None;
        }
        let half = Timestamp::from_millisecond(window_start.as_millisecond() + span / 2).ok()?;
        Some(Self {
            mode: Mode::Incremental {
                since,
                until,
                window_start,
                window_end: half,
            },
            page: PageState::First,
            max_cursor: self.max_cursor.clone(),
            pages: self.pages,
            ranges: Vec::new(),
        })
    }

    /// Folds a page's newest cursor value (in inlet's instant format, which sorts as text)
    /// into the pass's maximum.
    pub fn observe_cursor(&mut self, value: String) {
        if self
            .max_cursor
            .as_ref()
            .is_none_or(|current| value > *current)
        {
            self.max_cursor = Some(value);
        }
    }
}

fn window_end(incremental: &Incremental, start: Timestamp, until: Timestamp) -> Timestamp {
    match duration(incremental.window.as_deref())
        .filter(|window| !window.is_zero())
        .and_then(|window| start.checked_add(window).ok())
    {
        Some(end) if end < until => end,
        _ => until,
    }
}

/// A duration from a definition (validated when the definition loaded).
pub(super) fn duration(text: Option<&str>) -> Option<Duration> {
    text.and_then(|text| humantime::parse_duration(text).ok())
}

/// Writes an instant in a definition's cursor format.
pub(super) fn format_instant(instant: Timestamp, format: CursorFormat) -> String {
    match format {
        CursorFormat::Rfc3339 => rfc3339(instant),
        CursorFormat::EpochMs => instant.as_millisecond().to_string(),
        CursorFormat::EpochS => instant.as_second().to_string(),
    }
}

/// Placeholder values for one request.
pub(super) struct Vars<'a> {
    pub settings: &'a BTreeMap<String, String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

impl Vars<'_> {
    /// Replaces `{name}` placeholders; unknown ones are left as they are (validation rejects
    /// them in definitions).
    pub fn render(&self, template: &str) -> String {
        if !template.contains('{') {
            return template.to_owned();
        }
        let mut out = template.to_owned();
        if let Some(since) = &self.since {
            out = out.replace("{since}", since);
        }
        if let Some(until) = &self.until {
            out = out.replace("{until}", until);
        }
        crate::catalog::render_base_url(&out, self.settings)
    }

    /// Renders a path: placeholder values are percent-encoded, as one path segment each
    /// (a Search Console site is `https%3A%2F%2Fwww.example.com%2F` in the path).
    pub fn render_path(&self, template: &str) -> String {
        if !template.contains('{') {
            return template.to_owned();
        }
        let encoded: BTreeMap<String, String> = self
            .settings
            .iter()
            .map(|(name, value)| (name.clone(), encode_segment(value)))
            .collect();
        Vars {
            settings: &encoded,
            since: self.since.as_deref().map(encode_segment),
            until: self.until.as_deref().map(encode_segment),
        }
        .render(template)
    }

    /// Renders every string leaf of a JSON body.
    pub fn render_json(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.render(text)),
            Value::Array(items) => {
                Value::Array(items.iter().map(|item| self.render_json(item)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, item)| (key.clone(), self.render_json(item)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// Where a paginator puts its parameters for the next page.
pub(super) struct PageParams {
    pub query: Vec<(String, String)>,
    pub body: Vec<(String, Value)>,
    /// A whole URL replaces the request's (next-URL and Link paginators).
    pub url: Option<String>,
}

/// The parameters for `page` under `paginator`.
pub(super) fn page_params(paginator: &Paginator, page: &PageState) -> PageParams {
    let mut params = PageParams {
        query: Vec::new(),
        body: Vec::new(),
        url: None,
    };
    let mut put = |location: Location, name: &str, value: Value| match location {
        Location::Query => params.query.push((name.to_owned(), value_text(&value))),
        Location::Body => params.body.push((name.to_owned(), value)),
    };
    match (paginator, page) {
        (
            Paginator::BodyCursor {
                param, location, ..
            },
            PageState::Param { value },
        ) => {
            put(*location, param, Value::String(value.clone()));
        }
        (Paginator::HasMore { param, .. }, PageState::Param { value }) => {
            put(Location::Query, param, Value::String(value.clone()));
        }
        (
            Paginator::Offset {
                offset_param,
                limit_param,
                limit,
                location,
                ..
            },
            page,
        ) => {
            let offset = match page {
                PageState::Offset { offset } => *offset,
                _ => 0,
            };
            put(*location, limit_param, Value::from(*limit));
            put(*location, offset_param, Value::from(offset));
        }
        (
            Paginator::PageNumber {
                param,
                start,
                size_param,
                size,
                ..
            },
            page,
        ) => {
            let number = match page {
                PageState::Page { number } => *number,
                _ => *start,
            };
            put(Location::Query, param, Value::from(number));
            if let (Some(size_param), Some(size)) = (size_param, size) {
                put(Location::Query, size_param, Value::from(*size));
            }
        }
        (_, PageState::Url { url }) => params.url = Some(url.clone()),
        _ => {}
    }
    params
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
