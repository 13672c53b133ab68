//! `inlet purge`: delete cached data (records, runs, watermarks) of one connection or a whole
//! client, connected or not, and the client's export files. Connections themselves stay: the
//! next fetch of a connected one starts from scratch.

use serde_json::json;

use crate::cli::PurgeArgs;
use crate::context::Context;
use crate::error::{ExitStatus, UserError};
use crate::ids::{self, ConnectionId};

pub(super) fn run(ctx: &Context, args: &PurgeArgs) -> anyhow::Result<ExitStatus> {
    let (client, only) = match (&args.connection, &args.client) {
        (Some(connection), None) => {
            let id = ConnectionId::parse(connection)?;
            (id.client().to_owned(), Some(id.to_string()))
        }
        (None, Some(client)) => {
            ids::check_client(client)?;
            (client.clone(), None)
        }
        _ => {
            return Err(UserError::usage("name one connection or one `--client`")
                .hint("e.g. `inlet purge acme/hubspot` or `inlet purge --client acme`")
                .into());
        }
    };
    let what = only.clone().unwrap_or_else(|| format!("client `{client}`"));
    let nothing = || {
        UserError::usage(format!("nothing is cached for {}", quoted(&what)))
            .hint("`inlet status` lists connections and the data kept without one")
    };
    let mut store = ctx.existing_store()?.ok_or_else(nothing)?;
    let sources: Vec<(ConnectionId, u64)> = store
        .data_sources(Some(&client))?
        .into_iter()
        .filter(|(id, _)| only.as_ref().is_none_or(|only| id == only))
        .collect();
    let files = super::export::export_files(ctx, &client);
    if sources.is_empty() && files.is_empty() {
        return Err(nothing().into());
    }
    let records: u64 = sources.iter().map(|(_, records)| records).sum();
    if !args.yes {
        if !ctx.interactive {
            return Err(UserError::usage(format!(
                "refusing to purge {} without confirmation",
                quoted(&what)
            ))
            .hint("pass `--yes` to confirm")
            .into());
        }
        if !super::confirm(&format!(
            "Delete {records} cached records, the runs and watermarks of {} and {} export file(s)?",
            quoted(&what),
            files.len()
        ))? {
            ctx.printer.status("Nothing changed.");
            return Ok(ExitStatus::Success);
        }
    }
    let mut purged = Vec::new();
    for (id, _) in &sources {
        let deleted = store.purge_data(id)?;
        let connected = store.connection(id)?.is_some();
        purged
            .push(json!({ "connection": id, "records_deleted": deleted, "connected": connected }));
    }
    let removed = super::export::remove_export_files(&files)?;
    if ctx.printer.json() {
        ctx.printer.json_data(&json!({
            "schema_version": 1,
            "client": client,
            "connections": purged,
            "export_files_removed": removed,
        }))?;
    }
    ctx.printer.done(&format!(
        "Purged {}: {records} cached records, runs and watermarks deleted",
        quoted(&what)
    ));
    for entry in &purged {
        if entry["connected"] == true {
            ctx.printer.status(&format!(
                "  `{}` is still connected: its next fetch starts from scratch",
                entry["connection"].as_str().unwrap_or_default()
            ));
        }
    }
    for path in &removed {
        ctx.printer
            .status(&format!("  removed `{}`", path.display()));
    }
    Ok(ExitStatus::Success)
}

fn quoted(what: &str) -> String {
    if what.starts_with("client ") {
        what.to_owned()
    } else {
        format!("`{what}`")
    }
}
