//! Reading a listing beside a stream's pass (its changes, its deleted records) page by page,
//! with the pass's guards: `max_pages`, cursor loops, links to other origins, and every request
//! through [`super::send`].

use std::collections::HashSet;

use serde_json::Value;

use super::plan::{Checkpoint, PageState};
use super::{
    Connection, FetchOptions, Progress, StreamError, StreamReport, paginate, send, take_records,
};
use crate::catalog::Stream;
use crate::http::Http;

/// Hands each page's items of `listing` (a stream made of the listing's request, items and
/// paginator) to `each`, from `checkpoint` to the last page. `what` names the listing in
/// errors (`deletions`, `changes`); page cursors read the stream's primary key in each item.
#[expect(
    clippy::too_many_arguments,
    reason = "the page loop's inputs plus the listing; two callers"
)]
pub(super) async fn read(
    http: &Http,
    connection: &Connection<'_>,
    stream: &Stream,
    listing: &Stream,
    mut checkpoint: Checkpoint,
    what: &str,
    options: &FetchOptions,
    report: &mut StreamReport,
    progress: &dyn Fn(Progress<'_>),
    mut each: impl FnMut(Vec<Value>, &mut StreamReport) -> Result<(), StreamError>,
) -> Result<(), StreamError> {
    let mut followed: HashSet<PageState> = HashSet::new();
    loop {
        if checkpoint.pages >= listing.paginator.max_pages() {
            return Err(StreamError::Protocol(format!(
                "the {what} listing went past {} pages (`max_pages` of the definition)",
                listing.paginator.max_pages()
            )));
        }
        let response = send(
            http,
            connection,
            listing,
            &stream.name,
            &checkpoint,
            options,
            &mut report.counts.requests,
            progress,
        )
        .await?;
        report.counts.pages += 1;
        let mut body = response.body;
        let items: Vec<Value> = take_records(&mut body, &listing.records).ok_or_else(|| {
            StreamError::Protocol(format!(
                "the {what} listing has no list at `{}`",
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
            return Err(StreamError::Protocol(format!(
                "the {what} listing pointed back to a page it already sent (a cursor loop); stopping"
            )));
        }
        if let Some(PageState::Url { url }) = &next {
            connection.next_link(url)?;
        }
        each(items, report)?;
        match next {
            Some(page) => {
                checkpoint.page = page;
                checkpoint.pages += 1;
            }
            None => return Ok(()),
        }
    }
}
