//! Report streams end to end: GA4 and Search Console through the real binary, over HTTP against
//! the sandbox. Counts equal the sandbox's, restated days are replaced and never duplicated,
//! paging stops on `rowCount` and on a short page, the property quota feeds the budget, 429
//! `RESOURCE_EXHAUSTED` throttles and recovers, a kill in the middle of a replace loses nothing,
//! and `connect` picks the property or site.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{BIN, Home, Sandbox, assert_code, assert_success, require_keychain, text};

/// `METHOD url` with a Bearer token and a JSON body, over a bare socket; the JSON answer.
fn call(method: &str, url: &str, token: Option<&str>, body: Option<&Value>) -> (u16, Value) {
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').expect("url with a path");
    let mut stream = std::net::TcpStream::connect(host).expect("connect to the sandbox");
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = token
        .map(|token| format!("Authorization: Bearer {token}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} /{path} HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response[9..12].parse().expect("status");
    let (_, body) = response.split_once("\r\n\r\n").expect("a body");
    (status, serde_json::from_str(body).expect("JSON"))
}

struct Google {
    ga4: String,
    search: String,
    origin: String,
    token: String,
    property: String,
}

fn google(sandbox: &Sandbox) -> Google {
    let (ga4, token, _) = sandbox.provider("ga4");
    let (search, _, _) = sandbox.provider("search-console");
    Google {
        origin: sandbox.origin(),
        ga4,
        search,
        token,
        property: inlet_sandbox::ga4_properties(42)[0].clone(),
    }
}

impl Google {
    /// The sandbox's own answer for the definition's report over its 90 days of history.
    fn ga4_rows(&self, dimensions: &[&str]) -> Vec<Value> {
        let body = json!({
            "dateRanges": [{"startDate": "89daysAgo", "endDate": "today"}],
            "dimensions": dimensions.iter().map(|name| json!({"name": name})).collect::<Vec<_>>(),
            "metrics": [{"name": "sessions"}, {"name": "totalUsers"}, {"name": "newUsers"},
                        {"name": "keyEvents"}, {"name": "engagementRate"}],
            "limit": 250000,
        });
        let (status, report) = call(
            "POST",
            &format!("{}/v1beta/properties/{}:runReport", self.ga4, self.property),
            Some(&self.token),
            Some(&body),
        );
        assert_eq!(status, 200, "{report}");
        report["rows"].as_array().cloned().unwrap_or_default()
    }

    fn search_rows(&self, site: &str, dimensions: &[&str]) -> Vec<Value> {
        let today = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        let start = today
            .checked_sub(jiff::Span::new().days(89))
            .expect("a date");
        let body = json!({"startDate": start.to_string(), "endDate": today.to_string(),
                          "dimensions": dimensions, "dataState": "all", "rowLimit": 25000});
        let encoded: String = site
            .bytes()
            .map(|byte| {
                if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                    char::from(byte).to_string()
                } else {
                    format!("%{byte:02X}")
                }
            })
            .collect();
        let (status, answer) = call(
            "POST",
            &format!(
                "{}/webmasters/v3/sites/{encoded}/searchAnalytics/query",
                self.search
            ),
            Some(&self.token),
            Some(&body),
        );
        assert_eq!(status, 200, "{answer}");
        answer["rows"].as_array().cloned().unwrap_or_default()
    }

    fn quota(&self) -> Value {
        call(
            "GET",
            &format!("{}/_sandbox/ga4/quota", self.origin),
            None,
            None,
        )
        .1
    }

    fn set_quota(&self, tokens: u64) {
        let (status, _) = call(
            "POST",
            &format!(
                "{}/_sandbox/ga4/quota?tokens_per_hour={tokens}",
                self.origin
            ),
            None,
            None,
        );
        assert_eq!(status, 200);
    }

    fn connect_ga4(&self, home: &Home) {
        let property = format!("property={}", self.property);
        home.connect_to(
            "ga4",
            "acme",
            &self.ga4,
            &self.token,
            &["--auth", "access_token", "--set", &property],
        );
    }
}

/// Every cached record of a stream: record id → normalized row.
fn rows(home: &Home, stream: &str) -> BTreeMap<String, Value> {
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    let mut statement = conn
        .prepare("SELECT record_id, normalized FROM records WHERE stream = ?1")
        .expect("prepare");
    statement
        .query_map([stream], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .expect("query")
        .map(|row| {
            let (id, normalized) = row.expect("row");
            (
                id,
                serde_json::from_str(&normalized).expect("normalized JSON"),
            )
        })
        .collect()
}

fn stream<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["runs"][0]["streams"]
        .as_array()
        .and_then(|streams| streams.iter().find(|stream| stream["stream"] == name))
        .unwrap_or_else(|| panic!("stream {name} in {report}"))
}

fn days_ago(days: i64) -> String {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    today
        .checked_sub(jiff::Span::new().days(days))
        .expect("a date")
        .to_string()
}

#[test]
fn ga4_counts_match_and_restated_days_are_replaced_never_duplicated() {
    require_keychain();
    let sandbox = Sandbox::start(250, 0);
    let google = google(&sandbox);
    let home = Home::new();
    google.connect_ga4(&home);

    let first = home.json(&["fetch", "acme/ga4"], 0);
    let daily = google.ga4_rows(&["date"]);
    let by_channel = google.ga4_rows(&["date", "sessionDefaultChannelGroup"]);
    assert_eq!(daily.len(), 90, "one row per day of the history");
    for (name, expected) in [
        ("traffic_daily", daily.len() * 5),
        ("traffic_by_channel", by_channel.len() * 5),
    ] {
        assert_eq!(stream(&first, name)["mode"], "full");
        assert_eq!(
            stream(&first, name)["records_new"],
            expected as u64,
            "{name}"
        );
        assert_eq!(rows(&home, name).len(), expected, "{name} in the cache");
    }

    // Values are exact: a count is an integer, a rate the very digits GA4 sent.
    let cached = rows(&home, "traffic_daily");
    let day = &daily[40];
    let date = day["dimensionValues"][0]["value"]
        .as_str()
        .unwrap_or_default();
    let iso = format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]);
    let sessions = &cached[&format!("{iso}|sessions")];
    assert_eq!(
        sessions["value"]
            .as_i64()
            .map(|value| value.to_string())
            .as_deref(),
        day["metricValues"][0]["value"].as_str()
    );
    assert_eq!(
        cached[&format!("{iso}|engagementRate")]["value"],
        day["metricValues"][4]["value"]
    );
    assert_eq!(sessions["date"], iso.as_str());
    assert_eq!(sessions["dimensions"], json!({}));
    assert_eq!(sessions["metric"], "sessions");
    assert_eq!(sessions["source"]["provider"], "ga4");
    let channel_row = rows(&home, "traffic_by_channel")
        .into_values()
        .find(|row| row["metric"] == "keyEvents")
        .expect("a channel row");
    assert!(channel_row["dimensions"]["sessionDefaultChannelGroup"].is_string());

    // The provider restates the last days; the next fetch replaces them in place.
    let before = rows(&home, "traffic_by_channel");
    sandbox.tick();
    let again = home.json(&["fetch", "acme/ga4"], 0);
    let after = rows(&home, "traffic_by_channel");
    assert_eq!(after.len(), before.len(), "same rows, no duplicate");
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    let restated = days_ago(2);
    let mut changed = 0;
    for (id, row) in &after {
        let date = row["date"].as_str().unwrap_or_default();
        if date < restated.as_str() {
            assert_eq!(row, &before[id], "{id}: older days are left alone");
        } else if row["value"] != before[id]["value"] {
            changed += 1;
        }
    }
    assert!(changed > 0, "restated days have new values");
    let run = stream(&again, "traffic_by_channel");
    assert_eq!(run["mode"], "incremental");
    assert_eq!(run["records_new"], 0);
    assert_eq!(run["records_updated"], changed);
    assert!(run["requests"].as_u64() == Some(1), "{run}");

    // The export carries them as `metrics`, every row in the one shape.
    let output = home.run(&["export", "--client", "acme", "--out", "-"]);
    assert_success(&output);
    let document: Value = serde_json::from_slice(&output.stdout).expect("export JSON");
    let metrics = document["metrics"].as_array().expect("metrics");
    assert_eq!(metrics.len(), (daily.len() + by_channel.len()) * 5);
    for row in metrics.iter().take(50) {
        let keys: Vec<&str> = row
            .as_object()
            .map(|map| map.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "id",
                "date",
                "dimensions",
                "metric",
                "value",
                "source",
                "updated_at"
            ]
        );
        match row["metric"].as_str() {
            Some("engagementRate") => assert!(row["value"].is_string(), "{row}"),
            _ => assert!(row["value"].is_i64(), "{row}"),
        }
    }
    assert_eq!(document["manifest"]["counts"]["metrics"], metrics.len());
}

