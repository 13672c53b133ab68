//! Provider record → normalized entity row, driven by the definition's mapping.
//!
//! Every row carries `source` (connection, provider, stream, record id) and `updated_at`;
//! values that cannot be converted become `null` rather than failing the page, since one odd
//! record must not stop a client's sync.

mod refresh;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::catalog::{FieldSpec, FieldType, MoneyUnits, Provider, Stream};
use crate::entities::Money;
use crate::entities::money::currency_code;

pub use refresh::{refresh_stale, shape_label};

/// Follows a JSON pointer (RFC 6901). Unlike `Value::pointer`, a pointer without escapes is
/// walked without allocating: this runs several times for every record of every fetch.
pub fn lookup<'a>(value: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.contains('~') {
        return value.pointer(pointer);
    }
    if pointer.is_empty() {
        return Some(value);
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/')
        .try_fold(value, |target, token| match target {
            Value::Object(map) => map.get(token),
            Value::Array(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index)),
            _ => None,
        })
}

/// Reads a JSON pointer as a string: strings as they are, numbers and booleans printed.
pub fn pointer_text(value: &Value, pointer: &str) -> Option<String> {
    match lookup(value, pointer)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The normalized row for one record, as compact JSON in its entity's shape
/// ([`crate::entities`]): `id`, the entity's fields in order (`null` when the mapping does not
/// set them or a value cannot be converted), `source`, `updated_at`.
///
/// # Errors
///
/// Only when the mapping does not fit the entity's type, which validation of the definition
/// rules out.
pub fn normalize(
    provider: &Provider,
    connection_id: &str,
    settings: &BTreeMap<String, String>,
    stream: &Stream,
    record_id: &str,
    updated_at: Option<&str>,
    record: &Value,
) -> Result<String, serde_json::Error> {
    let mut row = Map::with_capacity(stream.normalize.len() + 3);
    row.insert(
        "id".to_owned(),
        Value::String(format!("{connection_id}:{}:{record_id}", stream.name)),
    );
    for (field, spec) in &stream.normalize {
        row.insert(
            field.clone(),
            field_value(spec, connection_id, settings, record),
        );
    }
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
        updated_at.map_or(Value::Null, |text| Value::String(text.to_owned())),
    );
    crate::entities::derive(stream.entity, &mut row);
    stream.entity.shape(row)
}

fn field_value(
    spec: &FieldSpec,
    connection_id: &str,
    settings: &BTreeMap<String, String>,
    record: &Value,
) -> Value {
    // A value the record lacks may come from the connection's inputs (`default = "{x}"`).
    if let FieldSpec::Typed {
        from,
        default: Some(template),
        kind,
        ..
    } = spec
        && lookup(record, from).is_none_or(Value::is_null)
    {
        return render(template, settings)
            .map_or(Value::Null, |text| convert(&Value::String(text), *kind));
    }
    match spec {
        FieldSpec::Constant { constant } => constant.clone(),
        FieldSpec::Pointer(pointer) => {
            lookup(record, pointer).map_or(Value::Null, |value| convert(value, FieldType::String))
        }
        FieldSpec::Typed {
            from,
            kind: FieldType::Money,
            currency,
            default_currency,
            units,
            ..
        } => {
            let currency = currency
                .as_deref()
                .and_then(|pointer| pointer_text(record, pointer))
                .filter(|code| !code.trim().is_empty())
                .or_else(|| {
                    default_currency
                        .as_deref()
                        .and_then(|template| render(template, settings))
                });
            lookup(record, from)
                .zip(currency)
                .and_then(|(amount, currency)| money(amount, &currency, units.unwrap_or_default()))
                .and_then(|money| serde_json::to_value(money).ok())
                .unwrap_or(Value::Null)
        }
        FieldSpec::Typed {
            from,
            kind: FieldType::Reference,
            stream: Some(target),
            ..
        } => lookup(record, from)
            .and_then(scalar_text)
            .map_or(Value::Null, |id| {
                Value::String(format!("{connection_id}:{target}:{id}"))
            }),
        FieldSpec::Typed {
            from,
            kind: FieldType::References,
            stream: Some(target),
            id,
            ..
        } => match lookup(record, from) {
            Some(Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .filter_map(|item| match id {
                        Some(pointer) => lookup(item, pointer),
                        None => Some(item),
                    })
                    .filter_map(scalar_text)
                    .map(|id| Value::String(format!("{connection_id}:{target}:{id}")))
                    .collect(),
            ),
            _ => Value::Null,
        },
        FieldSpec::Typed { from, kind, .. } => {
            lookup(record, from).map_or(Value::Null, |value| convert(value, *kind))
        }
    }
}

/// A template of the connection's inputs (`{currency}`); `None` when one is not set.
fn render(template: &str, settings: &BTreeMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}')? + start;
        out.push_str(&rest[..start]);
        out.push_str(settings.get(&rest[start + 1..end])?);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out).filter(|text| !text.trim().is_empty())
}

/// A string or number as text; empty strings and anything else are unknown.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// An amount as exact money; never through a float.
fn money(amount: &Value, currency: &str, units: MoneyUnits) -> Option<Money> {
    let text = scalar_text(amount)?;
    match units {
        MoneyUnits::Minor => Money::from_minor(text.parse().ok()?, currency),
        MoneyUnits::Major => Money::from_decimal(&text, currency),
    }
}

