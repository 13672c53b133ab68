//! Purging cached data: one connection (connected or not) or a whole client, with the client's
//! export files; `status` lists data kept without a connection.

use serde_json::Value;

use crate::common::{Home, Sandbox, assert_code, assert_success, require_keychain, text};

fn kept(home: &Home) -> Value {
    home.json(&["status"], 0)["kept_data"].clone()
}

#[test]
fn data_kept_by_a_plain_disconnect_is_listed_and_can_still_be_purged() {
    require_keychain();
    let sandbox = Sandbox::start(30, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_success(&home.run(&["fetch"]));
    assert_success(&home.run(&["export", "--client", "acme"]));
    let file = home.path().join("data/exports/acme.json");
    assert!(file.exists());
    assert_success(&home.run(&["disconnect", "acme/hubspot", "--yes"]));

    // The client has no connection but still has data: status says so, and how to delete it.
    let listed = kept(&home);
    assert_eq!(listed[0]["connection"], "acme/hubspot");
    assert_eq!(listed[0]["records"].as_u64(), Some(sandbox.total()));
    assert_eq!(listed[0]["fix"], "inlet purge acme/hubspot");
    let table = home.run(&["status"]);
    assert_success(&table);
    assert!(
        text(&table.stdout).contains("acme/hubspot"),
        "{}",
        text(&table.stdout)
    );
    assert!(
        text(&table.stderr).contains("inlet purge"),
        "{}",
        text(&table.stderr)
    );

    // `disconnect --purge` of what a plain disconnect left works, export files included.
    let purged = home.run(&["disconnect", "acme/hubspot", "--purge", "--yes"]);
    assert_success(&purged);
    assert!(
        text(&purged.stderr).contains("removed"),
        "{}",
        text(&purged.stderr)
    );
    assert_eq!(home.record_count("acme/hubspot"), 0);
    assert!(!file.exists(), "the export file is gone");
    assert_eq!(kept(&home), Value::Array(Vec::new()));
    assert_code(&home.run(&["export", "--client", "acme"]), 2);
    let nothing = home.run(&["purge", "acme/hubspot", "--yes"]);
    assert_code(&nothing, 2);
    assert!(text(&nothing.stderr).contains("nothing is cached for `acme/hubspot`"));
}

#[test]
fn purging_a_client_removes_records_runs_watermarks_and_export_files_only_of_that_client() {
    require_keychain();
    let sandbox = Sandbox::start(40, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let (stripe_url, stripe_key, _) = sandbox.provider("stripe");
    home.connect_to("stripe", "acme", &stripe_url, &stripe_key, &[]);
    home.connect(&sandbox, "beta");
    assert_success(&home.run(&["fetch"]));
    assert_success(&home.run(&["export", "--client", "acme"]));
    assert_success(&home.run(&["export", "--client", "acme", "--format", "csv"]));
    assert_success(&home.run(&["export", "--client", "beta"]));
    let exports = home.path().join("data/exports");

    let unconfirmed = home.run(&["purge", "--client", "acme"]);
    assert_code(&unconfirmed, 2);
    assert!(text(&unconfirmed.stderr).contains("--yes"));
    assert_eq!(
        home.record_count("acme/hubspot"),
        sandbox.total(),
        "nothing changed"
    );

    let purged = home.json(&["purge", "--client", "acme", "--yes"], 0);
    assert_eq!(purged["connections"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        purged["export_files_removed"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(home.record_count("acme/hubspot"), 0);
    assert_eq!(home.record_count("acme/stripe"), 0);
    assert!(!exports.join("acme.json").exists() && !exports.join("acme").exists());
    // Beta is untouched.
    assert_eq!(home.record_count("beta/hubspot"), sandbox.total());
    assert!(exports.join("beta.json").exists());
    // Connections stay; runs and watermarks are gone, so the next fetch is a full one.
    let status = home.json(&["status", "acme/hubspot"], 0);
    let row = &status["connections"][0];
    assert!(row["last_run"].is_null(), "{row}");
    assert_eq!(row["streams"], Value::Array(Vec::new()), "{row}");
    let again = home.json(&["fetch", "acme/hubspot"], 0);
    assert_eq!(
        again["runs"][0]["records_new"].as_u64(),
        Some(sandbox.total())
    );
    let modes: Vec<&str> = again["runs"][0]["streams"]
        .as_array()
        .expect("streams")
        .iter()
        .map(|stream| stream["mode"].as_str().unwrap_or_default())
        .collect();
    assert!(modes.iter().all(|mode| *mode == "full"), "{modes:?}");

    let both = home.run(&["purge", "acme/hubspot", "--client", "acme", "--yes"]);
    assert_code(&both, 2);
}
