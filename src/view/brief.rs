//! The figures of a period, per source connection: KPIs with the previous period's value and
//! the change, charts (each with its numbers as a table), the largest movers, and caveats.
//! `inlet dashboard` draws a [`Brief`]; `inlet report` writes it as Markdown or JSON.

use std::collections::BTreeMap;

use jiff::ToSpan as _;
use jiff::civil::Date;
use serde::Serialize;

use super::facts::{DealOutcome, Facts, Metric, Source};
use super::money::{Money, Totals};
use super::{Period, Window};
use crate::ids::ConnectionId;
use crate::store::Store;

/// The version of `inlet report --format json`'s shape (and of the dashboard's data block).
pub const SCHEMA_VERSION: u32 = 1;

/// Everything a dashboard or report says about a client for one period.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    pub schema_version: u32,
    pub client: String,
    /// When this brief was made.
    pub generated_at: String,
    /// `90d`, as asked.
    pub period_text: String,
    pub period: Period,
    pub previous_period: Period,
    pub sources: Vec<SourceBrief>,
    pub movers: Vec<Mover>,
    pub caveats: Vec<Caveat>,
}

/// One source connection's part of a [`Brief`].
#[derive(Debug, Clone, Serialize)]
pub struct SourceBrief {
    pub connection: String,
    pub provider: Option<String>,
    /// `crm`, `billing`, `analytics`, `search`.
    pub kind: &'static str,
    /// `CRM`, `Billing`, `Web analytics`, `Search`.
    pub title: &'static str,
    pub freshness: Freshness,
    pub kpis: Vec<Kpi>,
    #[serde(skip)]
    pub charts: Vec<Chart>,
}

/// How recent a source's data is.
#[derive(Debug, Clone, Serialize)]
pub struct Freshness {
    pub connected: bool,
    /// Outcome of the latest run (`ok`, `failed`, `partial`, `interrupted`), if any.
    pub last_run: Option<String>,
    pub last_run_at: Option<String>,
    /// End of the latest run that went well.
    pub last_success: Option<String>,
    /// Older than its schedule allows (`inlet status --check` exits 5).
    pub stale: bool,
    /// Records cached for this connection.
    pub records: u64,
}

/// A figure of the period, with the previous period's for comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Kpi {
    /// Stable id: `deals_won`, `revenue`, `sessions`, …
    pub id: String,
    pub label: String,
    /// `count`, `money`, `percent`, `number`.
    pub unit: &'static str,
    /// For money: the currency (one KPI per currency; amounts are never added across them).
    pub currency: Option<String>,
    pub value: Figure,
    /// The same figure for the previous period; `None` for point-in-time figures.
    pub previous: Option<Figure>,
    /// Percentage change against the previous period, one decimal; `None` when there is no
    /// previous value or it is zero.
    pub change_percent: Option<f64>,
    /// Whether a rise is good news (`up`) or bad (`down`).
    pub better: &'static str,
    /// The connection and dates the figure comes from.
    pub source: KpiSource,
}

/// Where a KPI comes from.
#[derive(Debug, Clone, Serialize)]
pub struct KpiSource {
    pub connection: String,
    pub from: Date,
    pub to: Date,
}

/// A KPI's value: a count, exact money, a percentage or a plain number.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Figure {
    Count(u64),
    Money(MoneyView),
    /// A percentage or measurement with one or two decimals.
    Number(f64),
}

/// Money in the public shape: minor units, currency, exponent and the decimal string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyView {
    /// Integer minor units, as in the export.
    pub minor_units: i128,
    pub currency: String,
    pub exponent: u32,
    pub decimal: String,
}

impl From<&Money> for MoneyView {
    fn from(money: &Money) -> Self {
        Self {
            minor_units: money.minor,
            currency: money.currency.clone(),
            exponent: money.exponent,
            decimal: money.decimal(),
        }
    }
}

impl Figure {
    /// For tiles: `1,234`, `USD 85.3k`, `42.5%`.
    pub fn short(&self, unit: &str) -> String {
        match self {
            Self::Count(count) => super::money::grouped(&count.to_string()),
            Self::Money(money) => Money {
                minor: money.minor_units,
                currency: money.currency.clone(),
                exponent: money.exponent,
            }
            .short(),
            Self::Number(number) if unit == "percent" => format!("{number:.1}%"),
            Self::Number(number) if number.abs() >= 100.0 => {
                super::money::grouped(&format!("{number:.0}"))
            }
            Self::Number(number) => format!("{number:.1}"),
        }
    }

    /// Exact, for tables and reports: `1,234`, `USD 85,349.00`, `42.5%`.
    pub fn exact(&self, unit: &str) -> String {
        match self {
            Self::Money(money) => format!(
                "{} {}",
                money.currency,
                super::money::grouped(&money.decimal)
            ),
            Self::Number(number) if unit == "percent" => format!("{number:.1}%"),
            Self::Number(number) if unit == "position" => format!("{number:.1}"),
            Self::Number(number) => {
                if number.fract() == 0.0 {
                    super::money::grouped(&format!("{number:.0}"))
                } else {
                    format!("{number:.2}")
                }
            }
            Self::Count(_) => self.short(unit),
        }
    }

