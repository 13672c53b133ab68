//! Fetch throughput and memory, printed as figures (not a timed test).
//!
//! Runs the real `inlet` binary against the sandbox (a separate process, as in real use) and
//! compares it with the raw ceiling: a bare HTTP page loop over the same endpoint, and bare
//! SQLite inserts of the same records. Needs a Secret Service for `connect`:
//!
//!     scripts/with-keychain.sh cargo bench --bench fetch
//!
//! `BENCH_RECORDS` (default 100000) sets N; `BENCH_LATENCIES` (default `0,20`) the sandbox
//! latencies in ms; `BENCH_RSS_RECORDS` (default 1000000, 0 skips) the N of the peak-memory run;
//! `BENCH_JOBS_RECORDS` (default 5000, 0 skips) the per-connection N of the `--jobs` scaling;
//! `BENCH_ALLOWANCE=0` skips the advertised-allowance run; `BENCH_PARTITION_RECORDS` (default
//! 50000, 0 skips) sets the sandbox's N for the partitioned Stripe run (2N charges) and
//! `BENCH_PARTITION_LATENCY` (default 100) its latency in ms, also that of the Salesforce run,
//! whose N of contacts `BENCH_SALESFORCE_RECORDS` sets (default 50000, 0 skips).

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a benchmark program prints and may panic"
)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_inlet");

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

struct Sandbox {
    child: Child,
    /// The banner the sandbox printed: every provider's base URL and credential.
    banner: serde_json::Value,
    base_url: String,
    token: String,
    /// `http://ADDR`, for `/_sandbox/stats`.
    origin: String,
}

impl Sandbox {
    fn start(records: u64, latency_ms: u64) -> Self {
        Self::start_with(records, latency_ms, &[])
    }

