//! The cache itself in trouble: a file damaged in the middle, and a disk that fills up during a
//! fetch. Nothing is written into a damaged file, and every failure says what happened and where.

use crate::common::{Home, Sandbox, assert_code, assert_success, require_keychain, text};

/// Overwrites one page in the middle of a SQLite file with garbage.
fn damage_a_middle_page(path: &std::path::Path) {
    use std::io::{Seek as _, SeekFrom, Write as _};
    let len = std::fs::metadata(path).expect("cache").len();
    let page = 4096;
    let pages = len / page;
    assert!(
        pages > 20,
        "a cache of {pages} pages is too small to damage in the middle"
    );
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("open the cache");
    file.seek(SeekFrom::Start(pages / 2 * page)).expect("seek");
    file.write_all(&vec![0xA5; page as usize]).expect("damage");
}

#[test]
fn a_damaged_cache_is_never_written_into_and_status_says_so() {
    require_keychain();
    let sandbox = Sandbox::start(3_000, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_success(&home.run(&["fetch"]));
    let database = home.database();
    assert!(
        !std::path::Path::new(&format!("{}-wal", database.display())).exists()
            || std::fs::metadata(format!("{}-wal", database.display()))
                .expect("wal")
                .len()
                == 0,
        "the last writer checkpointed the log into the file"
    );
    damage_a_middle_page(&database);
    let before = std::fs::read(&database).expect("cache bytes");

    let output = home.run(&["--json", "fetch"]);
    assert_code(&output, 1);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("is damaged"), "{stderr}");
    assert!(stderr.contains("nothing was written to it"), "{stderr}");
    assert!(
        stderr.contains(&format!("mv '{0}' '{0}.damaged'", database.display())),
        "{stderr}"
    );
    assert!(stderr.contains(".recover"), "{stderr}");
    let error: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON error");
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("is damaged")),
        "{error}"
    );
    assert_eq!(
        std::fs::read(&database).expect("cache bytes"),
        before,
        "not one byte of the damaged file changed"
    );

    // `status` reads only what it needs: where that is intact, it would look fine, and the
    // fetch's note says otherwise; where the damage is in what it reads, it fails saying so.
    let status = home.run(&["status"]);
    let said = text(&status.stderr);
    if status.status.success() {
        assert!(
            said.contains("is damaged") && said.contains(".damaged'"),
            "{said}"
        );
        assert_code(&home.run(&["status", "--check"]), 1);
        let json = home.json(&["status"], 0);
        assert!(
            json["cache_damaged"]
                .as_str()
                .is_some_and(|problem| problem.contains("is damaged")),
            "{json}"
        );
    } else {
        assert_code(&status, 1);
        assert!(
            said.contains("malformed") && said.contains("the cache file is damaged"),
            "{said}"
        );
    }

    // The hint works: moved aside, a new cache starts clean and the note is gone with the file.
    let damaged = format!("{}.damaged", database.display());
    std::fs::rename(&database, &damaged).expect("mv");
    home.connect(&sandbox, "acme");
    let json = home.json(&["status"], 0);
    assert!(
        json["cache_damaged"].is_null(),
        "a new cache, a clean slate: {json}"
    );
    assert_success(&home.run(&["fetch"]));
    let json = home.json(&["status"], 0);
    assert!(json["cache_damaged"].is_null(), "{json}");
    assert_success(&home.run(&["status", "--check"]));
}

/// Runs `script` with `sh` in a private mount namespace (so it may mount a small tmpfs that no
/// one else sees): as root directly, otherwise as root of a new user namespace.
fn in_private_mounts(script: &str, env: &[(&str, &str)]) -> std::process::Output {
    use std::os::unix::fs::MetadataExt as _;
    let root = std::fs::metadata("/proc/self").expect("/proc").uid() == 0;
    let mut command = std::process::Command::new("unshare");
    if !root {
        command.args(["--user", "--map-root-user"]);
    }
    command.args(["--mount", "sh", "-c", script]);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("unshare (util-linux)");
    assert!(
        output.status.success(),
        "cannot mount a private tmpfs here (unshare --mount needs root or user namespaces):\n{}",
        text(&output.stderr)
    );
    output
}