    /// The value as a comparable integer scale (minor units, counts, thousandths).
    fn scaled(&self) -> i128 {
        match self {
            Self::Count(count) => i128::from(*count),
            Self::Money(money) => money.minor_units,
            #[expect(clippy::cast_possible_truncation, reason = "measurements, not money")]
            Self::Number(number) => (number * 1_000.0).round() as i128,
        }
    }
}

/// Percentage change with one decimal, computed on integers.
fn change(current: &Figure, previous: &Figure) -> Option<f64> {
    let (now, before) = (current.scaled(), previous.scaled());
    if before == 0 {
        return None;
    }
    let tenths = round_div((now - before) * 1_000, before.abs());
    #[expect(clippy::cast_precision_loss, reason = "a percentage for display")]
    Some(tenths as f64 / 10.0)
}

/// `numerator / denominator` rounded half away from zero (`denominator` > 0).
fn round_div(numerator: i128, denominator: i128) -> i128 {
    if numerator >= 0 {
        (numerator + denominator / 2) / denominator
    } else {
        -((-numerator + denominator / 2) / denominator)
    }
}

/// A chart and its numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub caption: String,
    pub kind: ChartKind,
    /// The x axis (or the bars' names).
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    /// Decimal places of the first series' magnitudes (0 counts, 2 cents, 3 thousandths):
    /// how axis ticks are labelled.
    pub exponent: u32,
}

/// How a chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Vertical bars, one group per label, one bar per series.
    Columns,
    /// Horizontal bars, one per label (first series).
    Bars,
    /// Lines over time, one per series.
    Lines,
}

/// One series of a chart.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub name: String,
    pub points: Vec<Point>,
}

/// One value: its size for drawing (integers: counts, minor units, thousandths) and its text.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub magnitude: i128,
    pub text: String,
}

impl Point {
    fn count(count: u64) -> Self {
        Self {
            magnitude: i128::from(count),
            text: super::money::grouped(&count.to_string()),
        }
    }

    fn money(money: &Money) -> Self {
        Self {
            magnitude: money.minor,
            text: super::money::grouped(&money.decimal()),
        }
    }

    fn number(number: f64, unit: &str) -> Self {
        let figure = Figure::Number(number);
        Self {
            magnitude: figure.scaled(),
            text: figure.exact(unit),
        }
    }
}

/// Something that changed a lot between the two periods.
#[derive(Debug, Clone, Serialize)]
pub struct Mover {
    /// `stage`, `customer`, `channel`, `query`, `page`, …
    pub kind: String,
    pub name: String,
    /// What was measured: `deals created`, `revenue`, `sessions`, `clicks`.
    pub measure: String,
    pub connection: String,
    pub current: Figure,
    pub previous: Figure,
    pub change_percent: Option<f64>,
    /// Current minus previous, as text.
    pub difference: String,
}

/// Something the reader should know before trusting the figures.
#[derive(Debug, Clone, Serialize)]
pub struct Caveat {
    /// `stale`, `partial_run`, `unfinished_stream`, `never_fetched`, `disconnected`,
    /// `restatement_window`, `no_data_in_period`.
    pub kind: &'static str,
    pub connection: ConnectionId,
    pub message: String,
}

/// What the brief needs from the cache besides the export: freshness of each connection.
fn freshness(
    store: &Store,
    source: &Source,
    now: jiff::Timestamp,
) -> anyhow::Result<(Freshness, Vec<Caveat>)> {
    let mut caveats = Vec::new();
    let connection = store.connection(&source.connection)?;
    let last_ok = store.last_ok_run(&source.connection)?;
    let stale = connection
        .as_ref()
        .is_some_and(|row| crate::schedule::is_stale(row, last_ok.as_ref(), now));
    let records = source.streams.iter().map(|stream| stream.records).sum();
    let id = &source.connection;
    if !source.connected {
        caveats.push(Caveat {
            kind: "disconnected",
            connection: id.clone(),
            message: format!(
                "`{id}` is no longer connected: its cached data is shown but not refreshed"
            ),
        });
    }
    match &source.last_run {
        None => caveats.push(Caveat {
            kind: "never_fetched",
            connection: id.clone(),
            message: format!("`{id}` has never been fetched"),
        }),
        Some(run) if run.outcome != "ok" && run.outcome != "running" => caveats.push(Caveat {
            kind: "partial_run",
            connection: id.clone(),
            message: format!(
                "the latest run of `{id}` ended `{}` ({}): its figures may miss data; `inlet fetch {id}` resumes it",
                run.outcome,
                run.finished_at.as_deref().or(run.started_at.as_deref()).unwrap_or("unknown time"),
            ),
        }),
        Some(_) => {}
    }
    if stale {
        let since = last_ok
            .as_ref()
            .and_then(|run| run.finished_at)
            .map_or_else(|| "never".to_owned(), crate::clock::rfc3339);
        caveats.push(Caveat {
            kind: "stale",
            connection: id.clone(),
            message: format!(
                "`{id}` is stale: last successful fetch {since}, older than its schedule allows"
            ),
        });
    }
    if connection.is_some() {
        for stream in store.stream_statuses(id)? {
            if stream.resumable {
                caveats.push(Caveat {
                    kind: "unfinished_stream",
                    connection: id.clone(),
                    message: format!(
                        "stream `{}` of `{id}` has an unfinished fetch: it holds part of the provider's data",
                        stream.stream
                    ),
                });
            }
        }
    }
    let last_run = source.last_run.as_ref();
    Ok((
        Freshness {
            connected: source.connected,
            last_run: last_run.map(|run| run.outcome.clone()),
            last_run_at: last_run
                .and_then(|run| run.finished_at.clone().or(run.started_at.clone())),
            last_success: last_ok
                .and_then(|run| run.finished_at)
                .map(crate::clock::rfc3339),
            stale,
            records,
        },
        caveats,
    ))
}

