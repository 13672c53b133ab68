//! The write side of the engine: pages normalized into rows and committed with their
//! checkpoint, in a pipeline that overlaps the HTTP wait, the CPU work and the SQLite write.

use super::StreamError;
use super::report::{Progress, StreamReport};
use crate::catalog::{Provider, Stream};
use crate::ids::ConnectionId;
use crate::normalize;
use crate::store::{Next, RecordRow, Store};
use serde_json::Value;
use std::sync::Arc;

/// One page ready to normalize and commit, owned so it can cross to the writer thread.
pub(super) struct Page {
    /// Report streams: the days this pass replaces.
    pub(super) replace: Option<crate::store::Replace>,
    pub(super) provider: Arc<Provider>,
    /// Index of the stream in the provider's definition.
    pub(super) stream: usize,
    pub(super) connection: ConnectionId,
    /// The connection's non-secret inputs, for mapping defaults (`{currency}`).
    pub(super) settings: Arc<std::collections::BTreeMap<String, String>>,
    pub(super) records: Vec<Value>,
    pub(super) next: OwnedNext,
}

pub(super) enum OwnedNext {
    Continue(String),
    Done(Option<String>),
}

/// A page normalized into rows, ready for SQLite.
pub(super) struct Rows {
    pub(super) replace: Option<crate::store::Replace>,
    pub(super) connection: ConnectionId,
    pub(super) stream: String,
    pub(super) rows: Vec<RecordRow>,
    pub(super) next: OwnedNext,
}

pub(super) type Normalizing = tokio::task::JoinHandle<Result<Rows, StreamError>>;
pub(super) type Committing =
    tokio::task::JoinHandle<(Store, Result<crate::store::PageCounts, StreamError>, u64)>;

/// A three-stage pipeline, in order, one page per stage: while page N+2 is being fetched, page
/// N+1 is normalized on one blocking thread and page N committed on another. The HTTP wait,
/// the CPU work and the SQLite write overlap; a crash still loses at most the pages not yet
/// committed (their checkpoint was never written).
pub(super) struct Writer {
    pub(super) store: Option<Store>,
    pub(super) normalizing: Option<Normalizing>,
    pub(super) committing: Option<Committing>,
}

impl Writer {
    pub(super) fn new(store: Store) -> Self {
        Self {
            store: Some(store),
            normalizing: None,
            committing: None,
        }
    }

    pub(super) async fn submit(
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
    pub(super) async fn advance(
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
            let result = match &rows.replace {
                Some(replace) => store.commit_report_page(
                    &rows.connection,
                    &rows.stream,
                    &rows.rows,
                    &next,
                    replace,
                ),
                None => store.commit_page(&rows.connection, &rows.stream, &rows.rows, &next),
            }
            .map_err(StreamError::from);
            (store, result, count)
        }));
        Ok(())
    }

    /// Waits for every page in flight and books its counts.
    pub(super) async fn settle(
        &mut self,
        report: &mut StreamReport,
        progress: &dyn Fn(Progress<'_>),
        stream: &str,
    ) -> Result<(), StreamError> {
        let advanced = self.advance(report, progress, stream).await;
        let settled = self.settle_commit(report, progress, stream).await;
        advanced.and(settled)
    }

    pub(super) async fn settle_commit(
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
        report.counts.pages += 1;
        report.records_seen += rows;
        report.counts.records_new += counts.new;
        report.counts.records_updated += counts.updated;
        progress(Progress::Page {
            stream,
            pages: report.counts.pages,
            records: report.records_seen,
        });
        Ok(())
    }
}

/// Normalizes a page (on the normalizer thread).
pub(super) fn normalize_page(page: Page) -> Result<Rows, StreamError> {
    let stream = &page.provider.streams[page.stream];
    let shape = normalize::shape_label(&page.provider, stream);
    let rows = page
        .records
        .iter()
        .map(|record| {
            record_row(
                &page.provider,
                &page.connection,
                &page.settings,
                stream,
                &shape,
                record,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Rows {
        replace: page.replace,
        connection: page.connection,
        stream: stream.name.clone(),
        rows,
        next: page.next,
    })
}

/// Moves the page's records out of the body (no copy).
///
/// A `*` step (`/results/*/stages`) takes the records nested in each element of an array, in
/// order; each gets its element, without the nested list, as `_parent` (a stage knows its
/// pipeline).
pub(super) fn take_records(body: &mut Value, pointer: &str) -> Option<Vec<Value>> {
    let wildcard = match pointer.find("/*/") {
        Some(at) => Some((&pointer[..at], &pointer[at + 2..])),
        None => pointer.strip_suffix("/*").map(|outer| (outer, "")),
    };
    if let Some((outer, inner)) = wildcard {
        let parents = take_records(body, outer)?;
        let mut records = Vec::new();
        for mut parent in parents {
            let children = match take_records(&mut parent, inner) {
                Some(children) => children,
                None if parent.is_object() => Vec::new(),
                None => return None,
            };
            if let Value::Object(object) = &mut parent
                && let Some(key) = inner.rsplit('/').next().filter(|_| !inner.is_empty())
                && !inner[1..].contains('/')
            {
                object.remove(key);
            }
            for mut child in children {
                if let Value::Object(object) = &mut child {
                    object.insert(PARENT.to_owned(), parent.clone());
                }
                records.push(child);
            }
        }
        return Some(records);
    }
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

/// The key under which a nested record keeps its parent (`records = "/results/*/stages"`).
pub const PARENT: &str = "_parent";

pub(super) fn record_row(
    provider: &Provider,
    connection_id: &ConnectionId,
    settings: &std::collections::BTreeMap<String, String>,
    stream: &Stream,
    shape: &std::sync::Arc<str>,
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
        settings,
        stream,
        &record_id,
        updated_at.as_deref(),
        record,
    )
    .map_err(|error| {
        StreamError::Protocol(format!(
            "stream `{}` does not fit the `{}` shape: {error}",
            stream.name,
            stream.entity.as_str()
        ))
    })?;
    // Report records are replaced by their day.
    let day = stream
        .report
        .as_ref()
        .and_then(|_| normalize::pointer_text(record, "/date"));
    Ok(RecordRow {
        day,
        record_id,
        entity: stream.entity.as_str(),
        raw: record.to_string(),
        normalized,
        updated_at,
        shape: shape.clone(),
    })
}

/// The ids of a page, in order: two pages with the same fingerprint are the same page.
pub(super) fn page_fingerprint(records: &[Value], primary_key: &str) -> u64 {
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
pub(super) fn newest_cursor(records: &[Value], pointer: &str) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_star_step_takes_nested_records_each_with_its_parent() {
        let mut body = json!({"results": [
            {"id": "default", "label": "Sales", "stages": [{"id": "a"}, {"id": "b"}]},
            {"id": "p2", "label": "Renewals", "stages": []},
            {"id": "p3", "label": "Partners", "stages": [{"id": "c"}]},
        ]});
        let records = take_records(&mut body, "/results/*/stages").unwrap_or_default();
        let ids: Vec<_> = records.iter().map(|record| record["id"].clone()).collect();
        assert_eq!(ids, [json!("a"), json!("b"), json!("c")]);
        assert_eq!(
            records[2][PARENT],
            json!({"id": "p3", "label": "Partners"}),
            "the parent, without its nested list"
        );
        let mut flat = json!({"results": [{"id": 1}]});
        assert_eq!(
            take_records(&mut flat, "/results").map(|r| r.len()),
            Some(1)
        );
        let mut wrong = json!({"results": 3});
        assert_eq!(take_records(&mut wrong, "/results/*/stages"), None);
    }
}
