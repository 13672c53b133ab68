//! Trust boundaries, against a hostile provider: credentials go only to the origin they were
//! issued for (127.0.0.2 plays the foreign host), every encoding of a secret is masked, and a
//! hostile or broken server cannot make inlet hang, loop or eat memory.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::hostile::{Hostile, Reply, Seen};
use crate::common::{BIN, Home, assert_code, assert_success, require_keychain, text};

/// A definition for a provider served by the hostile server at `origin`.
pub fn definition(id: &str, origin: &str, auth: &str, stream: &str) -> String {
    format!(
        r#"format = 1
version = 1
id = "{id}"
name = "Hostile {id}"
category = "test"
docs = "https://example.invalid/hostile"
base_url = "{origin}/api"

[[inputs]]
name = "token"
label = "token"
secret = true

[[auth]]
id = "main"
label = "the token"
secret = "token"
{auth}

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

pub const BEARER: &str = r#"kind = "bearer""#;
pub const BASIC: &str = r#"kind = "basic""#;
pub const HEADER: &str = "kind = \"header\"\nheader = \"x-api-key\"";

/// Installs `definition` in a fresh home and connects `lab/ID` with `token`.
pub fn connected(id: &str, definition: &str, token: &str) -> Home {
    let home = Home::new();
    home.provider_override(&format!("{id}.toml"), definition);
    let output = home.run_with_stdin(&["connect", id, "--client", "lab", "--token-stdin"], token);
    assert_success(&output);
    home
}

/// The common answers: the verify call, then `page` for anything else.
pub fn serve(page: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Hostile {
    Hostile::start("127.0.0.1", move |seen| {
        if seen.path() == "/api/whoami" {
            Reply::json(200, &json!({ "id": "1", "name": "hostile lab" }))
        } else {
            page(seen)
        }
    })
}

/// The stream's stored checkpoint, as text.
fn checkpoint(home: &Home, connection: &str) -> String {
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    conn.query_row(
        "SELECT COALESCE(checkpoint, '') FROM stream_state WHERE connection_id = ?1",
        [connection],
        |row| row.get(0),
    )
    .unwrap_or_default()
}

/// Every request the foreign host saw that carried anything like a credential.
fn leaked(foreign: &Hostile, token: &str) -> Vec<Seen> {
    foreign
        .seen()
        .into_iter()
        .filter(|seen| {
            seen.header("authorization").is_some()
                || seen.headers.iter().any(|(_, value)| value.contains(token))
        })
        .collect()
}

#[test]
fn next_page_links_to_another_origin_stop_the_stream_and_are_never_stored() {
    require_keychain();
    let token = "hostile-canary-token-0123456789";
    let foreign = Hostile::start("127.0.0.2", |_| {
        Reply::json(
            200,
            &json!({ "records": [{ "id": "stolen", "name": "x" }] }),
        )
    });
    let absolute = format!("{}/steal?page=2", foreign.origin);
    let scheme_relative = format!("//{}/steal?page=2", foreign.authority());
    let cases = [
        ("body-absolute", BEARER, "next_url", absolute.clone()),
        ("body-relative", BASIC, "next_url", scheme_relative),
        ("link-absolute", HEADER, "link_header", absolute),
    ];
    for (id, auth, kind, link) in cases {
        let next = link.clone();
        let home_server = serve(move |_| {
            let body = json!({ "records": [{ "id": "1", "name": "one" }], "next": next });
            Reply::json_with(200, &[("link", &format!("<{next}>; rel=\"next\""))], &body)
        });
        let paginator = if kind == "next_url" {
            r#"paginator = { kind = "next_url", next = "/next" }"#
        } else {
            r#"paginator = { kind = "link_header" }"#
        };
        let stream =
            format!("records = \"/records\"\n{paginator}\n[streams.request]\npath = \"/items\"");
        let home = connected(
            id,
            &definition(id, &home_server.origin, auth, &stream),
            token,
        );
        let connection = format!("lab/{id}");
        for _ in 0..2 {
            let report = home.json(&["fetch", &connection], 1);
            let error = report["runs"][0]["error"].as_str().unwrap_or_default();
            assert!(
                error.contains("refusing to send the credential")
                    && error.contains(&foreign.origin)
                    && error.contains(&home_server.origin),
                "{id}: {report}"
            );
            assert!(
                !checkpoint(&home, &connection).contains("127.0.0.2"),
                "{id}: the foreign link was stored: {}",
                checkpoint(&home, &connection)
            );
        }
        assert!(
            leaked(&foreign, token).is_empty(),
            "{id}: the credential went to the foreign host: {:?}",
            foreign.seen()
        );
        assert!(foreign.seen().is_empty(), "{id}: {:?}", foreign.seen());
    }
}

#[test]
fn redirects_to_another_origin_are_refused_with_every_kind_of_credential() {
    require_keychain();
    let token = "hostile-canary-token-redirect";
    let foreign = Hostile::start("127.0.0.2", |_| Reply::json(200, &json!({ "records": [] })));
    let target = format!("{}/steal", foreign.origin);
    for (id, auth) in [
        ("redir-bearer", BEARER),
        ("redir-basic", BASIC),
        ("redir-header", HEADER),
    ] {
        let target = target.clone();
        let home_server = serve(move |seen| {
            if seen.path() == "/api/items" {
                Reply::Body(
                    302,
                    vec![("location".to_owned(), target.clone())],
                    String::new(),
                )
            } else {
                Reply::json(200, &json!({ "records": [] }))
            }
        });
        let stream = "records = \"/records\"\npaginator = { kind = \"none\" }\n[streams.request]\npath = \"/items\"";
        let home = connected(
            id,
            &definition(id, &home_server.origin, auth, stream),
            token,
        );
        let output = home.run(&["--json", "-vv", "fetch", &format!("lab/{id}")]);
        assert_code(&output, 1);
        let report: Value = serde_json::from_slice(&output.stdout).expect("json");
        let error = report["runs"][0]["error"].as_str().unwrap_or_default();
        assert!(
            error.contains("redirected") && error.contains(&foreign.origin),
            "{id}: {report}"
        );
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("redirect"),
            "{id}: -vv logs the redirect: {stderr}"
        );
        assert!(!stderr.contains(token), "{id}: {stderr}");
    }
    assert!(
        leaked(&foreign, token).is_empty(),
        "the credential followed a redirect: {:?}",
        foreign.seen()
    );
}

#[test]
fn same_origin_redirects_are_followed() {
    require_keychain();
    let home_server = serve(|seen| match seen.path() {
        "/api/items" => Reply::Body(
            301,
            vec![("location".to_owned(), "/api/items-moved".to_owned())],
            String::new(),
        ),
        _ if seen.header("x-api-key") == Some("same-origin-token") => {
            Reply::json(200, &json!({ "records": [{ "id": "1", "name": "one" }] }))
        }
        _ => Reply::json(401, &json!({ "message": "no key" })),
    });
    let stream = "records = \"/records\"\npaginator = { kind = \"none\" }\n[streams.request]\npath = \"/items\"";
    let home = connected(
        "moved",
        &definition("moved", &home_server.origin, HEADER, stream),
        "same-origin-token",
    );
    let report = home.json(&["fetch", "lab/moved"], 0);
    assert_eq!(report["runs"][0]["records_new"], 1, "{report}");
}

#[test]
fn every_encoding_of_the_secret_is_masked_before_it_is_stored_or_shown() {
    require_keychain();
    // Characters that URL-encode and base64 differently from the raw token.
    let token = "sk_canary+x/y=z&42";
    let basic = {
        let output = std::process::Command::new("base64")
            .arg("-w0")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write as _;
                child
                    .stdin
                    .take()
                    .expect("stdin")
                    .write_all(format!("{token}:").as_bytes())?;
                child.wait_with_output()
            })
            .expect("base64");
        text(&output.stdout)
    };
    let form = "sk_canary%2Bx%2Fy%3Dz%2642";
    let strict = "sk_canary%2bx%2fy%3dz%2642";
    let home_server = serve(|seen| {
        // Echo what was presented, every way a careless provider might.
        let presented = seen.header("authorization").unwrap_or_default().to_owned();
        Reply::json(
            400,
            &json!({ "message": format!(
                "bad credential {presented}; as a query: sk_canary%2Bx%2Fy%3Dz%2642 or sk_canary%2bx%2fy%3dz%2642; raw sk_canary+x/y=z&42"
            ) }),
        )
    });
    let stream = "records = \"/records\"\npaginator = { kind = \"none\" }\n[streams.request]\npath = \"/items\"";
    let home = connected(
        "echo",
        &definition("echo", &home_server.origin, BASIC, stream),
        token,
    );
    let output = home.run(&["--json", "-vv", "fetch", "lab/echo"]);
    assert_code(&output, 1);
    let status = home.run(&["--json", "status", "lab/echo"]);
    let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
    let stored: String = conn
        .query_row(
            "SELECT group_concat(COALESCE(error, ''), ' | ') FROM runs",
            [],
            |row| row.get(0),
        )
        .expect("runs");
    assert!(stored.contains("[REDACTED]"), "{stored}");
    let shown = [
        ("runs.error", stored),
        ("fetch stdout", text(&output.stdout)),
        ("fetch stderr", text(&output.stderr)),
        ("status --json", text(&status.stdout)),
    ];
    for (place, shown) in shown {
        for secret in [token, basic.trim_end_matches('='), form, strict] {
            assert!(!shown.contains(secret), "{place} holds `{secret}`: {shown}");
        }
    }
}

