//! The unattended side: `fetch --due`, schedules, run locks, timeouts, Ctrl-C, `status --check`,
//! systemd and cron units, and the CI examples run against the sandbox.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{
    BIN, Home, Sandbox, assert_code, assert_success, keychain_lookup, require_keychain, text,
};

fn later(days: i64) -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days)).to_string()
}

#[test]
fn fetch_due_takes_exactly_what_is_due() {
    require_keychain();
    let sandbox = Sandbox::start(50, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    home.connect_to(
        "hubspot",
        "beta",
        &sandbox.base_url,
        &sandbox.token,
        &["--every", "6h"],
    );
    let first = home.json(&["fetch", "--due"], 0);
    assert_eq!(
        first["runs"].as_array().map(Vec::len),
        Some(2),
        "never fetched: both due"
    );
    let second = home.json(&["fetch", "--due"], 0);
    assert_eq!(
        second["runs"],
        serde_json::json!([]),
        "nothing due right after"
    );

    // Seven hours on, only the 6-hourly one is due; two days on, both.
    let seven_hours = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(7)).to_string();
    let report: Value = serde_json::from_slice(
        &home
            .inlet()
            .env("INLET_NOW", &seven_hours)
            .args(["--json", "fetch", "--due"])
            .output()
            .expect("run")
            .stdout,
    )
    .expect("json");
    let ids: Vec<&str> = report["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .filter_map(|run| run["connection"].as_str())
        .collect();
    assert_eq!(ids, ["beta/hubspot"]);
    let schedule: Value = serde_json::from_slice(
        &home
            .inlet()
            .env("INLET_NOW", later(2))
            .args(["--json", "schedule", "show"])
            .output()
            .expect("run")
            .stdout,
    )
    .expect("json");
    assert!(
        schedule["connections"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|row| row["due"] == true),
        "{schedule}"
    );

    assert_success(&home.run(&[
        "schedule",
        "set",
        "acme/hubspot",
        "30m",
        "--timeout",
        "10m",
        "--retry",
        "5m",
    ]));
    let shown = home.json(&["schedule", "show", "acme/hubspot"], 0);
    assert_eq!(shown["connections"][0]["schedule"]["every_secs"], 1800);
    assert_eq!(shown["connections"][0]["schedule"]["timeout_secs"], 600);
    assert_code(&home.run(&["schedule", "set", "acme/hubspot", "5s"]), 2);
    assert_code(&home.run(&["schedule", "set", "acme/nosuch", "1h"]), 2);
}

/// Every duration flag takes one syntax (a number with a unit), is checked before anything runs,
/// and an error names the flag and what it allows; nothing changes on a refusal.
#[test]
fn every_duration_flag_takes_one_syntax_and_names_itself_when_refused() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let set = |args: &[&str]| {
        let mut all = vec!["schedule", "set", "acme/hubspot"];
        all.extend_from_slice(args);
        home.run(&all)
    };
    let refused = |output: &std::process::Output, needles: &[&str]| {
        assert_code(output, 2);
        let stderr = text(&output.stderr);
        for needle in needles {
            assert!(stderr.contains(needle), "`{needle}` not in: {stderr}");
        }
    };
    refused(
        &set(&["1h", "--retry", "10s"]),
        &["--retry", "shorter than a minute"],
    );
    refused(&set(&["90"]), &["<EVERY>", "`90` has no unit", "`90m`"]);
    refused(
        &set(&["1h", "--timeout", "often"]),
        &["--timeout", "not a duration"],
    );
    refused(
        &set(&["1m", "--retry", "5m"]),
        &["`--retry 5m`", "longer than the interval `1m`"],
    );
    let shown = home.json(&["schedule", "show", "acme/hubspot"], 0);
    assert_eq!(
        shown["connections"][0]["schedule"]["every_secs"], 86_400,
        "unchanged"
    );

    // Units combine, seconds are fine where a second is the floor.
    assert_success(&set(&["1h30m", "--timeout", "90s", "--retry", "20m"]));
    let shown = home.json(&["schedule", "show", "acme/hubspot"], 0);
    assert_eq!(shown["connections"][0]["schedule"]["every_secs"], 5_400);
    assert_eq!(shown["connections"][0]["schedule"]["timeout_secs"], 90);
    assert_eq!(shown["connections"][0]["schedule"]["retry_secs"], 1_200);
    // A kept retry delay longer than a new, shorter interval is shortened to it.
    assert_success(&set(&["10m"]));
    let shown = home.json(&["schedule", "show", "acme/hubspot"], 0);
    assert_eq!(shown["connections"][0]["schedule"]["retry_secs"], 600);

    // `connect --every` and `fetch --wait` take the same syntax.
    let output = home.run_with_stdin(
        &[
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
            "--every",
            "30",
        ],
        &sandbox.token,
    );
    refused(&output, &["--every", "`30` has no unit"]);
    refused(
        &home.run(&["fetch", "--wait", "5"]),
        &["--wait", "`5` has no unit"],
    );
    let output = home.run_with_stdin(
        &[
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
            "--every",
            "5m",
        ],
        &sandbox.token,
    );
    assert_success(&output);
    let shown = home.json(&["schedule", "show", "acme/hubspot"], 0);
    assert_eq!(shown["connections"][0]["schedule"]["every_secs"], 300);
    assert_eq!(
        shown["connections"][0]["schedule"]["retry_secs"], 300,
        "never beyond --every"
    );

    // The timer's step: any duration a calendar repeats exactly, and only those.
    let print = |interval: &str| {
        home.run(&[
            "schedule",
            "install",
            "--cron",
            "--print",
            "--interval",
            interval,
        ])
    };
    let output = print("2h");
    assert_success(&output);
    assert!(
        text(&output.stdout).starts_with("0 */2 * * * "),
        "{}",
        text(&output.stdout)
    );
    assert!(text(&print("15m").stdout).starts_with("*/15 * * * * "));
    refused(&print("45m"), &["--interval", "`45m`", "15m 20m 30m 1h"]);
    refused(&print("15"), &["--interval", "`15` has no unit", "30m 1h"]);
}