    fn start_with(records: u64, latency_ms: u64, extra: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args([
                "sandbox",
                "--json",
                "--records",
                &records.to_string(),
                "--latency",
                &latency_ms.to_string(),
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let banner: serde_json::Value = serde_json::from_str(&line).unwrap();
        let hubspot = banner["providers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["provider"] == "hubspot")
            .unwrap();
        let base_url = hubspot["base_url"].as_str().unwrap().to_owned();
        let token = hubspot["credential"].as_str().unwrap().to_owned();
        Self {
            child,
            origin: format!("http://{}", banner["address"].as_str().unwrap()),
            banner,
            base_url,
            token,
        }
    }

    /// A provider's base URL and credential.
    fn provider(&self, id: &str) -> (String, String) {
        let entry = self.banner["providers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["provider"] == id)
            .unwrap();
        (
            entry["base_url"].as_str().unwrap().to_owned(),
            entry["credential"].as_str().unwrap().to_owned(),
        )
    }

    /// Requests the sandbox refused with an enforced 429.
    fn rate_limited(&self) -> u64 {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let text = runtime.block_on(async {
            reqwest::get(format!("{}/_sandbox/stats", self.origin))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        });
        let body: serde_json::Value = serde_json::from_str(&text).unwrap();
        body["rate_limited"].as_u64().unwrap()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Peak resident memory of a running child, read from /proc until it exits.
fn run_measured(command: &mut Command) -> (std::process::ExitStatus, Duration, u64) {
    let start = Instant::now();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_path)
            && let Some(line) = text.lines().find(|line| line.starts_with("VmHWM:"))
        {
            let kib: u64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            if !status.success() {
                let mut stderr = String::new();
                let _ =
                    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr);
                println!("  command failed: {stderr}");
            }
            return (status, start.elapsed(), peak_kib);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn inlet(home: &Path) -> Command {
    let mut command = Command::new(BIN);
    command.env("INLET_HOME", home).env("NO_COLOR", "1");
    command
}

fn connect(home: &Path, sandbox: &Sandbox, client: &str) {
    connect_to(home, "hubspot", client, &sandbox.base_url, &sandbox.token);
}

/// `inlet connect PROVIDER --client CLIENT --base-url … --token-stdin`, asserting success.
fn connect_to(home: &Path, provider: &str, client: &str, base_url: &str, token: &str) {
    connect_with(
        home,
        &[
            "connect",
            provider,
            "--client",
            client,
            "--base-url",
            base_url,
            "--token-stdin",
        ],
        token,
    );
}

/// `inlet ARGS` with `secret` on stdin (`--token-stdin`), asserting success.
fn connect_with(home: &Path, args: &[&str], secret: &str) {
    let mut child = inlet(home)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(secret.as_bytes())
        .unwrap();
    assert!(
        child.wait().unwrap().success(),
        "connect failed: is a Secret Service running? (scripts/with-keychain.sh)"
    );
}

/// Lifts HubSpot's request budget (100 per 10 s) with a user definition, so the engine, not
/// the provider's budget, is what gets measured.
fn raise_budget(home: &Path) {
    // The sandbox reports HubSpot's budget in its headers (without enforcing it); the override
    // ignores those headers too, or they would pull the budget back down.
    let text: String = include_str!("../providers/hubspot.toml")
        .replace("requests = 100\n", "requests = 1000000\n")
        .lines()
        .filter(|line| !line.contains("_header ="))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::create_dir_all(home.join("config/providers")).unwrap();
    std::fs::write(home.join("config/providers/hubspot.toml"), text).unwrap();
}

/// `inlet fetch` of N contacts: records/s, requests, peak RSS.
fn inlet_fetch(records: u64, latency_ms: u64) -> (f64, u64) {
    let sandbox = Sandbox::start(records, latency_ms);
    let home = tempfile::tempdir().unwrap();
    raise_budget(home.path());
    connect(home.path(), &sandbox, "bench");
    let (status, elapsed, peak_kib) =
        run_measured(inlet(home.path()).args(["fetch", "bench/hubspot", "--stream", "contacts"]));
    assert!(status.success());
    (records as f64 / elapsed.as_secs_f64(), peak_kib)
}

/// `inlet export` of a client with N contacts in every layout: (layout, seconds, bytes written,
/// peak RSS in KiB). Rows stream from SQLite to the file, so memory should not grow with N.
fn export_memory(records: u64) -> Vec<(&'static str, f64, u64, u64)> {
    let sandbox = Sandbox::start(records, 0);
    let home = tempfile::tempdir().unwrap();
    raise_budget(home.path());
    connect(home.path(), &sandbox, "bench");
    let (status, _, _) =
        run_measured(inlet(home.path()).args(["fetch", "bench/hubspot", "--stream", "contacts"]));
    assert!(status.success());
    let mut measured = Vec::new();
    for (label, args, out) in [
        ("json (pretty)", &["--format", "json"][..], "bench.json"),
        (
            "json --compact",
            &["--format", "json", "--compact"][..],
            "bench-compact.json",
        ),
        ("ndjson", &["--format", "ndjson"][..], "bench.ndjson"),
        ("csv", &["--format", "csv"][..], "csv/"),
    ] {
        let target = home.path().join(out);
        let target_text = target.display().to_string();
        let (status, elapsed, peak_kib) = run_measured(
            inlet(home.path())
                .args(["export", "--client", "bench", "--out", &target_text])
                .args(args),
        );
        assert!(status.success());
        let bytes = if out.ends_with('/') {
            std::fs::read_dir(target.join("bench"))
                .or_else(|_| std::fs::read_dir(&target))
                .map(|entries| {
                    entries
                        .flatten()
                        .filter_map(|entry| entry.metadata().ok())
                        .map(|meta| meta.len())
                        .sum()
                })
                .unwrap_or(0)
        } else {
            std::fs::metadata(&target).map_or(0, |meta| meta.len())
        };
        measured.push((label, elapsed.as_secs_f64(), bytes, peak_kib));
    }
    measured
}

/// `inlet status` (table and `--json`) with `connections` HubSpot connections and `records`
/// cached records spread over them: the median of 5 runs of each, in seconds. The records are
/// written straight into the cache (a fetch of 10M would take minutes and measure nothing
/// more); the connections take their token from the environment, so no keychain is asked.
fn status_speed(connections: u64, records: u64) -> (f64, f64) {
    let sandbox = Sandbox::start(10, 0);
    let home = tempfile::tempdir().unwrap();
    let variable = |client: u64| format!("INLET_TOKEN_C{client}_HUBSPOT");
    for client in 0..connections {
        let status = inlet(home.path())
            .env(variable(client), &sandbox.token)
            .args([
                "connect",
                "hubspot",
                "--client",
                &format!("c{client}"),
                "--base-url",
                &sandbox.base_url,
                "--secret-from-env",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "connect c{client}");
    }
    let mut conn = rusqlite::Connection::open(home.path().join("data/inlet.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    let per_connection = records / connections.max(1);
    for client in 0..connections {
        let tx = conn.transaction().unwrap();
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO records (connection_id, client, stream, record_id, entity, raw,
                                          normalized, updated_at, fetched_at, shape)
                     VALUES (?1, ?2, ?3, ?4, 'contacts', '{}', '{}', NULL, '', '')",
                )
                .unwrap();
            let id = format!("c{client}/hubspot");
            let name = format!("c{client}");
            for record in 0..per_connection {
                let stream = ["contacts", "companies", "deals"][(record % 3) as usize];
                insert
                    .execute(rusqlite::params![id, name, stream, record.to_string()])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    // The counts inlet keeps as it writes pages, brought up to date as its migration does.
    conn.execute_batch(
        "DELETE FROM record_counts;
         INSERT INTO record_counts (connection_id, stream, client, records)
         SELECT connection_id, stream, MIN(client), COUNT(*) FROM records
         GROUP BY connection_id, stream;",
    )
    .unwrap();
    drop(conn);
    // Status sees every record.
    let mut command = inlet(home.path());
    for client in 0..connections {
        command.env(variable(client), &sandbox.token);
    }
    let shown = command.args(["--json", "status"]).output().unwrap();
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let total: u64 = shown["connections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["records"].as_object().unwrap().values())
        .filter_map(serde_json::Value::as_u64)
        .sum();
    assert_eq!(
        total,
        per_connection * connections,
        "status counts every record"
    );
    let time = |args: &[&str]| {
        let mut runs: Vec<f64> = (0..5)
            .map(|_| {
                let mut command = inlet(home.path());
                for client in 0..connections {
                    command.env(variable(client), &sandbox.token);
                }
                let started = Instant::now();
                let status = command
                    .args(args)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .unwrap();
                assert!(status.success() || status.code() == Some(1), "status ran");
                started.elapsed().as_secs_f64()
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        runs[runs.len() / 2]
    };
    (time(&["status"]), time(&["--json", "status"]))
}

/// The ceiling of the HTTP side: a bare page loop over the same endpoint, parsing each page.
fn bare_http(records: u64, latency_ms: u64) -> f64 {
    let sandbox = Sandbox::start(records, latency_ms);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let fetched = runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut after: Option<String> = None;
        let mut fetched = 0u64;
        loop {
            let mut request = client
                .get(format!("{}/crm/v3/objects/contacts", sandbox.base_url))
                .bearer_auth(&sandbox.token)
                .query(&[("limit", "100"), ("archived", "false"), ("properties", "email,firstname,lastname,company,phone,lifecyclestage,createdate,lastmodifieddate")]);
            if let Some(after) = &after {
                request = request.query(&[("after", after)]);
            }
            let body: serde_json::Value = serde_json::from_str(&request.send().await.unwrap().text().await.unwrap()).unwrap();
            fetched += body["results"].as_array().map_or(0, |results| results.len() as u64);
            match body.pointer("/paging/next/after").and_then(|after| after.as_str()) {
                Some(next) => after = Some(next.to_owned()),
                None => break fetched,
            }
        }
    });
    assert_eq!(fetched, records);
    records as f64 / started.elapsed().as_secs_f64()
}

/// The ceiling of the storage side: the same records inserted in 100-row transactions.
fn bare_sqlite(records: u64) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rusqlite::Connection::open(dir.path().join("bare.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.execute_batch(
        "CREATE TABLE records (connection_id TEXT, stream TEXT, record_id TEXT, raw TEXT, normalized TEXT,
                               PRIMARY KEY (connection_id, stream, record_id))",
    )
    .unwrap();
    let raw = "{\"id\":\"ID\",\"properties\":{\"email\":\"someone@example.com\",\"firstname\":\"Zoë\",\"lastname\":\"Example\",\"company\":\"Example Logistics\",\"phone\":\"(918) 555-3739\",\"lifecyclestage\":\"lead\",\"createdate\":\"2024-01-03T20:20:34.557Z\",\"lastmodifieddate\":\"2025-01-03T20:20:34.557Z\"},\"createdAt\":\"2024-01-03T20:20:34.557Z\",\"updatedAt\":\"2025-01-03T20:20:34.557Z\",\"archived\":false}".to_string();
    let normalized = raw.replace("properties", "p");
    let started = Instant::now();
    let mut id = 0u64;
    while id < records {
        let tx = conn.transaction().unwrap();
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO records VALUES ('bench/hubspot', 'contacts', ?1, ?2, ?3)",
                )
                .unwrap();
            for _ in 0..100.min(records - id) {
                insert
                    .execute(rusqlite::params![id.to_string(), raw, normalized])
                    .unwrap();
                id += 1;
            }
        }
        tx.commit().unwrap();
    }
    records as f64 / started.elapsed().as_secs_f64()
}

/// `--jobs` scaling: 4 connections fetched with 1, 2 and 4 jobs, with latency, under HubSpot's
/// own budget (100 requests per 10 s per account). With one account per connection the
/// budgets are separate and throughput scales with `--jobs`; with one account shared by all four
/// (the same portal connected four times) its budget binds, which is what should happen.
fn jobs_scaling(per_connection: u64, latency_ms: u64, shared_account: bool) -> Vec<(usize, f64)> {
    let mut results = Vec::new();
    for jobs in [1usize, 2, 4] {
        // Fresh accounts for every measurement: a budget spent by the previous one would bind.
        let sandboxes: Vec<Sandbox> = if shared_account {
            vec![Sandbox::start(per_connection, latency_ms)]
        } else {
            (0..4)
                .map(|_| Sandbox::start(per_connection, latency_ms))
                .collect()
        };
        let home = tempfile::tempdir().unwrap();
        for (index, client) in ["c1", "c2", "c3", "c4"].iter().enumerate() {
            connect(home.path(), &sandboxes[index % sandboxes.len()], client);
        }
        let (status, elapsed, _) = run_measured(inlet(home.path()).args([
            "fetch",
            "--stream",
            "contacts",
            "--jobs",
            &jobs.to_string(),
        ]));
        assert!(status.success());
        results.push((jobs, (4 * per_connection) as f64 / elapsed.as_secs_f64()));
    }
    results
}

/// The provider's advertised allowance, used in full: HubSpot enforcing `allowance` requests per
/// window (shortened to 2 s so the run is short) while the shipped definition says 100. Returns
/// the elapsed time, the least time the allowance permits (the first window's requests go at
/// once, each further `allowance` requests needs one more window), and the 429s the sandbox sent.
fn allowance_use(allowance: u64) -> (f64, f64, u64) {
    let window_secs = 2.0;
    // Enough pages for several windows: 6 windows' worth of requests.
    let records = allowance * 6 * 100;
    let sandbox = Sandbox::start_with(
        records,
        0,
        &[
            "--rate-limit",
            "--rate-window",
            "2s",
            "--hubspot-burst",
            &allowance.to_string(),
        ],
    );
    let home = tempfile::tempdir().unwrap();
    connect(home.path(), &sandbox, "tier");
    let (status, elapsed, _) =
        run_measured(inlet(home.path()).args(["fetch", "tier/hubspot", "--stream", "contacts"]));
    assert!(status.success());
    let requests = records.div_ceil(100);
    let least = (requests.saturating_sub(1) / allowance) as f64 * window_secs;
    (elapsed.as_secs_f64(), least, sandbox.rate_limited())
}

/// A Stripe definition changed for a run: without partitions (one list, page after page), or
/// with the budget and the ranges in flight raised.
fn stripe_definition(home: &Path, partitioned: bool, lifted: bool) {
    let shipped = include_str!("../providers/stripe.toml");
    let mut text = String::new();
    let mut skipping = false;
    for line in shipped.lines() {
        if line.starts_with("# Passes read `created` ranges") || line == "[streams.partitions]" {
            skipping = !partitioned;
        } else if line.starts_with('[') && !line.starts_with("[streams.partitions") {
            skipping = false;
        }
        if !skipping {
            text.push_str(line);
            text.push('\n');
        }
    }
    if lifted {
        text = text
            .replace("requests = 25\n", "requests = 100000\n")
            .replace("jobs = 4\n", "jobs = 16\n");
    }
    std::fs::create_dir_all(home.join("config/providers")).unwrap();
    std::fs::write(home.join("config/providers/stripe.toml"), text).unwrap();
}

/// `inlet --json fetch CONNECTION --stream STREAM`, asserting success: the seconds it took and
/// the run's report.
fn timed_fetch(home: &Path, connection: &str, stream: &str) -> (f64, serde_json::Value) {
    let started = Instant::now();
    let output = inlet(home)
        .args(["--json", "fetch", connection, "--stream", stream])
        .output()
        .unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    (elapsed, report["runs"][0].clone())
}

/// A full fetch of Stripe's charges (`records` × 2 of them) at a latency: seconds, requests
/// made and 429s refused by the sandbox, which enforces Stripe's 25 requests per second unless
/// the budget is lifted.
fn stripe_charges(
    records: u64,
    latency_ms: u64,
    partitioned: bool,
    lifted: bool,
) -> (f64, u64, u64) {
    let extra: &[&str] = if lifted { &[] } else { &["--rate-limit"] };
    let sandbox = Sandbox::start_with(records, latency_ms, extra);
    let (base_url, key) = sandbox.provider("stripe");
    let home = tempfile::tempdir().unwrap();
    stripe_definition(home.path(), partitioned, lifted);
    connect_to(home.path(), "stripe", "shop", &base_url, &key);
    // connect's own request leaves the sandbox's one-second window first.
    std::thread::sleep(Duration::from_millis(1_100));
    let (elapsed, run) = timed_fetch(home.path(), "shop/stripe", "charges");
    assert_eq!(
        run["records_new"].as_u64(),
        Some(records * 2),
        "every charge"
    );
    (
        elapsed,
        run["requests"].as_u64().unwrap(),
        sandbox.rate_limited(),
    )
}

/// A full fetch of Salesforce's contacts (`records` of them) at a latency, their
/// `SystemModstamp` ranges read `jobs` at once (1: one query, page after page): seconds and
/// requests made. The sandbox enforces no per-second limit for Salesforce; the definition's
/// budget (25 requests/s) paces inlet.
fn salesforce_contacts(records: u64, latency_ms: u64, jobs: u32) -> (f64, u64) {
    let sandbox = Sandbox::start(records, latency_ms);
    let oauth = &sandbox.banner["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == "salesforce")
        .unwrap()["oauth"];
    let home = tempfile::tempdir().unwrap();
    let shipped = include_str!("../providers/salesforce.toml");
    std::fs::create_dir_all(home.path().join("config/providers")).unwrap();
    std::fs::write(
        home.path().join("config/providers/salesforce.toml"),
        shipped.replace("jobs = 3\n", &format!("jobs = {jobs}\n")),
    )
    .unwrap();
    let client_id = format!("client_id={}", oauth["client_id"].as_str().unwrap());
    connect_with(
        home.path(),
        &[
            "connect",
            "salesforce",
            "--client",
            "shop",
            "--auth",
            "client",
            "--set",
            &client_id,
            "--auth-url",
            oauth["auth_url"].as_str().unwrap(),
            "--token-stdin",
        ],
        oauth["client_secret"].as_str().unwrap(),
    );
    let (elapsed, run) = timed_fetch(home.path(), "shop/salesforce", "contacts");
    assert_eq!(run["records_new"].as_u64(), Some(records), "every contact");
    (elapsed, run["requests"].as_u64().unwrap())
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let records = env_number("BENCH_RECORDS", 100_000);
    let rss_records = env_number("BENCH_RSS_RECORDS", 1_000_000);
    let jobs_records = env_number("BENCH_JOBS_RECORDS", 5_000);
    println!(
        "inlet fetch benchmark: N = {records} HubSpot contacts (100 per page) from the sandbox over loopback\n"
    );

    let latencies: Vec<u64> = std::env::var("BENCH_LATENCIES")
        .ok()
        .map(|text| {
            text.split(',')
                .filter_map(|latency| latency.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![0, 20]);
    for latency in latencies {
        let http = bare_http(records, latency);
        let sqlite = bare_sqlite(records);
        let ceiling = 1.0 / (1.0 / http + 1.0 / sqlite);
        let (rate, peak_kib) = inlet_fetch(records, latency);
        println!("latency {latency} ms:");
        println!("  bare HTTP page loop     {http:>10.0} records/s");
        println!("  bare SQLite inserts     {sqlite:>10.0} records/s");
        println!("  ceiling (both, in turn) {ceiling:>10.0} records/s");
        println!(
            "  inlet fetch             {rate:>10.0} records/s  = {:.0}% of the ceiling",
            100.0 * rate / ceiling
        );
        println!("  requests                {:>10}", records.div_ceil(100));
        println!(
            "  inlet peak RSS          {:>10.1} MiB\n",
            peak_kib as f64 / 1024.0
        );
    }

    if rss_records > 0 {
        let (rate, peak_kib) = inlet_fetch(rss_records, 0);
        println!(
            "memory at N = {rss_records}: peak RSS {:.1} MiB ({rate:.0} records/s)\n",
            peak_kib as f64 / 1024.0
        );
    }

    let status_records = env_number("BENCH_STATUS_RECORDS", 10_000_000);
    if status_records > 0 {
        let connections = env_number("BENCH_STATUS_CONNECTIONS", 100);
        let (table, json) = status_speed(connections, status_records);
        println!(
            "status with {connections} connections and {status_records} cached records (median of 5):\n  table {:>8.1} ms\n  --json {:>7.1} ms\n",
            table * 1000.0,
            json * 1000.0
        );
    }

    let export_records = env_number("BENCH_EXPORT_RECORDS", 1_000_000);
    if export_records > 0 {
        println!("export of N = {export_records} contacts, one client, every layout:");
        for (label, seconds, bytes, peak_kib) in export_memory(export_records) {
            println!(
                "  {label:<16} {seconds:>6.2} s  {:>8.1} MB written  peak RSS {:>6.1} MiB",
                bytes as f64 / 1e6,
                peak_kib as f64 / 1024.0
            );
        }
        println!();
    }

    if env_number("BENCH_ALLOWANCE", 1) > 0 {
        println!(
            "advertised allowance (HubSpot enforcing N per window, window 2 s, definition says 100):"
        );
        for allowance in [100, 190, 250] {
            let (elapsed, least, refused) = allowance_use(allowance);
            println!(
                "  N = {allowance:>3}  {} requests in {elapsed:>5.2} s, the allowance permits {least:.2} s: {:>3.0}% of it used, 429s: {refused}",
                allowance * 6,
                100.0 * least / elapsed
            );
        }
        println!();
    }

    let partition_records = env_number("BENCH_PARTITION_RECORDS", 50_000);
    if partition_records > 0 {
        let charges = partition_records * 2;
        let latency = env_number("BENCH_PARTITION_LATENCY", 100);
        println!(
            "Stripe charges, one stream of {charges}, {latency} ms latency (sandbox enforcing 25 requests/s unless lifted):"
        );
        let (sequential, requests, refused) =
            stripe_charges(partition_records, latency, false, false);
        let line = |label: &str, (seconds, requests, refused): (f64, u64, u64)| {
            println!(
                "  {label:<34} {seconds:>6.1} s  {:>7.0} records/s  {:>4.1}x  {requests:>5} requests  {:>4.1} requests/s  429s: {refused}",
                charges as f64 / seconds,
                sequential / seconds,
                requests as f64 / seconds,
            );
        };
        line("one list, page after page", (sequential, requests, refused));
        line(
            "ranges, 4 at once, 25/s budget",
            stripe_charges(partition_records, latency, true, false),
        );
        line(
            "ranges, 16 at once, budget lifted",
            stripe_charges(partition_records, latency, true, true),
        );
        println!();
    }

    let salesforce_records = env_number("BENCH_SALESFORCE_RECORDS", 50_000);
    if salesforce_records > 0 {
        let latency = env_number("BENCH_PARTITION_LATENCY", 100);
        println!(
            "Salesforce contacts, one query of {salesforce_records} (200 a page), {latency} ms latency, 25 requests/s budget:"
        );
        let (sequential, requests) = salesforce_contacts(salesforce_records, latency, 1);
        let line = |label: &str, (seconds, requests): (f64, u64)| {
            println!(
                "  {label:<34} {seconds:>6.1} s  {:>7.0} records/s  {:>4.1}x  {requests:>5} requests  {:>4.1} requests/s",
                salesforce_records as f64 / seconds,
                sequential / seconds,
                requests as f64 / seconds,
            );
        };
        line("one range, page after page", (sequential, requests));
        line(
            "ranges, 3 at once",
            salesforce_contacts(salesforce_records, latency, 3),
        );
        println!();
    }

    let scaling = if jobs_records == 0 {
        &[][..]
    } else {
        &[(false, "one account each"), (true, "one shared account")][..]
    };
    for &(shared, label) in scaling {
        println!("--jobs scaling: 4 connections × {jobs_records} contacts, 20 ms latency, {label}");
        for (jobs, rate) in jobs_scaling(jobs_records, 20, shared) {
            println!("  --jobs {jobs}  {rate:>10.0} records/s");
        }
    }
}
