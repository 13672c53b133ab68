//! The test harness: an isolated inlet home, a sandbox child process, and helpers to run the
//! binary and read what it left on disk.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the harness"
)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

pub mod hostile;

pub const BIN: &str = env!("CARGO_BIN_EXE_inlet");

/// Fails the test, loudly, when no Secret Service is reachable: these tests prove the real
/// keychain and must not pass without one.
pub fn require_keychain() {
    let ok = Command::new("secret-tool")
        .args(["search", "--all", "service", "inlet-probe"])
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        ok && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no Secret Service: run the tests with `scripts/test` (a private D-Bus session with an unlocked gnome-keyring)"
    );
}

/// A sandbox server in a child process, killed on drop.
pub struct Sandbox {
    child: Child,
    pub base_url: String,
    pub token: String,
    /// Records per stream, as the sandbox reports them.
    pub counts: Vec<(String, u64)>,
    /// The whole banner: every provider's base URL, credential and counts.
    pub banner: Value,
}

impl Sandbox {
    pub fn start(records: u64, latency_ms: u64) -> Self {
        Self::start_with(records, latency_ms, 42)
    }

    pub fn start_with(records: u64, latency_ms: u64, seed: u64) -> Self {
        Self::start_args(&[
            "--records",
            &records.to_string(),
            "--latency",
            &latency_ms.to_string(),
            "--seed",
            &seed.to_string(),
        ])
    }

