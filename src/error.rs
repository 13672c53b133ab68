//! Exit codes and the user-facing error with hints. A leaf: it imports nothing of the crate, so
//! any module may use it; which exit code a domain error means is decided in `exit.rs` alone.

use std::fmt;

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
