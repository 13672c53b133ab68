//! Partitioned streams (Stripe's lists as `created` ranges, Salesforce's queries as
//! `SystemModstamp` ranges, several at once): every record exactly once, several requests in
//! flight within the budget, and a kill in the middle resumed from each range's own page.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::common::{Home, Sandbox, require_keychain};

fn charge_ids(home: &Home) -> BTreeSet<String> {
    ids_of(home, "charges")
}

fn ids_of(home: &Home, stream: &str) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    conn.busy_timeout(Duration::from_secs(10)).expect("busy");
    let mut statement = conn
        .prepare("SELECT record_id FROM records WHERE stream = ?1")
        .expect("prepare");
    statement
        .query_map([stream], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn charges(report: &serde_json::Value) -> &serde_json::Value {
    stream_of(report, "charges")
}

fn stream_of<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["runs"][0]["streams"]
        .as_array()
        .and_then(|streams| streams.iter().find(|stream| stream["stream"] == name))
        .expect("the stream")
}

#[test]
fn ranges_are_read_at_once_and_a_kill_resumes_each_where_it_stood() {
    require_keychain();
    // 8,000 charges: 80 pages at 40 ms a round trip.
    let sandbox = Sandbox::start(4_000, 40);
    let (base_url, key, counts) = sandbox.provider("stripe");
    let total = counts
        .iter()
        .find(|(stream, _)| stream == "charges")
        .map_or(0, |(_, count)| *count);
    assert_eq!(total, 8_000);
    let home = Home::new();
    home.connect_to("stripe", "acme", &base_url, &key, &[]);

    let mut child = home
        .inlet()
        .args(["fetch", "acme/stripe", "--stream", "charges"])
        .spawn()
        .expect("fetch");
    let started = Instant::now();
    while home.record_count("acme/stripe") < 2_000 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let before = charge_ids(&home);
    assert!(
        before.len() >= 2_000,
        "pages were committed before the kill"
    );
    assert!(
        (before.len() as u64) < total,
        "killed before the end ({} of {total})",
        before.len()
    );
    let in_flight = sandbox.stats()["max_in_flight"].as_u64().unwrap_or(0);
    assert!(
        in_flight >= 2,
        "ranges were read at once: {in_flight} request(s) in flight at most"
    );

    let report = home.json(&["fetch", "acme/stripe", "--stream", "charges"], 0);
    let resumed = charges(&report);
    assert_eq!(resumed["resumed"], true);
    assert_eq!(resumed["outcome"], "ok");
    let after = charge_ids(&home);
    assert!(after.is_superset(&before), "nothing committed was lost");
    assert_eq!(after.len() as u64, total, "every charge, once");
    assert_eq!(
        before.len() as u64 + resumed["records_new"].as_u64().unwrap_or(0),
        total,
        "no record was counted new twice"
    );
    assert_eq!(
        sandbox.stats()["rate_limited"],
        0,
        "the budget held: no request was refused"
    );

    // A full refresh reads all again in ranges, with few requests beyond one per page: a short
    // page at the end of each range it split off.
    let refreshed = home.json(
        &[
            "fetch",
            "acme/stripe",
            "--stream",
            "charges",
            "--full-refresh",
        ],
        0,
    );
    let refreshed = charges(&refreshed);
    assert_eq!(refreshed["records_new"], 0, "nothing is new");
    assert_eq!(refreshed["records_updated"], 0, "nothing changed");
    assert_eq!(charge_ids(&home).len() as u64, total);
    let requests = refreshed["requests"].as_u64().unwrap_or(0);
    assert!(
        (80..=100).contains(&requests),
        "{requests} requests for 80 pages of charges"
    );
    // And the next one is incremental: one range, from the watermark.
    let quiet = home.json(&["fetch", "acme/stripe", "--stream", "charges"], 0);
    assert_eq!(charges(&quiet)["mode"], "incremental");
    assert_eq!(charges(&quiet)["records_new"], 0);
    assert!(charges(&quiet)["requests"].as_u64().unwrap_or(0) <= 3);
}

