//! `inlet demo`: the whole pipeline against the built-in sandbox, in a temporary home, showing
//! each step: connect, fetch (with progress), status, export, disconnect.

use std::time::Duration;

use crate::catalog::Catalog;
use crate::cli::DemoArgs;
use crate::context::Context;
use crate::error::ExitStatus;
use crate::export::Format;
use crate::ids::ConnectionId;
use crate::paths::Paths;
use crate::secrets::{self, SecretBackend};
use inlet_sandbox::{self as sandbox, Sandbox, SandboxConfig};

const SEED: u64 = 42;

pub(super) async fn run(ctx: &Context, args: &DemoArgs) -> anyhow::Result<ExitStatus> {
    let printer = ctx.printer;
    let home = tempfile::Builder::new()
        .prefix("inlet-demo-")
        .tempdir()?
        .keep();
    let mut demo = ctx.clone();
    demo.paths = Paths::resolve(Some(&home))?;
    demo.paths.ensure_data_dir()?;
    printer.status(&format!(
        "inlet demo: a temporary home at `{}`\n",
        home.display()
    ));

    let config = SandboxConfig {
        addr: ([127, 0, 0, 1], 0).into(),
        seed: SEED,
        records: args.records,
        latency: Duration::from_millis(args.latency),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::bind(config).await?;
    // HubSpot for the CRM, Stripe for billing: together they fill every part of the dashboard.
    let endpoints: Vec<sandbox::ProviderEndpoint> = ["hubspot", "stripe"]
        .iter()
        .map(|provider| {
            sandbox
                .endpoints()
                .into_iter()
                .find(|endpoint| endpoint.provider == *provider)
                .ok_or_else(|| anyhow::anyhow!("the sandbox serves no {provider} emulation"))
        })
        .collect::<anyhow::Result<_>>()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(sandbox.serve(async move {
        let _ = stopped.await;
    }));
    printer.status(&format!(
        "1. Sandbox: HubSpot and Stripe emulations at {} and {}",
        endpoints[0].base_url, endpoints[1].base_url
    ));

    demo.secrets = match secrets::probe(&SecretBackend::Keychain) {
        Ok(()) => {
            printer.status("   Secrets go to your OS keychain, and are removed again at the end.");
            SecretBackend::Keychain
        }
        Err(error) => {
            let file = home.join("demo-secrets.json");
            printer.warn(&format!("{error}."));
            printer.status(&format!(
                "   The demo keeps its one sandbox secret in a temporary file store instead: `{}` (plaintext, mode 0600).\n   Real commands never do this: they need a keychain, or `INLET_TOKEN_<CLIENT>_<NAME>`.",
                file.display()
            ));
            SecretBackend::TemporaryFile(file)
        }
    };

    let result = pipeline(&demo, &endpoints).await;
    let _ = stop.send(());
    let _ = server.await;
    let dashboard = result?;
    printer.status(&format!(
        "\nDone. Everything is in `{}`; delete it when you are finished.\nConnect a real account with `inlet connect hubspot --client CLIENT`.\nOpen the dashboard: {}",
        home.display(),
        dashboard.display()
    ));
    Ok(ExitStatus::Success)
}

/// Connects with an OAuth authorization code sign-in against the sandbox's authorization
/// server, exactly as `connect --auth oauth` does (PKCE, state, a loopback listener), with the
/// demo following the consent page's redirect where a person's browser would.
async fn sign_in_and_connect(
    demo: &Context,
    provider: &crate::catalog::Provider,
    id: &ConnectionId,
    endpoint: &sandbox::ProviderEndpoint,
    registered: &sandbox::OAuthApp,
) -> anyhow::Result<()> {
    use crate::auth::{TokenClient, app, flow, loopback::Loopback};
    let auth = provider.auth_mode(Some("oauth"))?;
    let oauth = auth
        .oauth
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the {} definition has no OAuth mode", provider.id))?;
    let settings: std::collections::BTreeMap<String, String> =
        [("client_id".to_owned(), registered.client_id.clone())].into();
    let app = app::App {
        oauth,
        settings: &settings,
        endpoints: app::endpoints(oauth, &settings, Some(&registered.auth_url))?,
        client_secret: Some(secrecy::SecretString::from(
            registered.client_secret.clone(),
        )),
        private_key: None,
    };
    let listener = Loopback::bind(None).await?;
    let pending = flow::authorize(&app, &listener.redirect_uri)?;
    let state = pending.state().to_owned();
    let browser = tokio::spawn(play_browser(pending.url.to_string()));
    let target = listener
        .wait(Duration::from_secs(30), |target| {
            flow::code_from_redirect(&state, target).map(|_| ())
        })
        .await?;
    browser.await??;
    let code = flow::code_from_redirect(&state, &target)?;
    let tokens = flow::finish(&TokenClient::new()?, &app, &pending, &code).await?;
    let stored = super::connect_oauth::stored_for(
        auth,
        oauth,
        &app,
        &tokens,
        Some(registered.auth_url.clone()),
    );
    let request = super::register::Request {
        provider,
        id: id.clone(),
        base_url: endpoint.base_url.clone(),
        auth,
        settings: settings.clone(),
        schedule: None,
        replace: false,
        auth_url: Some(registered.auth_url.clone()),
        store_secret: true,
        stored: Some(stored.to_secret()),
    };
    super::register::connect(demo, &request, &tokens.access).await?;
    demo.printer.status(&format!(
        "  mode `oauth`; granted scopes: {}",
        stored.scopes.join(" ")
    ));
    Ok(())
}

/// What a browser does with the sign-in URL on the sandbox: load the consent page, which
/// redirects at once, and follow that redirect to inlet's loopback listener.
async fn play_browser(url: String) -> anyhow::Result<()> {
    // The same TLS provider as inlet's own client (the first to install it wins).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let consent = client.get(&url).send().await?;
    let callback = consent
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| anyhow::anyhow!("the consent page did not redirect"))?
        .to_owned();
    client.get(&callback).send().await?;
    Ok(())
}

