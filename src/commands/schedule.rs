//! `inlet schedule`: per-connection intervals, and the systemd timer or crontab line that runs
//! `inlet fetch --due`.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;

use crate::cli::{ScheduleArgs, ScheduleCommand, ScheduleTarget};
use crate::context::Context;
use crate::durations::Tick;
use crate::error::{ExitStatus, UserError};
use crate::ids::ConnectionId;
use crate::schedule::{self, CronLine, SystemdUnits, format_secs};
use crate::store::Schedule;

use super::fetch::missing_connection;

pub(super) fn run(ctx: &Context, args: &ScheduleArgs) -> anyhow::Result<ExitStatus> {
    match &args.command {
        ScheduleCommand::Set {
            connection,
            every,
            timeout,
            retry,
        } => set(ctx, connection, *every, *timeout, *retry),
        ScheduleCommand::Show { connections } => show(ctx, connections),
        ScheduleCommand::Install {
            target,
            print,
            interval,
            unit_dir,
        } => install(ctx, target, *print, *interval, unit_dir.clone()),
        ScheduleCommand::Remove { target, unit_dir } => remove(ctx, target, unit_dir.clone()),
    }
}

fn set(
    ctx: &Context,
    connection: &str,
    every: Duration,
    timeout: Option<Duration>,
    retry: Option<Duration>,
) -> anyhow::Result<ExitStatus> {
    let id = ConnectionId::parse(connection)?;
    let mut store = ctx
        .existing_store()?
        .ok_or_else(|| missing_connection(&id))?;
    let row = store
        .connection(&id)?
        .ok_or_else(|| super::fetch::missing_connection_in(&store, &id))?;
    let every_secs = every.as_secs();
    if let Some(retry) = retry
        && retry.as_secs() > every_secs
    {
        return Err(UserError::usage(format!(
            "`--retry {}` is longer than the interval `{}`: a failed run is retried sooner than \
             the next scheduled one, never later",
            format_secs(retry.as_secs()),
            format_secs(every_secs)
        ))
        .hint(if every_secs <= 60 {
            "use `--retry 1m`, or a longer interval".to_owned()
        } else {
            format!(
                "use a `--retry` from `1m` to `{}`, or a longer interval",
                format_secs(every_secs)
            )
        })
        .into());
    }
    let schedule = Schedule {
        every_secs,
        timeout_secs: timeout.map_or(row.schedule.timeout_secs, |timeout| timeout.as_secs()),
        // A kept retry delay longer than the new interval is shortened to it.
        retry_secs: retry.map_or(row.schedule.retry_secs.min(every_secs), |retry| {
            retry.as_secs()
        }),
    };
    store.set_schedule(&row.id, schedule)?;
    if ctx.printer.json() {
        ctx.printer.json_data(
            &json!({ "schema_version": 1, "connection": row.id, "schedule": schedule }),
        )?;
    }
    ctx.printer.done(&format!(
        "`{id}` is fetched every {}, runs stop after {}, and a failed run is retried after {} (doubling)",
        format_secs(schedule.every_secs),
        format_secs(schedule.timeout_secs),
        format_secs(schedule.retry_secs)
    ));
    Ok(ExitStatus::Success)
}

fn show(ctx: &Context, named: &[String]) -> anyhow::Result<ExitStatus> {
    let rows = super::status::collect(ctx, named, None)?;
    if ctx.printer.json() {
        let views: Vec<_> = rows
            .iter()
            .map(|row| json!({ "connection": row.connection, "schedule": row.schedule, "next_due": row.next_due, "due": row.due, "stale": row.stale }))
            .collect();
        ctx.printer
            .json_data(&json!({ "schema_version": 1, "connections": views }))?;
        return Ok(ExitStatus::Success);
    }
    if rows.is_empty() {
        ctx.printer.status("No connections yet.");
        return Ok(ExitStatus::Success);
    }
    let mut table = crate::output::table(&[
        "CONNECTION",
        "EVERY",
        "TIMEOUT",
        "RETRY",
        "LAST RUN",
        "NEXT DUE",
    ]);
    let now = crate::clock::now();
    for row in &rows {
        let last = row.last_run.as_ref().map_or("never".to_owned(), |run| {
            format!(
                "{} ({})",
                crate::output::relative_time(
                    run.finished_at.as_deref().unwrap_or(&run.started_at),
                    now
                ),
                run.outcome
            )
        });
        let next = if row.due {
            "due now".to_owned()
        } else {
            crate::output::relative_time(&row.next_due, now)
        };
        table.add_row(vec![
            row.connection.clone(),
            format_secs(row.schedule.every_secs),
            format_secs(row.schedule.timeout_secs),
            format_secs(row.schedule.retry_secs),
            last,
            next,
        ]);
    }
    ctx.printer.text_data(&table.to_string())?;
    Ok(ExitStatus::Success)
}

/// The binary as the units should run it: the real path of this executable.
fn binary() -> anyhow::Result<PathBuf> {
    let path = std::env::current_exe()?;
    Ok(fs_err::canonicalize(&path).unwrap_or(path))
}

/// `INLET_HOME` to carry into the units: only when a home is in use, as an absolute path.
fn home_of(ctx: &Context) -> Option<PathBuf> {
    let data = &ctx.paths.data_dir;
    (data.file_name().is_some_and(|name| name == "data"))
        .then(|| data.parent().map(std::path::Path::to_path_buf))
        .flatten()
        .filter(|_| ctx.home.is_some())
        // One home, one name: however its path was spelled.
        .map(|home| fs_err::canonicalize(&home).unwrap_or(home))
}

