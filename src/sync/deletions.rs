//! Deletions: after a stream's pass completes, its definition's listing of deleted records
//! (HubSpot's archived objects, Stripe's `customer.deleted` events, Salesforce's recycle bin) is
//! read whole, and those records leave the cache. Providers keep such listings for weeks, so a
//! run that missed one still sees it; deleting an id that is not cached is a no-op, so reading
//! the listing again is safe, and a sweep that stops half way is simply read again next run.

use super::plan::{Checkpoint, Mode};
use super::{Connection, FetchOptions, Progress, StreamError, StreamReport};
use crate::catalog::{Deletions, Stream};
use crate::http::Http;
use crate::normalize::pointer_text;
use crate::store::Store;

/// Reads the stream's deletions listing and removes the records it names; counts them in
/// `report.counts.records_removed`.
#[expect(
    clippy::too_many_arguments,
    reason = "the page loop's inputs plus the listing; one caller"
)]
pub(super) async fn sweep(
    store: &mut Store,
    http: &Http,
    connection: &Connection<'_>,
    stream: &Stream,
    deletions: &Deletions,
    options: &FetchOptions,
    report: &mut StreamReport,
    progress: &dyn Fn(Progress<'_>),
) -> Result<(), StreamError> {
    // The listing, as a stream of its own: its request, records and paginator; page cursors
    // are read with the stream's primary key within each item.
    let listing = Stream {
        request: deletions.request.clone(),
        records: deletions.records.clone(),
        paginator: deletions
            .paginator
            .clone()
            .unwrap_or_else(|| stream.paginator.clone()),
        incremental: None,
        report: None,
        deletions: None,
        ..stream.clone()
    };
    let checkpoint = Checkpoint::new(Mode::Full);
    let connection_id = connection.row.id.clone();
    super::listing::read(
        http,
        connection,
        stream,
        &listing,
        checkpoint,
        "deletions",
        options,
        report,
        progress,
        |items, report| {
            let ids: Vec<String> = items
                .iter()
                .filter_map(|item| pointer_text(item, &deletions.id))
                .filter(|id| !id.is_empty())
                .collect();
            if !ids.is_empty() {
                report.counts.records_removed +=
                    store.remove_records(&connection_id, &stream.name, &ids)?;
            }
            Ok(())
        },
    )
    .await
}
