//! The export document: one per client, with `schema_version`, a manifest per connection and
//! the normalized entities in a stable order, streamed from the cache row by row inside one
//! read transaction, so every count in it agrees with the rows it holds.
//!
//! The shape is a public contract, defined by the Rust types below and in [`crate::entities`]
//! and published as `schemas/export.schema.json`: adding fields is fine; renaming or removing
//! one needs a new [`SCHEMA_VERSION`].

mod csv;

use std::io::Write;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::entities::{Counts, Entities, Entity, Instant};
use crate::ids::ConnectionId;
use crate::store::Store;

/// The version of the export document's shape. 2: exact money, one typed shape per entity
/// with every key present, `customers` apart from `contacts`, foreign keys in the form of ids.
pub const SCHEMA_VERSION: u32 = 2;

/// Document layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document, indented, one row per line.
    Json,
    /// One JSON document without any whitespace.
    JsonCompact,
    /// A header line, then one line per row: `{"type":"row","entity":…,"row":…}`.
    Ndjson,
    /// A folder: one CSV file per entity and `manifest.json` ([`write_csv`]).
    Csv,
}

/// The whole export document. It is written piece by piece (the entities stream from the
/// cache); this type defines its shape and the published JSON Schema.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "inlet export document")]
pub struct Document {
    /// The version of this shape; a consumer checks it before reading anything else.
    #[schemars(range(min = 2, max = 2))]
    pub schema_version: u32,
    /// When the export was written.
    pub generated_at: Instant,
    /// `inlet VERSION`.
    pub generator: String,
    /// The client this document is about; it holds no other client's data.
    pub client: String,
    pub manifest: Manifest,
    /// The rows, one array per entity, each in a stable order (connection, stream, record id).
    #[serde(flatten)]
    pub entities: Entities,
}

/// What the document holds and where it came from.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Every connection of the client that is connected or still has data, by id.
    pub connections: Vec<ManifestConnection>,
    /// Rows per entity in this document.
    pub counts: Counts,
}

/// One connection's part of the document.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestConnection {
    /// `CLIENT/NAME`.
    pub connection: String,
    /// False when the connection was removed and its data kept.
    pub connected: bool,
    /// The provider id (`null` only for data whose provider is no longer known).
    pub provider: Option<String>,
    /// The revision of the provider definition that is in use.
    pub provider_definition_version: Option<u32>,
    /// The account the connection verified (`null` once disconnected).
    pub account: Option<Account>,
    /// Every stream with rows, with its count and watermark.
    pub streams: Vec<StreamManifest>,
    /// The latest fetch.
    pub last_run: Option<LastRun>,
}

/// The account at the provider.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: String,
    pub name: String,
}

/// One stream's rows in the document.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StreamManifest {
    pub stream: String,
    /// Rows of this stream in the document.
    pub records: u64,
    /// The newest `updated_at` among them.
    pub watermark: Option<Instant>,
    /// Rows the connection's last run removed from this stream because the provider deleted
    /// the records (0 when none, or when the provider lists no deletions).
    pub removed_last_run: u64,
}

/// A fetch run.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LastRun {
    pub id: i64,
    pub started_at: Instant,
    pub finished_at: Option<Instant>,
    /// `ok`, `failed`, `interrupted`, `locked` or `running`.
    pub outcome: String,
    /// Cached rows the run removed because the provider deleted the records.
    pub records_removed: u64,
}

/// The header of the document: everything but the entity arrays.
#[derive(Debug, Clone, Serialize)]
struct Header<'a> {
    schema_version: u32,
    generated_at: String,
    generator: &'static str,
    client: &'a str,
    manifest: &'a Manifest,
}

/// What an export wrote, for the command's summary.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub client: String,
    pub connections: usize,
    /// Rows per entity, every entity present (zero when empty).
    pub counts: Counts,
}

