//! The engine against the sandbox over real HTTP: Stripe as a definition file, incremental
//! fetches after churn, search windows under HubSpot's 10,000-result cap, rate limits (proactive
//! and reactive), every fault kind, and the per-run overrides.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{Home, Sandbox, assert_code, assert_success, require_keychain};

const HUBSPOT: &str = include_str!("../../providers/hubspot.toml");

fn stream<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["runs"][0]["streams"]
        .as_array()
        .and_then(|streams| streams.iter().find(|stream| stream["stream"] == name))
        .unwrap_or_else(|| panic!("stream {name} in {report}"))
}

fn record_ids(home: &Home, connection: &str) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    let mut statement = conn
        .prepare("SELECT stream, record_id FROM records WHERE connection_id = ?1 ORDER BY 1, 2")
        .expect("prepare");
    statement
        .query_map([connection], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn stripe_is_a_definition_file_and_fetches_exactly() {
    require_keychain();
    let sandbox = Sandbox::start(120, 0);
    let (base_url, key, counts) = sandbox.provider("stripe");
    let home = Home::new();
    home.connect_to("stripe", "acme", &base_url, &key, &[]);
    home.connect_to("stripe", "beta", &base_url, &key, &["--auth", "basic"]);

    let report = home.json(&["fetch", "--client", "acme"], 0);
    for (name, count) in &counts {
        assert_eq!(
            stream(&report, name)["records_new"].as_u64(),
            Some(*count),
            "{name}"
        );
        assert_eq!(stream(&report, name)["mode"], "full");
    }
    let again = home.json(&["fetch", "--client", "acme"], 0);
    for (name, _) in &counts {
        assert_eq!(
            stream(&again, name)["mode"],
            "incremental",
            "{name}: the watermark is used"
        );
        assert_eq!(stream(&again, name)["records_new"], 0, "{name}");
    }
    let basic = home.json(&["fetch", "beta/stripe"], 0);
    assert_eq!(basic["runs"][0]["outcome"], "ok", "HTTP Basic works too");

    let document = crate::common::export_document(&home, "acme");
    let count = |name: &str| {
        counts
            .iter()
            .find(|(stream, _)| stream == name)
            .map_or(0, |(_, count)| *count)
    };
    assert_eq!(
        document["customers"].as_array().map(Vec::len),
        Some(count("customers") as usize)
    );
    assert_eq!(document["contacts"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        document["payments"].as_array().map(Vec::len),
        Some(count("charges") as usize)
    );
    assert_eq!(
        document["invoices"].as_array().map(Vec::len),
        Some(count("invoices") as usize)
    );
    let payment = &document["payments"][0];
    assert_eq!(payment["source"]["provider"], "stripe");
    assert!(
        payment["amount"]["minor_units"].is_i64(),
        "cents stay exact minor units: {payment}"
    );
    assert!(
        payment["currency"]
            .as_str()
            .is_some_and(|currency| currency.chars().all(|c| c.is_ascii_uppercase()))
    );
}

#[test]
fn incremental_fetch_after_churn_brings_exactly_the_changed_records() {
    require_keychain();
    let sandbox = Sandbox::start_args(&["--records", "600", "--churn", "7"]);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let first = home.json(&["fetch"], 0);
    assert_eq!(
        first["runs"][0]["records_new"].as_u64(),
        Some(sandbox.total())
    );

    for round in 0..2 {
        let tick = sandbox.tick();
        let report = home.json(&["fetch"], 0);
        for name in ["contacts", "companies", "deals"] {
            let changed = tick["changed"]["hubspot"][name]
                .as_array()
                .expect("changed ids")
                .len() as u64;
            assert_eq!(changed, 7, "{tick}");
            let stream = stream(&report, name);
            assert_eq!(stream["mode"], "incremental", "round {round} {name}");
            assert_eq!(
                stream["records_updated"].as_u64(),
                Some(changed),
                "round {round} {name}: exactly the changed records"
            );
            assert_eq!(stream["records_new"], 0, "round {round} {name}");
            // Deals also read their changed deals' companies and contacts: one batch each.
            let associations = if name == "deals" { 2 } else { 0 };
            assert_eq!(
                stream["requests"],
                2 + associations,
                "round {round} {name}: one search over the whole span since the watermark, \
                 and one page of the archived (deleted) records"
            );
            assert_eq!(
                stream["watermark"], tick["clock"],
                "round {round} {name}: the watermark follows the changes"
            );
        }
        // The stored records carry the new versions.
        let conn = rusqlite::Connection::open(home.database()).expect("open");
        for id in tick["changed"]["hubspot"]["deals"].as_array().expect("ids") {
            let updated: String = conn
                .query_row(
                    "SELECT updated_at FROM records WHERE stream = 'deals' AND record_id = ?1",
                    [id.as_str()],
                    |row| row.get(0),
                )
                .expect("a changed deal");
            assert_eq!(Some(updated.as_str()), tick["clock"].as_str());
        }
    }
    assert_eq!(
        home.record_count("acme/hubspot"),
        sandbox.total(),
        "no duplicates"
    );
}

#[test]
fn search_windows_stay_under_the_10000_result_cap() {
    require_keychain();
    let sandbox = Sandbox::start(25_000, 0);
    let home = Home::new();
    // The shipped definition asks for the whole span since 2020 at once: the window must be
    // split, or search would refuse past 10,000.
    home.connect(&sandbox, "acme");
    let report = home.json(
        &["fetch", "--stream", "contacts", "--since", "2020-01-01"],
        0,
    );
    let contacts = stream(&report, "contacts");
    assert_eq!(contacts["mode"], "incremental");
    assert_eq!(contacts["records_new"].as_u64(), Some(25_000), "{contacts}");
    let stats = sandbox.stats();
    assert!(
        stats["by_status"]["400"].is_null(),
        "the cap was never hit: {stats}"
    );
    assert_eq!(home.record_count("acme/hubspot"), 25_000);
}

#[test]
fn per_run_overrides_keep_every_watermark() {
    require_keychain();
    let sandbox = Sandbox::start(300, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let only = home.json(&["fetch", "--stream", "contacts"], 0);
    assert_eq!(only["runs"][0]["streams"].as_array().map(Vec::len), Some(1));
    assert_eq!(home.record_count("acme/hubspot"), 300);
    let all = home.json(&["fetch"], 0);
    let watermark = stream(&all, "contacts")["watermark"].clone();
    assert!(watermark.is_string());
    assert_eq!(stream(&all, "contacts")["mode"], "incremental");
    assert_eq!(
        stream(&all, "deals")["mode"],
        "full",
        "a stream's first fetch is full"
    );

    let full = home.json(&["fetch", "--full-refresh"], 0);
    for name in ["contacts", "companies", "deals"] {
        assert_eq!(stream(&full, name)["mode"], "full");
        assert_eq!(stream(&full, name)["records_new"], 0);
    }
    let since = home.json(&["fetch", "--since", "2020-01-01", "--stream", "deals"], 0);
    assert_eq!(stream(&since, "deals")["mode"], "incremental");
    assert_eq!(
        stream(&since, "deals")["records_seen"].as_u64(),
        Some(sandbox.count("deals"))
    );
    let after = home.json(&["fetch", "--stream", "contacts"], 0);
    assert_eq!(
        stream(&after, "contacts")["watermark"],
        watermark,
        "other overrides did not move it back"
    );

    assert_code(&home.run(&["fetch", "--stream", "nosuch"]), 2);
    assert_code(&home.run(&["fetch", "--since", "someday"]), 2);
}

#[test]
fn the_budget_paces_requests_before_the_provider_must_refuse() {
    require_keychain();
    // 3,000 contacts + 300 companies + 750 deals: 41 list requests against a portal that
    // allows 5 per 2 s (and says so in its headers), so pacing is needed even on a slow machine.
    let sandbox = Sandbox::start_args(&[
        "--records",
        "3000",
        "--rate-limit",
        "--rate-window",
        "2s",
        "--hubspot-burst",
        "5",
    ]);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    // Connect's verify call is not the fetch's to pace: let its window pass.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let report = home.json(&["fetch"], 0);
    assert_eq!(
        report["runs"][0]["records_new"].as_u64(),
        Some(sandbox.total())
    );
    let stats = sandbox.stats();
    assert!(
        stats["by_status"]["429"].is_null(),
        "paced, never refused: {stats}"
    );
    assert!(
        report["runs"][0]["budget_wait_ms"].as_u64().unwrap_or(0) > 1000,
        "it waited for budget"
    );
}

#[test]
fn throttles_are_waited_out_when_the_budget_is_wrong() {
    require_keychain();
    // 41 list requests against a sandbox that allows 10 per 2 s: refusals come even on a
    // loaded machine.
    let sandbox = Sandbox::start_args(&[
        "--records",
        "3000",
        "--rate-limit",
        "--rate-window",
        "2s",
        "--hubspot-burst",
        "10",
    ]);
    let home = Home::new();
    // A definition that believes in a far larger budget than the sandbox grants (and a short
    // wait when HubSpot sends no Retry-After).
    // It also ignores the budget headers, so only the provider's 429s can slow it down.
    let optimistic: String = HUBSPOT
        .replace("requests = 100\n", "requests = 100000\n")
        .replace("wait = \"10s\"", "wait = \"1s\"")
        .lines()
        .filter(|line| !line.contains("_header ="))
        .collect::<Vec<_>>()
        .join("\n");
    home.provider_override("hubspot.toml", &optimistic);
    home.connect(&sandbox, "acme");
    let report = home.json(&["fetch"], 0);
    assert_eq!(
        report["runs"][0]["records_new"].as_u64(),
        Some(sandbox.total())
    );
    assert_eq!(
        record_ids(&home, "acme/hubspot").len() as u64,
        sandbox.total()
    );
    let stats = sandbox.stats();
    assert!(
        stats["by_status"]["429"].as_u64().unwrap_or(0) > 0,
        "the provider did refuse: {stats}"
    );
}

#[test]
fn every_fault_kind_still_ends_with_exactly_the_sandbox_records() {
    require_keychain();
    for fault in [
        "429:30%",
        "500:30%",
        "reset:25%",
        "malformed:25%",
        "slow:10%",
    ] {
        let sandbox = Sandbox::start_args(&["--records", "700", "--faults", fault, "--seed", "7"]);
        let home = Home::new();
        let fast = HUBSPOT
            .replace("wait = \"10s\"", "wait = \"200ms\"")
            .replace("wait = \"1s\"", "wait = \"200ms\"");
        home.provider_override("hubspot.toml", &fast);
        home.connect(&sandbox, "acme");
        let report = home.json(&["fetch"], 0);
        assert_eq!(report["runs"][0]["outcome"], "ok", "{fault}: {report}");
        let ids = record_ids(&home, "acme/hubspot");
        let unique: BTreeSet<_> = ids.iter().collect();
        assert_eq!(ids.len() as u64, sandbox.total(), "{fault}: no gap");
        assert_eq!(unique.len(), ids.len(), "{fault}: no duplicate");
        let stats = sandbox.stats();
        let injected: u64 = stats["faults_injected"]
            .as_object()
            .map_or(0, |faults| faults.values().filter_map(Value::as_u64).sum());
        assert!(injected > 0, "{fault}: faults were injected: {stats}");
        if !fault.starts_with("slow") {
            assert!(
                report["runs"][0]["requests"].as_u64() > Some(sandbox.total().div_ceil(100)),
                "{fault}: retries were counted"
            );
        }
    }
}

#[test]
fn connections_fetch_in_parallel() {
    require_keychain();
    let sandbox = Sandbox::start(400, 20);
    let (stripe_url, stripe_key, stripe_counts) = sandbox.provider("stripe");
    let home = Home::new();
    home.connect(&sandbox, "acme");
    home.connect_to("stripe", "acme", &stripe_url, &stripe_key, &[]);
    home.connect(&sandbox, "beta");
    let report = home.json(&["fetch", "--jobs", "3"], 0);
    let runs = report["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 3);
    assert!(runs.iter().all(|run| run["outcome"] == "ok"), "{report}");
    let stripe_total: u64 = stripe_counts.iter().map(|(_, count)| count).sum();
    assert_eq!(home.record_count("acme/stripe"), stripe_total);
    assert_code(&home.run(&["fetch", "--jobs", "0"]), 2);
}

#[test]
fn processes_fetching_one_account_share_its_budget() {
    require_keychain();
    // One HubSpot portal, 10 requests per 2 s, connected for two clients and fetched by two
    // processes at once (a person and cron, say): 2 × 41 list requests. Each process alone
    // would pace itself at 10 per window and together they would draw 429s; through the
    // cache's ledger they never do.
    let sandbox = Sandbox::start_args(&[
        "--records",
        "3000",
        "--rate-limit",
        "--rate-window",
        "2s",
        "--hubspot-burst",
        "10",
    ]);
    let home = Home::new();
    // The definition knows the real allowance from the start, and reads no headers: only the
    // ledger can keep the two processes apart.
    let exact: String = HUBSPOT
        .replace("requests = 100\n", "requests = 10\n")
        .replace("per = \"10s\"", "per = \"2s\"")
        .lines()
        .filter(|line| !line.contains("_header ="))
        .collect::<Vec<_>>()
        .join("\n");
    home.provider_override("hubspot.toml", &exact);
    home.connect(&sandbox, "acme");
    home.connect(&sandbox, "beta");
    // The connects' verify calls count too: let their window pass.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let children: Vec<_> = ["acme/hubspot", "beta/hubspot"]
        .iter()
        .map(|connection| {
            home.inlet()
                .args(["fetch", connection, "--json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start fetch")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("fetch ends");
        assert_success(&output);
    }
    assert_eq!(home.record_count("acme/hubspot"), sandbox.total());
    assert_eq!(home.record_count("beta/hubspot"), sandbox.total());
    let stats = sandbox.stats();
    assert_eq!(stats["rate_limited"], 0, "no request was refused: {stats}");
}

/// Every Stripe request pins `Stripe-Version` (a provider-level header of the definition), so a
/// client account's default API version never decides the shapes. A definition that pins a
/// version the provider will not serve fails with Stripe's own message, and so does `providers
/// validate` for a header that could carry a credential.
#[test]
fn stripe_requests_pin_the_api_version_of_the_definition() {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let (base_url, key, _) = sandbox.provider("stripe");
    let home = Home::new();
    home.connect_to("stripe", "acme", &base_url, &key, &[]);
    assert_eq!(home.json(&["fetch"], 0)["runs"][0]["outcome"], "ok");
    let shown = home.json(&["providers", "show", "stripe"], 0);
    assert_eq!(
        shown["definition"]["headers"]["Stripe-Version"], "2025-03-31.basil",
        "{shown}"
    );

    let shipped = include_str!("../../providers/stripe.toml");
    home.provider_override(
        "stripe.toml",
        &shipped.replace(
            "Stripe-Version = \"2025-03-31.basil\"",
            "Stripe-Version = \"2024-06-20\"",
        ),
    );
    let report = home.json(&["fetch", "--full-refresh"], 1);
    let error = report["runs"][0]["error"].as_str().expect("a reason");
    assert!(
        error.contains("Invalid Stripe API version: 2024-06-20"),
        "the header was sent: {error}"
    );

    let bad = home.path().join("bad.toml");
    std::fs::write(
        &bad,
        shipped.replace(
            "Stripe-Version = \"2025-03-31.basil\"",
            "Authorization = \"Bearer x\"",
        ),
    )
    .expect("write");
    let output = home.run(&["providers", "validate", bad.to_str().expect("utf-8")]);
    assert_code(&output, 1);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("set by the auth mode")
            || String::from_utf8_lossy(&output.stdout).contains("set by the auth mode"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Stripe lists filter only on `created`: an incremental fetch brings changes to older objects
/// (an invoice paid, a refund, a new email) from the events API, read before each pass, and
/// every changed object's cached record is its newest version. The watermark is the pass's
/// start, so a quiet account stays incremental.
#[test]
fn stripe_changes_to_older_objects_come_through_events() {
    require_keychain();
    let sandbox = Sandbox::start_args(&["--records", "300", "--churn", "4"]);
    let home = Home::new();
    let (stripe_url, stripe_key, _) = sandbox.provider("stripe");
    home.connect_to("stripe", "acme", &stripe_url, &stripe_key, &[]);
    assert_success(&home.run(&["fetch"]));
    let before = crate::common::export_document(&home, "acme");

    let tick = sandbox.tick();
    let report = home.json(&["fetch"], 0);
    let after = crate::common::export_document(&home, "acme");
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    for (name, entity) in [
        ("customers", "customers"),
        ("charges", "payments"),
        ("invoices", "invoices"),
    ] {
        let changed: Vec<&str> = tick["changed"]["stripe"][name]
            .as_array()
            .expect("changed ids")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(changed.len(), 4, "{tick}");
        let stream = stream(&report, name);
        assert_eq!(stream["mode"], "incremental", "{stream}");
        assert_eq!(stream["records_updated"], 4, "{name}: {stream}");
        assert_eq!(stream["records_new"], 0, "{name}: {stream}");
        for id in &changed {
            let raw: String = conn
                .query_row(
                    "SELECT raw FROM records WHERE connection_id = 'acme/stripe'
                     AND stream = ?1 AND record_id = ?2",
                    [name, id],
                    |row| row.get(0),
                )
                .expect("cached");
            let raw: Value = serde_json::from_str(&raw).expect("json");
            assert_eq!(
                raw["metadata"]["sandbox_revision"], "1",
                "{name} {id}: {raw}"
            );
        }
        let rows = |document: &Value| -> Vec<Value> {
            document[entity]
                .as_array()
                .expect("rows")
                .iter()
                .filter(|row| {
                    changed.contains(&row["source"]["record_id"].as_str().unwrap_or_default())
                })
                .cloned()
                .collect()
        };
        assert_ne!(rows(&before), rows(&after), "{entity} rows show the change");
    }
    // Paid or voided invoices are no longer outstanding in the export.
    for row in after["invoices"].as_array().expect("invoices") {
        if row["status"] == "paid" {
            assert_eq!(row["amount_remaining"]["minor_units"], 0, "{row}");
        }
    }

    // Nothing new: one events page and one list page per stream (and customers' deletions).
    let quiet = home.json(&["fetch"], 0);
    for name in ["customers", "charges", "invoices"] {
        let stream = stream(&quiet, name);
        assert_eq!(stream["mode"], "incremental");
        assert_eq!(stream["records_updated"], 0, "{stream}");
        let expected = if name == "customers" { 3 } else { 2 };
        assert_eq!(stream["requests"], expected, "{name}: {stream}");
        assert!(
            stream["warnings"].as_array().is_some_and(Vec::is_empty),
            "{stream}"
        );
    }

    // A stream last fetched longer ago than Stripe keeps events is fetched in full, and says so.
    conn.execute(
        "UPDATE stream_state SET watermark = '2025-01-01T00:00:00.000Z'
         WHERE connection_id = 'acme/stripe' AND stream = 'invoices'",
        [],
    )
    .expect("age the watermark");
    // `status` says so before the fetch does.
    let status = home.json(&["status", "acme/stripe"], 0);
    let problems = status["connections"][0]["problems"]
        .as_array()
        .expect("problems");
    assert!(
        problems.iter().any(|problem| problem["kind"] == "history"
            && problem["message"]
                .as_str()
                .is_some_and(|message| message.contains("`invoices`") && message.contains("full"))),
        "{status}"
    );
    let stale = home.json(&["fetch"], 0);
    let invoices = stream(&stale, "invoices");
    assert_eq!(invoices["mode"], "full", "{invoices}");
    assert!(
        invoices["warnings"][0]
            .as_str()
            .is_some_and(|warning| warning.contains("fetched in full") && warning.contains("30d")),
        "{invoices}"
    );
    assert_eq!(stream(&stale, "charges")["mode"], "incremental");
}