#[test]
fn paging_stops_on_row_count_and_on_a_short_page() {
    require_keychain();
    let sandbox = Sandbox::start(250, 0);
    let google = google(&sandbox);
    let home = Home::new();
    // Small pages, so paging shows: 90 days in pages of 9 (exactly 10: `rowCount` ends it
    // without asking for an 11th), and Search Console pages of 50 until a short one.
    home.provider_override(
        "ga4.toml",
        &include_str!("../../providers/ga4.toml").replace("limit = 10000", "limit = 9"),
    );
    home.provider_override(
        "search_console.toml",
        &include_str!("../../providers/search_console.toml").replace("limit = 25000", "limit = 50"),
    );
    google.connect_ga4(&home);
    let report = home.json(&["fetch", "acme/ga4", "--stream", "traffic_daily"], 0);
    let daily = stream(&report, "traffic_daily");
    assert_eq!(daily["pages"], 10, "{daily}");
    assert_eq!(daily["requests"], 10, "{daily}");
    assert_eq!(daily["records_new"], 450);

    // A URL-prefix site: its URL goes into the path percent-encoded.
    let site = "https://www.example.com/";
    home.connect_to(
        "search-console",
        "acme",
        &google.search,
        &google.token,
        &["--auth", "access_token", "--set", &format!("site={site}")],
    );
    let report = home.json(&["fetch", "acme/search-console"], 0);
    for (name, dimensions) in [
        ("search_daily", &["date"][..]),
        ("search_by_query", &["date", "query"][..]),
        ("search_by_page", &["date", "page"][..]),
    ] {
        let expected = google.search_rows(site, dimensions).len() as u64;
        let run = stream(&report, name);
        assert_eq!(run["records_new"], expected * 4, "{name}: {run}");
        assert_eq!(run["pages"], expected / 50 + 1, "{name}: {run}");
        assert_eq!(rows(&home, name).len() as u64, expected * 4);
    }
    let cached = rows(&home, "search_by_page");
    let any = cached.values().next().expect("a row");
    assert!(
        any["dimensions"]["page"]
            .as_str()
            .is_some_and(|page| page.starts_with(site))
    );
    let ctr = cached
        .values()
        .find(|row| row["metric"] == "ctr")
        .expect("a ctr row");
    assert!(
        ctr["value"].is_string(),
        "a ratio is a decimal string: {ctr}"
    );
}