    /// A sandbox with any `inlet sandbox` flags.
    pub fn start_args(args: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(["sandbox", "--json", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the sandbox");
        let stdout = child.stdout.take().expect("sandbox stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the sandbox banner");
        let banner: Value = serde_json::from_str(&line).expect("the sandbox banner is JSON");
        let mut sandbox = Self {
            child,
            base_url: String::new(),
            token: String::new(),
            counts: Vec::new(),
            banner,
        };
        let (base_url, token, counts) = sandbox.provider("hubspot");
        sandbox.base_url = base_url;
        sandbox.token = token;
        sandbox.counts = counts;
        sandbox
    }

    /// The sandbox's own address, `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        self.base_url.trim_end_matches("/hubspot").to_owned()
    }

    /// A provider's base URL, credential and per-stream counts.
    pub fn provider(&self, id: &str) -> (String, String, Vec<(String, u64)>) {
        let entry = self.banner["providers"]
            .as_array()
            .and_then(|providers| providers.iter().find(|provider| provider["provider"] == id))
            .unwrap_or_else(|| panic!("the sandbox serves {id}"));
        let counts = entry["streams"]
            .as_array()
            .expect("stream counts")
            .iter()
            .map(|count| {
                (
                    count["stream"].as_str().unwrap_or_default().to_owned(),
                    count["records"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        (
            entry["base_url"].as_str().expect("base_url").to_owned(),
            entry["credential"].as_str().expect("credential").to_owned(),
            counts,
        )
    }

    /// `POST /_sandbox/tick`: one churn step; returns the changed ids per provider and stream.
    pub fn tick(&self) -> Value {
        admin(&format!("{}/_sandbox/tick", self.origin()), "POST")
    }

    /// `GET /_sandbox/stats`: requests by status, faults injected.
    pub fn stats(&self) -> Value {
        admin(&format!("{}/_sandbox/stats", self.origin()), "GET")
    }

    pub fn count(&self, stream: &str) -> u64 {
        self.counts
            .iter()
            .find(|(name, _)| name == stream)
            .map_or(0, |(_, count)| *count)
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().map(|(_, count)| count).sum()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny HTTP/1.1 client for the sandbox's admin endpoints (no extra dependency).
fn admin(url: &str, method: &str) -> Value {
    use std::io::Read as _;
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').expect("url with a path");
    let mut stream = std::net::TcpStream::connect(host).expect("connect to the sandbox");
    write!(stream, "{method} /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .unwrap_or_default();
    // Chunked or not, the JSON object is the part between the first `{` and the last `}`.
    let start = body.find('{').expect("a JSON body");
    let end = body.rfind('}').expect("a JSON body");
    serde_json::from_str(&body[start..=end]).expect("admin JSON")
}

/// An isolated inlet home.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn database(&self) -> PathBuf {
        self.path().join("data/inlet.db")
    }

    /// `inlet --home HOME …` with a clean environment: no color, no terminal, the keychain
    /// session's variables and nothing of the developer's.
    pub fn inlet(&self) -> Command {
        let mut command = Command::new(BIN);
        command.env_clear();
        for name in [
            "PATH",
            "HOME",
            "DBUS_SESSION_BUS_ADDRESS",
            "XDG_RUNTIME_DIR",
            "XDG_DATA_HOME",
            // Windows needs these for sockets and the Credential Manager; unset elsewhere.
            "SYSTEMROOT",
            "USERPROFILE",
            "APPDATA",
            "LOCALAPPDATA",
            "TEMP",
            "TMP",
        ] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        command
            .env("INLET_HOME", self.path())
            .env("NO_COLOR", "1")
            .env("COLUMNS", "160");
        command.stdin(Stdio::null());
        command
    }

    /// Runs `inlet ARGS` and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.inlet().args(args).output().expect("run inlet")
    }

    /// Runs `inlet ARGS` with `input` on stdin.
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .inlet()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run inlet");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("wait for inlet")
    }

    /// `inlet connect PROVIDER --client CLIENT --base-url URL --token-stdin [EXTRA…]`, asserting
    /// success.
    pub fn connect_to(
        &self,
        provider: &str,
        client: &str,
        base_url: &str,
        token: &str,
        extra: &[&str],
    ) {
        let mut args = vec![
            "connect",
            provider,
            "--client",
            client,
            "--base-url",
            base_url,
            "--token-stdin",
        ];
        args.extend_from_slice(extra);
        let output = self.run_with_stdin(&args, token);
        assert_success(&output);
    }

    /// Writes a user provider definition into this home's config folder.
    pub fn provider_override(&self, file: &str, text: &str) {
        let dir = self.path().join("config/providers");
        std::fs::create_dir_all(&dir).expect("providers dir");
        std::fs::write(dir.join(file), text).expect("write definition");
    }

    /// `inlet connect hubspot --client CLIENT --base-url … --token-stdin`, asserting success.
    pub fn connect(&self, sandbox: &Sandbox, client: &str) {
        let output = self.run_with_stdin(
            &[
                "connect",
                "hubspot",
                "--client",
                client,
                "--base-url",
                &sandbox.base_url,
                "--token-stdin",
            ],
            &sandbox.token,
        );
        assert_success(&output);
    }

    /// Runs a command with `--json` and parses stdout, asserting the exit code.
    pub fn json(&self, args: &[&str], code: i32) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let output = self.run(&all);
        assert_code(&output, code);
        serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
            panic!("stdout is not JSON ({error}): {}", text(&output.stdout))
        })
    }

    /// The profile id that keys this home's keychain entries.
    pub fn profile(&self) -> String {
        let conn = rusqlite::Connection::open(self.database()).expect("open the cache");
        conn.query_row(
            "SELECT value FROM meta WHERE key = 'profile_id'",
            [],
            |row| row.get(0),
        )
        .expect("profile id")
    }

    /// Record counts per stream straight from the SQLite file.
    pub fn record_count(&self, connection: &str) -> u64 {
        let conn = rusqlite::Connection::open(self.database()).expect("open the cache");
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .expect("busy timeout");
        conn.query_row(
            "SELECT COUNT(*) FROM records WHERE connection_id = ?1",
            [connection],
            |row| row.get(0),
        )
        .expect("count records")
    }

    /// Every file under the home with its size and modification time: "nothing changed on disk".
    pub fn snapshot(&self) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
        let mut files = Vec::new();
        walk(self.path(), &mut files);
        files.sort();
        files
    }
}

fn walk(dir: &Path, files: &mut Vec<(PathBuf, u64, std::time::SystemTime)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_dir() {
            walk(&path, files);
        } else {
            files.push((
                path,
                meta.len(),
                meta.modified().unwrap_or(std::time::UNIX_EPOCH),
            ));
        }
    }
}

