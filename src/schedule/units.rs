//! systemd user units and crontab lines that run `inlet fetch --due`, with the exact binary
//! path and `INLET_HOME` when one is in use.

use std::path::{Path, PathBuf};

/// Marks inlet's line in a crontab, so `schedule remove --cron` finds exactly it.
pub const CRON_MARKER: &str = "# inlet: fetch due connections";

/// The name of the service and timer.
pub const UNIT: &str = "inlet-fetch";

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
    /// Units that run `BINARY fetch --due` every `interval_minutes`, catching up after sleep or
    /// downtime (`Persistent=true`) with a random delay so many machines do not fetch at once.
    pub fn new(binary: &Path, home: Option<&Path>, interval_minutes: u32) -> Self {
        let environment = home
            .map(|home| {
                format!(
                    "Environment=INLET_HOME={}\n",
                    systemd_quote(&home.display().to_string())
                )
            })
            .unwrap_or_default();
        let service = format!(
            "[Unit]\n\
             Description=inlet: fetch the connections that are due\n\
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
        let timer = format!(
            "[Unit]\n\
             Description=inlet: check for due connections every {interval_minutes} minutes\n\
             \n\
             [Timer]\n\
             OnCalendar=*:0/{interval_minutes}\n\
             Persistent=true\n\
             RandomizedDelaySec=120\n\
             Unit={UNIT}.service\n\
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
    /// Every `interval_minutes`; cron has no session bus, so the line points at the user's
    /// (where the keychain lives), and logs to `log`.
    pub fn new(
        binary: &Path,
        home: Option<&Path>,
        interval_minutes: u32,
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
            "*/{interval_minutes} * * * * {environment}{} fetch --due --quiet --wait 10m >> {} 2>&1 {CRON_MARKER}",
            shell_quote(&binary.display().to_string()),
            shell_quote(&log.display().to_string()),
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
            15,
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
    }

    #[test]
    fn cron_lines_quote_and_mark() {
        let line = CronLine::new(
            Path::new("/usr/bin/inlet"),
            Some(Path::new("/it's")),
            15,
            Path::new("/tmp/l"),
            Some(1000),
        );
        assert!(line.0.starts_with("*/15 * * * * DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus INLET_HOME='/it'\\''s' '/usr/bin/inlet' fetch --due"));
        assert!(line.0.ends_with(CRON_MARKER));
    }
}
