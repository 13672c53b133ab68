//! Schedules: when a connection is due, when its data is stale, the per-connection run lock,
//! and systemd and cron units that run `inlet fetch --due`.

mod lock;
mod units;

use std::time::Duration;

use jiff::Timestamp;

pub use crate::durations::format_secs;
pub use lock::{Holder, RunLock};
pub use units::{CronLine, SystemdUnits, cron_marker, current_uid, units_name, unsafe_char};

use crate::outcome::Outcome;
use crate::store::{ConnectionRow, RunRow};

fn plus(instant: Timestamp, secs: u64) -> Timestamp {
    instant
        .checked_add(Duration::from_secs(secs))
        .unwrap_or(instant)
}

/// When the connection should next be fetched.
///
/// Never fetched: now. After a good run: `every` after it ended. After a failed or interrupted
/// run: sooner, `retry` doubled per failure in a row, but never later than `every`.
pub fn next_due(connection: &ConnectionRow, last: Option<&RunRow>, failures: u32) -> Timestamp {
    let schedule = connection.schedule;
    let Some(run) = last else {
        return connection.created_at;
    };
    let ended = run.finished_at.unwrap_or(run.started_at);
    match run.outcome {
        Outcome::Ok => plus(ended, schedule.every_secs),
        Outcome::Running => plus(ended, schedule.timeout_secs),
        _ => {
            let exponent = failures.saturating_sub(1).min(20);
            let wait = schedule
                .retry_secs
                .saturating_mul(1 << exponent)
                .min(schedule.every_secs);
            plus(ended, wait)
        }
    }
}

/// Data is stale when the last good fetch (or the connection, if it never had one) is older
/// than twice its schedule: one missed run is tolerated, two are not.
pub fn is_stale(connection: &ConnectionRow, last_ok: Option<&RunRow>, now: Timestamp) -> bool {
    let since = last_ok
        .and_then(|run| run.finished_at)
        .unwrap_or(connection.created_at);
    plus(since, connection.schedule.every_secs.saturating_mul(2)) < now
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counts::RunCounts;
    use crate::store::Schedule;

    fn connection() -> ConnectionRow {
        ConnectionRow {
            id: crate::ids::ConnectionId::read("a/h").expect("an id"),
            provider: "hubspot".into(),
            account_id: "1".into(),
            account_name: "x".into(),
            base_url: "http://x".into(),
            created_at: "2026-01-01T00:00:00.000Z".parse().expect("a time"),
            settings: std::collections::BTreeMap::new(),
            auth_mode: None,
            schedule: Schedule {
                every_secs: 86_400,
                timeout_secs: 3_600,
                retry_secs: 900,
            },
            auth_url: None,
        }
    }

    fn run(outcome: &str, finished: &str) -> RunRow {
        RunRow {
            id: 1,
            connection_id: crate::ids::ConnectionId::read("a/h").expect("an id"),
            started_at: finished.parse().expect("a time"),
            finished_at: Some(finished.parse().expect("a time")),
            outcome: crate::outcome::Outcome::parse(outcome).expect("an outcome"),
            counts: RunCounts::default(),
            failure: None,
            budget_remaining: None,
            credential_source: None,
        }
    }

    #[test]
    fn due_times_follow_the_schedule_and_back_off_after_failures() {
        let connection = connection();
        assert_eq!(
            next_due(&connection, None, 0).to_string(),
            "2026-01-01T00:00:00Z"
        );
        let ok = run("ok", "2026-01-02T00:00:00Z");
        assert_eq!(
            next_due(&connection, Some(&ok), 0).to_string(),
            "2026-01-03T00:00:00Z"
        );
        let failed = run("failed", "2026-01-02T00:00:00Z");
        assert_eq!(
            next_due(&connection, Some(&failed), 1).to_string(),
            "2026-01-02T00:15:00Z"
        );
        assert_eq!(
            next_due(&connection, Some(&failed), 3).to_string(),
            "2026-01-02T01:00:00Z"
        );
        assert_eq!(
            next_due(&connection, Some(&failed), 30).to_string(),
            "2026-01-03T00:00:00Z",
            "never later than every"
        );
    }

    #[test]
    fn staleness_tolerates_one_missed_run() {
        let connection = connection();
        let ok = run("ok", "2026-01-02T00:00:00Z");
        let at = |text: &str| {
            text.parse::<Timestamp>()
                .unwrap_or_else(|_| Timestamp::now())
        };
        assert!(!is_stale(
            &connection,
            Some(&ok),
            at("2026-01-03T12:00:00Z")
        ));
        assert!(is_stale(&connection, Some(&ok), at("2026-01-04T00:00:01Z")));
        assert!(
            is_stale(&connection, None, at("2026-01-03T00:00:01Z")),
            "never fetched"
        );
    }

    #[test]
    fn durations_format_in_the_syntax_flags_take() {
        assert_eq!(format_secs(86_400), "1d");
        assert_eq!(format_secs(5_400), "90m");
        assert_eq!(format_secs(45), "45s");
    }
}