/// The keychain entry of a connection, looked up with `secret-tool` (the store itself).
pub fn keychain_lookup(profile: &str, connection: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            "inlet",
            "username",
            &format!("{profile}:{connection}"),
        ])
        .output()
        .expect("run secret-tool");
    output.status.success().then(|| text(&output.stdout))
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn assert_code(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

pub fn assert_success(output: &Output) {
    assert_code(output, 0);
}

/// Validates an export document against `schemas/export.schema.json` with Python's
/// `jsonschema` (Draft 2020-12, formats checked): a validator independent of the Rust code that
/// generates the schema. Fails the test with the first errors.
pub fn assert_valid_export(document: &Value) {
    const SCRIPT: &str = r#"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
document = json.load(sys.stdin)
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
for error in errors[:5]:
    print("/".join(map(str, error.path)), error.message, file=sys.stderr)
sys.exit(1 if errors else 0)
"#;
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/export.schema.json");
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(schema)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 with jsonschema (`pip install jsonschema`)");
    let input = serde_json::to_vec(document).expect("serialize");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write the document");
    let output = child.wait_with_output().expect("wait for python3");
    assert!(
        output.status.success(),
        "the export does not validate against schemas/export.schema.json:\n{}",
        text(&output.stderr)
    );
}

/// `inlet export --client CLIENT --out -`, parsed and validated against the shipped schema.
pub fn export_document(home: &Home, client: &str) -> Value {
    let output = home.run(&["export", "--client", client, "--out", "-"]);
    assert_success(&output);
    let document: Value = serde_json::from_slice(&output.stdout).expect("the export is JSON");
    assert_valid_export(&document);
    document
}

/// An NDJSON export put back together as the JSON document it stands for (the header's keys,
/// then each entity's rows in order), so it can be checked against the same schema.
pub fn ndjson_document(text: &str) -> Value {
    let mut lines = text.lines().map(|line| {
        serde_json::from_str::<Value>(line).unwrap_or_else(|error| panic!("{error}: {line}"))
    });
    let mut document = lines.next().expect("a header line");
    assert_eq!(document["type"], "header");
    let object = document.as_object_mut().expect("header object");
    object.remove("type");
    for entity in [
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
    ] {
        object.insert(entity.to_owned(), Value::Array(Vec::new()));
    }
    for line in lines {
        assert_eq!(line["type"], "row", "{line}");
        let entity = line["entity"].as_str().expect("entity");
        object
            .get_mut(entity)
            .and_then(Value::as_array_mut)
            .unwrap_or_else(|| panic!("unknown entity {entity}"))
            .push(line["row"].clone());
    }
    document
}

/// What a user sees of a run, as one text: the exit code, stdout and stderr, with what changes
/// from run to run (the home's path, ports, times, durations, ids drawn at random) replaced by
/// placeholders, so a snapshot holds exactly what must not change.
pub fn seen(home: &Home, output: &Output) -> String {
    let raw = format!(
        "exit code: {}\n----- stdout -----\n{}----- stderr -----\n{}",
        output.status.code().unwrap_or(-1),
        text(&output.stdout),
        text(&output.stderr)
    );
    let home_path = home.path().display().to_string();
    let mut shown = raw.replace(&home_path, "[HOME]");
    for (pattern, placeholder) in [
        // RFC 3339 instants, with or without fractions and offsets.
        (
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})",
            "[TIME]",
        ),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        (r"\b\d+ms\b", "[MS]"),
        (r"\b\d+\.\ds\b", "[MS]"),
        // Relative times round down to the second they are computed at.
        (r"in \d+ h\b", "in [N] h"),
        (r"budget left \d+", "budget left [N]"),
        (r"left \d+", "left [N]"),
        (r#""duration_ms": \d+"#, r#""duration_ms": [MS]"#),
        (r"\b[0-9a-f]{32}\b", "[PROFILE]"),
        (r#""run_id": \d+"#, r#""run_id": [RUN]"#),
        // A redacted cell was wider or narrower than its placeholder, and a table's column
        // widths follow its widest cell: rules and padding are compared by shape, not width.
        ("─+", "─"),
        ("═+", "═"),
        ("  +", " "),
    ] {
        shown = regex_replace(&shown, pattern, placeholder);
    }
    shown
}

fn regex_replace(text: &str, pattern: &str, placeholder: &str) -> String {
    regex_lite::Regex::new(pattern)
        .expect("a valid pattern")
        .replace_all(text, placeholder)
        .into_owned()
}

/// Snapshots what a user sees of a run (exit code, stdout, stderr), uv and jj style.
#[macro_export]
macro_rules! assert_seen {
    ($name:expr, $home:expr, $output:expr) => {
        insta::assert_snapshot!($name, $crate::common::seen($home, &$output))
    };
}
