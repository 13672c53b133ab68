//! Report streams in the cache: a pass's pages are staged (each with its checkpoint, so a kill
//! loses nothing and the pass resumes), and its last page replaces exactly the days the pass
//! asked for with what it staged, in one transaction with the stream's completion. Readers
//! never see a day half replaced, and a day's rows are never appended to.

use rusqlite::params;

use super::{Next, PageCounts, RecordRow, Result, Store, write_next};
use crate::ids::ConnectionId;

/// The days a report pass replaces (`YYYY-MM-DD`, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replace {
    pub start: String,
    pub end: String,
    /// The pass's first page: whatever an abandoned pass staged is dropped first.
    pub fresh: bool,
}

impl Store {
    /// Stages one page of a report pass with its checkpoint; on the pass's last page, swaps
    /// the staged rows in for the window's days. Counts are those of the swap: rows new to the
    /// cache, and rows whose values changed.
    pub fn commit_report_page(
        &mut self,
        connection_id: &ConnectionId,
        stream: &str,
        records: &[RecordRow],
        next: &Next<'_>,
        window: &Replace,
    ) -> Result<PageCounts> {
        let fetched_at = crate::clock::stamp();
        let tx = self.conn.transaction()?;
        if window.fresh {
            tx.execute(
                "DELETE FROM staged_records WHERE connection_id = ?1 AND stream = ?2",
                params![connection_id, stream],
            )?;
        }
        {
            let mut stage = tx.prepare_cached(
                "INSERT OR REPLACE INTO staged_records (connection_id, stream, record_id, client,
                     entity, raw, normalized, updated_at, day, shape)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for record in records {
                stage.execute(params![
                    connection_id,
                    stream,
                    record.record_id,
                    connection_id.client(),
                    record.entity,
                    record.raw,
                    record.normalized,
                    record.updated_at,
                    record.day,
                    &*record.shape
                ])?;
            }
        }
        let mut counts = PageCounts::default();
        if let Next::Done(_) = next {
            counts.new = tx.query_row(
                "SELECT COUNT(*) FROM staged_records s
                 WHERE s.connection_id = ?1 AND s.stream = ?2 AND NOT EXISTS (
                     SELECT 1 FROM records r WHERE r.connection_id = ?1 AND r.stream = ?2
                        AND r.record_id = s.record_id)",
                params![connection_id, stream],
                |row| row.get(0),
            )?;
            counts.updated = tx.query_row(
                "SELECT COUNT(*) FROM staged_records s JOIN records r
                   ON r.connection_id = s.connection_id AND r.stream = s.stream
                  AND r.record_id = s.record_id
                 WHERE s.connection_id = ?1 AND s.stream = ?2 AND r.raw != s.raw",
                params![connection_id, stream],
                |row| row.get(0),
            )?;
            let removed = tx.execute(
                "DELETE FROM records WHERE connection_id = ?1 AND stream = ?2
                   AND day >= ?3 AND day <= ?4",
                params![connection_id, stream, window.start, window.end],
            )?;
            tx.execute(
                "INSERT INTO records (connection_id, client, stream, record_id, entity,
                     raw, normalized, updated_at, fetched_at, day, shape)
                 SELECT connection_id, client, stream, record_id, entity, raw, normalized,
                        updated_at, ?3, day, shape
                 FROM staged_records WHERE connection_id = ?1 AND stream = ?2
                 ON CONFLICT(connection_id, stream, record_id) DO UPDATE SET
                     client = excluded.client, entity = excluded.entity, raw = excluded.raw,
                     normalized = excluded.normalized, updated_at = excluded.updated_at,
                     fetched_at = excluded.fetched_at, day = excluded.day, shape = excluded.shape",
                params![connection_id, stream, fetched_at],
            )?;
            tx.execute(
                "DELETE FROM staged_records WHERE connection_id = ?1 AND stream = ?2",
                params![connection_id, stream],
            )?;
            super::recount(&tx, connection_id, stream)?;
            tracing::debug!(
                connection = %connection_id,
                stream,
                start = %window.start,
                end = %window.end,
                removed,
                "report days replaced"
            );
        }
        write_next(&tx, connection_id, stream, next, &fetched_at)?;
        tx.commit()?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> ConnectionId {
        ConnectionId::read(text).expect("a connection id")
    }

