//! What a person reads: tables that fit and align, times as distances, `-q`, `--json` errors,
//! broken pipes, suggestions, and hints whose commands work as written.

use std::io::Read as _;
use std::process::Stdio;

use serde_json::Value;

use crate::common::{BIN, Home, Sandbox, assert_code, assert_success, require_keychain, text};

/// Text without ANSI escape sequences, as a terminal shows it.
fn visible(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ … final byte in @..~
            if chars.peek() == Some(&'[') {
                chars.next();
                for next in chars.by_ref() {
                    if ('@'..='~').contains(&next) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn two_connections(sandbox: &Sandbox) -> Home {
    let home = Home::new();
    home.connect(sandbox, "acme");
    home.connect_to(
        "hubspot",
        "acme-europe-division",
        &sandbox.base_url,
        &sandbox.token,
        &["--name", "hubspot-eu-marketing"],
    );
    assert_success(&home.run(&["fetch", "acme/hubspot"]));
    home
}

#[test]
fn the_status_table_fits_the_terminal_and_stays_aligned_in_color() {
    require_keychain();
    let sandbox = Sandbox::start(10, 0);
    let home = two_connections(&sandbox);
    for width in [60_usize, 160] {
        let output = home
            .inlet()
            .env("COLUMNS", width.to_string())
            .args(["--color", "always", "status"])
            .output()
            .expect("run inlet");
        assert_success(&output);
        let raw = text(&output.stdout);
        assert!(raw.contains('\u{1b}'), "cells are colored: {raw}");
        let shown = visible(&raw);
        let lines: Vec<&str> = shown.lines().filter(|line| !line.is_empty()).collect();
        assert!(lines.len() > 4, "{shown}");
        let widths: std::collections::BTreeSet<usize> =
            lines.iter().map(|line| line.chars().count()).collect();
        assert_eq!(
            widths.len(),
            1,
            "every line as wide as the others:\n{shown}"
        );
        let table = widths.into_iter().next().unwrap_or(0);
        assert!(
            table <= width,
            "{table} columns in a {width}-column terminal:\n{shown}"
        );
        assert!(shown.contains("acme/hub"), "{shown}");
    }
}

#[test]
fn tables_give_distances_and_json_gives_utc() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = two_connections(&sandbox);
    let later = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(2))
        .expect("two hours on");
    let output = home
        .inlet()
        .env("INLET_NOW", later.to_string())
        .args(["status"])
        .output()
        .expect("run inlet");
    let table = text(&output.stdout);
    assert!(table.contains("2 h ago"), "{table}");
    // Due 24 h after the run; relative times round down, and the run ended a moment before
    // the clock was set two hours on.
    assert!(
        table.contains("in 22 h") || table.contains("in 21 h"),
        "{table}"
    );
    assert!(
        !table.contains("T0") && !table.contains("Z\n"),
        "no RFC 3339 in the table: {table}"
    );
    let json = home.json(&["status"], 0);
    let finished = json["connections"][1]["last_run"]["finished_at"]
        .as_str()
        .expect("finished_at");
    assert!(
        finished.ends_with('Z') && finished.parse::<jiff::Timestamp>().is_ok(),
        "{finished}"
    );
}

#[test]
fn quiet_means_errors_warnings_and_data_only() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let quiet = home.run(&["fetch", "--quiet"]);
    assert_success(&quiet);
    assert_eq!(text(&quiet.stdout), "", "no summary table");
    assert_eq!(text(&quiet.stderr), "");

    let failing = home
        .inlet()
        .env("INLET_TOKEN_ACME_HUBSPOT", "pat-na1-wrong")
        .args(["fetch", "--quiet", "--full-refresh"])
        .output()
        .expect("run inlet");
    assert_code(&failing, 4);
    assert_eq!(text(&failing.stdout), "");
    assert!(
        text(&failing.stderr).contains("warning: `acme/hubspot` failed"),
        "{}",
        text(&failing.stderr)
    );

    // `status` exists to print its table: `-q` keeps it.
    let status = home.run(&["status", "-q"]);
    assert!(text(&status.stdout).contains("acme/hubspot"));
}

