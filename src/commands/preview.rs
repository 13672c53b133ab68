//! `inlet preview`: a connection's newest cached rows as a terminal table (or the export's
//! row shape with `--json`), or one line per stream of a client. Offline: reads the cache.

use std::collections::BTreeMap;
use std::io::IsTerminal as _;

use comfy_table::{Attribute, Cell, Color};
use serde::Serialize;
use serde_json::Value;

use crate::cli::PreviewArgs;
use crate::context::Context;
use crate::error::{ExitStatus, UserError};
use crate::ids::{self, ConnectionId};
use crate::view::facts::{Line, read_export};

use super::dashboard::no_data;
use super::fetch::{missing_connection, unknown_client};

/// Longest text shown in one cell; the table truncates further to fit the terminal.
const CELL_MAX: usize = 40;

/// `inlet preview CONNECTION --json`. Field names are a public contract.
#[derive(Debug, Serialize)]
struct ConnectionPreview {
    schema_version: u32,
    connection: String,
    streams: Vec<StreamPreview>,
}

#[derive(Debug, Serialize)]
struct StreamPreview {
    stream: String,
    entity: Option<String>,
    records: u64,
    newest_change: Option<String>,
    /// The newest rows by `updated_at`, in the export's shape.
    rows: Vec<Value>,
}

/// `inlet preview --client C --json`.
#[derive(Debug, Serialize)]
struct ClientPreview {
    schema_version: u32,
    client: String,
    streams: Vec<StreamLine>,
}

#[derive(Debug, Serialize)]
struct StreamLine {
    connection: ConnectionId,
    stream: String,
    records: u64,
    newest_change: Option<String>,
    /// Where the next incremental fetch starts (the stream's cursor), if it has one.
    watermark: Option<String>,
}

pub(super) fn run(ctx: &Context, args: &PreviewArgs) -> anyhow::Result<ExitStatus> {
    match (&args.connection, &args.client) {
        (Some(connection), _) => connection_preview(ctx, connection, args),
        (None, Some(client)) => client_preview(ctx, client, args.stream.as_deref()),
        (None, None) => Err(UserError::usage("name a connection or `--client`").into()),
    }
}

