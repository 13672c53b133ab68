//! Formats epoch milliseconds the way HubSpot writes timestamps (`2024-05-17T14:32:10.123Z`),
//! without pulling a date library into the sandbox.

pub(crate) const SECOND_MS: u64 = 1_000;
pub(crate) const DAY_MS: u64 = 86_400 * SECOND_MS;

/// ISO-8601 UTC with milliseconds and `Z`, for milliseconds since the Unix epoch.
pub(crate) fn iso_millis(epoch_ms: u64) -> String {
    let days = epoch_ms / DAY_MS;
    let in_day = epoch_ms % DAY_MS;
    let (year, month, day) = civil_from_days(days);
    let hours = in_day / 3_600_000;
    let minutes = in_day / 60_000 % 60;
    let seconds = in_day / SECOND_MS % 60;
    let millis = in_day % SECOND_MS;
    format!("{year:04}-{month:02}-{day:02}T{hours:02}:{minutes:02}:{seconds:02}.{millis:03}Z")
}

/// Epoch milliseconds of midnight UTC on a calendar date (for readable constants and tests).
pub(crate) const fn epoch_ms(year: u64, month: u64, day: u64) -> u64 {
    days_from_civil(year, month, day) * DAY_MS
}

/// Howard Hinnant's `civil_from_days`, restricted to dates on or after 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Howard Hinnant's `days_from_civil`, restricted to dates on or after 1970-01-01.
const fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let yoe = year - era * 400;
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * shifted_month + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso_millis(0), "1970-01-01T00:00:00.000Z");
        // HubSpot's own example record timestamp.
        assert_eq!(iso_millis(1_645_125_222_762), "2022-02-17T19:13:42.762Z");
        assert_eq!(
            iso_millis(epoch_ms(2024, 2, 29) + 1),
            "2024-02-29T00:00:00.001Z"
        );
        assert_eq!(
            iso_millis(epoch_ms(2026, 4, 1) - 1),
            "2026-03-31T23:59:59.999Z"
        );
    }

    #[test]
    fn epoch_ms_round_trips_through_iso() {
        assert_eq!(epoch_ms(2023, 1, 1), 1_672_531_200_000);
        for (y, m, d) in [(2000, 3, 1), (2023, 12, 31), (2100, 1, 1)] {
            assert_eq!(
                iso_millis(epoch_ms(y, m, d)),
                format!("{y:04}-{m:02}-{d:02}T00:00:00.000Z")
            );
        }
    }
}
