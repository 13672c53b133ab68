//! `inlet status`: connections, where their secrets come from, their last runs and records.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::cli::StatusArgs;
use crate::context::Context;
use crate::error::ExitStatus;
use crate::ids::{self, ConnectionId};
use crate::secrets::{self, SecretError, SecretKey};
use crate::store::{RunRow, Store};

use super::fetch::{missing_connection, unknown_client};

/// One element of `inlet status --json`'s `connections`. Field names are a public contract.
#[derive(Debug, Serialize)]
pub(super) struct StatusRow {
    pub connection: String,
    pub client: String,
    pub provider: String,
    pub account: Account,
    pub base_url: String,
    pub secret: SecretState,
    pub last_run: Option<RunView>,
    pub records: BTreeMap<String, u64>,
}

#[derive(Debug, Serialize)]
pub(super) struct Account {
    pub id: String,
    pub name: String,
}

/// Where the secret comes from and whether it is there.
#[derive(Debug, Serialize)]
pub(super) struct SecretState {
    /// `environment`, `keychain`, `file`, `missing`, or `unavailable` (no keychain to ask).
    pub source: String,
    /// The variable name when the source is the environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct RunView {
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub outcome: String,
    pub pages: u64,
    pub requests: u64,
    pub records_new: u64,
    pub records_updated: u64,
    pub error: Option<String>,
}

impl From<RunRow> for RunView {
    fn from(run: RunRow) -> Self {
        Self {
            id: run.id,
            started_at: run.started_at,
            finished_at: run.finished_at,
            outcome: run.outcome,
            pages: run.pages,
            requests: run.requests,
            records_new: run.records_new,
            records_updated: run.records_updated,
            error: run.error,
        }
    }
}

pub(super) fn run(ctx: &Context, args: &StatusArgs) -> anyhow::Result<ExitStatus> {
    let rows = collect(ctx, &args.connections, args.client.as_deref())?;
    render(ctx, &rows)?;
    Ok(ExitStatus::Success)
}

/// Gathers the status rows; shared with `inlet demo`.
pub(super) fn collect(
    ctx: &Context,
    named: &[String],
    client: Option<&str>,
) -> anyhow::Result<Vec<StatusRow>> {
    let ids = named
        .iter()
        .map(|text| ConnectionId::parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(client) = client {
        ids::check_client(client)?;
    }
    let Some(store) = ctx.existing_store()? else {
        return match (ids.first(), client) {
            (Some(id), _) => Err(missing_connection(&id.to_string()).into()),
            (None, Some(client)) => Err(unknown_client(client).into()),
            (None, None) => Ok(Vec::new()),
        };
    };
    let mut connections = Vec::new();
    for id in &ids {
        connections.push(
            store
                .connection(&id.to_string())?
                .ok_or_else(|| missing_connection(&id.to_string()))?,
        );
    }
    if let Some(client) = client {
        if !store.client_known(client)? {
            return Err(unknown_client(client).into());
        }
        connections.extend(store.connections(Some(client))?);
    }
    if ids.is_empty() && client.is_none() {
        connections = store.connections(None)?;
    }
    connections.sort_by(|left, right| left.id.cmp(&right.id));
    connections.dedup_by(|left, right| left.id == right.id);

    let profile = store.profile_id()?;
    // One failed keychain call says the keychain is gone; don't wait out a deadline per row.
    let mut keychain_down = false;
    let mut rows = Vec::new();
    for connection in connections {
        let secret = secret_state(ctx, &profile, &connection.id, &mut keychain_down);
        rows.push(row(&store, connection, secret)?);
    }
    Ok(rows)
}

fn secret_state(
    ctx: &Context,
    profile: &str,
    connection: &str,
    keychain_down: &mut bool,
) -> SecretState {
    if let Some((_, variable)) = secrets::from_env(connection) {
        return SecretState {
            source: "environment".to_owned(),
            variable: Some(variable),
        };
    }
    if *keychain_down {
        return SecretState {
            source: "unavailable".to_owned(),
            variable: None,
        };
    }
    let key = SecretKey {
        profile: profile.to_owned(),
        connection: connection.to_owned(),
    };
    let source = match secrets::load(&ctx.secrets, &key) {
        Ok(Some(_)) => secrets::source_of(&ctx.secrets).kind().to_owned(),
        Ok(None) => "missing".to_owned(),
        Err(SecretError::Unavailable { .. } | SecretError::Timeout { .. }) => {
            *keychain_down = true;
            "unavailable".to_owned()
        }
        Err(_) => "unavailable".to_owned(),
    };
    SecretState {
        source,
        variable: None,
    }
}

fn row(
    store: &Store,
    connection: crate::store::ConnectionRow,
    secret: SecretState,
) -> anyhow::Result<StatusRow> {
    let records = store.stream_counts(&connection.id)?.into_iter().collect();
    let last_run = store.last_run(&connection.id)?.map(RunView::from);
    Ok(StatusRow {
        connection: connection.id,
        client: connection.client,
        provider: connection.provider,
        account: Account {
            id: connection.account_id,
            name: connection.account_name,
        },
        base_url: connection.base_url,
        secret,
        last_run,
        records,
    })
}

/// Prints the rows as `--json` or a table.
pub(super) fn render(ctx: &Context, rows: &[StatusRow]) -> anyhow::Result<()> {
    if ctx.printer.json() {
        return ctx
            .printer
            .json_data(&serde_json::json!({ "schema_version": 1, "connections": rows }));
    }
    if rows.is_empty() {
        ctx.printer.status("No connections yet. Connect one with `inlet connect PROVIDER --client CLIENT`, or try `inlet demo`.");
        return Ok(());
    }
    let mut table = crate::output::table(&[
        "CONNECTION",
        "PROVIDER",
        "ACCOUNT",
        "SECRET",
        "LAST RUN",
        "OUTCOME",
        "RECORDS",
    ]);
    for row in rows {
        let secret = match &row.secret.variable {
            Some(variable) => format!("environment ({variable})"),
            None => row.secret.source.clone(),
        };
        let (when, outcome) =
            row.last_run
                .as_ref()
                .map_or(("never".to_owned(), "-".to_owned()), |run| {
                    (
                        run.finished_at
                            .clone()
                            .unwrap_or_else(|| run.started_at.clone()),
                        run.outcome.clone(),
                    )
                });
        let records = if row.records.is_empty() {
            "-".to_owned()
        } else {
            row.records
                .iter()
                .map(|(stream, count)| format!("{stream} {count}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        table.add_row(vec![
            row.connection.clone(),
            row.provider.clone(),
            row.account.name.clone(),
            secret,
            when,
            outcome,
            records,
        ]);
    }
    ctx.printer.text_data(&table.to_string())?;
    for row in rows {
        if row.secret.source == "missing" {
            ctx.printer.hint(&format!(
                "`{}` has no secret: reconnect with `inlet connect {} --client {}`, or set `{}`",
                row.connection,
                row.provider,
                row.client,
                secrets::env_var_name(&row.connection)
            ));
        }
    }
    Ok(())
}