    fn row(day: &str, metric: &str, value: u64) -> RecordRow {
        let raw = format!("{{\"date\":\"{day}\",\"metric\":\"{metric}\",\"value\":{value}}}");
        RecordRow {
            record_id: format!("{day}|{metric}"),
            entity: "metrics",
            normalized: raw.clone(),
            raw,
            updated_at: None,
            day: Some(day.to_owned()),
            shape: "test".into(),
        }
    }

    fn days(store: &Store) -> rusqlite::Result<Vec<(String, String)>> {
        let mut statement = store
            .conn
            .prepare("SELECT record_id, raw FROM records ORDER BY record_id")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect()
    }

    #[test]
    fn a_pass_replaces_its_days_only_when_it_completes() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut store = Store::open(&dir.path().join("inlet.db"))?;
        let all = Replace {
            start: "2026-03-01".into(),
            end: "2026-03-03".into(),
            fresh: true,
        };
        let first = [
            row("2026-03-01", "sessions", 10),
            row("2026-03-02", "sessions", 20),
            row("2026-03-03", "sessions", 30),
            row("2026-03-03", "users", 5),
        ];
        let counts =
            store.commit_report_page(&id(&id("a/g")), "daily", &first, &Next::Done(None), &all)?;
        assert_eq!((counts.new, counts.updated), (4, 0));
        assert_eq!(
            store.stream_counts(&id("a/g"))?,
            vec![("daily".to_owned(), 4)]
        );

        // A second pass over the last two days: its first page is staged only.
        let tail = Replace {
            start: "2026-03-02".into(),
            end: "2026-03-03".into(),
            fresh: true,
        };
        let page = [row("2026-03-02", "sessions", 21)];
        store.commit_report_page(
            &id(&id("a/g")),
            "daily",
            &page,
            &Next::Continue("{}"),
            &tail,
        )?;
        assert_eq!(
            days(&store)?.len(),
            4,
            "nothing swapped before the pass ends"
        );
        assert!(days(&store)?[1].1.contains("20"));
        // Its last page: day 3 lost its `users` row at the provider, day 1 is untouched.
        let last = Replace {
            fresh: false,
            ..tail
        };
        let page = [row("2026-03-03", "sessions", 31)];
        let counts =
            store.commit_report_page(&id(&id("a/g")), "daily", &page, &Next::Done(None), &last)?;
        assert_eq!((counts.new, counts.updated), (0, 2));
        let rows = days(&store)?;
        assert_eq!(rows.len(), 3);
        assert!(rows[0].1.contains("10") && rows[1].1.contains("21") && rows[2].1.contains("31"));
        // The kept count follows the swap (what `status` shows).
        assert_eq!(
            store.stream_counts(&id("a/g"))?,
            vec![("daily".to_owned(), 3)]
        );
        Ok(())
    }

    #[test]
    fn a_fresh_pass_drops_what_an_abandoned_one_staged() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut store = Store::open(&dir.path().join("inlet.db"))?;
        let mut window = Replace {
            start: "2026-03-01".into(),
            end: "2026-03-02".into(),
            fresh: true,
        };
        let stale = [row("2026-03-01", "stale", 1)];
        store.commit_report_page(
            &id(&id("a/g")),
            "daily",
            &stale,
            &Next::Continue("{}"),
            &window,
        )?;
        // A new pass (say after `--full-refresh`) starts over.
        let page = [row("2026-03-02", "sessions", 2)];
        store.commit_report_page(
            &id(&id("a/g")),
            "daily",
            &page,
            &Next::Continue("{}"),
            &window,
        )?;
        window.fresh = false;
        store.commit_report_page(&id(&id("a/g")), "daily", &[], &Next::Done(None), &window)?;
        let rows = days(&store)?;
        assert_eq!(rows.len(), 1, "{rows:?}");
        Ok(())
    }
}
