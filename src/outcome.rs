//! How a run, or one stream of it, ended, declared once: the engine's reports, the cache's runs
//! and `status` carry the same [`Outcome`] and [`Failure`], and the exit code is decided from
//! them in one place (`commands::fetch::exit_status`).

use serde::Serialize;
use serde::ser::SerializeMap as _;

/// How a run or stream ended (or that it has not yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Failed,
    /// Stopped at a page boundary (Ctrl-C, a kill, a timeout); resumes next time.
    Interrupted,
    /// Not fetched: another run holds the connection's lock.
    Locked,
    /// Under way in a live process.
    Running,
}

impl Outcome {
    /// As stored in the cache and shown in `--json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
            Self::Locked => "locked",
            Self::Running => "running",
        }
    }

    /// The outcome stored as `text`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Ok,
            Self::Failed,
            Self::Interrupted,
            Self::Locked,
            Self::Running,
        ]
        .into_iter()
        .find(|outcome| outcome.as_str() == text)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a run or stream failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What happened, for people (sanitized, never a secret).
    pub message: String,
    pub cause: Cause,
}

/// Whose the failure is: it decides the hint and the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The provider refused the credential: connect again (exit 4).
    Credentials,
    /// Anything else: the provider, the network, the definition, the disk (exit 1).
    Other,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            cause: Cause::Other,
        }
    }

    pub fn credentials(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            cause: Cause::Credentials,
        }
    }

    /// The same failure, said of one part (`contacts: …`).
    pub fn of(&self, part: &str) -> Self {
        Self {
            message: format!("{part}: {}", self.message),
            cause: self.cause,
        }
    }

    pub fn is_credentials(&self) -> bool {
        self.cause == Cause::Credentials
    }
}

/// Whether a failure, if any, is the credential's.
pub fn is_credentials(failure: Option<&Failure>) -> bool {
    failure.is_some_and(Failure::is_credentials)
}

/// A report's failure as its JSON shows it, flattened into the report: `error` (the message, or
/// null) and `credentials_problem`.
pub fn failure_fields<S: serde::Serializer>(
    failure: &Option<Failure>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(2))?;
    map.serialize_entry("credentials_problem", &is_credentials(failure.as_ref()))?;
    map.serialize_entry(
        "error",
        &failure.as_ref().map(|failure| failure.message.as_str()),
    )?;
    map.end()
}

/// A failure as a bare message (or null), for views that show only what went wrong.
pub fn failure_message<S: serde::Serializer>(
    failure: &Option<Failure>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_some(&failure.as_ref().map(|failure| failure.message.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Report {
        outcome: Outcome,
        #[serde(flatten, serialize_with = "failure_fields")]
        failure: Option<Failure>,
    }

    #[test]
    fn outcomes_read_back_what_they_store() {
        for outcome in [
            Outcome::Ok,
            Outcome::Failed,
            Outcome::Interrupted,
            Outcome::Locked,
            Outcome::Running,
        ] {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
            assert_eq!(
                serde_json::to_value(outcome).ok(),
                Some(serde_json::json!(outcome.as_str()))
            );
        }
        assert_eq!(Outcome::parse("OK"), None);
    }

    #[test]
    fn a_failure_keeps_the_json_keys_it_always_had() {
        let ok = Report {
            outcome: Outcome::Ok,
            failure: None,
        };
        assert_eq!(
            serde_json::to_value(&ok).ok(),
            Some(serde_json::json!({"outcome": "ok", "credentials_problem": false, "error": null}))
        );
        let refused = Report {
            outcome: Outcome::Failed,
            failure: Some(Failure::credentials("HTTP 401").of("contacts")),
        };
        assert_eq!(
            serde_json::to_value(&refused).ok(),
            Some(serde_json::json!({
                "outcome": "failed",
                "credentials_problem": true,
                "error": "contacts: HTTP 401"
            }))
        );
    }
}
