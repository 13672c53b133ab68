//! `inlet sandbox`: serve the provider emulations on loopback until Ctrl-C.

use std::io::Write as _;
use std::time::Duration;

use crate::cli::SandboxArgs;
use crate::error::{ExitStatus, UserError};
use crate::output::Printer;
use inlet_sandbox::{Sandbox, SandboxConfig};

pub(super) async fn run(printer: Printer, args: &SandboxArgs) -> anyhow::Result<ExitStatus> {
    if !args.addr.ip().is_loopback() {
        return Err(UserError::usage(format!(
            "the sandbox listens on loopback only, not `{}`",
            args.addr
        ))
        .hint("use `--addr 127.0.0.1:PORT`")
        .into());
    }
    let config = SandboxConfig {
        addr: args.addr,
        seed: args.seed,
        records: args.records,
        latency: Duration::from_millis(args.latency),
        faults: args.faults.unwrap_or_default(),
        rate_limit: args.rate_limit,
        rate_window: args.rate_window,
        hubspot_burst: args.hubspot_burst,
        salesforce_daily_limit: args.salesforce_daily_limit,
        churn: args.churn,
        churn_deletes: args.churn_deletes,
        churn_every: args.churn_every,
    };
    let sandbox = Sandbox::bind(config).await.map_err(|error| {
        let addr = args.addr;
        if error.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::Error::new(
                UserError::failure(format!(
                    "port {} on {} is already in use, so the sandbox cannot listen there",
                    addr.port(),
                    addr.ip()
                ))
                .hint(format!(
                    "stop what listens there (`ss -ltnp 'sport = :{}'` shows it), or pick a free port: `inlet sandbox --addr {}:0`",
                    addr.port(),
                    addr.ip()
                )),
            )
        } else {
            anyhow::Error::new(error).context(format!("the sandbox cannot listen on {addr}"))
        }
    })?;
    let endpoints = sandbox.endpoints();
    if printer.json() {
        // One line, flushed, so a script can read it and then connect.
        let mut out = printer.data();
        writeln!(
            out,
            "{}",
            serde_json::json!({ "schema_version": 1, "address": sandbox.local_addr().to_string(), "providers": endpoints })
        )?;
        out.flush()?;
    } else {
        let mut text = format!(
            "inlet sandbox listening on http://{} (Ctrl-C stops it)\n",
            sandbox.local_addr()
        );
        for endpoint in &endpoints {
            let counts: Vec<String> = endpoint
                .streams
                .iter()
                .map(|count| format!("{} {}", count.stream, count.records))
                .collect();
            // Report providers have no fixed record count: it depends on the dates fetched.
            let records = if counts.is_empty() {
                String::new()
            } else {
                format!("  records:    {}\n", counts.join(", "))
            };
            let mode = endpoint
                .credential_auth
                .as_deref()
                .map(|mode| format!(" --auth {mode}"))
                .unwrap_or_default();
            text.push_str(&format!(
                "\n{}\n  base URL:   {}\n{records}",
                endpoint.provider, endpoint.base_url,
            ));
            if !endpoint.credential.is_empty() {
                text.push_str(&format!(
                    "  credential: {}\n  connect:    printf %s '{}' | inlet connect {} --client demo{mode} --base-url {} --token-stdin\n",
                    endpoint.credential, endpoint.credential, endpoint.provider, endpoint.base_url,
                ));
            }
            if let Some(oauth) = &endpoint.oauth {
                // A provider with no static credential signs in only with OAuth, and takes its
                // base URL from the sign-in.
                let oauth_only = endpoint.credential.is_empty();
                text.push_str(&format!(
                    "  OAuth app:  client id {}, client secret {} (the sign-in page approves at once)\n",
                    oauth.client_id, oauth.client_secret,
                ));
                text.push_str(&format!(
                    "  OAuth:      printf %s '{}' | inlet connect {} --client demo --name {}-oauth{} --set client_id={} --auth-url {}{} --token-stdin\n",
                    oauth.client_secret,
                    endpoint.provider,
                    endpoint.provider,
                    if oauth_only { "" } else { " --auth oauth" },
                    oauth.client_id,
                    oauth.auth_url,
                    if oauth_only {
                        String::new()
                    } else {
                        format!(" --base-url {}", endpoint.base_url)
                    },
                ));
            }
        }
        printer.text_data(&text)?;
    }
    sandbox.serve(shutdown_signal()).await?;
    Ok(ExitStatus::Success)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