impl Brief {
    /// Computes the brief of `window` from a client's facts.
    pub fn build(store: &Store, facts: &Facts, window: &Window) -> anyhow::Result<Self> {
        let now = crate::clock::now();
        let mut sources = Vec::new();
        let mut caveats = Vec::new();
        let mut movers = Vec::new();
        for source in &facts.sources {
            let (freshness, mut notes) = freshness(store, source, now)?;
            let id = &source.connection;
            let parts = Parts::of(facts, id);
            let kind = parts.kind();
            let Some((kind, title)) = kind else {
                caveats.append(&mut notes);
                continue;
            };
            let mut brief = SourceBrief {
                connection: id.to_string(),
                provider: source.provider.clone(),
                kind,
                title,
                freshness,
                kpis: Vec::new(),
                charts: Vec::new(),
            };
            match kind {
                "crm" => crm(&parts, window, &mut brief, &mut movers),
                "billing" => billing(facts, &parts, window, &mut brief, &mut movers),
                _ => metrics(&parts, window, &mut brief, &mut movers, &mut notes),
            }
            if let Some(latest) = parts
                .latest()
                .filter(|latest| *latest < window.current.start)
            {
                notes.push(Caveat {
                    kind: "no_data_in_period",
                    connection: id.clone(),
                    message: format!(
                        "`{id}` has no activity in {}: its newest record is from {latest}; try `--until {latest}`",
                        window.current.describe()
                    ),
                });
            }
            caveats.append(&mut notes);
            sources.push(brief);
        }
        // CRM first, then billing, then the web: the order a client's story is told in.
        let rank = |kind: &str| {
            ["crm", "billing", "analytics", "search"]
                .iter()
                .position(|known| *known == kind)
        };
        sources.sort_by(|left: &SourceBrief, right: &SourceBrief| {
            rank(left.kind)
                .cmp(&rank(right.kind))
                .then_with(|| left.connection.cmp(&right.connection))
        });
        Ok(Self {
            schema_version: SCHEMA_VERSION,
            client: facts.client.clone(),
            generated_at: crate::clock::stamp(),
            period_text: window.text.clone(),
            period: window.current,
            previous_period: window.previous,
            sources,
            movers,
            caveats,
        })
    }
}

/// The facts of one connection.
struct Parts<'a> {
    connection: &'a ConnectionId,
    deals: Vec<&'a super::facts::Deal>,
    contacts: Vec<&'a super::facts::Person>,
    customers: Vec<&'a super::facts::Person>,
    payments: Vec<&'a super::facts::Payment>,
    invoices: Vec<&'a super::facts::Invoice>,
    metrics: Vec<&'a Metric>,
    /// Per report stream, the trailing days its provider restates (from its definition).
    restatement_days: BTreeMap<&'a str, u32>,
}

impl<'a> Parts<'a> {
    fn of(facts: &'a Facts, connection: &'a ConnectionId) -> Self {
        Self {
            connection,
            deals: facts
                .deals
                .iter()
                .filter(|row| row.connection == *connection)
                .collect(),
            contacts: facts
                .contacts
                .iter()
                .filter(|row| row.connection == *connection)
                .collect(),
            customers: facts
                .customers
                .iter()
                .filter(|row| row.connection == *connection)
                .collect(),
            payments: facts
                .payments
                .iter()
                .filter(|row| row.connection == *connection)
                .collect(),
            invoices: facts
                .invoices
                .iter()
                .filter(|row| row.connection == *connection)
                .collect(),
            metrics: facts
                .metrics
                .iter()
                .filter(|row| row.connection == *connection)
                .collect(),
            restatement_days: facts
                .sources
                .iter()
                .filter(|source| source.connection == *connection)
                .flat_map(|source| &source.streams)
                .filter_map(|info| Some((info.stream.as_str(), info.restatement_days?)))
                .collect(),
        }
    }

    fn kind(&self) -> Option<(&'static str, &'static str)> {
        if !self.deals.is_empty() || !self.contacts.is_empty() {
            Some(("crm", "CRM"))
        } else if !self.payments.is_empty()
            || !self.invoices.is_empty()
            || !self.customers.is_empty()
        {
            Some(("billing", "Billing"))
        } else if self
            .metrics
            .iter()
            .any(|metric| SEARCH_METRICS.contains(&metric.metric.as_str()))
        {
            Some(("search", "Search"))
        } else if !self.metrics.is_empty() {
            Some(("analytics", "Web analytics"))
        } else {
            None
        }
    }

