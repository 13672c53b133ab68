//! `inlet dashboard`: a client's figures as one self-contained HTML file, written atomically.
//! Also home of what the three viewing commands share: loading a client's facts from the
//! cache and resolving `--period`/`--until`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;

use crate::cli::DashboardArgs;
use crate::context::Context;
use crate::error::{ExitStatus, UserError};
use crate::ids;
use crate::store::Store;
use crate::view::brief::Brief;
use crate::view::facts::Facts;
use crate::view::{self, Window};

use super::fetch::unknown_client;

/// `inlet dashboard --json`. Field names are a public contract.
#[derive(Debug, Serialize)]
struct DashboardView<'a> {
    schema_version: u32,
    client: &'a str,
    path: &'a Path,
    period: view::Period,
    previous_period: view::Period,
    sources: Vec<&'a str>,
    caveats: usize,
}

pub(super) fn run(ctx: &Context, args: &DashboardArgs) -> anyhow::Result<ExitStatus> {
    let (store, facts) = load_client(ctx, &args.client)?;
    let window = resolve_window(&args.window.period, args.window.until.as_deref(), &facts)?;
    let (path, brief) = write_dashboard(ctx, &store, &facts, &window, args.out.as_deref())?;
    for caveat in &brief.caveats {
        ctx.printer.warn(&caveat.message);
    }
    if ctx.printer.json() {
        ctx.printer.json_data(&DashboardView {
            schema_version: 1,
            client: &brief.client,
            path: &path,
            period: brief.period,
            previous_period: brief.previous_period,
            sources: brief
                .sources
                .iter()
                .map(|source| source.connection.as_str())
                .collect(),
            caveats: brief.caveats.len(),
        })?;
    }
    ctx.printer.done(&format!(
        "Dashboard of `{}` for {} written to `{}`",
        brief.client,
        brief.period.describe(),
        path.display()
    ));
    if args.open {
        open_in_browser(ctx, &path);
    }
    Ok(ExitStatus::Success)
}

/// Opens a cached client for viewing: exit 2 when the client is unknown, 1 when nothing of
/// it is cached yet.
pub(super) fn load_client(ctx: &Context, client: &str) -> anyhow::Result<(Store, Facts)> {
    ids::check_client(client)?;
    let store = ctx
        .existing_store()?
        .ok_or_else(|| unknown_client(client))?;
    if !store.client_known(client)? {
        return Err(unknown_client(client).into());
    }
    let catalog = ctx.catalog()?;
    let facts = Facts::load(&store, &catalog, client)?;
    if facts.counts.values().all(|count| *count == 0) {
        return Err(no_data(client).into());
    }
    Ok((store, facts))
}

pub(super) fn no_data(client: &str) -> UserError {
    UserError::failure(format!("nothing is cached for client `{client}` yet"))
        .hint(format!("run `inlet fetch --client {client}` first"))
}

/// `--period` and `--until` (a date, `latest`, or today by default) as a window.
pub(super) fn resolve_window(
    period: &str,
    until: Option<&str>,
    facts: &Facts,
) -> Result<Window, UserError> {
    let end = match until {
        None => view::today(),
        Some("latest") => facts.latest_activity().unwrap_or_else(view::today),
        Some(text) => text.parse::<jiff::civil::Date>().map_err(|_| {
            UserError::usage(format!("`{text}` is not a date for --until"))
                .hint("use `YYYY-MM-DD`, or `latest` for the newest activity in the data")
        })?,
    };
    Window::parse(period, end).map_err(|message| {
        UserError::usage(format!("{message} (--period)"))
            .hint("e.g. `--period 30d`, `--period 12w`, `--period 3m`")
    })
}

/// Builds the brief and writes the page atomically; returns its path. Shared with the demo.
pub(super) fn write_dashboard(
    ctx: &Context,
    store: &Store,
    facts: &Facts,
    window: &Window,
    out: Option<&Path>,
) -> anyhow::Result<(PathBuf, Brief)> {
    let brief = Brief::build(store, facts, window)?;
    let page = view::html::render(&brief)?;
    let path = match out {
        Some(path) => std::path::absolute(path)?,
        None => ctx
            .paths
            .data_dir
            .join("dashboards")
            .join(format!("{}.html", facts.client)),
    };
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    crate::trust::create_dir(&dir)?;
    // Beside the target, then renamed over it: a browser never shows half a page, and a
    // failure leaves the previous page in place.
    let mut temp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("cannot write in `{}`", dir.display()))?;
    temp.write_all(page.as_bytes())?;
    temp.as_file().sync_all()?;
    temp.persist(&path)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok((path, brief))
}

fn open_in_browser(ctx: &Context, path: &Path) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let opened = crate::hardening::child(opener)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !opened {
        ctx.printer.warn(&format!(
            "could not open a browser with `{opener}`; open `{}` yourself",
            path.display()
        ));
    }
}
