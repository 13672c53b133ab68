//! Every environment variable inlet reads, in one place.
//!
//! The README, the man page and the tests refer to these names.

/// Names of the environment variables inlet reads.
pub struct EnvVars;

impl EnvVars {
    /// One folder for config, data and state (same as `--home`).
    pub const HOME: &'static str = "INLET_HOME";
    /// Never prompt (same as `--no-input`).
    pub const NO_INPUT: &'static str = "INLET_NO_INPUT";
    /// Tracing filter, e.g. `inlet=debug`; overrides `-v`.
    pub const LOG: &'static str = "INLET_LOG";
    /// Prefix of the per-connection secret variables: `INLET_TOKEN_<CLIENT>_<NAME>`.
    pub const TOKEN_PREFIX: &'static str = "INLET_TOKEN_";
    /// Deadline for one keychain call, in milliseconds (default 5000).
    pub const KEYCHAIN_TIMEOUT_MS: &'static str = "INLET_KEYCHAIN_TIMEOUT_MS";
    /// The time schedules and staleness are judged at (RFC 3339); default: now.
    pub const NOW: &'static str = "INLET_NOW";
    /// Disables color when set to anything non-empty (no-color.org).
    pub const NO_COLOR: &'static str = "NO_COLOR";
}