#[test]
fn validate_rejects_what_it_can_know_about_trust() {
    let home = Home::new();
    let stream = "records = \"/records\"\npaginator = { kind = \"next_url\", next = \"/next\" }\n[streams.request]\npath = \"/items\"\n[streams.incremental]\ncursor = \"/updated\"\nformat = \"rfc3339\"\nwindow = \"0s\"";
    let toml = definition("plain", "http://api.example.com", BEARER, stream)
        .replace(
            "base_url = \"http://api.example.com/api\"",
            "base_url = \"http://api.example.com/api\"\norigins = [\"https://eu.example.com/path\"]",
        )
        .replace("[[inputs]]", "[limits]\nmax_response_bytes = 0\n\n[[inputs]]");
    let file = home.path().join("plain.toml");
    std::fs::write(&file, toml).expect("write");
    let output = home.run(&["providers", "validate", file.to_str().expect("utf-8")]);
    assert_code(&output, 1);
    let stderr = format!("{}{}", text(&output.stdout), text(&output.stderr));
    for expected in [
        "base_url",
        "unencrypted",
        "origins[0]",
        "streams[0].incremental.window",
        "limits.max_response_bytes",
    ] {
        assert!(stderr.contains(expected), "`{expected}` missing: {stderr}");
    }
}