/// Runs the steps; returns the dashboard's path.
async fn pipeline(
    demo: &Context,
    endpoints: &[sandbox::ProviderEndpoint],
) -> anyhow::Result<std::path::PathBuf> {
    let printer = demo.printer;
    let catalog = Catalog::built_in()?;
    let mut ids = Vec::new();
    for (index, endpoint) in endpoints.iter().enumerate() {
        let provider = catalog.get(&endpoint.provider)?;
        let id = ConnectionId::new("demo", &endpoint.provider)?;
        // HubSpot signs in with OAuth, as a consultant's own HubSpot app would.
        if let Some(app) = endpoint
            .oauth
            .as_ref()
            .filter(|_| endpoint.provider == "hubspot")
        {
            printer.status(&format!(
                "{}2. Connect: `inlet connect hubspot --client demo --auth oauth --set client_id={} --auth-url {} --base-url {}`\n   (a browser sign-in; the sandbox's consent page approves at once, and the demo plays the browser)",
                if index == 0 { "\n" } else { "" },
                app.client_id,
                app.auth_url,
                endpoint.base_url
            ));
            sign_in_and_connect(demo, provider, &id, endpoint, app).await?;
            ids.push(id);
            continue;
        }
        let token = secrecy::SecretString::from(endpoint.credential.clone());
        printer.status(&format!(
            "{}2. Connect: `inlet connect {} --client demo --base-url {}`",
            if index == 0 { "\n" } else { "" },
            endpoint.provider,
            endpoint.base_url
        ));
        let request = super::register::Request {
            provider,
            id: id.clone(),
            base_url: endpoint.base_url.clone(),
            auth: provider.auth_mode(None)?,
            settings: std::collections::BTreeMap::new(),
            schedule: None,
            replace: false,
            auth_url: None,
            store_secret: true,
            stored: None,
        };
        super::register::connect(demo, &request, &token).await?;
        ids.push(id);
    }

    printer.status("\n3. Fetch: `inlet fetch --client demo`");
    let options = crate::sync::FetchOptions {
        stream_jobs: 3,
        ..Default::default()
    };
    let named: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let selection = super::fetch::Selection {
        named: &named,
        client: None,
        due: false,
        wait: Duration::ZERO,
    };
    let reports = super::fetch::fetch(demo, &selection, &options, 2).await?;
    let mut table = crate::output::table(&[
        "CONNECTION",
        "STREAM",
        "OUTCOME",
        "NEW",
        "UPDATED",
        "PAGES",
        "REQUESTS",
    ]);
    for report in &reports {
        for stream in &report.streams {
            table.add_row(vec![
                report.connection.to_string(),
                stream.stream.clone(),
                stream.outcome.as_str().to_owned(),
                stream.counts.records_new.to_string(),
                stream.counts.records_updated.to_string(),
                stream.counts.pages.to_string(),
                stream.counts.requests.to_string(),
            ]);
        }
        if let Some(failure) = &report.failure {
            anyhow::bail!("the demo fetch failed: {}", failure.message);
        }
    }
    printer.text_data(&table.to_string())?;

    printer.status("\n4. Status: `inlet status`");
    let rows = super::status::collect(demo, &[], None)?;
    super::status::render(demo, &rows)?;

    printer.status("\n5. Export: `inlet export --client demo`");
    let (path, summary) = super::export::export_client(demo, "demo", None, Format::Json)?;
    let shown = path
        .map(|path| path.display().to_string())
        .unwrap_or_default();
    printer.done(&format!("Exported {} to `{shown}`", summary.describe()));

    // The sandbox's data stops in spring 2026: the period ends with it rather than today.
    printer.status("\n6. Dashboard: `inlet dashboard --client demo --until latest`");
    let (store, facts) = super::dashboard::load_client(demo, "demo")?;
    let window = super::dashboard::resolve_window("90d", Some("latest"), &facts)?;
    let (dashboard, _) = super::dashboard::write_dashboard(demo, &store, &facts, &window, None)?;
    drop(store);
    printer.done(&format!(
        "Wrote the dashboard of {} to `{}`",
        window.current.describe(),
        dashboard.display()
    ));

    printer.status(
        "\n7. Disconnect: `inlet disconnect demo/hubspot --yes`, and demo/stripe (cached data, the export and the dashboard stay)",
    );
    let mut store = demo.store()?;
    for id in &ids {
        super::disconnect::disconnect(demo, &mut store, id, false).await?;
    }
    Ok(dashboard)
}
