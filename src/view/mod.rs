//! Seeing a client's data without writing code: the figures behind `inlet preview`,
//! `inlet dashboard` and `inlet report`, all computed offline from the cache.
//!
//! Everything is read through the export ([`facts`]), so a view shows exactly the rows and
//! manifest `inlet export` writes for the same cache. [`brief`] turns those facts into KPIs,
//! charts, movers and caveats for a period; [`html`] and [`markdown`] render them. Money stays
//! in integer minor units per currency ([`money`]) from the row to the page.

pub mod brief;
pub mod facts;
pub mod html;
pub mod markdown;
pub mod money;
mod svg;

use jiff::ToSpan as _;
use jiff::civil::Date;
use serde::Serialize;

/// A span of calendar days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

impl Period {
    /// True when `date` falls in the period.
    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }

    /// Days in the period.
    pub fn days(&self) -> i64 {
        i64::from((self.end - self.start).get_days()) + 1
    }

    /// `2026-01-01 – 2026-03-31`.
    pub fn describe(&self) -> String {
        format!("{} – {}", self.start, self.end)
    }
}

/// The period a view covers and the one before it, of the same length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    /// As given: `90d`, `12w`, `3m`, `1y`.
    pub text: String,
    pub current: Period,
    pub previous: Period,
}

impl Window {
    /// Parses `--period` (`90d`, `12w`, `3m`, `1y`: days, weeks, calendar months, years),
    /// ending on `until` (included).
    pub fn parse(text: &str, until: Date) -> Result<Self, String> {
        let bad = || {
            format!(
                "`{text}` is not a period: use a number of days, weeks, months or years, e.g. `30d`, `12w`, `3m`, `1y`"
            )
        };
        let unit = text.chars().last().ok_or_else(bad)?;
        let count: i64 = text[..text.len() - unit.len_utf8()]
            .parse()
            .map_err(|_| bad())?;
        if count < 1 {
            return Err(bad());
        }
        let span = match unit {
            'd' if count <= 3_660 => count.days(),
            'w' if count <= 520 => (count * 7).days(),
            'm' if count <= 120 => count.months(),
            'y' if count <= 10 => count.years(),
            'd' | 'w' | 'm' | 'y' => return Err(format!("`{text}` is longer than 10 years")),
            _ => return Err(bad()),
        };
        let after = until
            .checked_add(1.day())
            .map_err(|error| error.to_string())?;
        let start = after.checked_sub(span).map_err(|error| error.to_string())?;
        let previous_start = start.checked_sub(span).map_err(|error| error.to_string())?;
        let previous_end = start
            .checked_sub(1.day())
            .map_err(|error| error.to_string())?;
        Ok(Self {
            text: text.to_owned(),
            current: Period { start, end: until },
            previous: Period {
                start: previous_start,
                end: previous_end,
            },
        })
    }
}

/// Today's date in UTC (`INLET_NOW` moves it, as it moves every schedule).
pub fn today() -> Date {
    crate::clock::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn periods_end_on_until_and_the_previous_one_touches_them() -> Result<(), String> {
        let window = Window::parse("90d", date(2026, 3, 31))?;
        assert_eq!(window.current.start, date(2026, 1, 1));
        assert_eq!(window.current.days(), 90);
        assert_eq!(window.previous.end, date(2025, 12, 31));
        assert_eq!(window.previous.days(), 90);
        let months = Window::parse("3m", date(2026, 3, 31))?;
        assert_eq!(months.current.start, date(2026, 1, 1));
        assert_eq!(months.previous.start, date(2025, 10, 1));
        let weeks = Window::parse("2w", date(2026, 3, 14))?;
        assert_eq!(weeks.current.start, date(2026, 3, 1));
        for bad in ["", "d", "0d", "-3d", "90", "90x", "9999y", "1.5d"] {
            assert!(Window::parse(bad, date(2026, 3, 31)).is_err(), "{bad}");
        }
        Ok(())
    }
}
