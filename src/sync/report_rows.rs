//! Report streams: which days a fetch asks for, and the named row strategies that turn a report
//! page into records, one per day, dimension values and metric:
//!
//! ```json
//! {"key": "2026-03-01|Organic Search|sessions", "date": "2026-03-01",
//!  "dimensions": {"sessionDefaultChannelGroup": "Organic Search"},
//!  "metric": "sessions", "value": 120}
//! ```
//!
//! `value` is exact: a JSON integer for counts, a decimal string (never a float) otherwise.
//! The key is stable across fetches, so a restated day's rows replace the old ones.

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Map, Value, json};

use crate::catalog::{MetricType, Report, Rows};
use crate::normalize::lookup;

/// The days of one report pass (inclusive), and whether it is a first or full fetch.
pub(super) struct Days {
    pub start: Date,
    pub end: Date,
    pub full: bool,
}

/// Today, in UTC (the day a fetch's window ends).
fn today() -> Date {
    Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

fn day_of(instant: Timestamp) -> Date {
    instant.to_zoned(jiff::tz::TimeZone::UTC).date()
}

fn days_before(date: Date, days: u32) -> Date {
    date.checked_sub(jiff::Span::new().days(i64::from(days)))
        .unwrap_or(date)
}

/// The days to ask for: from `--since`, or the history on a first fetch or `--full-refresh`,
/// or else the restatement window behind the last day fetched (which also covers any days
/// missed since); always through today.
pub(super) fn plan(
    report: &Report,
    watermark: Option<Timestamp>,
    since: Option<Timestamp>,
    full_refresh: bool,
) -> Days {
    let end = today();
    let history = days_before(end, report.history_days.saturating_sub(1));
    let window = report.restatement_days.saturating_sub(1);
    let (start, full) = match (since, watermark) {
        (Some(since), _) => (day_of(since), full_refresh),
        (None, Some(mark)) if !full_refresh => (days_before(day_of(mark).min(end), window), false),
        _ => (history, true),
    };
    Days {
        start: start.min(end),
        end,
        full,
    }
}

/// The watermark a report pass leaves: midnight (UTC) of its last day, in inlet's instant
/// format.
pub(super) fn watermark_of(end: Date) -> Option<String> {
    end.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|zoned| crate::clock::rfc3339(zoned.timestamp()))
}

/// Turns a page's rows into records with the stream's row strategy.
pub(super) fn extract(
    report: &Report,
    body: &Value,
    rows: Vec<Value>,
) -> Result<Vec<Value>, String> {
    match &report.rows {
        Rows::Ga4 => ga4(body, rows),
        Rows::Keyed {
            keys,
            dimensions,
            metrics,
        } => keyed(rows, keys, dimensions, metrics),
    }
}

fn names<'a>(body: &'a Value, pointer: &str) -> Vec<&'a str> {
    lookup(body, pointer)
        .and_then(Value::as_array)
        .map(|headers| {
            headers
                .iter()
                .map(|header| header.get("name").and_then(Value::as_str).unwrap_or(""))
                .collect()
        })
        .unwrap_or_default()
}

/// GA4 `runReport`: values named by `dimensionHeaders` and `metricHeaders`, typed by the
/// metric header's `type`.
fn ga4(body: &Value, rows: Vec<Value>) -> Result<Vec<Value>, String> {
    if rows.is_empty() {
        return Ok(rows);
    }
    let dimensions = names(body, "/dimensionHeaders");
    let metrics = names(body, "/metricHeaders");
    let types: Vec<MetricType> = lookup(body, "/metricHeaders")
        .and_then(Value::as_array)
        .map(|headers| {
            headers
                .iter()
                .map(|header| match header.get("type").and_then(Value::as_str) {
                    Some("TYPE_INTEGER") => MetricType::Integer,
                    _ => MetricType::Decimal,
                })
                .collect()
        })
        .unwrap_or_default();
    let date_index = dimensions
        .iter()
        .position(|name| *name == "date")
        .ok_or("the report has no `date` dimension, so its rows cannot be replaced by day")?;
    let mut records = Vec::with_capacity(rows.len() * metrics.len());
    for row in &rows {
        let text = |pointer: &str, index: usize| -> Option<&str> {
            lookup(row, pointer)?.get(index)?.get("value")?.as_str()
        };
        let values: Vec<&str> = (0..dimensions.len())
            .map(|index| text("/dimensionValues", index).unwrap_or(""))
            .collect();
        let date = iso_date(values[date_index])
            .ok_or_else(|| format!("a row has the date `{}`, not YYYYMMDD", values[date_index]))?;
        let others: Vec<(&str, &str)> = dimensions
            .iter()
            .zip(&values)
            .enumerate()
            .filter(|(index, _)| *index != date_index)
            .map(|(_, (name, value))| (*name, *value))
            .collect();
        for (index, metric) in metrics.iter().enumerate() {
            let Some(raw) = text("/metricValues", index) else {
                continue;
            };
            let value = exact(&Value::String(raw.to_owned()), types[index]);
            records.push(record(&date, &others, metric, value));
        }
    }
    Ok(records)
}

