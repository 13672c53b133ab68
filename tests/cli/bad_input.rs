//! Bad input: each case gets a clear message, the documented exit code, and nothing changes on
//! disk.

use crate::common::{Home, Sandbox, assert_code, keychain_lookup, require_keychain, text};

/// Runs a command that must fail with `code` and a message containing `needle`, and asserts
/// that the home is byte-for-byte as it was.
fn fails_cleanly(home: &Home, args: &[&str], stdin: Option<&str>, code: i32, needle: &str) {
    let before = home.snapshot();
    let output = match stdin {
        Some(input) => home.run_with_stdin(args, input),
        None => home.run(args),
    };
    assert_code(&output, code);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("error:") && stderr.contains(needle),
        "expected `{needle}` in:\n{stderr}"
    );
    assert!(
        output.stdout.is_empty(),
        "nothing on stdout: {}",
        text(&output.stdout)
    );
    assert_eq!(
        home.snapshot(),
        before,
        "nothing changed on disk for {args:?}"
    );
}

/// A home with one fetched connection, so "nothing changed" means something.
fn populated() -> (Sandbox, Home) {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    crate::common::assert_success(&home.run(&["fetch"]));
    crate::common::assert_success(&home.run(&["export", "--client", "acme"]));
    (sandbox, home)
}

#[test]
fn unknown_provider() {
    let (sandbox, home) = populated();
    fails_cleanly(
        &home,
        &["connect", "nosuch", "--client", "acme", "--token-stdin"],
        Some(&sandbox.token),
        2,
        "unknown provider `nosuch`",
    );
    let empty = Home::new();
    fails_cleanly(
        &empty,
        &["connect", "nosuch", "--client", "acme", "--token-stdin"],
        Some("x"),
        2,
        "known providers: ga4, hubspot",
    );
}

#[test]
fn malformed_connection_ids_and_names() {
    let (_sandbox, home) = populated();
    fails_cleanly(
        &home,
        &["fetch", "Acme/HubSpot"],
        None,
        2,
        "is not a connection id",
    );
    fails_cleanly(&home, &["fetch", "acme"], None, 2, "CLIENT/NAME");
    fails_cleanly(
        &home,
        &["status", "acme/hub spot"],
        None,
        2,
        "is not a connection id",
    );
    fails_cleanly(
        &home,
        &["disconnect", "a/b/c", "--yes"],
        None,
        2,
        "is not a connection id",
    );
    fails_cleanly(
        &home,
        &["connect", "hubspot", "--client", "ACME", "--token-stdin"],
        Some("x"),
        2,
        "not a valid client name",
    );
    fails_cleanly(
        &home,
        &[
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--name",
            "a/b",
            "--token-stdin",
        ],
        Some("x"),
        2,
        "not a valid connection name",
    );
}

#[test]
fn wrong_token() {
    let (sandbox, home) = populated();
    let profile = home.profile();
    fails_cleanly(
        &home,
        &[
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--name",
            "second",
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
        ],
        Some("pat-wrong-00000000"),
        4,
        "cannot connect `acme/second`",
    );
    assert_eq!(
        keychain_lookup(&profile, "acme/second"),
        None,
        "nothing stored in the keychain"
    );
    // The provider's own message comes through, sanitized.
    let output = Home::new().run_with_stdin(
        &[
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
        ],
        "pat-wrong-00000000",
    );
    assert!(
        text(&output.stderr).contains("Authentication credentials not found"),
        "{}",
        text(&output.stderr)
    );
    assert!(text(&output.stderr).contains("HTTP 401"));
}

#[test]
fn wrong_token_on_a_fresh_machine_creates_nothing() {
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    fails_cleanly(
        &home,
        &[
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
        ],
        Some("pat-wrong-00000000"),
        4,
        "rejected the credential",
    );
    assert!(home.snapshot().is_empty());
}

#[test]
fn unreachable_base_url() {
    let (sandbox, home) = populated();
    // Port 9 (discard) on loopback: nothing listens there.
    fails_cleanly(
        &home,
        &[
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--name",
            "other",
            "--base-url",
            "http://127.0.0.1:9/hubspot",
            "--token-stdin",
        ],
        Some(&sandbox.token),
        1,
        "cannot reach `http://127.0.0.1:9/hubspot/account-info/v3/details`",
    );
    fails_cleanly(
        &home,
        &[
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--base-url",
            "not a url",
            "--token-stdin",
        ],
        Some(&sandbox.token),
        2,
        "is not a usable base URL",
    );
    // Credentials in a URL would sit in argv, the cache and `status`: refused, and not echoed.
    let output = home.run_with_stdin(
        &[
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--base-url",
            "https://user:hunter2@example.com/x?api_key=s3cret",
            "--token-stdin",
        ],
        &sandbox.token,
    );
    assert_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no user info, no query"), "{stderr}");
    assert!(
        !stderr.contains("hunter2") && !stderr.contains("s3cret"),
        "{stderr}"
    );
}

#[test]
fn unknown_client_on_export() {
    let (_sandbox, home) = populated();
    fails_cleanly(
        &home,
        &["export", "--client", "globex"],
        None,
        2,
        "unknown client `globex`",
    );
    fails_cleanly(
        &home,
        &["export", "--client", "globex", "--out", "-"],
        None,
        2,
        "unknown client `globex`",
    );
    fails_cleanly(
        &home,
        &["export", "--client", "Not Valid"],
        None,
        2,
        "not a valid client name",
    );
    fails_cleanly(
        &Home::new(),
        &["export", "--client", "acme"],
        None,
        2,
        "unknown client `acme`",
    );
}

#[test]
fn disconnect_of_a_missing_connection() {
    let (_sandbox, home) = populated();
    fails_cleanly(
        &home,
        &["disconnect", "acme/salesforce", "--yes"],
        None,
        2,
        "no connection `acme/salesforce`",
    );
    fails_cleanly(
        &Home::new(),
        &["disconnect", "acme/hubspot", "--yes"],
        None,
        2,
        "no connection `acme/hubspot`",
    );
}

#[test]
fn disconnect_without_a_terminal_needs_yes() {
    let (_sandbox, home) = populated();
    fails_cleanly(&home, &["disconnect", "acme/hubspot"], None, 2, "--yes");
    assert!(
        keychain_lookup(&home.profile(), "acme/hubspot").is_some(),
        "the secret is still there"
    );
}

#[test]
fn connect_without_a_terminal_needs_token_stdin() {
    let (_sandbox, home) = populated();
    fails_cleanly(
        &home,
        &["connect", "hubspot", "--client", "acme"],
        None,
        2,
        "--token-stdin",
    );
    fails_cleanly(
        &home,
        &["connect", "hubspot", "--client", "acme", "--token-stdin"],
        Some("  \n"),
        2,
        "is empty",
    );
}

#[test]
fn fetch_and_status_of_unknown_things() {
    let (_sandbox, home) = populated();
    fails_cleanly(
        &home,
        &["fetch", "acme/salesforce"],
        None,
        2,
        "no connection `acme/salesforce`",
    );
    fails_cleanly(
        &home,
        &["fetch", "--client", "globex"],
        None,
        2,
        "unknown client `globex`",
    );
    fails_cleanly(
        &home,
        &["status", "--client", "globex"],
        None,
        2,
        "unknown client `globex`",
    );
}

#[test]
fn usage_errors_from_the_parser_exit_2() {
    let home = Home::new();
    let output = home.run(&["fetch", "--no-such-flag"]);
    assert_code(&output, 2);
    let output = home.run(&["connect"]);
    assert_code(&output, 2);
    assert!(home.snapshot().is_empty());
}
