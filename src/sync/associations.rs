//! Associations: links a provider keeps apart from its records (HubSpot's deal ↔ company and
//! deal ↔ contact), read in batches after a stream's pass (every record after a full pass,
//! those the pass wrote after an incremental one) and kept per record and field; the export
//! and the views fill the entity's list of references from them.

use serde_json::Value;

use super::plan::{Checkpoint, Mode};
use super::{Connection, FetchOptions, Progress, StreamError, StreamReport, send};
use crate::catalog::{Association, Paginator, Stream};
use crate::http::Http;
use crate::normalize::{lookup, pointer_text};
use crate::store::Store;

/// Reads and keeps the stream's associations for its records written at or after
/// `written_since` (all of them when `None`).
#[expect(
    clippy::too_many_arguments,
    reason = "the page loop's inputs plus what to read; one caller"
)]
pub(super) async fn sweep(
    store: &mut Store,
    http: &Http,
    connection: &Connection<'_>,
    stream: &Stream,
    written_since: Option<&str>,
    options: &FetchOptions,
    report: &mut StreamReport,
    progress: &dyn Fn(Progress<'_>),
) -> Result<(), StreamError> {
    let ids = store.record_ids(&connection.row.id, &stream.name, written_since)?;
    if ids.is_empty() {
        return Ok(());
    }
    for association in &stream.associations {
        for chunk in ids.chunks(association.batch.max(1)) {
            let links = read(
                http,
                connection,
                stream,
                association,
                chunk,
                options,
                report,
                progress,
            )
            .await?;
            store.set_associations(&connection.row.id, &stream.name, &association.field, &links)?;
        }
    }
    Ok(())
}

/// One batch: the linked rows' ids for each record of `chunk` (`[]` when the provider lists
/// none for it).
#[expect(
    clippy::too_many_arguments,
    reason = "the request's context; one caller"
)]
async fn read(
    http: &Http,
    connection: &Connection<'_>,
    stream: &Stream,
    association: &Association,
    chunk: &[String],
    options: &FetchOptions,
    report: &mut StreamReport,
    progress: &dyn Fn(Progress<'_>),
) -> Result<Vec<(String, Vec<String>)>, StreamError> {
    let mut request = association.request.clone();
    let mut body = request
        .body
        .take()
        .unwrap_or_else(|| Value::Object(Default::default()));
    let inputs: Vec<Value> = chunk
        .iter()
        .map(|id| serde_json::json!({ "id": id }))
        .collect();
    set_pointer(&mut body, &association.inputs, Value::Array(inputs))
        .map_err(StreamError::Protocol)?;
    request.body = Some(body);
    let call_stream = Stream {
        request,
        paginator: Paginator::None,
        incremental: None,
        report: None,
        deletions: None,
        changes: None,
        associations: Vec::new(),
        ..stream.clone()
    };
    let checkpoint = Checkpoint::new(Mode::Full);
    let response = send(
        http,
        connection,
        &call_stream,
        &stream.name,
        &checkpoint,
        options,
        &mut report.counts.requests,
        progress,
    )
    .await?;
    let results = lookup(&response.body, &association.results)
        .and_then(Value::as_array)
        .ok_or_else(|| {
            StreamError::Protocol(format!(
                "the associations answer has no list at `{}`",
                association.results
            ))
        })?;
    let mut found: std::collections::HashMap<String, Vec<String>> =
        chunk.iter().map(|id| (id.clone(), Vec::new())).collect();
    for result in results {
        let Some(from) = pointer_text(result, &association.from) else {
            continue;
        };
        let Some(targets) = found.get_mut(&from) else {
            continue;
        };
        for link in lookup(result, &association.to)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = pointer_text(link, &association.to_id) {
                let row = format!("{}:{}:{id}", connection.row.id, association.stream);
                if !targets.contains(&row) {
                    targets.push(row);
                }
            }
        }
    }
    let mut links: Vec<(String, Vec<String>)> = found.into_iter().collect();
    for (_, targets) in &mut links {
        targets.sort();
    }
    links.sort();
    Ok(links)
}

/// Sets the value at a JSON pointer, creating objects on the way.
fn set_pointer(target: &mut Value, pointer: &str, value: Value) -> Result<(), String> {
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(format!("`{pointer}` is not a JSON pointer"));
    };
    let mut current = target;
    let tokens: Vec<&str> = rest.split('/').collect();
    for (at, token) in tokens.iter().enumerate() {
        let Value::Object(object) = current else {
            return Err(format!("`{pointer}` does not lead through objects"));
        };
        if at + 1 == tokens.len() {
            object.insert((*token).to_owned(), value);
            return Ok(());
        }
        current = object
            .entry((*token).to_owned())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    Ok(())
}
