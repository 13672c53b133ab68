//! Changes: for providers whose lists filter only on creation (Stripe), the definition's
//! listing of what changed since a time (Stripe's events) is read before each incremental pass,
//! from the pass's start. Each item carries the changed record as it stood after the change;
//! the newest version of each record is written, and the newest change time seeds the pass's
//! watermark, which moves only when the pass completes, so a failure anywhere is read again.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;

use jiff::Timestamp;
use serde_json::Value;

use super::plan::{Checkpoint, Mode, PageState};
use super::writer::record_row;
use super::{
    Connection, FetchOptions, Progress, StreamError, StreamReport, attempts_of, build_call,
    paginate, take_records,
};
use crate::catalog::{Changes, Incremental, Stream};
use crate::http::{self, Budget, Http, HttpError};
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
    let mut checkpoint = Checkpoint {
        mode: Mode::Incremental {
            since,
            until,
            window_start: since,
            window_end: until,
        },
        page: PageState::First,
        max_cursor: None,
        pages: 0,
    };
    // Record id → (change time, record): the newest version of each.
    let mut newest: HashMap<String, (String, Value)> = HashMap::new();
    let mut followed: HashSet<PageState> = HashSet::new();
    let mut renewed = false;
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
        if checkpoint.pages >= listing.paginator.max_pages() {
            return Err(StreamError::Protocol(format!(
                "the changes listing went past {} pages (`max_pages` of the definition)",
                listing.paginator.max_pages()
            )));
        }
        let secret = connection.credentials.current();
        let call = build_call(connection, &listing, &checkpoint, &secret)?;
        let tell = |retrying: http::Retrying<'_>| {
            progress(Progress::Retrying {
                stream: &stream.name,
                retrying,
            });
        };
        let budget = Budget {
            on_retry: Some(http::OnRetry(&tell)),
            ..connection.budget(options)
        };
        let response = match http.call(&call, budget).await {
            Ok(response) => response,
            Err(HttpError::Unauthorized { .. }) if !renewed => {
                report.counts.requests += 1;
                renewed = true;
                match connection.credentials.renew(&secret).await {
                    Ok(true) => continue,
                    Ok(false) => {
                        return Err(StreamError::Credentials(
                            "the provider rejected the credential (HTTP 401)".to_owned(),
                        ));
                    }
                    Err(error) => return Err(StreamError::Credentials(error.to_string())),
                }
            }
            Err(HttpError::Interrupted) => return Err(StreamError::Interrupted),
            Err(error) => {
                report.counts.requests += u64::from(attempts_of(&error));
                return Err(error.into());
            }
        };
        report.counts.requests += u64::from(response.requests);
        report.counts.pages += 1;
        renewed = false;
        let mut body = response.body;
        let items: Vec<Value> = take_records(&mut body, &listing.records).ok_or_else(|| {
            StreamError::Protocol(format!(
                "the changes listing has no list at `{}`",
                listing.records
            ))
        })?;
        let next = paginate::next_page(
            &listing.paginator,
            &checkpoint.page,
            &body,
            &response.headers,
            &items,
            &stream.primary_key,
        )
        .map_err(StreamError::Protocol)?;
        followed.insert(checkpoint.page.clone());
        if let Some(next) = &next
            && followed.contains(next)
        {
            return Err(StreamError::Protocol(
                "the changes listing pointed back to a page it already sent (a cursor loop); stopping".to_owned(),
            ));
        }
        if let Some(PageState::Url { url }) = &next {
            connection.next_link(url)?;
        }
        for item in items {
            let Some(when) = pointer_text(&item, &changes.cursor)
                .and_then(|text| normalize::canonical_instant(&text))
            else {
                continue;
            };
            let Some(record) = lookup(&item, &changes.record).filter(|record| record.is_object())
            else {
                continue;
            };
            let Some(id) = pointer_text(record, &stream.primary_key).filter(|id| !id.is_empty())
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
        match next {
            Some(page) => {
                checkpoint.page = page;
                checkpoint.pages += 1;
            }
            None => break,
        }
    }
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
    let counts = store.upsert_records(
        &connection.row.id,
        &connection.row.client,
        &stream.name,
        &rows,
    )?;
    report.counts.records_new += counts.new;
    report.counts.records_updated += counts.updated;
    report.records_seen += rows.len() as u64;
    Ok(latest)
}