/// Runs inlet with stdout closed before it writes anything: `inlet … | head -0`.
fn with_closed_stdout(home: &Home, args: &[&str]) -> std::process::Output {
    let mut child = home
        .inlet()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run inlet");
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let status = child.wait().expect("wait");
    std::process::Output {
        status,
        stdout: Vec::new(),
        stderr: stderr.into_bytes(),
    }
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    for args in [
        &["fetch", "--json"][..],
        &["providers", "show", "hubspot", "--json"],
        &["providers", "schema"],
        &["status", "--json"],
        &["status"],
        &["providers", "list"],
    ] {
        let output = with_closed_stdout(&home, args);
        assert_code(&output, 0);
        assert!(
            !text(&output.stderr).contains("error"),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
}

#[test]
fn every_help_puts_the_global_options_under_their_own_heading() {
    let home = Home::new();
    for args in [
        &["--help"][..],
        &["status", "--help"],
        &["connect", "--help"],
        &["providers", "show", "--help"],
        &["schedule", "install", "--help"],
    ] {
        let help = text(&home.run(args).stdout);
        let (own, global) = help
            .split_once("Global options:")
            .unwrap_or_else(|| panic!("{args:?}: no global heading:\n{help}"));
        for flag in ["--home", "--json", "--quiet", "--no-input", "--color"] {
            assert!(
                global.contains(flag),
                "{args:?}: {flag} under the global heading"
            );
            assert!(
                !own.contains(&format!("  {flag}")) && !own.contains(&format!(", {flag}")),
                "{args:?}: {flag} among the command's own"
            );
        }
    }
}

#[test]
fn with_json_an_error_is_a_json_object_on_stdout_too() {
    let home = Home::new();
    let output = home.run(&["--json", "status", "acme/nosuch"]);
    assert_code(&output, 2);
    let error: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(error["error"]["code"], "usage");
    assert_eq!(error["error"]["exit_code"], 2);
    assert_eq!(error["error"]["message"], "no connection `acme/nosuch`");
    assert!(error["error"]["hint"].is_string(), "{error}");
    assert!(
        text(&output.stderr).contains("error: no connection"),
        "text on stderr as well"
    );

    // A command line clap refuses, too.
    let output = home.run(&["fetch", "--json", "--jobs", "many"]);
    assert_code(&output, 2);
    let error: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(error["error"]["code"], "usage");
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("--jobs")),
        "{error}"
    );
}

