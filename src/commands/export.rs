//! `inlet export`: write a client's normalized document, atomically.

use std::io::{BufWriter, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use serde_json::json;

use crate::cli::{ExportArgs, ExportFormat};
use crate::context::Context;
use crate::error::{ExitStatus, UserError};
use crate::export::{self, Format, Summary};
use crate::ids;

use super::fetch::unknown_client;

pub(super) fn run(ctx: &Context, args: &ExportArgs) -> anyhow::Result<ExitStatus> {
    let format = match args.format {
        ExportFormat::Json if args.compact => Format::JsonCompact,
        ExportFormat::Json => Format::Json,
        ExportFormat::Ndjson => Format::Ndjson,
        ExportFormat::Csv => Format::Csv,
    };
    if args.compact && args.format != ExportFormat::Json {
        return Err(UserError::usage("`--compact` is for `--format json`")
            .hint("NDJSON is already one compact object per line; CSV has no whitespace to drop")
            .into());
    }
    let (path, summary) = export_client(ctx, &args.client, args.out.as_deref(), format)?;
    if let Some(path) = path {
        if ctx.printer.json() {
            ctx.printer
                .json_data(&json!({ "schema_version": 1, "path": path, "export": summary }))?;
        }
        ctx.printer.done(&format!(
            "Exported `{}`: {} from {} connection(s) to `{}`",
            summary.client,
            summary.describe(),
            summary.connections,
            path.display()
        ));
    }
    Ok(ExitStatus::Success)
}

/// Exports a client; returns the path written (`None` for stdout). Shared with `inlet demo`.
pub(super) fn export_client(
    ctx: &Context,
    client: &str,
    out: Option<&std::path::Path>,
    format: Format,
) -> anyhow::Result<(Option<PathBuf>, Summary)> {
    ids::check_client(client)?;
    let mut store = ctx
        .existing_store()?
        .ok_or_else(|| unknown_client(client))?;
    if !store.client_known(client)? {
        return Err(super::fetch::unknown_client_in(&store, client).into());
    }
    let catalog = ctx.catalog()?;
    if format == Format::Csv && out.is_some_and(|path| path.as_os_str() == "-") {
        return Err(
            UserError::usage("CSV is one file per entity and cannot go to stdout")
                .hint("give a folder with `--out DIR`, or use `--format ndjson --out -`")
                .into(),
        );
    }
    // Rows cached by an older inlet or provider definition take the current shape first.
    crate::normalize::refresh_stale(&mut store, &catalog, client)?;
    if format == Format::Csv {
        let dir = match out {
            Some(path) => std::path::absolute(path)?,
            None => ctx.paths.exports_dir().join(client),
        };
        let summary = write_csv_dir(&store, &catalog, client, &dir)?;
        return Ok((Some(dir), summary));
    }
    if out.is_some_and(|path| path.as_os_str() == "-") {
        let mut stdout = ctx.printer.data();
        let summary = export::write(&store, &catalog, client, format, &mut stdout)?;
        return Ok((None, summary));
    }
    let extension = if format == Format::Ndjson {
        "ndjson"
    } else {
        "json"
    };
    let path = match out {
        // `--out DIR/` (or an existing folder) means the client's file in that folder, as `cp`
        // would read it.
        Some(path)
            if path.is_dir() || path.as_os_str().to_string_lossy().ends_with(['/', '\\']) =>
        {
            std::path::absolute(path)?.join(format!("{client}.{extension}"))
        }
        Some(path) => std::path::absolute(path)?,
        None => ctx
            .paths
            .exports_dir()
            .join(format!("{client}.{extension}")),
    };
    let dir = path
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    crate::trust::create_dir(&dir)?;
    // Written beside the target and renamed over it: a dashboard never reads half a file, and
    // a failed export leaves the previous one in place.
    let temp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("cannot write in `{}`", dir.display()))?;
    let mut writer = BufWriter::new(temp);
    let summary = export::write(&store, &catalog, client, format, &mut writer)?;
    writer.flush()?;
    let temp = writer.into_inner().map_err(|error| error.into_error())?;
    temp.as_file().sync_all()?;
    temp.persist(&path)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok((Some(path), summary))
}

/// Writes the CSV folder beside `dir` and swaps it in: a reader sees the old folder or the new
/// one, never a half-written one.
fn write_csv_dir(
    store: &crate::store::Store,
    catalog: &crate::catalog::Catalog,
    client: &str,
    dir: &std::path::Path,
) -> anyhow::Result<Summary> {
    if dir.is_file() {
        return Err(UserError::usage(format!(
            "`{}` is a file; CSV exports are a folder",
            dir.display()
        ))
        .hint("give a folder with `--out DIR`")
        .into());
    }
    let parent = dir
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    fs_err::create_dir_all(&parent)?;
    let name = dir
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| client.to_owned());
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .tempdir_in(&parent)
        .with_context(|| format!("cannot write in `{}`", parent.display()))?;
    let summary = export::write_csv(store, catalog, client, temp.path())?;
    let staged = temp.keep();
    if dir.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old."))
            .tempdir_in(&parent)?
            .keep();
        fs_err::rename(dir, old.join(&name))?;
        fs_err::rename(&staged, dir)?;
        fs_err::remove_dir_all(&old)?;
    } else {
        fs_err::rename(&staged, dir)?;
    }
    Ok(summary)
}

/// The client's export files at the default place (`DATA/exports/CLIENT.json`, `.ndjson`, and
/// the CSV folder `CLIENT/`) that exist. Files written elsewhere with `--out` are the user's.
pub(super) fn export_files(ctx: &Context, client: &str) -> Vec<PathBuf> {
    let dir = ctx.paths.exports_dir();
    [
        dir.join(format!("{client}.json")),
        dir.join(format!("{client}.ndjson")),
        dir.join(client),
    ]
    .into_iter()
    .filter(|path| path.exists())
    .collect()
}

/// Removes export files (and CSV folders); returns what was removed.
pub(super) fn remove_export_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    for path in paths {
        if path.is_dir() {
            fs_err::remove_dir_all(path)?;
        } else {
            fs_err::remove_file(path)?;
        }
    }
    Ok(paths.to_vec())
}
