//! The one place that decides what an error means for the process: its exit code and hints,
//! and how it is reported. Domain errors (HTTP, secrets, cache) say what happened; this module
//! alone maps them to the documented exit codes.

use crate::error::{ExitStatus, UserError};
use crate::http::HttpError;
use crate::output::Printer;
use crate::secrets::SecretError;
use crate::store::StoreError;

/// True when the error chain holds a broken pipe: the reader went away (`inlet … | head`),
/// which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            // serde_json keeps the I/O error inside (its `source` skips it).
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|json| json.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// The exit status and hints of an error chain: the first cause that is known wins.
pub fn classify(error: &anyhow::Error) -> (ExitStatus, Vec<String>) {
    for cause in error.chain() {
        if let Some(user) = cause.downcast_ref::<UserError>() {
            return (user.status, user.hints.clone());
        }
        if let Some(http) = cause.downcast_ref::<HttpError>() {
            let status = if http.is_credentials() {
                ExitStatus::Credentials
            } else if http.is_bad_input() {
                ExitStatus::Usage
            } else {
                ExitStatus::Failure
            };
            return (status, http.hints());
        }
        if let Some(secret) = cause.downcast_ref::<SecretError>() {
            let status = if secret.is_missing() {
                ExitStatus::Credentials
            } else {
                ExitStatus::Failure
            };
            return (status, secret.hints());
        }
        if let Some(store) = cause.downcast_ref::<StoreError>() {
            return (ExitStatus::Failure, store.hints());
        }
    }
    (ExitStatus::Failure, Vec::new())
}

/// A short, stable name for an exit status, for `--json` errors.
pub fn code_name(status: ExitStatus) -> &'static str {
    match status {
        ExitStatus::Success => "ok",
        ExitStatus::Failure => "failed",
        ExitStatus::Usage => "usage",
        ExitStatus::Partial => "partial",
        ExitStatus::Credentials => "credentials",
        ExitStatus::Stale => "stale",
        ExitStatus::Locked => "locked",
        ExitStatus::Interrupted => "interrupted",
    }
}

/// Prints `error: …`, its causes and hints to stderr, and returns the exit code. With
/// `--json`, the error is also one JSON object on stdout, so a script reading stdout sees it.
pub fn report(error: &anyhow::Error, printer: Printer) -> std::process::ExitCode {
    if is_broken_pipe(error) {
        return ExitStatus::Success.into();
    }
    let (status, hints) = classify(error);
    printer.error(error, &hints);
    if printer.json() {
        let causes: Vec<String> = error.chain().skip(1).map(ToString::to_string).collect();
        let view = serde_json::json!({
            "schema_version": 1,
            "error": {
                "code": code_name(status),
                "exit_code": status as u8,
                "message": error.to_string(),
                "causes": causes,
                "hint": hints.first(),
                "hints": hints,
            }
        });
        // The reader may be gone; the exit code still says what happened.
        let _ = printer.json_data(&view);
    }
    status.into()
}

/// The `--json` object for a command line clap refused (exit 2); clap prints its own text on
/// stderr.
pub fn report_usage_json(kind: &str, rendered: &str) {
    use std::io::Write as _;
    let mut lines = rendered.lines().filter(|line| !line.trim().is_empty());
    let message = lines
        .next()
        .unwrap_or(kind)
        .trim_start_matches("error: ")
        .to_owned();
    let hints: Vec<String> = lines
        .map(str::trim)
        .filter(|line| line.starts_with("tip:") || line.starts_with("For more information"))
        .map(|line| line.trim_start_matches("tip: ").to_owned())
        .collect();
    let view = serde_json::json!({
        "schema_version": 1,
        "error": {
            "code": code_name(ExitStatus::Usage),
            "exit_code": ExitStatus::Usage as u8,
            "message": message,
            "causes": [],
            "hint": hints.first(),
            "hints": hints,
        }
    });
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, &view);
    let _ = writeln!(out);
}