#[test]
fn the_property_quota_feeds_the_budget_and_429_throttles_and_recovers() {
    require_keychain();
    let sandbox = Sandbox::start_args(&["--records", "250", "--rate-window", "2s"]);
    let google = google(&sandbox);
    let home = Home::new();
    google.connect_ga4(&home);

    // The run's remaining budget is what the last response said was left.
    let report = home.json(&["fetch", "acme/ga4"], 0);
    // (The hourly bucket is a 2 s window here; the daily one keeps the count.)
    let spent = google.quota()["tokensPerDay"]["consumed"]
        .as_u64()
        .unwrap_or(0);
    assert!(spent > 0);
    assert_eq!(report["runs"][0]["budget_remaining"], 14_000 - spent);

    // Near the reserve the connection pauses for the quota's wait instead of running into 429s.
    let paced = include_str!("../../providers/ga4.toml")
        .replace("limit = 10000", "limit = 9")
        .replace("reserve = 10", "reserve = 2")
        .replace("wait = \"10m\"", "wait = \"2s\"");
    home.provider_override("ga4.toml", &paced);
    // Let the first fetch's tokens leave the (2 s) window first.
    std::thread::sleep(Duration::from_millis(2_100));
    google.set_quota(5);
    let started = Instant::now();
    let report = home.json(
        &[
            "fetch",
            "acme/ga4",
            "--stream",
            "traffic_daily",
            "--full-refresh",
        ],
        0,
    );
    assert_eq!(stream(&report, "traffic_daily")["records_new"], 0);
    assert!(started.elapsed() >= Duration::from_secs(2), "it paused");
    assert!(
        report["runs"][0]["budget_wait_ms"].as_u64() >= Some(1_000),
        "{report}"
    );
    assert_eq!(
        sandbox.stats()["by_status"].get("429"),
        None,
        "no 429 needed"
    );

    // Without the quota block, the 429 RESOURCE_EXHAUSTED throttles; the fetch waits and
    // recovers.
    let unpaced = include_str!("../../providers/ga4.toml")
        .replace("limit = 10000", "limit = 9")
        .replace("wait = \"30s\"", "wait = \"1s\"")
        .replace(
            "[limits.quota]\nremaining = \"/propertyQuota/tokensPerProjectPerHour/remaining\"\nreserve = 10\nwait = \"10m\"\n",
            "",
        );
    assert!(!unpaced.contains("tokensPerProjectPerHour"));
    home.provider_override("ga4.toml", &unpaced);
    std::thread::sleep(Duration::from_millis(2_100));
    let report = home.json(
        &[
            "fetch",
            "acme/ga4",
            "--stream",
            "traffic_daily",
            "--full-refresh",
        ],
        0,
    );
    let run = stream(&report, "traffic_daily");
    assert_eq!(run["outcome"], "ok");
    assert_eq!(run["pages"], 10);
    assert!(run["requests"].as_u64() > Some(10), "retried: {run}");
    assert!(
        sandbox.stats()["by_status"]["429"].as_u64() > Some(0),
        "the sandbox refused some"
    );
    assert_eq!(rows(&home, "traffic_daily").len(), 450);
}

