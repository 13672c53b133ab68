//! The sandbox's own endpoints under `/_sandbox` (no auth: the sandbox serves loopback only),
//! and the request statistics they report: `POST /_sandbox/tick` applies one churn tick now and
//! lists exactly which records changed; `GET /_sandbox/stats` counts requests, statuses,
//! refusals and injected faults. Neither is subject to latency, limits or faults.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::churn::TickReport;
use super::dates::iso_millis;
use super::faults::Fault;
use super::{Shared, hubspot, stripe};

/// Where the admin endpoints are mounted.
pub(crate) const PREFIX: &str = "/_sandbox";

/// Counters for `GET /_sandbox/stats`; provider requests only.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    requests: AtomicU64,
    by_status: Mutex<BTreeMap<u16, u64>>,
    faults: [AtomicU64; 5],
    rate_limited: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
}

impl Stats {
    /// A provider request arrived: it counts as in flight until the guard drops (answered,
    /// or abandoned by the client).
    pub(crate) fn arrived(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.max_in_flight.fetch_max(now, Ordering::Relaxed);
        InFlight(&self.in_flight)
    }

    /// Counts one answered provider request.
    pub(crate) fn response(&self, status: StatusCode) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut by_status = self
            .by_status
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *by_status.entry(status.as_u16()).or_default() += 1;
    }

    pub(crate) fn fault(&self, fault: Fault) {
        if let Some(slot) = Fault::KEYS.iter().position(|key| *key == fault.key()) {
            self.faults[slot].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts a request refused by an enforced rate limit (not an injected 429).
    pub(crate) fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    fn to_json(&self) -> Value {
        let by_status: Map<String, Value> = self
            .by_status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(status, count)| (status.to_string(), json!(count)))
            .collect();
        let faults: Map<String, Value> = Fault::KEYS
            .iter()
            .zip(&self.faults)
            .map(|(key, count)| ((*key).to_owned(), json!(count.load(Ordering::Relaxed))))
            .collect();
        json!({
            "requests": self.requests.load(Ordering::Relaxed),
            "by_status": by_status,
            "faults_injected": faults,
            "rate_limited": self.rate_limited.load(Ordering::Relaxed),
            "max_in_flight": self.max_in_flight.load(Ordering::Relaxed),
        })
    }
}

/// A request in flight, for the most seen at once (`max_in_flight`).
pub(crate) struct InFlight<'a>(&'a AtomicU64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/tick", post(tick))
        .route("/stats", get(stats))
        .route(
            "/ga4/quota",
            get(super::google::ga4::quota_status).post(super::google::ga4::set_quota),
        )
        .with_state(shared)
}

async fn tick(State(shared): State<Arc<Shared>>) -> Response {
    let report = shared.churn.tick();
    tracing::debug!(tick = report.tick, "sandbox churn tick");
    answer(&tick_json(shared.seed, &report))
}

async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    let mut body = shared.stats.to_json();
    let tick = shared.churn.read().tick();
    if let Value::Object(fields) = &mut body {
        fields.insert("tick".to_owned(), json!(tick));
        fields.insert(
            "clock".to_owned(),
            json!(iso_millis(super::churn::clock_ms(tick))),
        );
    }
    answer(&body)
}

/// `{"tick": n, "clock": "<ISO>", "changed": {"hubspot": {"contacts": [ids…], …}, "stripe":
/// {…}}, "deleted": {…}}`: ids as each provider spells them.
pub(crate) fn tick_json(seed: u64, report: &TickReport) -> Value {
    let by_provider = |lists: &[Vec<u64>; super::churn::STREAMS]| {
        let mut hubspot_ids = Map::new();
        let mut stripe_ids = Map::new();
        let mut salesforce_ids = Map::new();
        for (slot, indexes) in lists.iter().enumerate() {
            if slot < 3 {
                let (name, ids) = hubspot::ids_of(seed, slot, indexes);
                hubspot_ids.insert(name.to_owned(), json!(ids));
            } else if slot < 6 {
                let (name, ids) = stripe::ids_of(seed, slot - 3, indexes);
                stripe_ids.insert(name.to_owned(), json!(ids));
            } else {
                let (name, ids) = super::salesforce::ids_of(slot - 6, indexes);
                salesforce_ids.insert(name.to_owned(), json!(ids));
            }
        }
        json!({ "hubspot": hubspot_ids, "stripe": stripe_ids, "salesforce": salesforce_ids })
    };
    json!({
        "tick": report.tick,
        "clock": iso_millis(report.clock_ms),
        "changed": by_provider(&report.changed),
        "deleted": by_provider(&report.deleted),
    })
}

fn answer(body: &Value) -> Response {
    (
        StatusCode::OK,
        [(CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
