//! `inlet demo` runs the whole pipeline, with and without a keychain, and leaves no secret
//! behind in the keychain.

use crate::common::{Home, assert_success, require_keychain, text};

#[test]
fn the_demo_runs_the_pipeline_with_the_keychain() {
    require_keychain();
    let home = Home::new();
    let output = home
        .inlet()
        .env("TMPDIR", home.path())
        .args(["demo", "--records", "300", "--latency", "0"])
        .output()
        .expect("demo");
    assert_success(&output);
    let stderr = text(&output.stderr);
    let stdout = text(&output.stdout);
    for step in [
        "1. Sandbox",
        "2. Connect",
        "3. Fetch",
        "4. Status",
        "5. Export",
        "6. Dashboard",
        "7. Disconnect",
    ] {
        assert!(stderr.contains(step), "{step} in:\n{stderr}");
    }
    assert!(stderr.contains("OS keychain"), "{stderr}");
    // One connection signs in with OAuth (PKCE, the loopback redirect), as a HubSpot app does.
    assert!(
        stderr.contains("inlet connect hubspot --client demo --auth oauth")
            && stderr.contains("mode `oauth`; granted scopes: oauth crm.objects.contacts.read")
            && stderr.contains("credential revoked with the provider"),
        "{stderr}"
    );
    assert!(
        stdout.contains("contacts") && stdout.contains("300"),
        "{stdout}"
    );
    // HubSpot's CRM and Stripe's billing data, 300 contacts and 300 customers at this size.
    assert!(
        stderr.contains("contacts, 30 companies, 75 deals, ")
            && stderr.contains("300 invoices, 600 payments"),
        "{stderr}"
    );
    // The demo ends by writing the dashboard and saying where it is.
    let last = stderr.lines().last().unwrap_or_default();
    let page = last
        .strip_prefix("Open the dashboard: ")
        .unwrap_or_else(|| panic!("the demo ends with the dashboard's path: {last}"));
    let html = std::fs::read_to_string(page).expect("the dashboard exists");
    assert!(html.contains("Pipeline by stage") && html.contains("data-kpi=\"deals_won\""));
    assert!(html.contains("Revenue by month, USD") && html.contains("data-kpi=\"revenue\""));
    // Other tests use other clients; no entry of the demo's may remain.
    let after = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", "inlet"])
        .output()
        .expect("secret-tool");
    for connection in ["demo/hubspot", "demo/stripe"] {
        assert!(
            !text(&after.stdout).contains(&format!("inlet: {connection}")),
            "the demo removed the secret of {connection} from the keychain"
        );
    }
}

#[test]
fn the_demo_says_when_it_has_no_keychain() {
    let home = Home::new();
    let output = home
        .inlet()
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", home.path())
        .env("TMPDIR", home.path())
        .args(["demo", "--records", "50", "--latency", "0"])
        .output()
        .expect("demo");
    assert_success(&output);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no keychain is available"), "{stderr}");
    assert!(
        stderr.contains("temporary file store"),
        "names the store: {stderr}"
    );
    assert!(stderr.contains("demo-secrets.json"), "{stderr}");
}
