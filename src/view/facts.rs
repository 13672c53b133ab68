//! A client's cached data, read through the export (the same rows, manifest and snapshot as
//! `inlet export`), reduced to the facts the views need: one struct per entity kind with the
//! few fields a chart or a KPI reads. This file is the one place that knows the export's row
//! shapes; every view builds on [`Facts`].

use std::collections::BTreeMap;
use std::io::Write;

use jiff::civil::Date;
use serde_json::Value;

use super::money::{self, Money};
use crate::catalog::Catalog;
use crate::export::{self, Format};
use crate::ids::ConnectionId;
use crate::store::Store;

/// One line of the export: the header, or a row of an entity.
pub enum Line {
    Header(Value),
    Row { entity: String, row: Value },
}

/// Streams a client's export document line by line into `each` (memory stays flat). With
/// `filter`, rows whose text does not contain it are skipped before they are parsed.
pub fn read_export(
    store: &Store,
    catalog: &Catalog,
    client: &str,
    filter: Option<&str>,
    mut each: impl FnMut(Line) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut sink = LineSink {
        buffer: Vec::new(),
        each: |line: &[u8]| {
            if line.is_empty() {
                return Ok(());
            }
            let is_row = line.starts_with(b"{\"type\":\"row\"");
            if is_row && filter.is_some_and(|filter| !contains(line, filter.as_bytes())) {
                return Ok(());
            }
            let mut value: Value = serde_json::from_slice(line)?;
            if value.get("type").and_then(Value::as_str) == Some("row") {
                let entity = value
                    .get("entity")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let row = value.get_mut("row").map(Value::take).unwrap_or(Value::Null);
                each(Line::Row { entity, row })
            } else {
                each(Line::Header(value))
            }
        },
        failed: None,
    };
    let written = export::write(store, catalog, client, Format::Ndjson, &mut sink);
    if let Some(error) = sink.failed.take() {
        return Err(error);
    }
    written?;
    sink.finish()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// A `Write` that hands each complete line to a closure.
struct LineSink<F: FnMut(&[u8]) -> anyhow::Result<()>> {
    buffer: Vec<u8>,
    each: F,
    failed: Option<anyhow::Error>,
}

impl<F: FnMut(&[u8]) -> anyhow::Result<()>> LineSink<F> {
    fn finish(&mut self) -> anyhow::Result<()> {
        let rest = std::mem::take(&mut self.buffer);
        (self.each)(&rest)
    }
}

impl<F: FnMut(&[u8]) -> anyhow::Result<()>> Write for LineSink<F> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let mut rest = data;
        while let Some(end) = rest.iter().position(|byte| *byte == b'\n') {
            self.buffer.extend_from_slice(&rest[..end]);
            let line = std::mem::take(&mut self.buffer);
            if let Err(error) = (self.each)(&line) {
                let message = error.to_string();
                self.failed = Some(error);
                return Err(std::io::Error::other(message));
            }
            rest = &rest[end + 1..];
        }
        self.buffer.extend_from_slice(rest);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A connection as the export's manifest describes it.
#[derive(Debug, Clone)]
pub struct Source {
    pub connection: ConnectionId,
    pub provider: Option<String>,
    pub connected: bool,
    pub streams: Vec<StreamInfo>,
    /// Outcome and end of the latest run.
    pub last_run: Option<RunInfo>,
}

/// A stream of a [`Source`].
#[derive(Debug, Clone)]
pub struct StreamInfo {
    pub stream: String,
    pub records: u64,
    /// The newest change among its records (`updated_at`).
    pub newest: Option<String>,
    /// For a report stream, the trailing days its provider restates and every fetch re-pulls
    /// (`restatement_days` of its definition).
    pub restatement_days: Option<u32>,
}

/// The latest run of a [`Source`].
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub outcome: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

/// Where a deal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealOutcome {
    Open,
    Won,
    Lost,
}

/// A deal (CRM opportunity).
#[derive(Debug, Clone)]
pub struct Deal {
    pub connection: String,
    pub name: Option<String>,
    /// The stage's label when the export has one, else its id.
    pub stage: String,
    /// The stage's place in its pipeline, when known (for ordering).
    pub stage_order: Option<i64>,
    pub outcome: DealOutcome,
    pub amount: Option<Money>,
    pub created: Option<Date>,
    pub closed: Option<Date>,
}