/// Runs `inlet ARGS`, killing it (and failing the test) if it outlives `limit`; with
/// `interrupt_after`, sends it SIGINT then.
fn run_bounded(
    home: &Home,
    args: &[&str],
    limit: Duration,
    interrupt_after: Option<Duration>,
) -> (std::process::Output, Duration) {
    let mut child = home
        .inlet()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run inlet");
    let started = Instant::now();
    let mut interrupted = false;
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if let Some(after) = interrupt_after
            && !interrupted
            && started.elapsed() >= after
        {
            let status = std::process::Command::new("bash")
                .args(["-c", &format!("kill -INT {}", child.id())])
                .status()
                .expect("kill -INT");
            assert!(status.success());
            interrupted = true;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let output = child.wait_with_output().expect("wait");
            panic!(
                "`inlet {}` still ran after {limit:?}\n{}",
                args.join(" "),
                text(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = started.elapsed();
    (child.wait_with_output().expect("output"), elapsed)
}

const ONE_PAGE: &str =
    "records = \"/records\"\npaginator = { kind = \"none\" }\n[streams.request]\npath = \"/items\"";

#[test]
fn responses_past_the_cap_are_refused_without_reading_them_whole() {
    require_keychain();
    // Unannounced and past the definition's cap; announced and past the default (64 MiB).
    let unannounced = serve(|_| Reply::Huge {
        len: 50 * 1024 * 1024,
        announce: false,
    });
    let capped = definition("huge", &unannounced.origin, BEARER, ONE_PAGE).replace(
        "[[inputs]]",
        "[limits]\nmax_response_bytes = 1048576\n\n[[inputs]]",
    );
    let home = connected("huge", &capped, "token-huge");
    let (output, _) = run_bounded(&home, &["--json", "fetch"], Duration::from_secs(60), None);
    assert_code(&output, 1);
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    let error = report["runs"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("larger than 1048576 bytes"), "{report}");
    assert!(
        error.contains("max_response_bytes"),
        "names the fix: {report}"
    );

    let announced = serve(|_| Reply::Huge {
        len: 400 * 1024 * 1024,
        announce: true,
    });
    let home = connected(
        "huge2",
        &definition("huge2", &announced.origin, BEARER, ONE_PAGE),
        "token-huge",
    );
    let (output, elapsed) = run_bounded(&home, &["--json", "fetch"], Duration::from_secs(60), None);
    assert_code(&output, 1);
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert!(
        report["runs"][0]["error"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("larger than {} bytes", 64 * 1024 * 1024)),
        "{report}"
    );
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}

#[test]
fn absurd_rate_limit_headers_and_hanging_requests_end_at_the_run_timeout() {
    require_keychain();
    let limits = "[limits]\nrequests = 100\nper = \"10s\"\nremaining_header = \"x-remaining\"\ninterval_ms_header = \"x-interval\"\n\n[[inputs]]";
    let stream = "records = \"/records\"\npaginator = { kind = \"body_cursor\", cursor = \"/next\", param = \"after\" }\n[streams.request]\npath = \"/items\"";
    let absurd = serve(|seen| {
        let page: u64 = seen
            .target
            .split("after=")
            .nth(1)
            .and_then(|after| after.parse().ok())
            .unwrap_or(0);
        Reply::json_with(
            200,
            &[("x-remaining", "0"), ("x-interval", "999999999999999")],
            &json!({ "records": [{ "id": page.to_string(), "name": "n" }], "next": (page + 1).to_string() }),
        )
    });
    let hanging = serve(|_| Reply::Hang(Duration::from_secs(120)));
    for (id, server) in [("absurd", &absurd), ("hanging", &hanging)] {
        let home = connected(
            id,
            &definition(id, &server.origin, BEARER, stream).replace("[[inputs]]", limits),
            "token-limits",
        );
        let connection = format!("lab/{id}");
        assert_success(&home.run(&["schedule", "set", &connection, "1h", "--timeout", "2s"]));
        let (output, elapsed) =
            run_bounded(&home, &["--json", "fetch"], Duration::from_secs(40), None);
        assert!(elapsed < Duration::from_secs(15), "{id}: {elapsed:?}");
        let report: Value = serde_json::from_slice(&output.stdout).expect("json");
        assert!(
            report["runs"][0]["error"]
                .as_str()
                .unwrap_or_default()
                .contains("timeout"),
            "{id}: {report}"
        );
    }
}

#[test]
fn ctrl_c_interrupts_a_throttle_wait_with_exit_130() {
    require_keychain();
    let throttled = serve(|_| {
        Reply::json_with(
            429,
            &[("retry-after", "3600")],
            &json!({ "message": "slow down" }),
        )
    });
    let home = connected(
        "throttled",
        &definition("throttled", &throttled.origin, BEARER, ONE_PAGE),
        "token-throttled",
    );
    let (output, elapsed) = run_bounded(
        &home,
        &["--json", "fetch"],
        Duration::from_secs(40),
        Some(Duration::from_millis(1500)),
    );
    assert_code(&output, 130);
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("a summary is still printed");
    assert_eq!(report["runs"][0]["outcome"], "interrupted", "{report}");
}

#[test]
fn pages_that_make_no_progress_stop_the_stream() {
    require_keychain();
    let stream = "records = \"/records\"\npaginator = { kind = \"body_cursor\", cursor = \"/next\", param = \"after\" }\n[streams.request]\npath = \"/items\"";
    let after = |seen: &Seen| -> String {
        seen.target
            .split("after=")
            .nth(1)
            .unwrap_or_default()
            .to_owned()
    };
    // Empty pages, each with a fresh cursor, forever.
    let empty = serve(move |seen| {
        let next = format!("{}x", after(seen));
        Reply::json(200, &json!({ "records": [], "next": next }))
    });
    // A → B → A.
    let cycle = serve(move |seen| {
        let (id, next) = match after(seen).as_str() {
            "" => ("0", "A"),
            "A" => ("1", "B"),
            _ => ("2", "A"),
        };
        Reply::json(
            200,
            &json!({ "records": [{ "id": id, "name": "n" }], "next": next }),
        )
    });
    for (id, server, expected) in [
        ("empty", &empty, "empty pages in a row"),
        ("cycle", &cycle, "already sent"),
    ] {
        let home = connected(
            id,
            &definition(id, &server.origin, BEARER, stream),
            "token-loop",
        );
        let (output, _) = run_bounded(&home, &["--json", "fetch"], Duration::from_secs(60), None);
        assert_code(&output, 1);
        let report: Value = serde_json::from_slice(&output.stdout).expect("json");
        assert!(
            report["runs"][0]["error"]
                .as_str()
                .unwrap_or_default()
                .contains(expected),
            "{id}: {report}"
        );
        let requests = server.seen().len();
        assert!(requests <= 12, "{id}: {requests} requests");
    }
}

#[test]
fn a_record_from_the_future_does_not_move_the_watermark_and_duplicates_are_counted() {
    require_keychain();
    let now = jiff::Timestamp::now();
    let recent = now
        .checked_sub(jiff::SignedDuration::from_hours(1))
        .expect("an hour ago")
        .to_string();
    let future = serve(move |_| {
        Reply::json(
            200,
            &json!({ "records": [
                { "id": "1", "name": "recent", "updated": recent },
                { "id": "2", "name": "from 2099", "updated": "2099-01-01T00:00:00Z" },
                { "id": "2", "name": "from 2099 again", "updated": "2099-01-01T00:00:00Z" },
                { "name": "no id", "updated": recent },
            ] }),
        )
    });
    let stream = "records = \"/records\"\npaginator = { kind = \"none\" }\n[streams.request]\npath = \"/items\"\nquery = { since = \"{since}\" }\n[streams.incremental]\ncursor = \"/updated\"\nformat = \"rfc3339\"\n[streams.incremental.request]\npath = \"/items\"\nquery = { since = \"{since}\" }";
    let stream = stream.replacen(
        "query = { since = \"{since}\" }\n[streams.incremental]",
        "[streams.incremental]",
        1,
    );
    let home = connected(
        "future",
        &definition("future", &future.origin, BEARER, &stream),
        "token-future",
    );
    let output = home.run(&["--json", "fetch"]);
    assert_success(&output);
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    let stream_report = &report["runs"][0]["streams"][0];
    assert_eq!(stream_report["records_new"], 2, "{report}");
    assert_eq!(
        stream_report["records_updated"], 0,
        "a duplicate is not an update: {report}"
    );
    assert_eq!(stream_report["records_duplicate"], 1, "{report}");
    assert_eq!(stream_report["records_without_id"], 1, "{report}");
    let watermark = stream_report["watermark"].as_str().expect("a watermark");
    let watermark: jiff::Timestamp = watermark.parse().expect("an instant");
    assert!(
        watermark <= jiff::Timestamp::now(),
        "the watermark moved into the future: {report}"
    );
    let warnings = stream_report["warnings"].to_string();
    assert!(
        warnings.contains("`2`") && warnings.contains("2099"),
        "{report}"
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("2099") && stderr.contains("without a primary key"),
        "{stderr}"
    );

    // The next fetch asks for what changed since about now, not since 2099.
    assert_success(&home.run(&["fetch"]));
    let since = future
        .seen()
        .iter()
        .filter(|seen| seen.path() == "/api/items")
        .filter_map(|seen| seen.target.split("since=").nth(1).map(str::to_owned))
        .next_back()
        .expect("an incremental request");
    assert!(!since.starts_with("2099"), "{since}");
}

#[test]
fn child_processes_never_inherit_a_secret_and_core_dumps_are_off() {
    require_keychain();
    let home = Home::new();
    let bin = home.path().join("fake-bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let dump = home.path().join("crontab-env");
    let script = format!(
        "#!/bin/sh\nenv > '{}'\nif [ \"$1\" = \"-l\" ]; then exit 1; fi\ncat > /dev/null\n",
        dump.display()
    );
    let crontab = bin.join("crontab");
    std::fs::write(&crontab, script).expect("fake crontab");
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&crontab, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = home
        .inlet()
        .env("PATH", &path)
        .env("INLET_TOKEN_ACME_HUBSPOT", "canary-in-the-environment")
        .env("INLET_TOKEN_OTHER_STRIPE", "another-canary")
        .args(["schedule", "install", "--cron"])
        .output()
        .expect("run inlet");
    assert_success(&output);
    let environment = std::fs::read_to_string(&dump).expect("crontab ran");
    assert!(environment.contains("PATH="), "{environment}");
    assert!(
        !environment.contains("INLET_TOKEN") && !environment.contains("canary"),
        "{environment}"
    );

    // A running inlet has a core file size limit of zero.
    let hanging = serve(|_| Reply::Hang(Duration::from_secs(30)));
    let home = connected(
        "coreless",
        &definition("coreless", &hanging.origin, BEARER, ONE_PAGE),
        "token-core",
    );
    let mut child = home
        .inlet()
        .args(["fetch"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("fetch");
    let started = Instant::now();
    while hanging
        .seen()
        .iter()
        .all(|seen| seen.path() != "/api/items")
        && started.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).expect("limits");
    let _ = child.kill();
    let _ = child.wait();
    let core = limits
        .lines()
        .find(|line| line.starts_with("Max core file size"))
        .expect("a core limit line");
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
}

#[test]
fn homes_that_would_inject_lines_into_units_are_refused() {
    let base = tempfile::tempdir().expect("temp dir");
    for name in ["evil\nExecStartPre=/bin/false", "fifty%h", "cost$HOME"] {
        let dir = base.path().join(name);
        let home = Home::new();
        for target in ["--systemd", "--cron"] {
            let output = home
                .inlet()
                .env("INLET_HOME", &dir)
                .args(["schedule", "install", target, "--print"])
                .output()
                .expect("run inlet");
            assert_code(&output, 2);
            assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
            assert!(
                text(&output.stderr).contains("would misread"),
                "{}",
                text(&output.stderr)
            );
        }
    }
}

/// Fails loudly unless the tests run as root: only root can hand a file to another user.
fn require_root() {
    assert_eq!(
        rustix_uid(),
        0,
        "the ownership tests chown files to another user and need root (the CI container runs as root)"
    );
}

fn rustix_uid() -> u32 {
    use std::os::unix::fs::MetadataExt as _;
    let probe = tempfile::tempfile().expect("temp file");
    probe.metadata().expect("metadata").uid()
}

fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::symlink_metadata(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

const NOBODY: u32 = 65534;

#[test]
fn files_another_user_could_have_planted_are_refused() {
    require_keychain();
    require_root();
    let server = serve(|_| Reply::json(200, &json!({ "records": [{ "id": "1", "name": "one" }] })));
    let home = connected(
        "planted",
        &definition("planted", &server.origin, BEARER, ONE_PAGE),
        "token-planted",
    );
    assert_success(&home.run(&["fetch"]));
    let expect_refused = |args: &[&str], path: &std::path::Path, fix: &str| {
        let output = home.run(args);
        assert_code(&output, 1);
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains(&path.display().to_string()) && stderr.contains(fix),
            "{args:?}: {stderr}"
        );
    };

    // A provider definition owned by someone else, then one anyone can write.
    let definition_file = home.path().join("config/providers/planted.toml");
    std::os::unix::fs::chown(&definition_file, Some(NOBODY), None).expect("chown");
    expect_refused(&["providers", "list"], &definition_file, "chown");
    expect_refused(&["fetch"], &definition_file, "chown");
    std::os::unix::fs::chown(&definition_file, Some(0), None).expect("chown back");
    chmod(&definition_file, 0o666);
    expect_refused(&["providers", "list"], &definition_file, "chmod 600");
    chmod(&definition_file, 0o644);
    let providers_dir = home.path().join("config/providers");
    chmod(&providers_dir, 0o777);
    expect_refused(&["providers", "list"], &providers_dir, "chmod 700");
    chmod(&providers_dir, 0o755);
    assert_success(&home.run(&["providers", "list"]));

    // A database anyone can write.
    let database = home.database();
    chmod(&database, 0o666);
    expect_refused(&["status"], &database, "chmod 600");
    expect_refused(&["fetch"], &database, "chmod 600");
    chmod(&database, 0o600);
    assert_success(&home.run(&["status"]));

    // A data folder that is a link to another user's folder, or a link another user made.
    let real = home.path().join("real-data");
    std::fs::rename(home.path().join("data"), &real).expect("move data");
    std::os::unix::fs::symlink(&real, home.path().join("data")).expect("symlink");
    assert_success(&home.run(&["status"]));
    std::os::unix::fs::chown(&real, Some(NOBODY), None).expect("chown");
    expect_refused(
        &["status"],
        &home.path().join("data"),
        "owned by another user",
    );
    std::os::unix::fs::chown(&real, Some(0), None).expect("chown back");
    std::os::unix::fs::lchown(home.path().join("data"), Some(NOBODY), None).expect("lchown");
    expect_refused(&["status"], &home.path().join("data"), "symbolic link");
}

/// `inlet ARGS` under `umask 000`, with the home's environment.
fn under_umask_000(home: &Home, args: &[&str], stdin: &str) -> std::process::Output {
    let template = home.inlet();
    let mut command = std::process::Command::new("sh");
    command.env_clear();
    for (name, value) in template.get_envs() {
        if let Some(value) = value {
            command.env(name, value);
        }
    }
    command
        .args(["-c", "umask 000; exec \"$0\" \"$@\"", crate::common::BIN])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("sh");
    {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("stdin");
    }
    child.wait_with_output().expect("wait")
}

#[test]
fn everything_inlet_creates_is_private_even_under_umask_000() {
    require_keychain();
    let sandbox = crate::common::Sandbox::start(20, 0);
    let outer = tempfile::tempdir().expect("temp dir");
    let fresh = outer.path().join("fresh");
    let root = fresh.join("home");
    let home = Home::new();
    let in_root = |args: &[&str], stdin: &str| {
        let mut all = vec!["--home", root.to_str().expect("utf-8")];
        all.extend_from_slice(args);
        under_umask_000(&home, &all, stdin)
    };
    assert_success(&in_root(
        &[
            "connect",
            "hubspot",
            "--client",
            "lab",
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
        ],
        &sandbox.token,
    ));
    assert_success(&in_root(&["fetch"], ""));
    assert_success(&in_root(&["export", "--client", "lab"], ""));
    let out = fresh.join("out/nested/lab.json");
    assert_success(&in_root(
        &[
            "export",
            "--client",
            "lab",
            "--out",
            out.to_str().expect("utf-8"),
        ],
        "",
    ));
    let units = fresh.join("units");
    assert_success(&in_root(
        &[
            "schedule",
            "install",
            "--systemd",
            "--unit-dir",
            units.to_str().expect("utf-8"),
        ],
        "",
    ));
    let data = root.join("data");
    for (path, mode) in [
        (fresh.clone(), 0o700),
        (root.clone(), 0o700),
        (data.clone(), 0o700),
        (data.join("inlet.db"), 0o600),
        (data.join("locks"), 0o700),
        (data.join("locks/lab~hubspot.lock"), 0o600),
        (data.join("exports"), 0o700),
        (data.join("exports/lab.json"), 0o600),
        (fresh.join("out"), 0o700),
        (fresh.join("out/nested"), 0o700),
        (out.clone(), 0o600),
        (units.clone(), 0o700),
    ]
    .into_iter()
    .chain(
        std::fs::read_dir(&units)
            .expect("units")
            .map(|entry| (entry.expect("entry").path(), 0o600)),
    ) {
        assert_eq!(
            mode_of(&path),
            mode,
            "{} is {:o}",
            path.display(),
            mode_of(&path)
        );
    }
}

/// `inlet ARGS` with the home mounted read-only (a private mount namespace, no root needed
/// where user namespaces are allowed).
fn on_read_only_home(home: &Home, args: &[&str]) -> std::process::Output {
    let template = home.inlet();
    let mut command = std::process::Command::new("unshare");
    command.env_clear();
    for (name, value) in template.get_envs() {
        if let Some(value) = value {
            command.env(name, value);
        }
    }
    let dir = home.path().to_str().expect("utf-8");
    command
        .args([
            "-rm",
            "sh",
            "-c",
            &format!(
                "mount --bind '{dir}' '{dir}' && mount -o remount,bind,ro '{dir}' && exec \"$0\" \"$@\""
            ),
            crate::common::BIN,
        ])
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("unshare")
}

#[test]
fn read_only_commands_work_on_a_read_only_home() {
    require_keychain();
    let sandbox = crate::common::Sandbox::start(20, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_success(&home.run(&["fetch"]));
    let probe = on_read_only_home(&home, &["--json", "status"]);
    let check_write = std::process::Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            &format!(
                "mount --bind '{0}' '{0}' && mount -o remount,bind,ro '{0}' && touch '{0}/probe'",
                home.path().display()
            ),
        ])
        .output()
        .expect("unshare");
    assert!(
        !check_write.status.success(),
        "the home should be read-only in the namespace"
    );
    assert_success(&probe);
    let status: Value = serde_json::from_slice(&probe.stdout).expect("json");
    assert_eq!(
        status["connections"][0]["connection"], "acme/hubspot",
        "{status}"
    );
    let export = on_read_only_home(&home, &["export", "--client", "acme", "--out", "-"]);
    assert_success(&export);
    let document: Value = serde_json::from_slice(&export.stdout).expect("json");
    assert_eq!(document["client"], "acme");
    assert_success(&on_read_only_home(&home, &["providers", "list"]));
    assert_success(&on_read_only_home(&home, &["status", "acme/hubspot"]));
}

/// The kernel hands the files of `/proc/PID` (`mem`, `environ`, ...) of a non-dumpable process to root, so no other process of the
/// same user can attach a debugger or read its memory (the secrets in it); a dumpable process's
/// belong to its user. Run as an unprivileged user (root's `setpriv` drops to
/// `nobody` first), a plain `sleep` shows the difference the test relies on.
#[test]
fn a_running_inlet_is_not_dumpable_so_its_user_cannot_read_its_memory() {
    use std::io::BufRead as _;
    use std::os::unix::fs::MetadataExt as _;
    let me = std::fs::metadata("/proc/self").expect("/proc").uid();
    let as_user = |program: &str| {
        let mut command = if me == 0 {
            let mut command = std::process::Command::new("setpriv");
            command.args(["--reuid=65534", "--regid=65534", "--clear-groups", program]);
            command
        } else {
            std::process::Command::new(program)
        };
        command
            .env("HOME", std::env::temp_dir())
            .env_remove("INLET_HOME")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        command
    };
    let user = if me == 0 { 65534 } else { me };

    let mut sleeper = as_user("sleep").arg("30").spawn().expect("sleep");
    std::thread::sleep(Duration::from_millis(300));
    let owner = std::fs::metadata(format!("/proc/{}/mem", sleeper.id())).map(|meta| meta.uid());
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    assert_eq!(
        owner.ok(),
        Some(user),
        "a dumpable process's /proc/PID/mem is its user's"
    );

    let mut inlet = as_user(BIN)
        .args(["sandbox", "--addr", "127.0.0.1:0"])
        .spawn()
        .expect("inlet sandbox");
    let mut first = String::new();
    std::io::BufReader::new(inlet.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("banner");
    let owner = std::fs::metadata(format!("/proc/{}/mem", inlet.id())).map(|meta| meta.uid());
    let _ = inlet.kill();
    let _ = inlet.wait();
    assert!(first.contains("listening"), "{first}");
    assert_eq!(
        owner.ok(),
        Some(0),
        "inlet's /proc/PID/mem is root's: not dumpable"
    );
}

/// `INLET_TOKEN_*` names once collided (`acme-eu/lab` and `acme/eu-lab` read one variable), so a
/// CI job's token for one client went to another client's host. With the injective names, a
/// token set for `acme-eu/lab` never reaches the host of `acme/eu-lab` (127.0.0.2 here).
#[test]
fn one_clients_token_from_the_environment_never_reaches_another_clients_host() {
    require_keychain();
    let answer = |seen: &Seen| {
        if seen.path() == "/api/whoami" {
            Reply::json(200, &json!({ "id": "1", "name": "lab" }))
        } else {
            Reply::json(200, &json!({ "records": [{ "id": "r1", "name": "one" }] }))
        }
    };
    let own = Hostile::start("127.0.0.1", answer);
    let foreign = Hostile::start("127.0.0.2", answer);
    let home = Home::new();
    home.provider_override(
        "lab.toml",
        &definition("lab", &own.origin, BEARER, ONE_PAGE),
    );
    let connect = |client: &str, name: &str, base: &str, token: &str| {
        let output = home.run_with_stdin(
            &[
                "connect",
                "lab",
                "--client",
                client,
                "--name",
                name,
                "--base-url",
                base,
                "--token-stdin",
            ],
            token,
        );
        assert_success(&output);
    };
    connect(
        "acme-eu",
        "lab",
        &format!("{}/api", own.origin),
        "token-of-acme-eu",
    );
    connect(
        "acme",
        "eu-lab",
        &format!("{}/api", foreign.origin),
        "token-of-acme",
    );

    let output = home
        .inlet()
        .env("INLET_TOKEN_ACME__EU_LAB", "canary-of-acme-eu")
        .args(["--json", "fetch", "acme/eu-lab"])
        .output()
        .expect("fetch");
    assert_success(&output);
    let seen = foreign.seen();
    assert!(
        seen.iter()
            .any(|seen| seen.header("authorization") == Some("Bearer token-of-acme")),
        "the foreign host got its own client's stored token"
    );
    assert!(
        seen.iter().all(|seen| seen
            .headers
            .iter()
            .all(|(_, value)| !value.contains("canary-of-acme-eu"))),
        "another client's token never reaches this host"
    );
    // The variable is the other connection's, and used there.
    let output = home
        .inlet()
        .env("INLET_TOKEN_ACME__EU_LAB", "canary-of-acme-eu")
        .args(["--json", "fetch", "acme-eu/lab"])
        .output()
        .expect("fetch");
    assert_success(&output);
    assert!(
        own.seen()
            .iter()
            .any(|seen| seen.header("authorization") == Some("Bearer canary-of-acme-eu")),
        "the variable belongs to acme-eu/lab"
    );
}
