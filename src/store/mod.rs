//! The SQLite cache: schema migrations, connections, stream checkpoints, records, runs, audit.
//!
//! Nothing outside this module writes SQL. A page of records and the checkpoint that follows it
//! commit in one transaction ([`Store::commit_page`]), which is what makes fetches crash-safe.

mod budget;
mod migrations;
mod reports;

pub use reports::Replace;

pub use budget::{Booking, Ledger};

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension as _, params};

use crate::counts::RunCounts;
use crate::entities::{Entity, Lookup, LookupKey};
use crate::ids::ConnectionId;
use crate::outcome::{Failure, Outcome};

/// Errors of the cache.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the cache at `{path}`")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "the cache at `{path}` was written by a newer inlet (schema {found}, this one knows {known})"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cache query failed")]
    Sqlite(#[source] rusqlite::Error),
    #[error("the cache holds a value inlet cannot read: {0}")]
    Corrupt(String),
    #[error("the operating system gave no random bytes for the cache's profile id: {0}")]
    NoRandomness(String),
    #[error("the cache at `{path}` is damaged ({problem}); nothing was written to it")]
    Damaged { path: PathBuf, problem: String },
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        // A row that failed inlet's own checks on read says what is wrong with it.
        if let rusqlite::Error::FromSqlConversionFailure(_, _, source) = &error
            && let Some(corrupt) = source.downcast_ref::<CorruptValue>()
        {
            return Self::Corrupt(corrupt.0.clone());
        }
        Self::Sqlite(error)
    }
}

/// A stored value that does not parse; instead of a silent default, reading the row fails.
#[derive(Debug)]
struct CorruptValue(String);

impl std::fmt::Display for CorruptValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CorruptValue {}

/// A connection id is stored as its text, and read back only when it is one: an id that does
/// not parse is a damaged cache, not a string passed on.
impl rusqlite::ToSql for ConnectionId {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
    }
}

impl rusqlite::types::FromSql for ConnectionId {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let text = value.as_str()?;
        ConnectionId::read(text).ok_or_else(|| {
            rusqlite::types::FromSqlError::Other(Box::new(CorruptValue(format!(
                "`{text}` is not a connection id"
            ))))
        })
    }
}

/// Fails a row read at column `index` with what is wrong.
fn corrupt(index: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        index,
        rusqlite::types::Type::Text,
        Box::new(CorruptValue(message)),
    )
}

/// Reads a stored time (RFC 3339) where the row is read: a value that is not one is an error
/// there, never "now" later.
fn read_time(
    index: usize,
    text: String,
    what: impl FnOnce() -> String,
) -> rusqlite::Result<jiff::Timestamp> {
    text.parse::<jiff::Timestamp>()
        .map_err(|_| corrupt(index, format!("{} `{text}` is not a time", what())))
}

impl StoreError {
    /// True when SQLite could not write because the disk (or the user's quota) is full.
    pub fn is_disk_full(&self) -> bool {
        let sqlite = match self {
            Self::Sqlite(error) | Self::Open { source: error, .. } => error,
            _ => return false,
        };
        matches!(
            sqlite,
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == rusqlite::ErrorCode::DiskFull
        )
    }

    /// SQLite found the file's structure damaged while reading it.
    fn is_malformed(&self) -> bool {
        let sqlite = match self {
            Self::Sqlite(error) | Self::Open { source: error, .. } => error,
            _ => return false,
        };
        matches!(
            sqlite,
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == rusqlite::ErrorCode::DatabaseCorrupt
        )
    }

    /// A full disk, or SQLite unable to grow the log's shared-memory index (what a full disk
    /// looks like when a cache is opened).
    fn is_disk_full_or_index(&self) -> bool {
        let sqlite = match self {
            Self::Sqlite(error) | Self::Open { source: error, .. } => error,
            _ => return false,
        };
        self.is_disk_full()
            || matches!(
                sqlite,
                rusqlite::Error::SqliteFailure(failure, _)
                    if failure.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE
            )
    }

    /// What the user can do about it.
    pub fn hints(&self) -> Vec<String> {
        match self {
            Self::TooNew { .. } => vec!["upgrade inlet, or use another `--home`".to_owned()],
            Self::Corrupt(_) => vec![
                "the row was changed outside inlet: restore the cache from a backup, or remove the connection (`inlet disconnect CONNECTION`) and connect it again".to_owned(),
            ],
            Self::Open { .. } | Self::Sqlite(..) if self.is_malformed() => vec![
                "the cache file is damaged: `inlet fetch` checks it, names the file and refuses to write into it; move the file aside, reconnect and fetch again (`sqlite3 FILE .recover` may salvage records)".to_owned(),
            ],
            Self::Open { .. } | Self::Sqlite(..) if self.is_disk_full_or_index() => {
                let folder = match self {
                    Self::Open { path, .. } => path.parent().unwrap_or(path).display().to_string(),
                    _ => "the cache's folder".to_owned(),
                };
                vec![format!(
                    "the disk is full: free space where the cache is (`df -h {folder}`), then run the command again; nothing committed was lost"
                )]
            }
            Self::Damaged { path, .. } => {
                let path = path.display();
                vec![
                    format!(
                        "keep a copy and start a new cache: `mv '{path}' '{path}.damaged'`, then reconnect each connection (`inlet connect …`; the old secrets stay in the keychain until you remove them) and fetch again"
                    ),
                    format!(
                        "the records may be salvaged with SQLite's own tool: `sqlite3 '{path}.damaged' .recover | sqlite3 recovered.db`"
                    ),
                ]
            }
            _ => Vec::new(),
        }
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// A connection as recorded by `connect`. Holds a reference to its secret, never the secret.
#[derive(Debug, Clone)]
pub struct ConnectionRow {
    pub id: ConnectionId,
    pub provider: String,
    pub account_id: String,
    pub account_name: String,
    pub base_url: String,
    pub created_at: jiff::Timestamp,
    /// Non-secret connect inputs (`--set`).
    pub settings: std::collections::BTreeMap<String, String>,
    /// The auth mode chosen at connect (`None`: the provider's default).
    pub auth_mode: Option<String>,
    pub schedule: Schedule,
    /// The authorization server an OAuth connection signed in at (`--auth-url`), when not the
    /// definition's own.
    pub auth_url: Option<String>,
}

/// When a connection is fetched by `fetch --due`, and how long a run may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Schedule {
    /// Fetch this often, in seconds.
    pub every_secs: u64,
    /// Stop a run after this long, in seconds (it resumes next time).
    pub timeout_secs: u64,
    /// After a failed run, try again this much sooner than `every`, doubling per failure.
    pub retry_secs: u64,
}

impl ConnectionRow {
    /// The connection's non-secret inputs (`--set`), read (and checked) with the row.
    pub fn settings_map(&self) -> std::collections::BTreeMap<String, String> {
        self.settings.clone()
    }
}

impl Schedule {
    /// The default timeout and retry delay with this interval; the retry delay never longer
    /// than the interval.
    pub fn every(every_secs: u64) -> Self {
        let default = Self::default();
        Self {
            every_secs,
            retry_secs: default.retry_secs.min(every_secs),
            ..default
        }
    }
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            every_secs: 86_400,
            timeout_secs: 3_600,
            retry_secs: 900,
        }
    }
}

