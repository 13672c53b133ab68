//! Every paginator of the definition format, over real HTTP against the sandbox's paging lab,
//! through provider definitions that live in the user's config folder (no Rust involved); and
//! the safety nets that stop endless cursors and repeating pages.

use serde_json::Value;

use crate::common::{Home, Sandbox, assert_code, assert_success, require_keychain, text};

/// A lab provider definition: `stream` is the TOML of the request, selector and paginator.
fn definition(id: &str, origin: &str, stream: &str) -> String {
    format!(
        r#"format = 1
version = 1
id = "{id}"
name = "Lab {id}"
category = "test"
docs = "https://example.invalid/lab"
base_url = "{origin}/lab"

[[inputs]]
name = "token"
label = "lab token"
secret = true

[[auth]]
id = "bearer"
label = "Bearer token"
kind = "bearer"
secret = "token"

[verify]
path = "/whoami"
account_id = "/id"
account_name = "{{/name}}"

[[streams]]
name = "items"
entity = "contacts"
primary_key = "/id"
updated_at = "/updated"
{stream}

[streams.normalize]
name = "/name"
"#
    )
}

fn origin(sandbox: &Sandbox) -> String {
    sandbox.base_url.trim_end_matches("/hubspot").to_owned()
}

/// Installs a definition, connects to it, fetches, and returns the run report.
fn fetch_with(home: &Home, sandbox: &Sandbox, id: &str, stream: &str, code: i32) -> Value {
    let dir = home.path().join("config/providers");
    std::fs::create_dir_all(&dir).expect("providers dir");
    std::fs::write(
        dir.join(format!("{id}.toml")),
        definition(id, &origin(sandbox), stream),
    )
    .expect("write definition");
    let output = home.run_with_stdin(
        &["connect", id, "--client", "lab", "--token-stdin"],
        "lab-token",
    );
    assert_success(&output);
    home.json(&["fetch", &format!("lab/{id}")], code)
}

fn assert_items(report: &Value, count: u64, pages: u64) {
    let run = &report["runs"][0];
    assert_eq!(run["outcome"], "ok", "{run}");
    assert_eq!(run["records_new"].as_u64(), Some(count), "{run}");
    assert_eq!(run["pages"].as_u64(), Some(pages), "{run}");
}

#[test]
fn each_paginator_fetches_every_item_once() {
    require_keychain();
    let sandbox = Sandbox::start(1, 0);
    let home = Home::new();
    let cases = [
        (
            "lab-next-url",
            r#"records = "/records"
paginator = { kind = "next_url", next = "/nextRecordsUrl", done = "/done" }
[streams.request]
path = "/next-url"
query = { count = "237", size = "20" }"#,
            237,
            12,
        ),
        (
            "lab-offset",
            r#"records = "/rows"
paginator = { kind = "offset", offset_param = "offset", limit_param = "limit", limit = 25, total = "/rowCount" }
[streams.request]
path = "/offset"
query = { count = "237" }"#,
            237,
            10,
        ),
        (
            // No total: the short (here: empty) page ends it.
            "lab-short-page",
            r#"records = "/rows"
paginator = { kind = "offset", offset_param = "offset", limit_param = "limit", limit = 25 }
[streams.request]
path = "/offset"
query = { count = "250", total = "false" }"#,
            250,
            11,
        ),
        (
            "lab-pages",
            r#"records = "/items"
paginator = { kind = "page_number", param = "page", start = 1, size_param = "per_page", size = 20, total_pages = "/total_pages" }
[streams.request]
path = "/pages"
query = { count = "237" }"#,
            237,
            12,
        ),
        (
            "lab-link",
            r#"records = ""
paginator = { kind = "link_header" }
[streams.request]
path = "/link"
query = { count = "237", limit = "30" }"#,
            237,
            8,
        ),
    ];
    for (id, stream, count, pages) in cases {
        let report = fetch_with(&home, &sandbox, id, stream, 0);
        assert_items(&report, count, pages);
        let again = home.json(&["fetch", &format!("lab/{id}")], 0);
        assert_eq!(
            again["runs"][0]["records_new"], 0,
            "{id}: a second fetch adds nothing"
        );
    }
    let document: Value = serde_json::from_slice(
        &home
            .run(&["export", "--client", "lab", "--out", "-"])
            .stdout,
    )
    .expect("export");
    assert_eq!(
        document["contacts"].as_array().map(Vec::len),
        Some(237 * 4 + 250)
    );
}

#[test]
fn an_endless_cursor_is_caught() {
    require_keychain();
    let sandbox = Sandbox::start(1, 0);
    let home = Home::new();
    let report = fetch_with(
        &home,
        &sandbox,
        "lab-endless",
        r#"records = "/items"
paginator = { kind = "body_cursor", cursor = "/next", param = "cursor" }
[streams.request]
path = "/endless""#,
        1,
    );
    let error = report["runs"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("same cursor twice"), "{error}");
    assert_eq!(report["runs"][0]["pages"], 1, "stopped at once");
}

