//! Process hardening: a crash never writes the secrets in memory to a core file, another
//! process of the same user cannot read them by attaching a debugger (Linux), and the programs
//! inlet starts (`crontab`, a browser opener) never inherit a connection's secret.

use std::ffi::OsStr;
use std::process::Command;

/// The prefix of the variables that carry connections' secrets in CI and cron.
const TOKEN_PREFIX: &str = "INLET_TOKEN_";

/// Sets the core file size limit to zero (soft and hard), so no crash dumps this process's
/// memory to disk. Best effort: a system that refuses leaves the limit as it was.
pub fn disable_core_dumps() {
    #[cfg(unix)]
    {
        let none = rustix::process::Rlimit {
            current: Some(0),
            maximum: Some(0),
        };
        if let Err(error) = rustix::process::setrlimit(rustix::process::Resource::Core, none) {
            tracing::debug!(%error, "could not disable core dumps");
        }
    }
    // Not dumpable: no core file whatever the limit, and no ptrace or /proc/PID/mem reads by
    // other processes of the same user (only root's). A program inlet starts is dumpable again.
    #[cfg(target_os = "linux")]
    if let Err(error) =
        rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
    {
        tracing::debug!(%error, "could not make the process non-dumpable");
    }
}

/// A command for a child process, with every `INLET_TOKEN_*` variable removed from its
/// environment.
pub fn child(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name
            .to_str()
            .is_some_and(|name| name.starts_with(TOKEN_PREFIX))
        {
            command.env_remove(name);
        }
    }
    command
}