/// Where a stream stands.
#[derive(Debug, Clone, Default)]
pub struct StreamState {
    /// The checkpoint to resume from (JSON, owned by the engine), when the last fetch of this
    /// stream did not finish.
    pub checkpoint: Option<String>,
    /// The newest cursor value of the last complete fetch (RFC 3339), for incremental fetches.
    pub watermark: Option<String>,
    /// When the stream last completed.
    pub completed_at: Option<String>,
}

/// What follows a committed page.
#[derive(Debug, Clone)]
pub enum Next<'a> {
    /// More pages: where to resume (the engine's checkpoint JSON).
    Continue(&'a str),
    /// The stream is complete; its new watermark, if it has one.
    Done(Option<&'a str>),
}

/// One record ready to be written.
#[derive(Debug)]
pub struct RecordRow {
    pub record_id: String,
    /// Normalized entity this record feeds (`contacts`, …).
    pub entity: &'static str,
    /// The provider's record as received (compact JSON).
    pub raw: String,
    /// The normalized row (compact JSON in its entity's shape).
    pub normalized: String,
    /// Which mapping wrote `normalized` (see `normalize::shape_label`): rows written by
    /// another one are rewritten before an export.
    pub shape: std::sync::Arc<str>,
    pub updated_at: Option<String>,
    /// The day (`YYYY-MM-DD`) of a report stream's record, by which it is replaced.
    pub day: Option<String>,
}

/// A cached record to normalize again: (stream, record id, raw JSON, updated_at).
pub type StaleRecord = (String, String, String, Option<String>);

/// What a committed page changed.
#[derive(Debug, Default, Clone, Copy)]
pub struct PageCounts {
    pub new: u64,
    pub updated: u64,
}

/// A run as shown by `status`.
#[derive(Debug, Clone)]
pub struct RunRow {
    pub id: i64,
    pub connection_id: ConnectionId,
    pub started_at: jiff::Timestamp,
    pub finished_at: Option<jiff::Timestamp>,
    pub outcome: Outcome,
    pub counts: RunCounts,
    pub failure: Option<Failure>,
    /// Requests left in the provider's window at the end of the run, when it reports it.
    pub budget_remaining: Option<u64>,
    /// Where the run's credential came from: `keychain`, `file`, or `env:VARIABLE`.
    pub credential_source: Option<String>,
}

/// Totals of a finished run, written by [`Store::finish_run`].
#[derive(Debug, Clone)]
pub struct RunTotals {
    pub outcome: Outcome,
    pub counts: RunCounts,
    pub failure: Option<Failure>,
    /// Requests left in the provider's window at the end of the run, when it reports it.
    pub budget_remaining: Option<u64>,
}

/// A stream's place, as `status CONNECTION` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StreamStatus {
    pub stream: String,
    pub records: u64,
    pub watermark: Option<String>,
    pub completed_at: Option<String>,
    /// An unfinished fetch will resume.
    pub resumable: bool,
}

// Connection ids are `CLIENT/NAME`, and `/` sorts just before `0`, so the ids of one client
// are exactly those between `CLIENT/` and `CLIENT0`: a range on the primary key.

/// The open cache.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

/// Where a fetch that found the cache damaged leaves the problem for `status` (which does not
/// read every page): beside the cache. A new cache created in its place removes it.
pub fn damaged_note(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".damaged-note");
    PathBuf::from(name)
}

/// A file of [`RESERVE_BYTES`] kept beside the cache while a fetch runs: when the disk fills
/// up, removing it makes room to record why the run stopped.
pub fn reserve_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".reserve");
    PathBuf::from(name)
}

/// The room kept for recording a run's end on a full disk.
pub const RESERVE_BYTES: usize = 1 << 20;

/// Makes sure the reserve exists (written, not sparse, so its blocks are really taken).
/// Best effort: on a disk already too full, the run goes on without one.
pub fn ensure_reserve(database: &Path) {
    let path = reserve_path(database);
    if std::fs::metadata(&path).is_ok_and(|meta| meta.len() == RESERVE_BYTES as u64) {
        return;
    }
    if crate::trust::write_private(&path, &vec![0; RESERVE_BYTES]).is_err() {
        let _ = std::fs::remove_file(&path);
    }
}

/// Gives the reserve's room back to the disk.
pub fn release_reserve(database: &Path) -> bool {
    std::fs::remove_file(reserve_path(database)).is_ok()
}

/// True when a file can be created beside `path` (the probe is removed at once).
fn folder_is_writable(path: &Path) -> bool {
    let folder = path.parent().unwrap_or_else(|| Path::new("."));
    tempfile::tempfile_in(folder).is_ok()
}

impl Store {
    /// Opens (or creates, mode 0600) the cache and brings its schema up to date. On a
    /// read-only home (a read-only mount, a backup), an existing cache is opened read-only so
    /// `status`, `export` and the other readers still work.
    pub fn open(path: &Path) -> Result<Self> {
        match Self::open_writable(path) {
            Ok(store) => Ok(store),
            Err(error) if path.is_file() && !folder_is_writable(path) => {
                tracing::debug!(%error, "the cache's folder is read-only; opening it read-only");
                Self::open_read_only(path).map_err(|_| error)
            }

            Err(error) => Err(error),
        }
    }

