//! What users see, whole: exit code, stdout and stderr of tables, errors and `--json`, as
//! snapshots (`cargo insta review` shows a change), so any change to them is a deliberate one.

use crate::assert_seen;
use crate::common::{Home, Sandbox, require_keychain};

#[test]
fn status_table_json_and_errors_as_a_user_sees_them() {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let home = Home::new();
    assert_seen!("status-empty", &home, home.run(&["status"]));
    home.connect(&sandbox, "acme");
    let (stripe_url, stripe_key, _) = sandbox.provider("stripe");
    home.connect_to("stripe", "acme", &stripe_url, &stripe_key, &[]);
    let fetched = home.run(&["fetch", "--client", "acme"]);
    assert_seen!("fetch-table", &home, fetched);
    assert_seen!("status-table", &home, home.run(&["status"]));
    assert_seen!(
        "status-narrow",
        &home,
        home.inlet()
            .env("COLUMNS", "60")
            .args(["status"])
            .output()
            .expect("status")
    );
    assert_seen!(
        "fetch-narrow",
        &home,
        home.inlet()
            .env("COLUMNS", "60")
            .args(["fetch", "acme/hubspot"])
            .output()
            .expect("fetch")
    );
    assert_seen!(
        "fetch-quiet",
        &home,
        home.run(&["-q", "fetch", "acme/stripe"])
    );
    assert_seen!(
        "schedule-show",
        &home,
        home.run(&["schedule", "show", "acme/hubspot"])
    );

    // Errors: a typo gets a suggestion, in text and in JSON.
    assert_seen!("error-typo", &home, home.run(&["fetch", "acme/hubspto"]));
    assert_seen!(
        "error-typo-json",
        &home,
        home.run(&["--json", "fetch", "acme/hubspto"])
    );
    assert_seen!(
        "error-duration",
        &home,
        home.run(&["schedule", "set", "acme/hubspot", "1m", "--retry", "5m"])
    );
    assert_seen!(
        "error-no-client",
        &home,
        home.run(&["export", "--client", "acne"])
    );
}

/// `providers show` as a consultant reads it before connecting: what to register, the
/// allowance a fetch keeps clear of, the responses that stop it, and the headers it pins.
#[test]
fn provider_definitions_as_a_user_reads_them() {
    let home = Home::new();
    assert_seen!(
        "providers-show-salesforce",
        &home,
        home.run(&["providers", "show", "salesforce"])
    );
    assert_seen!(
        "providers-show-stripe",
        &home,
        home.run(&["providers", "show", "stripe"])
    );
}

/// An `INLET_NOW` that does not read as an instant is refused before any command runs, rather
/// than schedules being judged at the real time while the user thinks they moved it.
#[test]
fn a_clock_override_that_does_not_parse_is_refused() {
    let home = Home::new();
    for text in ["tomorrow", "2026-12-04"] {
        let output = home
            .inlet()
            .env("INLET_NOW", text)
            .args(["status"])
            .output()
            .expect("status");
        assert_eq!(output.status.code(), Some(2), "INLET_NOW={text}");
    }
    assert_seen!(
        "error-clock-override",
        &home,
        home.inlet()
            .env("INLET_NOW", "tomorrow")
            .args(["--json", "schedule", "show"])
            .output()
            .expect("schedule show")
    );
    let moved = home
        .inlet()
        .env("INLET_NOW", "2030-01-01T00:00:00Z")
        .args(["status"])
        .output()
        .expect("status");
    assert_eq!(moved.status.code(), Some(0));
}
