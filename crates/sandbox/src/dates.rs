//! Converts between epoch milliseconds and the ISO-8601 text providers write and accept
//! (`2024-05-17T14:32:10.123Z`), without pulling a date library into the sandbox.

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

/// Epoch milliseconds for ISO-8601 text as clients send it in filters: a date (`2024-01-31`,
/// meaning its midnight UTC) or a date-time with `Z` or a `±HH:MM` offset and an optional
/// fraction (`2024-01-31T12:00:00Z`, `2024-01-31T12:00:00.5+02:00`). `None` for anything else,
/// including instants before 1970.
pub(crate) fn parse_iso_millis(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = digits(&text[..4])?;
    let month = digits(&text[5..7])?;
    let day = digits(&text[8..10])?;
    if year < 1970 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let midnight = epoch_ms(year, month, day);
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(midnight);
    }
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix('t'))?;
    if rest.len() < 8 || rest.as_bytes()[2] != b':' || rest.as_bytes()[5] != b':' {
        return None;
    }
    let hours = digits(&rest[..2])?;
    let minutes = digits(&rest[3..5])?;
    let seconds = digits(&rest[6..8])?;
    if hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    let mut rest = &rest[8..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        // Only milliseconds matter; finer digits are dropped, as HubSpot stores milliseconds.
        let kept = &fraction[..len.min(3)];
        millis = digits(kept)? * 10_u64.pow(3 - u32::try_from(kept.len()).ok()?);
        rest = &fraction[len..];
    }
    let local = midnight + hours * 3_600_000 + minutes * 60_000 + seconds * SECOND_MS + millis;
    match rest {
        "Z" | "z" => Some(local),
        offset if offset.len() == 6 && offset.as_bytes()[3] == b':' => {
            let shift = digits(&offset[1..3])? * 3_600_000 + digits(&offset[4..6])? * 60_000;
            match offset.as_bytes()[0] {
                // `+02:00` is two hours ahead of UTC, so UTC is two hours earlier.
                b'+' => local.checked_sub(shift),
                b'-' => Some(local + shift),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A run of ASCII digits as a number.
fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `civil_from_days`, restricted to dates on or after 1970-01-01.
pub(crate) fn civil_from_days(days: u64) -> (u64, u64, u64) {
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
pub(crate) const fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
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
    fn parses_what_clients_send() {
        let noon = epoch_ms(2024, 1, 31) + 12 * 3_600_000;
        assert_eq!(parse_iso_millis("2024-01-31"), Some(epoch_ms(2024, 1, 31)));
        assert_eq!(parse_iso_millis("2024-01-31T12:00:00Z"), Some(noon));
        assert_eq!(parse_iso_millis("2024-01-31T12:00:00.5Z"), Some(noon + 500));
        assert_eq!(
            parse_iso_millis("2024-01-31T12:00:00.123456Z"),
            Some(noon + 123)
        );
        assert_eq!(parse_iso_millis("2024-01-31T14:00:00+02:00"), Some(noon));
        assert_eq!(parse_iso_millis("2024-01-31T10:30:00-01:30"), Some(noon));
        assert_eq!(
            parse_iso_millis(&iso_millis(1_645_125_222_762)),
            Some(1_645_125_222_762)
        );
        for bad in [
            "",
            "2024",
            "2024-02-30",
            "2023-02-29",
            "1969-12-31",
            "2024-01-31T25:00:00Z",
            "2024-01-31T12:00:00",
            "2024-01-31T12:00:00.Z",
            "2024-01-31 12:00:00Z",
            "1704067200000",
        ] {
            assert_eq!(parse_iso_millis(bad), None, "{bad}");
        }
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