    fn latest(&self) -> Option<Date> {
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

    fn source(&self, period: &Period) -> KpiSource {
        KpiSource {
            connection: self.connection.to_string(),
            from: period.start,
            to: period.end,
        }
    }
}

const SEARCH_METRICS: [&str; 4] = ["clicks", "impressions", "ctr", "position"];

/// A KPI compared across the two periods.
fn compared(
    parts: &Parts<'_>,
    window: &Window,
    (id, label, unit, better): (&str, &str, &'static str, &'static str),
    current: Figure,
    previous: Figure,
    currency: Option<String>,
) -> Kpi {
    Kpi {
        id: id.to_owned(),
        label: label.to_owned(),
        unit,
        currency,
        change_percent: change(&current, &previous),
        value: current,
        previous: Some(previous),
        better,
        source: parts.source(&window.current),
    }
}

/// A point-in-time KPI (no previous period): open pipeline, outstanding invoices.
fn snapshot(parts: &Parts<'_>, window: &Window, id: &str, label: &str, money: &Money) -> Kpi {
    Kpi {
        id: id.to_owned(),
        label: label.to_owned(),
        unit: "money",
        currency: Some(money.currency.clone()),
        value: Figure::Money(money.into()),
        previous: None,
        change_percent: None,
        better: "up",
        source: KpiSource {
            connection: parts.connection.to_string(),
            from: window.current.end,
            to: window.current.end,
        },
    }
}

fn count_in<T>(rows: &[&T], period: &Period, date: impl Fn(&T) -> Option<Date>) -> u64 {
    rows.iter()
        .filter(|row| date(row).is_some_and(|day| period.contains(day)))
        .count() as u64
}

fn money_kpis(
    parts: &Parts<'_>,
    window: &Window,
    spec: (&str, &str, &'static str, &'static str),
    current: &Totals,
    previous: &Totals,
    kpis: &mut Vec<Kpi>,
) {
    for currency in current.currencies(previous) {
        kpis.push(compared(
            parts,
            window,
            spec,
            Figure::Money((&current.get(&currency)).into()),
            Figure::Money((&previous.get(&currency)).into()),
            Some(currency),
        ));
    }
}

fn crm(parts: &Parts<'_>, window: &Window, brief: &mut SourceBrief, movers: &mut Vec<Mover>) {
    let (now, before) = (&window.current, &window.previous);
    let created = |period: &Period| count_in(&parts.deals, period, |deal| deal.created);
    let closed = |period: &Period, outcome: DealOutcome| {
        parts
            .deals
            .iter()
            .filter(|deal| {
                deal.outcome == outcome && deal.closed.is_some_and(|day| period.contains(day))
            })
            .copied()
            .collect::<Vec<_>>()
    };
    let won_value = |period: &Period| {
        let mut totals = Totals::default();
        for deal in closed(period, DealOutcome::Won) {
            if let Some(amount) = &deal.amount {
                totals.add(amount);
            }
        }
        totals
    };
    let win_rate = |period: &Period| {
        let won = closed(period, DealOutcome::Won).len() as u64;
        let lost = closed(period, DealOutcome::Lost).len() as u64;
        // Tenths of a percent, on integers.
        #[expect(clippy::cast_precision_loss, reason = "a percentage for display")]
        (won + lost > 0).then(|| ((won * 2_000 + won + lost) / ((won + lost) * 2)) as f64 / 10.0)
    };
    let kpis = &mut brief.kpis;
    if !parts.deals.is_empty() {
        kpis.push(compared(
            parts,
            window,
            ("deals_created", "New deals", "count", "up"),
            Figure::Count(created(now)),
            Figure::Count(created(before)),
            None,
        ));
        kpis.push(compared(
            parts,
            window,
            ("deals_won", "Deals won", "count", "up"),
            Figure::Count(closed(now, DealOutcome::Won).len() as u64),
            Figure::Count(closed(before, DealOutcome::Won).len() as u64),
            None,
        ));
        money_kpis(
            parts,
            window,
            ("won_value", "Won value", "money", "up"),
            &won_value(now),
            &won_value(before),
            kpis,
        );
        if let (Some(rate), previous) = (win_rate(now), win_rate(before)) {
            let mut kpi = compared(
                parts,
                window,
                ("win_rate", "Win rate", "percent", "up"),
                Figure::Number(rate),
                Figure::Number(previous.unwrap_or(0.0)),
                None,
            );
            if previous.is_none() {
                kpi.previous = None;
                kpi.change_percent = None;
            }
            kpis.push(kpi);
        }
        let mut open = Totals::default();
        for deal in parts
            .deals
            .iter()
            .filter(|deal| deal.outcome == DealOutcome::Open)
        {
            if let Some(amount) = &deal.amount {
                open.add(amount);
            }
        }
        for money in open.0.values() {
            kpis.push(snapshot(
                parts,
                window,
                "open_pipeline",
                "Open pipeline",
                money,
            ));
        }
    }
    if !parts.contacts.is_empty() {
        let new = |period: &Period| count_in(&parts.contacts, period, |person| person.created);
        kpis.push(compared(
            parts,
            window,
            ("contacts_created", "New contacts", "count", "up"),
            Figure::Count(new(now)),
            Figure::Count(new(before)),
            None,
        ));
    }
    if parts.deals.is_empty() {
        return;
    }

    // Pipeline by stage: the open deals now, in pipeline order.
    let mut stages: BTreeMap<(i64, String), (u64, Totals)> = BTreeMap::new();
    for deal in parts
        .deals
        .iter()
        .filter(|deal| deal.outcome == DealOutcome::Open)
    {
        let entry = stages
            .entry((deal.stage_order.unwrap_or(i64::MAX), deal.stage.clone()))
            .or_default();
        entry.0 += 1;
        if let Some(amount) = &deal.amount {
            entry.1.add(amount);
        }
    }
    let mut currencies: Vec<String> = stages
        .values()
        .flat_map(|(_, totals)| totals.0.keys().cloned())
        .collect();
    currencies.sort();
    currencies.dedup();
    let mut series = vec![Series {
        name: "Open deals".to_owned(),
        points: stages
            .values()
            .map(|(count, _)| Point::count(*count))
            .collect(),
    }];
    for currency in &currencies {
        series.push(Series {
            name: format!("Value ({currency})"),
            points: stages
                .values()
                .map(|(_, totals)| Point::money(&totals.get(currency)))
                .collect(),
        });
    }
    brief.charts.push(Chart {
        id: format!("{}-pipeline", brief.connection),
        title: "Pipeline by stage".to_owned(),
        caption: format!(
            "Open deals by stage, now ({} open)",
            stages.values().map(|(count, _)| count).sum::<u64>()
        ),
        kind: ChartKind::Bars,
        labels: stages.keys().map(|(_, name)| name.clone()).collect(),
        series,
        exponent: 0,
    });

    // Won and lost by month, twelve months up to the period's end.
    let months = trailing_months(window.current.end, 12);
    let per_month = |outcome: DealOutcome| {
        months
            .iter()
            .map(|month| {
                Point::count(
                    parts
                        .deals
                        .iter()
                        .filter(|deal| {
                            deal.outcome == outcome
                                && deal.closed.is_some_and(|day| month.contains(day))
                        })
                        .count() as u64,
                )
            })
            .collect()
    };
    brief.charts.push(Chart {
        id: format!("{}-won-lost", brief.connection),
        title: "Won and lost deals by month".to_owned(),
        caption: format!(
            "Deals closed per month, by close date ({} – {})",
            months[0].start, window.current.end
        ),
        kind: ChartKind::Columns,
        labels: months.iter().map(month_label).collect(),
        series: vec![
            Series {
                name: "Won".to_owned(),
                points: per_month(DealOutcome::Won),
            },
            Series {
                name: "Lost".to_owned(),
                points: per_month(DealOutcome::Lost),
            },
        ],
        exponent: 0,
    });

    // Movers: deals created per stage.
    let mut by_stage: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for deal in &parts.deals {
        let Some(day) = deal.created else { continue };
        let entry = by_stage.entry(deal.stage.as_str()).or_default();
        if now.contains(day) {
            entry.0 += 1;
        } else if before.contains(day) {
            entry.1 += 1;
        }
    }
    let mut stage_movers: Vec<Mover> = by_stage
        .into_iter()
        .filter(|(_, (current, previous))| current != previous)
        .map(|(stage, (current, previous))| {
            mover(
                "stage",
                stage,
                "deals created",
                parts.connection,
                Figure::Count(current),
                Figure::Count(previous),
            )
        })
        .collect();
    keep_largest(&mut stage_movers);
    movers.append(&mut stage_movers);
}

fn billing(
    facts: &Facts,
    parts: &Parts<'_>,
    window: &Window,
    brief: &mut SourceBrief,
    movers: &mut Vec<Mover>,
) {
    let (now, before) = (&window.current, &window.previous);
    let succeeded = |period: &Period| {
        parts
            .payments
            .iter()
            .filter(|payment| {
                payment.status == "succeeded"
                    && payment.created.is_some_and(|day| period.contains(day))
            })
            .copied()
            .collect::<Vec<_>>()
    };
    let net = |payment: &super::facts::Payment| {
        payment.amount.as_ref().map(|amount| {
            let refunded = payment
                .refunded
                .as_ref()
                .filter(|refund| refund.currency == amount.currency)
                .map_or(0, |refund| refund.minor);
            Money {
                minor: amount.minor - refunded,
                ..amount.clone()
            }
        })
    };
    let revenue = |period: &Period| {
        let mut totals = Totals::default();
        for payment in succeeded(period) {
            if let Some(money) = net(payment) {
                totals.add(&money);
            }
        }
        totals
    };
    let kpis = &mut brief.kpis;
    if !parts.payments.is_empty() {
        money_kpis(
            parts,
            window,
            ("revenue", "Revenue, net of refunds", "money", "up"),
            &revenue(now),
            &revenue(before),
            kpis,
        );
        kpis.push(compared(
            parts,
            window,
            ("payments", "Successful payments", "count", "up"),
            Figure::Count(succeeded(now).len() as u64),
            Figure::Count(succeeded(before).len() as u64),
            None,
        ));
        let failed = |period: &Period| {
            parts
                .payments
                .iter()
                .filter(|payment| {
                    payment.status == "failed"
                        && payment.created.is_some_and(|day| period.contains(day))
                })
                .count() as u64
        };
        kpis.push(compared(
            parts,
            window,
            ("failed_payments", "Failed payments", "count", "down"),
            Figure::Count(failed(now)),
            Figure::Count(failed(before)),
            None,
        ));
    }
    if !parts.customers.is_empty() {
        let new = |period: &Period| count_in(&parts.customers, period, |person| person.created);
        kpis.push(compared(
            parts,
            window,
            ("customers_created", "New customers", "count", "up"),
            Figure::Count(new(now)),
            Figure::Count(new(before)),
            None,
        ));
    }
    let mut outstanding = Totals::default();
    for invoice in parts
        .invoices
        .iter()
        .filter(|invoice| invoice.status == "open")
    {
        if let Some(money) = &invoice.remaining {
            outstanding.add(money);
        }
    }
    for money in outstanding.0.values() {
        kpis.push(snapshot(
            parts,
            window,
            "outstanding",
            "Outstanding invoices",
            money,
        ));
    }
    if parts.payments.is_empty() {
        return;
    }

    // Revenue by month, one chart per currency.
    let months = trailing_months(window.current.end, 12);
    let mut by_month: BTreeMap<String, Vec<Totals>> = BTreeMap::new();
    for payment in parts
        .payments
        .iter()
        .filter(|payment| payment.status == "succeeded")
    {
        let (Some(day), Some(money)) = (payment.created, net(payment)) else {
            continue;
        };
        if let Some(index) = months.iter().position(|month| month.contains(day)) {
            by_month
                .entry(money.currency.clone())
                .or_insert_with(|| vec![Totals::default(); months.len()])[index]
                .add(&money);
        }
    }
    for (currency, totals) in &by_month {
        brief.charts.push(Chart {
            id: format!(
                "{}-revenue-{}",
                brief.connection,
                currency.to_ascii_lowercase()
            ),
            title: format!("Revenue by month, {currency}"),
            caption: format!(
                "Succeeded payments net of refunds, {currency} ({} – {})",
                months[0].start, window.current.end
            ),
            kind: ChartKind::Columns,
            labels: months.iter().map(month_label).collect(),
            series: vec![Series {
                name: format!("Revenue ({currency})"),
                points: totals
                    .iter()
                    .map(|total| Point::money(&total.get(currency)))
                    .collect(),
            }],
            exponent: super::money::exponent_of(currency),
        });
    }

    // Movers: revenue per customer and currency.
    let names: BTreeMap<&str, &str> = facts
        .customers
        .iter()
        .filter_map(|person| {
            person
                .name
                .as_deref()
                .map(|name| (person.id.as_str(), name))
        })
        .collect();
    let name_of = |customer: &str| {
        names
            .get(customer)
            .or_else(|| {
                names
                    .iter()
                    .find(|(id, _)| id.ends_with(&format!(":{customer}")))
                    .map(|(_, name)| name)
            })
            .map_or_else(|| customer.to_owned(), |name| (*name).to_owned())
    };
    let mut per_customer: BTreeMap<(String, String), (Totals, Totals)> = BTreeMap::new();
    for payment in parts
        .payments
        .iter()
        .filter(|payment| payment.status == "succeeded")
    {
        let (Some(day), Some(money), Some(customer)) =
            (payment.created, net(payment), payment.customer.as_deref())
        else {
            continue;
        };
        let entry = per_customer
            .entry((customer.to_owned(), money.currency.clone()))
            .or_default();
        if now.contains(day) {
            entry.0.add(&money);
        } else if before.contains(day) {
            entry.1.add(&money);
        }
    }
    let mut customer_movers: Vec<Mover> = per_customer
        .into_iter()
        .filter(|(_, (current, previous))| current != previous)
        .map(|((customer, currency), (current, previous))| {
            mover(
                "customer",
                &name_of(&customer),
                "revenue",
                parts.connection,
                Figure::Money((&current.get(&currency)).into()),
                Figure::Money((&previous.get(&currency)).into()),
            )
        })
        .collect();
    keep_largest(&mut customer_movers);
    movers.append(&mut customer_movers);
}

/// Metrics that add up across days; the others (rates, positions) are averaged.
const ADDITIVE: [&str; 10] = [
    "sessions",
    "totalUsers",
    "newUsers",
    "activeUsers",
    "keyEvents",
    "conversions",
    "screenPageViews",
    "eventCount",
    "clicks",
    "impressions",
];

fn metric_label(metric: &str) -> String {
    match metric {
        "sessions" => "Sessions".to_owned(),
        "totalUsers" => "Users (sum of days)".to_owned(),
        "activeUsers" => "Active users (sum of days)".to_owned(),
        "newUsers" => "New users".to_owned(),
        "keyEvents" => "Key events".to_owned(),
        "conversions" => "Conversions".to_owned(),
        "engagementRate" => "Engagement rate".to_owned(),
        "clicks" => "Clicks".to_owned(),
        "impressions" => "Impressions".to_owned(),
        "ctr" => "CTR".to_owned(),
        "position" => "Average position".to_owned(),
        other => other.to_owned(),
    }
}

fn metric_unit(metric: &str) -> &'static str {
    match metric {
        "ctr" | "engagementRate" | "bounceRate" => "percent",
        "position" => "position",
        _ => "number",
    }
}