#[test]
fn a_repeating_page_is_caught() {
    require_keychain();
    let sandbox = Sandbox::start(1, 0);
    let home = Home::new();
    let report = fetch_with(
        &home,
        &sandbox,
        "lab-repeat",
        r#"records = "/items"
paginator = { kind = "body_cursor", cursor = "/next", param = "cursor", max_pages = 50 }
[streams.request]
path = "/repeat""#,
        1,
    );
    let error = report["runs"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("same page twice"), "{error}");
}

#[test]
fn max_pages_bounds_a_stream() {
    require_keychain();
    let sandbox = Sandbox::start(1, 0);
    let home = Home::new();
    let report = fetch_with(
        &home,
        &sandbox,
        "lab-bounded",
        r#"records = "/records"
paginator = { kind = "next_url", next = "/nextRecordsUrl", done = "/done", max_pages = 3 }
[streams.request]
path = "/next-url"
query = { count = "237", size = "20" }"#,
        1,
    );
    let error = report["runs"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("max_pages"), "{error}");
    assert_eq!(
        report["runs"][0]["records_new"], 60,
        "what was fetched is kept"
    );
}

#[test]
fn providers_validate_reports_every_problem_with_its_path() {
    let home = Home::new();
    let file = home.path().join("broken.toml");
    let broken = definition("lab-broken", "http://127.0.0.1:9", "records = \"items\"\npaginator = { kind = \"body_cursor\", cursor = \"next\", param = \"cursor\" }\n[streams.request]\npath = \"/x\"")
        .replace("format = 1", "format = 7");
    std::fs::write(&file, broken).expect("write");
    let output = home.run(&["providers", "validate", file.to_str().expect("utf-8 path")]);
    assert_code(&output, 1);
    let stdout = text(&output.stdout);
    for path in [
        "format",
        "streams[0].records",
        "streams[0].paginator.cursor",
    ] {
        assert!(
            stdout.contains(&format!("  {path}: ")),
            "{path} in:\n{stdout}"
        );
    }
    assert!(stdout.contains("hint:"), "{stdout}");

    std::fs::write(&file, "format = 1\nid = \"x\"\n[verify]\nsurprise = true\n").expect("write");
    let output = home.run(&["providers", "validate", file.to_str().expect("utf-8 path")]);
    assert_code(&output, 1);
    assert!(
        text(&output.stdout).contains("unknown field `surprise`")
            || text(&output.stdout).contains("missing field"),
        "{}",
        text(&output.stdout)
    );

    for builtin in ["hubspot", "stripe"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("providers/{builtin}.toml"));
        let output = home.run(&["providers", "validate", path.to_str().expect("utf-8 path")]);
        assert_success(&output);
    }
}

#[test]
fn providers_list_and_show_describe_definitions() {
    let home = Home::new();
    let list = home.json(&["providers", "list"], 0);
    let ids: Vec<&str> = list["providers"]
        .as_array()
        .expect("providers")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["ga4", "hubspot", "salesforce", "search-console", "stripe"]
    );
    let output = home.run(&["providers", "show", "hubspot"]);
    assert_success(&output);
    let stdout = text(&output.stdout);
    for needle in [
        "private_app",
        "100 requests per 10s",
        "contacts",
        "incremental",
        "/crm/v3/objects/contacts/search",
        "10000",
    ] {
        assert!(stdout.contains(needle), "{needle} in:\n{stdout}");
    }
    assert_code(&home.run(&["providers", "show", "nosuch"]), 2);
}

#[test]
fn disconnect_revokes_with_the_provider_when_the_definition_says_how() {
    require_keychain();
    let sandbox = Sandbox::start(1, 0);
    let home = Home::new();
    let stream = "records = \"/records\"\npaginator = { kind = \"none\" }\n[streams.request]\npath = \"/next-url\"";
    for (id, revoke_path, revoked) in [
        ("lab-revocable", "/whoami", true),
        ("lab-unrevocable", "/nope", false),
    ] {
        let toml = definition(id, &origin(&sandbox), stream).replace(
            "[[streams]]",
            &format!("[revoke]\npath = \"{revoke_path}\"\n\n[[streams]]"),
        );
        home.provider_override(&format!("{id}.toml"), &toml);
        assert_success(&home.run_with_stdin(
            &["connect", id, "--client", "lab", "--token-stdin"],
            "lab-token",
        ));
        let output = home.run(&["--json", "disconnect", &format!("lab/{id}"), "--yes"]);
        assert_success(&output);
        let report: Value = serde_json::from_slice(&output.stdout).expect("json");
        assert_eq!(report["revoked"], revoked, "{id}");
        assert_eq!(
            report["secret_removed"], true,
            "{id}: the secret goes either way"
        );
        if !revoked {
            assert!(
                text(&output.stderr).contains("could not revoke"),
                "{}",
                text(&output.stderr)
            );
        }
    }
}
