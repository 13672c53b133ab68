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

/// Prints `error: …`, its causes and hints to stderr, and returns the exit code.
pub fn report(error: &anyhow::Error, printer: Printer) -> std::process::ExitCode {
    if is_broken_pipe(error) {
        return ExitStatus::Success.into();
    }
    let (status, hints) = classify(error);
    printer.error(error, &hints);
    status.into()
}