#[test]
fn near_misses_get_a_suggestion() {
    require_keychain();
    let sandbox = Sandbox::start(3, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    for (args, suggestion) in [
        (
            &["providers", "show", "hubspt"][..],
            "did you mean `hubspot`?",
        ),
        (
            &["connect", "hubspt", "--client", "acme"],
            "did you mean `hubspot`?",
        ),
        (&["status", "acme/hubspto"], "did you mean `acme/hubspot`?"),
        (&["fetch", "--client", "acmee"], "did you mean `acme`?"),
        (&["export", "--client", "acm"], "did you mean `acme`?"),
    ] {
        let output = home.run(args);
        assert_code(&output, 2);
        assert!(
            text(&output.stderr).contains(suggestion),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
}

#[test]
fn validate_reports_every_problem_in_one_run() {
    let home = Home::new();
    let broken = include_str!("../../providers/hubspot.toml")
        .replacen(
            "category = \"crm\"",
            "category = \"crm\"\ncolour = \"blue\"",
            1,
        )
        .replacen("requests = 100", "requests = \"lots\"", 1)
        .replacen("[verify]", "[verify]\nmethod2 = \"GET\"", 1)
        .replacen("primary_key =", "primary_kee =", 1);
    let file = home.path().join("broken.toml");
    std::fs::write(&file, broken).expect("write");
    let output = home.run(&[
        "--json",
        "providers",
        "validate",
        &file.display().to_string(),
    ]);
    assert_code(&output, 1);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let paths: Vec<&str> = report["files"][0]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|problem| problem["path"].as_str())
        .collect();
    for expected in [
        "colour",
        "limits.requests",
        "verify.method2",
        "streams[0].primary_kee",
    ] {
        assert!(paths.contains(&expected), "{expected} in {paths:?}");
    }
    assert!(
        !paths.contains(&"limits"),
        "no consequence of a problem reported as another: {paths:?}"
    );
}

#[test]
fn paths_ports_and_folders_are_named_with_the_fix() {
    let home = Home::new();
    let output = home.run(&["providers", "validate", "/nonexist.toml"]);
    assert_code(&output, 2);
    assert!(
        text(&output.stderr).contains("no file `/nonexist.toml`"),
        "{}",
        text(&output.stderr)
    );

    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let output = home.run(&["sandbox", "--addr", &format!("127.0.0.1:{port}")]);
    assert_code(&output, 1);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{stderr}"
    );
    assert!(stderr.contains("--addr 127.0.0.1:0"), "{stderr}");
}

#[test]
fn export_to_a_folder_writes_the_clients_file_in_it() {
    require_keychain();
    let sandbox = Sandbox::start(3, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_success(&home.run(&["fetch"]));
    let dir = home.path().join("dashboards");
    std::fs::create_dir_all(&dir).expect("dir");
    let out = format!("{}/", dir.display());
    let output = home.run(&["--json", "export", "--client", "acme", "--out", &out]);
    assert_success(&output);
    let document: Value = serde_json::from_slice(
        &std::fs::read(dir.join("acme.json")).expect("acme.json in the folder"),
    )
    .expect("JSON");
    assert_eq!(document["client"], "acme");
}

#[test]
fn suggested_commands_keep_every_flag() {
    require_keychain();
    let sandbox = Sandbox::start(3, 0);
    let home = Home::new();
    // No terminal and no token: the hint is this very command, with --token-stdin.
    let output = home.run(&[
        "connect",
        "hubspot",
        "--client",
        "acme",
        "--name",
        "hubspot-eu",
        "--base-url",
        &sandbox.base_url,
    ]);
    assert_code(&output, 2);
    let expected = format!(
        "inlet connect hubspot --client acme --name hubspot-eu --base-url {} --token-stdin",
        sandbox.base_url
    );
    assert!(
        text(&output.stderr).contains(&expected),
        "{}",
        text(&output.stderr)
    );

    // Run the hint as written: it connects `acme/hubspot-eu`, not `acme/hubspot`.
    let hinted = home.run_with_stdin(
        &expected["inlet ".len()..].split(' ').collect::<Vec<_>>(),
        &sandbox.token,
    );
    assert_success(&hinted);
    let status = home.json(&["status"], 0);
    assert_eq!(status["connections"][0]["connection"], "acme/hubspot-eu");

    // A refused credential: fetch's hint and status's fix reconnect to the same base URL.
    let fetch = home
        .inlet()
        .env("INLET_TOKEN_ACME_HUBSPOT__EU", "pat-na1-wrong")
        .args(["fetch"])
        .output()
        .expect("run inlet");
    assert_code(&fetch, 4);
    let reconnect = format!(
        "inlet connect hubspot --client acme --name hubspot-eu --base-url {}",
        sandbox.base_url
    );
    assert!(
        text(&fetch.stderr).contains(&reconnect),
        "{}",
        text(&fetch.stderr)
    );
}

#[test]
fn the_hidden_generator_is_offered_nowhere() {
    let completions = std::process::Command::new(BIN)
        .args(["completions", "bash"])
        .output()
        .expect("run inlet");
    assert!(!text(&completions.stdout).contains("__generate"));
    let typo = std::process::Command::new(BIN)
        .arg("__gen")
        .output()
        .expect("run inlet");
    assert_code(&typo, 2);
    assert!(
        !text(&typo.stderr).contains("__generate"),
        "{}",
        text(&typo.stderr)
    );
    // It still works for the maintainers.
    let root = tempfile::tempdir().expect("temp dir");
    let generated = std::process::Command::new(BIN)
        .args(["__generate", "--root", &root.path().display().to_string()])
        .output()
        .expect("run inlet");
    assert_success(&generated);
    assert!(root.path().join("man/inlet.1").exists());
}
