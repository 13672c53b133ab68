//! A canary secret never reaches the database, the export, `status --json`, stderr at `-vvv`,
//! or any process's arguments.

use std::process::Stdio;

use crate::common::{Home, Sandbox, assert_success, require_keychain, text};

fn assert_no_canary(what: &str, bytes: &[u8], canary: &str) {
    let haystack = String::from_utf8_lossy(bytes);
    assert!(!haystack.contains(canary), "the secret leaked into {what}");
    // Half the secret is already too much.
    assert!(
        !haystack.contains(&canary[canary.len() / 2..]),
        "part of the secret leaked into {what}"
    );
}

#[test]
fn the_secret_never_leaves_the_keychain() {
    require_keychain();
    let sandbox = Sandbox::start(300, 100);
    let canary = sandbox.token.clone();
    let home = Home::new();

    let connect = home.run_with_stdin(
        &[
            "-vvv",
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
        ],
        &canary,
    );
    assert_success(&connect);
    assert_no_canary("connect's stderr at -vvv", &connect.stderr, &canary);
    assert_no_canary("connect's stdout", &connect.stdout, &canary);

    // A fetch that takes a while, so its arguments can be read while it runs.
    let child = home
        .inlet()
        .args(["-vvv", "fetch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fetch");
    let mut cmdline = Vec::new();
    for _ in 0..200 {
        cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains("fetch") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(
        String::from_utf8_lossy(&cmdline).contains("fetch"),
        "could read the fetch's arguments while it ran"
    );
    assert_no_canary("the fetch's arguments", &cmdline, &canary);
    let fetch = child.wait_with_output().expect("wait");
    assert_success(&fetch);
    assert!(
        text(&fetch.stderr).contains("TRACE") || text(&fetch.stderr).contains("DEBUG"),
        "-vvv logs"
    );
    assert_no_canary("fetch's stderr at -vvv", &fetch.stderr, &canary);
    assert_no_canary("fetch's stdout", &fetch.stdout, &canary);

    let status = home.run(&["--json", "-vvv", "status"]);
    assert_success(&status);
    assert_no_canary("status --json", &status.stdout, &canary);
    assert_no_canary("status's stderr", &status.stderr, &canary);

    let export = home.run(&["export", "--client", "acme"]);
    assert_success(&export);
    let document = std::fs::read(home.path().join("data/exports/acme.json")).expect("export");
    assert_no_canary("the export", &document, &canary);

    for entry in std::fs::read_dir(home.path().join("data"))
        .expect("data dir")
        .flatten()
    {
        if entry.path().is_file() {
            let bytes = std::fs::read(entry.path()).expect("read");
            assert_no_canary(&format!("`{}`", entry.path().display()), &bytes, &canary);
        }
    }
}

#[test]
fn a_wrong_token_is_not_echoed_back() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    let canary = "pat-canary-0123456789abcdef0123456789abcdef";
    let output = home.run_with_stdin(
        &[
            "-vvv",
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
        ],
        canary,
    );
    assert_eq!(output.status.code(), Some(4));
    assert_no_canary("a failed connect's stderr", &output.stderr, canary);
}
