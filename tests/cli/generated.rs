//! `completions/`, `man/` (from the clap model) and `schemas/` (from the provider model) are
//! generated; this keeps them fresh.

use std::path::Path;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("read `{}`: {error}", dir.display()))
        .flatten()
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let fresh = tempfile::tempdir().expect("temp dir");
    inlet::commands::generate_files(fresh.path()).expect("generate");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["completions", "man", "schemas"] {
        assert!(
            files(&root.join(dir)) == files(&fresh.path().join(dir)),
            "`{dir}/` is stale: run `cargo run -- __generate` and commit the result"
        );
    }
}

#[test]
fn completions_print_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = std::process::Command::new(crate::common::BIN)
            .args(["completions", shell])
            .output()
            .expect("run");
        assert!(output.status.success(), "{shell}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("inlet"),
            "{shell}"
        );
    }
}

#[test]
fn connection_ids_clients_providers_and_streams_complete_live() {
    let sandbox = crate::common::Sandbox::start(5, 0);
    let home = crate::common::Home::new();
    let output = home
        .inlet()
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
        .expect("connect");
    crate::common::assert_success(&output);
    let complete = |words: &[&str]| {
        let output = home
            .inlet()
            .env("COMPLETE", "fish")
            .arg("--")
            .args(words)
            .output()
            .expect("complete");
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(
        complete(&["inlet", "fetch", "ac"]).contains("acme/hubspot\tHubSpot portal"),
        "{}",
        complete(&["inlet", "fetch", "ac"])
    );
    assert!(complete(&["inlet", "disconnect", ""]).contains("acme/hubspot"));
    assert!(complete(&["inlet", "export", "--client", ""]).contains("acme"));
    assert!(complete(&["inlet", "connect", "st"]).contains("stripe"));
    assert!(complete(&["inlet", "fetch", "--stream", "in"]).contains("invoices"));
    let registration = std::process::Command::new(crate::common::BIN)
        .args(["completions", "bash", "--dynamic"])
        .output()
        .expect("run");
    assert!(
        String::from_utf8_lossy(&registration.stdout).contains("COMPLETE"),
        "the registration calls back into inlet"
    );
}
