//! The pipeline over real HTTP: counts equal what the sandbox serves, a second fetch adds
//! nothing twice, exports are stable and per client, disconnect keeps or purges the cache.

use serde_json::Value;

use crate::common::{Home, Sandbox, assert_success, require_keychain, text};

#[test]
fn fetch_brings_exactly_what_the_sandbox_serves_and_nothing_twice() {
    require_keychain();
    let sandbox = Sandbox::start(1_234, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");

    let first = home.json(&["fetch"], 0);
    let run = &first["runs"][0];
    assert_eq!(run["outcome"], "ok");
    assert_eq!(run["records_new"].as_u64(), Some(sandbox.total()));
    for stream in run["streams"].as_array().expect("streams") {
        let name = stream["stream"].as_str().expect("name");
        assert_eq!(
            stream["records_new"].as_u64(),
            Some(sandbox.count(name)),
            "{name}"
        );
        // 100 per page, plus nothing: pages = ceil(count / 100); the objects' archived
        // (deleted) listing adds one page.
        let listing = u64::from(["contacts", "companies", "deals"].contains(&name));
        assert_eq!(
            stream["pages"].as_u64(),
            Some(sandbox.count(name).div_ceil(100).max(1) + listing),
            "{name}"
        );
    }

    let second = home.json(&["fetch", "acme/hubspot"], 0);
    assert_eq!(second["runs"][0]["records_new"], 0);
    assert_eq!(second["runs"][0]["records_updated"], 0);
    assert_eq!(home.record_count("acme/hubspot"), sandbox.total());

    let status = home.json(&["status", "--client", "acme"], 0);
    let records = &status["connections"][0]["records"];
    for (stream, count) in &sandbox.counts {
        assert_eq!(records[stream].as_u64(), Some(*count), "{stream}");
    }
    assert_eq!(status["connections"][0]["last_run"]["outcome"], "ok");
}

#[test]
fn fetch_prints_a_table_when_not_asked_for_json() {
    require_keychain();
    let sandbox = Sandbox::start(50, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let output = home.run(&["fetch"]);
    assert_success(&output);
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("CONNECTION") && stdout.contains("acme/hubspot") && stdout.contains(" 82 "),
        "{stdout}"
    );
    // Piped: no progress bar drawing on stderr.
    assert!(
        !text(&output.stderr).contains('\u{1b}'),
        "no escape sequences when piped"
    );
}

fn export(home: &Home, client: &str) -> Value {
    crate::common::export_document(home, client)
}

#[test]
fn export_is_normalized_stable_and_per_client() {
    require_keychain();
    let acme_sandbox = Sandbox::start_with(120, 0, 1);
    let beta_sandbox = Sandbox::start_with(40, 0, 2);
    let home = Home::new();
    home.connect(&acme_sandbox, "acme");
    home.connect(&beta_sandbox, "beta");
    assert_success(&home.run(&["fetch"]));

    let document = export(&home, "acme");
    assert_eq!(document["schema_version"], 2);
    assert_eq!(document["client"], "acme");
    let connections = document["manifest"]["connections"]
        .as_array()
        .expect("manifest");
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[0]["connection"], "acme/hubspot");
    assert_eq!(connections[0]["provider_definition_version"], 5);
    for entity in ["contacts", "companies", "deals"] {
        let rows = document[entity].as_array().expect("entity rows");
        assert_eq!(rows.len() as u64, acme_sandbox.count(entity), "{entity}");
        assert_eq!(
            document["manifest"]["counts"][entity].as_u64(),
            Some(acme_sandbox.count(entity))
        );
        for row in rows {
            assert_eq!(
                row["source"]["connection"], "acme/hubspot",
                "only acme's data"
            );
            assert_eq!(row["source"]["provider"], "hubspot");
            assert_eq!(row["source"]["stream"], entity);
            assert!(row["source"]["record_id"].is_string());
            assert!(row["updated_at"].is_string());
        }
    }
    let deal = &document["deals"][0];
    assert!(
        deal["amount"]["minor_units"].is_i64() || deal["amount"].is_null(),
        "amounts are exact money: {deal}"
    );
    assert!(deal["stage_id"].is_string());
    assert!(document["contacts"][0]["email"].is_string());

    // Stable: a second export differs only in `generated_at`.
    let mut again = export(&home, "acme");
    let mut first = document.clone();
    first["generated_at"] = Value::Null;
    again["generated_at"] = Value::Null;
    assert_eq!(first, again);

    let beta = export(&home, "beta");
    assert_eq!(beta["contacts"].as_array().map(Vec::len), Some(40));
    assert!(
        !text(&serde_json::to_vec(&beta).expect("json")).contains("acme/hubspot"),
        "no acme data in beta's export"
    );
}

#[test]
fn export_writes_atomically_to_the_default_path_and_to_out() {
    require_keychain();
    let sandbox = Sandbox::start(10, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_success(&home.run(&["fetch"]));

    let output = home.run(&["export", "--client", "acme"]);
    assert_success(&output);
    let default = home.path().join("data/exports/acme.json");
    assert!(
        text(&output.stderr).contains(&default.display().to_string()),
        "names the path"
    );
    let document: Value =
        serde_json::from_slice(&std::fs::read(&default).expect("export file")).expect("json");
    crate::common::assert_valid_export(&document);
    assert_eq!(document["contacts"].as_array().map(Vec::len), Some(10));

    let out = home.path().join("dash/acme.ndjson");
    let out_text = out.display().to_string();
    assert_success(&home.run(&[
        "export", "--client", "acme", "--format", "ndjson", "--out", &out_text,
    ]));
    let lines: Vec<Value> = std::fs::read_to_string(&out)
        .expect("ndjson")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(lines[0]["type"], "header");
    assert_eq!(lines.len() as u64, 1 + sandbox.total());
    let rebuilt = crate::common::ndjson_document(&std::fs::read_to_string(&out).expect("ndjson"));
    crate::common::assert_valid_export(&rebuilt);
    let leftovers: Vec<_> = std::fs::read_dir(home.path().join("dash"))
        .expect("dir")
        .flatten()
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");
}

#[test]
fn disconnect_keeps_the_cache_unless_purged() {
    require_keychain();
    let sandbox = Sandbox::start(30, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_success(&home.run(&["fetch"]));
    assert_success(&home.run(&["disconnect", "acme/hubspot", "--yes"]));
    assert_eq!(
        home.record_count("acme/hubspot"),
        sandbox.total(),
        "kept without --purge"
    );
    let document = export(&home, "acme");
    assert_eq!(document["manifest"]["connections"][0]["connected"], false);

    home.connect(&sandbox, "acme");
    let purged = home.json(&["disconnect", "acme/hubspot", "--yes", "--purge"], 0);
    assert_eq!(purged["records_deleted"].as_u64(), Some(sandbox.total()));
    assert_eq!(home.record_count("acme/hubspot"), 0);
}

#[cfg(unix)]
#[test]
fn the_data_folder_and_database_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(&home.path().join("data")), 0o700);
    assert_eq!(mode(&home.database()), 0o600);
}
