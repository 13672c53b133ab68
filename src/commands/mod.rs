//! One file per command; each orchestrates one user action. This file only dispatches.

mod choose;
mod completions;
mod connect;
mod connect_oauth;
mod dashboard;
mod demo;
mod disconnect;
mod export;
mod fetch;
mod preview;
mod providers;
mod purge;
mod register;
mod report;
mod sandbox;
mod schedule;
mod status;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::ExitStatus;
use crate::output::Printer;

pub use completions::{generate_files, generate_from_args};

/// Runs the parsed command line.
pub async fn run(cli: Cli, printer: Printer) -> anyhow::Result<ExitStatus> {
    // Commands that touch no user data run before the context resolves paths, so they work on
    // a machine with no home folder.
    match cli.command {
        Command::Completions(args) => return completions::run(&args),
        Command::Sandbox(args) => return sandbox::run(printer, &args).await,
        _ => {}
    }
    crate::clock::check_override().map_err(|message| {
        crate::error::UserError::usage(message).hint(format!(
            "unset `{}` to use the real clock",
            crate::env_vars::EnvVars::NOW
        ))
    })?;
    let ctx = Context::new(&cli.global, printer)?;
    match cli.command {
        Command::Connect(args) => connect::run(&ctx, &args).await,
        Command::Authorize(args) => connect_oauth::authorize(&ctx, &args).await,
        Command::Fetch(args) => fetch::run(&ctx, &args).await,
        Command::Status(args) => status::run(&ctx, &args),
        Command::Export(args) => export::run(&ctx, &args),
        Command::Preview(args) => preview::run(&ctx, &args),
        Command::Dashboard(args) => dashboard::run(&ctx, &args),
        Command::Report(args) => report::run(&ctx, &args),
        Command::Disconnect(args) => disconnect::run(&ctx, &args).await,
        Command::Purge(args) => purge::run(&ctx, &args),
        Command::Providers(args) => providers::run(&ctx, &args),
        Command::Schedule(args) => schedule::run(&ctx, &args),
        Command::Demo(args) => demo::run(&ctx, &args).await,
        Command::Completions(_) | Command::Sandbox(_) => Ok(ExitStatus::Success),
    }
}

/// The connections a command names (`CLIENT/NAME`s, `--client`, or every one), in id order,
/// with the cache they are in. `None` when there is no cache yet and nothing was named; naming
/// a connection or client that does not exist is a usage error.
pub(crate) fn select_connections(
    ctx: &Context,
    named: &[String],
    client: Option<&str>,
) -> anyhow::Result<Option<(crate::store::Store, Vec<crate::store::ConnectionRow>)>> {
    use crate::ids::{self, ConnectionId};
    let ids = named
        .iter()
        .map(|text| ConnectionId::parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(client) = client {
        ids::check_client(client)?;
    }
    let Some(store) = ctx.existing_store()? else {
        return match (ids.first(), client) {
            (Some(id), _) => Err(fetch::missing_connection(id).into()),
            (None, Some(client)) => Err(fetch::unknown_client(client).into()),
            (None, None) => Ok(None),
        };
    };
    let mut selected = Vec::new();
    for id in &ids {
        selected.push(
            store
                .connection(id)?
                .ok_or_else(|| fetch::missing_connection_in(&store, id))?,
        );
    }
    if let Some(client) = client {
        if !store.client_known(client)? {
            return Err(fetch::unknown_client_in(&store, client).into());
        }
        selected.extend(store.connections(Some(client))?);
    }
    if ids.is_empty() && client.is_none() {
        selected = store.connections(None)?;
    }
    selected.sort_by(|left, right| left.id.cmp(&right.id));
    selected.dedup_by(|left, right| left.id == right.id);
    Ok(Some((store, selected)))
}

/// Asks a yes/no question on the terminal; anything but `y`/`yes` is no.
fn confirm(question: &str) -> anyhow::Result<bool> {
    use std::io::{BufRead as _, Write as _};
    let mut err = std::io::stderr();
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory as _;
        crate::cli::Cli::command().debug_assert();
    }
}
