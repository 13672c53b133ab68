//! A connection is bound to the account it verified: reconnecting the same account refreshes
//! the credential and keeps everything; another account is refused unless `--replace`.

use serde_json::Value;

use crate::common::{
    Home, Sandbox, assert_code, assert_success, export_document, keychain_lookup, require_keychain,
    text,
};

fn second_credential(sandbox: &Sandbox) -> String {
    sandbox.banner["providers"][0]["second_credential"]
        .as_str()
        .expect("the sandbox serves a second HubSpot account")
        .to_owned()
}

fn connect_with(
    home: &Home,
    sandbox: &Sandbox,
    token: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "connect",
        "hubspot",
        "--client",
        "acme",
        "--base-url",
        &sandbox.base_url,
        "--token-stdin",
    ];
    args.extend_from_slice(extra);
    home.run_with_stdin(&args, token)
}

fn connection(home: &Home, id: &str) -> Value {
    let status = home.json(&["status", id], 0);
    status["connections"][0].clone()
}

#[test]
fn reconnecting_the_same_account_keeps_schedule_watermarks_and_data() {
    require_keychain();
    let sandbox = Sandbox::start(60, 0);
    let home = Home::new();
    assert_success(&connect_with(
        &home,
        &sandbox,
        &sandbox.token,
        &["--every", "1h"],
    ));
    assert_success(&home.run(&["fetch"]));
    let before = connection(&home, "acme/hubspot");
    assert_eq!(before["schedule"]["every_secs"], 3600);

    let again = connect_with(&home, &sandbox, &sandbox.token, &[]);
    assert_success(&again);
    let stderr = text(&again.stderr);
    assert!(
        stderr.contains("Reconnected `acme/hubspot`")
            && stderr.contains("credential refreshed")
            && stderr.contains("schedule kept (every 1h)")
            && stderr.contains(&format!("{} cached records kept", sandbox.total())),
        "{stderr}"
    );
    let after = connection(&home, "acme/hubspot");
    assert_eq!(
        after["schedule"], before["schedule"],
        "the schedule is kept"
    );
    assert_eq!(
        after["streams"], before["streams"],
        "the watermarks are kept"
    );
    assert_eq!(after["records"], before["records"]);
    assert_eq!(home.record_count("acme/hubspot"), sandbox.total());
    // The next fetch is incremental: nothing new, nothing fetched twice.
    let report = home.json(&["fetch"], 0);
    assert_eq!(report["runs"][0]["records_new"], 0);

    // Asking for another interval on reconnect changes it, and says so.
    let changed = connect_with(&home, &sandbox, &sandbox.token, &["--every", "6h"]);
    assert_success(&changed);
    assert!(text(&changed.stderr).contains("schedule changed (every 6h)"));
    assert_eq!(
        connection(&home, "acme/hubspot")["schedule"]["every_secs"],
        21_600
    );
}

#[test]
fn another_account_is_refused_with_both_choices_and_replace_purges_the_old_data() {
    require_keychain();
    let sandbox = Sandbox::start(60, 0);
    let home = Home::new();
    assert_success(&connect_with(&home, &sandbox, &sandbox.token, &[]));
    assert_success(&home.run(&["fetch"]));
    let first = connection(&home, "acme/hubspot");
    let second = second_credential(&sandbox);

    let refused = connect_with(&home, &sandbox, &second, &[]);
    assert_code(&refused, 2);
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("is connected to HubSpot portal")
            && stderr.contains("nothing was changed")
            && stderr.contains("--replace")
            && stderr.contains("--name hubspot-2"),
        "{stderr}"
    );
    assert!(!stderr.contains(&second), "no secret in the message");
    let unchanged = connection(&home, "acme/hubspot");
    assert_eq!(unchanged["account"], first["account"]);
    assert_eq!(home.record_count("acme/hubspot"), sandbox.total());
    assert_eq!(
        keychain_lookup(&home.profile(), "acme/hubspot").as_deref(),
        Some(sandbox.token.as_str()),
        "the stored credential is still the first account's"
    );

    // The other way out: the new account under its own name, both kept.
    assert_success(&connect_with(
        &home,
        &sandbox,
        &second,
        &["--name", "hubspot-2"],
    ));
    assert_success(&home.run(&["fetch", "acme/hubspot-2"]));
    assert_eq!(home.record_count("acme/hubspot"), sandbox.total());
    assert_eq!(home.record_count("acme/hubspot-2"), sandbox.total());
    assert_success(&home.run(&["disconnect", "acme/hubspot-2", "--yes", "--purge"]));

    // --replace: the old account's records, runs and watermarks go before the new one lands.
    let replaced = connect_with(&home, &sandbox, &second, &["--replace"]);
    assert_success(&replaced);
    assert!(
        text(&replaced.stderr).contains(&format!("{} cached records", sandbox.total())),
        "{}",
        text(&replaced.stderr)
    );
    assert_eq!(home.record_count("acme/hubspot"), 0);
    let now = connection(&home, "acme/hubspot");
    assert_ne!(now["account"]["id"], first["account"]["id"]);
    assert!(
        now["last_run"].is_null(),
        "the old account's runs are gone: {now}"
    );
    let report = home.json(&["fetch"], 0);
    assert_eq!(
        report["runs"][0]["records_new"].as_u64(),
        Some(sandbox.total()),
        "a full fetch: no watermark of the old account"
    );
    let document = export_document(&home, "acme");
    assert_eq!(
        document["manifest"]["connections"][0]["account"]["id"],
        now["account"]["id"]
    );
}