#[test]
fn a_kill_in_the_middle_of_a_replace_loses_nothing() {
    require_keychain();
    let sandbox = Sandbox::start_args(&["--records", "250", "--latency", "60"]);
    let google = google(&sandbox);
    let home = Home::new();
    home.provider_override(
        "ga4.toml",
        &include_str!("../../providers/ga4.toml").replace("limit = 10000", "limit = 5"),
    );
    google.connect_ga4(&home);
    assert_success(&home.run(&["fetch", "acme/ga4", "--stream", "traffic_daily"]));
    let before = rows(&home, "traffic_daily");
    assert_eq!(before.len(), 450);

    // A full refresh is 18 pages; kill it once some are staged.
    sandbox.tick();
    let mut child = home
        .inlet()
        .args([
            "fetch",
            "acme/ga4",
            "--stream",
            "traffic_daily",
            "--full-refresh",
        ])
        .spawn()
        .expect("fetch");
    let staged = || -> u64 {
        let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
        conn.busy_timeout(Duration::from_secs(5)).expect("busy");
        conn.query_row("SELECT COUNT(*) FROM staged_records", [], |row| row.get(0))
            .expect("count")
    };
    let started = Instant::now();
    while staged() < 20 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert!(staged() >= 20, "killed in the middle of the pass");
    assert_eq!(
        rows(&home, "traffic_daily"),
        before,
        "nothing replaced, nothing lost"
    );

    // The next fetch resumes the pass and completes the replace.
    let report = home.json(&["fetch", "acme/ga4", "--stream", "traffic_daily"], 0);
    assert_eq!(stream(&report, "traffic_daily")["resumed"], true);
    let after = rows(&home, "traffic_daily");
    assert_eq!(after.len(), 450, "complete, and no duplicate");
    assert_ne!(after, before, "the restated days are in");
    assert_eq!(staged(), 0);
}

