//! Schema migrations keyed on `PRAGMA user_version`: an ordered list, each applied once inside
//! an exclusive transaction, never edited once released.

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
    // 2: checkpoints that know incremental windows, watermarks, and per-connection settings.
    // An interrupted fetch of schema 1 keeps its cursor as a checkpoint, so it still resumes.
    "ALTER TABLE stream_state ADD COLUMN checkpoint TEXT;
     ALTER TABLE stream_state ADD COLUMN watermark TEXT;
     UPDATE stream_state
        SET checkpoint = json_object('mode', json_object('kind', 'full'),
                                     'page', json_object('kind', 'param', 'value', cursor))
      WHERE in_progress = 1 AND cursor IS NOT NULL;
     ALTER TABLE connections ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
     ALTER TABLE connections ADD COLUMN auth_mode TEXT;
     -- Every insert paid for this wide index; client queries use the primary key's
     -- `CLIENT/` prefix range instead.
     DROP INDEX records_client_entity;",
    // 3: schedules (every 24 hours by default), per-connection timeouts and retry delays, and
    // whether a run failed on its credential.
    "ALTER TABLE connections ADD COLUMN every_secs INTEGER NOT NULL DEFAULT 86400;
     ALTER TABLE connections ADD COLUMN timeout_secs INTEGER NOT NULL DEFAULT 3600;
     ALTER TABLE connections ADD COLUMN retry_secs INTEGER NOT NULL DEFAULT 900;
     ALTER TABLE runs ADD COLUMN credentials_problem INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE runs ADD COLUMN budget_remaining INTEGER;",
    // 4: whether a connection's secret is in the store (not with `connect --secret-from-env`),
    // and which source a run took its credential from (`keychain`, `file`, or the variable).
    "ALTER TABLE connections ADD COLUMN secret_stored INTEGER NOT NULL DEFAULT 1;
     ALTER TABLE runs ADD COLUMN credential_source TEXT;",
    // 5: which mapping wrote each normalized row (export schema 2 reshaped them all), so rows
    // written by an older inlet or provider definition are rewritten from `raw`.
    "ALTER TABLE records ADD COLUMN shape TEXT NOT NULL DEFAULT '';",
    // 6: request budgets shared by every process fetching from one provider account: the
    // requests sent in the current window, and the provider's last word on its allowance.
    "CREATE TABLE budget_sends (
         account TEXT NOT NULL,
         at_ms INTEGER NOT NULL,
         count INTEGER NOT NULL DEFAULT 1
     );
     CREATE INDEX budget_sends_account ON budget_sends (account, at_ms);
     CREATE TABLE budget_state (
         account TEXT PRIMARY KEY,
         capacity INTEGER,
         window_ms INTEGER,
         paused_until_ms INTEGER NOT NULL DEFAULT 0,
         updated_at TEXT NOT NULL
     );",
    // 7: the documented SQL views, one per entity (`inlet_contacts`, …), with the export's
    // columns (the CSV layout): written by `views_sql` from the entity types of export schema 2.
    VIEWS,
    // 8: report streams. Their records carry their day, by which a fetch replaces them; the
    // pages of a pass are staged until its last page swaps them in.
    "ALTER TABLE records ADD COLUMN day TEXT;
     CREATE INDEX records_day ON records (connection_id, stream, day) WHERE day IS NOT NULL;
     CREATE TABLE staged_records (
         connection_id TEXT NOT NULL,
         stream TEXT NOT NULL,
         record_id TEXT NOT NULL,
         client TEXT NOT NULL,
         entity TEXT NOT NULL,
         raw TEXT NOT NULL,
         normalized TEXT NOT NULL,
         updated_at TEXT,
         day TEXT,
         shape TEXT NOT NULL DEFAULT '',
         PRIMARY KEY (connection_id, stream, record_id)
     );",
    // 9: stages and owners, which deals take their labels and names from (export and views
    // alike): small indexes on just those rows, for the views' joins.
    "CREATE INDEX records_stages ON records (connection_id, record_id) WHERE entity = 'stages';
     CREATE INDEX records_owners ON records (connection_id) WHERE entity = 'owners';",
    // 10: the views again, now with `inlet_stages`, `inlet_owners`, and deals joined to them.
    VIEWS,
    // 11: records removed because the provider deleted them, per run and per stream.
    "ALTER TABLE runs ADD COLUMN records_removed INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE run_streams ADD COLUMN records_removed INTEGER NOT NULL DEFAULT 0;",
    // 12: links records do not carry (HubSpot's deal associations): per record and field,
    // the JSON array of the linked rows' ids, filled into the field as rows are read.
    "CREATE TABLE associations (
         connection_id TEXT NOT NULL,
         stream TEXT NOT NULL,
         record_id TEXT NOT NULL,
         field TEXT NOT NULL,
         targets TEXT NOT NULL,
         PRIMARY KEY (connection_id, stream, record_id, field)
     );",
    // 13: the views again, with those links.
    VIEWS,
    // 14: records per stream, kept by every write that adds or deletes records (a page at a
    // time, not a trigger per row), so `status` reads a few rows instead of counting millions.
    "CREATE TABLE record_counts (
         connection_id TEXT NOT NULL,
         stream TEXT NOT NULL,
         client TEXT NOT NULL,
         records INTEGER NOT NULL,
         PRIMARY KEY (connection_id, stream)
     );
     INSERT INTO record_counts (connection_id, stream, client, records)
         SELECT connection_id, stream, MIN(client), COUNT(*) FROM records
         GROUP BY connection_id, stream;",
    // 15: the `--auth-url` an OAuth connection signed in at, so the command that connects it
    // again is whole even when its secret (which also holds it) is gone.
    "ALTER TABLE connections ADD COLUMN auth_url TEXT;",
];

