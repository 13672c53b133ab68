//! Failures that are not failures: a stream some connections lack, a question answered no.

use crate::common::{Home, Sandbox, assert_code, assert_success, require_keychain, text};

#[test]
fn a_stream_only_some_connections_have_skips_the_others() {
    require_keychain();
    let sandbox = Sandbox::start(8, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let (stripe_url, stripe_token, _) = sandbox.provider("stripe");
    home.connect_to("stripe", "acme", &stripe_url, &stripe_token, &[]);

    let output = home.run(&[
        "--json", "fetch", "--client", "acme", "--stream", "contacts",
    ]);
    assert_success(&output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let runs = report["runs"].as_array().expect("runs");
    assert_eq!(
        runs.len(),
        1,
        "only the connection with `contacts`: {report}"
    );
    assert_eq!(runs[0]["connection"], "acme/hubspot");
    assert_eq!(runs[0]["outcome"], "ok");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("Skipping `acme/stripe`: stripe has no stream `contacts`"),
        "{stderr}"
    );

    // No selected connection has it: that is still a usage error.
    assert_code(
        &home.run(&["fetch", "acme/stripe", "--stream", "contacts"]),
        2,
    );
}

/// A host that refuses every connection of a run: each retry is shown on the progress line and
/// in the log, every attempt is counted, and inlet gives up after a few quick attempts instead of
/// the full backoff (which once meant 42 s of silence and `REQUESTS 1`).
#[test]
fn an_unreachable_host_shows_each_retry_counts_every_attempt_and_gives_up_soon() {
    require_keychain();
    let sandbox = Sandbox::start(8, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    drop(sandbox);

    let started = std::time::Instant::now();
    let output = home.run(&["--json", "-v", "fetch"]);
    let took = started.elapsed();
    assert_code(&output, 1);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let run = &report["runs"][0];
    let streams = run["streams"].as_array().expect("streams");
    assert!(!streams.is_empty(), "{report}");
    for stream in streams {
        assert_eq!(stream["requests"], 3, "every attempt counted: {stream}");
    }
    assert_eq!(
        run["requests"].as_u64(),
        Some(3 * streams.len() as u64),
        "{run}"
    );
    let error = run["error"].as_str().expect("error");
    assert!(
        error.contains("cannot reach") && error.contains("(3 attempts): connection refused"),
        "{error}"
    );
    let log = text(&output.stderr);
    assert!(log.contains("retrying 2/3 in "), "{log}");
    assert!(log.contains("retrying 3/3 in "), "{log}");
    assert!(
        took < std::time::Duration::from_secs(15),
        "gave up after {took:?}, not after the full backoff"
    );

    // On a terminal, the progress line says what it waits for.
    let command = format!(
        "'{}' --home '{}' fetch",
        crate::common::BIN,
        home.path().display()
    );
    let shown = std::process::Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script (util-linux)");
    let screen = text(&shown.stdout);
    assert!(
        screen.contains(": retrying 2/3 in ") && screen.contains("connection refused"),
        "{screen}"
    );
}
