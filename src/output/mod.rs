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
        let mut out = self.data();
        serde_json::to_writer_pretty(&mut out, view)?;
        writeln!(out)?;
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

/// A table in inlet's house style, sized for the terminal or unbounded when piped.
pub fn table(header: &[&str]) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::presets::UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    table
}
