//! `inlet status`: per connection, credential health and source, last run, next due time,
//! staleness, the provider's budget, and for each problem the command that fixes it.

use std::collections::BTreeMap;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::cli::StatusArgs;
use crate::clock::rfc3339;
use crate::context::Context;
use crate::error::ExitStatus;
use crate::ids::ConnectionId;
use crate::outcome::{Failure, Outcome};
use crate::schedule;
use crate::secrets::{self, SecretError, SecretKey};
use crate::store::{ConnectionRow, RunRow, Schedule, Store, StreamStatus};

/// One element of `inlet status --json`'s `connections`. Field names are a public contract.
#[derive(Debug, Serialize)]
pub(super) struct StatusRow {
    pub connection: String,
    pub client: String,
    pub provider: String,
    pub account: Account,
    pub base_url: String,
    pub credential: Credential,
    pub last_run: Option<RunView>,
    pub last_success: Option<String>,
    pub schedule: Schedule,
    pub next_due: String,
    pub due: bool,
    pub stale: bool,
    pub records: BTreeMap<String, u64>,
    /// What needs attention, each with the command that fixes it.
    pub problems: Vec<ProblemView>,
    /// Streams with their watermarks (only when connections are named).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streams: Option<Vec<StreamStatus>>,
    /// Recent runs, newest first (only when connections are named).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<Vec<RunView>>,
}

#[derive(Debug, Serialize)]
pub(super) struct Account {
    pub id: String,
    pub name: String,
}

/// Where the secret comes from and whether it works.
#[derive(Debug, Serialize)]
pub(super) struct Credential {
    /// `environment`, `keychain`, `file`, `missing`, or `unavailable` (no keychain to ask).
    pub source: String,
    /// The variable name when the source is the environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    /// `ok` or `attention`.
    pub health: String,
    /// The source whose credential the provider refused at the last run, when it did:
    /// `environment` (see `refused_variable`), `keychain` or `file`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused_variable: Option<String>,
    /// For OAuth connections: the grant, the scopes granted and when the tokens expire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OAuthView>,
}

/// An OAuth connection's token state, as `status` shows it (never a token).
#[derive(Debug, Serialize)]
pub(super) struct OAuthView {
    /// The auth mode.
    pub mode: String,
    /// `authorization_code`, `device_code`, `client_credentials` or `jwt_bearer`.
    pub grant: String,
    pub scopes: Vec<String>,
    /// When the access token expires (it is renewed before then); null when unknown.
    pub access_token_expires_at: Option<String>,
    /// Whether a refresh token is stored.
    pub refresh_token: bool,
    /// When the refresh token is known to expire, if it is.
    pub refresh_token_expires_at: Option<String>,
}

fn oauth_view(secret: &secrecy::SecretString) -> Option<OAuthView> {
    let stored = crate::auth::Stored::parse(secret)?;
    Some(OAuthView {
        mode: stored.mode.clone(),
        grant: stored.grant.as_str().to_owned(),
        scopes: stored.scopes.clone(),
        access_token_expires_at: stored.expires_at.map(|at| at.to_string()),
        refresh_token: stored.refresh_token.is_some(),
        refresh_token_expires_at: stored.refresh_expires_at.map(|at| at.to_string()),
    })
}

#[derive(Debug, Serialize)]
pub(super) struct ProblemView {
    /// `credentials`, `expiring`, `stale`, `failed` or `history` (the next fetch of a stream
    /// is a full one: changes before its watermark are no longer listed).
    pub kind: &'static str,
    pub message: String,
    pub fix: String,
}

#[derive(Debug, Serialize)]
pub(super) struct RunView {
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub outcome: Outcome,
    #[serde(flatten)]
    pub counts: crate::counts::RunCounts,
    pub budget_remaining: Option<u64>,
    /// Why it failed: `error`, the message.
    #[serde(rename = "error", serialize_with = "crate::outcome::failure_message")]
    pub failure: Option<Failure>,
    /// Where the run's credential came from: `keychain`, `file` or `env:VARIABLE`.
    pub credential_source: Option<String>,
}

impl From<RunRow> for RunView {
    fn from(run: RunRow) -> Self {
        Self {
            id: run.id,
            started_at: rfc3339(run.started_at),
            finished_at: run.finished_at.map(rfc3339),
            outcome: run.outcome,
            counts: run.counts,
            budget_remaining: run.budget_remaining,
            failure: run.failure,
            credential_source: run.credential_source,
        }
    }
}