/// The disk fills up during a fetch: the run is recorded as failed with the reason (not left
/// `running`, later `interrupted`), `--json` still prints the report, and once there is room the
/// next fetch resumes and ends with exactly the provider's records.
#[test]
fn a_full_disk_fails_the_run_with_its_reason_and_the_next_fetch_completes() {
    require_keychain();
    let sandbox = Sandbox::start(3_000, 0);
    let base = tempfile::tempdir().expect("temp dir");
    let mount = base.path().join("disk");
    let out = base.path().join("out");
    std::fs::create_dir_all(&mount).expect("mount point");
    std::fs::create_dir_all(&out).expect("out");
    let script = r#"
        set -u
        mount -t tmpfs -o size=3m,mode=0700 tmpfs "$MNT" || exit 90
        export INLET_HOME="$MNT/h"
        printf %s "$TOKEN" | "$BIN" connect hubspot --client acme --base-url "$URL" --token-stdin \
            > "$OUT/connect.txt" 2>&1 || exit 91
        "$BIN" --json fetch > "$OUT/full.json" 2> "$OUT/full.err"; echo $? > "$OUT/full.rc"
        "$BIN" --json status > "$OUT/status.json" 2> "$OUT/status.err"
        mount -o remount,size=256m "$MNT" || exit 92
        "$BIN" --json fetch > "$OUT/again.json" 2> "$OUT/again.err"; echo $? > "$OUT/again.rc"
        "$BIN" --json status > "$OUT/status2.json" 2> "$OUT/status2.err"
    "#;
    in_private_mounts(
        script,
        &[
            ("MNT", mount.to_str().expect("utf-8")),
            ("OUT", out.to_str().expect("utf-8")),
            ("BIN", crate::common::BIN),
            ("URL", &sandbox.base_url),
            ("TOKEN", &sandbox.token),
        ],
    );
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap_or_default();
    let json = |name: &str| -> serde_json::Value {
        serde_json::from_str(&read(name))
            .unwrap_or_else(|error| panic!("{name} is not JSON ({error}): {}", read(name)))
    };

    assert_eq!(read("full.rc").trim(), "1", "{}", read("full.err"));
    let report = json("full.json");
    let run = &report["runs"][0];
    assert_eq!(run["outcome"], "failed", "{report}");
    let error = run["error"].as_str().expect("a reason");
    assert!(
        error.contains("the disk holding the cache") && error.contains("is full"),
        "{error}"
    );
    assert!(
        read("full.err").contains("is full; free space on it"),
        "{}",
        read("full.err")
    );
    let status = json("status.json");
    let last = &status["connections"][0]["last_run"];
    assert_eq!(
        last["outcome"], "failed",
        "recorded, not left running: {status}"
    );
    assert!(!last["finished_at"].is_null(), "{status}");
    assert!(
        last["error"]
            .as_str()
            .is_some_and(|error| error.contains("is full")),
        "{status}"
    );

    assert_eq!(read("again.rc").trim(), "0", "{}", read("again.err"));
    let again = json("again.json");
    assert_eq!(again["runs"][0]["outcome"], "ok", "{again}");
    let status = json("status2.json");
    let records = &status["connections"][0]["records"];
    for (stream, count) in &sandbox.counts {
        assert_eq!(records[stream].as_u64(), Some(*count), "{stream}: {status}");
    }
}

/// A stored value that does not parse (changed outside inlet) used to become a silent default:
/// a bad time became "now" (so the connection was never due, or always), bad settings became
/// none. Reading such a row now fails, naming the connection, the value and the fix.
#[test]
fn a_stored_value_that_does_not_parse_is_an_error_not_a_default() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_success(&home.run(&["fetch"]));
    let change = |sql: &str| {
        let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
        conn.execute(sql, []).expect("change a row");
    };
    let refused = |args: &[&str], needles: &[&str]| {
        let output = home.run(args);
        assert_code(&output, 1);
        let stderr = text(&output.stderr);
        for needle in needles {
            assert!(stderr.contains(needle), "`{needle}` not in: {stderr}");
        }
    };

    change("UPDATE connections SET created_at = 'yesterday-ish'");
    for command in [&["status"][..], &["fetch", "--due"], &["schedule", "show"]] {
        refused(
            command,
            &[
                "connection `acme/hubspot`: its creation time `yesterday-ish` is not a time",
                "inlet disconnect CONNECTION",
            ],
        );
    }
    change("UPDATE connections SET created_at = '2026-01-01T00:00:00Z', settings = 'not json'");
    refused(
        &["fetch"],
        &["connection `acme/hubspot`: its settings are not a JSON object"],
    );
    change("UPDATE connections SET settings = '{}'");
    change("UPDATE runs SET finished_at = '31/12/2026'");
    refused(
        &["status"],
        &["of `acme/hubspot`: its end `31/12/2026` is not a time"],
    );
    change("UPDATE runs SET finished_at = started_at, outcome = 'sort of'");
    refused(&["status"], &["its outcome is `sort of`, not an outcome"]);
    change("UPDATE runs SET outcome = 'ok', connection_id = 'ACME hubspot'");
    refused(&["status"], &["`ACME hubspot` is not a connection id"]);
    change("UPDATE runs SET connection_id = 'acme/hubspot'");
    assert_success(&home.run(&["status"]));
}