fn install(
    ctx: &Context,
    target: &ScheduleTarget,
    print: bool,
    interval: Tick,
    unit_dir: Option<PathBuf>,
) -> anyhow::Result<ExitStatus> {
    let binary = binary()?;
    let home = home_of(ctx);
    for path in std::iter::once(binary.as_path()).chain(home.as_deref()) {
        if let Some(found) = crate::schedule::unsafe_char(path) {
            return Err(UserError::usage(format!(
                "`{}` holds {found:?}, which a systemd unit or crontab line would misread",
                crate::output::sanitize::for_terminal(&path.to_string_lossy())
            ))
            .hint("use a path without line breaks, `%`, `$`, quotes, backquotes or backslashes")
            .into());
        }
    }
    let unit = schedule::units_name(home.as_deref());
    if target.systemd {
        let units = SystemdUnits::new(&binary, home.as_deref(), interval);
        if print {
            ctx.printer.text_data(&format!(
                "# {0}.service\n{1}\n# {0}.timer\n{2}",
                unit, units.service, units.timer
            ))?;
            return Ok(ExitStatus::Success);
        }
        let dir = unit_dir.or_else(SystemdUnits::default_dir).ok_or_else(|| {
            UserError::failure("cannot find your config folder; pass `--unit-dir DIR`")
        })?;
        crate::trust::create_dir(&dir)?;
        let service = dir.join(format!("{}.service", unit));
        let timer = dir.join(format!("{}.timer", unit));
        crate::trust::write_private(&service, units.service.as_bytes())?;
        crate::trust::write_private(&timer, units.timer.as_bytes())?;
        if ctx.printer.json() {
            ctx.printer
                .json_data(&json!({ "schema_version": 1, "service": service, "timer": timer }))?;
        }
        ctx.printer.done(&format!(
            "Wrote `{}` and `{}` (checking every {interval})",
            service.display(),
            timer.display()
        ));
        ctx.printer.status(&format!(
            "  enable it with: systemctl --user daemon-reload && systemctl --user enable --now {}.timer",
            unit
        ));
        ctx.printer.status(
            "  on a server without a login session, also: loginctl enable-linger \"$USER\"",
        );
        return Ok(ExitStatus::Success);
    }
    let log = ctx.paths.data_dir.join("fetch.log");
    let line = CronLine::new(
        &binary,
        home.as_deref(),
        interval,
        &log,
        schedule::current_uid(),
    );
    if print {
        ctx.printer.text_data(&line.0)?;
        return Ok(ExitStatus::Success);
    }
    let marker = schedule::cron_marker(home.as_deref());
    let current = read_crontab()?;
    let mut lines: Vec<&str> = current
        .lines()
        .filter(|existing| !existing.ends_with(&marker))
        .collect();
    lines.push(&line.0);
    write_crontab(&(lines.join("\n") + "\n"))?;
    ctx.printer.done(&format!(
        "Installed the crontab line, checking every {interval} (see it with `crontab -l`)"
    ));
    ctx.printer
        .status(&format!("  it logs to `{}`", log.display()));
    Ok(ExitStatus::Success)
}

fn remove(
    ctx: &Context,
    target: &ScheduleTarget,
    unit_dir: Option<PathBuf>,
) -> anyhow::Result<ExitStatus> {
    let home = home_of(ctx);
    let unit = schedule::units_name(home.as_deref());
    if target.systemd {
        let dir = unit_dir.or_else(SystemdUnits::default_dir).ok_or_else(|| {
            UserError::failure("cannot find your config folder; pass `--unit-dir DIR`")
        })?;
        let mut removed = 0;
        for extension in ["service", "timer"] {
            let path = dir.join(format!("{}.{extension}", unit));
            if path.exists() {
                fs_err::remove_file(&path)?;
                removed += 1;
            }
        }
        if removed == 0 {
            ctx.printer.status(&format!(
                "No `{unit}` units in `{}`; nothing to remove.",
                dir.display()
            ));
        } else {
            ctx.printer.done(&format!(
                "Removed `{unit}.service` and `{unit}.timer` from `{}`",
                dir.display()
            ));
            ctx.printer.status(&format!(
                "  stop the timer with: systemctl --user disable --now {}.timer; systemctl --user daemon-reload",
                unit
            ));
        }
        return Ok(ExitStatus::Success);
    }
    let marker = schedule::cron_marker(home.as_deref());
    let current = read_crontab()?;
    let kept: Vec<&str> = current
        .lines()
        .filter(|line| !line.ends_with(&marker))
        .collect();
    if kept.len() == current.lines().count() {
        ctx.printer
            .status("No inlet line of this home in your crontab; nothing to remove.");
        return Ok(ExitStatus::Success);
    }
    write_crontab(&(kept.join("\n") + if kept.is_empty() { "" } else { "\n" }))?;
    ctx.printer.done("Removed the inlet line from your crontab");
    Ok(ExitStatus::Success)
}

fn crontab_command() -> std::process::Command {
    crate::hardening::child("crontab")
}

fn read_crontab() -> anyhow::Result<String> {
    let output = crontab_command().arg("-l").output().map_err(|error| {
        UserError::failure(format!("cannot run `crontab`: {error}"))
            .hint("install cron, or use `--systemd`, or `--print` and add the line yourself")
    })?;
    // `crontab -l` fails when the user has no crontab yet: that is an empty one.
    Ok(if output.status.success() {
        String::from_utf8_lossy(&output.stdout).into_owned()
    } else {
        String::new()
    })
}

fn write_crontab(text: &str) -> anyhow::Result<()> {
    let mut child = crontab_command()
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdin for `crontab`"))?
        .write_all(text.as_bytes())?;
    let status = child.wait()?;
    if !status.success() {
        return Err(
            UserError::failure("`crontab -` refused the new crontab; nothing was changed").into(),
        );
    }
    Ok(())
}
