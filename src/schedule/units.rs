//! systemd user units and crontab lines that run `inlet fetch --due`, with the exact binary
//! path and `INLET_HOME` when one is in use.

use std::path::{Path, PathBuf};

use crate::durations::Tick;

/// Marks inlet's line in a crontab, so `schedule remove --cron` finds exactly it. A line for
/// another home than the default one ends with the home's unit name in brackets.
pub const CRON_MARKER: &str = "# inlet: fetch due connections";

/// The name of the service and timer of the default home.
pub const UNIT: &str = "inlet-fetch";

/// The name of the service and timer (and the crontab line's tag) of the home in use: the default
/// home's is `inlet-fetch`; a home chosen with `--home` or `INLET_HOME` gets its own,
/// `inlet-fetch-` and a stable 8-digit hash of its absolute path, so two homes' schedules live side
/// by side and removing one leaves the other.
pub fn units_name(home: Option<&Path>) -> String {
    match home {
        None => UNIT.to_owned(),
        Some(home) => {
            // FNV-1a: stable across versions and machines, unlike the standard library's hasher.
            let mut hash: u32 = 0x811c_9dc5;
            for byte in home.as_os_str().as_encoded_bytes() {
                hash ^= u32::from(*byte);
                hash = hash.wrapping_mul(0x0100_0193);
            }
            format!("{UNIT}-{hash:08x}")
        }
    }
}

/// The crontab marker of the home in use (see [`units_name`]).
pub fn cron_marker(home: Option<&Path>) -> String {
    match home {
        None => CRON_MARKER.to_owned(),
        Some(_) => format!("{CRON_MARKER} [{}]", units_name(home)),
    }
}

/// Says a tick in words for a unit's description: `15 minutes`, `6 hours`, `day`.
fn in_words(tick: Tick) -> String {
    match tick.minutes() {
        1 => "minute".to_owned(),
        1440 => "day".to_owned(),
        60 => "hour".to_owned(),
        minutes if minutes > 60 => format!("{} hours", minutes / 60),
        minutes => format!("{minutes} minutes"),
    }
}

/// A user service and timer.
#[derive(Debug, Clone)]
pub struct SystemdUnits {
    pub service: String,
    pub timer: String,
}

/// The first character of `path` that a systemd unit or a crontab line would misread: a line
/// break or other control character (a new directive or line), `%` (a systemd specifier; a
/// newline to cron), `$` (expanded by both), a quote, a backquote or a backslash.
pub fn unsafe_char(path: &Path) -> Option<char> {
    path.to_string_lossy()
        .chars()
        .find(|c| c.is_control() || "%$\"'`".contains(*c))
}