pub(super) fn run(ctx: &Context, args: &StatusArgs) -> anyhow::Result<ExitStatus> {
    let rows = collect(ctx, &args.connections, args.client.as_deref())?;
    let kept = if args.connections.is_empty() {
        kept_data(ctx, args.client.as_deref())?
    } else {
        Vec::new()
    };
    // A fetch that found the cache damaged left a note beside it (reading every page here
    // would make `status` as slow as the cache is large).
    let damaged = std::fs::read_to_string(crate::store::damaged_note(&ctx.paths.database())).ok();
    if ctx.printer.json() {
        ctx.printer.json_data(&serde_json::json!({
            "schema_version": 1,
            "connections": rows,
            "kept_data": kept,
            "cache_damaged": damaged,
        }))?;
    } else {
        render_with(ctx, &rows, &kept)?;
    }
    if let Some(problem) = &damaged {
        ctx.printer.warn(problem.trim());
        let hints = crate::store::StoreError::Damaged {
            path: ctx.paths.database(),
            problem: String::new(),
        }
        .hints();
        for hint in hints {
            ctx.printer.hint(&hint);
        }
    }
    if !args.check {
        return Ok(ExitStatus::Success);
    }
    if damaged.is_some() {
        return Ok(ExitStatus::Failure);
    }
    let credentials = rows.iter().any(|row| {
        row.problems
            .iter()
            .any(|problem| problem.kind == "credentials")
    });
    let stale = rows.iter().any(|row| row.stale);
    if credentials || stale {
        for row in &rows {
            for problem in &row.problems {
                ctx.printer
                    .warn(&format!("`{}`: {}", row.connection, problem.message));
            }
        }
    }
    Ok(if credentials {
        ExitStatus::Credentials
    } else if stale {
        ExitStatus::Stale
    } else {
        ExitStatus::Success
    })
}

/// Gathers the status rows; shared with `inlet demo` and `inlet schedule show`.
pub(super) fn collect(
    ctx: &Context,
    named: &[String],
    client: Option<&str>,
) -> anyhow::Result<Vec<StatusRow>> {
    let Some((store, connections)) = super::select_connections(ctx, named, client)? else {
        return Ok(Vec::new());
    };
    let profile = store.profile_id()?;
    // Only for the reconnect hints: a broken user definition must not break `status`.
    let catalog = ctx.catalog().ok();
    // One failed keychain call says the keychain is gone; don't wait out a deadline per row.
    let mut keychain_down = false;
    let detail = !named.is_empty();
    let mut rows = Vec::new();
    for connection in connections {
        let stored = store.secret_stored(&connection.id)?;
        let credential = credential(ctx, &profile, &connection.id, stored, &mut keychain_down);
        rows.push(row(
            &store,
            catalog.as_ref(),
            connection,
            credential,
            detail,
        )?);
    }
    Ok(rows)
}

fn credential(
    ctx: &Context,
    profile: &str,
    connection: &ConnectionId,
    stored: bool,
    keychain_down: &mut bool,
) -> Credential {
    if let Some((secret, variable)) = secrets::from_env(connection) {
        return Credential {
            source: "environment".to_owned(),
            variable: Some(variable),
            health: "ok".to_owned(),
            refused_source: None,
            refused_variable: None,
            oauth: oauth_view(&secret),
        };
    }
    if !stored {
        // Connected with `--secret-from-env`: the variable is the only source, and it is unset.
        return Credential {
            source: "environment".to_owned(),
            variable: Some(secrets::env_var_name(connection)),
            health: "attention".to_owned(),
            refused_source: None,
            refused_variable: None,
            oauth: None,
        };
    }
    let mut oauth = None;
    let source = if *keychain_down {
        "unavailable".to_owned()
    } else {
        let key = SecretKey {
            profile: profile.to_owned(),
            connection: connection.clone(),
        };
        match secrets::load(&ctx.secrets, &key) {
            Ok(Some(secret)) => {
                oauth = oauth_view(&secret);
                secrets::source_of(&ctx.secrets).kind().to_owned()
            }
            Ok(None) => "missing".to_owned(),
            Err(SecretError::Unavailable { .. } | SecretError::Timeout { .. }) => {
                *keychain_down = true;
                "unavailable".to_owned()
            }
            Err(_) => "unavailable".to_owned(),
        }
    };
    let health = if source == "missing" || source == "unavailable" {
        "attention"
    } else {
        "ok"
    };
    Credential {
        source,
        variable: None,
        health: health.to_owned(),
        refused_source: None,
        refused_variable: None,
        oauth,
    }
}