impl Summary {
    /// `250 contacts, 25 companies, 62 deals`: the non-empty entities.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = Entity::ALL
            .iter()
            .filter(|entity| self.counts.get(**entity) > 0)
            .map(|entity| format!("{} {}", self.counts.get(*entity), entity.as_str()))
            .collect();
        if parts.is_empty() {
            "no records".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// The JSON Schema of the export document, generated from [`Document`]. Every object lists
/// all its keys as required and allows no others: inlet writes every key, `null` when unknown.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Document);
    let mut schema = serde_json::to_value(&schema).unwrap_or_default();
    every_key_required(&mut schema);
    schema
}

fn every_key_required(schema: &mut serde_json::Value) {
    match schema {
        serde_json::Value::Object(object) => {
            if let Some(serde_json::Value::Object(properties)) = object.get("properties") {
                let keys: Vec<serde_json::Value> =
                    properties.keys().cloned().map(Into::into).collect();
                object.insert("required".into(), keys.into());
                object.insert("additionalProperties".into(), false.into());
            }
            for value in object.values_mut() {
                every_key_required(value);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(every_key_required),
        _ => {}
    }
}

/// Builds the manifest: per connection (including disconnected ones whose records were kept),
/// its account, streams with counts and watermarks, last run, and provider definition version.
fn manifest(store: &Store, catalog: &Catalog, client: &str) -> anyhow::Result<Manifest> {
    let connected = store.connections(Some(client))?;
    let mut ids: Vec<ConnectionId> = connected.iter().map(|row| row.id.clone()).collect();
    let sources = store.record_sources(client)?;
    ids.extend(sources.iter().map(|(id, _)| id.clone()));
    ids.sort();
    ids.dedup();
    let mut connections = Vec::new();
    for id in ids {
        let row = connected.iter().find(|row| row.id == id);
        let counts = store.stream_counts(&id)?;
        let watermarks = store.watermarks(&id)?;
        let last = store.last_run(&id)?;
        let removed = match &last {
            Some(run) => store.removed_in_run(run.id)?,
            None => Vec::new(),
        };
        let streams = counts
            .iter()
            .map(|(stream, records)| StreamManifest {
                stream: stream.clone(),
                records: *records,
                watermark: watermarks
                    .iter()
                    .find(|(name, _)| name == stream)
                    .and_then(|(_, mark)| mark.clone())
                    .map(Instant),
                removed_last_run: removed
                    .iter()
                    .find(|(name, _)| name == stream)
                    .map_or(0, |(_, count)| *count),
            })
            .collect();
        let last_run = last.map(|run| LastRun {
            id: run.id,
            started_at: Instant(crate::clock::rfc3339(run.started_at)),
            finished_at: run
                .finished_at
                .map(|finished| Instant(crate::clock::rfc3339(finished))),
            outcome: run.outcome.to_string(),
            records_removed: run.counts.records_removed,
        });
        let provider = row.map(|row| row.provider.clone()).or_else(|| {
            sources
                .iter()
                .find(|(source, _)| *source == id)
                .and_then(|(_, provider)| provider.clone())
        });
        let provider_definition_version = provider
            .as_deref()
            .and_then(|id| catalog.get(id).ok())
            .map(|provider| provider.version);
        connections.push(ManifestConnection {
            connection: id.to_string(),
            connected: row.is_some(),
            provider,
            provider_definition_version,
            account: row.map(|row| Account {
                id: row.account_id.clone(),
                name: row.account_name.clone(),
            }),
            streams,
            last_run,
        });
    }
    let mut counts = Counts::default();
    for (entity, count) in store.entity_counts(client)? {
        if let Some(entity) = Entity::from_name(&entity) {
            counts.set(entity, count);
        }
    }
    Ok(Manifest {
        connections,
        counts,
    })
}

/// Writes the client's document to `out`, from one consistent snapshot of the cache. The
/// caller makes it atomic (temp file + rename).
pub fn write(
    store: &Store,
    catalog: &Catalog,
    client: &str,
    format: Format,
    out: &mut dyn Write,
) -> anyhow::Result<Summary> {
    // One read transaction: a fetch committing pages meanwhile is invisible, so the manifest,
    // the per-stream counts and the arrays all describe the same rows.
    let snapshot = store.read_snapshot()?;
    let manifest = manifest(store, catalog, client)?;
    let header = Header {
        schema_version: SCHEMA_VERSION,
        generated_at: crate::clock::stamp(),
        generator: concat!("inlet ", env!("CARGO_PKG_VERSION")),
        client,
        manifest: &manifest,
    };
    match format {
        Format::Json => write_json(store, client, &header, false, out)?,
        Format::JsonCompact => write_json(store, client, &header, true, out)?,
        Format::Ndjson => write_ndjson(store, client, &header, out)?,
        Format::Csv => anyhow::bail!("CSV is a folder of files: use `write_csv`"),
    }
    out.flush()?;
    drop(snapshot);
    Ok(Summary {
        client: client.to_owned(),
        connections: manifest.connections.len(),
        counts: manifest.counts,
    })
}

/// Writes a client's export as a folder of CSV files (one per entity, and `manifest.json`
/// holding the document's header), from one consistent snapshot of the cache. `dir` exists
/// and is empty; the caller makes the result appear atomically.
pub fn write_csv(
    store: &Store,
    catalog: &Catalog,
    client: &str,
    dir: &std::path::Path,
) -> anyhow::Result<Summary> {
    let snapshot = store.read_snapshot()?;
    let manifest = manifest(store, catalog, client)?;
    let header = Header {
        schema_version: SCHEMA_VERSION,
        generated_at: crate::clock::stamp(),
        generator: concat!("inlet ", env!("CARGO_PKG_VERSION")),
        client,
        manifest: &manifest,
    };
    csv::write_dir(store, client, &serde_json::to_value(&header)?, dir)?;
    drop(snapshot);
    Ok(Summary {
        client: client.to_owned(),
        connections: manifest.connections.len(),
        counts: manifest.counts,
    })
}

fn write_json(
    store: &Store,
    client: &str,
    header: &Header<'_>,
    compact: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    // The header is small; the entities are streamed so memory stays flat for any client.
    let serde_json::Value::Object(header) = serde_json::to_value(header)? else {
        anyhow::bail!("export header is not an object")
    };
    // Pretty: the header indented, then one row per line. Compact: no whitespace at all.
    let (open, key_gap, row_first, row_next, array_end, close) = if compact {
        ("{", ":", "", ",", "]", "}\n")
    } else {
        ("{\n", ": ", "\n    ", ",\n    ", "\n  ]", "\n}\n")
    };
    out.write_all(open.as_bytes())?;
    let mut first_key = true;
    let mut separator = |out: &mut dyn Write| -> std::io::Result<()> {
        if !first_key {
            out.write_all(if compact { b"," } else { b",\n" })?;
        }
        first_key = false;
        if !compact {
            out.write_all(b"  ")?;
        }
        Ok(())
    };
    for (key, value) in &header {
        separator(out)?;
        write!(out, "{}{key_gap}", serde_json::to_string(key)?)?;
        if compact {
            serde_json::to_writer(&mut *out, value)?;
        } else {
            let pretty = serde_json::to_string_pretty(value)?.replace('\n', "\n  ");
            out.write_all(pretty.as_bytes())?;
        }
    }
    for entity in Entity::ALL {
        separator(out)?;
        write!(out, "\"{}\"{key_gap}[", entity.as_str())?;
        let mut first = true;
        store.for_each_normalized(client, entity.as_str(), |row| {
            out.write_all(if first { row_first } else { row_next }.as_bytes())?;
            out.write_all(row.as_bytes())?;
            first = false;
            Ok(())
        })?;
        out.write_all(if first { b"]" } else { array_end.as_bytes() })?;
    }
    out.write_all(close.as_bytes())?;
    Ok(())
}

fn write_ndjson(
    store: &Store,
    client: &str,
    header: &Header<'_>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut header = serde_json::to_value(header)?;
    header["type"] = serde_json::json!("header");
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