/// Salesforce's query locators (`nextRecordsUrl`) keep the span their query was opened for, so a
/// range split after its query began reads on into the older part: the records there are
/// dropped and the range ends, or every range would read down to the oldest record. The count
/// Salesforce gives (`totalSize`) keeps a small org to one query per object.
#[test]
fn salesforce_ranges_read_each_record_once_and_a_kill_resumes_them() {
    require_keychain();
    // 6,000 contacts: 30 pages of 200 at 40 ms a round trip.
    let sandbox = Sandbox::start(6_000, 40);
    let entry = sandbox.banner["providers"]
        .as_array()
        .and_then(|providers| providers.iter().find(|p| p["provider"] == "salesforce"))
        .expect("salesforce in the banner");
    let oauth = &entry["oauth"];
    let login = oauth["auth_url"].as_str().expect("auth_url");
    let client_id = format!("client_id={}", oauth["client_id"].as_str().expect("id"));
    let secret = oauth["client_secret"].as_str().expect("secret");
    let home = Home::new();
    let connected = home.run_with_stdin(
        &[
            "connect",
            "salesforce",
            "--client",
            "acme",
            "--auth",
            "client",
            "--set",
            &client_id,
            "--auth-url",
            login,
            "--token-stdin",
        ],
        secret,
    );
    assert_eq!(connected.status.code(), Some(0), "{connected:?}");

    let mut child = home
        .inlet()
        .args(["fetch", "acme/salesforce", "--stream", "contacts"])
        .spawn()
        .expect("fetch");
    let started = Instant::now();
    while home.record_count("acme/salesforce") < 1_600
        && started.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let before = ids_of(&home, "contacts");
    assert!(
        before.len() >= 1_600,
        "pages were committed before the kill"
    );
    assert!(
        before.len() < 6_000,
        "killed before the end ({})",
        before.len()
    );
    let in_flight = sandbox.stats()["max_in_flight"].as_u64().unwrap_or(0);
    assert!(in_flight >= 2, "{in_flight} request(s) in flight at most");

    let report = home.json(&["fetch", "acme/salesforce", "--stream", "contacts"], 0);
    let resumed = stream_of(&report, "contacts");
    assert_eq!(resumed["resumed"], true, "{report}");
    assert_eq!(resumed["outcome"], "ok", "{report}");
    let after = ids_of(&home, "contacts");
    assert!(after.is_superset(&before), "nothing committed was lost");
    assert_eq!(after.len(), 6_000, "every contact, once");
    assert_eq!(
        before.len() as u64 + resumed["records_new"].as_u64().unwrap_or(0),
        6_000,
        "no record was counted new twice"
    );

    // A full refresh in ranges costs few requests beyond one per page (30 pages, and the
    // recycle bin's): a range split off ends on a short page, and so does the one it left.
    let refreshed = home.json(
        &[
            "fetch",
            "acme/salesforce",
            "--stream",
            "contacts",
            "--full-refresh",
        ],
        0,
    );
    let refreshed = stream_of(&refreshed, "contacts");
    assert_eq!(refreshed["records_new"], 0, "nothing is new");
    let requests = refreshed["requests"].as_u64().unwrap_or(0);
    assert!(
        (31..=37).contains(&requests),
        "{requests} requests for 31 pages"
    );
    // The next pass is incremental: one range from the watermark, nothing new, one query.
    let quiet = home.json(&["fetch", "acme/salesforce", "--stream", "contacts"], 0);
    let quiet = stream_of(&quiet, "contacts");
    assert_eq!(quiet["mode"], "incremental");
    assert_eq!(quiet["records_new"], 0);
    assert!(quiet["requests"].as_u64().unwrap_or(0) <= 2, "{quiet}");
}
