//! Request budgets that hold across processes. A person, cron and CI fetching from one
//! provider account share its allowance, so every request is booked in the cache before it is
//! sent: a process may send only while the requests booked in the rolling window, by anyone,
//! are fewer than the allowance. The provider's own readings (allowance, window, requests it
//! counts) are kept too, so a new process starts from them instead of the definition's guess.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};

use super::{Result, Store};

/// One account's shared budget, on its own connection to the cache (bookings are small write
/// transactions that must not wait behind a page commit of the same process).
#[derive(Debug)]
pub struct Ledger {
    conn: Mutex<Connection>,
    account: String,
}

/// What the ledger said about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Booking {
    /// Booked under this id: send it now, and settle it when the answer comes.
    Granted(i64),
    /// The window is full (or the account is paused): ask again after this long.
    Wait(Duration),
}

impl Ledger {
    /// Opens the ledger of `account` (e.g. `hubspot:12345`) in the cache at `path`.
    pub fn open(path: &Path, account: String) -> Result<Self> {
        // Opening through the store applies migrations and modes as any other open does.
        let store = Store::open(path)?;
        Ok(Self {
            conn: Mutex::new(store.conn),
            account,
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The provider's last reading of the allowance and window for this account, if any.
    pub fn last_reading(&self) -> Result<Option<(u64, Duration)>> {
        let row: Option<(Option<i64>, Option<i64>)> = self
            .conn()
            .query_row(
                "SELECT capacity, window_ms FROM budget_state WHERE account = ?1",
                [&self.account],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        Ok(match row {
            Some((Some(capacity), Some(window_ms))) if capacity > 0 && window_ms > 0 => Some((
                capacity.unsigned_abs(),
                Duration::from_millis(window_ms.unsigned_abs()),
            )),
            _ => None,
        })
    }

    /// Books one request at `now_ms` (Unix milliseconds) if fewer than `capacity` are booked
    /// in the window ending now, and the account is not paused.
    pub fn book(&self, capacity: u64, window: Duration, now_ms: i64) -> Result<Booking> {
        let window_ms = millis(window);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM budget_sends WHERE account = ?1 AND at_ms <= ?2",
            params![self.account, now_ms - window_ms],
        )?;
        let paused_until: i64 = tx
            .query_row(
                "SELECT paused_until_ms FROM budget_state WHERE account = ?1",
                [&self.account],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(0);
        if paused_until > now_ms {
            return Ok(Booking::Wait(Duration::from_millis(
                (paused_until - now_ms).unsigned_abs(),
            )));
        }
        let (booked, oldest): (i64, Option<i64>) = tx.query_row(
            "SELECT COALESCE(SUM(count), 0), MIN(at_ms) FROM budget_sends WHERE account = ?1",
            [&self.account],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        if booked.unsigned_abs() < capacity {
            tx.execute(
                "INSERT INTO budget_sends (account, at_ms) VALUES (?1, ?2)",
                params![self.account, now_ms],
            )?;
            let booking = tx.last_insert_rowid();
            tx.commit()?;
            return Ok(Booking::Granted(booking));
        }
        // Full: the oldest booking leaves the window first.
        let wait = oldest.map_or(1, |oldest| (oldest + window_ms - now_ms).max(1));
        Ok(Booking::Wait(Duration::from_millis(wait.unsigned_abs())))
    }

    /// The booked request was answered at `now_ms`. The provider counted it somewhere between
    /// booking and answer, so from now on it holds its place for a whole window: a booking
    /// that expired a window after it was made could let the next request land in the same
    /// provider window as a slow one.
    pub fn settle(&self, booking: i64, now_ms: i64) -> Result<()> {
        self.conn().execute(
            "UPDATE budget_sends SET at_ms = MAX(at_ms, ?2) WHERE rowid = ?1",
            params![booking, now_ms],
        )?;
        Ok(())
    }

    /// The provider's reading: its allowance and window (when it says), and how many requests
    /// it counts as used in the window. Requests it counts that nobody here booked (another
    /// client of the account) are booked now, so every process waits for them.
    pub fn observe(
        &self,
        used: Option<u64>,
        capacity: Option<u64>,
        window: Option<Duration>,
        now_ms: i64,
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO budget_state (account, capacity, window_ms, updated_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account) DO UPDATE SET
                 capacity = COALESCE(excluded.capacity, capacity),
                 window_ms = COALESCE(excluded.window_ms, window_ms),
                 updated_at = excluded.updated_at",
            params![
                self.account,
                capacity.map(|capacity| i64::try_from(capacity).unwrap_or(i64::MAX)),
                window.map(millis),
                crate::clock::stamp()
            ],
        )?;
        if let (Some(used), Some(window)) = (used, window.or(self_window(&tx, &self.account)?)) {
            let booked: i64 = tx.query_row(
                "SELECT COALESCE(SUM(count), 0) FROM budget_sends WHERE account = ?1 AND at_ms > ?2",
                params![self.account, now_ms - millis(window)],
                |row| row.get(0),
            )?;
            let missing = i64::try_from(used).unwrap_or(i64::MAX) - booked;
            if missing > 0 {
                tx.execute(
                    "INSERT INTO budget_sends (account, at_ms, count) VALUES (?1, ?2, ?3)",
                    params![self.account, now_ms, missing],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The provider throttled the account: nobody sends before `until_ms`.
    pub fn pause(&self, until_ms: i64) -> Result<()> {
        self.conn().execute(
            "INSERT INTO budget_state (account, paused_until_ms, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (account) DO UPDATE SET
                 paused_until_ms = MAX(paused_until_ms, excluded.paused_until_ms),
                 updated_at = excluded.updated_at",
            params![self.account, until_ms, crate::clock::stamp()],
        )?;
        Ok(())
    }
}

fn self_window(tx: &rusqlite::Transaction<'_>, account: &str) -> Result<Option<Duration>> {
    let window: Option<Option<i64>> = tx
        .query_row(
            "SELECT window_ms FROM budget_state WHERE account = ?1",
            [account],
            |row| row.get(0),
        )
        .optional()?;
    Ok(window
        .flatten()
        .filter(|ms| *ms > 0)
        .map(|ms| Duration::from_millis(ms.unsigned_abs())))
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledgers() -> anyhow::Result<(tempfile::TempDir, Ledger, Ledger)> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("inlet.db");
        let first = Ledger::open(&path, "hubspot:1".to_owned())?;
        let second = Ledger::open(&path, "hubspot:1".to_owned())?;
        Ok((dir, first, second))
    }

    #[test]
    fn two_processes_share_one_window() -> anyhow::Result<()> {
        let (_dir, first, second) = ledgers()?;
        let window = Duration::from_secs(10);
        let mut bookings = Vec::new();
        for at in 0..3 {
            for ledger in [&first, &second] {
                match ledger.book(6, window, 1_000 + at)? {
                    Booking::Granted(id) => bookings.push(id),
                    wait => panic!("{wait:?}"),
                }
            }
        }
        // Six booked by two processes, six allowed: both must wait for the oldest to leave.
        assert_eq!(
            second.book(6, window, 1_010)?,
            Booking::Wait(Duration::from_millis(9_990))
        );
        // The two oldest were answered late: they hold their places a window from the answer.
        first.settle(bookings[0], 1_500)?;
        second.settle(bookings[1], 1_500)?;
        assert!(matches!(second.book(6, window, 11_000)?, Booking::Wait(_)));
        assert!(
            matches!(first.book(6, window, 11_500)?, Booking::Granted(_)),
            "the window rolled on"
        );
        Ok(())
    }

    #[test]
    fn the_providers_count_and_pauses_bind_everyone() -> anyhow::Result<()> {
        let (_dir, first, second) = ledgers()?;
        let window = Duration::from_secs(10);
        assert!(matches!(first.book(10, window, 0)?, Booking::Granted(_)));
        // The provider counts 9 used: 8 by someone else.
        first.observe(Some(9), Some(10), Some(window), 5)?;
        assert_eq!(second.last_reading()?, Some((10, window)));
        assert!(matches!(second.book(10, window, 6)?, Booking::Granted(_)));
        assert!(matches!(second.book(10, window, 7)?, Booking::Wait(_)));
        second.pause(20_000)?;
        assert_eq!(
            first.book(10, window, 15_000)?,
            Booking::Wait(Duration::from_millis(5_000))
        );
        Ok(())
    }
}
