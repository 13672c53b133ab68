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