fn metrics(
    parts: &Parts<'_>,
    window: &Window,
    brief: &mut SourceBrief,
    movers: &mut Vec<Mover>,
    notes: &mut Vec<Caveat>,
) {
    // Totals come from each metric's least-broken-down stream: the rows with the fewest
    // dimensions (a date-only stream), so breakdowns are never counted twice.
    let mut names: Vec<&str> = parts
        .metrics
        .iter()
        .map(|metric| metric.metric.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let totals_rows = |name: &str| -> Vec<&Metric> {
        let rows: Vec<&Metric> = parts
            .metrics
            .iter()
            .filter(|metric| metric.metric == name)
            .copied()
            .collect();
        let fewest = rows
            .iter()
            .map(|row| row.dimensions.len())
            .min()
            .unwrap_or(0);
        let stream = rows
            .iter()
            .filter(|row| row.dimensions.len() == fewest)
            .map(|row| row.stream.as_str())
            .min()
            .unwrap_or_default()
            .to_owned();
        rows.into_iter()
            .filter(|row| row.dimensions.len() == fewest && row.stream == stream)
            .collect()
    };
    let daily = |rows: &[&Metric], period: &Period| {
        let mut days: BTreeMap<Date, f64> = BTreeMap::new();
        for row in rows.iter().filter(|row| period.contains(row.date)) {
            *days.entry(row.date).or_default() += row.value;
        }
        days
    };
    let impressions = totals_rows("impressions");
    let total = |name: &str, period: &Period| -> Option<f64> {
        let rows = totals_rows(name);
        let days = daily(&rows, period);
        if days.is_empty() {
            return None;
        }
        if ADDITIVE.contains(&name) {
            return Some(days.values().sum());
        }
        if name == "position" || name == "ctr" {
            // Weighted by impressions where known: the figure Search Console itself reports.
            let weights = daily(&impressions, period);
            let weight: f64 = days
                .keys()
                .map(|day| weights.get(day).copied().unwrap_or(0.0))
                .sum();
            if weight > 0.0 {
                let sum: f64 = days
                    .iter()
                    .map(|(day, value)| value * weights.get(day).copied().unwrap_or(0.0))
                    .sum();
                return Some(sum / weight * if name == "ctr" { 100.0 } else { 1.0 });
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "a day count")]
        let mean = days.values().sum::<f64>() / days.len() as f64;
        Some(if metric_unit(name) == "percent" && mean <= 1.0 {
            mean * 100.0
        } else {
            mean
        })
    };
    let order = [
        "sessions",
        "totalUsers",
        "activeUsers",
        "newUsers",
        "keyEvents",
        "conversions",
        "engagementRate",
        "clicks",
        "impressions",
        "ctr",
        "position",
    ];
    let mut ordered: Vec<&str> = order
        .iter()
        .copied()
        .filter(|name| names.contains(name))
        .collect();
    ordered.extend(names.iter().copied().filter(|name| !order.contains(name)));
    for name in &ordered {
        let Some(current) = total(name, &window.current) else {
            continue;
        };
        let previous = total(name, &window.previous);
        let better = if *name == "position" { "down" } else { "up" };
        let mut kpi = compared(
            parts,
            window,
            (name, &metric_label(name), metric_unit(name), better),
            Figure::Number(current),
            Figure::Number(previous.unwrap_or(0.0)),
            None,
        );
        if previous.is_none() {
            kpi.previous = None;
            kpi.change_percent = None;
        }
        brief.kpis.push(kpi);
        let rows = totals_rows(name);
        let days = daily(&rows, &window.current);
        let unit = metric_unit(name);
        let scale = if unit == "percent" && days.values().all(|value| *value <= 1.0) {
            100.0
        } else {
            1.0
        };
        brief.charts.push(Chart {
            id: format!("{}-{}", brief.connection, name.to_ascii_lowercase()),
            title: format!("{} by day", metric_label(name)),
            caption: format!(
                "{} per day ({})",
                metric_label(name),
                window.current.describe()
            ),
            kind: ChartKind::Lines,
            labels: days.keys().map(ToString::to_string).collect(),
            series: vec![Series {
                name: metric_label(name),
                points: days
                    .values()
                    .map(|value| Point::number(value * scale, unit))
                    .collect(),
            }],
            exponent: 3,
        });
    }

    // Movers: the main metric by each single dimension (channel, query, page).
    let main = ["sessions", "clicks"]
        .into_iter()
        .find(|name| names.contains(name));
    if let Some(main) = main {
        let mut by_value: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
        for row in parts
            .metrics
            .iter()
            .filter(|row| row.metric == main && row.dimensions.len() == 1)
        {
            let Some((dimension, value)) = row.dimensions.iter().next() else {
                continue;
            };
            let entry = by_value
                .entry((dimension.clone(), value.clone()))
                .or_default();
            if window.current.contains(row.date) {
                entry.0 += row.value;
            } else if window.previous.contains(row.date) {
                entry.1 += row.value;
            }
        }
        let mut per_dimension: BTreeMap<String, Vec<Mover>> = BTreeMap::new();
        for ((dimension, value), (current, previous)) in by_value {
            if (current - previous).abs() < f64::EPSILON {
                continue;
            }
            let kind = dimension_kind(&dimension);
            per_dimension.entry(kind.clone()).or_default().push(mover(
                &kind,
                &value,
                main,
                parts.connection,
                Figure::Number(current),
                Figure::Number(previous),
            ));
        }
        for (_, mut list) in per_dimension {
            keep_largest(&mut list);
            movers.append(&mut list);
        }
    }

    // Report providers restate their last days on every fetch: recent figures may change. Each
    // stream's window comes from its definition; the newest of its dates ends it.
    let mut newest_per_stream: BTreeMap<&str, Date> = BTreeMap::new();
    for metric in &parts.metrics {
        let newest = newest_per_stream
            .entry(metric.stream.as_str())
            .or_insert(metric.date);
        *newest = (*newest).max(metric.date);
    }
    let mut open: Option<(Date, Date, u32)> = None;
    for (stream, newest) in newest_per_stream {
        let Some(days) = parts
            .restatement_days
            .get(stream)
            .copied()
            .filter(|days| *days > 0)
        else {
            continue;
        };
        let from = newest
            .checked_sub((i64::from(days) - 1).days())
            .unwrap_or(newest);
        if window.current.contains(newest) || window.current.contains(from) {
            open = Some(match open {
                Some((earliest, latest, most)) => {
                    (earliest.min(from), latest.max(newest), most.max(days))
                }
                None => (from, newest, days),
            });
        }
    }
    if let Some((from, newest, days)) = open {
        notes.push(Caveat {
            kind: "restatement_window",
            connection: parts.connection.clone(),
            message: format!(
                "`{}` figures for {from} – {newest} may still change: the provider restates the latest {days} {}, and the next fetch replaces them",
                parts.connection,
                if days == 1 { "day" } else { "days" }
            ),
        });
    }
}

fn dimension_kind(dimension: &str) -> String {
    let lower = dimension.to_ascii_lowercase();
    if lower.contains("channel") {
        "channel".to_owned()
    } else if lower.contains("query") {
        "query".to_owned()
    } else if lower.contains("page") {
        "page".to_owned()
    } else {
        lower
    }
}

fn mover(
    kind: &str,
    name: &str,
    measure: &str,
    connection: &str,
    current: Figure,
    previous: Figure,
) -> Mover {
    let difference = match (&current, &previous) {
        (Figure::Count(now), Figure::Count(before)) => {
            let diff = i128::from(*now) - i128::from(*before);
            format!(
                "{}{}",
                if diff >= 0 { "+" } else { "" },
                super::money::grouped(&diff.to_string())
            )
        }
        (Figure::Money(now), Figure::Money(before)) => {
            let diff = now.minor_units - before.minor_units;
            format!(
                "{} {}{}",
                now.currency,
                if diff >= 0 { "+" } else { "" },
                super::money::grouped(&super::money::decimal_string(diff, now.exponent))
            )
        }
        (Figure::Number(now), Figure::Number(before)) => format!("{:+.0}", now - before),
        _ => String::new(),
    };
    Mover {
        kind: kind.to_owned(),
        name: name.to_owned(),
        measure: measure.to_owned(),
        connection: connection.to_owned(),
        change_percent: change(&current, &previous),
        difference,
        current,
        previous,
    }
}

/// Keeps the five largest absolute changes.
fn keep_largest(movers: &mut Vec<Mover>) {
    movers.sort_by(|left, right| {
        let size = |mover: &Mover| (mover.current.scaled() - mover.previous.scaled()).abs();
        size(right)
            .cmp(&size(left))
            .then_with(|| left.name.cmp(&right.name))
    });
    movers.truncate(5);
}

/// The `count` calendar months ending with the one holding `end` (the last one cut at `end`).
fn trailing_months(end: Date, count: i32) -> Vec<Period> {
    let first = end.first_of_month();
    (0..count)
        .rev()
        .filter_map(|back| {
            let start = first.checked_sub(back.months()).ok()?;
            let last = start.last_of_month().min(end);
            Some(Period { start, end: last })
        })
        .collect()
}

fn month_label(period: &Period) -> String {
    period.start.strftime("%b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn changes_are_rounded_tenths() {
        assert_eq!(change(&Figure::Count(110), &Figure::Count(100)), Some(10.0));
        assert_eq!(change(&Figure::Count(1), &Figure::Count(3)), Some(-66.7));
        assert_eq!(change(&Figure::Count(5), &Figure::Count(0)), None);
    }

    #[test]
    fn months_trail_the_end() {
        let months = trailing_months(date(2026, 3, 15), 3);
        assert_eq!(months.len(), 3);
        assert_eq!(months[0].start, date(2026, 1, 1));
        assert_eq!(months[2].end, date(2026, 3, 15));
        assert_eq!(month_label(&months[1]), "Feb 2026");
    }
}
