//! `inlet fetch`: pull new data for the selected connections into the cache, with progress on a
//! terminal and a summary as a table or `--json`.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::catalog::Catalog;
use crate::cli::FetchArgs;
use crate::context::Context;
use crate::error::{ExitStatus, UserError};
use crate::http::Http;
use crate::ids::{self, ConnectionId};
use crate::secrets::{self, SecretKey};
use crate::store::{ConnectionRow, Store};
use crate::sync::{self, ConnectionReport, Outcome, Progress};

pub(super) async fn run(ctx: &Context, args: &FetchArgs) -> anyhow::Result<ExitStatus> {
    let reports = fetch(ctx, &args.connections, args.client.as_deref()).await?;
    if reports.is_empty() {
        ctx.printer.status("Nothing to fetch: no connections yet. Connect one with `inlet connect PROVIDER --client CLIENT`.");
        if ctx.printer.json() {
            ctx.printer
                .json_data(&json!({ "schema_version": 1, "runs": [] }))?;
        }
        return Ok(ExitStatus::Success);
    }
    render(ctx, &reports)?;
    Ok(exit_status(&reports))
}

/// Selects connections and fetches each; shared with `inlet demo`.
pub(super) async fn fetch(
    ctx: &Context,
    named: &[String],
    client: Option<&str>,
) -> anyhow::Result<Vec<ConnectionReport>> {
    let ids = named
        .iter()
        .map(|text| ConnectionId::parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(client) = client {
        ids::check_client(client)?;
    }
    let Some(mut store) = ctx.existing_store()? else {
        return match (ids.first(), client) {
            (Some(id), _) => Err(missing_connection(&id.to_string()).into()),
            (None, Some(client)) => Err(unknown_client(client).into()),
            (None, None) => Ok(Vec::new()),
        };
    };
    let connections = select(&store, &ids, client)?;
    let catalog = Catalog::load()?;
    let http = Http::new()?;
    let profile = store.profile_id()?;
    let mut reports = Vec::new();
    for connection in connections {
        let report = fetch_one(ctx, &mut store, &http, &catalog, &profile, &connection).await?;
        reports.push(report);
    }
    Ok(reports)
}

fn select(
    store: &Store,
    ids: &[ConnectionId],
    client: Option<&str>,
) -> anyhow::Result<Vec<ConnectionRow>> {
    let mut selected = Vec::new();
    for id in ids {
        let row = store
            .connection(&id.to_string())?
            .ok_or_else(|| missing_connection(&id.to_string()))?;
        selected.push(row);
    }
    if let Some(client) = client {
        let rows = store.connections(Some(client))?;
        if rows.is_empty() {
            return Err(unknown_client(client).into());
        }
        selected.extend(rows);
    }
    if ids.is_empty() && client.is_none() {
        selected = store.connections(None)?;
    }
    selected.sort_by(|left, right| left.id.cmp(&right.id));
    selected.dedup_by(|left, right| left.id == right.id);
    Ok(selected)
}

pub(super) fn missing_connection(id: &str) -> UserError {
    UserError::usage(format!("no connection `{id}`")).hint("`inlet status` lists the connections")
}

pub(super) fn unknown_client(client: &str) -> UserError {
    UserError::usage(format!(
        "unknown client `{client}`: it has no connections and no cached data"
    ))
    .hint("`inlet status` lists the connections")
}

async fn fetch_one(
    ctx: &Context,
    store: &mut Store,
    http: &Http,
    catalog: &Catalog,
    profile: &str,
    connection: &ConnectionRow,
) -> anyhow::Result<ConnectionReport> {
    let failed = |error: String, credentials_problem: bool| ConnectionReport {
        connection: connection.id.clone(),
        provider: connection.provider.clone(),
        run_id: 0,
        outcome: Outcome::Failed,
        pages: 0,
        requests: 0,
        records_new: 0,
        records_updated: 0,
        duration_ms: 0,
        credentials_problem,
        error: Some(error),
        streams: Vec::new(),
    };
    let provider = match catalog.get(&connection.provider) {
        Ok(provider) => provider,
        Err(error) => return Ok(failed(error.message, false)),
    };
    let key = SecretKey {
        profile: profile.to_owned(),
        connection: connection.id.clone(),
    };
    let (token, source) = match secrets::resolve(&ctx.secrets, &key) {
        Ok(found) => found,
        Err(error) => {
            let credentials = matches!(error, secrets::SecretError::Missing { .. });
            return Ok(failed(error.to_string(), credentials));
        }
    };
    tracing::info!(connection = %connection.id, source = source.kind(), "fetching");
    let bar = ProgressBar::with_draw_target(None, ctx.printer.progress_target());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix:.bold} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_prefix(connection.id.clone());
    bar.enable_steady_tick(Duration::from_millis(120));
    let report =
        sync::fetch_connection(
            store,
            http,
            provider,
            connection,
            &token,
            |event| match event {
                Progress::StreamStarted { stream, resumed } => {
                    bar.set_message(format!(
                        "{stream}{}",
                        if resumed { " (resuming)" } else { "" }
                    ));
                }
                Progress::Page {
                    stream,
                    pages,
                    records,
                } => {
                    bar.set_message(format!("{stream}: {records} records, {pages} pages"));
                }
                Progress::StreamFinished { .. } => {}
            },
        )
        .await?;
    bar.finish_and_clear();
    Ok(report)
}

fn render(ctx: &Context, reports: &[ConnectionReport]) -> anyhow::Result<()> {
    if ctx.printer.json() {
        return ctx
            .printer
            .json_data(&json!({ "schema_version": 1, "runs": reports }));
    }
    let mut table = crate::output::table(&[
        "CONNECTION",
        "OUTCOME",
        "NEW",
        "UPDATED",
        "PAGES",
        "REQUESTS",
        "TIME",
    ]);
    for report in reports {
        table.add_row(vec![
            report.connection.clone(),
            report.outcome.as_str().to_owned(),
            report.records_new.to_string(),
            report.records_updated.to_string(),
            report.pages.to_string(),
            report.requests.to_string(),
            sync::human_duration(Duration::from_millis(report.duration_ms)),
        ]);
    }
    ctx.printer.text_data(&table.to_string())?;
    for report in reports {
        if let Some(error) = &report.error {
            ctx.printer
                .warn(&format!("`{}` failed: {error}", report.connection));
            if report.credentials_problem {
                let (client, name) = report
                    .connection
                    .split_once('/')
                    .unwrap_or((&report.connection, ""));
                ctx.printer.hint(&format!(
                    "reconnect with `inlet connect {} --client {client} --name {name}`, or set `{}`",
                    report.provider,
                    secrets::env_var_name(&report.connection)
                ));
            }
        }
    }
    Ok(())
}

/// 0 all ok; 3 some failed; 4 all failed and a credential is among the causes; 1 all failed.
fn exit_status(reports: &[ConnectionReport]) -> ExitStatus {
    let failed = reports
        .iter()
        .filter(|report| report.outcome == Outcome::Failed)
        .count();
    if failed == 0 {
        ExitStatus::Success
    } else if failed < reports.len() {
        ExitStatus::Partial
    } else if reports.iter().any(|report| report.credentials_problem) {
        ExitStatus::Credentials
    } else {
        ExitStatus::Failure
    }
}