#[test]
fn connect_picks_the_property_or_says_how() {
    require_keychain();
    let sandbox = Sandbox::start(250, 0);
    let google = google(&sandbox);
    let home = Home::new();

    // No terminal and no --set: every choice is listed as the --set that picks it.
    let output = home.run_with_stdin(
        &[
            "connect",
            "ga4",
            "--client",
            "acme",
            "--base-url",
            &google.ga4,
            "--auth",
            "access_token",
            "--token-stdin",
        ],
        &google.token,
    );
    assert_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("--set property=VALUE"), "{stderr}");
    for property in inlet_sandbox::ga4_properties(42) {
        assert!(
            stderr.contains(&format!("--set property={property}")),
            "{stderr}"
        );
    }
    assert!(stderr.contains("Acme web"), "{stderr}");
    assert!(!stderr.contains(&google.token), "no secret in output");
    let status = home.json(&["status"], 0);
    assert_eq!(status["connections"], json!([]), "nothing recorded");

    let output = home.run_with_stdin(
        &[
            "connect",
            "search-console",
            "--client",
            "acme",
            "--base-url",
            &google.search,
            "--auth",
            "access_token",
            "--token-stdin",
        ],
        &google.token,
    );
    assert_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("--set site=sc-domain:example.com"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--set site=https://www.example.com/"),
        "{stderr}"
    );

    // A malformed value is refused before any request; a property the credential cannot
    // read is refused by the provider (exit 4: the credential needs access).
    let output = home.run_with_stdin(
        &[
            "connect",
            "ga4",
            "--client",
            "acme",
            "--base-url",
            &google.ga4,
            "--token-stdin",
            "--auth",
            "access_token",
            "--set",
            "property=abc",
        ],
        &google.token,
    );
    assert_code(&output, 2);
    let output = home.run_with_stdin(
        &[
            "connect",
            "ga4",
            "--client",
            "acme",
            "--base-url",
            &google.ga4,
            "--token-stdin",
            "--auth",
            "access_token",
            "--set",
            "property=123",
        ],
        &google.token,
    );
    assert_code(&output, 4);
    assert!(text(&output.stderr).contains("sufficient permissions"));

    // `providers show` says what to register first, and how the reports are fetched.
    for (provider, register) in [
        ("ga4", "as a Viewer of the GA4 property"),
        ("search-console", "as a user of the Search Console"),
    ] {
        let output = home.run(&["providers", "show", provider]);
        assert_success(&output);
        let shown = text(&output.stdout);
        assert!(shown.contains("Before connecting:"), "{shown}");
        assert!(shown.contains("\"Desktop app\""), "{shown}");
        assert!(shown.contains(register), "{shown}");
        assert!(
            shown.contains("report: each fetch re-pulls the last 3 days"),
            "{shown}"
        );
        assert!(
            shown.contains("picked from the account's list at connect"),
            "{shown}"
        );
    }

    // With --set, the property is verified and named.
    google.connect_ga4(&home);
    let status = home.json(&["status", "acme/ga4"], 0);
    assert_eq!(
        status["connections"][0]["account"]["name"],
        format!("GA4 Acme web (properties/{})", google.property)
    );
}

