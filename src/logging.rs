//! Tracing to stderr, chosen by `-v` or `INLET_LOG`. No span or event carries a secret: the
//! HTTP layer marks the `Authorization` header sensitive and logs URLs without their query.

use tracing_subscriber::EnvFilter;

use crate::env_vars::EnvVars;

/// Installs the subscriber; quiet by default, since the printer handles user-facing output.
pub fn init(verbose: u8) {
    let default = match verbose {
        0 => "off",
        1 => "inlet=info",
        2 => "inlet=debug",
        _ => "inlet=trace,reqwest=debug,hyper_util=debug",
    };
    let filter = std::env::var(EnvVars::LOG)
        .ok()
        .and_then(|text| EnvFilter::try_new(text).ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true)
        .with_ansi(false)
        .try_init();
}
