//! `inlet fetch`: pull new data for the selected connections into the cache, concurrently, with
//! a progress bar per connection on a terminal and a summary as a table or `--json`.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::StreamExt as _;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde_json::json;

use crate::catalog::Catalog;
use crate::cli::FetchArgs;
use crate::context::Context;
use crate::counts::RunCounts;
use crate::error::{ExitStatus, UserError};
use crate::http::Http;
use crate::outcome::{Failure, is_credentials};
use crate::schedule::{Holder, RunLock};
use crate::secrets::{self, SecretKey};
use crate::store::ConnectionRow;
use crate::sync::{self, ConnectionReport, FetchOptions, Outcome, Progress};

/// Set by Ctrl-C: every stream stops at its next page boundary, with nothing lost.
static STOP: AtomicBool = AtomicBool::new(false);

pub(super) async fn run(ctx: &Context, args: &FetchArgs) -> anyhow::Result<ExitStatus> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    if args.jobs == 0 {
        return Err(UserError::usage("`--jobs` must be at least 1").into());
    }
    let wait = args.wait;
    let options = FetchOptions {
        streams: args.streams.clone(),
        since,
        full_refresh: args.full_refresh,
        stream_jobs: 3,
        stop: Some(&STOP),
        deadline: None,
    };
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            STOP.store(true, Ordering::Relaxed);
        }
    });
    let selection = Selection {
        named: &args.connections,
        client: args.client.as_deref(),
        due: args.due,
        wait,
    };
    let reports = fetch(ctx, &selection, &options, args.jobs).await?;
    if reports.is_empty() {
        if args.due {
            ctx.printer.status("Nothing is due.");
        } else {
            ctx.printer.status("Nothing to fetch: no connections yet. Connect one with `inlet connect PROVIDER --client CLIENT`.");
        }
        if ctx.printer.json() {
            ctx.printer
                .json_data(&json!({ "schema_version": 1, "runs": [] }))?;
        }
        return Ok(ExitStatus::Success);
    }
    render(ctx, &reports)?;
    Ok(exit_status(&reports))
}

/// `--since`: RFC 3339, a date (midnight UTC), or an age such as `7d` or `12h`.
fn parse_since(text: &str) -> Result<jiff::Timestamp, UserError> {
    if let Ok(instant) = text.parse::<jiff::Timestamp>() {
        return Ok(instant);
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>()
        && let Ok(zoned) = date.to_zoned(jiff::tz::TimeZone::UTC)
    {
        return Ok(zoned.timestamp());
    }
    if let Ok(age) = humantime::parse_duration(text)
        && let Ok(instant) = jiff::Timestamp::now().checked_sub(age)
    {
        return Ok(instant);
    }
    Err(UserError::usage(format!("`{text}` is not a time")).hint(
        "use RFC 3339 (`2026-03-01T00:00:00Z`), a date (`2026-03-01`) or an age (`7d`, `12h`)",
    ))
}

/// Which connections a fetch takes.
pub(super) struct Selection<'a> {
    pub named: &'a [String],
    pub client: Option<&'a str>,
    /// Only those whose next run is due.
    pub due: bool,
    /// How long to wait for a connection another run holds.
    pub wait: Duration,
}

