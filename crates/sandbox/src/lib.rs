//! A local, deterministic emulation of provider APIs (HubSpot CRM, Stripe, Google Analytics 4
//! and Search Console), served over HTTP on loopback, so `inlet sandbox`, `inlet demo`,
//! end-to-end tests and benchmarks need no real account. This file holds what every provider shares: configuration, binding, the state that
//! spans providers (data clock, faults, statistics), per-request latency and logging, and the
//! endpoint summary printed at start.
//!
//! Besides the providers (`/hubspot`, `/stripe`, `/ga4`, `/search-console`) and the paging lab (`/lab`, see `lab.rs`), the
//! sandbox serves its own `/_sandbox/tick` (apply one churn tick now and list what changed) and
//! `/_sandbox/stats` (requests by status, refusals, injected faults, the most in flight at once), without auth, latency
//! or faults.

mod admin;
mod churn;
mod conn;
mod dates;
mod faults;
#[expect(
    clippy::result_large_err,
    reason = "handlers return a whole `Response` as their early-return error, as the lab does"
)]
mod google;
mod hubspot;
// The lab's handlers use a whole `Response` as their early-return error, which is what a
// handler returns anyway; boxing it would only add noise.
#[allow(clippy::result_large_err)]
mod lab;
mod limits;
mod oauth;
mod rng;
// Like the lab, the SOQL parser returns a whole `Response` as its early-return error.
#[allow(clippy::result_large_err)]
mod salesforce;
mod stripe;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use tokio::net::TcpListener;

pub use faults::Faults;
pub use google::ga4::ga4_properties;
pub use google::google_token;
pub use hubspot::{hubspot_counts, hubspot_second_token, hubspot_streams, hubspot_token};
pub use oauth::oauth_client;
pub use salesforce::salesforce_counts;
pub use stripe::{stripe_counts, stripe_key};

/// How to run the sandbox.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Seeds all generated data, the accepted credentials and the injected faults.
    pub seed: u64,
    /// Data set size; each provider derives its per-stream counts from it.
    pub records: u64,
    /// Added before every response, to imitate a remote API.
    pub latency: Duration,
    /// Faults injected into provider responses (default: none).
    pub faults: Faults,
    /// Enforce the providers' documented rate limits (default: only report them in headers).
    pub rate_limit: bool,
    /// Overrides the length of every rate-limit window (e.g. shorter for tests); `None` (or
    /// zero) keeps each provider's own: 10 s for HubSpot's burst, 1 s for its searches and for
    /// Stripe.
    pub rate_window: Option<Duration>,
    /// Requests per rolling 10 s the HubSpot emulation allows and advertises in
    /// `X-HubSpot-RateLimit-Max`: 100 on Free/Starter, 190 on Professional/Enterprise, 250 with
    /// the API add-on (`None`: 100).
    pub hubspot_burst: Option<u64>,
    /// API requests per 24 h the Salesforce org allows (`None`: 15,000, a Developer Edition's);
    /// past it every call is refused with 403 `REQUEST_LIMIT_EXCEEDED`.
    pub salesforce_daily_limit: Option<u64>,
    /// Records changed per stream at each churn tick (default 0: ticks only move the clock).
    /// Each tick moves the data clock (which starts at 2026-04-01T00:00:00Z, after every
    /// generated time) on by an hour and stamps the changed records with it.
    pub churn: u64,
    /// Records deleted per stream at each churn tick, of the streams whose provider deletes
    /// (HubSpot contacts, companies and deals, which then list as archived; Stripe customers,
    /// which then appear as `customer.deleted` events; Salesforce's four objects, which move to
    /// the recycle bin `queryAll` reads). Default 0.
    pub churn_deletes: u64,
    /// Tick automatically at this interval while serving (default `None`, or zero: only on
    /// `POST /_sandbox/tick`).
    pub churn_every: Option<Duration>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            seed: 42,
            records: 250,
            latency: Duration::ZERO,
            faults: Faults::default(),
            rate_limit: false,
            rate_window: None,
            hubspot_burst: None,
            salesforce_daily_limit: None,
            churn: 0,
            churn_deletes: 0,
            churn_every: None,
        }
    }
}

