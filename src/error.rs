//! Exit codes, user-facing errors with hints, and the one place that reports an error.

use std::fmt;

use crate::output::Printer;

/// Process exit codes. They are part of the interface: documented in the README and the man
/// page, and never renumbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    /// The command did what was asked.
    Success = 0,
    /// The command failed: network, provider, cache, or a missing thing it needed.
    Failure = 1,
    /// The command line was invalid, or names a provider, client or connection that does not
    /// exist (clap uses the same code for syntax errors).
    Usage = 2,
    /// Some connections succeeded and some failed.
    Partial = 3,
    /// A credential is missing, expired or revoked: reconnect.
    Credentials = 4,
    /// Cached data is older than its schedule allows.
    Stale = 5,
    /// Another run holds the lock; try again later (`EX_TEMPFAIL`).
    Locked = 75,
    /// Interrupted by the user.
    Interrupted = 130,
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        Self::from(status as u8)
    }
}

/// An error meant for the person (or script) running inlet: what went wrong, what to do, and
/// which exit code it means.
#[derive(Debug)]
pub struct UserError {
    pub status: ExitStatus,
    pub message: String,
    pub hints: Vec<String>,
}

impl UserError {
    /// An error with the given exit status.
    pub fn new(status: ExitStatus, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// Invalid input: exit 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ExitStatus::Usage, message)
    }

    /// A failure: exit 1.
    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(ExitStatus::Failure, message)
    }

    /// A credential problem: exit 4.
    pub fn credentials(message: impl Into<String>) -> Self {
        Self::new(ExitStatus::Credentials, message)
    }

    /// Adds a hint: what the user can do about it.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// Errors that know what the user can do about them and what exit code they mean.
pub trait Classify {
    /// The exit code this error maps to.
    fn status(&self) -> ExitStatus;
    /// What the user can do about it.
    fn hints(&self) -> Vec<String> {
        Vec::new()
    }
}

impl Classify for UserError {
    fn status(&self) -> ExitStatus {
        self.status
    }
    fn hints(&self) -> Vec<String> {
        self.hints.clone()
    }
}

/// True when the error chain holds a broken pipe: the reader went away (`inlet … | head`),
/// which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The exit status and hints of an error chain: the first cause that classifies itself wins.
pub fn classify(error: &anyhow::Error) -> (ExitStatus, Vec<String>) {
    for cause in error.chain() {
        if let Some(user) = cause.downcast_ref::<UserError>() {
            return (user.status(), user.hints());
        }
        if let Some(http) = cause.downcast_ref::<crate::http::HttpError>() {
            return (http.status(), http.hints());
        }
        if let Some(secret) = cause.downcast_ref::<crate::secrets::SecretError>() {
            return (secret.status(), secret.hints());
        }
        if let Some(store) = cause.downcast_ref::<crate::store::StoreError>() {
            return (store.status(), store.hints());
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
