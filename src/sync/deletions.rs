//! Deletions: after a stream's pass completes, its definition's listing of deleted records
//! (HubSpot's archived objects, Stripe's `customer.deleted` events, Salesforce's recycle bin) is
//! read whole, and those records leave the cache. Providers keep such listings for weeks, so a
//! run that missed one still sees it; deleting an id that is not cached is a no-op, so reading
//! the listing again is safe, and a sweep that stops half way is simply read again next run.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use serde_json::Value;

use super::plan::{Checkpoint, Mode, PageState};
use super::{
    Connection, FetchOptions, Progress, StreamError, StreamReport, attempts_of, build_call,
    paginate, take_records,
};
use crate::catalog::{Deletions, Stream};
use crate::http::{self, Budget, Http, HttpError};
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
    let mut checkpoint = Checkpoint {
        mode: Mode::Full,
        page: PageState::First,
        max_cursor: None,
        pages: 0,
    };
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
                "the deletions listing went past {} pages (`max_pages` of the definition)",
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
                "the deletions listing has no list at `{}`",
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
                "the deletions listing pointed back to a page it already sent (a cursor loop); stopping".to_owned(),
            ));
        }
        if let Some(PageState::Url { url }) = &next {
            connection.next_link(url)?;
        }
        let ids: Vec<String> = items
            .iter()
            .filter_map(|item| pointer_text(item, &deletions.id))
            .filter(|id| !id.is_empty())
            .collect();
        if !ids.is_empty() {
            report.counts.records_removed +=
                store.remove_records(&connection.row.id, &stream.name, &ids)?;
        }
        match next {
            Some(page) => {
                checkpoint.page = page;
                checkpoint.pages += 1;
            }
            None => return Ok(()),
        }
    }
}
