//! A local, deterministic emulation of provider APIs (HubSpot CRM today), served over HTTP on
//! loopback, so `inlet sandbox`, `inlet demo`, end-to-end tests and benchmarks need no real
//! account. This file holds what every provider shares: configuration, binding, per-request
//! latency and logging, and the endpoint summary printed at start.

mod dates;
mod hubspot;
mod rng;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;

pub use hubspot::{hubspot_counts, hubspot_token};

/// How to run the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Seeds all generated data and the accepted credentials.
    pub seed: u64,
    /// Data set size; each provider derives its per-stream counts from it.
    pub records: u64,
    /// Added before every response, to imitate a remote API.
    pub latency: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            seed: 42,
            records: 250,
            latency: Duration::ZERO,
        }
    }
}

/// What the sandbox serves for one provider: printed at start so a person can connect by hand.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProviderEndpoint {
    /// Provider name as the CLI spells it (`hubspot`).
    pub provider: String,
    /// What a client uses in place of the provider's API origin, e.g. `http://127.0.0.1:PORT/hubspot`.
    pub base_url: String,
    /// The only credential the sandbox accepts for this provider.
    pub credential: String,
    /// Records served per stream.
    pub streams: Vec<StreamCount>,
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
}

impl Sandbox {
    /// Binds the listener (so the port is known before serving).
    pub async fn bind(config: SandboxConfig) -> io::Result<Sandbox> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let origin = format!("http://{}", reachable(addr));
        let hubspot = Arc::new(hubspot::HubSpot::new(
            config.seed,
            config.records,
            format!("{origin}{}", hubspot::PREFIX),
        ));
        // Paths outside a provider prefix get axum's default: a plain, empty 404.
        let router = Router::new()
            .nest(hubspot::PREFIX, hubspot::router(hubspot))
            .layer(middleware::from_fn_with_state(config.latency, observe));
        Ok(Sandbox {
            listener,
            addr,
            origin,
            config,
            router,
        })
    }

    /// The bound address (the real port when the config asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// One entry per emulated provider, with everything needed to connect by hand.
    pub fn endpoints(&self) -> Vec<ProviderEndpoint> {
        vec![ProviderEndpoint {
            provider: "hubspot".to_owned(),
            base_url: format!("{}{}", self.origin, hubspot::PREFIX),
            credential: hubspot_token(self.config.seed),
            streams: hubspot_counts(self.config.records),
        }]
    }

    /// Serves until `shutdown` resolves.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        // Small JSON answers should not wait on Nagle's algorithm; benchmarks measure this.
        let listener = self.listener.tap_io(|stream| {
            if let Err(err) = stream.set_nodelay(true) {
                tracing::debug!(error = %err, "sandbox could not set TCP_NODELAY");
            }
        });
        axum::serve(listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
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

/// Wraps every request: waits the configured latency, then logs the outcome. Only the method,
/// path and status are logged; headers (the bearer token) and query strings never are.
async fn observe(State(latency): State<Duration>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let response = next.run(request).await;
    tracing::debug!(%method, %path, status = response.status().as_u16(), "sandbox request");
    response
}