/// Stands for the views of export schema 2 in [`MIGRATIONS`].
const VIEWS: &str = "-- views of export schema 2";

/// `CREATE VIEW inlet_ENTITY` for every typed entity: `client`, then the entity's flat columns
/// read from the normalized row.
///
/// An entity's lookups ([`crate::entities::Entity::lookups`]) are joins: a deal's `stage` is
/// its own value, or else its stage row's label, exactly as the export fills it.
pub(super) fn views_sql() -> String {
    use crate::entities::LookupKey;
    let mut sql = String::new();
    for entity in crate::entities::Entity::ALL {
        let Some(columns) = entity.columns() else {
            continue;
        };
        let lookups = entity.lookups();
        let select: Vec<String> = columns
            .iter()
            .map(|column| {
                let own = format!("json_extract(r.normalized, '$.{}')", column.path.join("."));
                let found = lookups.iter().enumerate().find_map(|(index, lookup)| {
                    lookup
                        .fills
                        .iter()
                        .find(|(field, _)| column.path == [*field])
                        .map(|(_, from)| format!("json_extract(l{index}.normalized, '$.{from}')"))
                });
                let linked = (column.kind == crate::entities::FieldKind::References).then(|| {
                    format!(
                        "(SELECT json(a.targets) FROM associations a WHERE a.connection_id = r.connection_id AND a.stream = r.stream AND a.record_id = r.record_id AND a.field = '{}')",
                        column.name
                    )
                });
                match (found, linked) {
                    (Some(found), _) => format!("COALESCE({own}, {found}) AS {}", column.name),
                    (None, Some(linked)) => format!("COALESCE({own}, {linked}) AS {}", column.name),
                    (None, None) => format!("{own} AS {}", column.name),
                }
            })
            .collect();
        let joins: String = lookups
            .iter()
            .enumerate()
            .map(|(index, lookup)| {
                let other = lookup.entity.as_str();
                let matching = match lookup.key {
                    LookupKey::RecordId(field) => {
                        format!("l{index}.record_id = json_extract(r.normalized, '$.{field}')")
                    }
                    LookupKey::RowId(field) => format!(
                        "l{index}.connection_id || ':' || l{index}.stream || ':' || l{index}.record_id = json_extract(r.normalized, '$.{field}')"
                    ),
                };
                format!(
                    " LEFT JOIN records l{index} ON l{index}.entity = '{other}' AND l{index}.connection_id = r.connection_id AND {matching}"
                )
            })
            .collect();
        sql.push_str(&format!(
            "DROP VIEW IF EXISTS inlet_{name};\nCREATE VIEW inlet_{name} AS SELECT r.client AS client, {columns} FROM records r{joins} WHERE r.entity = '{name}';\n",
            name = entity.as_str(),
            columns = select.join(", ")
        ));
    }
    sql
}

/// The schema version this build writes.
pub(super) fn known_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Applies every migration the cache has not seen; refuses a cache from a newer inlet.
pub(super) fn apply(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    // The common case, an up-to-date cache, needs no write lock: `status` must not queue
    // behind a fetch that is committing pages.
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current == known_version() {
        return Ok(());
    }
    // Checked again under the lock: another process may have migrated in between.
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
        if *sql == VIEWS {
            // The views read tables of later migrations: only the last `VIEWS` creates them
            // (an earlier one on a cache being brought up to date has nothing left to do).
            if !MIGRATIONS[index + 1..].contains(&VIEWS) {
                tx.execute_batch(&views_sql())?;
            }
        } else {
            tx.execute_batch(sql)?;
        }
        if index == 0 {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('profile_id', ?1)",
                [random_id()?],
            )?;
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

/// 128 random bits from the operating system, as hex (an identifier, not key material).
fn random_id() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| StoreError::NoRandomness(error.to_string()))?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
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
    fn an_interrupted_fetch_of_schema_1_still_resumes() -> anyhow::Result<()> {
        let mut conn = Connection::open_in_memory()?;
        let tx = conn.transaction()?;
        tx.execute_batch(MIGRATIONS[0])?;
        tx.execute("INSERT INTO meta VALUES ('profile_id', 'x')", [])?;
        tx.execute(
            "INSERT INTO stream_state (connection_id, stream, cursor, in_progress) VALUES ('a/h', 'contacts', '42', 1)",
            [],
        )?;
        tx.pragma_update(None, "user_version", 1)?;
        tx.commit()?;
        apply(&mut conn, Path::new(":memory:"))?;
        let checkpoint: String =
            conn.query_row("SELECT checkpoint FROM stream_state", [], |row| row.get(0))?;
        let value: serde_json::Value = serde_json::from_str(&checkpoint)?;
        assert_eq!(value["page"]["value"], "42");
        assert_eq!(value["mode"]["kind"], "full");
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
