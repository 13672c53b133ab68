//! Changes: for providers whose lists filter only on creation (Stripe), the definition's
//! listing of what changed since a time (Stripe's events) is read before each incremental pass,
//! from the pass's start. Each item carries the changed record as it stood after the change;
//! the newest version of each record is written, and the newest change time seeds the pass's
//! watermark, which moves only when the pass completes, so a failure anywhere is read again.

use std::collections::HashMap;

use jiff::Timestamp;
use serde_json::Value;

use super::plan::{Checkpoint, Mode};
use super::writer::record_row;
use super::{Connection, FetchOptions, Progress, StreamError, StreamReport};
use crate::catalog::{Changes, Incremental, Stream};
use crate::http::Http;
use crate::normalize::{self, lookup, pointer_text};
use crate::store::Store;

/// Reads the changes since `since` and writes the newest version of each changed record;
/// returns the newest change time (RFC 3339), for the pass's watermark.
#[expect(
    clippy::too_many_arguments,
    reason = "the page loop's inputs plus the listing; one caller"
)]
pub(super) async fn sweep(
    store: &mut Store,
    http: &Http,
    connection: &Connection<'_>,
    stream: &Stream,
    changes: &Changes,
    since: Timestamp,
    options: &FetchOptions,
    report: &mut StreamReport,
    progress: &dyn Fn(Progress<'_>),
) -> Result<Option<String>, StreamError> {
    // The listing, as an incremental stream of its own: `{since}` in the listing's format.
    let listing = Stream {
        request: changes.request.clone(),
        records: changes.records.clone(),
        paginator: changes
            .paginator
            .clone()
            .unwrap_or_else(|| stream.paginator.clone()),
        incremental: Some(Incremental {
            cursor: changes.cursor.clone(),
            format: changes.format,
            lookback: None,
            request: None,
            paginator: None,
            records: None,
            window: None,
            max_results: None,
        }),
        report: None,
        deletions: None,
        changes: None,
        ..stream.clone()
    };
    let until = Timestamp::now();
    let checkpoint = Checkpoint::new(Mode::Incremental {
        since,
        until,
        window_start: since,
        window_end: until,
    });
    // Record id → (change time, record): the newest version of each.
    let mut newest: HashMap<String, (String, Value)> = HashMap::new();
    super::listing::read(
        http,
        connection,
        stream,
        &listing,
        checkpoint,
        "changes",
        options,
        report,
        progress,
        |items, _| {
            for item in items {
                let Some(when) = pointer_text(&item, &changes.cursor)
                    .and_then(|text| normalize::canonical_instant(&text))
                else {
                    continue;
                };
                let Some(record) =
                    lookup(&item, &changes.record).filter(|record| record.is_object())
                else {
                    continue;
                };
                let Some(id) =
                    pointer_text(record, &stream.primary_key).filter(|id| !id.is_empty())
                else {
                    continue;
                };
                if newest
                    .get(&id)
                    .is_none_or(|(seen, _)| when.as_str() > seen.as_str())
                {
                    newest.insert(id, (when, record.clone()));
                }
            }
            Ok(())
        },
    )
    .await?;
    let latest = newest.values().map(|(when, _)| when.clone()).max();
    if newest.is_empty() {
        return Ok(latest);
    }
    let shape = normalize::shape_label(connection.provider, stream);
    let rows = newest
        .values()
        .map(|(_, record)| {
            record_row(
                connection.provider,
                &connection.row.id,
                &connection.settings,
                stream,
                &shape,
                record,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let counts = store.upsert_records(&connection.row.id, &stream.name, &rows)?;
    report.counts.records_new += counts.new;
    report.counts.records_updated += counts.updated;
    report.records_seen += rows.len() as u64;
    Ok(latest)
}
