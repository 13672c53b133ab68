//! Where a connection's secret comes from: `INLET_TOKEN_…` variables that never mix up two
//! connections, and what `status` and `disconnect` say about each source.

use crate::common::{Home, Sandbox, assert_code, assert_success, require_keychain, text};

fn connect_named(home: &Home, sandbox: &Sandbox, client: &str, name: &str) -> std::process::Output {
    home.run_with_stdin(
        &[
            "connect",
            "hubspot",
            "--client",
            client,
            "--name",
            name,
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
        ],
        &sandbox.token,
    )
}

#[test]
fn dash_and_slash_give_different_variables() {
    require_keychain();
    let sandbox = Sandbox::start(6, 0);
    let home = Home::new();
    assert_success(&connect_named(&home, &sandbox, "acme-eu", "ga4"));
    assert_success(&connect_named(&home, &sandbox, "acme", "eu-ga4"));

    // A wrong token for `acme-eu/ga4` only, in the variable the README documents for it.
    let with_env = |args: &[&str]| {
        home.inlet()
            .env("INLET_TOKEN_ACME__EU_GA4", "pat-wrong-token")
            .args(args)
            .output()
            .expect("run inlet")
    };
    assert_code(&with_env(&["fetch", "acme-eu/ga4"]), 4);
    let other = with_env(&["fetch", "acme/eu-ga4"]);
    assert_success(&other);
    assert_eq!(home.record_count("acme/eu-ga4"), sandbox.total());

    let status: serde_json::Value =
        serde_json::from_slice(&with_env(&["status", "--json"]).stdout).expect("status JSON");
    let source = |id: &str| {
        status["connections"]
            .as_array()
            .and_then(|rows| rows.iter().find(|row| row["connection"] == id))
            .map(|row| row["credential"].clone())
            .unwrap_or_default()
    };
    assert_eq!(source("acme-eu/ga4")["source"], "environment");
    assert_eq!(
        source("acme-eu/ga4")["variable"],
        "INLET_TOKEN_ACME__EU_GA4"
    );
    assert_eq!(source("acme/eu-ga4")["source"], "keychain");
}

#[test]
fn a_connection_whose_variable_is_taken_is_refused() {
    require_keychain();
    let sandbox = Sandbox::start(3, 0);
    let home = Home::new();
    assert_success(&connect_named(&home, &sandbox, "acme", "a-_b"));
    let before = home.json(&["status"], 0);

    let output = connect_named(&home, &sandbox, "acme", "a_-b");
    assert_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("`acme/a_-b` would read the same secret variable as `acme/a-_b`"),
        "{stderr}"
    );
    assert!(stderr.contains("INLET_TOKEN_ACME_A_____B"), "{stderr}");
    assert!(stderr.contains("--name a_b"), "a name that works: {stderr}");
    assert_eq!(home.json(&["status"], 0), before, "nothing recorded");

    // The suggested name works.
    assert_success(&connect_named(&home, &sandbox, "acme", "a_b"));
}

/// A command with no keychain at all: no session bus, as in CI or under cron.
fn without_keychain(home: &Home) -> std::process::Command {
    let mut command = home.inlet();
    command
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", home.path());
    command
}

#[test]
fn a_connection_from_the_environment_is_disconnected_without_a_keychain() {
    let sandbox = Sandbox::start(4, 0);
    let home = Home::new();
    let connect = without_keychain(&home)
        .env("INLET_TOKEN_ACME_HUBSPOT", &sandbox.token)
        .args([
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--base-url",
            &sandbox.base_url,
            "--secret-from-env",
        ])
        .output()
        .expect("run inlet");
    assert_success(&connect);

    // Without the variable, status names it rather than blaming a keychain it never used.
    let status = without_keychain(&home)
        .args(["status", "--json"])
        .output()
        .expect("run inlet");
    assert_success(&status);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).expect("JSON");
    let credential = &status["connections"][0]["credential"];
    assert_eq!(credential["source"], "environment");
    assert_eq!(credential["variable"], "INLET_TOKEN_ACME_HUBSPOT");
    assert_eq!(credential["health"], "attention");
    let problem = &status["connections"][0]["problems"][0];
    assert!(
        problem["message"]
            .as_str()
            .is_some_and(|message| message.contains("`INLET_TOKEN_ACME_HUBSPOT` is not set")),
        "{problem}"
    );
    assert_eq!(problem["fix"], "set INLET_TOKEN_ACME_HUBSPOT");

    let disconnect = without_keychain(&home)
        .args(["--json", "disconnect", "acme/hubspot", "--yes"])
        .output()
        .expect("run inlet");
    assert_success(&disconnect);
    let report: serde_json::Value = serde_json::from_slice(&disconnect.stdout).expect("JSON");
    assert_eq!(report["secret_stored"], false);
    assert_eq!(report["secret_removed"], false);
    let status = without_keychain(&home)
        .args(["status", "--json"])
        .output()
        .expect("run inlet");
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).expect("JSON");
    assert_eq!(status["connections"], serde_json::json!([]));
}