/// The manifest's streams of one connection: (stream, records, newest change).
fn manifest_streams(header: &Value, connection: &str) -> Vec<(String, u64, Option<String>)> {
    header["manifest"]["connections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry["connection"] == connection)
        .flat_map(|entry| entry["streams"].as_array().cloned().unwrap_or_default())
        .map(|stream| {
            (
                stream["stream"].as_str().unwrap_or_default().to_owned(),
                stream["records"].as_u64().unwrap_or(0),
                stream["newest_change"]
                    .as_str()
                    .or_else(|| stream["watermark"].as_str())
                    .map(str::to_owned),
            )
        })
        .collect()
}

fn connection_preview(ctx: &Context, text: &str, args: &PreviewArgs) -> anyhow::Result<ExitStatus> {
    let id = ConnectionId::parse(text)?;
    let name = id.to_string();
    let store = ctx
        .existing_store()?
        .ok_or_else(|| missing_connection(&name))?;
    let row = store.connection(&id)?;
    if row.is_none()
        && !store
            .record_sources(id.client())?
            .iter()
            .any(|(source, _)| *source == id)
    {
        return Err(missing_connection(&name).into());
    }
    let catalog = ctx.catalog()?;
    let defined: Vec<String> = row
        .as_ref()
        .and_then(|row| catalog.get(&row.provider).ok())
        .map(|provider| {
            provider
                .streams
                .iter()
                .map(|stream| stream.name.clone())
                .collect()
        })
        .unwrap_or_default();
    let mut streams = Vec::new();
    // Rows per stream, bounded: the newest `limit` by `updated_at` (then id) are kept.
    let mut kept: BTreeMap<String, (String, Vec<Value>)> = BTreeMap::new();
    let limit = usize::try_from(args.limit).unwrap_or(usize::MAX);
    let filter = format!("\"connection\":{}", serde_json::to_string(&name)?);
    read_export(&store, &catalog, id.client(), Some(&filter), |line| {
        match line {
            Line::Header(header) => streams = manifest_streams(&header, &name),
            Line::Row { entity, row } => {
                let source = &row["source"];
                let stream = source["stream"].as_str().unwrap_or_default();
                if source["connection"] != name.as_str()
                    || args.stream.as_deref().is_some_and(|only| only != stream)
                {
                    return Ok(());
                }
                let entry = kept
                    .entry(stream.to_owned())
                    .or_insert_with(|| (entity, Vec::new()));
                entry.1.push(row);
                if entry.1.len() >= limit.saturating_mul(4).max(256) {
                    newest_first(&mut entry.1, limit);
                }
            }
        }
        Ok(())
    })?;
    if let Some(only) = &args.stream {
        let known = streams.iter().any(|(stream, _, _)| stream == only) || defined.contains(only);
        if !known {
            let mut names: Vec<String> = streams
                .iter()
                .map(|(stream, _, _)| stream.clone())
                .collect();
            names.extend(defined.iter().cloned());
            names.sort();
            names.dedup();
            return Err(UserError::usage(format!(
                "`{name}` has no stream `{}`",
                crate::output::sanitize::for_terminal(only)
            ))
            .hint(format!("its streams: {}", names.join(", ")))
            .into());
        }
        streams.retain(|(stream, _, _)| stream == only);
        if streams.is_empty() {
            streams.push((only.clone(), 0, None));
        }
    }
    if streams.iter().all(|(_, records, _)| *records == 0) {
        let what = args.stream.as_ref().map_or_else(
            || format!("`{name}`"),
            |stream| format!("stream `{stream}` of `{name}`"),
        );
        return Err(
            UserError::failure(format!("nothing is cached for {what} yet"))
                .hint(format!("run `inlet fetch {name}` first"))
                .into(),
        );
    }
    let previews: Vec<StreamPreview> = streams
        .into_iter()
        .map(|(stream, records, newest_change)| {
            let (entity, mut rows) = kept
                .remove(&stream)
                .map_or((None, Vec::new()), |(entity, rows)| (Some(entity), rows));
            newest_first(&mut rows, limit);
            StreamPreview {
                stream,
                entity,
                records,
                newest_change,
                rows,
            }
        })
        .collect();
    if ctx.printer.json() {
        ctx.printer.json_data(&ConnectionPreview {
            schema_version: 1,
            connection: name,
            streams: previews,
        })?;
        return Ok(ExitStatus::Success);
    }
    let color = ctx.printer.stdout_color();
    let width = table_width();
    let mut text = String::new();
    for (index, preview) in previews.iter().enumerate() {
        if index > 0 {
            text.push('\n');
        }
        let heading = format!(
            "{name} · {} · {} of {} records, newest change first (newest {})",
            preview.stream,
            preview.rows.len(),
            preview.records,
            preview.newest_change.as_deref().unwrap_or("unknown"),
        );
        text.push_str(&paint(&heading, color));
        text.push('\n');
        text.push_str(&rows_table(&preview.rows, width, color));
        text.push('\n');
    }
    ctx.printer.text_data(text.trim_end())?;
    Ok(ExitStatus::Success)
}

/// Sorts rows newest change first (then by id, newest id first) and keeps `limit`.
fn newest_first(rows: &mut Vec<Value>, limit: usize) {
    rows.sort_by(|left, right| {
        let key = |row: &Value| {
            (
                row["updated_at"].as_str().unwrap_or("").to_owned(),
                row["id"].as_str().unwrap_or("").to_owned(),
            )
        };
        key(right).cmp(&key(left))
    });
    rows.truncate(limit);
}

fn paint(text: &str, color: bool) -> String {
    if color {
        let style = anstyle::Style::new().bold();
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

/// The width to fit: the terminal's, or `COLUMNS` when piped; none when neither is known.
fn table_width() -> Option<u16> {
    if std::io::stdout().is_terminal() {
        comfy_table::Table::new().width()
    } else {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|columns| columns.parse().ok())
    }
}

/// One cell's text: strings as they are, money objects as `USD 12.50`, null as `–`.
fn cell_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::Null => return None,
        Value::String(text) => text.clone(),
        Value::Object(object)
            if object.contains_key("decimal") && object.contains_key("currency") =>
        {
            format!(
                "{} {}",
                object["currency"].as_str().unwrap_or_default(),
                object["decimal"].as_str().unwrap_or_default()
            )
        }
        Value::Object(object) if object.contains_key("label") => {
            object["label"].as_str().unwrap_or_default().to_owned()
        }
        other => other.to_string(),
    };
    let text = crate::output::sanitize::for_terminal(&text).replace(['\n', '\r', '\t'], " ");
    Some(if text.chars().count() > CELL_MAX {
        text.chars().take(CELL_MAX - 1).chain(['…']).collect()
    } else {
        text
    })
}

/// Where a field goes in the table: names first, then amounts, stages and dates; the change
/// time last.
fn field_rank(field: &str) -> u8 {
    match field {
        "name" | "first_name" | "last_name" | "email" | "number" | "title" => 0,
        "updated_at" => 9,
        _ if field.starts_with("amount") || field == "currency" => 1,
        _ if field.contains("stage") || field == "status" => 2,
        _ if field.ends_with("_date") || field.ends_with("_at") => 3,
        _ => 5,
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        text.chars()
            .take(width.saturating_sub(1))
            .chain(['…'])
            .collect()
    }
}

