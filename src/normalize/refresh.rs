//! Keeps cached rows in the current shape: a row written by an older inlet or another revision
//! of its provider's mapping is normalized again from its raw record before an export.

use std::hash::{Hash as _, Hasher as _};
use std::sync::Arc;

use crate::catalog::{Catalog, Provider, Stream};
use crate::entities::SHAPE_VERSION;
use crate::store::Store;

/// Rows rewritten per transaction.
const BATCH: u32 = 1_000;

/// Names the mapping that writes a stream's rows: the entity shape's version, the entity and a
/// fingerprint of the mapping. A row with another label is stale.
pub fn shape_label(provider: &Provider, stream: &Stream) -> Arc<str> {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    provider.id.hash(&mut hasher);
    stream.name.hash(&mut hasher);
    serde_json::to_string(&stream.normalize)
        .unwrap_or_default()
        .hash(&mut hasher);
    format!(
        "{SHAPE_VERSION}:{}:{:016x}",
        stream.entity.as_str(),
        hasher.finish()
    )
    .into()
}

/// Rewrites every stale row of a client whose provider and stream are still known; returns how
/// many were rewritten.
pub fn refresh_stale(store: &mut Store, catalog: &Catalog, client: &str) -> anyhow::Result<u64> {
    let mut rewritten = 0;
    for (connection_id, provider_hint) in store.record_sources(client)? {
        let provider_id = store
            .connection(&connection_id)?
            .map(|row| row.provider)
            .or(provider_hint);
        let Some(provider) = provider_id.and_then(|id| catalog.get(&id).ok()) else {
            continue;
        };
        let settings = store
            .connection(&connection_id)?
            .map(|row| row.settings_map())
            .unwrap_or_default();
        for stream in &provider.streams {
            let label = shape_label(provider, stream);
            loop {
                let stale = store.stale_records(&connection_id, &stream.name, &label, BATCH)?;
                if stale.is_empty() {
                    break;
                }
                let mut rows = Vec::with_capacity(stale.len());
                for (stream_name, record_id, raw, updated_at) in stale {
                    let record: serde_json::Value = serde_json::from_str(&raw)?;
                    let normalized = super::normalize(
                        provider,
                        &connection_id,
                        &settings,
                        stream,
                        &record_id,
                        updated_at.as_deref(),
                        &record,
                    )?;
                    rows.push((stream_name, record_id, stream.entity.as_str(), normalized));
                }
                rewritten += rows.len() as u64;
                store.renormalize(&connection_id, &label, &rows)?;
            }
        }
    }
    Ok(rewritten)
}