/// What every provider emulation shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) seed: u64,
    /// Whether rate limits refuse requests, not only count them.
    pub(crate) rate_limit: bool,
    rate_window: Option<Duration>,
    pub(crate) hubspot_burst: Option<u64>,
    faults: Faults,
    /// Numbers the requests that faults are drawn for, so draws follow the request order.
    fault_sequence: AtomicU64,
    pub(crate) churn: churn::Churn,
    pub(crate) stats: admin::Stats,
    /// Grants and tokens of the emulated authorization servers.
    pub(crate) oauth: Arc<oauth::Registry>,
    /// GA4's property quota (tokens), shared by its properties.
    pub(crate) ga4_quota: google::ga4::Quota,
}

impl Shared {
    /// The length of a rate-limit window whose provider's own length is `native`.
    pub(crate) fn window(&self, native: Duration) -> Duration {
        self.rate_window
            .filter(|window| !window.is_zero())
            .unwrap_or(native)
    }

    /// The fault, if any, for the next authenticated provider request.
    pub(crate) fn draw_fault(&self) -> Option<faults::Fault> {
        if self.faults.is_none() {
            return None;
        }
        let sequence = self.fault_sequence.fetch_add(1, Ordering::Relaxed);
        let fault = self.faults.draw(self.seed, sequence);
        if let Some(fault) = fault {
            self.stats.fault(fault);
        }
        fault
    }
}

/// What the sandbox serves for one provider: printed at start so a person can connect by hand.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProviderEndpoint {
    /// Provider name as the CLI spells it (`hubspot`).
    pub provider: String,
    /// What a client uses in place of the provider's API origin, e.g. `http://127.0.0.1:PORT/hubspot`.
    pub base_url: String,
    /// The credential the sandbox accepts for this provider.
    pub credential: String,
    /// A credential for a second account that sees the same records under another account
    /// id: connecting it where `credential` is connected is an account switch.
    pub second_credential: Option<String>,
    /// Records served per stream.
    pub streams: Vec<StreamCount>,
    /// The OAuth app registered with the provider's emulated authorization server, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OAuthApp>,
    /// The `connect --auth` mode that sends `credential` as it is, when that is not the
    /// provider's default mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_auth: Option<String>,
}

/// An OAuth app the sandbox has registered: what `connect --auth oauth` needs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OAuthApp {
    /// The authorization server's origin (`connect --auth-url`).
    pub auth_url: String,
    pub client_id: String,
    pub client_secret: String,
}

/// How many records one stream of a provider holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StreamCount {
    /// Stream (object) name, e.g. `contacts`.
    pub stream: String,
    /// How many records the stream holds.
    pub records: u64,
}

/// A bound, not yet serving sandbox: binding first lets the caller learn the port (and print the
/// endpoints) before any request can arrive.
#[derive(Debug)]
pub struct Sandbox {
    listener: TcpListener,
    addr: SocketAddr,
    origin: String,
    config: SandboxConfig,
    router: Router,
    shared: Arc<Shared>,
}