/// Rows with dimension values in an array and metrics as named fields (Search Console).
fn keyed(
    rows: Vec<Value>,
    keys: &str,
    dimensions: &[String],
    metrics: &std::collections::BTreeMap<String, MetricType>,
) -> Result<Vec<Value>, String> {
    let mut records = Vec::with_capacity(rows.len() * metrics.len());
    for row in &rows {
        let values: Vec<&str> = lookup(row, keys)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|item| item.as_str().unwrap_or(""))
                    .collect()
            })
            .unwrap_or_default();
        if values.len() != dimensions.len() {
            return Err(format!(
                "a row has {} values at `{keys}` for {} dimensions",
                values.len(),
                dimensions.len()
            ));
        }
        let mut date = None;
        let mut others = Vec::new();
        for (name, value) in dimensions.iter().zip(&values) {
            if name == "date" {
                date = iso_date(value);
            } else {
                others.push((name.as_str(), *value));
            }
        }
        let date = date.ok_or("a row has no valid `date` value")?;
        for (metric, kind) in metrics {
            let Some(raw) = row.get(metric) else {
                continue;
            };
            records.push(record(&date, &others, metric, exact(raw, *kind)));
        }
    }
    Ok(records)
}

fn record(date: &str, dimensions: &[(&str, &str)], metric: &str, value: Value) -> Value {
    let mut key = escape(date);
    for (_, value) in dimensions {
        key.push('|');
        key.push_str(&escape(value));
    }
    key.push('|');
    key.push_str(&escape(metric));
    let dimensions: Map<String, Value> = dimensions
        .iter()
        .map(|(name, value)| ((*name).to_owned(), Value::String((*value).to_owned())))
        .collect();
    json!({
        "key": key,
        "date": date,
        "dimensions": dimensions,
        "metric": metric,
        "value": value,
    })
}

/// Keys join values with `|`; a `|` or `\` inside a value is escaped, so keys never collide.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|")
}

/// `YYYYMMDD` (GA4) or `YYYY-MM-DD` as `YYYY-MM-DD`.
fn iso_date(text: &str) -> Option<String> {
    let text = if text.len() == 8 && text.bytes().all(|byte| byte.is_ascii_digit()) {
        format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..])
    } else {
        text.to_owned()
    };
    text.parse::<Date>().ok().map(|date| date.to_string())
}

/// A metric value, exactly: integers as JSON integers, everything else as a plain decimal
/// string with the digits the provider sent. Text that is not a number becomes `null`.
fn exact(value: &Value, kind: MetricType) -> Value {
    let text = match value {
        Value::String(text) => text.trim().to_owned(),
        // serde_json prints a float as the shortest text that reads back as the same double,
        // which is the text the provider wrote.
        Value::Number(number) => number.to_string(),
        _ => return Value::Null,
    };
    let Some(decimal) = plain_decimal(&text) else {
        return Value::Null;
    };
    if kind == MetricType::Integer {
        let whole = match decimal.split_once('.') {
            Some((whole, fraction)) if fraction.bytes().all(|byte| byte == b'0') => whole,
            Some(_) => return Value::String(decimal),
            None => decimal.as_str(),
        };
        return whole
            .parse::<i64>()
            .map_or(Value::String(decimal.clone()), Value::from);
    }
    Value::String(decimal)
}