fn row(
    store: &Store,
    catalog: Option<&crate::catalog::Catalog>,
    connection: ConnectionRow,
    mut credential: Credential,
    detail: bool,
) -> anyhow::Result<StatusRow> {
    let records = store.stream_counts(&connection.id)?.into_iter().collect();
    let last_run = store.last_run(&connection.id)?;
    let last_ok = store.last_ok_run(&connection.id)?;
    let failures = store.consecutive_failures(&connection.id)?;
    let now = crate::clock::now();
    let next_due = schedule::next_due(&connection, last_run.as_ref(), failures);
    let stale = schedule::is_stale(&connection, last_ok.as_ref(), now);
    let env_var = secrets::env_var_name(&connection.id);
    let reconnect = reconnect_command(catalog, &connection);

    let mut problems = Vec::new();
    match credential.source.as_str() {
        "environment" if credential.health != "ok" => problems.push(ProblemView {
            kind: "credentials",
            message: format!("connected with `--secret-from-env`, and `{env_var}` is not set here"),
            fix: format!("set {env_var}"),
        }),
        "missing" => problems.push(ProblemView {
            kind: "credentials",
            message: "no secret in the keychain or the environment".to_owned(),
            fix: format!("{reconnect}   (or set {env_var})"),
        }),
        "unavailable" => problems.push(ProblemView {
            kind: "credentials",
            message: "the keychain cannot be reached".to_owned(),
            fix: format!("unlock your keychain, or set {env_var}"),
        }),
        _ => {}
    }
    if let Some(expires) = credential
        .oauth
        .as_ref()
        .and_then(|oauth| oauth.refresh_token_expires_at.as_deref())
        .and_then(|at| at.parse::<jiff::Timestamp>().ok())
    {
        let left = crate::clock::now().duration_until(expires);
        if left < jiff::SignedDuration::from_hours(48) {
            problems.push(ProblemView {
                kind: "expiring",
                message: if left.is_negative() {
                    format!("the refresh token expired at {expires}; fetches fail until you sign in again")
                } else {
                    format!("the refresh token expires at {expires} (the app's refresh tokens are short-lived, e.g. a Google app in testing mode)")
                },
                fix: reconnect.clone(),
            });
        }
    }
    if let Some(run) = last_run
        .as_ref()
        .filter(|run| crate::outcome::is_credentials(run.failure.as_ref()))
    {
        // Blame the source the run used, which need not be the one seen here: cron or CI may
        // set `INLET_TOKEN_…` where this terminal does not.
        let refused = run.credential_source.as_deref().map(|tag| {
            tag.strip_prefix("env:")
                .map_or((tag.to_owned(), None), |variable| {
                    ("environment".to_owned(), Some(variable.to_owned()))
                })
        });
        let error = run
            .failure
            .as_ref()
            .map_or("", |failure| failure.message.as_str());
        let (message, fix) = match &refused {
            Some((_, Some(variable))) => (
                format!("the provider refused the token in `{variable}` at the last run: {error}"),
                format!("update {variable} where the runs get it (CI secrets, crontab line)"),
            ),
            Some((source, None)) => (
                format!(
                    "the provider refused the credential in the {source} at the last run: {error}"
                ),
                reconnect.clone(),
            ),
            // A run that found no secret at all, or one recorded before sources were.
            None if credential.source == "environment" => (
                format!("the provider refused the credential at the last run: {error}"),
                format!("update {env_var}"),
            ),
            None => (
                format!("the last run had no usable credential: {error}"),
                reconnect.clone(),
            ),
        };
        if refused.as_ref().is_none_or(|(source, variable)| {
            source == &credential.source && variable == &credential.variable
        }) {
            credential.health = "attention".to_owned();
        }
        if let Some((source, variable)) = refused {
            credential.refused_source = Some(source);
            credential.refused_variable = variable;
        }
        problems.push(ProblemView {
            kind: "credentials",
            message,
            fix,
        });
    } else if let Some(run) = last_run
        .as_ref()
        .filter(|run| run.outcome == Outcome::Failed)
    {
        problems.push(ProblemView {
            kind: "failed",
            message: format!(
                "the last run failed: {}",
                run.failure
                    .as_ref()
                    .map_or("no reason was recorded", |failure| failure.message.as_str())
            ),
            fix: format!("inlet fetch {} -v", connection.id),
        });
    }
    if stale {
        let since = last_ok
            .as_ref()
            .and_then(|run| run.finished_at)
            .map_or_else(|| "never".to_owned(), rfc3339);
        problems.push(ProblemView {
            kind: "stale",
            message: format!(
                "data is stale: last good fetch {since}, schedule every {}",
                schedule::format_secs(connection.schedule.every_secs)
            ),
            fix: format!("inlet fetch {}", connection.id),
        });
    }
    // A stream whose provider lists changes for a limited time, last completed longer ago:
    // its next fetch is a full one.
    let provider = catalog.and_then(|catalog| catalog.get(&connection.provider).ok());
    let limited = provider.as_ref().is_some_and(|provider| {
        provider
            .streams
            .iter()
            .any(|stream| stream.changes.is_some())
    });
    let states = if detail || limited {
        Some(store.stream_statuses(&connection.id)?)
    } else {
        None
    };
    if let Some(provider) = provider.filter(|_| limited) {
        for state in states.iter().flatten() {
            let Some(changes) = provider
                .stream(&state.stream)
                .and_then(|stream| stream.changes.as_ref())
            else {
                continue;
            };
            let Ok(history) = humantime::parse_duration(&changes.history) else {
                continue;
            };
            let older = state
                .watermark
                .as_deref()
                .and_then(|mark| mark.parse::<jiff::Timestamp>().ok())
                .and_then(|mark| {
                    jiff::SignedDuration::try_from(history)
                        .ok()
                        .map(|h| (mark, h))
                })
                .is_some_and(|(mark, history)| now.duration_since(mark) > history);
            if older {
                problems.push(ProblemView {
                    kind: "history",
                    message: format!(
                        "`{}` was last fetched more than {} ago, longer than {} lists changes: its next fetch is a full one",
                        state.stream, changes.history, provider.name
                    ),
                    fix: format!("inlet fetch {}", connection.id),
                });
            }
        }
    }
    let (streams, runs) = if detail {
        (
            states,
            Some(
                store
                    .recent_runs(&connection.id, 10)?
                    .into_iter()
                    .map(RunView::from)
                    .collect(),
            ),
        )
    } else {
        (None, None)
    };
    Ok(StatusRow {
        connection: connection.id.to_string(),
        client: connection.id.client().to_owned(),
        provider: connection.provider,
        account: Account {
            id: connection.account_id,
            name: connection.account_name,
        },
        base_url: connection.base_url,
        credential,
        last_run: last_run.map(RunView::from),
        last_success: last_ok.and_then(|run| run.finished_at).map(rfc3339),
        schedule: connection.schedule,
        next_due: crate::clock::rfc3339(next_due),
        due: next_due <= now,
        stale,
        records,
        problems,
        streams,
        runs,
    })
}

