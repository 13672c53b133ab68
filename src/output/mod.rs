//! The only writer in the crate: data to stdout, status, warnings, errors and progress to
//! stderr, tables and JSON views.

pub mod sanitize;

use std::io::{IsTerminal as _, Write as _};

use anstyle::{AnsiColor, Style};

use crate::env_vars::EnvVars;

/// How much to say on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose(u8),
}

/// When to color output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    /// Color on a terminal, unless `NO_COLOR` is set.
    Auto,
    Always,
    Never,
}

/// What the user asked of the output, resolved from flags and environment before any logic.
#[derive(Debug, Clone, Copy)]
pub struct OutputSettings {
    pub quiet: bool,
    /// `-v` count.
    pub verbose: u8,
    pub json: bool,
    pub color: ColorMode,
}

/// Where output goes and how it looks. Cheap to copy.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    verbosity: Verbosity,
    json: bool,
    stdout_color: bool,
    stderr_color: bool,
    stderr_is_terminal: bool,
}

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const HINT: Style = AnsiColor::Cyan.on_default().bold();
const DONE: Style = AnsiColor::Green.on_default().bold();

impl Printer {
    /// Resolves color and terminal facts once, from the global flags and the environment.
    pub fn new(global: OutputSettings) -> Self {
        let verbosity = if global.quiet {
            Verbosity::Quiet
        } else if global.verbose > 0 {
            Verbosity::Verbose(global.verbose)
        } else {
            Verbosity::Normal
        };
        let no_color = std::env::var_os(EnvVars::NO_COLOR).is_some_and(|value| !value.is_empty());
        let color = |is_terminal: bool| match global.color {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => is_terminal && !no_color,
        };
        let stderr_is_terminal = std::io::stderr().is_terminal();
        Self {
            verbosity,
            json: global.json,
            stdout_color: color(std::io::stdout().is_terminal()),
            stderr_color: color(stderr_is_terminal),
            stderr_is_terminal,
        }
    }

    /// True with `-q`: only errors, warnings and the data a command exists to print.
    pub fn quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    /// True when `--json` was asked for.
    pub fn json(&self) -> bool {
        self.json
    }

    /// True when stdout is a terminal that takes colors (tables may style cells).
    pub fn stdout_color(&self) -> bool {
        self.stdout_color
    }

    /// The stream for results a script may capture. Never silenced, not even by `-q`.
    pub fn data(&self) -> std::io::StdoutLock<'static> {
        std::io::stdout().lock()
    }

    /// Writes a serializable view as pretty JSON on stdout.
    pub fn json_data<T: serde::Serialize>(&self, view: &T) -> anyhow::Result<()> {
        // Serialized first, so a closed pipe surfaces as the plain I/O error it is.
        let mut text = serde_json::to_vec_pretty(view)?;
        text.push(b'\n');
        let mut out = self.data();
        out.write_all(&text)?;
        out.flush()?;
        Ok(())
    }

    /// Writes text (a table) on stdout.
    pub fn text_data(&self, text: &str) -> anyhow::Result<()> {
        let mut out = self.data();
        writeln!(out, "{text}")?;
        out.flush()?;
        Ok(())
    }

    /// A human-facing status line on stderr, silenced by `-q`.
    pub fn status(&self, line: &str) {
        if self.verbosity != Verbosity::Quiet {
            let _ = writeln!(std::io::stderr(), "{line}");
        }
    }

    /// A status line that reports something done, with a check mark.
    pub fn done(&self, line: &str) {
        if self.verbosity != Verbosity::Quiet {
            let mark = self.paint(DONE, "✓", self.stderr_color);
            let _ = writeln!(std::io::stderr(), "{mark} {line}");
        }
    }

    /// A warning on stderr; shown even with `-q`, since it needs attention.
    pub fn warn(&self, line: &str) {
        let label = self.paint(WARNING, "warning:", self.stderr_color);
        let _ = writeln!(std::io::stderr(), "{label} {line}");
    }

    /// A hint line on stderr.
    pub fn hint(&self, line: &str) {
        let label = self.paint(HINT, "hint:", self.stderr_color);
        let _ = writeln!(std::io::stderr(), "{label} {line}");
    }

    /// An error with its causes and hints, on stderr.
    pub fn error(&self, error: &anyhow::Error, hints: &[String]) {
        let mut err = std::io::stderr().lock();
        let label = self.paint(ERROR, "error:", self.stderr_color);
        let _ = writeln!(err, "{label} {error}");
        let mut previous = error.to_string();
        for cause in error.chain().skip(1) {
            let text = cause.to_string();
            // Context layers often repeat their cause verbatim; say each thing once.
            if !previous.contains(&text) {
                let _ = writeln!(err, "  caused by: {text}");
            }
            previous = text;
        }
        drop(err);
        for hint in hints {
            self.hint(hint);
        }
    }

    /// Where progress bars draw: stderr, only on a terminal, and never when quiet or verbose
    /// (log lines would tear the bars).
    pub fn progress_target(&self) -> indicatif::ProgressDrawTarget {
        if self.verbosity == Verbosity::Normal && self.stderr_is_terminal {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        }
    }

    /// True when stderr is a terminal (prompts need one).
    pub fn stderr_is_terminal(&self) -> bool {
        self.stderr_is_terminal
    }

    fn paint(&self, style: Style, text: &str, color: bool) -> String {
        if color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }
}