/// Quotes a path for a systemd `ExecStart=` or `Environment=` line.
fn systemd_quote(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c))
    {
        text.to_owned()
    } else {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Quotes for a POSIX shell (cron runs its lines with `sh`).
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

impl SystemdUnits {
    /// Units that run `BINARY fetch --due` at every `tick`, catching up after sleep or downtime
    /// (`Persistent=true`) with a random delay so many machines do not fetch at once.
    pub fn new(binary: &Path, home: Option<&Path>, tick: Tick) -> Self {
        let environment = home
            .map(|home| {
                format!(
                    "Environment=INLET_HOME={}\n",
                    systemd_quote(&home.display().to_string())
                )
            })
            .unwrap_or_default();
        let of_home = home
            .map(|home| format!(" of {}", home.display()))
            .unwrap_or_default();
        let service = format!(
            "[Unit]\n\
             Description=inlet: fetch the connections{of_home} that are due\n\
             Documentation=man:inlet-fetch(1)\n\
             Wants=network-online.target\n\
             After=network-online.target\n\
             \n\
             [Service]\n\
             Type=oneshot\n\
             {environment}\
             ExecStart={} fetch --due --quiet --wait 10m\n\
             # Exit 75 means another run holds a connection's lock: try again at the next tick.\n\
             SuccessExitStatus=75\n",
            systemd_quote(&binary.display().to_string()),
        );
        let every = in_words(tick);
        let calendar = tick.on_calendar();
        let unit = units_name(home);
        let timer = format!(
            "[Unit]\n\
             Description=inlet: check for due connections every {every}\n\
             \n\
             [Timer]\n\
             OnCalendar={calendar}\n\
             Persistent=true\n\
             RandomizedDelaySec=120\n\
             Unit={unit}.service\n\
             \n\
             [Install]\n\
             WantedBy=timers.target\n"
        );
        Self { service, timer }
    }

    /// `$XDG_CONFIG_HOME/systemd/user` (or `~/.config/systemd/user`).
    pub fn default_dir() -> Option<PathBuf> {
        use etcetera::BaseStrategy as _;
        etcetera::choose_base_strategy()
            .ok()
            .map(|base| base.config_dir().join("systemd/user"))
    }
}

/// A crontab line with the same effect as the timer.
#[derive(Debug, Clone)]
pub struct CronLine(pub String);

impl CronLine {
    /// At every `tick`; cron has no session bus, so the line points at the user's (where the
    /// keychain lives), and logs to `log`.
    pub fn new(
        binary: &Path,
        home: Option<&Path>,
        tick: Tick,
        log: &Path,
        uid: Option<u32>,
    ) -> Self {
        let mut environment = String::new();
        if let Some(uid) = uid {
            environment.push_str(&format!(
                "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{uid}/bus "
            ));
        }
        if let Some(home) = home {
            environment.push_str(&format!(
                "INLET_HOME={} ",
                shell_quote(&home.display().to_string())
            ));
        }
        Self(format!(
            "{} {environment}{} fetch --due --quiet --wait 10m >> {} 2>&1 {}",
            tick.cron_fields(),
            shell_quote(&binary.display().to_string()),
            shell_quote(&log.display().to_string()),
            cron_marker(home),
        ))
    }
}

/// The current user's id, for the session bus path (Linux).
pub fn current_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|line| line.starts_with("Uid:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_name_the_binary_and_the_home() {
        let units = SystemdUnits::new(
            Path::new("/opt/inlet bin/inlet"),
            Some(Path::new("/srv/inlet")),
            Tick::DEFAULT,
        );
        assert!(
            units
                .service
                .contains("ExecStart=\"/opt/inlet bin/inlet\" fetch --due")
        );
        assert!(units.service.contains("Environment=INLET_HOME=/srv/inlet"));
        assert!(units.timer.contains("Persistent=true"));
        assert!(units.timer.contains("RandomizedDelaySec="));
        assert!(units.timer.contains("OnCalendar=*:0/15"));
        let unit = units_name(Some(Path::new("/srv/inlet")));
        assert!(units.timer.contains(&format!("Unit={unit}.service")));
        assert!(unit.starts_with("inlet-fetch-") && unit.len() == "inlet-fetch-".len() + 8);
        assert_ne!(unit, units_name(Some(Path::new("/srv/inlet2"))));
        assert_eq!(units_name(None), "inlet-fetch");
        let daily = SystemdUnits::new(Path::new("/i"), None, Tick::parse("1d").expect("a tick"));
        assert!(
            daily.timer.contains("OnCalendar=*-*-* 00:00:00"),
            "{}",
            daily.timer
        );
        assert!(daily.timer.contains("every day"));
    }

    #[test]
    fn cron_lines_quote_and_mark() {
        let line = CronLine::new(
            Path::new("/usr/bin/inlet"),
            Some(Path::new("/it's")),
            Tick::DEFAULT,
            Path::new("/tmp/l"),
            Some(1000),
        );
        assert!(line.0.starts_with("*/15 * * * * DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus INLET_HOME='/it'\\''s' '/usr/bin/inlet' fetch --due"));
        assert!(line.0.ends_with(&format!(
            "{CRON_MARKER} [{}]",
            units_name(Some(Path::new("/it's")))
        )));
        let hourly = CronLine::new(
            Path::new("/i"),
            None,
            Tick::parse("2h").expect("a tick"),
            Path::new("/l"),
            None,
        );
        assert!(hourly.0.starts_with("0 */2 * * * '/i'"), "{}", hourly.0);
        assert!(hourly.0.ends_with(CRON_MARKER));
    }
}