#[test]
fn on_a_terminal_connect_asks_which_property() {
    require_keychain();
    let sandbox = Sandbox::start(250, 0);
    let google = google(&sandbox);
    let home = Home::new();
    // The hidden token prompt, then the list; answer with the second property.
    let command = format!(
        "'{BIN}' --home '{}' connect ga4 --client acme --auth access_token --base-url {}",
        home.path().display(),
        google.ga4
    );
    let mut child = std::process::Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script (util-linux)");
    let mut stdin = child.stdin.take().expect("stdin");
    for typed in [google.token.as_str(), "2"] {
        std::thread::sleep(Duration::from_millis(900));
        stdin
            .write_all(format!("{typed}\r").as_bytes())
            .expect("type");
    }
    std::thread::sleep(Duration::from_millis(900));
    drop(stdin);
    let output = child.wait_with_output().expect("wait");
    let screen = text(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(screen.contains("Which GA4 property id?"), "{screen}");
    let second = &inlet_sandbox::ga4_properties(42)[1];
    assert!(
        screen.contains(&format!(" 2) {second}   Acme app")),
        "{screen}"
    );
    assert!(
        screen.contains("Connected `acme/ga4` to GA4 Acme app"),
        "{screen}"
    );
    assert!(!screen.contains(&google.token), "the token is not echoed");
}

/// `inlet connect ga4 --auth oauth` against the sandbox's Google authorization server, the
/// test acting as the browser; returns the authorize URL inlet printed and the outcome.
fn connect_ga4_oauth(home: &Home, google: &Google) -> (String, std::process::Output) {
    let property = format!("property={}", google.property);
    connect_google_oauth(home, google, "ga4", &google.ga4, &property)
}

/// `inlet connect PROVIDER --auth oauth --set PICK` against the sandbox's Google authorization
/// server, the test acting as the browser; returns the authorize URL inlet printed and the
/// outcome.
fn connect_google_oauth(
    home: &Home,
    google: &Google,
    provider: &str,
    base_url: &str,
    pick: &str,
) -> (String, std::process::Output) {
    use std::io::BufRead as _;
    let (client_id, client_secret) = inlet_sandbox::oauth_client(42);
    let mut child = home
        .inlet()
        .env("INLET_BROWSER", "none")
        .args([
            "connect",
            provider,
            "--client",
            "acme",
            "--auth",
            "oauth",
            "--set",
            &format!("client_id={client_id}"),
            "--set",
            pick,
            "--auth-url",
            &format!("{}/google", google.origin),
            "--base-url",
            base_url,
            "--token-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start inlet");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(client_secret.as_bytes())
        .expect("write the client secret");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    let authorize = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap_or(0) > 0,
            "inlet printed no sign-in URL"
        );
        if line.starts_with("http") {
            break line.trim().to_owned();
        }
    };
    // The browser: the authorize page auto-consents and redirects to inlet's loopback.
    let redirect = |url: &str| -> (u16, Option<String>) {
        let rest = url.trim_start_matches("http://");
        let (host, path) = rest.split_once('/').expect("a path");
        let mut stream = std::net::TcpStream::connect(host).expect("connect");
        write!(
            stream,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let status = response[9..12].parse().unwrap_or(0);
        let location = response.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.trim().to_owned())
        });
        (status, location)
    };
    let (status, callback) = redirect(&authorize);
    assert_eq!(status, 302, "the authorize page redirects");
    let (status, _) = redirect(&callback.expect("a callback URL"));
    assert_eq!(status, 200, "the loopback listener takes the callback");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).expect("read stderr");
    let mut output = child.wait_with_output().expect("wait");
    output.stderr = rest.into_bytes();
    (authorize, output)
}

/// A Google app in testing mode gives refresh tokens that die after 7 days: a definition that
/// says so (`refresh_token_lifetime`) makes `status` warn two days before, and say so once it
/// has expired, with the command that signs in again.
#[test]
fn status_warns_before_a_known_refresh_token_expiry() {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let google = google(&sandbox);
    let home = Home::new();
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("providers/ga4.toml"),
    )
    .expect("ga4.toml");
    let testing = shipped.replacen(
        "client_secret = \"client_secret\"\n",
        "client_secret = \"client_secret\"\nrefresh_token_lifetime = \"7days\"\n",
        1,
    );
    assert_ne!(testing, shipped, "the OAuth mode's block was found");
    home.provider_override("ga4.toml", &testing);
    let (_, output) = connect_ga4_oauth(&home, &google);
    assert_success(&output);

    let status_at = |days: i64| -> Value {
        let at = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days);
        let output = home
            .inlet()
            .env("INLET_NOW", at.to_string())
            .args(["--json", "status", "acme/ga4"])
            .output()
            .expect("status");
        assert_success(&output);
        serde_json::from_slice(&output.stdout).expect("JSON")
    };
    let expiring = |status: &Value| -> Vec<String> {
        status["connections"][0]["problems"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|problem| problem["kind"] == "expiring")
            .map(|problem| format!("{} | {}", problem["message"], problem["fix"]))
            .collect()
    };
    let now = status_at(0);
    assert!(
        now["connections"][0]["credential"]["oauth"]["refresh_token_expires_at"].is_string(),
        "{now}"
    );
    assert!(
        expiring(&now).is_empty(),
        "a week left is no warning: {now}"
    );
    let soon = expiring(&status_at(6));
    assert!(
        soon.len() == 1
            && soon[0].contains("the refresh token expires at")
            && soon[0].contains("inlet connect ga4 --client acme"),
        "{soon:?}"
    );
    let gone = expiring(&status_at(8));
    assert!(
        gone.len() == 1 && gone[0].contains("expired at"),
        "{gone:?}"
    );
}