/// A table in inlet's house style, as wide as `COLUMNS` says or the terminal is, unbounded when
/// piped. Cells may carry color: widths are measured without the escape codes.
pub fn table(header: &[&str]) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::presets::UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    if let Some(width) = columns() {
        table.set_width(width);
    }
    table
}

/// The width tables must fit: `COLUMNS`, else the terminal's; `None` when piped (unbounded).
pub fn table_width() -> Option<u16> {
    columns().or_else(|| comfy_table::Table::new().width())
}

/// `COLUMNS`, when set to a usable width (shells set it for their children on resize; tests
/// and `COLUMNS=200 inlet status | less` use it too).
fn columns() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|text| text.trim().parse::<u16>().ok())
        .filter(|width| *width >= 20)
}

/// The candidate closest to a mistyped word, when one is close enough to be what was meant
/// (`hubspt` → `hubspot`, `acme/hubspto` → `acme/hubspot`).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, candidate)| {
            *score >= 0.85 || strsim::damerau_levenshtein(word, candidate) <= 2
        })
        .max_by(|left, right| left.0.total_cmp(&right.0))
        .map(|(_, candidate)| candidate)
}

/// A moment for a person: `just now`, `12 min ago`, `2 h ago`, `in 3 d`; further than a
/// week away, the local date. Machine output keeps RFC 3339 UTC.
pub fn relative_time(instant: &str, now: jiff::Timestamp) -> String {
    let Ok(at) = instant.parse::<jiff::Timestamp>() else {
        return instant.to_owned();
    };
    let seconds = now.as_second() - at.as_second();
    let (past, amount) = (seconds >= 0, seconds.unsigned_abs());
    let span = match amount {
        0..60 => return "just now".to_owned(),
        60..3_600 => format!("{} min", amount / 60),
        3_600..172_800 => format!("{} h", amount / 3_600),
        172_800..604_800 => format!("{} d", amount / 86_400),
        _ => {
            let zone = jiff::tz::TimeZone::system();
            return at.to_zoned(zone).strftime("%Y-%m-%d %H:%M").to_string();
        }
    };
    if past {
        format!("{span} ago")
    } else {
        format!("in {span}")
    }
}

#[cfg(test)]
mod tests {
    use super::{did_you_mean, relative_time};

    #[test]
    fn suggestions_are_close_or_absent() {
        assert_eq!(
            did_you_mean("hubspt", ["hubspot", "stripe"]),
            Some("hubspot")
        );
        assert_eq!(
            did_you_mean("acme/hubspto", ["acme/hubspot", "acme/stripe"]),
            Some("acme/hubspot")
        );
        assert_eq!(did_you_mean("salesforce", ["hubspot", "stripe"]), None);
    }

    #[test]
    fn times_read_as_distances() {
        let now: jiff::Timestamp = "2026-05-10T12:00:00Z".parse().unwrap_or_default();
        assert_eq!(relative_time("2026-05-10T11:59:30Z", now), "just now");
        assert_eq!(relative_time("2026-05-10T11:48:00Z", now), "12 min ago");
        assert_eq!(relative_time("2026-05-10T10:00:00Z", now), "2 h ago");
        assert_eq!(relative_time("2026-05-11T10:00:00Z", now), "in 22 h");
        assert_eq!(relative_time("2026-05-07T12:00:00Z", now), "3 d ago");
        assert_eq!(relative_time("not a time", now), "not a time");
    }
}
