//! The clock: now (which `INLET_NOW` may move) and the one time format inlet writes.
//!
//! A leaf module: it uses nothing of inlet's but the variable's name.

use jiff::Timestamp;

use crate::env_vars::EnvVars;

/// Now, or `INLET_NOW` when set (an RFC 3339 instant): schedules, staleness, `--due` and the
/// views' "today" can be judged at any moment ("what would be due tomorrow?"), which is also how
/// tests move time. What is recorded (runs, fetch times, the export's `generated_at`) keeps the
/// real time: see [`stamp`].
///
/// [`check_override`] runs before any command, so a value that does not parse never gets here.
pub fn now() -> Timestamp {
    read_override()
        .ok()
        .flatten()
        .unwrap_or_else(Timestamp::now)
}

/// Refuses an `INLET_NOW` that is set but is not an RFC 3339 instant, rather than falling back
/// to the real clock and judging schedules at a moment nobody asked for.
pub fn check_override() -> Result<(), String> {
    read_override().map(|_| ())
}

fn read_override() -> Result<Option<Timestamp>, String> {
    let Some(text) = std::env::var_os(EnvVars::NOW) else {
        return Ok(None);
    };
    let text = text.to_string_lossy();
    if text.is_empty() {
        return Ok(None);
    }
    text.trim().parse().map(Some).map_err(|_| {
        format!(
            "{}=`{text}` is not an RFC 3339 instant such as `2026-12-04T09:00:00Z`",
            EnvVars::NOW
        )
    })
}

/// An instant as RFC 3339 UTC with milliseconds: the one time format inlet writes.
pub fn rfc3339(instant: Timestamp) -> String {
    format!(
        "{:.3}",
        instant.round(jiff::Unit::Millisecond).unwrap_or(instant)
    )
}

/// The real time now, as [`rfc3339`] writes it: when something happened, for the cache and the
/// export (never moved by `INLET_NOW`).
pub fn stamp() -> String {
    rfc3339(Timestamp::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_written_in_utc_with_milliseconds() -> Result<(), jiff::Error> {
        let instant: Timestamp = "2026-12-04T10:11:12.345678+01:00".parse()?;
        assert_eq!(rfc3339(instant), "2026-12-04T09:11:12.346Z");
        let whole: Timestamp = "2026-12-04T09:00:00Z".parse()?;
        assert_eq!(rfc3339(whole), "2026-12-04T09:00:00.000Z");
        Ok(())
    }
}