/// A person or company that appeared: a CRM contact or a billing customer.
#[derive(Debug, Clone)]
pub struct Person {
    pub connection: String,
    pub id: String,
    pub name: Option<String>,
    pub created: Option<Date>,
}

/// A payment (Stripe charge).
#[derive(Debug, Clone)]
pub struct Payment {
    pub connection: String,
    pub created: Option<Date>,
    /// `succeeded`, `failed`, `pending`, …
    pub status: String,
    pub amount: Option<Money>,
    pub refunded: Option<Money>,
    pub customer: Option<String>,
}

/// An invoice.
#[derive(Debug, Clone)]
pub struct Invoice {
    pub connection: String,
    pub created: Option<Date>,
    pub status: String,
    pub remaining: Option<Money>,
}

/// A time-series point (GA4, Search Console).
#[derive(Debug, Clone)]
pub struct Metric {
    pub connection: String,
    pub stream: String,
    pub date: Date,
    pub metric: String,
    pub value: f64,
    /// Dimension name → value, besides the date (empty for a total row).
    pub dimensions: BTreeMap<String, String>,
}

/// What the views read of one client.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub client: String,
    pub schema_version: u64,
    pub generated_at: String,
    pub sources: Vec<Source>,
    /// Rows per entity, as the manifest counts them.
    pub counts: BTreeMap<String, u64>,
    pub deals: Vec<Deal>,
    pub contacts: Vec<Person>,
    pub customers: Vec<Person>,
    pub payments: Vec<Payment>,
    pub invoices: Vec<Invoice>,
    pub metrics: Vec<Metric>,
}

impl Facts {
    /// Reads a client's export into facts.
    pub fn load(store: &Store, catalog: &Catalog, client: &str) -> anyhow::Result<Self> {
        let mut facts = Facts {
            client: client.to_owned(),
            ..Facts::default()
        };
        read_export(store, catalog, client, None, |line| {
            match line {
                Line::Header(header) => facts.header(&header),
                Line::Row { entity, row } => facts.row(&entity, &row),
            }
            Ok(())
        })?;
        // What the definitions say of each stream: how many days its figures may still change.
        for source in &mut facts.sources {
            let Some(provider) = source
                .provider
                .as_deref()
                .and_then(|id| catalog.get(id).ok())
            else {
                continue;
            };
            for info in &mut source.streams {
                info.restatement_days = provider
                    .streams
                    .iter()
                    .find(|stream| stream.name == info.stream)
                    .and_then(|stream| stream.report.as_ref())
                    .map(|report| report.restatement_days);
            }
        }
        Ok(facts)
    }

    /// The newest date anything happened in the data (a deal closed or was created, a payment,
    /// a metric): where a period ends when the data stops before today.
    pub fn latest_activity(&self) -> Option<Date> {
        let deals = self.deals.iter().flat_map(|deal| {
            [
                deal.created,
                deal.closed.filter(|_| deal.outcome != DealOutcome::Open),
            ]
        });
        let people = self
            .contacts
            .iter()
            .chain(&self.customers)
            .map(|person| person.created);
        let payments = self.payments.iter().map(|payment| payment.created);
        let metrics = self.metrics.iter().map(|metric| Some(metric.date));
        deals
            .chain(people)
            .chain(payments)
            .chain(metrics)
            .flatten()
            .max()
    }

