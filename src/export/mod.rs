//! The export document: one per client, with `schema_version`, a manifest per connection and
//! the normalized entities in a stable order, streamed from the cache row by row.
//!
//! The shape is a public contract: adding fields is fine; renaming or removing one needs a new
//! `schema_version`.

use std::io::Write;

use serde::Serialize;
use serde_json::{Value, json};

use crate::catalog::{Catalog, Entity};
use crate::store::Store;

/// The version of the export document's shape.
pub const SCHEMA_VERSION: u32 = 1;

/// Document layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document.
    Json,
    /// A header line, then one line per row: `{"entity": …, "row": …}`.
    Ndjson,
}

/// What an export wrote, for the command's summary.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub client: String,
    pub connections: usize,
    /// Rows per entity, every entity present (zero when empty).
    pub counts: serde_json::Map<String, Value>,
}

impl Summary {
    /// `250 contacts, 25 companies, 62 deals`: the non-empty entities.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .counts
            .iter()
            .filter(|(_, count)| count.as_u64().unwrap_or(0) > 0)
            .map(|(entity, count)| format!("{count} {entity}"))
            .collect();
        if parts.is_empty() {
            "no records".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// Builds the manifest: per connection (including disconnected ones whose records were kept),
/// its account, streams with counts and watermarks, last run, and provider definition version.
fn manifest(store: &Store, catalog: &Catalog, client: &str) -> anyhow::Result<Vec<Value>> {
    let connected = store.connections(Some(client))?;
    let mut ids: Vec<String> = connected.iter().map(|row| row.id.clone()).collect();
    ids.extend(store.record_sources(client)?);
    ids.sort();
    ids.dedup();
    let mut entries = Vec::new();
    for id in ids {
        let row = connected.iter().find(|row| row.id == id);
        let counts = store.stream_counts(&id)?;
        let watermarks = store.watermarks(&id)?;
        let streams: Vec<Value> = counts
            .iter()
            .map(|(stream, records)| {
                let watermark = watermarks
                    .iter()
                    .find(|(name, _)| name == stream)
                    .and_then(|(_, mark)| mark.clone());
                json!({ "stream": stream, "records": records, "watermark": watermark })
            })
            .collect();
        let last_run = store.last_run(&id)?.map(|run| {
            json!({
                "id": run.id,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "outcome": run.outcome,
            })
        });
        let provider_id = row.map(|row| row.provider.clone());
        let definition_version = provider_id
            .as_deref()
            .and_then(|id| catalog.get(id).ok())
            .map(|provider| provider.version);
        entries.push(json!({
            "connection": id,
            "connected": row.is_some(),
            "provider": provider_id,
            "provider_definition_version": definition_version,
            "account": row.map(|row| json!({ "id": row.account_id, "name": row.account_name })),
            "streams": streams,
            "last_run": last_run,
        }));
    }
    Ok(entries)
}

/// Writes the client's document to `out`. The caller makes it atomic (temp file + rename).
pub fn write(
    store: &Store,
    catalog: &Catalog,
    client: &str,
    format: Format,
    out: &mut dyn Write,
) -> anyhow::Result<Summary> {
    let connections = manifest(store, catalog, client)?;
    let counts = store.entity_counts(client)?;
    let count_of = |entity: Entity| {
        counts
            .iter()
            .find(|(name, _)| name == entity.as_str())
            .map_or(0, |(_, count)| *count)
    };
    let summary = Summary {
        client: client.to_owned(),
        connections: connections.len(),
        counts: Entity::ALL
            .iter()
            .map(|entity| (entity.as_str().to_owned(), Value::from(count_of(*entity))))
            .collect(),
    };
    let header = json!({
        "schema_version": SCHEMA_VERSION,
        "generated_at": crate::store::now(),
        "generator": concat!("inlet ", env!("CARGO_PKG_VERSION")),
        "client": client,
        "manifest": {
            "connections": connections,
            "counts": summary.counts,
        },
    });
    match format {
        Format::Json => write_json(store, client, header, out)?,
        Format::Ndjson => write_ndjson(store, client, header, out)?,
    }
    out.flush()?;
    Ok(summary)
}

fn write_json(
    store: &Store,
    client: &str,
    header: Value,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    // The header is small; the entities are streamed so memory stays flat for any client.
    let Value::Object(header) = header else {
        anyhow::bail!("export header is not an object")
    };
    out.write_all(b"{\n")?;
    for (key, value) in &header {
        write!(out, "  {}: ", serde_json::to_string(key)?)?;
        let pretty = serde_json::to_string_pretty(value)?.replace('\n', "\n  ");
        writeln!(out, "{pretty},")?;
    }
    for (index, entity) in Entity::ALL.iter().enumerate() {
        write!(out, "  \"{}\": [", entity.as_str())?;
        let mut first = true;
        store.for_each_normalized(client, entity.as_str(), |row| {
            out.write_all(if first { b"\n    " } else { b",\n    " })?;
            out.write_all(row.as_bytes())?;
            first = false;
            Ok(())
        })?;
        if !first {
            out.write_all(b"\n  ")?;
        }
        out.write_all(if index + 1 == Entity::ALL.len() {
            b"]\n"
        } else {
            b"],\n"
        })?;
    }
    out.write_all(b"}\n")?;
    Ok(())
}

fn write_ndjson(
    store: &Store,
    client: &str,
    mut header: Value,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    header["type"] = json!("header");
    writeln!(out, "{header}")?;
    for entity in Entity::ALL {
        let prefix = format!(
            "{{\"type\":\"row\",\"entity\":\"{}\",\"row\":",
            entity.as_str()
        );
        store.for_each_normalized(client, entity.as_str(), |row| {
            out.write_all(prefix.as_bytes())?;
            out.write_all(row.as_bytes())?;
            out.write_all(b"}\n")?;
            Ok(())
        })?;
    }
    Ok(())
}