/// Search Console signs in with the same Google OAuth client, verifies the picked site and
/// fetches its reports with the token it stored.
#[test]
fn search_console_connects_with_google_oauth_and_fetches() {
    require_keychain();
    let sandbox = Sandbox::start(60, 0);
    let google = google(&sandbox);
    let home = Home::new();
    let (authorize, output) = connect_google_oauth(
        &home,
        &google,
        "search-console",
        &google.search,
        "site=sc-domain:example.com",
    );
    assert_success(&output);
    assert!(
        authorize.contains("webmasters.readonly") && authorize.contains("code_challenge="),
        "{authorize}"
    );
    let status = home.json(&["status", "acme/search-console"], 0);
    let connection = &status["connections"][0];
    assert_eq!(
        connection["credential"]["oauth"]["refresh_token"], true,
        "{status}"
    );
    assert!(
        connection["account"]["name"]
            .as_str()
            .is_some_and(|name| name.contains("sc-domain:example.com")),
        "{status}"
    );
    let report = home.json(&["fetch", "acme/search-console"], 0);
    assert_eq!(report["runs"][0]["outcome"], "ok", "{report}");
    assert!(
        report["runs"][0]["records_new"]
            .as_u64()
            .is_some_and(|records| records > 0),
        "{report}"
    );
    let stats = google_oauth_stats(&sandbox);
    assert!(
        stats["pkce_verified"].as_u64().is_some_and(|n| n >= 1),
        "{stats}"
    );
}

/// The sandbox's OAuth counters.
fn google_oauth_stats(sandbox: &Sandbox) -> Value {
    call(
        "GET",
        &format!("{}/_sandbox/oauth", sandbox.origin()),
        None,
        None,
    )
    .1
}

#[test]
fn ga4_connects_with_google_oauth_and_a_service_account() {
    require_keychain();
    let sandbox = Sandbox::start(250, 0);
    let google = google(&sandbox);
    let home = Home::new();

    // Installed-app OAuth: a refresh token every time (offline access, consent asked again).
    let (authorize, output) = connect_ga4_oauth(&home, &google);
    assert_success(&output);
    assert!(
        authorize.starts_with(&format!("{}/google/o/oauth2/v2/auth?", google.origin)),
        "{authorize}"
    );
    for parameter in [
        "access_type=offline",
        "prompt=consent",
        "code_challenge_method=S256",
        "analytics.readonly",
    ] {
        assert!(authorize.contains(parameter), "{parameter} in {authorize}");
    }
    let report = home.json(&["fetch", "acme/ga4", "--stream", "traffic_daily"], 0);
    assert_eq!(stream(&report, "traffic_daily")["records_new"], 450);
    let status = home.json(&["status", "acme/ga4"], 0);
    assert_eq!(
        status["connections"][0]["credential"]["oauth"]["mode"],
        "oauth"
    );

    // A service account: a signed assertion for the same scope, no browser.
    let key_file = home.path().join("service-account.json");
    let key = std::fs::read_to_string("tests/cli/fixtures/oauth-test-key.pem").expect("test key");
    std::fs::write(
        &key_file,
        json!({"type": "service_account", "client_email": "inlet@example.iam.gserviceaccount.com",
               "private_key_id": "k1", "private_key": key})
        .to_string(),
    )
    .expect("write the key file");
    let mut register =
        std::net::TcpStream::connect(google.origin.trim_start_matches("http://")).expect("connect");
    let public = include_str!("fixtures/oauth-test-key.pub.pem");
    write!(
        register,
        "POST /_sandbox/oauth HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{public}",
        public.len()
    )
    .expect("register the public key");
    let mut answer = String::new();
    register.read_to_string(&mut answer).expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let output = home.run(&[
        "connect",
        "ga4",
        "--client",
        "beta",
        "--auth",
        "service_account",
        "--set",
        &format!("property={}", google.property),
        "--auth-url",
        &format!("{}/google", google.origin),
        "--base-url",
        &google.ga4,
        "--key-file",
        key_file.to_str().expect("utf-8"),
    ]);
    assert_success(&output);
    let report = home.json(&["fetch", "beta/ga4", "--stream", "traffic_daily"], 0);
    assert_eq!(stream(&report, "traffic_daily")["records_new"], 450);
    let (_, stats) = call(
        "GET",
        &format!("{}/_sandbox/oauth", google.origin),
        None,
        None,
    );
    assert_eq!(stats["jwt_accepted"], 1, "{stats}");
    assert_eq!(stats["pkce_verified"], 1, "{stats}");
}
