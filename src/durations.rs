//! One duration syntax for every flag: a number with a unit (`90s`, `15m`, `6h`, `1d`, `2w`, or
//! combined like `1h30m`), parsed by clap before any command runs, so an error names the flag.
//!
//! A leaf module: the CLI model and the schedule both use it, and it uses nothing of inlet's.

use std::fmt;
use std::time::Duration;

/// The examples every duration error repeats.
const EXAMPLES: &str = "e.g. `90s`, `15m`, `6h`, `1d`";

/// Parses a duration in the one syntax inlet takes: digits with a unit, as humantime reads them.
/// A bare number is refused (it used to mean minutes in one place and seconds in another).
pub fn parse(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "`{text}` has no unit: write `{trimmed}m` for minutes or `{trimmed}s` for seconds"
        ));
    }
    humantime::parse_duration(trimmed)
        .map_err(|_| format!("`{text}` is not a duration ({EXAMPLES})"))
}

/// Formats a whole number of seconds in the same syntax: `1d`, `6h`, `90m`, `45s`.
pub fn format_secs(secs: u64) -> String {
    if secs == 0 {
        "0s".to_owned()
    } else if secs.is_multiple_of(86_400) {
        format!("{}d", secs / 86_400)
    } else if secs.is_multiple_of(3_600) {
        format!("{}h", secs / 3_600)
    } else if secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

/// Any duration, zero included (`--wait 0s`).
pub fn any(text: &str) -> Result<Duration, String> {
    parse(text)
}

/// A duration of at least a second, in whole seconds (`schedule set --timeout`).
pub fn at_least_a_second(text: &str) -> Result<Duration, String> {
    let duration = parse(text)?;
    if duration < Duration::from_secs(1) {
        return Err(format!("`{text}` is shorter than a second"));
    }
    Ok(Duration::from_secs(duration.as_secs()))
}

/// A duration of at least a minute, in whole seconds (`--every`, `--retry`): schedules are
/// checked by a timer that ticks in minutes, so anything shorter could never be honoured.
pub fn at_least_a_minute(text: &str) -> Result<Duration, String> {
    let duration = parse(text)?;
    if duration < Duration::from_secs(60) {
        return Err(format!(
            "`{text}` is shorter than a minute, the finest step of a schedule"
        ));
    }
    Ok(Duration::from_secs(duration.as_secs()))
}

/// How often the systemd timer or crontab line checks for due connections: a step that a
/// calendar can repeat exactly, i.e. a number of minutes that divides an hour, a number of hours
/// that divides a day, or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    minutes: u32,
}

/// The steps [`Tick`] accepts, in minutes.
const TICKS: [u32; 19] = [
    1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440,
];

impl Tick {
    /// The default: every 15 minutes.
    pub const DEFAULT: Self = Self { minutes: 15 };

    /// Parses `--interval`: see the type's documentation.
    pub fn parse(text: &str) -> Result<Self, String> {
        let allowed = || {
            TICKS
                .iter()
                .map(|minutes| format_secs(u64::from(*minutes) * 60))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let duration =
            parse(text).map_err(|error| format!("{error}; the steps are {}", allowed()))?;
        let secs = duration.as_secs();
        if duration.subsec_nanos() != 0
            || !secs.is_multiple_of(60)
            || !TICKS.iter().any(|m| u64::from(*m) * 60 == secs)
        {
            return Err(format!(
                "`{text}` is not a step a systemd calendar or cron can repeat exactly; use one of {}",
                allowed()
            ));
        }
        Ok(Self {
            minutes: u32::try_from(secs / 60).expect("a listed step"),
        })
    }

    /// The step in minutes.
    pub fn minutes(self) -> u32 {
        self.minutes
    }

    /// The systemd `OnCalendar=` expression.
    pub fn on_calendar(self) -> String {
        match self.minutes {
            1440 => "*-*-* 00:00:00".to_owned(),
            minutes if minutes >= 60 => format!("*-*-* 0/{}:00:00", minutes / 60),
            minutes => format!("*:0/{minutes}"),
        }
    }

    /// The five crontab time fields.
    pub fn cron_fields(self) -> String {
        match self.minutes {
            1440 => "0 0 * * *".to_owned(),
            60 => "0 * * * *".to_owned(),
            minutes if minutes > 60 => format!("0 */{} * * *", minutes / 60),
            minutes => format!("*/{minutes} * * * *"),
        }
    }
}

impl Default for Tick {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for Tick {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_secs(u64::from(self.minutes) * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_syntax_with_units() {
        assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse("1d"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5_400)));
        assert!(parse("90").expect_err("refused").contains("`90m`"));
        assert!(
            parse("often")
                .expect_err("refused")
                .contains("not a duration")
        );
    }

    #[test]
    fn minimums_are_checked_and_rounded_to_seconds() {
        assert!(
            at_least_a_minute("10s")
                .expect_err("refused")
                .contains("shorter than a minute")
        );
        assert_eq!(at_least_a_minute("1m"), Ok(Duration::from_secs(60)));
        assert!(at_least_a_second("500ms").is_err());
        assert_eq!(at_least_a_second("1500ms"), Ok(Duration::from_secs(1)));
        assert_eq!(any("0s"), Ok(Duration::ZERO));
    }

    #[test]
    fn ticks_are_steps_a_calendar_repeats() {
        let tick = |text| Tick::parse(text).map(|tick| (tick.on_calendar(), tick.cron_fields()));
        assert_eq!(tick("15m"), Ok(("*:0/15".into(), "*/15 * * * *".into())));
        assert_eq!(
            tick("1h"),
            Ok(("*-*-* 0/1:00:00".into(), "0 * * * *".into()))
        );
        assert_eq!(
            tick("6h"),
            Ok(("*-*-* 0/6:00:00".into(), "0 */6 * * *".into()))
        );
        assert_eq!(
            tick("1d"),
            Ok(("*-*-* 00:00:00".into(), "0 0 * * *".into()))
        );
        let refused = Tick::parse("45m").expect_err("refused");
        assert!(refused.contains("15m 20m 30m 1h"), "{refused}");
        assert!(Tick::parse("90m").is_err());
        assert!(Tick::parse("30s").is_err());
        assert_eq!(
            Tick::parse("60m").map(|tick| tick.to_string()),
            Ok("1h".into())
        );
    }
}
