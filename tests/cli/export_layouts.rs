//! Export layouts and consistency: one snapshot per export (counts agree even while a fetch
//! writes), `--compact`, and CSV as one file per entity.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{
    Home, Sandbox, assert_code, assert_success, assert_valid_export, export_document,
    require_keychain, text,
};

const ENTITIES: [&str; 10] = [
    "contacts",
    "companies",
    "deals",
    "stages",
    "owners",
    "leads",
    "customers",
    "invoices",
    "payments",
    "metrics",
];

/// Every count in a document agrees with the rows it holds.
fn assert_self_consistent(document: &Value) -> u64 {
    let mut rows_by_connection: BTreeMap<String, u64> = BTreeMap::new();
    let mut total = 0;
    for entity in ENTITIES {
        let rows = document[entity].as_array().expect("array");
        assert_eq!(
            document["manifest"]["counts"][entity].as_u64(),
            Some(rows.len() as u64),
            "manifest count of {entity}"
        );
        for row in rows {
            *rows_by_connection
                .entry(
                    row["source"]["connection"]
                        .as_str()
                        .expect("source")
                        .to_owned(),
                )
                .or_default() += 1;
        }
        total += rows.len() as u64;
    }
    for connection in document["manifest"]["connections"]
        .as_array()
        .expect("list")
    {
        let streams: u64 = connection["streams"]
            .as_array()
            .expect("streams")
            .iter()
            .map(|stream| stream["records"].as_u64().expect("records"))
            .sum();
        let id = connection["connection"].as_str().expect("id");
        assert_eq!(
            streams,
            rows_by_connection.get(id).copied().unwrap_or(0),
            "per-stream counts of {id}"
        );
    }
    total
}