/// The `connect` command that replaces this connection's credential and keeps everything else
/// as it is: its name, base URL, auth mode, settings and interval.
pub(super) fn reconnect_command(
    catalog: Option<&crate::catalog::Catalog>,
    row: &ConnectionRow,
) -> String {
    let mut command = format!(
        "inlet connect {} --client {} --name {}",
        row.provider,
        row.id.client(),
        row.id.name()
    );
    let provider = catalog.and_then(|catalog| catalog.get(&row.provider).ok());
    // A base URL the sign-in gives (Salesforce's `instance_url`) comes again with the new one.
    let from_sign_in = provider
        .and_then(|provider| provider.auth_mode(row.auth_mode.as_deref()).ok())
        .and_then(|mode| mode.oauth.as_ref())
        .is_some_and(|oauth| oauth.base_url_from.is_some());
    if !from_sign_in && provider.is_none_or(|provider| provider.base_url != row.base_url) {
        command.push_str(&format!(" --base-url {}", shell_word(&row.base_url)));
    }
    if let Some(mode) = &row.auth_mode {
        let default = provider.and_then(|provider| provider.auth.first().map(|mode| &mode.id));
        if default != Some(mode) {
            command.push_str(&format!(" --auth {}", shell_word(mode)));
        }
    }
    let settings: BTreeMap<String, String> = row.settings_map();
    for (key, value) in settings {
        command.push_str(&format!(" --set {}", shell_word(&format!("{key}={value}"))));
    }
    if let Some(auth_url) = &row.auth_url {
        command.push_str(&format!(" --auth-url {}", shell_word(auth_url)));
    }
    if row.schedule.every_secs != crate::store::Schedule::default().every_secs {
        command.push_str(&format!(
            " --every {}",
            schedule::format_secs(row.schedule.every_secs)
        ));
    }
    command
}