    fn header(&mut self, header: &Value) {
        self.schema_version = header["schema_version"].as_u64().unwrap_or(0);
        self.generated_at = text(header, "generated_at").unwrap_or_default();
        let manifest = &header["manifest"];
        if let Some(counts) = manifest["counts"].as_object() {
            for (entity, count) in counts {
                self.counts
                    .insert(entity.clone(), count.as_u64().unwrap_or(0));
            }
        }
        for entry in manifest["connections"].as_array().into_iter().flatten() {
            // The export writes only valid ids; anything else is not a source to describe.
            let Some(connection) = entry["connection"].as_str().and_then(ConnectionId::read) else {
                continue;
            };
            let streams = entry["streams"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|stream| StreamInfo {
                    stream: text(stream, "stream").unwrap_or_default(),
                    records: stream["records"].as_u64().unwrap_or(0),
                    newest: text(stream, "newest_change").or_else(|| text(stream, "watermark")),
                    restatement_days: None,
                })
                .collect();
            let last_run = entry["last_run"].as_object().map(|run| RunInfo {
                outcome: run
                    .get("outcome")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown")
                    .to_owned(),
                started_at: run
                    .get("started_at")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                finished_at: run
                    .get("finished_at")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
            self.sources.push(Source {
                connection,
                provider: text(entry, "provider"),
                connected: entry["connected"].as_bool().unwrap_or(false),
                streams,
                last_run,
            });
        }
    }

    fn row(&mut self, entity: &str, row: &Value) {
        let connection = row["source"]["connection"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let stream = row["source"]["stream"].as_str().unwrap_or_default();
        match entity {
            "deals" => self.deals.push(deal(connection, row)),
            // Until the export gives billing customers their own array they arrive among the
            // contacts, from a `customers` stream.
            "customers" => self.customers.push(person(connection, row)),
            "contacts" if stream == "customers" => self.customers.push(person(connection, row)),
            "contacts" => self.contacts.push(person(connection, row)),
            "payments" => self.payments.push(Payment {
                connection,
                created: date(row, "created_at"),
                status: text(row, "status").unwrap_or_default(),
                amount: money::read(row, "amount"),
                refunded: money::read(row, "amount_refunded"),
                customer: text(row, "customer").or_else(|| text(row, "customer_id")),
            }),
            "invoices" => self.invoices.push(Invoice {
                connection,
                created: date(row, "created_at"),
                status: text(row, "status").unwrap_or_default(),
                remaining: money::read(row, "amount_remaining"),
            }),
            "metrics" => {
                if let Some(point) = metric(connection, stream, row) {
                    self.metrics.push(point);
                }
            }
            _ => {}
        }
    }
}

fn deal(connection: String, row: &Value) -> Deal {
    // The stage may be an object (`{id, label, …}`); export schema 2 writes `stage_id` and the
    // label in `stage`; schema 1 wrote only the id, in `stage`.
    let stage_value = &row["stage"];
    let (stage_id, stage_label) = match stage_value {
        Value::Object(_) => (text(stage_value, "id"), text(stage_value, "label")),
        _ if row.get("stage_id").is_some() => (text(row, "stage_id"), text(row, "stage")),
        _ => (text(row, "stage"), text(row, "stage_label")),
    };
    let stage_order = stage_value["display_order"]
        .as_i64()
        .or_else(|| stage_value["order"].as_i64())
        .or_else(|| row["stage_order"].as_i64());
    let flag = |keys: &[&str]| {
        keys.iter().find_map(|key| {
            row.get(*key)
                .or_else(|| stage_value.get(*key))
                .and_then(Value::as_bool)
        })
    };
    let squash = |text: &str| {
        text.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let named = [stage_id.as_deref(), stage_label.as_deref()]
        .into_iter()
        .flatten()
        .map(squash)
        .collect::<Vec<_>>();
    // A deal's `status` (`open`, `won`, `lost`) says it outright when the export has it.
    let status = text(row, "status").map(|status| squash(&status));
    let outcome = if flag(&["won", "is_won", "closed_won"]) == Some(true)
        || status.as_deref() == Some("won")
        || named
            .iter()
            .any(|name| name == "closedwon" || name == "won")
    {
        DealOutcome::Won
    } else if flag(&["closed", "is_closed"]) == Some(true)
        || status.as_deref() == Some("lost")
        || named
            .iter()
            .any(|name| name == "closedlost" || name == "lost")
    {
        DealOutcome::Lost
    } else {
        DealOutcome::Open
    };
    Deal {
        connection,
        name: text(row, "name"),
        stage: stage_label
            .or(stage_id)
            .unwrap_or_else(|| "(no stage)".to_owned()),
        stage_order,
        outcome,
        amount: money::read(row, "amount"),
        created: date(row, "created_at"),
        closed: date(row, "close_date"),
    }
}

fn person(connection: String, row: &Value) -> Person {
    let name = text(row, "name").or_else(|| {
        let parts: Vec<String> = ["first_name", "last_name"]
            .iter()
            .filter_map(|key| text(row, key))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    });
    Person {
        connection,
        id: text(row, "id").unwrap_or_default(),
        name: name.or_else(|| text(row, "email")),
        created: date(row, "created_at"),
    }
}

fn metric(connection: String, stream: &str, row: &Value) -> Option<Metric> {
    let value = match &row["value"] {
        Value::Number(number) => number.as_f64()?,
        Value::String(text) => text.parse().ok()?,
        _ => return None,
    };
    let dimensions = row["dimensions"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| name.as_str() != "date")
        .map(|(name, value)| {
            let value = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            (name.clone(), value)
        })
        .collect();
    Some(Metric {
        connection,
        stream: stream.to_owned(),
        date: date(row, "date")?,
        metric: text(row, "metric")?,
        value,
        dimensions,
    })
}

fn text(row: &Value, key: &str) -> Option<String> {
    match row.get(key)? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The calendar date of a date or an instant field (UTC).
fn date(row: &Value, key: &str) -> Option<Date> {
    let text = row.get(key)?.as_str()?;
    if let Some(Ok(date)) = text.get(..10).map(str::parse::<Date>) {
        return Some(date);
    }
    // GA4 writes dates as YYYYMMDD.
    let compact = text.get(..8)?;
    Date::strptime("%Y%m%d", compact).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn deals_read_stage_ids_labels_and_outcomes() {
        let legacy = deal(
            "a/h".into(),
            &json!({"stage": "closedwon", "amount": 10.5, "currency": "usd", "close_date": "2026-01-02"}),
        );
        assert_eq!(legacy.outcome, DealOutcome::Won);
        assert_eq!(legacy.amount.map(|money| money.minor), Some(1_050));
        let labelled = deal(
            "a/h".into(),
            &json!({"stage": {"id": "x1", "label": "Closed Lost", "display_order": 6}}),
        );
        assert_eq!(
            (labelled.outcome, labelled.stage.as_str()),
            (DealOutcome::Lost, "Closed Lost")
        );
        assert_eq!(labelled.stage_order, Some(6));
        let open = deal(
            "a/h".into(),
            &json!({"stage": "appointmentscheduled", "stage_label": "Appointment scheduled"}),
        );
        assert_eq!(
            (open.outcome, open.stage.as_str()),
            (DealOutcome::Open, "Appointment scheduled")
        );
    }

    #[test]
    fn deals_read_export_schema_2() {
        let row = json!({
            "stage_id": "closedwon", "stage": "Closed won", "stage_order": 5, "status": "won",
            "amount": {"minor_units": 125_050, "currency": "EUR", "exponent": 2, "decimal": "1250.50"},
            "currency": "EUR", "close_date": "2026-01-02", "created_at": "2025-12-01T10:00:00.000Z"
        });
        let deal = deal("a/h".into(), &row);
        assert_eq!(
            (deal.outcome, deal.stage.as_str()),
            (DealOutcome::Won, "Closed won")
        );
        assert_eq!(deal.stage_order, Some(5));
        let amount = deal.amount.expect("money");
        assert_eq!((amount.minor, amount.currency.as_str()), (125_050, "EUR"));
        assert_eq!(deal.created, Some(jiff::civil::date(2025, 12, 1)));
        let lost = deal_of(json!({"stage_id": "x9", "stage": null, "status": "lost"}));
        assert_eq!(
            (lost.outcome, lost.stage.as_str()),
            (DealOutcome::Lost, "x9")
        );
    }

    fn deal_of(row: Value) -> Deal {
        deal("a/h".into(), &row)
    }

    #[test]
    fn metric_dates_and_values() {
        let point = metric(
            "a/ga4".into(),
            "daily",
            &json!({"date": "20260105", "metric": "sessions", "value": "42", "dimensions": {"channel": "Organic"}}),
        )
        .expect("a point");
        assert_eq!(point.date, jiff::civil::date(2026, 1, 5));
        assert!((point.value - 42.0).abs() < f64::EPSILON);
        assert_eq!(
            point.dimensions.get("channel").map(String::as_str),
            Some("Organic")
        );
    }

    #[test]
    fn line_sink_splits_lines_across_writes() -> anyhow::Result<()> {
        let mut lines = Vec::new();
        let mut sink = LineSink {
            buffer: Vec::new(),
            each: |line: &[u8]| {
                lines.push(String::from_utf8_lossy(line).into_owned());
                Ok(())
            },
            failed: None,
        };
        sink.write_all(b"ab")?;
        sink.write_all(b"c\nde\nf")?;
        sink.finish()?;
        drop(sink);
        assert_eq!(lines, ["abc", "de", "f"]);
        Ok(())
    }
}
