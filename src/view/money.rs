//! Exact money: integer minor units with an ISO currency and its exponent, totals kept per
//! currency. Amounts are never floats here and never added across currencies.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// An amount of one currency, exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Money {
    /// Integer minor units (cents for USD, yen for JPY).
    pub minor: i128,
    /// ISO 4217 code, upper case.
    pub currency: String,
    /// Digits after the decimal point in this currency (2 for USD, 0 for JPY).
    pub exponent: u32,
}

impl Money {
    /// The amount as a decimal string in major units, `1234.50`.
    pub fn decimal(&self) -> String {
        decimal_string(self.minor, self.exponent)
    }

    /// `USD 1,234.50`: for people (grouped thousands).
    pub fn display(&self) -> String {
        format!("{} {}", self.currency, grouped(&self.decimal()))
    }

    /// `USD 1.2M`, `EUR 85.3k`: for tiles.
    pub fn short(&self) -> String {
        format!(
            "{} {}",
            self.currency,
            short_number(self.minor, self.exponent)
        )
    }
}

/// The ISO 4217 exponent of a currency: 2 unless the currency is known to differ.
pub fn exponent_of(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// Reads an amount from a row, whatever shape the export gives it:
/// - an object `{ "minor": 123450, "currency": "USD", "exponent": 2, "decimal": "1234.50" }`
///   (also `amount_minor`/`minor_units`), or
/// - `FIELD_minor` (integer) beside it, or
/// - a decimal number or string in major units, read from its text so no binary float is ever
///   involved (`1234.5` becomes 123450 minor units of a 2-digit currency).
///
/// The currency comes from the object, or the row's `currency` field. `None` when absent or
/// unreadable.
pub fn read(row: &Value, field: &str) -> Option<Money> {
    let value = row.get(field)?;
    let row_currency = || {
        row.get("currency")
            .and_then(Value::as_str)
            .map(str::to_ascii_uppercase)
    };
    if let Value::Object(object) = value {
        let currency = object
            .get("currency")
            .and_then(Value::as_str)
            .map(str::to_ascii_uppercase)
            .or_else(row_currency)?;
        let exponent = object
            .get("exponent")
            .and_then(Value::as_u64)
            .and_then(|exponent| u32::try_from(exponent).ok())
            .unwrap_or_else(|| exponent_of(&currency));
        let minor = ["minor", "amount_minor", "minor_units", "units"]
            .iter()
            .find_map(|key| object.get(*key).and_then(integer))
            .or_else(|| {
                ["decimal", "value", "amount"]
                    .iter()
                    .find_map(|key| object.get(*key).and_then(|text| from_text(text, exponent)))
            })?;
        return Some(Money {
            minor,
            currency,
            exponent,
        });
    }
    let currency = row_currency()?;
    let exponent = row
        .get(format!("{field}_exponent"))
        .or_else(|| row.get("currency_exponent"))
        .and_then(Value::as_u64)
        .and_then(|exponent| u32::try_from(exponent).ok())
        .unwrap_or_else(|| exponent_of(&currency));
    let minor = row
        .get(format!("{field}_minor"))
        .and_then(integer)
        .or_else(|| from_text(value, exponent))?;
    Some(Money {
        minor,
        currency,
        exponent,
    })
}

fn integer(value: &Value) -> Option<i128> {
    match value {
        Value::Number(number) => number.as_i64().map(i128::from),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// A JSON number or string holding a decimal in major units, as minor units. The number's
/// own text is parsed (serde_json prints the shortest text that reads back as the same
/// value), so `2739.7` is exactly 273970 cents. Digits beyond the exponent round half away
/// from zero.
fn from_text(value: &Value, exponent: u32) -> Option<i128> {
    let text = match value {
        Value::Number(number) => number.to_string(),
        Value::String(text) => text.trim().to_owned(),
        _ => return None,
    };
    parse_decimal(&text, exponent)
}

/// Parses `-1234.567` or `1.5e3` into minor units at `exponent`.
pub fn parse_decimal(text: &str, exponent: u32) -> Option<i128> {
    let (mantissa, power) = match text.split_once(['e', 'E']) {
        Some((mantissa, power)) => (mantissa, power.parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (negative, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // value = all_digits * 10^(power - fraction.len()); minor = value * 10^exponent.
    let all: String = format!("{whole}{fraction}");
    let mut scale = power + i32::try_from(exponent).ok()? - i32::try_from(fraction.len()).ok()?;
    let mut number: i128 = all.trim_start_matches('0').parse().unwrap_or(0);
    if all.trim_start_matches('0').len() > 36 {
        return None;
    }
    while scale > 0 {
        number = number.checked_mul(10)?;
        scale -= 1;
    }
    let mut remainder_half_up = false;
    while scale < 0 {
        remainder_half_up = number % 10 >= 5;
        number /= 10;
        scale += 1;
    }
    if remainder_half_up {
        number += 1;
    }
    Some(if negative { -number } else { number })
}

/// Minor units as a decimal string: `decimal_string(-5, 2)` is `-0.05`.
pub fn decimal_string(minor: i128, exponent: u32) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let digits = minor.unsigned_abs().to_string();
    if exponent == 0 {
        return format!("{sign}{digits}");
    }
    let exponent = exponent as usize;
    let padded = format!("{digits:0>width$}", width = exponent + 1);
    let (whole, fraction) = padded.split_at(padded.len() - exponent);
    format!("{sign}{whole}.{fraction}")
}

/// `1234567.50` as `1,234,567.50`.
pub fn grouped(decimal: &str) -> String {
    let (sign, rest) = match decimal.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", decimal),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (rest, None),
    };
    let mut out = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{out}.{fraction}"),
        None => format!("{sign}{out}"),
    }
}

/// A compact figure for tiles: `950`, `85.3k`, `1.2M`, computed on integers (one decimal,
/// rounded half up).
pub fn short_number(minor: i128, exponent: u32) -> String {
    let unit = 10_i128.pow(exponent);
    let major_tenths = (minor.abs() * 10 + unit / 2) / unit;
    let sign = if minor < 0 { "-" } else { "" };
    let (value, suffix) = if major_tenths >= 10_000_000_000 {
        ((major_tenths + 500_000_000) / 1_000_000_000, "B")
    } else if major_tenths >= 10_000_000 {
        ((major_tenths + 500_000) / 1_000_000, "M")
    } else if major_tenths >= 10_000 {
        ((major_tenths + 500) / 1_000, "k")
    } else {
        return format!(
            "{sign}{}",
            grouped(&((minor.abs() + unit / 2) / unit).to_string())
        );
    };
    // `value` is in tenths of the unit.
    if value >= 1_000 {
        format!("{sign}{}{suffix}", value / 10)
    } else {
        format!("{sign}{}.{}{suffix}", value / 10, value % 10)
    }
}

/// Totals per currency, ordered by currency code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals(pub BTreeMap<String, Money>);

impl Totals {
    /// Adds an amount to its own currency's total.
    pub fn add(&mut self, money: &Money) {
        let entry = self
            .0
            .entry(money.currency.clone())
            .or_insert_with(|| Money {
                minor: 0,
                currency: money.currency.clone(),
                exponent: money.exponent,
            });
        // One currency, one exponent: a row that disagrees is rescaled to the first one seen.
        entry.minor += rescale(money.minor, money.exponent, entry.exponent);
    }

    /// The total of one currency, zero when none.
    pub fn get(&self, currency: &str) -> Money {
        self.0.get(currency).cloned().unwrap_or_else(|| Money {
            minor: 0,
            currency: currency.to_owned(),
            exponent: exponent_of(currency),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every currency of this and another total, in order.
    pub fn currencies<'a>(&'a self, other: &'a Self) -> Vec<String> {
        let mut all: Vec<String> = self.0.keys().chain(other.0.keys()).cloned().collect();
        all.sort();
        all.dedup();
        all
    }
}

fn rescale(minor: i128, from: u32, to: u32) -> i128 {
    if from == to {
        minor
    } else if from < to {
        minor * 10_i128.pow(to - from)
    } else {
        minor / 10_i128.pow(from - to)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(parse_decimal("2739.7", 2), Some(273_970));
        assert_eq!(parse_decimal("0.1", 2), Some(10));
        assert_eq!(parse_decimal("-12.345", 2), Some(-1_235));
        assert_eq!(parse_decimal("1.5e3", 2), Some(150_000));
        assert_eq!(parse_decimal("500", 0), Some(500));
        assert_eq!(parse_decimal("12.5", 3), Some(12_500));
        assert_eq!(parse_decimal("abc", 2), None);
        assert_eq!(parse_decimal("", 2), None);
    }

    #[test]
    fn reads_every_shape() {
        let legacy = json!({ "amount": 1250.1, "currency": "usd" });
        let money = read(&legacy, "amount").expect("legacy number");
        assert_eq!((money.minor, money.currency.as_str()), (125_010, "USD"));
        let object = json!({ "amount": { "minor": 500, "currency": "JPY", "exponent": 0, "decimal": "500" } });
        let money = read(&object, "amount").expect("object");
        assert_eq!((money.minor, money.exponent), (500, 0));
        let flat = json!({ "amount": "12.50", "amount_minor": 1250, "currency": "EUR" });
        assert_eq!(read(&flat, "amount").map(|m| m.minor), Some(1_250));
        assert_eq!(
            read(&json!({ "amount": null, "currency": "USD" }), "amount"),
            None
        );
        assert_eq!(
            read(&json!({ "amount": 5 }), "amount"),
            None,
            "no currency, no money"
        );
    }

    #[test]
    fn formats() {
        assert_eq!(decimal_string(-5, 2), "-0.05");
        assert_eq!(decimal_string(123_450, 2), "1234.50");
        assert_eq!(decimal_string(7, 0), "7");
        assert_eq!(grouped("1234567.50"), "1,234,567.50");
        assert_eq!(grouped("-999"), "-999");
        assert_eq!(short_number(95_000, 2), "950");
        assert_eq!(short_number(8_534_900, 2), "85.3k");
        assert_eq!(short_number(12_345_678_900, 2), "123M");
        assert_eq!(short_number(125_000_000, 2), "1.3M");
    }

    #[test]
    fn totals_never_mix_currencies() {
        let mut totals = Totals::default();
        for (minor, currency) in [(100, "USD"), (250, "EUR"), (5, "USD")] {
            totals.add(&Money {
                minor,
                currency: currency.to_owned(),
                exponent: 2,
            });
        }
        assert_eq!(totals.get("USD").minor, 105);
        assert_eq!(totals.get("EUR").minor, 250);
        assert_eq!(totals.get("GBP").minor, 0);
    }
}