    /// An existing cache on read-only media: no locks, no writes, no schema changes.
    fn open_read_only(path: &Path) -> Result<Self> {
        let open_error = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let text = path.to_string_lossy();
        let escaped = text
            .replace('%', "%25")
            .replace('?', "%3f")
            .replace('#', "%23");
        let conn = Connection::open_with_flags(
            format!("file:{escaped}?immutable=1"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(open_error)?;
        let mut store = Self { conn };
        migrations::apply(&mut store.conn, path)?;
        Ok(store)
    }

    fn open_writable(path: &Path) -> Result<Self> {
        let open_error = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let existed = path.exists();
        if !existed {
            // Created 0600 before SQLite opens it, so no umask ever exposes it.
            let _ = crate::trust::private_file()
                .write(true)
                .create_new(true)
                .open(path);
        }
        let conn = Connection::open(path).map_err(open_error)?;
        if !existed {
            // Tighten before any data lands; SQLite creates files with the umask's mode.
            let _ = crate::paths::set_mode(path, 0o600);
            // A damaged cache moved aside: its note goes with it.
            let _ = std::fs::remove_file(damaged_note(path));
        }
        // WAL lets `status` read while a long `fetch` writes; the busy timeout makes
        // concurrent writers wait instead of failing.
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(open_error)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_error)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_error)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_error)?;
        let mut store = Self { conn };
        migrations::apply(&mut store.conn, path)?;
        for suffix in ["-wal", "-shm"] {
            let mut side = path.as_os_str().to_owned();
            side.push(suffix);
            let _ = crate::paths::set_mode(Path::new(&side), 0o600);
        }
        Ok(store)
    }

    /// SQLite's `quick_check`: every page of the file read and its structure checked (not the
    /// indexes against the tables, which is what makes `integrity_check` slow). Run before a
    /// fetch writes, so a damaged file is never written into. `limit` problems at most are kept.
    pub fn quick_check(&self, path: &Path) -> Result<()> {
        let mut statement = self.conn.prepare("PRAGMA quick_check(3)")?;
        let problems: Vec<String> = match statement
            .query_map([], |row| row.get::<_, String>(0))
            .and_then(|rows| rows.collect::<std::result::Result<_, _>>())
        {
            Ok(problems) => problems,
            // SQLite may give up on a file too damaged to walk: that is the answer too.
            Err(error) => vec![error.to_string()],
        };
        if problems.len() == 1 && problems[0] == "ok" {
            return Ok(());
        }
        Err(StoreError::Damaged {
            path: path.to_owned(),
            problem: problems
                .join("; ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        })
    }

    /// A random id of this cache, generated once: it keys the keychain entries so that two
    /// homes (profiles) never share a secret.
    pub fn profile_id(&self) -> Result<String> {
        Ok(self.conn.query_row(
            "SELECT value FROM meta WHERE key = 'profile_id'",
            [],
            |row| row.get(0),
        )?)
    }

    /// One connection by id.
    pub fn connection(&self, id: &ConnectionId) -> Result<Option<ConnectionRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, client, name, provider, account_id, account_name, base_url, created_at,
                        settings, auth_mode, every_secs, timeout_secs, retry_secs, auth_url
                 FROM connections WHERE id = ?1",
                [id],
                connection_row,
            )
            .optional()?)
    }

    /// All connections, optionally of one client, ordered by id.
    pub fn connections(&self, client: Option<&str>) -> Result<Vec<ConnectionRow>> {
        let mut statement = self.conn.prepare(
            "SELECT id, client, name, provider, account_id, account_name, base_url, created_at,
                    settings, auth_mode, every_secs, timeout_secs, retry_secs, auth_url
             FROM connections WHERE ?1 IS NULL OR client = ?1 ORDER BY id",
        )?;
        let rows = statement.query_map([client], connection_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// True when the client has a connection or cached records.
    pub fn client_known(&self, client: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM connections WHERE client = ?1)
                 OR EXISTS (SELECT 1 FROM records WHERE connection_id > ?1 || '/'
                                AND connection_id < ?1 || '0' AND client = ?1)",
            [client],
            |row| row.get(0),
        )?)
    }

    /// Records a new connection (or replaces the account details of a reconnected one).
    pub fn upsert_connection(&mut self, row: &ConnectionRow) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO connections
                 (id, client, name, provider, account_id, account_name, base_url, created_at,
                  updated_at, settings, auth_mode, every_secs, timeout_secs, retry_secs, auth_url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT(id) DO UPDATE SET account_id = excluded.account_id,
                 account_name = excluded.account_name, base_url = excluded.base_url,
                 updated_at = excluded.updated_at, settings = excluded.settings,
                 auth_mode = excluded.auth_mode, every_secs = excluded.every_secs,
                 timeout_secs = excluded.timeout_secs, retry_secs = excluded.retry_secs,
                 auth_url = excluded.auth_url",
            params![
                row.id.as_str(),
                row.id.client(),
                row.id.name(),
                row.provider,
                row.account_id,
                row.account_name,
                row.base_url,
                crate::clock::rfc3339(row.created_at),
                serde_json::Value::Object(
                    row.settings
                        .iter()
                        .map(|(name, value)| (name.clone(), value.clone().into()))
                        .collect()
                )
                .to_string(),
                row.auth_mode,
                row.schedule.every_secs,
                row.schedule.timeout_secs,
                row.schedule.retry_secs,
                row.auth_url
            ],
        )?;
        audit(
            &tx,
            &row.id,
            "connect",
            &format!("account {}", row.account_id),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Removes a connection; with `purge`, also its records, checkpoints and runs.
    pub fn delete_connection(&mut self, id: &ConnectionId, purge: bool) -> Result<u64> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM connections WHERE id = ?1", [id])?;
        let mut purged = 0;
        if purge {
            purged = purge_in(&tx, id)?;
            tx.execute("DELETE FROM staged_records WHERE connection_id = ?1", [id])?;
        }
        let event = if purge {
            "disconnect --purge"
        } else {
            "disconnect"
        };
        audit(&tx, id, event, &format!("{purged} records deleted"))?;
        tx.commit()?;
        Ok(purged)
    }

    /// Starts a run; runs of this connection left `running` by a killed process become
    /// `interrupted`.
    pub fn begin_run(&mut self, connection_id: &ConnectionId) -> Result<i64> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE runs SET outcome = 'interrupted'
             WHERE connection_id = ?1 AND outcome = 'running'",
            [connection_id],
        )?;
        tx.execute(
            "INSERT INTO runs (connection_id, started_at, outcome, pid) VALUES (?1, ?2, 'running', ?3)",
            params![connection_id, crate::clock::stamp(), std::process::id()],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Records a run's end and totals.
    pub fn finish_run(&mut self, run_id: i64, totals: &RunTotals) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET finished_at = ?2, outcome = ?3, pages = ?4, requests = ?5,
                 records_new = ?6, records_updated = ?7, error = ?8, credentials_problem = ?9,
                 budget_remaining = ?10, records_removed = ?11
             WHERE id = ?1",
            params![
                run_id,
                crate::clock::stamp(),
                totals.outcome.as_str(),
                totals.counts.pages,
                totals.counts.requests,
                totals.counts.records_new,
                totals.counts.records_updated,
                totals
                    .failure
                    .as_ref()
                    .map(|failure| failure.message.as_str()),
                crate::outcome::is_credentials(totals.failure.as_ref()),
                totals.budget_remaining,
                totals.counts.records_removed
            ],
        )?;
        Ok(())
    }

    /// Records where a run's credential came from (`keychain`, `file`, `env:VARIABLE`), so
    /// `status` blames the right source when the provider refuses it.
    pub fn set_run_credential_source(&mut self, run_id: i64, source: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET credential_source = ?2 WHERE id = ?1",
            params![run_id, source],
        )?;
        Ok(())
    }

    /// Records whether the connection's secret is kept in the secret store (`false` after
    /// `connect --secret-from-env`: the environment holds it and nothing was stored).
    pub fn set_secret_stored(&mut self, id: &ConnectionId, stored: bool) -> Result<()> {
        self.conn.execute(
            "UPDATE connections SET secret_stored = ?2 WHERE id = ?1",
            params![id, stored],
        )?;
        Ok(())
    }

    /// Whether the connection's secret is kept in the secret store.
    pub fn secret_stored(&self, id: &ConnectionId) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT secret_stored FROM connections WHERE id = ?1",
                [id],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(true))
    }

    /// Records one stream's part of a run.
    pub fn record_run_stream(
        &mut self,
        run_id: i64,
        stream: &str,
        totals: &RunTotals,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO run_streams
                 (run_id, stream, outcome, pages, requests, records_new, records_updated, error,
                  records_removed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                run_id,
                stream,
                totals.outcome.as_str(),
                totals.counts.pages,
                totals.counts.requests,
                totals.counts.records_new,
                totals.counts.records_updated,
                totals
                    .failure
                    .as_ref()
                    .map(|failure| failure.message.as_str()),
                totals.counts.records_removed
            ],
        )?;
        Ok(())
    }

    /// Record ids of a stream, all of them or those written at or after `since` (a
    /// [`now`] string).
    pub fn record_ids(
        &self,
        connection_id: &ConnectionId,
        stream: &str,
        since: Option<&str>,
    ) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT record_id FROM records WHERE connection_id = ?1 AND stream = ?2
               AND (?3 IS NULL OR fetched_at >= ?3) ORDER BY record_id",
        )?;
        let rows = statement.query_map(params![connection_id, stream, since], |row| row.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Keeps the links of records for one field: (record id, ids of the linked rows).
    pub fn set_associations(
        &mut self,
        connection_id: &ConnectionId,
        stream: &str,
        field: &str,
        links: &[(String, Vec<String>)],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO associations (connection_id, stream, record_id, field, targets)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(connection_id, stream, record_id, field)
                 DO UPDATE SET targets = excluded.targets",
            )?;
            for (record_id, targets) in links {
                let targets = serde_json::to_string(targets).unwrap_or_else(|_| "[]".to_owned());
                upsert.execute(params![connection_id, stream, record_id, field, targets])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records removed per stream by one run, for the streams that removed any.
    pub fn removed_in_run(&self, run_id: i64) -> Result<Vec<(String, u64)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT stream, records_removed FROM run_streams
             WHERE run_id = ?1 AND records_removed > 0 ORDER BY stream",
        )?;
        let rows = statement.query_map([run_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes records of a stream the provider says it deleted; returns how many were cached.
    pub fn remove_records(
        &mut self,
        connection_id: &ConnectionId,
        stream: &str,
        record_ids: &[String],
    ) -> Result<u64> {
        let tx = self.conn.transaction()?;
        let mut removed = 0;
        {
            let mut delete = tx.prepare_cached(
                "DELETE FROM records WHERE connection_id = ?1 AND stream = ?2 AND record_id = ?3",
            )?;
            let mut unlink = tx.prepare_cached(
                "DELETE FROM associations
                 WHERE connection_id = ?1 AND stream = ?2 AND record_id = ?3",
            )?;
            for id in record_ids {
                removed += delete.execute(params![connection_id, stream, id])? as u64;
                unlink.execute(params![connection_id, stream, id])?;
            }
        }
        if removed > 0 {
            add_to_count(&tx, connection_id, stream, -(removed as i64))?;
        }
        tx.commit()?;
        Ok(removed)
    }

    /// The latest run of a connection.
    pub fn last_run(&self, connection_id: &ConnectionId) -> Result<Option<RunRow>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "{RUN_COLUMNS} FROM runs WHERE connection_id = ?1 ORDER BY id DESC LIMIT 1"
                ),
                [connection_id],
                run_row,
            )
            .optional()?)
    }

    /// The latest `limit` runs of a connection, newest first.
    pub fn recent_runs(&self, connection_id: &ConnectionId, limit: u32) -> Result<Vec<RunRow>> {
        let mut statement = self.conn.prepare(&format!(
            "{RUN_COLUMNS} FROM runs WHERE connection_id = ?1 ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = statement.query_map(params![connection_id, limit], run_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest run that ended well.
    pub fn last_ok_run(&self, connection_id: &ConnectionId) -> Result<Option<RunRow>> {
        Ok(self
            .conn
            .query_row(
                &format!("{RUN_COLUMNS} FROM runs WHERE connection_id = ?1 AND outcome = 'ok' ORDER BY id DESC LIMIT 1"),
                [connection_id],
                run_row,
            )
            .optional()?)
    }

    /// Failed runs since the last good one: the retry backoff's exponent.
    pub fn consecutive_failures(&self, connection_id: &ConnectionId) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM runs WHERE connection_id = ?1 AND outcome = 'failed'
               AND id > COALESCE((SELECT MAX(id) FROM runs WHERE connection_id = ?1 AND outcome = 'ok'), 0)",
            [connection_id],
            |row| row.get(0),
        )?)
    }

    /// Changes a connection's schedule.
    pub fn set_schedule(&mut self, connection_id: &ConnectionId, schedule: Schedule) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE connections SET every_secs = ?2, timeout_secs = ?3, retry_secs = ?4 WHERE id = ?1",
            params![connection_id, schedule.every_secs, schedule.timeout_secs, schedule.retry_secs],
        )?;
        audit(
            &tx,
            connection_id,
            "schedule",
            &format!("every {}s", schedule.every_secs),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every stream of a connection that has records or state.
    pub fn stream_statuses(&self, connection_id: &ConnectionId) -> Result<Vec<StreamStatus>> {
        let mut statement = self.conn.prepare(
            "SELECT s.stream, COALESCE(r.records, 0), s.watermark, s.completed_at, s.checkpoint IS NOT NULL
             FROM stream_state s
             LEFT JOIN record_counts r
               ON r.connection_id = s.connection_id AND r.stream = s.stream
             WHERE s.connection_id = ?1 ORDER BY s.stream",
        )?;
        let rows = statement.query_map([connection_id], |row| {
            Ok(StreamStatus {
                stream: row.get(0)?,
                records: row.get(1)?,
                watermark: row.get(2)?,
                completed_at: row.get(3)?,
                resumable: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A stream's checkpoint.
    pub fn stream_state(&self, connection_id: &ConnectionId, stream: &str) -> Result<StreamState> {
        Ok(self
            .conn
            .query_row(
                "SELECT checkpoint, watermark, completed_at FROM stream_state
                 WHERE connection_id = ?1 AND stream = ?2",
                [connection_id, stream],
                |row| {
                    Ok(StreamState {
                        checkpoint: row.get(0)?,
                        watermark: row.get(1)?,
                        completed_at: row.get(2)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    /// Writes one page of records and the checkpoint that follows it in ONE transaction.
    ///
    /// `next` says where the next page starts, or that the stream is complete with its new
    /// watermark. A record whose raw payload is unchanged is not rewritten.
    pub fn commit_page(
        &mut self,
        connection_id: &ConnectionId,
        stream: &str,
        records: &[RecordRow],
        next: &Next<'_>,
    ) -> Result<PageCounts> {
        let fetched_at = crate::clock::stamp();
        let tx = self.conn.transaction()?;
        let counts = upsert(&tx, connection_id, stream, records, &fetched_at)?;
        write_next(&tx, connection_id, stream, next, &fetched_at)?;
        tx.commit()?;
        Ok(counts)
    }

    /// Writes records of a stream without touching its checkpoint or watermark (a changes
    /// listing read before the pass that moves them).
    pub fn upsert_records(
        &mut self,
        connection_id: &ConnectionId,
        stream: &str,
        records: &[RecordRow],
    ) -> Result<PageCounts> {
        let fetched_at = crate::clock::stamp();
        let tx = self.conn.transaction()?;
        let counts = upsert(&tx, connection_id, stream, records, &fetched_at)?;
        tx.commit()?;
        Ok(counts)
    }

    /// Record counts per stream of a connection, ordered by stream.
    pub fn stream_counts(&self, connection_id: &ConnectionId) -> Result<Vec<(String, u64)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT stream, records FROM record_counts WHERE connection_id = ?1
             ORDER BY stream",
        )?;
        let rows = statement.query_map([connection_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Connection ids that have records of a client, ordered (includes disconnected ones whose
    /// records were kept), with the provider their rows name.
    pub fn record_sources(&self, client: &str) -> Result<Vec<(ConnectionId, Option<String>)>> {
        let mut statement = self.conn.prepare(
            "SELECT connection_id, MIN(json_extract(normalized, '$.source.provider')) FROM records
             WHERE connection_id > ?1 || '/' AND connection_id < ?1 || '0' AND client = ?1
             GROUP BY connection_id ORDER BY connection_id",
        )?;
        let rows = statement.query_map([client], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Connections (of one client, or all) that have cached records, runs or stream state,
    /// whether connected or not: (connection id, records), by id.
    pub fn data_sources(&self, client: Option<&str>) -> Result<Vec<(ConnectionId, u64)>> {
        let mut statement = self.conn.prepare(
            "SELECT id,
                    (SELECT COALESCE(SUM(records), 0) FROM record_counts r WHERE r.connection_id = ids.id)
             FROM (SELECT connection_id AS id, client FROM record_counts GROUP BY connection_id
                   UNION SELECT connection_id, substr(connection_id, 1, instr(connection_id, '/') - 1)
                         FROM runs GROUP BY connection_id
                   UNION SELECT connection_id, substr(connection_id, 1, instr(connection_id, '/') - 1)
                         FROM stream_state GROUP BY connection_id) AS ids
             WHERE ?1 IS NULL OR client = ?1
             GROUP BY id ORDER BY id",
        )?;
        let rows = statement.query_map([client], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes a connection's cached records, stream state (watermarks, checkpoints) and runs,
    /// keeping the connection itself if there is one; returns the records deleted.
    pub fn purge_data(&mut self, id: &ConnectionId) -> Result<u64> {
        let tx = self.conn.transaction()?;
        let purged = purge_in(&tx, id)?;
        audit(&tx, id, "purge", &format!("{purged} records deleted"))?;
        tx.commit()?;
        Ok(purged)
    }

    /// Starts a read transaction: every query until the guard drops sees the same snapshot of
    /// the cache, whatever a concurrent fetch commits meanwhile (WAL keeps it readable).
    pub fn read_snapshot(&self) -> Result<rusqlite::Transaction<'_>> {
        let tx = self.conn.unchecked_transaction()?;
        // A deferred transaction takes its snapshot at the first read: take it now.
        tx.query_row("SELECT COUNT(*) FROM meta", [], |_| Ok(()))?;
        Ok(tx)
    }

    /// Records of a connection's stream whose normalized row was written by another mapping
    /// than `shape` (an older inlet or provider definition): (stream, record id, raw,
    /// updated_at).
    pub fn stale_records(
        &self,
        connection_id: &ConnectionId,
        stream: &str,
        shape: &str,
        limit: u32,
    ) -> Result<Vec<StaleRecord>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT stream, record_id, raw, updated_at FROM records
             WHERE connection_id = ?1 AND stream = ?2 AND shape != ?3 LIMIT ?4",
        )?;
        let rows = statement.query_map(params![connection_id, stream, shape, limit], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Rewrites normalized rows (stream, record id, entity, row) under the mapping `shape`, in
    /// one transaction.
    pub fn renormalize(
        &mut self,
        connection_id: &ConnectionId,
        shape: &str,
        rows: &[(String, String, &'static str, String)],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut update = tx.prepare_cached(
                "UPDATE records SET entity = ?4, normalized = ?5, shape = ?6
                 WHERE connection_id = ?1 AND stream = ?2 AND record_id = ?3",
            )?;
            for (stream, record_id, entity, normalized) in rows {
                update.execute(params![
                    connection_id,
                    stream,
                    record_id,
                    entity,
                    normalized,
                    shape
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Calls `each` with every normalized row of one entity of a client, in a stable order
    /// (connection, stream, record id), streaming from SQLite.
    pub fn for_each_normalized(
        &self,
        client: &str,
        entity: &str,
        mut each: impl FnMut(&str) -> anyhow::Result<()>,
    ) -> anyhow::Result<u64> {
        let mut statement = self.conn.prepare(
            "SELECT normalized FROM records
             WHERE connection_id > ?1 || '/' AND connection_id < ?1 || '0'
               AND client = ?1 AND entity = ?2
             ORDER BY connection_id, stream, record_id",
        )?;
        let lookups = self.lookup_tables(client, entity)?;
        let links = self.links(client, entity)?;
        let mut rows = statement.query([client, entity])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let text: String = row.get(0)?;
            if lookups.is_empty() && links.is_empty() {
                each(&text)?;
            } else {
                each(&resolve(&text, &lookups, &links)?)?;
            }
            count += 1;
        }
        Ok(count)
    }

    /// The kept links of an entity's rows of a client: `connection \0 stream \0 record id` →
    /// (field, the linked rows' ids).
    fn links(&self, client: &str, entity: &str) -> anyhow::Result<Links> {
        let mut statement = self.conn.prepare_cached(
            "SELECT a.connection_id, a.stream, a.record_id, a.field, a.targets
             FROM associations a JOIN records r
               ON r.connection_id = a.connection_id AND r.stream = a.stream
              AND r.record_id = a.record_id
             WHERE r.connection_id > ?1 || '/' AND r.connection_id < ?1 || '0'
               AND r.client = ?1 AND r.entity = ?2",
        )?;
        let mut rows = statement.query([client, entity])?;
        let mut links: Links = std::collections::HashMap::new();
        while let Some(row) = rows.next()? {
            let connection: String = row.get(0)?;
            let stream: String = row.get(1)?;
            let record_id: String = row.get(2)?;
            let field: String = row.get(3)?;
            let targets: String = row.get(4)?;
            links
                .entry(format!("{connection}\u{0}{stream}\u{0}{record_id}"))
                .or_default()
                .push((field, serde_json::from_str(&targets)?));
        }
        Ok(links)
    }

    /// The rows an entity's lookups can find, per lookup (empty when none has any row):
    /// keyed by `(connection, record id)` or by row id.
    fn lookup_tables(&self, client: &str, entity: &str) -> anyhow::Result<Vec<LookupTable>> {
        let Some(entity) = Entity::from_name(entity) else {
            return Ok(Vec::new());
        };
        let mut tables = Vec::new();
        for lookup in entity.lookups() {
            let mut statement = self.conn.prepare_cached(
                "SELECT connection_id, record_id, normalized FROM records
                 WHERE connection_id > ?1 || '/' AND connection_id < ?1 || '0'
                   AND client = ?1 AND entity = ?2",
            )?;
            let mut rows = statement.query([client, lookup.entity.as_str()])?;
            let mut found = std::collections::HashMap::new();
            while let Some(row) = rows.next()? {
                let connection: String = row.get(0)?;
                let record_id: String = row.get(1)?;
                let text: String = row.get(2)?;
                let serde_json::Value::Object(other) = serde_json::from_str(&text)? else {
                    continue;
                };
                let key = match lookup.key {
                    LookupKey::RecordId(_) => format!("{connection}\u{0}{record_id}"),
                    LookupKey::RowId(_) => match other.get("id").and_then(|id| id.as_str()) {
                        Some(id) => id.to_owned(),
                        None => continue,
                    },
                };
                found.insert(key, other);
            }
            if !found.is_empty() {
                tables.push(LookupTable {
                    lookup: *lookup,
                    found,
                });
            }
        }
        Ok(tables)
    }

    /// Row counts per entity of a client.
    pub fn entity_counts(&self, client: &str) -> Result<Vec<(String, u64)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT entity, COUNT(*) FROM records
             WHERE connection_id > ?1 || '/' AND connection_id < ?1 || '0' AND client = ?1
             GROUP BY entity ORDER BY entity",
        )?;
        let rows = statement.query_map([client], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Newest `updated_at` per stream of a connection: the export manifest's watermarks.
    pub fn watermarks(
        &self,
        connection_id: &ConnectionId,
    ) -> Result<Vec<(String, Option<String>)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT stream, MAX(updated_at) FROM records WHERE connection_id = ?1
             GROUP BY stream ORDER BY stream",
        )?;
        let rows = statement.query_map([connection_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Writes what follows a committed page: the checkpoint to resume from, or the stream's
/// completion with its new watermark.
/// Inserts new records and rewrites those whose payload changed; counts both.
fn upsert(
    tx: &rusqlite::Transaction<'_>,
    connection_id: &ConnectionId,
    stream: &str,
    records: &[RecordRow],
    fetched_at: &str,
) -> Result<PageCounts> {
    let mut counts = PageCounts::default();
    {
        // Insert first (the common case on a first fetch is one statement per record); an
        // existing record is rewritten only when its payload changed.

        let mut insert = tx.prepare_cached(
            "INSERT INTO records (connection_id, client, stream, record_id, entity, raw,
                                  normalized, updated_at, fetched_at, shape)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT(connection_id, stream, record_id) DO NOTHING",
        )?;
        let mut update = tx.prepare_cached(
            "UPDATE records SET raw = ?4, normalized = ?5, updated_at = ?6, fetched_at = ?7,
                                entity = ?8, shape = ?9
             WHERE connection_id = ?1 AND stream = ?2 AND record_id = ?3
               AND (raw != ?4 OR shape != ?9)",
        )?;
        for record in records {
            let inserted = insert.execute(params![
                connection_id,
                connection_id.client(),
                stream,
                record.record_id,
                record.entity,
                record.raw,
                record.normalized,
                record.updated_at,
                fetched_at,
                &*record.shape
            ])?;
            if inserted == 1 {
                counts.new += 1;
                continue;
            }
            let updated = update.execute(params![
                connection_id,
                stream,
                record.record_id,
                record.raw,
                record.normalized,
                record.updated_at,
                fetched_at,
                record.entity,
                &*record.shape
            ])?;
            counts.updated += updated as u64;
        }
    }
    if counts.new > 0 {
        add_to_count(tx, connection_id, stream, counts.new as i64)?;
    }
    Ok(counts)
}

/// Moves a stream's kept record count by `delta` (the records a write added or deleted).
pub(crate) fn add_to_count(
    tx: &rusqlite::Transaction<'_>,
    connection_id: &ConnectionId,
    stream: &str,
    delta: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO record_counts (connection_id, stream, client, records)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(connection_id, stream) DO UPDATE SET records = records + ?4",
        params![connection_id, stream, connection_id.client(), delta],
    )?;
    tx.execute(
        "DELETE FROM record_counts WHERE connection_id = ?1 AND stream = ?2 AND records <= 0",
        params![connection_id, stream],
    )?;
    Ok(())
}

/// Counts a stream's records again, for writes that replace many at once (report windows).
pub(crate) fn recount(
    tx: &rusqlite::Transaction<'_>,
    connection_id: &ConnectionId,
    stream: &str,
) -> Result<()> {
    tx.execute(
        "DELETE FROM record_counts WHERE connection_id = ?1 AND stream = ?2",
        params![connection_id, stream],
    )?;
    tx.execute(
        "INSERT INTO record_counts (connection_id, stream, client, records)
         SELECT connection_id, stream, MIN(client), COUNT(*) FROM records
          WHERE connection_id = ?1 AND stream = ?2 GROUP BY connection_id, stream",
        params![connection_id, stream],
    )?;
    Ok(())
}

fn write_next(
    tx: &rusqlite::Transaction<'_>,
    connection_id: &ConnectionId,
    stream: &str,
    next: &Next<'_>,
    fetched_at: &str,
) -> Result<()> {
    match next {
        Next::Continue(checkpoint) => tx.execute(
            "INSERT INTO stream_state (connection_id, stream, checkpoint, in_progress)
             VALUES (?1, ?2, ?3, 1)
             ON CONFLICT(connection_id, stream) DO UPDATE SET checkpoint = ?3, in_progress = 1",
            params![connection_id, stream, checkpoint],
        )?,
        // A watermark never moves back: `--since` and `--full-refresh` may revisit older
        // data without losing the stream's place. RFC 3339 UTC strings order as instants.
        Next::Done(watermark) => tx.execute(
            "INSERT INTO stream_state
                 (connection_id, stream, checkpoint, in_progress, completed_at, watermark)
             VALUES (?1, ?2, NULL, 0, ?3, ?4)
             ON CONFLICT(connection_id, stream) DO UPDATE SET checkpoint = NULL,
                 cursor = NULL, in_progress = 0, completed_at = ?3,
                 watermark = CASE WHEN watermark IS NULL OR ?4 > watermark THEN ?4
                                  ELSE watermark END",
            params![connection_id, stream, fetched_at, watermark],
        )?,
    };
    Ok(())
}

fn connection_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ConnectionRow> {
    let id: ConnectionId = row.get(0)?;
    let created_at = read_time(7, row.get(7)?, || {
        format!("connection `{id}`: its creation time")
    })?;
    let text: String = row.get(8)?;
    let Ok(settings) = serde_json::from_str(&text) else {
        return Err(corrupt(
            8,
            format!("connection `{id}`: its settings are not a JSON object of strings"),
        ));
    };
    Ok(ConnectionRow {
        id,
        provider: row.get(3)?,
        account_id: row.get(4)?,
        account_name: row.get(5)?,
        base_url: row.get(6)?,
        created_at,
        settings,
        auth_mode: row.get(9)?,
        schedule: Schedule {
            every_secs: row.get(10)?,
            timeout_secs: row.get(11)?,
            retry_secs: row.get(12)?,
        },
        auth_url: row.get(13)?,
    })
}

const RUN_COLUMNS: &str =
    "SELECT id, connection_id, started_at, finished_at, outcome, pages, requests,
        records_new, records_updated, error, pid, credentials_problem, budget_remaining,
        credential_source, records_removed";

/// A run row; a run left `running` by a process that no longer exists is `interrupted`.
fn run_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RunRow> {
    let id: i64 = row.get(0)?;
    let connection_id: ConnectionId = row.get(1)?;
    let what = |column: &str| format!("run {id} of `{connection_id}`: its {column}");
    let text: String = row.get(4)?;
    let Some(outcome) = Outcome::parse(&text) else {
        return Err(corrupt(
            4,
            format!("{} is `{text}`, not an outcome", what("outcome")),
        ));
    };
    let pid: Option<u32> = row.get(10)?;
    let outcome = if outcome == Outcome::Running && pid.is_some_and(|pid| !process_alive(pid)) {
        Outcome::Interrupted
    } else {
        outcome
    };
    let message: Option<String> = row.get(9)?;
    let credentials: bool = row.get(11)?;
    // A run may have failed without a message (an older inlet's record); it still failed.
    let failure = match (message, outcome == Outcome::Failed || credentials) {
        (Some(message), _) => Some(message),
        (None, true) => Some("no reason was recorded".to_owned()),
        (None, false) => None,
    }
    .map(|message| {
        if credentials {
            Failure::credentials(message)
        } else {
            Failure::new(message)
        }
    });
    let started_at = read_time(2, row.get(2)?, || what("start"))?;
    let finished_at = match row.get::<_, Option<String>>(3)? {
        Some(text) => Some(read_time(3, text, || what("end"))?),
        None => None,
    };
    Ok(RunRow {
        id,
        connection_id,
        started_at,
        finished_at,
        outcome,
        counts: RunCounts {
            pages: row.get(5)?,
            requests: row.get(6)?,
            records_new: row.get(7)?,
            records_updated: row.get(8)?,
            records_removed: row.get(14)?,
        },
        failure,
        budget_remaining: row.get(12)?,
        credential_source: row.get(13)?,
    })
}

/// The rows one lookup can find ([`Entity::lookups`]).
struct LookupTable {
    lookup: Lookup,
    found: std::collections::HashMap<String, serde_json::Map<String, serde_json::Value>>,
}

/// Kept links per record: key → (field, linked ids as a JSON array).
type Links = std::collections::HashMap<String, Vec<(String, serde_json::Value)>>;

/// A normalized row with its lookups and kept links applied (a field the mapping set wins).
fn resolve(text: &str, tables: &[LookupTable], links: &Links) -> anyhow::Result<String> {
    let serde_json::Value::Object(mut row) = serde_json::from_str(text)? else {
        return Ok(text.to_owned());
    };
    if !links.is_empty() {
        let source = row.get("source");
        let part = |key: &str| {
            source
                .and_then(|source| source.get(key))
                .and_then(|value| value.as_str())
                .unwrap_or_default()
        };
        let key = format!(
            "{}\u{0}{}\u{0}{}",
            part("connection"),
            part("stream"),
            part("record_id")
        );
        if let Some(found) = links.get(&key) {
            for (field, targets) in found {
                if row.get(field).is_some_and(serde_json::Value::is_null) {
                    row.insert(field.clone(), targets.clone());
                }
            }
        }
    }
    for table in tables {
        let key = match table.lookup.key {
            LookupKey::RecordId(field) => {
                let connection = row
                    .get("source")
                    .and_then(|source| source.get("connection"))
                    .and_then(|connection| connection.as_str());
                match (connection, row.get(field).and_then(|id| id.as_str())) {
                    (Some(connection), Some(id)) => format!("{connection}\u{0}{id}"),
                    _ => continue,
                }
            }
            LookupKey::RowId(field) => match row.get(field).and_then(|id| id.as_str()) {
                Some(id) => id.to_owned(),
                None => continue,
            },
        };
        if let Some(found) = table.found.get(&key) {
            crate::entities::fill(&mut row, &table.lookup, found);
        }
    }
    Ok(serde_json::to_string(&row)?)
}

/// Deletes one connection's records, stream state and runs; returns the records deleted.
fn purge_in(tx: &rusqlite::Transaction<'_>, id: &ConnectionId) -> Result<u64> {
    let purged = tx.execute("DELETE FROM records WHERE connection_id = ?1", [id])? as u64;
    tx.execute("DELETE FROM associations WHERE connection_id = ?1", [id])?;
    tx.execute("DELETE FROM record_counts WHERE connection_id = ?1", [id])?;
    tx.execute("DELETE FROM stream_state WHERE connection_id = ?1", [id])?;
    tx.execute(
        "DELETE FROM run_streams WHERE run_id IN (SELECT id FROM runs WHERE connection_id = ?1)",
        [id],
    )?;
    tx.execute("DELETE FROM runs WHERE connection_id = ?1", [id])?;
    Ok(purged)
}

fn audit(
    tx: &rusqlite::Transaction<'_>,
    connection_id: &ConnectionId,
    event: &str,
    detail: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit (at, connection_id, event, detail) VALUES (?1, ?2, ?3, ?4)",
        params![crate::clock::stamp(), connection_id, event, detail],
    )?;
    Ok(())
}

/// Whether a process still exists, to tell a live run from one left by a killed process.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> ConnectionId {
        ConnectionId::read(text).expect("a connection id")
    }

    fn record(id: &str, raw: &str) -> RecordRow {
        RecordRow {
            record_id: id.to_owned(),
            entity: "contacts",
            raw: raw.to_owned(),
            normalized: raw.to_owned(),
            updated_at: None,
            shape: "test".into(),
            day: None,
        }
    }

    #[test]
    fn pages_upsert_and_count_changes() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut store = Store::open(&dir.path().join("inlet.db"))?;
        let page = [record("1", "{}"), record("2", "{}")];
        let first = store.commit_page(&id(&id("a/h")), "contacts", &page, &Next::Continue("c2"))?;
        assert_eq!((first.new, first.updated), (2, 0));
        assert_eq!(
            store
                .stream_state(&id("a/h"), "contacts")?
                .checkpoint
                .as_deref(),
            Some("c2")
        );
        let page = [record("1", "{}"), record("2", "{\"x\":1}")];
        let newer = "2026-01-01T00:00:00.000Z";
        let again =
            store.commit_page(&id(&id("a/h")), "contacts", &page, &Next::Done(Some(newer)))?;
        assert_eq!((again.new, again.updated), (0, 1));
        let state = store.stream_state(&id("a/h"), "contacts")?;
        assert_eq!(state.checkpoint, None);
        assert_eq!(state.watermark.as_deref(), Some(newer));
        let older = "2025-01-01T00:00:00.000Z";
        store.commit_page(&id(&id("a/h")), "contacts", &[], &Next::Done(Some(older)))?;
        let state = store.stream_state(&id("a/h"), "contacts")?;
        assert_eq!(
            state.watermark.as_deref(),
            Some(newer),
            "a watermark never moves back"
        );
        assert_eq!(
            store.stream_counts(&id("a/h"))?,
            vec![("contacts".to_owned(), 2)]
        );
        Ok(())
    }

    #[test]
    fn kept_counts_follow_every_insert_and_delete() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut store = Store::open(&dir.path().join("inlet.db"))?;
        type Counts = Vec<(String, u64)>;
        let counted = |store: &Store| -> anyhow::Result<(Counts, Counts)> {
            let mut statement = store.conn.prepare(
                "SELECT stream, COUNT(*) FROM records WHERE connection_id = 'a/h'
                 GROUP BY stream ORDER BY stream",
            )?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            Ok((
                store.stream_counts(&id("a/h"))?,
                rows.collect::<rusqlite::Result<_>>()?,
            ))
        };
        let page: Vec<RecordRow> = (0..5).map(|i| record(&i.to_string(), "{}")).collect();
        store.commit_page(&id(&id("a/h")), "contacts", &page, &Next::Done(None))?;
        store.commit_page(&id(&id("a/h")), "deals", &page[..2], &Next::Done(None))?;
        // Written again (one changed): no double counting.
        let again = [record("0", "{}"), record("1", "{\"x\":1}")];
        store.upsert_records(&id(&id("a/h")), "contacts", &again)?;
        let (kept, real) = counted(&store)?;
        assert_eq!(kept, real);
        assert_eq!(kept, vec![("contacts".into(), 5), ("deals".into(), 2)]);
        store.remove_records(
            &id("a/h"),
            "contacts",
            &["1".into(), "3".into(), "nope".into()],
        )?;
        store.remove_records(&id("a/h"), "deals", &["0".into(), "1".into()])?;
        let (kept, real) = counted(&store)?;
        assert_eq!(kept, real);
        assert_eq!(
            kept,
            vec![("contacts".into(), 3)],
            "an emptied stream has no count left"
        );
        assert_eq!(store.data_sources(Some("a"))?, vec![(id(&id("a/h")), 3)]);
        store.purge_data(&id("a/h"))?;
        assert_eq!(counted(&store)?, (Vec::new(), Vec::new()));
        Ok(())
    }

    #[test]
    fn reopening_keeps_the_profile_id() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("inlet.db");
        let first = Store::open(&path)?.profile_id()?;
        let second = Store::open(&path)?.profile_id()?;
        assert_eq!(first, second);
        assert_eq!(first.len(), 32);
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn the_database_file_is_private() -> anyhow::Result<()> {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("inlet.db");
        drop(Store::open(&path)?);
        assert_eq!(
            std::fs::metadata(&path)?.permissions().mode() & 0o777,
            0o600
        );
        Ok(())
    }
}