/// A word as a POSIX shell reads it back: bare when safe, else single-quoted.
pub(super) fn shell_word(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@=,%".contains(c))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

const BAD: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default();
const GOOD: Style = AnsiColor::Green.on_default();

fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

/// Data cached for a connection that no longer exists (kept by a plain `disconnect`): it is
/// still exported until purged.
#[derive(Debug, Serialize)]
pub(super) struct KeptData {
    pub connection: ConnectionId,
    pub client: String,
    pub records: u64,
    /// The command that deletes it.
    pub fix: String,
}

/// Connections of a client (or all) that left data behind.
fn kept_data(ctx: &Context, client: Option<&str>) -> anyhow::Result<Vec<KeptData>> {
    let Some(store) = ctx.existing_store()? else {
        return Ok(Vec::new());
    };
    let mut kept = Vec::new();
    for (connection, records) in store.data_sources(client)? {
        if store.connection(&connection)?.is_none() {
            kept.push(KeptData {
                fix: format!("inlet purge {connection}"),
                client: connection.client().to_owned(),
                connection,
                records,
            });
        }
    }
    Ok(kept)
}

/// Prints the rows as `--json` or tables.
pub(super) fn render(ctx: &Context, rows: &[StatusRow]) -> anyhow::Result<()> {
    render_with(ctx, rows, &[])
}

/// Prints the rows, and the data kept without a connection, as `--json` or tables.
fn render_with(ctx: &Context, rows: &[StatusRow], kept: &[KeptData]) -> anyhow::Result<()> {
    if ctx.printer.json() {
        return ctx.printer.json_data(
            &serde_json::json!({ "schema_version": 1, "connections": rows, "kept_data": kept }),
        );
    }
    if !kept.is_empty() {
        let mut table = crate::output::table(&["KEPT DATA (NO CONNECTION)", "CLIENT", "RECORDS"]);
        for entry in kept {
            table.add_row(vec![
                entry.connection.to_string(),
                entry.client.clone(),
                entry.records.to_string(),
            ]);
        }
        if !rows.is_empty() {
            render_with(ctx, rows, &[])?;
        }
        ctx.printer.text_data(&table.to_string())?;
        ctx.printer.hint(
            "kept data is still exported; `inlet purge CONNECTION` or `inlet purge --client CLIENT` deletes it",
        );
        return Ok(());
    }
    if rows.is_empty() {
        ctx.printer.status("No connections yet. Connect one with `inlet connect PROVIDER --client CLIENT`, or try `inlet demo`.");
        return Ok(());
    }
    let color = ctx.printer.stdout_color();
    let now = crate::clock::now();
    let when = |instant: &str| crate::output::relative_time(instant, now);
    // On a narrow terminal the account name (the widest cell) gives way, and records are a
    // total; `status CONNECTION` and `--json` still have everything.
    let narrow = crate::output::table_width().is_some_and(|width| width < 100);
    let mut table = if narrow {
        crate::output::table(&[
            "CONNECTION",
            "CREDENTIAL",
            "LAST RUN",
            "NEXT DUE",
            "RECORDS",
        ])
    } else {
        crate::output::table(&[
            "CONNECTION",
            "ACCOUNT",
            "CREDENTIAL",
            "LAST RUN",
            "NEXT DUE",
            "RECORDS",
        ])
    };
    for row in rows {
        let mut credential = match &row.credential.variable {
            Some(variable) => format!("environment ({variable})"),
            None => row.credential.source.clone(),
        };
        if let Some(oauth) = &row.credential.oauth {
            credential.push_str(&format!(" · {} ({})", oauth.mode, oauth.grant));
            if let Some(at) = &oauth.access_token_expires_at {
                let short = at.get(..16).unwrap_or(at).replace('T', " ");
                credential.push_str(&format!(", token until {short}"));
            }
        }
        let mut credential = if row.credential.health == "ok" {
            paint(color, GOOD, &format!("✓ {credential}"))
        } else {
            paint(color, BAD, &format!("✗ {credential}"))
        };
        if let Some(refused) = &row.credential.refused_source {
            let what = row
                .credential
                .refused_variable
                .as_deref()
                .unwrap_or(refused);
            if row.credential.health == "ok" {
                credential.push('\n');
                credential.push_str(&paint(color, BAD, &format!("✗ {what} refused")));
            }
        }
        let last = row.last_run.as_ref().map_or("never".to_owned(), |run| {
            let ended = when(run.finished_at.as_deref().unwrap_or(&run.started_at));
            let budget = run
                .budget_remaining
                .map(|left| format!("\nbudget left {left}"))
                .unwrap_or_default();
            let outcome = match run.outcome {
                Outcome::Ok => paint(color, GOOD, "ok"),
                Outcome::Failed => paint(color, BAD, "failed"),
                other => paint(color, WARN, other.as_str()),
            };
            let removed = if run.counts.records_removed > 0 {
                format!(" -{}", run.counts.records_removed)
            } else {
                String::new()
            };
            format!(
                "{ended}\n{outcome}, +{} ~{}{removed}{budget}",
                run.counts.records_new, run.counts.records_updated
            )
        });
        let mut next = if row.due {
            "due now".to_owned()
        } else {
            when(&row.next_due)
        };
        if row.stale {
            next.push_str(&format!("\n{}", paint(color, WARN, "stale")));
        }
        let records = if row.records.is_empty() {
            "-".to_owned()
        } else if narrow {
            row.records.values().sum::<u64>().to_string()
        } else {
            row.records
                .iter()
                .map(|(stream, count)| format!("{stream} {count}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let mut cells = vec![format!("{}\n{}", row.connection, row.provider)];
        if !narrow {
            cells.push(row.account.name.clone());
        }
        cells.extend([credential, last, next, records]);
        table.add_row(cells);
    }
    // A connection id is what a user copies into the next command: not broken across lines
    // while it takes at most a third of the width (other columns give way first).
    let cap = crate::output::table_width().map_or(40, |width| usize::from(width) / 3);
    let longest = rows
        .iter()
        .map(|row| row.connection.chars().count())
        .max()
        .unwrap_or(0)
        .min(cap);
    if let Some(column) = table.column_mut(0) {
        column.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
            comfy_table::Width::Fixed(u16::try_from(longest + 2).unwrap_or(u16::MAX)),
        ));
    }
    if narrow && let Some(column) = table.column_mut(1) {
        // `CREDENTIAL` and `✓ keychain` whole, too.
        column.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
            comfy_table::Width::Fixed(12),
        ));
    }
    let mut text = table.to_string();
    for row in rows {
        if let Some(streams) = &row.streams {
            let mut detail = crate::output::table(&[
                "STREAM",
                "RECORDS",
                "WATERMARK",
                "LAST COMPLETE",
                "RESUMES",
            ]);
            for stream in streams {
                detail.add_row(vec![
                    stream.stream.clone(),
                    stream.records.to_string(),
                    stream.watermark.clone().unwrap_or_else(|| "-".to_owned()),
                    stream
                        .completed_at
                        .as_deref()
                        .map_or_else(|| "-".to_owned(), when),
                    if stream.resumable {
                        "yes".to_owned()
                    } else {
                        "-".to_owned()
                    },
                ]);
            }
            text.push_str(&format!("\n\n{} streams\n{detail}", row.connection));
        }
        if let Some(runs) = &row.runs {
            let mut history = crate::output::table(&[
                "RUN", "STARTED", "OUTCOME", "NEW", "UPDATED", "REMOVED", "PAGES", "REQUESTS",
                "ERROR",
            ]);
            for run in runs {
                history.add_row(vec![
                    run.id.to_string(),
                    when(&run.started_at),
                    run.outcome.to_string(),
                    run.counts.records_new.to_string(),
                    run.counts.records_updated.to_string(),
                    run.counts.records_removed.to_string(),
                    run.counts.pages.to_string(),
                    run.counts.requests.to_string(),
                    run.failure
                        .as_ref()
                        .map(|failure| failure.message.clone())
                        .unwrap_or_default(),
                ]);
            }
            text.push_str(&format!("\n\n{} recent runs\n{history}", row.connection));
        }
    }
    ctx.printer.text_data(&text)?;
    for row in rows {
        for problem in &row.problems {
            ctx.printer.hint(&format!(
                "`{}`: {}; fix: `{}`",
                row.connection, problem.message, problem.fix
            ));
        }
    }
    Ok(())
}