/// The rows as a table no wider than `width`: each column gets what its longest cell needs,
/// the widest give way first, and cells (headers included) are cut with `…`, so a row is
/// always one line and the frame never breaks.
fn rows_table(rows: &[Value], width: Option<u16>, color: bool) -> String {
    let Some(first) = rows.first() else {
        return "(no records)".to_owned();
    };
    let mut fields: Vec<String> = first
        .as_object()
        .map(|object| {
            object
                .keys()
                .filter(|key| *key != "id" && *key != "source")
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    fields.sort_by_key(|field| field_rank(field));
    let mut header = vec!["record".to_owned()];
    header.extend(fields.iter().cloned());
    let cells: Vec<Vec<Option<String>>> = rows
        .iter()
        .map(|row| {
            std::iter::once(cell_text(&row["source"]["record_id"]))
                .chain(fields.iter().map(|field| cell_text(&row[field.as_str()])))
                .collect()
        })
        .collect();
    let natural = |column: usize| {
        cells
            .iter()
            .map(|row| {
                row[column]
                    .as_deref()
                    .map_or(1, |text| text.chars().count())
            })
            .max()
            .unwrap_or(1)
            .max(header[column].chars().count().min(12))
    };
    let mut widths: Vec<usize> = (0..header.len()).map(natural).collect();
    // A column costs its text, two spaces of padding and a border.
    const MIN: usize = 5;
    let mut dropped = Vec::new();
    if let Some(width) = width {
        let room = usize::from(width).saturating_sub(1);
        while widths.len() > 2 && widths.len() * (MIN + 3) > room {
            widths.pop();
            dropped.insert(0, header.pop().unwrap_or_default());
        }
        while widths.iter().map(|width| width + 3).sum::<usize>() > room {
            let Some((widest, current)) = widths
                .iter()
                .copied()
                .enumerate()
                .max_by_key(|(index, width)| (*width, usize::MAX - index))
            else {
                break;
            };
            if current <= MIN {
                break;
            }
            widths[widest] = current - 1;
        }
    }
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::presets::UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(header.iter().zip(&widths).map(|(name, width)| {
        let cell = Cell::new(truncate(&name.to_ascii_uppercase(), *width));
        if color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    for row in &cells {
        table.add_row(row.iter().zip(&widths).map(|(text, width)| match text {
            Some(text) => Cell::new(truncate(text, *width)),
            None if color => Cell::new("–").fg(Color::DarkGrey),
            None => Cell::new("–"),
        }));
    }
    let mut text = table.to_string();
    if !dropped.is_empty() {
        text.push_str(&format!(
            "\n{} more field(s) not shown at this width: {}; `--json` shows every field",
            dropped.len(),
            dropped.join(", ")
        ));
    }
    text
}

fn client_preview(ctx: &Context, client: &str, stream: Option<&str>) -> anyhow::Result<ExitStatus> {
    ids::check_client(client)?;
    if stream.is_some() {
        return Err(UserError::usage("`--stream` needs a connection")
            .hint(format!(
                "e.g. `inlet preview {client}/hubspot --stream deals`"
            ))
            .into());
    }
    let store = ctx
        .existing_store()?
        .ok_or_else(|| unknown_client(client))?;
    if !store.client_known(client)? {
        return Err(unknown_client(client).into());
    }
    let catalog = ctx.catalog()?;
    let mut header = Value::Null;
    // A filter no row matches (JSON never holds a raw NUL): only the manifest is read.
    read_export(&store, &catalog, client, Some("\u{0}"), |line| {
        if let Line::Header(value) = line {
            header = value;
        }
        Ok(())
    })?;
    let mut lines = Vec::new();
    for entry in header["manifest"]["connections"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let connection = entry["connection"]
            .as_str()
            .and_then(ConnectionId::read)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "the export's manifest names {}, not a connection",
                    entry["connection"]
                )
            })?;
        let cursors: BTreeMap<String, Option<String>> = store
            .stream_statuses(&connection)?
            .into_iter()
            .map(|status| (status.stream, status.watermark))
            .collect();
        let mut streams = manifest_streams(&header, &connection);
        for stream in cursors.keys() {
            if !streams.iter().any(|(name, _, _)| name == stream) {
                streams.push((stream.clone(), 0, None));
            }
        }
        streams.sort();
        for (stream, records, newest_change) in streams {
            lines.push(StreamLine {
                watermark: cursors.get(&stream).cloned().flatten(),
                connection: connection.clone(),
                stream,
                records,
                newest_change,
            });
        }
    }
    if lines.iter().all(|line| line.records == 0) {
        return Err(no_data(client).into());
    }
    if ctx.printer.json() {
        ctx.printer.json_data(&ClientPreview {
            schema_version: 1,
            client: client.to_owned(),
            streams: lines,
        })?;
        return Ok(ExitStatus::Success);
    }
    let mut table = crate::output::table(&[
        "CONNECTION",
        "STREAM",
        "RECORDS",
        "NEWEST CHANGE",
        "WATERMARK",
    ]);
    if let Some(width) = table_width() {
        table.set_width(width);
    }
    for line in &lines {
        table.add_row(vec![
            line.connection.to_string(),
            line.stream.clone(),
            crate::view::money::grouped(&line.records.to_string()),
            line.newest_change.clone().unwrap_or_else(|| "–".to_owned()),
            line.watermark.clone().unwrap_or_else(|| "–".to_owned()),
        ]);
    }
    ctx.printer.text_data(&table.to_string())?;
    Ok(ExitStatus::Success)
}
