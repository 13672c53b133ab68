//! The real Secret Service: connect stores the secret, disconnect removes it, profiles never
//! share one, and a missing keychain is reported with the options and stores nothing.

use crate::common::{
    Home, Sandbox, assert_code, assert_success, keychain_lookup, require_keychain, text,
};

#[test]
fn connect_stores_the_secret_and_disconnect_removes_it() {
    require_keychain();
    let sandbox = Sandbox::start(30, 0);
    let home = Home::new();
    let output = home.run_with_stdin(
        &[
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
        ],
        &sandbox.token,
    );
    assert_success(&output);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("Connected `acme/hubspot`"), "{stderr}");
    assert!(
        stderr.contains("OS keychain"),
        "says where the secret went: {stderr}"
    );

    let profile = home.profile();
    assert_eq!(
        keychain_lookup(&profile, "acme/hubspot").as_deref(),
        Some(sandbox.token.as_str())
    );

    let status = home.json(&["status"], 0);
    assert_eq!(status["connections"][0]["credential"]["source"], "keychain");
    assert_eq!(status["connections"][0]["account"]["id"], "40000042");

    let output = home.run(&["disconnect", "acme/hubspot", "--yes"]);
    assert_success(&output);
    assert_eq!(
        keychain_lookup(&profile, "acme/hubspot"),
        None,
        "the secret is gone from the keychain"
    );
    assert_eq!(
        home.json(&["status"], 0)["connections"],
        serde_json::json!([])
    );
}

#[test]
fn two_homes_never_share_a_secret() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let first = Home::new();
    let second = Home::new();
    first.connect(&sandbox, "acme");
    second.connect(&sandbox, "acme");
    assert_ne!(first.profile(), second.profile());
    assert_success(&first.run(&["disconnect", "acme/hubspot", "--yes"]));
    assert_eq!(keychain_lookup(&first.profile(), "acme/hubspot"), None);
    assert!(
        keychain_lookup(&second.profile(), "acme/hubspot").is_some(),
        "the other profile keeps its secret"
    );
    assert_success(&second.inlet().args(["fetch"]).output().expect("run"));
}

#[test]
fn without_a_keychain_connect_names_the_options_and_stores_nothing() {
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    let output = home
        .inlet()
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", home.path())
        .args([
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(sandbox.token.as_bytes())?;
            child.wait_with_output()
        })
        .expect("run inlet");
    assert_code(&output, 1);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no keychain is available"), "{stderr}");
    assert!(
        stderr.contains("INLET_TOKEN_"),
        "names the environment option: {stderr}"
    );
    assert!(stderr.contains("inlet demo"), "{stderr}");
    assert!(
        home.snapshot().is_empty(),
        "nothing stored: {:?}",
        home.snapshot()
    );
}

#[test]
fn the_environment_takes_precedence_over_the_keychain() {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");

    // A wrong token in the environment wins over the right one in the keychain: exit 4.
    let output = home
        .inlet()
        .env("INLET_TOKEN_ACME_HUBSPOT", "pat-wrong-token")
        .args(["fetch"])
        .output()
        .expect("run");
    assert_code(&output, 4);
    let status: serde_json::Value = serde_json::from_slice(
        &home
            .inlet()
            .env("INLET_TOKEN_ACME_HUBSPOT", "x")
            .args(["status", "--json"])
            .output()
            .expect("run")
            .stdout,
    )
    .expect("json");
    assert_eq!(
        status["connections"][0]["credential"]["source"],
        "environment"
    );
    assert_eq!(
        status["connections"][0]["credential"]["variable"],
        "INLET_TOKEN_ACME_HUBSPOT"
    );

    // With the keychain entry gone, the environment alone is enough (CI).
    let cleared = std::process::Command::new("secret-tool")
        .args([
            "clear",
            "service",
            "inlet",
            "username",
            &format!("{}:acme/hubspot", home.profile()),
        ])
        .status()
        .expect("secret-tool");
    assert!(cleared.success());
    assert_code(&home.run(&["fetch"]), 4);
    let output = home
        .inlet()
        .env("INLET_TOKEN_ACME_HUBSPOT", &sandbox.token)
        .args(["fetch"])
        .output()
        .expect("run");
    assert_success(&output);
    assert_eq!(home.record_count("acme/hubspot"), sandbox.total());
}