#[test]
fn a_failed_connection_is_retried_sooner_with_backoff() {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let output = home
        .inlet()
        .env("INLET_TOKEN_ACME_HUBSPOT", "pat-wrong-1")
        .args(["fetch"])
        .output()
        .expect("run");
    assert_code(&output, 4);
    let status = home.json(&["status", "acme/hubspot"], 0);
    let row = &status["connections"][0];
    // The environment's token was refused, not the keychain's.
    assert_eq!(row["credential"]["refused_source"], "environment");
    assert_eq!(row["problems"][0]["kind"], "credentials");
    let next_due: jiff::Timestamp = row["next_due"]
        .as_str()
        .expect("next_due")
        .parse()
        .expect("instant");
    let wait = next_due.duration_since(jiff::Timestamp::now());
    assert!(
        wait <= jiff::SignedDuration::from_mins(16),
        "retry in 15 minutes, not 24 hours: {wait:?}"
    );
    assert!(
        row["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .any(|problem| problem["fix"]
                .as_str()
                .is_some_and(|fix| fix.starts_with("update INLET_TOKEN_ACME_HUBSPOT"))),
        "{row}"
    );
}

#[test]
fn overlapping_runs_never_fetch_the_same_connection() {
    require_keychain();
    let sandbox = Sandbox::start(1_500, 150);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let first = home
        .inlet()
        .args(["fetch"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("fetch");
    let started = Instant::now();
    while home.record_count("acme/hubspot") == 0 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = home.run(&["--json", "fetch"]);
    assert_code(&second, 75);
    let report: Value = serde_json::from_slice(&second.stdout).expect("json");
    assert_eq!(report["runs"][0]["outcome"], "locked");
    let error = report["runs"][0]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains(&format!("pid {}", first.id())),
        "names the holder: {error}"
    );
    assert!(
        text(&second.stderr).contains("--wait"),
        "{}",
        text(&second.stderr)
    );

    // With --wait, the second run waits for the first and then fetches (finding nothing new).
    let waited = home.json(&["fetch", "--wait", "60s"], 0);
    assert_eq!(waited["runs"][0]["outcome"], "ok");
    let mut first = first;
    assert!(first.wait().expect("wait").success());
    assert_eq!(home.record_count("acme/hubspot"), sandbox.total());
}

#[test]
fn a_lock_left_by_a_killed_run_is_taken_over() {
    require_keychain();
    let sandbox = Sandbox::start(1_000, 100);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let mut first = home.inlet().args(["fetch"]).spawn().expect("fetch");
    // Killed once it holds the lock (however slow the machine is to get there).
    let lock = home.path().join("data/locks/acme~hubspot.lock");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !lock.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    first.kill().expect("kill");
    let _ = first.wait();
    assert!(
        home.path().join("data/locks/acme~hubspot.lock").exists(),
        "the lock file is left behind"
    );
    let report = home.json(&["fetch"], 0);
    assert_eq!(report["runs"][0]["outcome"], "ok");
}

#[test]
fn a_run_stops_at_its_timeout_and_the_next_resumes() {
    require_keychain();
    let sandbox = Sandbox::start(3_000, 200);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_success(&home.run(&["schedule", "set", "acme/hubspot", "1h", "--timeout", "2s"]));
    let report = home.json(&["fetch"], 1);
    let error = report["runs"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("timeout (2s)"), "{error}");
    assert_success(&home.run(&["schedule", "set", "acme/hubspot", "1h", "--timeout", "1h"]));
    let resumed = home.json(&["fetch"], 0);
    assert!(
        resumed["runs"][0]["streams"]
            .as_array()
            .expect("streams")
            .iter()
            .any(|stream| stream["resumed"] == true)
    );
    assert_eq!(home.record_count("acme/hubspot"), sandbox.total());
}

#[test]
fn ctrl_c_stops_at_a_page_boundary_with_exit_130() {
    require_keychain();
    let sandbox = Sandbox::start(3_000, 100);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let child = home
        .inlet()
        .args(["--json", "fetch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fetch");
    let started = Instant::now();
    while home.record_count("acme/hubspot") == 0 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // bash's own `kill`: no dependency on procps.
    let interrupted = std::process::Command::new("bash")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()
        .expect("kill -INT");
    assert!(interrupted.success());
    let output = child.wait_with_output().expect("wait");
    assert_code(&output, 130);
    let report: Value = serde_json::from_slice(&output.stdout).expect("a summary is still printed");
    assert_eq!(report["runs"][0]["outcome"], "interrupted");
    let kept = home.record_count("acme/hubspot");
    assert!(kept > 0 && kept < sandbox.total(), "{kept}");
    let next = home.json(&["fetch"], 0);
    assert!(
        next["runs"][0]["streams"]
            .as_array()
            .expect("streams")
            .iter()
            .any(|stream| stream["resumed"] == true)
    );
    assert_eq!(home.record_count("acme/hubspot"), sandbox.total());
}

#[test]
fn status_check_exits_4_for_credentials_and_5_for_stale_data() {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    // Never fetched, but just connected: not stale yet.
    assert_code(&home.run(&["status", "--check"]), 0);
    assert_success(&home.run(&["fetch"]));
    assert_code(&home.run(&["status", "--check"]), 0);

    let stale = home
        .inlet()
        .env("INLET_NOW", later(3))
        .args(["status", "--check"])
        .output()
        .expect("run");
    assert_code(&stale, 5);
    assert!(
        text(&stale.stderr).contains("stale"),
        "{}",
        text(&stale.stderr)
    );
    assert!(
        text(&stale.stderr).contains("inlet fetch acme/hubspot"),
        "says how to fix it: {}",
        text(&stale.stderr)
    );

    let cleared = std::process::Command::new("secret-tool")
        .args([
            "clear",
            "service",
            "inlet",
            "username",
            &format!("{}:acme/hubspot", home.profile()),
        ])
        .status()
        .expect("secret-tool");
    assert!(cleared.success());
    assert_eq!(keychain_lookup(&home.profile(), "acme/hubspot"), None);
    let missing = home
        .inlet()
        .env("INLET_NOW", later(3))
        .args(["status", "--check"])
        .output()
        .expect("run");
    assert_code(&missing, 4);
    assert!(
        text(&missing.stderr).contains("no secret"),
        "{}",
        text(&missing.stderr)
    );
}

#[test]
fn exit_3_when_some_connections_fail_and_1_when_all_do() {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    home.connect(&sandbox, "beta");
    let partial = home
        .inlet()
        .env("INLET_TOKEN_BETA_HUBSPOT", "pat-wrong-2")
        .args(["fetch"])
        .output()
        .expect("run");
    assert_code(&partial, 3);
    drop(sandbox);
    let all = home.run(&["fetch"]);
    assert_code(&all, 1);
    assert!(
        text(&all.stderr).contains("cannot reach"),
        "{}",
        text(&all.stderr)
    );
}

/// The unit name `schedule install --systemd` gives this home (from its `--json` report).
fn unit_of(home: &Home, dir: &str) -> String {
    let report = home.json(&["schedule", "install", "--systemd", "--unit-dir", dir], 0);
    let service = report["service"].as_str().expect("service path");
    Path::new(service)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .expect("unit name")
        .to_owned()
}

#[test]
fn systemd_units_are_written_verified_and_removed() {
    let home = Home::new();
    let dir = home.path().join("units");
    let dir_text = dir.to_str().expect("utf-8").to_owned();
    let output = home.run(&["schedule", "install", "--systemd", "--unit-dir", &dir_text]);
    assert_success(&output);
    let unit = unit_of(&home, &dir_text);
    assert!(
        unit.starts_with("inlet-fetch-"),
        "a home of its own: {unit}"
    );
    assert!(text(&output.stderr).contains(&format!(
        "systemctl --user daemon-reload && systemctl --user enable --now {unit}.timer"
    )));
    let service = std::fs::read_to_string(dir.join(format!("{unit}.service"))).expect("service");
    let timer = std::fs::read_to_string(dir.join(format!("{unit}.timer"))).expect("timer");
    let binary = std::fs::canonicalize(BIN).expect("binary path");
    assert!(
        service.contains(&format!("ExecStart={} fetch --due", binary.display())),
        "{service}"
    );
    assert!(
        service.contains(&format!("Environment=INLET_HOME={}", home.path().display())),
        "{service}"
    );
    assert!(
        timer.contains("Persistent=true") && timer.contains("RandomizedDelaySec="),
        "{timer}"
    );
    if let Ok(verify) = std::process::Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(dir.join(format!("{unit}.service")))
        .arg(dir.join(format!("{unit}.timer")))
        .env("SYSTEMD_LOG_LEVEL", "err")
        .output()
    {
        assert!(
            verify.status.success(),
            "systemd-analyze verify:\n{}{}",
            text(&verify.stdout),
            text(&verify.stderr)
        );
    }
    // The committed example has the same shape as what install writes.
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/inlet-fetch.timer"),
    )
    .expect("example");
    for line in timer.lines().filter(|line| line.contains('=')) {
        let line = line.replace(&unit, "inlet-fetch");
        assert!(
            example.contains(&line),
            "examples/inlet-fetch.timer lacks `{line}`"
        );
    }
    assert_success(&home.run(&["schedule", "remove", "--systemd", "--unit-dir", &dir_text]));
    assert!(
        !dir.join(format!("{unit}.service")).exists()
            && !dir.join(format!("{unit}.timer")).exists()
    );
}

/// Two homes of one user each install their own timer (and crontab line) in the same place;
/// installing or removing one leaves the other alone.
#[test]
fn two_homes_have_schedules_of_their_own() {
    let first = Home::new();
    let second = Home::new();
    let dir = first.path().join("units");
    let dir_text = dir.to_str().expect("utf-8").to_owned();
    let one = unit_of(&first, &dir_text);
    let two = unit_of(&second, &dir_text);
    assert_ne!(one, two);
    assert_eq!(one, unit_of(&first, &dir_text), "stable for a home");
    for unit in [&one, &two] {
        assert!(dir.join(format!("{unit}.timer")).exists(), "{unit}");
    }
    let service = std::fs::read_to_string(dir.join(format!("{two}.service"))).expect("service");
    assert!(service.contains(&format!("INLET_HOME={}", second.path().display())));
    let removed = second.run(&["schedule", "remove", "--systemd", "--unit-dir", &dir_text]);
    assert_success(&removed);
    assert!(
        text(&removed.stderr).contains(&format!("{two}.timer")),
        "{}",
        text(&removed.stderr)
    );
    assert!(!dir.join(format!("{two}.timer")).exists());
    assert!(
        dir.join(format!("{one}.timer")).exists() && dir.join(format!("{one}.service")).exists()
    );

    // The same with cron, against a crontab kept in a file by a stand-in `crontab` command.
    let bin = first.path().join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let table = first.path().join("crontab.txt");
    let script = format!(
        "#!/bin/sh\ncase \"$1\" in\n-l) cat '{0}' 2>/dev/null || exit 1 ;;\n-) cat > '{0}' ;;\nesac\n",
        table.display()
    );
    std::fs::write(bin.join("crontab"), script).expect("stand-in crontab");
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(bin.join("crontab"), std::fs::Permissions::from_mode(0o700))
        .expect("chmod");
    std::fs::write(&table, "0 3 * * * backup.sh\n").expect("a line of the user's own");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let cron = |home: &Home, args: &[&str]| {
        let output = home
            .inlet()
            .env("PATH", &path)
            .args(args)
            .output()
            .expect("run");
        assert_success(&output);
    };
    cron(&first, &["schedule", "install", "--cron"]);
    cron(
        &second,
        &["schedule", "install", "--cron", "--interval", "1h"],
    );
    cron(
        &first,
        &["schedule", "install", "--cron", "--interval", "30m"],
    );
    let lines = std::fs::read_to_string(&table).expect("crontab");
    assert_eq!(lines.lines().count(), 3, "{lines}");
    assert!(lines.contains("0 3 * * * backup.sh"));
    assert!(
        lines
            .lines()
            .any(|line| line.starts_with("*/30 ") && line.ends_with(&format!("[{one}]"))),
        "{lines}"
    );
    assert!(
        lines
            .lines()
            .any(|line| line.starts_with("0 * * * * ") && line.ends_with(&format!("[{two}]"))),
        "{lines}"
    );
    cron(&first, &["schedule", "remove", "--cron"]);
    let lines = std::fs::read_to_string(&table).expect("crontab");
    assert_eq!(lines.lines().count(), 2, "{lines}");
    assert!(lines.contains(&format!("[{two}]")) && !lines.contains(&format!("[{one}]")));
}

#[test]
fn the_cron_line_runs_fetch_due_with_the_home() {
    let home = Home::new();
    let output = home.run(&["schedule", "install", "--cron", "--print"]);
    assert_success(&output);
    let line = text(&output.stdout);
    let binary = std::fs::canonicalize(BIN).expect("binary path");
    assert!(line.starts_with("*/15 * * * * "), "{line}");
    assert!(
        line.contains(&format!("'{}' fetch --due --quiet", binary.display())),
        "{line}"
    );
    assert!(
        line.contains(&format!("INLET_HOME='{}'", home.path().display())),
        "{line}"
    );
    assert!(
        line.trim_end()
            .contains("# inlet: fetch due connections [inlet-fetch-")
    );
    let example =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/crontab"))
            .expect("example");
    assert!(example.lines().any(
        |example| example.ends_with("# inlet: fetch due connections")
            && example.contains("fetch --due --quiet")
    ));
    assert_code(&home.run(&["schedule", "install"]), 2);
}

#[test]
fn the_ci_example_fetches_with_secrets_from_the_environment_and_no_keychain() {
    let sandbox = Sandbox::start(90, 0);
    let (_, stripe_key, stripe_counts) = sandbox.provider("stripe");
    let home = Home::new();
    let export = home.path().join("export");
    let bin_dir = Path::new(BIN).parent().expect("bin dir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci-fetch.sh");
    for round in 0..2 {
        let output = std::process::Command::new("bash")
            .arg(&script)
            .args(["acme", "hubspot", "stripe"])
            .env_clear()
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin_dir.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("HOME", home.path())
            .env("INLET_HOME", home.path())
            .env("INLET_TOKEN_ACME_HUBSPOT", &sandbox.token)
            .env("INLET_TOKEN_ACME_STRIPE", &stripe_key)
            .env("INLET_BASE_URL", sandbox.origin())
            .env("EXPORT_DIR", &export)
            .output()
            .expect("run the CI example");
        assert_success(&output);
        let document: Value =
            serde_json::from_slice(&std::fs::read(export.join("acme.json")).expect("export"))
                .expect("json");
        let customers = stripe_counts
            .iter()
            .find(|(stream, _)| stream == "customers")
            .map_or(0, |(_, count)| *count);
        crate::common::assert_valid_export(&document);
        assert_eq!(
            document["contacts"].as_array().map(Vec::len),
            Some(sandbox.count("contacts") as usize),
            "round {round}"
        );
        assert_eq!(
            document["customers"].as_array().map(Vec::len),
            Some(customers as usize),
            "round {round}: Stripe customers have their own array"
        );
        let report: Value = serde_json::from_slice(
            &std::fs::read(export.join("fetch-report.json")).expect("report"),
        )
        .expect("json");
        assert_eq!(report["runs"].as_array().map(Vec::len), Some(2));
    }
    // Both CI examples run exactly that script and publish the export.
    for file in ["github-actions.yml", "gitlab-ci.yml"] {
        let workflow = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples")
                .join(file),
        )
        .expect("example");
        assert!(
            workflow.contains("examples/ci-fetch.sh acme hubspot stripe"),
            "{file}"
        );
        assert!(
            workflow.contains("INLET_TOKEN_ACME_HUBSPOT") && workflow.contains("export/"),
            "{file}"
        );
    }

    // And the dashboard script turns the export into KPIs.
    let kpis = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/dashboard_input.py"))
        .arg(export.join("acme.json"))
        .output()
        .expect("python3");
    assert_success(&kpis);
    let kpis: Value = serde_json::from_slice(&kpis.stdout).expect("kpis json");
    assert_eq!(
        kpis["deals"]["total"].as_u64(),
        Some(sandbox.count("deals"))
    );
    assert_eq!(
        kpis["sources"],
        serde_json::json!(["acme/hubspot", "acme/stripe"])
    );
}