fn convert(value: &Value, kind: FieldType) -> Value {
    if kind == FieldType::Json {
        return value.clone();
    }
    let text = match value {
        Value::Null => return Value::Null,
        Value::String(text) if text.trim().is_empty() => return Value::Null,
        Value::String(text) => text.trim().to_owned(),
        Value::Bool(flag) if kind == FieldType::Boolean => return Value::Bool(*flag),
        Value::Array(_) | Value::Object(_) if kind == FieldType::String => {
            return Value::String(value.to_string());
        }
        other => other.to_string(),
    };
    match kind {
        FieldType::String => Value::String(text),
        FieldType::Number => text
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        FieldType::Integer => text.parse::<i64>().map_or(Value::Null, Value::from),
        FieldType::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Value::Bool(true),
            "false" | "0" | "no" => Value::Bool(false),
            _ => Value::Null,
        },
        FieldType::Date => date(&text),
        FieldType::Datetime => canonical_instant(&text).map_or(Value::Null, Value::String),
        FieldType::Currency => currency_code(&text).map_or(Value::Null, Value::String),
        // Money and references are converted with their context above.
        FieldType::Money | FieldType::Reference | FieldType::References | FieldType::Json => {
            Value::Null
        }
    }
}

fn date(text: &str) -> Value {
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return Value::String(date.to_string());
    }
    instant(text).map_or(Value::Null, |instant| {
        Value::String(instant.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
    })
}

/// True for inlet's own instant format, `YYYY-MM-DDTHH:MM:SS.mmmZ`, which providers such as
/// HubSpot already send: such text needs no parsing, and sorts as its instants do.
pub fn is_canonical(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 24
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            10 => *byte == b'T',
            13 | 16 => *byte == b':',
            19 => *byte == b'.',
            23 => *byte == b'Z',
            _ => byte.is_ascii_digit(),
        });
    let field =
        |start: usize| u32::from(bytes[start] - b'0') * 10 + u32::from(bytes[start + 1] - b'0');
    // Days past a month's end (Feb 30) still go through the full parse, which rejects them.
    shaped
        && (1..=12).contains(&field(5))
        && (1..=28).contains(&field(8))
        && field(11) < 24
        && field(14) < 60
        && field(17) < 60
}

/// Any instant text (RFC 3339, Unix seconds or milliseconds) in inlet's format; text already
/// in it is taken as it is, without a parse.
pub fn canonical_instant(text: &str) -> Option<String> {
    if is_canonical(text) {
        return Some(text.to_owned());
    }
    instant(text).map(crate::clock::rfc3339)
}

/// Parses RFC 3339, or a Unix time: milliseconds when it is that large, seconds otherwise
/// (HubSpot writes milliseconds, Stripe seconds).
pub fn instant(text: &str) -> Option<jiff::Timestamp> {
    if let Ok(instant) = text.parse::<jiff::Timestamp>() {
        return Some(instant);
    }
    let number = text.parse::<i64>().ok()?;
    if number.abs() >= 100_000_000_000 {
        jiff::Timestamp::from_millisecond(number).ok()
    } else {
        jiff::Timestamp::from_second(number).ok()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn canonical_instants_pass_through_and_others_are_rewritten() {
        assert_eq!(
            canonical_instant("2024-01-03T20:20:34.557Z").as_deref(),
            Some("2024-01-03T20:20:34.557Z")
        );
        assert_eq!(
            canonical_instant("2024-01-03T20:20:34Z").as_deref(),
            Some("2024-01-03T20:20:34.000Z")
        );
        assert_eq!(
            canonical_instant("2024-01-03T21:20:34.557+01:00").as_deref(),
            Some("2024-01-03T20:20:34.557Z")
        );
        assert_eq!(
            canonical_instant("1704067200").as_deref(),
            Some("2024-01-01T00:00:00.000Z")
        );
        assert_eq!(canonical_instant("2024-13-03T20:20:34.557Z"), None);
    }

    #[test]
    fn lookup_follows_pointers_like_serde_json() {
        let value = json!({"a": {"b": [10, {"c": "x"}]}, "d/e": 1, "": 2});
        for pointer in [
            "", "/a", "/a/b", "/a/b/1/c", "/a/b/7", "/nope", "/d~1e", "/", "a",
        ] {
            assert_eq!(lookup(&value, pointer), value.pointer(pointer), "{pointer}");
        }
    }

    #[test]
    fn conversions() {
        assert_eq!(convert(&json!("0.25"), FieldType::Number), json!(0.25));
        assert_eq!(convert(&json!(""), FieldType::String), Value::Null);
        assert_eq!(convert(&json!("12"), FieldType::Integer), json!(12));
        assert_eq!(convert(&json!("abc"), FieldType::Number), Value::Null);
        assert_eq!(convert(&json!(true), FieldType::Boolean), json!(true));
        assert_eq!(convert(&json!("usd"), FieldType::Currency), json!("USD"));
        assert_eq!(convert(&json!("dollars"), FieldType::Currency), Value::Null);
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
        assert_eq!(
            convert(&json!(1_704_067_200), FieldType::Datetime),
            json!("2024-01-01T00:00:00.000Z")
        );
    }
}