impl Sandbox {
    /// Binds the listener (so the port is known before serving).
    pub async fn bind(config: SandboxConfig) -> io::Result<Sandbox> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let origin = format!("http://{}", reachable(addr));
        let [contacts, companies, deals] = hubspot::churn_counts(config.records);
        let [customers, charges, invoices] = stripe::churn_counts(config.records);
        let [accounts, sf_contacts, opportunities, leads] =
            salesforce::churn_counts(config.records);
        let shared = Arc::new(Shared {
            seed: config.seed,
            rate_limit: config.rate_limit,
            rate_window: config.rate_window,
            hubspot_burst: config.hubspot_burst,
            faults: config.faults,
            fault_sequence: AtomicU64::new(0),
            churn: churn::Churn::new(
                config.seed,
                config.churn,
                config.churn_deletes,
                [
                    contacts,
                    companies,
                    deals,
                    customers,
                    charges,
                    invoices,
                    accounts,
                    sf_contacts,
                    opportunities,
                    leads,
                ],
            ),
            stats: admin::Stats::default(),
            oauth: Arc::new(oauth::Registry::new(config.seed)),
            ga4_quota: google::ga4::Quota::new(config.rate_limit),
        });
        let hubspot = Arc::new(hubspot::HubSpot::new(
            shared.clone(),
            config.records,
            format!("{origin}{}", hubspot::PREFIX),
        ));
        let stripe = Arc::new(stripe::Stripe::new(shared.clone(), config.records));
        let salesforce = Arc::new(salesforce::Salesforce::new(
            shared.clone(),
            config.records,
            config.salesforce_daily_limit,
        ));
        let ga4 = Arc::new(google::ga4::Ga4::new(shared.clone(), config.records));
        let search_console = Arc::new(google::search_console::SearchConsole::new(
            shared.clone(),
            config.records,
        ));
        // Paths outside a provider prefix get axum's default: a plain, empty 404.
        let router = Router::new()
            .nest(hubspot::PREFIX, hubspot::router(hubspot))
            .nest(stripe::PREFIX, stripe::router(stripe))
            .nest(google::ga4::PREFIX, google::ga4::router(ga4))
            .nest(
                google::search_console::PREFIX,
                google::search_console::router(search_console),
            )
            .nest(lab::PREFIX, lab::router(origin.clone()))
            .nest(admin::PREFIX, admin::router(shared.clone()))
            .merge(oauth::router(
                shared.oauth.clone(),
                oauth::HUBSPOT,
                format!("{origin}{}/oauth/v1/token", hubspot::PREFIX),
                [
                    "/hubspot/oauth/authorize",
                    "/hubspot/oauth/v1/token",
                    "/hubspot/oauth/2026-03/token/revoke",
                    "/hubspot/oauth/device",
                ],
            ))
            .merge(oauth::router(
                shared.oauth.clone(),
                oauth::GENERIC,
                format!("{origin}/oauth/token"),
                [
                    "/oauth/authorize",
                    "/oauth/token",
                    "/oauth/revoke",
                    "/oauth/device",
                ],
            ))
            // Google's authorization server, at Google's paths (`connect --auth-url
            // ORIGIN/google`): GA4 and Search Console accept the tokens it issues.
            .merge(oauth::router(
                shared.oauth.clone(),
                oauth::GENERIC,
                format!("{origin}/google/token"),
                [
                    "/google/o/oauth2/v2/auth",
                    "/google/token",
                    "/google/revoke",
                    "/google/device",
                ],
            ))
            .merge(oauth::admin_router(shared.oauth.clone()))
            .nest(salesforce::PREFIX, salesforce::router(salesforce))
            .merge(oauth::salesforce_router(
                shared.oauth.clone(),
                format!("{origin}{}", salesforce::PREFIX),
                salesforce::PREFIX,
            ))
            .layer(middleware::from_fn_with_state(
                Observe {
                    latency: config.latency,
                    shared: shared.clone(),
                },
                observe,
            ));
        Ok(Sandbox {
            listener,
            addr,
            origin,
            config,
            router,
            shared,
        })
    }

    /// The bound address (the real port when the config asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// One entry per emulated provider, with everything needed to connect by hand.
    pub fn endpoints(&self) -> Vec<ProviderEndpoint> {
        vec![
            ProviderEndpoint {
                provider: "hubspot".to_owned(),
                base_url: format!("{}{}", self.origin, hubspot::PREFIX),
                credential: hubspot_token(self.config.seed),
                second_credential: Some(hubspot_second_token(self.config.seed)),
                streams: hubspot_streams(self.config.records),
                oauth: Some({
                    let (client_id, client_secret) = oauth_client(self.config.seed);
                    OAuthApp {
                        auth_url: format!("{}{}", self.origin, hubspot::PREFIX),
                        client_id,
                        client_secret,
                    }
                }),
                credential_auth: None,
            },
            ProviderEndpoint {
                provider: "stripe".to_owned(),
                base_url: format!("{}{}", self.origin, stripe::PREFIX),
                credential: stripe_key(self.config.seed),
                second_credential: None,
                streams: stripe_counts(self.config.records),
                oauth: None,
                credential_auth: None,
            },
            // Report streams have no fixed size: their rows depend on the dates asked for.
            ProviderEndpoint {
                provider: "ga4".to_owned(),
                base_url: format!("{}{}", self.origin, google::ga4::PREFIX),
                credential: google_token(self.config.seed),
                streams: Vec::new(),
                oauth: Some({
                    let (client_id, client_secret) = oauth_client(self.config.seed);
                    OAuthApp {
                        auth_url: format!("{}/google", self.origin),
                        client_id,
                        client_secret,
                    }
                }),
                credential_auth: Some("access_token".to_owned()),
                second_credential: None,
            },
            ProviderEndpoint {
                provider: "search-console".to_owned(),
                base_url: format!("{}{}", self.origin, google::search_console::PREFIX),
                credential: google_token(self.config.seed),
                streams: Vec::new(),
                oauth: Some({
                    let (client_id, client_secret) = oauth_client(self.config.seed);
                    OAuthApp {
                        auth_url: format!("{}/google", self.origin),
                        client_id,
                        client_secret,
                    }
                }),
                credential_auth: Some("access_token".to_owned()),
                second_credential: None,
            },
            ProviderEndpoint {
                provider: "salesforce".to_owned(),
                base_url: format!("{}{}", self.origin, salesforce::PREFIX),
                credential: String::new(),
                second_credential: None,
                credential_auth: None,
                streams: salesforce_counts(self.config.records),
                oauth: Some({
                    let (client_id, client_secret) = oauth_client(self.config.seed);
                    OAuthApp {
                        auth_url: format!("{}{}", self.origin, salesforce::PREFIX),
                        client_id,
                        client_secret,
                    }
                }),
            },
        ]
    }

    /// Serves until `shutdown` resolves, ticking the churn clock on its own when
    /// `churn_every` asks for it.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let ticker = self
            .config
            .churn_every
            .filter(|every| !every.is_zero())
            .map(|every| {
                let shared = self.shared.clone();
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(every).await;
                        let report = shared.churn.tick();
                        tracing::debug!(tick = report.tick, "sandbox churn tick");
                    }
                })
            });
        // The sandbox's own listener sets TCP_NODELAY and lets the `reset` fault cut a
        // connection; handlers reach it through the connect info.
        let service = self
            .router
            .into_make_service_with_connect_info::<conn::CutHandle>();
        let served = axum::serve(conn::Listener::new(self.listener), service)
            .with_graceful_shutdown(shutdown)
            .await;
        if let Some(ticker) = ticker {
            ticker.abort();
        }
        served
    }
}

/// The address clients should use: a wildcard bind is reachable on loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port())
        }
        _ => addr,
    }
}

#[derive(Clone)]
struct Observe {
    latency: Duration,
    shared: Arc<Shared>,
}

/// Wraps every request: waits the configured latency, then counts and logs the outcome. Only
/// the method, path and status are logged; headers (the credentials) and query strings never
/// are. The sandbox's own `/_sandbox` endpoints are neither delayed nor counted.
async fn observe(State(observe): State<Observe>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let admin = path == admin::PREFIX || path.starts_with(&format!("{}/", admin::PREFIX));
    let _in_flight = (!admin).then(|| observe.shared.stats.arrived());
    if !admin && !observe.latency.is_zero() {
        tokio::time::sleep(observe.latency).await;
    }
    let response = next.run(request).await;
    if !admin {
        observe.shared.stats.response(response.status());
    }
    tracing::debug!(%method, %path, status = response.status().as_u16(), "sandbox request");
    response
}
