//! Provider record → normalized entity row, driven by the definition's mapping.
//!
//! Every row carries `source` (connection, provider, stream, record id) and `updated_at`;
//! values that cannot be converted become `null` rather than failing the page, since one odd
//! record must not stop a client's sync.

use serde_json::{Map, Value, json};

use crate::catalog::{FieldType, Provider, Stream};

/// Reads a JSON pointer as a string: strings as they are, numbers and booleans printed.
pub fn pointer_text(value: &Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The normalized row for one record, as compact JSON with sorted keys.
pub fn normalize(
    provider: &Provider,
    connection_id: &str,
    stream: &Stream,
    record_id: &str,
    updated_at: Option<&str>,
    record: &Value,
) -> String {
    let mut row = Map::new();
    for (field, spec) in &stream.normalize {
        let value = record
            .pointer(spec.pointer())
            .map_or(Value::Null, |value| convert(value, spec.kind()));
        row.insert(field.clone(), value);
    }
    row.insert(
        "id".to_owned(),
        json!(format!("{connection_id}:{}:{record_id}", stream.name)),
    );
    row.insert(
        "source".to_owned(),
        json!({
            "connection": connection_id,
            "provider": provider.id,
            "stream": stream.name,
            "record_id": record_id,
        }),
    );
    row.insert(
        "updated_at".to_owned(),
        updated_at.map_or(Value::Null, datetime),
    );
    Value::Object(row).to_string()
}

fn convert(value: &Value, kind: FieldType) -> Value {
    let text = match value {
        Value::Null => return Value::Null,
        Value::String(text) if text.trim().is_empty() => return Value::Null,
        Value::String(text) => text.trim().to_owned(),
        other => other.to_string(),
    };
    match kind {
        FieldType::String => Value::String(text),
        FieldType::Number => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        FieldType::Integer => text.parse::<i64>().map_or(Value::Null, Value::from),
        FieldType::Date => date(&text),
        FieldType::Datetime => datetime(&text),
    }
}

/// An instant as RFC 3339 UTC with milliseconds; accepts RFC 3339 and epoch milliseconds.
fn datetime(text: &str) -> Value {
    parse_instant(text).map_or(Value::Null, |instant| {
        Value::String(format!("{instant:.3}"))
    })
}

fn date(text: &str) -> Value {
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return Value::String(date.to_string());
    }
    parse_instant(text).map_or(Value::Null, |instant| {
        Value::String(instant.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
    })
}

fn parse_instant(text: &str) -> Option<jiff::Timestamp> {
    if let Ok(instant) = text.parse::<jiff::Timestamp>() {
        return Some(instant);
    }
    text.parse::<i64>()
        .ok()
        .and_then(|millis| jiff::Timestamp::from_millisecond(millis).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(convert(&json!("1250.50"), FieldType::Number), json!(1250.5));
        assert_eq!(convert(&json!(""), FieldType::String), Value::Null);
        assert_eq!(convert(&json!("12"), FieldType::Integer), json!(12));
        assert_eq!(convert(&json!("abc"), FieldType::Number), Value::Null);
        assert_eq!(
            convert(&json!("2024-03-05T10:00:00Z"), FieldType::Date),
            json!("2024-03-05")
        );
        assert_eq!(
            convert(&json!("2024-03-05T10:00:00Z"), FieldType::Datetime),
            json!("2024-03-05T10:00:00.000Z")
        );
        assert_eq!(
            convert(&json!("1704067200000"), FieldType::Datetime),
            json!("2024-01-01T00:00:00.000Z")
        );
    }
}
