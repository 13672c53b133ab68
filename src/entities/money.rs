//! Exact money: integer minor units, the ISO 4217 currency, its exponent, and a decimal string
//! for display. Never a float: a provider's amount is parsed as text (or read as an integer of
//! minor units) and never goes through binary floating point.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// An amount of money in one currency.
///
/// `minor_units` is the amount in the currency's smallest unit (cents for USD, yen for JPY,
/// fils for KWD); `exponent` says how many of them make a major unit (10^exponent); `decimal`
/// is the same amount written in major units with exactly `exponent` decimals (`"2739.70"`).
/// Amounts of different currencies are never added together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// The amount in the currency's minor unit, an exact integer.
    pub minor_units: i64,
    /// ISO 4217 code, upper case.
    #[schemars(regex(pattern = r"^[A-Z]{3}$"))]
    pub currency: String,
    /// Decimal places of the currency's minor unit (ISO 4217): 2 for USD, 0 for JPY, 3 for KWD.
    #[schemars(range(min = 0, max = 4))]
    pub exponent: u8,
    /// The amount in major units with exactly `exponent` decimals, for display (`"-12.50"`).
    #[schemars(regex(pattern = r"^-?[0-9]+(\.[0-9]+)?$"))]
    pub decimal: String,
}

/// ISO 4217 currencies whose minor unit is not 1/100 of the major unit.
const EXPONENTS: &[(&str, u8)] = &[
    ("BHD", 3),
    ("BIF", 0),
    ("CLF", 4),
    ("CLP", 0),
    ("DJF", 0),
    ("GNF", 0),
    ("IQD", 3),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KMF", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("LYD", 3),
    ("OMR", 3),
    ("PYG", 0),
    ("RWF", 0),
    ("TND", 3),
    ("UGX", 0),
    ("UYI", 0),
    ("UYW", 4),
    ("VND", 0),
    ("VUV", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("XPF", 0),
];

/// A currency code as inlet writes it (upper case), if the text is one: three ASCII letters.
pub fn currency_code(text: &str) -> Option<String> {
    let text = text.trim();
    (text.len() == 3 && text.bytes().all(|byte| byte.is_ascii_alphabetic()))
        .then(|| text.to_ascii_uppercase())
}

/// The ISO 4217 exponent of a currency (2 unless the currency is known to differ).
pub fn exponent(currency: &str) -> u8 {
    EXPONENTS
        .iter()
        .find(|(code, _)| *code == currency)
        .map_or(2, |(_, exponent)| *exponent)
}

impl Money {
    /// From an integer of minor units (Stripe's `amount: 2000` in `usd`).
    pub fn from_minor(minor_units: i64, currency: &str) -> Option<Self> {
        let currency = currency_code(currency)?;
        let exponent = exponent(&currency);
        Some(Self {
            decimal: decimal(minor_units, exponent),
            minor_units,
            currency,
            exponent,
        })
    }

    /// From a decimal text in major units (HubSpot's `"amount": "2739.7"`), parsed exactly.
    /// Digits past the currency's exponent are rounded half to even; text that is not a plain
    /// decimal number (or overflows) gives `None`.
    pub fn from_decimal(text: &str, currency: &str) -> Option<Self> {
        let currency = currency_code(currency)?;
        let exponent = exponent(&currency);
        let minor_units = parse_minor(text.trim(), exponent)?;
        Some(Self {
            decimal: decimal(minor_units, exponent),
            minor_units,
            currency,
            exponent,
        })
    }
}

/// Parses `[-+]digits[.digits]` into minor units of `exponent` decimals, rounding half to even.
fn parse_minor(text: &str, exponent: u8) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !plain(whole) || !plain(fraction) {
        return None;
    }
    let places = usize::from(exponent);
    let (kept, dropped) = if fraction.len() > places {
        fraction.split_at(places)
    } else {
        (fraction, "")
    };
    let mut value: i64 = 0;
    for byte in whole
        .bytes()
        .chain(kept.bytes())
        .chain(std::iter::repeat_n(b'0', places - kept.len()))
    {
        value = value.checked_mul(10)?.checked_add(i64::from(byte - b'0'))?;
    }
    // Round half to even on what was dropped.
    let mut dropped = dropped.bytes();
    if let Some(first) = dropped.next() {
        let rest_nonzero = dropped.any(|byte| byte != b'0');
        let round_up = first > b'5' || (first == b'5' && (rest_nonzero || value % 2 == 1));
        if round_up {
            value = value.checked_add(1)?;
        }
    }
    Some(if negative { -value } else { value })
}

/// Minor units written in major units with exactly `exponent` decimals.
fn decimal(minor_units: i64, exponent: u8) -> String {
    let sign = if minor_units < 0 { "-" } else { "" };
    let magnitude = minor_units.unsigned_abs();
    if exponent == 0 {
        return format!("{sign}{magnitude}");
    }
    let scale = 10u64.pow(u32::from(exponent));
    format!(
        "{sign}{}.{:0width$}",
        magnitude / scale,
        magnitude % scale,
        width = usize::from(exponent)
    )
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Date(pub String);

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A calendar date, `YYYY-MM-DD`.",
            "type": "string",
            "format": "date",
        })
    }
}

/// An instant, RFC 3339 UTC with milliseconds (`2026-03-05T10:00:00.000Z`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Instant(pub String);

impl JsonSchema for Instant {
    fn schema_name() -> Cow<'static, str> {
        "Instant".into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An instant, RFC 3339 UTC with milliseconds.",
            "type": "string",
            "format": "date-time",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_parsed_exactly() {
        let money = |text: &str, currency: &str| {
            Money::from_decimal(text, currency).map(|money| (money.minor_units, money.decimal))
        };
        assert_eq!(money("2739.7", "usd"), Some((273_970, "2739.70".into())));
        assert_eq!(money("0.1", "EUR"), Some((10, "0.10".into())));
        assert_eq!(money("1000", "JPY"), Some((1000, "1000".into())));
        assert_eq!(money("1.2345", "KWD"), Some((1234, "1.234".into())));
        assert_eq!(money("1.2355", "KWD"), Some((1236, "1.236".into())));
        assert_eq!(money("2.005", "USD"), Some((200, "2.00".into())));
        assert_eq!(money("2.0051", "USD"), Some((201, "2.01".into())));
        assert_eq!(money("-12.5", "GBP"), Some((-1250, "-12.50".into())));
        assert_eq!(money(".5", "USD"), Some((50, "0.50".into())));
        assert_eq!(money("1e3", "USD"), None);
        assert_eq!(money("", "USD"), None);
        assert_eq!(money("12", "dollars"), None);
        assert_eq!(money("99999999999999999999", "USD"), None);
        // 0.1 + 0.2 is exactly 0.3 here.
        let sum = Money::from_decimal("0.1", "USD").map_or(0, |money| money.minor_units)
            + Money::from_decimal("0.2", "USD").map_or(0, |money| money.minor_units);
        assert_eq!(
            Money::from_minor(sum, "USD").map(|money| money.decimal),
            Some("0.30".into())
        );
    }

    #[test]
    fn minor_units_keep_their_currency_exponent() {
        let usd = Money::from_minor(2000, "usd");
        assert_eq!(
            usd.as_ref().map(|money| money.decimal.as_str()),
            Some("20.00")
        );
        assert_eq!(usd.map(|money| money.currency), Some("USD".into()));
        assert_eq!(
            Money::from_minor(5, "jpy").map(|money| money.decimal),
            Some("5".into())
        );
        assert_eq!(
            Money::from_minor(-5, "bhd").map(|money| money.decimal),
            Some("-0.005".into())
        );
    }
}