#[test]
fn an_export_taken_while_a_fetch_runs_agrees_with_itself() {
    require_keychain();
    let sandbox = Sandbox::start(4_000, 15);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    // A first page so the client is known, then a fetch that writes while we export.
    assert_success(&home.run(&["fetch", "--stream", "companies"]));
    let mut fetch = home
        .inlet()
        .args(["fetch", "--full-refresh"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("fetch");
    let started = Instant::now();
    let mut during = 0;
    let mut totals = Vec::new();
    while fetch.try_wait().expect("fetch state").is_none()
        && started.elapsed() < Duration::from_secs(120)
    {
        let output = home.run(&["export", "--client", "acme", "--out", "-"]);
        assert_success(&output);
        let document: Value = serde_json::from_slice(&output.stdout).expect("json");
        totals.push(assert_self_consistent(&document));
        during += 1;
    }
    assert!(fetch.wait().expect("fetch").success());
    let distinct: std::collections::BTreeSet<_> = totals.iter().collect();
    assert!(
        during >= 3 && distinct.len() >= 2,
        "exports ran while pages landed: {totals:?}"
    );
    let last = export_document(&home, "acme");
    assert_eq!(assert_self_consistent(&last), sandbox.total());
}

#[test]
fn compact_json_is_the_same_document_without_whitespace() {
    require_keychain();
    let sandbox = Sandbox::start(80, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_success(&home.run(&["fetch"]));
    let pretty = home.run(&["export", "--client", "acme", "--out", "-"]);
    let compact = home.run(&["export", "--client", "acme", "--out", "-", "--compact"]);
    assert_success(&compact);
    let body = &compact.stdout[..compact.stdout.len() - 1];
    assert_eq!(compact.stdout.last(), Some(&b'\n'));
    assert!(!body.contains(&b'\n'), "one line");
    assert!(compact.stdout.len() < pretty.stdout.len());
    let mut compact: Value = serde_json::from_slice(&compact.stdout).expect("json");
    let mut pretty: Value = serde_json::from_slice(&pretty.stdout).expect("json");
    assert_valid_export(&compact);
    compact["generated_at"] = Value::Null;
    pretty["generated_at"] = Value::Null;
    assert_eq!(compact, pretty);

    let refused = home.run(&[
        "export",
        "--client",
        "acme",
        "--format",
        "ndjson",
        "--compact",
    ]);
    assert_code(&refused, 2);
    assert!(text(&refused.stderr).contains("`--compact` is for `--format json`"));
}

/// CSV files read back with Python's `csv` module (an independent parser), as JSON.
fn read_csv(path: &std::path::Path) -> Vec<BTreeMap<String, String>> {
    let output = std::process::Command::new("python3")
        .args([
            "-c",
            "import csv, json, sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))))",
        ])
        .arg(path)
        .output()
        .expect("python3");
    assert_success(&output);
    serde_json::from_slice(&output.stdout).expect("rows")
}

#[test]
fn csv_is_one_file_per_entity_with_flat_columns() {
    require_keychain();
    let sandbox = Sandbox::start(120, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let (stripe_url, stripe_key, _) = sandbox.provider("stripe");
    home.connect_to("stripe", "acme", &stripe_url, &stripe_key, &[]);
    assert_success(&home.run(&["fetch"]));
    let document = export_document(&home, "acme");

    let output = home.run(&["export", "--client", "acme", "--format", "csv"]);
    assert_success(&output);
    let dir = home.path().join("data/exports/acme");
    assert!(text(&output.stderr).contains(&dir.display().to_string()));
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(manifest["schema_version"], 2);
    assert_eq!(
        manifest["manifest"]["counts"],
        document["manifest"]["counts"]
    );
    for entity in [
        "contacts",
        "companies",
        "deals",
        "stages",
        "owners",
        "customers",
        "invoices",
        "payments",
    ] {
        let rows = read_csv(&dir.join(format!("{entity}.csv")));
        let json = document[entity].as_array().expect("rows");
        assert_eq!(rows.len(), json.len(), "{entity}");
        for (row, original) in rows.iter().zip(json) {
            assert_eq!(row["id"], original["id"].as_str().expect("id"));
            assert_eq!(
                row["source_connection"],
                original["source"]["connection"]
                    .as_str()
                    .expect("connection")
            );
            for (key, value) in original.as_object().expect("object") {
                match value {
                    Value::Object(money) if money.contains_key("minor_units") => {
                        assert_eq!(
                            row[&format!("{key}_minor_units")],
                            money["minor_units"].to_string()
                        );
                        assert_eq!(
                            row[&format!("{key}_decimal")],
                            money["decimal"].as_str().expect("decimal")
                        );
                    }
                    // Unknown money leaves its four columns empty.
                    Value::Null => assert_eq!(
                        row.get(key)
                            .or_else(|| row.get(&format!("{key}_minor_units")))
                            .map(String::as_str),
                        Some(""),
                        "{entity}.{key}"
                    ),
                    Value::String(text) => assert_eq!(&row[key], text, "{entity}.{key}"),
                    // A list of ids is space-separated.
                    Value::Array(items) => assert_eq!(
                        row[key],
                        items
                            .iter()
                            .map(|item| item.as_str().expect("an id"))
                            .collect::<Vec<_>>()
                            .join(" "),
                        "{entity}.{key}"
                    ),
                    Value::Object(_) => {}
                    other => assert_eq!(row[key], other.to_string(), "{entity}.{key}"),
                }
            }
        }
    }
    // A second export replaces the folder whole; nothing is left beside it.
    assert_success(&home.run(&["export", "--client", "acme", "--format", "csv"]));
    let beside: Vec<String> = std::fs::read_dir(home.path().join("data/exports"))
        .expect("exports")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["acme"], "{beside:?}");

    let refused = home.run(&[
        "export", "--client", "acme", "--format", "csv", "--out", "-",
    ]);
    assert_code(&refused, 2);
    assert!(text(&refused.stderr).contains("--out DIR"));
}

#[test]
fn the_sql_views_have_the_export_columns_and_rows() {
    require_keychain();
    let sandbox = Sandbox::start(60, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let (stripe_url, stripe_key, _) = sandbox.provider("stripe");
    home.connect_to("stripe", "acme", &stripe_url, &stripe_key, &[]);
    assert_success(&home.run(&["fetch"]));
    let document = export_document(&home, "acme");
    assert_success(&home.run(&["export", "--client", "acme", "--format", "csv"]));
    let dir = home.path().join("data/exports/acme");
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    for entity in [
        "contacts",
        "companies",
        "deals",
        "stages",
        "owners",
        "customers",
        "invoices",
        "payments",
    ] {
        // The view's columns are `client` and then exactly the CSV header.
        let header = std::fs::read_to_string(dir.join(format!("{entity}.csv")))
            .expect("csv")
            .lines()
            .next()
            .expect("header")
            .to_owned();
        let mut statement = conn
            .prepare(&format!(
                "SELECT * FROM inlet_{entity} WHERE client = 'acme' ORDER BY id"
            ))
            .expect("the view exists");
        let names: Vec<String> = statement.column_names().map(str::to_owned).collect();
        assert_eq!(names[0], "client");
        assert_eq!(names[1..].join(","), header, "{entity}");
        let ids: Vec<String> = statement
            .query_map([], |row| row.get::<_, String>(1))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let mut expected: Vec<String> = document[entity]
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| row["id"].as_str().expect("id").to_owned())
            .collect();
        expected.sort();
        assert_eq!(ids, expected, "{entity}");
    }
    // Money is exact integers in SQL too, and joins work on ids.
    let (sum, joined): (i64, i64) = conn
        .query_row(
            "SELECT SUM(i.amount_due_minor_units), COUNT(c.id) FROM inlet_invoices i
             LEFT JOIN inlet_customers c ON c.id = i.customer_id WHERE i.client = 'acme'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("query");
    let expected: i64 = document["invoices"]
        .as_array()
        .expect("invoices")
        .iter()
        .map(|invoice| {
            invoice["amount_due"]["minor_units"]
                .as_i64()
                .expect("minor")
        })
        .sum();
    assert_eq!(sum, expected);
    assert_eq!(
        joined as usize,
        document["invoices"].as_array().map_or(0, Vec::len)
    );
}
