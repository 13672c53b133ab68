//! Schema migrations keyed on `PRAGMA user_version`: an ordered list, each applied once inside
//! an exclusive transaction, never edited once released.

use std::hash::{BuildHasher as _, Hasher as _};
use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// Migration N (1-based) brings the schema from version N-1 to N.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE connections (
         id TEXT PRIMARY KEY,
         client TEXT NOT NULL,
         name TEXT NOT NULL,
         provider TEXT NOT NULL,
         account_id TEXT NOT NULL,
         account_name TEXT NOT NULL,
         base_url TEXT NOT NULL,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL
     );
     CREATE INDEX connections_client ON connections (client);
     CREATE TABLE stream_state (
         connection_id TEXT NOT NULL,
         stream TEXT NOT NULL,
         cursor TEXT,
         in_progress INTEGER NOT NULL DEFAULT 0,
         completed_at TEXT,
         PRIMARY KEY (connection_id, stream)
     );
     CREATE TABLE records (
         connection_id TEXT NOT NULL,
         client TEXT NOT NULL,
         stream TEXT NOT NULL,
         record_id TEXT NOT NULL,
         entity TEXT NOT NULL,
         raw TEXT NOT NULL,
         normalized TEXT NOT NULL,
         updated_at TEXT,
         fetched_at TEXT NOT NULL,
         PRIMARY KEY (connection_id, stream, record_id)
     );
     CREATE INDEX records_client_entity ON records (client, entity, connection_id, stream, record_id);
     CREATE TABLE runs (
         id INTEGER PRIMARY KEY,
         connection_id TEXT NOT NULL,
         started_at TEXT NOT NULL,
         finished_at TEXT,
         outcome TEXT NOT NULL,
         pid INTEGER,
         pages INTEGER NOT NULL DEFAULT 0,
         requests INTEGER NOT NULL DEFAULT 0,
         records_new INTEGER NOT NULL DEFAULT 0,
         records_updated INTEGER NOT NULL DEFAULT 0,
         error TEXT
     );
     CREATE INDEX runs_connection ON runs (connection_id, id);
     CREATE TABLE run_streams (
         run_id INTEGER NOT NULL,
         stream TEXT NOT NULL,
         outcome TEXT NOT NULL,
         pages INTEGER NOT NULL,
         requests INTEGER NOT NULL,
         records_new INTEGER NOT NULL,
         records_updated INTEGER NOT NULL,
         error TEXT,
         PRIMARY KEY (run_id, stream)
     );
     CREATE TABLE audit (
         id INTEGER PRIMARY KEY,
         at TEXT NOT NULL,
         connection_id TEXT NOT NULL,
         event TEXT NOT NULL,
         detail TEXT NOT NULL
     );",
];

/// The schema version this build writes.
pub(super) fn known_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Applies every migration the cache has not seen; refuses a cache from a newer inlet.
pub(super) fn apply(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let found: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > known_version() {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found,
            known: known_version(),
        });
    }
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(found).unwrap_or(0))
    {
        tx.execute_batch(sql)?;
        if index == 0 {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('profile_id', ?1)",
                [random_id()],
            )?;
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

/// 128 random bits as hex, from the standard library's per-process random hasher keys (an
/// identifier, not key material).
fn random_id() -> String {
    let mut id = String::with_capacity(32);
    for round in 0..2u8 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u8(round);
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_nanos()),
        );
        hasher.write_u32(std::process::id());
        id.push_str(&format!("{:016x}", hasher.finish()));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op() -> anyhow::Result<()> {
        let mut conn = Connection::open_in_memory()?;
        apply(&mut conn, Path::new(":memory:"))?;
        apply(&mut conn, Path::new(":memory:"))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        assert_eq!(version, known_version());
        Ok(())
    }

    #[test]
    fn a_newer_cache_is_refused() -> anyhow::Result<()> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "user_version", known_version() + 1)?;
        let error = apply(&mut conn, Path::new("x.db")).err();
        assert!(matches!(error, Some(StoreError::TooNew { .. })));
        Ok(())
    }
}