/// A decimal number written without an exponent (`1.5e-3` → `0.0015`); `None` for text that is
/// not a finite decimal number.
fn plain_decimal(text: &str) -> Option<String> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (sign, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|byte| byte.is_ascii_digit())
        || exponent.unsigned_abs() > 400
    {
        return None;
    }
    if exponent == 0 {
        let whole = if whole.is_empty() { "0" } else { whole };
        return Some(if fraction.is_empty() {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{fraction}")
        });
    }
    // Move the decimal point `exponent` places through all the digits.
    let all = format!("{whole}{fraction}");
    let point = whole.len() as i64 + i64::from(exponent);
    let (whole, fraction) = if point <= 0 {
        (
            "0".to_owned(),
            format!("{}{all}", "0".repeat(usize::try_from(-point).unwrap_or(0))),
        )
    } else if point as usize >= all.len() {
        (
            format!("{all}{}", "0".repeat(point as usize - all.len())),
            String::new(),
        )
    } else {
        (
            all[..point as usize].to_owned(),
            all[point as usize..].to_owned(),
        )
    };
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    Some(if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_exact() {
        assert_eq!(exact(&json!("120"), MetricType::Integer), json!(120));
        assert_eq!(exact(&json!(12.0), MetricType::Integer), json!(12));
        assert_eq!(exact(&json!(340), MetricType::Integer), json!(340));
        assert_eq!(
            exact(&json!("0.6523809523809524"), MetricType::Decimal),
            json!("0.6523809523809524")
        );
        assert_eq!(
            exact(&json!(0.035_294_117_647_058_82), MetricType::Decimal),
            json!("0.03529411764705882")
        );
        assert_eq!(
            exact(&json!(1.5e-7), MetricType::Decimal),
            json!("0.00000015")
        );
        assert_eq!(exact(&json!("2.5E3"), MetricType::Decimal), json!("2500"));
        assert_eq!(exact(&json!("7"), MetricType::Decimal), json!("7"));
        assert_eq!(exact(&json!("n/a"), MetricType::Decimal), Value::Null);
        assert_eq!(exact(&json!("1.5"), MetricType::Integer), json!("1.5"));
    }

    #[test]
    fn ga4_rows_become_one_record_per_metric() -> Result<(), String> {
        let body = json!({
            "dimensionHeaders": [{"name": "date"}, {"name": "sessionDefaultChannelGroup"}],
            "metricHeaders": [{"name": "sessions", "type": "TYPE_INTEGER"},
                              {"name": "engagementRate", "type": "TYPE_FLOAT"}],
        });
        let rows = vec![json!({
            "dimensionValues": [{"value": "20260301"}, {"value": "Organic | Search"}],
            "metricValues": [{"value": "120"}, {"value": "0.5"}],
        })];
        let report: Report =
            toml::from_str("rows = { kind = \"ga4\" }").map_err(|e| e.to_string())?;
        let records = extract(&report, &body, rows)?;
        assert_eq!(
            records,
            vec![
                json!({"key": "2026-03-01|Organic \\| Search|sessions", "date": "2026-03-01",
                       "dimensions": {"sessionDefaultChannelGroup": "Organic | Search"},
                       "metric": "sessions", "value": 120}),
                json!({"key": "2026-03-01|Organic \\| Search|engagementRate", "date": "2026-03-01",
                       "dimensions": {"sessionDefaultChannelGroup": "Organic | Search"},
                       "metric": "engagementRate", "value": "0.5"}),
            ]
        );
        Ok(())
    }

    #[test]
    fn the_window_trails_the_last_day_fetched() -> Result<(), String> {
        let report: Report =
            toml::from_str("rows = { kind = \"ga4\" }\nrestatement_days = 3\nhistory_days = 30")
                .map_err(|e| e.to_string())?;
        let first = plan(&report, None, None, false);
        assert!(first.full);
        assert_eq!(first.end, today());
        assert_eq!(days_before(first.end, 29), first.start);
        let now = Timestamp::now();
        let again = plan(&report, Some(now), None, false);
        assert!(!again.full);
        assert_eq!(days_before(today(), 2), again.start);
        let week_ago = now
            .checked_sub(jiff::SignedDuration::from_hours(24 * 7))
            .map_err(|e| e.to_string())?;
        let late = plan(&report, Some(week_ago), None, false);
        assert_eq!(
            days_before(today(), 9),
            late.start,
            "missed days are covered"
        );
        assert!(plan(&report, Some(now), None, true).full);
        Ok(())
    }
}
