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
