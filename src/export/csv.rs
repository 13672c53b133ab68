//! The CSV layout: one file per entity (`contacts.csv`, …) with the entity's flat columns
//! ([`crate::entities::Entity::columns`]) and a header row, plus `manifest.json`; RFC 4180
//! quoting, UTF-8, `\r\n` line ends.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::entities::Entity;
use crate::store::Store;

/// Writes one CSV file per typed entity into `dir` (which exists and is empty).
pub(super) fn write_dir(
    store: &Store,
    client: &str,
    manifest: &Value,
    dir: &Path,
) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(manifest)?;
    fs_err::write(dir.join("manifest.json"), format!("{text}\n"))?;
    for entity in Entity::ALL {
        let Some(columns) = entity.columns() else {
            continue;
        };
        let file = fs_err::File::create(dir.join(format!("{}.csv", entity.as_str())))?;
        let mut out = std::io::BufWriter::new(file);
        let header: Vec<&str> = columns.iter().map(|column| column.name.as_str()).collect();
        write_record(&mut out, header.iter().map(|name| (*name).to_owned()))?;
        store.for_each_normalized(client, entity.as_str(), |row| {
            let row: Value = serde_json::from_str(row)?;
            write_record(
                &mut out,
                columns.iter().map(|column| {
                    let value = column
                        .path
                        .iter()
                        .try_fold(&row, |value, key| value.get(*key));
                    cell(value)
                }),
            )
        })?;
        out.flush()?;
        out.into_inner()
            .map_err(|error| error.into_error())?
            .sync_all()?;
    }
    Ok(())
}

/// A value as CSV text: strings as they are, `null` as empty, lists space-separated.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| cell(Some(item)))
            .collect::<Vec<_>>()
            .join(" "),
        Some(other) => other.to_string(),
    }
}

fn write_record(out: &mut dyn Write, cells: impl Iterator<Item = String>) -> anyhow::Result<()> {
    let mut first = true;
    for cell in cells {
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        if cell.contains([',', '"', '\n', '\r']) {
            write!(out, "\"{}\"", cell.replace('"', "\"\""))?;
        } else {
            out.write_all(cell.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_are_quoted_when_they_must_be() -> anyhow::Result<()> {
        let mut out = Vec::new();
        super::write_record(
            &mut out,
            ["plain", "a,b", "say \"hi\"", "two\nlines", ""]
                .iter()
                .map(|text| (*text).to_owned()),
        )?;
        assert_eq!(
            String::from_utf8(out)?,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
        Ok(())
    }
}