/// Selects connections and fetches them, `jobs` at a time; shared with `inlet demo`.
pub(super) async fn fetch(
    ctx: &Context,
    selection: &Selection<'_>,
    options: &FetchOptions,
    jobs: usize,
) -> anyhow::Result<Vec<ConnectionReport>> {
    // A damaged file is never written into, checked before anything else is read from it;
    // `status` learns of it from a note beside it.
    if let Some(store) = ctx.existing_store()? {
        let database = ctx.paths.database();
        let damaged_note = crate::store::damaged_note(&database);
        if let Err(error) = store.quick_check(&database) {
            let _ = crate::trust::write_private(&damaged_note, error.to_string().as_bytes());
            return Err(error.into());
        }
        let _ = std::fs::remove_file(&damaged_note);
    }
    let Some((store, mut connections)) =
        super::select_connections(ctx, selection.named, selection.client)?
    else {
        return Ok(Vec::new());
    };
    // Room to record a run's end should the disk fill up during it.
    crate::store::ensure_reserve(&ctx.paths.database());
    if selection.due {
        let now = crate::clock::now();
        let mut due = Vec::new();
        for connection in connections {
            let last = store.last_run(&connection.id)?;
            let failures = store.consecutive_failures(&connection.id)?;
            if crate::schedule::next_due(&connection, last.as_ref(), failures) <= now {
                due.push(connection);
            }
        }
        connections = due;
    }
    let catalog = ctx.catalog()?;
    check_streams(&catalog, &connections, &options.streams)?;
    // `--client acme --stream contacts` means the connections that have it: skip the others.
    if !options.streams.is_empty() {
        connections.retain(|connection| {
            let has = catalog.get(&connection.provider).is_ok_and(|provider| {
                provider
                    .streams
                    .iter()
                    .any(|stream| options.streams.contains(&stream.name))
            });
            if !has {
                ctx.printer.status(&format!(
                    "Skipping `{}`: {} has no stream {}",
                    connection.id,
                    connection.provider,
                    options
                        .streams
                        .iter()
                        .map(|stream| format!("`{stream}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ));
            }
            has
        });
    }
    let http = Http::new()?;
    let profile = store.profile_id()?;
    // Connections made with `--secret-from-env` have nothing in the store to ask.
    let mut env_only = BTreeSet::new();
    for connection in &connections {
        if !store.secret_stored(&connection.id)? {
            env_only.insert(connection.id.clone());
        }
    }
    drop(store);
    let bars = MultiProgress::with_draw_target(ctx.printer.progress_target());
    let db = ctx.paths.database();
    let reports = futures_util::stream::iter(&connections)
        .map(|connection| {
            fetch_one(
                ctx,
                &db,
                &http,
                &catalog,
                &profile,
                connection,
                !env_only.contains(&connection.id),
                options,
                &bars,
                selection.wait,
            )
        })
        .buffer_unordered(jobs.max(1))
        .collect::<Vec<_>>()
        .await;
    let mut reports = reports.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    reports.sort_by(|left, right| left.connection.cmp(&right.connection));
    Ok(reports)
}

/// Every `--stream` must name a stream of at least one selected connection's provider.
fn check_streams(
    catalog: &Catalog,
    connections: &[ConnectionRow],
    streams: &[String],
) -> Result<(), UserError> {
    let known: BTreeSet<&str> = connections
        .iter()
        .filter_map(|connection| catalog.get(&connection.provider).ok())
        .flat_map(|provider| provider.streams.iter().map(|stream| stream.name.as_str()))
        .collect();
    for stream in streams {
        if !known.contains(stream.as_str()) {
            return Err(UserError::usage(format!(
                "no selected connection has a stream `{stream}`"
            ))
            .hint(format!(
                "streams: {}",
                known.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    Ok(())
}

pub(super) fn missing_connection(id: &str) -> UserError {
    UserError::usage(format!("no connection `{id}`")).hint("`inlet status` lists the connections")
}

/// [`missing_connection`], with the closest existing connection suggested.
pub(super) fn missing_connection_in(store: &crate::store::Store, id: &str) -> UserError {
    let known: Vec<String> = store
        .connections(None)
        .map(|rows| rows.into_iter().map(|row| row.id.to_string()).collect())
        .unwrap_or_default();
    let error = UserError::usage(format!("no connection `{id}`"));
    match crate::output::did_you_mean(id, known.iter().map(String::as_str)) {
        Some(close) => error.hint(format!("did you mean `{close}`?")),
        None => error,
    }
    .hint("`inlet status` lists the connections")
}

pub(super) fn unknown_client(client: &str) -> UserError {
    UserError::usage(format!(
        "unknown client `{client}`: it has no connections and no cached data"
    ))
    .hint("`inlet status` lists the connections")
}

/// [`unknown_client`], with the closest known client suggested.
pub(super) fn unknown_client_in(store: &crate::store::Store, client: &str) -> UserError {
    let known: BTreeSet<String> = store
        .connections(None)
        .map(|rows| {
            rows.into_iter()
                .map(|row| row.id.client().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let error = UserError::usage(format!(
        "unknown client `{client}`: it has no connections and no cached data"
    ));
    match crate::output::did_you_mean(client, known.iter().map(String::as_str)) {
        Some(close) => error.hint(format!("did you mean `{close}`?")),
        None => error,
    }
    .hint("`inlet status` lists the connections")
}

/// Takes a connection's run lock, waiting up to `wait` for another run to let go.
async fn lock(
    ctx: &Context,
    connection: &str,
    wait: Duration,
) -> anyhow::Result<Result<RunLock, Holder>> {
    let dir = ctx.paths.data_dir.join("locks");
    let started = tokio::time::Instant::now();
    loop {
        match RunLock::try_acquire(&dir, connection)? {
            Ok(lock) => return Ok(Ok(lock)),
            Err(holder) if started.elapsed() >= wait => return Ok(Err(holder)),
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one caller; the inputs are distinct"
)]
async fn fetch_one(
    ctx: &Context,
    db: &std::path::Path,
    http: &Http,
    catalog: &Catalog,
    profile: &str,
    connection: &ConnectionRow,
    stored: bool,
    options: &FetchOptions,
    bars: &MultiProgress,
    wait: Duration,
) -> anyhow::Result<ConnectionReport> {
    let failed = |error: String, credentials: bool| ConnectionReport {
        connection: connection.id.clone(),
        provider: connection.provider.clone(),
        run_id: 0,
        outcome: Outcome::Failed,
        counts: RunCounts::default(),
        duration_ms: 0,
        budget_wait_ms: 0,
        budget_remaining: None,
        failure: Some(if credentials {
            Failure::credentials(error)
        } else {
            Failure::new(error)
        }),
        reconnect: None,
        streams: Vec::new(),
    };
    let provider = match catalog.entry(&connection.provider) {
        Ok(entry) => &entry.provider,
        Err(error) => return Ok(failed(error.message, false)),
    };
    if !options.streams.is_empty()
        && !provider
            .streams
            .iter()
            .any(|stream| options.streams.contains(&stream.name))
    {
        return Ok(failed(
            format!("`{}` has none of the streams asked for", provider.id),
            false,
        ));
    }
    let key = SecretKey {
        profile: profile.to_owned(),
        connection: connection.id.clone(),
    };
    let (token, source) = match secrets::resolve_connection(&ctx.secrets, &key, stored) {
        Ok(found) => found,
        Err(error) => {
            // A run that cannot even start (no session bus under cron, a locked keychain) is
            // still a failed run, so `status` and the retry schedule know about it.
            let mut report = failed(error.to_string(), error.is_missing());
            report.run_id = record_unstarted(db, connection, &report)?;
            return Ok(report);
        }
    };
    let reconnect = crate::auth::reconnect_for(provider, connection, &token);
    // OAuth tokens are renewed here when about to expire, under the refresh lock and before
    // the run lock, so every process that needs a fresh token gets the same one.
    let credentials = match crate::auth::credentials_for(
        provider,
        connection,
        &ctx.secrets,
        &key,
        token,
        &source,
        &ctx.paths.data_dir.join("locks"),
    )
    .await
    {
        Ok(credentials) => credentials,
        Err(error) => {
            let mut report = failed(error.to_string(), error.needs_reconnect());
            report.reconnect = error.needs_reconnect().then_some(reconnect);
            return Ok(report);
        }
    };
    // Held for the whole fetch of this connection; the OS frees it if this process dies.
    let _lock = match lock(ctx, &connection.id, wait).await? {
        Ok(lock) => lock,
        Err(holder) => {
            let mut report = failed(format!("another run holds it ({holder})"), false);
            report.outcome = Outcome::Locked;
            return Ok(report);
        }
    };
    let timeout = Duration::from_secs(connection.schedule.timeout_secs);
    let options = FetchOptions {
        deadline: Some((tokio::time::Instant::now() + timeout, timeout)),
        ..options.clone()
    };
    let options = &options;
    tracing::info!(connection = %connection.id, source = source.kind(), "fetching");
    let bar = bars.add(ProgressBar::no_length());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix:.bold} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_prefix(connection.id.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    let counts = std::cell::RefCell::new(std::collections::BTreeMap::<String, u64>::new());
    let progress = |event: Progress<'_>| {
        let mut counts = counts.borrow_mut();
        match event {
            Progress::StreamStarted {
                stream,
                resumed,
                incremental,
            } => {
                counts.insert(stream.to_owned(), 0);
                if resumed {
                    bar.println(format!(
                        "  {}: resuming `{stream}` where the last fetch stopped",
                        connection.id
                    ));
                }
                let _ = incremental;
            }
            Progress::Page {
                stream, records, ..
            } => {
                counts.insert(stream.to_owned(), records);
            }
            Progress::StreamFinished { .. } => {}
            Progress::Retrying { stream, retrying } => {
                // Until the next page replaces it: what the stream is waiting for.
                bar.set_message(format!("{stream}: {retrying}"));
                return;
            }
        }
        let message: Vec<String> = counts
            .iter()
            .map(|(stream, records)| format!("{stream} {records}"))
            .collect();
        bar.set_message(message.join(" · "));
    };
    let report = sync::fetch_connection(
        db,
        http,
        provider,
        connection,
        &credentials,
        options,
        &progress,
    )
    .await?;
    let mut report = report;
    if is_credentials(report.failure.as_ref()) {
        report.reconnect = Some(reconnect);
    }
    bar.finish_and_clear();
    // On a full disk the report already says so; the source is only missing from the record.
    if let Err(error) = crate::store::Store::open(db)
        .and_then(|mut store| store.set_run_credential_source(report.run_id, &source.tag()))
        && !error.is_disk_full()
    {
        return Err(error.into());
    }
    Ok(report)
}

/// Records a run that failed before its first request, with its reason; returns its id.
fn record_unstarted(
    db: &std::path::Path,
    connection: &ConnectionRow,
    report: &ConnectionReport,
) -> anyhow::Result<i64> {
    let mut store = crate::store::Store::open(db)?;
    let run_id = store.begin_run(&connection.id)?;
    store.finish_run(
        run_id,
        &crate::store::RunTotals {
            outcome: report.outcome,
            counts: RunCounts::default(),
            failure: report.failure.clone(),
            budget_remaining: None,
        },
    )?;
    Ok(run_id)
}

fn render(ctx: &Context, reports: &[ConnectionReport]) -> anyhow::Result<()> {
    // Warnings and hints go to stderr either way; with `--json`, stdout holds only the JSON.
    if ctx.printer.json() {
        ctx.printer
            .json_data(&json!({ "schema_version": 1, "runs": reports }))?;
        warn_about(ctx, reports);
        return Ok(());
    }
    // The summary is a report, not data: `-q` (what timers run) keeps only what went wrong.
    if ctx.printer.quiet() {
        warn_about(ctx, reports);
        return Ok(());
    }
    // On a narrow terminal (under 100 columns) a row keeps what a person reads first: which
    // stream, whether it worked, what changed; `--json` still has pages, requests and time.
    let narrow = crate::output::table_width().is_some_and(|width| width < 100);
    let mut table = if narrow {
        crate::output::table(&["STREAM", "OUTCOME", "NEW", "UPDATED", "REMOVED"])
    } else {
        crate::output::table(&[
            "CONNECTION",
            "STREAM",
            "MODE",
            "OUTCOME",
            "NEW",
            "UPDATED",
            "REMOVED",
            "PAGES",
            "REQUESTS",
            "TIME",
        ])
    };
    /// One row of the table: a stream, or a connection's total.
    struct Line<'a> {
        stream: String,
        mode: String,
        outcome: &'static str,
        counts: &'a crate::counts::RunCounts,
        time: String,
    }
    for report in reports {
        let mut lines: Vec<Line<'_>> = report
            .streams
            .iter()
            .map(|stream| Line {
                stream: stream.stream.clone(),
                mode: format!(
                    "{}{}",
                    stream.mode,
                    if stream.resumed { " (resumed)" } else { "" }
                ),
                outcome: stream.outcome.as_str(),
                counts: &stream.counts,
                time: String::new(),
            })
            .collect();
        lines.push(Line {
            stream: "(all)".to_owned(),
            mode: String::new(),
            outcome: report.outcome.as_str(),
            counts: &report.counts,
            time: sync::human_duration(Duration::from_millis(report.duration_ms)),
        });
        for line in lines {
            let counts = line.counts;
            if narrow {
                table.add_row(vec![
                    format!("{}\n  {}", report.connection, line.stream),
                    line.outcome.to_owned(),
                    counts.records_new.to_string(),
                    counts.records_updated.to_string(),
                    counts.records_removed.to_string(),
                ]);
            } else {
                table.add_row(vec![
                    report.connection.to_string(),
                    line.stream,
                    line.mode,
                    line.outcome.to_owned(),
                    counts.records_new.to_string(),
                    counts.records_updated.to_string(),
                    counts.records_removed.to_string(),
                    counts.pages.to_string(),
                    counts.requests.to_string(),
                    line.time,
                ]);
            }
        }
    }
    if narrow && let Some(column) = table.column_mut(0) {
        // Connection ids stay whole.
        let longest = reports
            .iter()
            .map(|report| report.connection.chars().count())
            .max()
            .unwrap_or(0);
        column.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
            comfy_table::Width::Fixed(u16::try_from(longest + 2).unwrap_or(u16::MAX)),
        ));
    }
    ctx.printer.text_data(&table.to_string())?;
    warn_about(ctx, reports);
    Ok(())
}

fn warn_about(ctx: &Context, reports: &[ConnectionReport]) {
    let store = ctx.existing_store().ok().flatten();
    let catalog = ctx.catalog().ok();
    for report in reports {
        for stream in &report.streams {
            let name = format!("`{}` {}", report.connection, stream.stream);
            for warning in &stream.warnings {
                ctx.printer.warn(&format!("{name}: {warning}"));
            }
            if stream.records_duplicate > 0 {
                ctx.printer.warn(&format!(
                    "{name}: {} record(s) repeated within a page; stored once, not counted as updates",
                    stream.records_duplicate
                ));
            }
            if stream.records_without_id > 0 {
                ctx.printer.warn(&format!(
                    "{name}: {} record(s) without a primary key were skipped",
                    stream.records_without_id
                ));
            }
        }
        if let Some(failure) = &report.failure {
            ctx.printer.warn(&format!(
                "`{}` failed: {}",
                report.connection, failure.message
            ));
            if let Some(command) = &report.reconnect {
                ctx.printer.hint(&format!("reconnect with `{command}`"));
            } else if failure.is_credentials()
                && let Some(row) = store
                    .as_ref()
                    .and_then(|store| store.connection(&report.connection).ok().flatten())
            {
                ctx.printer.hint(&format!(
                    "reconnect with `{}`, or set `{}`",
                    super::status::reconnect_command(catalog.as_ref(), &row),
                    secrets::env_var_name(&report.connection)
                ));
            }
        }
        if report.outcome == Outcome::Interrupted {
            ctx.printer.warn(&format!(
                "`{}` was interrupted; the next fetch resumes where it stopped",
                report.connection
            ));
        }
        if report.outcome == Outcome::Locked {
            ctx.printer
                .hint("wait for that run, or pass `--wait DURATION` to wait for it");
        }
    }
}

/// 130 interrupted; 75 a connection was locked by another run; 0 all ok; 3 some failed; 4 all
/// failed and a credential is among the causes; 1 all failed.
fn exit_status(reports: &[ConnectionReport]) -> ExitStatus {
    if reports
        .iter()
        .any(|report| report.outcome == Outcome::Interrupted)
    {
        return ExitStatus::Interrupted;
    }
    if reports
        .iter()
        .any(|report| report.outcome == Outcome::Locked)
    {
        return ExitStatus::Locked;
    }
    let failed = reports
        .iter()
        .filter(|report| report.outcome == Outcome::Failed)
        .count();
    if failed == 0 {
        ExitStatus::Success
    } else if failed < reports.len() {
        ExitStatus::Partial
    } else if reports
        .iter()
        .any(|report| is_credentials(report.failure.as_ref()))
    {
        ExitStatus::Credentials
    } else {
        ExitStatus::Failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_accepts_instants_dates_and_ages() {
        assert!(parse_since("2026-03-01T00:00:00Z").is_ok());
        assert_eq!(
            parse_since("2026-03-01").ok().map(|t| t.to_string()),
            Some("2026-03-01T00:00:00Z".to_owned())
        );
        assert!(parse_since("7d").is_ok());
        assert!(parse_since("12h").is_ok());
        assert!(parse_since("yesterday-ish").is_err());
    }
}