#[test]
fn disconnect_revokes_the_stored_secret_not_the_environments() {
    require_keychain();
    let sandbox = Sandbox::start(2, 0);
    let home = Home::new();
    // HubSpot's sandbox answers this call only for its own token: a revoke that tells which
    // token it was given.
    let hubspot = include_str!("../../providers/hubspot.toml").replace(
        "[limits]",
        "[revoke]\npath = \"/account-info/v3/details\"\n\n[limits]",
    );
    home.provider_override("hubspot.toml", &hubspot);
    home.connect(&sandbox, "acme");
    let output = home
        .inlet()
        .env("INLET_TOKEN_ACME_HUBSPOT", "pat-na1-someone-elses-token")
        .args(["--json", "disconnect", "acme/hubspot", "--yes"])
        .output()
        .expect("run inlet");
    assert_success(&output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["revoked"], true, "{}", text(&output.stderr));
    assert_eq!(report["secret_removed"], true);
    assert!(
        text(&output.stderr).contains("`INLET_TOKEN_ACME_HUBSPOT` is still set"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn status_blames_the_source_the_refused_run_used() {
    require_keychain();
    let sandbox = Sandbox::start(3, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    // The scheduled run had a stale token in its environment; this terminal has none.
    let fetch = home
        .inlet()
        .env("INLET_TOKEN_ACME_HUBSPOT", "pat-na1-revoked-long-ago")
        .args(["fetch"])
        .output()
        .expect("run inlet");
    assert_code(&fetch, 4);

    let status = home.json(&["status"], 0);
    let row = &status["connections"][0];
    assert_eq!(row["credential"]["source"], "keychain");
    assert_eq!(
        row["credential"]["health"], "ok",
        "the keychain is not blamed"
    );
    assert_eq!(row["credential"]["refused_source"], "environment");
    assert_eq!(
        row["credential"]["refused_variable"],
        "INLET_TOKEN_ACME_HUBSPOT"
    );
    let problem = &row["problems"][0];
    assert!(
        problem["message"]
            .as_str()
            .is_some_and(|message| message.contains("the token in `INLET_TOKEN_ACME_HUBSPOT`")),
        "{problem}"
    );
    assert!(
        problem["fix"]
            .as_str()
            .is_some_and(|fix| fix.starts_with("update INLET_TOKEN_ACME_HUBSPOT")),
        "not a reconnect: {problem}"
    );
    let table = text(&home.run(&["status"]).stdout);
    assert!(table.contains("✓ keychain"), "{table}");
    assert!(
        table.contains("✗ INLET_TOKEN_ACME_HUBSPOT refused"),
        "{table}"
    );
}

#[test]
fn a_run_that_cannot_reach_the_keychain_is_recorded_as_failed() {
    require_keychain();
    let sandbox = Sandbox::start(3, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    // Cron without the user's session bus.
    let fetch = without_keychain(&home)
        .args(["fetch", "--due", "--quiet"])
        .output()
        .expect("run inlet");
    assert_code(&fetch, 1);

    let status = home.json(&["status", "acme/hubspot"], 0);
    let run = &status["connections"][0]["last_run"];
    assert_eq!(run["outcome"], "failed", "{status}");
    assert!(
        run["error"]
            .as_str()
            .is_some_and(|error| error.contains("no keychain is available")),
        "{run}"
    );
    assert!(
        status["connections"][0]["problems"]
            .as_array()
            .is_some_and(|problems| problems.iter().any(|problem| problem["kind"] == "failed")),
        "{status}"
    );
}