#[test]
fn a_broken_pipe_is_not_an_error() {
    require_keychain();
    let sandbox = Sandbox::start(2_000, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_success(&home.run(&["fetch"]));
    let output = std::process::Command::new("bash")
        .args(["-c", &format!("'{BIN}' export --client acme --out - | head -c 100 > /dev/null; echo \"${{PIPESTATUS[0]}}\"")])
        .env("INLET_HOME", home.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("bash");
    assert_eq!(
        text(&output.stdout).trim(),
        "0",
        "stderr: {}",
        text(&output.stderr)
    );
    assert!(
        !text(&output.stderr).contains("error"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn quiet_and_color_choices_are_honoured() {
    require_keychain();
    let sandbox = Sandbox::start(10, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    let quiet = home.run(&["-q", "export", "--client", "acme"]);
    assert_success(&quiet);
    assert!(quiet.stderr.is_empty(), "{}", text(&quiet.stderr));
    let plain = home.run(&["status"]);
    assert!(
        !text(&plain.stdout).contains('\u{1b}'),
        "NO_COLOR: no escapes"
    );
    let colored = home
        .inlet()
        .env_remove("NO_COLOR")
        .args(["--color", "always", "status"])
        .output()
        .expect("run");
    assert!(
        text(&colored.stdout).contains('\u{1b}'),
        "--color always colors: {}",
        text(&colored.stdout)
    );
    let never = home
        .inlet()
        .env_remove("NO_COLOR")
        .args(["--color", "never", "status"])
        .output()
        .expect("run");
    assert!(!text(&never.stdout).contains('\u{1b}'));
}
