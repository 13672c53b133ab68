//! OAuth 2.0 end to end: the real binary signs in against the sandbox's authorization servers
//! over HTTP, the test acting as the browser (it follows the authorize URL, whose auto-consent
//! redirect lands on inlet's loopback listener). PKCE is checked by the sandbox; refreshes,
//! rotation, concurrency, revocation and every other grant are observed through its counters.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{Child, Output, Stdio};

use serde_json::Value;

use crate::common::{Home, Sandbox, assert_code, assert_success, require_keychain};

const PRIVATE_KEY: &str = "tests/cli/fixtures/oauth-test-key.pem";
const PUBLIC_KEY: &str = include_str!("fixtures/oauth-test-key.pub.pem");

/// One HTTP/1.1 exchange without a client library: status, `Location`, body.
fn http(method: &str, url: &str, body: &str) -> (u16, Option<String>, String) {
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    write!(
        stream,
        "{method} /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let location = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("location")
            .then(|| value.trim().to_owned())
    });
    (status, location, body.to_owned())
}

fn json_body(body: &str) -> Value {
    let start = body.find('{').expect("a JSON body");
    let end = body.rfind('}').expect("a JSON body");
    serde_json::from_str(&body[start..=end]).expect("JSON")
}

/// The sandbox's OAuth counters; `query` also reconfigures it, `key` registers a public key.
fn oauth_admin(sandbox: &Sandbox, query: &str, key: &str) -> Value {
    let url = format!("{}/_sandbox/oauth{query}", sandbox.origin());
    json_body(
        &http(
            if query.is_empty() && key.is_empty() {
                "GET"
            } else {
                "POST"
            },
            &url,
            key,
        )
        .2,
    )
}

fn revoke_all(sandbox: &Sandbox) -> Value {
    json_body(
        &http(
            "POST",
            &format!("{}/_sandbox/oauth/revoke-all", sandbox.origin()),
            "",
        )
        .2,
    )
}

/// The sandbox's HubSpot OAuth app: (auth URL, client id, client secret).
fn app(sandbox: &Sandbox) -> (String, String, String) {
    let hubspot = sandbox.banner["providers"]
        .as_array()
        .and_then(|providers| providers.iter().find(|p| p["provider"] == "hubspot"))
        .expect("hubspot in the banner");
    let oauth = &hubspot["oauth"];
    (
        oauth["auth_url"].as_str().expect("auth_url").to_owned(),
        oauth["client_id"].as_str().expect("client_id").to_owned(),
        oauth["client_secret"]
            .as_str()
            .expect("client_secret")
            .to_owned(),
    )
}

/// Starts a browser sign-in command; returns the child and the authorize URL it printed.
#[expect(
    clippy::zombie_processes,
    reason = "the child is returned to the caller, who waits for it"
)]
fn start_sign_in(
    home: &Home,
    args: &[&str],
    stdin: &str,
) -> (Child, String, BufReader<std::process::ChildStderr>) {
    let mut child = home
        .inlet()
        .env("INLET_BROWSER", "none")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start inlet");
    if !stdin.is_empty() {
        let mut input = child.stdin.take().expect("stdin");
        input.write_all(stdin.as_bytes()).expect("write stdin");
        // Closed: the secret is everything on stdin.
    }
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    loop {
        line.clear();
        if stderr.read_line(&mut line).unwrap_or(0) == 0 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("inlet printed no sign-in URL");
        }
        if line.starts_with("http") {
            return (child, line.trim().to_owned(), stderr);
        }
    }
}

/// Acts as the browser: the authorize page auto-consents and redirects to the callback.
fn consent(authorize_url: &str) -> String {
    let (status, location, body) = http("GET", authorize_url, "");
    assert_eq!(status, 302, "authorize answered {status}: {body}");
    location.expect("a redirect to the loopback callback")
}

fn finish(child: Child, mut stderr: BufReader<std::process::ChildStderr>) -> Output {
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).expect("read stderr");
    let mut output = child.wait_with_output().expect("wait");
    output.stderr = rest.into_bytes();
    output
}

/// `inlet connect hubspot --auth oauth` through the browser flow, asserting success.
fn connect_oauth(home: &Home, sandbox: &Sandbox, client: &str) -> Output {
    let (auth_url, client_id, secret) = app(sandbox);
    let set = format!("client_id={client_id}");
    let (child, url, stderr) = start_sign_in(
        home,
        &[
            "connect",
            "hubspot",
            "--client",
            client,
            "--auth",
            "oauth",
            "--set",
            &set,
            "--auth-url",
            &auth_url,
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
        ],
        &secret,
    );
    let callback = consent(&url);
    let (status, _, _) = http("GET", &callback, "");
    assert_eq!(status, 200, "the loopback listener accepts the callback");
    let output = finish(child, stderr);
    assert_success(&output);
    output
}

/// The stored token set of a connection, read from the keychain the way a person could.
fn stored(home: &Home, connection: &str) -> Value {
    let account = format!("{}:{connection}", home.profile());
    let output = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "inlet", "username", &account])
        .output()
        .expect("secret-tool");
    serde_json::from_slice(&output.stdout).expect("the keychain holds a JSON token set")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// No token, client secret or private key in any output or in the database file.
fn assert_no_secrets(home: &Home, outputs: &[&Output], secrets: &[&str]) {
    let database = std::fs::read(home.database()).expect("database");
    let database = String::from_utf8_lossy(&database);
    for secret in secrets.iter().filter(|secret| secret.len() > 8) {
        for output in outputs {
            assert!(!text(output).contains(secret), "a secret was printed");
        }
        assert!(!database.contains(secret), "a secret reached the database");
    }
}

#[test]
fn browser_sign_in_with_pkce_connects_fetches_and_keeps_secrets_in_the_keychain() {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let home = Home::new();
    let connected = connect_oauth(&home, &sandbox, "acme");
    let stats = oauth_admin(&sandbox, "", "");
    assert_eq!(stats["pkce_verified"], 1, "{stats}");
    assert_eq!(stats["live_refresh_grants"], 1, "{stats}");

    let fetched = home.run(&["fetch", "acme/hubspot"]);
    assert_success(&fetched);
    assert_eq!(home.record_count("acme/hubspot"), sandbox.total());

    let status = home.json(&["status", "acme/hubspot"], 0);
    let oauth = &status["connections"][0]["credential"]["oauth"];
    assert_eq!(oauth["mode"], "oauth");
    assert_eq!(oauth["grant"], "authorization_code");
    assert!(
        oauth["scopes"]
            .as_array()
            .is_some_and(|scopes| scopes.iter().any(|s| s == "crm.objects.deals.read")),
        "{status}"
    );
    assert!(oauth["access_token_expires_at"].is_string(), "{status}");
    let table = home.run(&["status"]);
    assert!(
        text(&table).contains("oauth (authorization_code)"),
        "{}",
        text(&table)
    );

    let tokens = stored(&home, "acme/hubspot");
    let (_, _, client_secret) = app(&sandbox);
    let secrets = [
        tokens["access_token"].as_str().unwrap_or_default(),
        tokens["refresh_token"].as_str().unwrap_or_default(),
        client_secret.as_str(),
    ];
    assert!(secrets.iter().all(|secret| !secret.is_empty()));
    assert_eq!(tokens["client_secret"], client_secret.as_str());
    assert_no_secrets(&home, &[&connected, &fetched, &table], &secrets);
}

#[test]
fn a_callback_with_another_state_is_refused_and_nothing_is_stored() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    let (auth_url, client_id, secret) = app(&sandbox);
    let set = format!("client_id={client_id}");
    let (child, url, stderr) = start_sign_in(
        &home,
        &[
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--auth",
            "oauth",
            "--set",
            &set,
            "--auth-url",
            &auth_url,
            "--token-stdin",
        ],
        &secret,
    );
    let callback = consent(&url);
    let forged = regex_replace_state(&callback);
    let (status, _, _) = http("GET", &forged, "");
    assert_eq!(status, 400, "the listener refuses the forged callback");
    let output = finish(child, stderr);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("different `state`"),
        "{}",
        text(&output)
    );
    assert_eq!(oauth_admin(&sandbox, "", "")["tokens_issued"], 0);
    let listed = home.run(&["status", "--json"]);
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("acme/hubspot"));
}

fn regex_replace_state(callback: &str) -> String {
    let (head, query) = callback.split_once('?').expect("a query");
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| {
            if pair.starts_with("state=") {
                "state=forged-by-another-site".to_owned()
            } else {
                pair.to_owned()
            }
        })
        .collect();
    format!("{head}?{}", pairs.join("&"))
}

#[test]
fn an_expired_access_token_is_refreshed_before_the_fetch_and_a_rejected_one_after_a_401() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    oauth_admin(&sandbox, "?access_ttl_ms=3000", "");
    connect_oauth(&home, &sandbox, "acme");
    let before = stored(&home, "acme/hubspot")["access_token"].clone();
    std::thread::sleep(std::time::Duration::from_millis(3200));
    assert_success(&home.run(&["fetch", "acme/hubspot"]));
    let stats = oauth_admin(&sandbox, "", "");
    assert_eq!(stats["refreshes"], 1, "refreshed before the fetch: {stats}");
    assert_ne!(stored(&home, "acme/hubspot")["access_token"], before);

    // The server ends every session (a Salesforce admin does this): the next call gets 401,
    // inlet refreshes once and fetches the same page again.
    oauth_admin(&sandbox, "?access_ttl_ms=60000", "");
    assert_success(&home.run(&["fetch", "acme/hubspot", "--full-refresh"]));
    http(
        "POST",
        &format!("{}/_sandbox/oauth/expire-access", sandbox.origin()),
        "",
    );
    let fetched = home.json(&["fetch", "acme/hubspot", "--full-refresh"], 0);
    assert_eq!(fetched["runs"][0]["outcome"], "ok", "{fetched}");
    let stats = oauth_admin(&sandbox, "", "");
    assert_eq!(stats["refreshes"], 2, "refreshed after the 401: {stats}");
    assert_eq!(stats["invalid_grant"], 0, "{stats}");
}

#[test]
fn a_rotated_refresh_token_is_seen_by_the_next_process_and_three_at_once_share_one_refresh() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    oauth_admin(&sandbox, "?rotate=true&access_ttl_ms=3000", "");
    connect_oauth(&home, &sandbox, "acme");
    let first = stored(&home, "acme/hubspot")["refresh_token"].clone();
    std::thread::sleep(std::time::Duration::from_millis(3200));
    assert_success(&home.run(&["fetch", "acme/hubspot"]));
    let second = stored(&home, "acme/hubspot")["refresh_token"].clone();
    assert_ne!(first, second, "the rotated refresh token was written back");
    std::thread::sleep(std::time::Duration::from_millis(3200));
    // A second process reads the rotated token, not the first one.
    assert_success(&home.run(&["fetch", "acme/hubspot"]));
    let stats = oauth_admin(&sandbox, "", "");
    assert_eq!(
        (stats["refreshes"].as_u64(), stats["invalid_grant"].as_u64()),
        (Some(2), Some(0)),
        "{stats}"
    );

    // Three processes find the token expired at once: one refreshes, the others wait for its
    // lock and use what it stored.
    std::thread::sleep(std::time::Duration::from_millis(3200));
    let children: Vec<Child> = (0..3)
        .map(|_| {
            home.inlet()
                .args(["fetch", "acme/hubspot", "--wait", "60s", "--quiet"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start fetch")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert_success(&output);
    }
    let stats = oauth_admin(&sandbox, "", "");
    assert_eq!(
        stats["refreshes"], 3,
        "one refresh for three processes: {stats}"
    );
    assert_eq!(stats["invalid_grant"], 0, "{stats}");
    assert_eq!(stats["live_refresh_grants"], 1, "{stats}");
}

#[test]
fn a_revoked_grant_exits_4_with_the_exact_reconnect_command() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    connect_oauth(&home, &sandbox, "acme");
    revoke_all(&sandbox);
    let output = home.run(&["fetch", "acme/hubspot"]);
    assert_eq!(output.status.code(), Some(4), "{}", text(&output));
    let (auth_url, client_id, _) = app(&sandbox);
    let command = format!(
        "inlet connect hubspot --client acme --auth oauth --set client_id={client_id} --auth-url {auth_url} --base-url {}",
        sandbox.base_url
    );
    assert!(text(&output).contains(&command), "{}", text(&output));
    assert!(text(&output).contains("invalid_grant"), "{}", text(&output));
}

#[test]
fn disconnect_revokes_the_grant_then_removes_every_secret() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    connect_oauth(&home, &sandbox, "acme");
    let output = home.json(&["disconnect", "acme/hubspot", "--yes"], 0);
    assert_eq!(output["revoked"], true, "{output}");
    assert_eq!(output["secret_removed"], true, "{output}");
    let stats = oauth_admin(&sandbox, "", "");
    assert_eq!(stats["revocations"], 1, "{stats}");
    assert_eq!(stats["live_refresh_grants"], 0, "{stats}");
    assert_eq!(stats["live_access_tokens"], 0, "{stats}");
}

#[test]
fn authorize_prints_a_one_time_blob_that_connect_accepts_on_another_machine() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let laptop = Home::new();
    let server = Home::new();
    let (auth_url, client_id, secret) = app(&sandbox);
    let set = format!("client_id={client_id}");
    let (child, url, stderr) = start_sign_in(
        &laptop,
        &[
            "authorize",
            "hubspot",
            "--auth",
            "oauth",
            "--set",
            &set,
            "--auth-url",
            &auth_url,
        ],
        "",
    );
    let callback = consent(&url);
    assert_eq!(http("GET", &callback, "").0, 200);
    let output = finish(child, stderr);
    assert_success(&output);
    let blob = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert!(!blob.is_empty() && !blob.contains(' '), "one line: {blob}");

    let args = [
        "connect",
        "hubspot",
        "--client",
        "acme",
        "--auth",
        "oauth",
        "--set",
        &set,
        "--auth-url",
        &auth_url,
        "--base-url",
        &sandbox.base_url,
        "--token-stdin",
        "--authorization",
        &blob,
    ];
    assert_success(&server.run_with_stdin(&args, &secret));
    assert_eq!(oauth_admin(&sandbox, "", "")["pkce_verified"], 1);
    // The code inside works once.
    let again = server.run_with_stdin(&args, &secret);
    assert_eq!(again.status.code(), Some(4), "{}", text(&again));
}

/// A user's own definition: HubSpot's API behind the sandbox's generic authorization server,
/// with one mode per remaining grant.
fn generic_definition(sandbox: &Sandbox) -> String {
    let origin = sandbox.origin();
    let base = include_str!("../../providers/hubspot.toml");
    let (head, rest) = base.split_once("[verify]").expect("a verify table");
    let head = head.split("[[inputs]]").next().unwrap_or_default();
    format!(
        r#"{head}
[[inputs]]
name = "client_id"
label = "client id"
[[inputs]]
name = "client_secret"
label = "client secret"
secret = true
modes = ["app"]
[[inputs]]
name = "private_key"
label = "private key"
secret = true
modes = ["service"]
[[inputs]]
name = "client_email"
label = "service account"
modes = ["service"]

[[auth]]
id = "public"
label = "a public client, in a browser"
kind = "oauth2"
[auth.oauth]
grant = "authorization_code"
authorize_url = "{origin}/oauth/authorize"
token_url = "{origin}/oauth/token"
revoke_url = "{origin}/oauth/revoke"
scopes = ["crm.read"]
authorize_params = {{ access_type = "offline", prompt = "consent" }}
client_id = "client_id"

[[auth]]
id = "device"
label = "device code"
kind = "oauth2"
oauth = {{ grant = "device_code", device_url = "{origin}/oauth/device", token_url = "{origin}/oauth/token", client_id = "client_id", scopes = ["crm.read"] }}

[[auth]]
id = "app"
label = "client credentials"
kind = "oauth2"
oauth = {{ grant = "client_credentials", token_url = "{origin}/oauth/token", client_id = "client_id", client_secret = "client_secret", client_auth = "basic" }}

[[auth]]
id = "service"
label = "service account"
kind = "oauth2"
[auth.oauth]
grant = "jwt_bearer"
token_url = "{origin}/oauth/token"
client_id = "client_id"
scopes = ["crm.read"]
[auth.oauth.assertion]
private_key = "private_key"
claims = {{ iss = "{{client_email}}", scope = "{{scopes}}", aud = "{{token_url}}" }}
key_id = "{{private_key_id}}"
lifetime = "1h"

[verify]{rest}"#
    )
    .replace("key_id = \"{private_key_id}\"\n", "")
}

#[test]
fn no_browser_takes_the_pasted_address_for_a_public_client() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    home.provider_override("hubspot.toml", &generic_definition(&sandbox));
    let (_, client_id, _) = app(&sandbox);
    let set = format!("client_id={client_id}");
    let mut child = home
        .inlet()
        .args([
            "connect",
            "hubspot",
            "--client",
            "acme",
            "--auth",
            "public",
            "--set",
            &set,
            "--base-url",
            &sandbox.base_url,
            "--no-browser",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    let url = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).expect("read") > 0,
            "no URL printed"
        );
        if line.starts_with("http") {
            break line.trim().to_owned();
        }
    };
    assert!(
        url.contains("access_type=offline") && url.contains("prompt=consent"),
        "{url}"
    );
    // The browser is elsewhere: its redirect never reaches this machine; the person pastes it.
    let callback = consent(&url);
    let mut input = child.stdin.take().expect("stdin");
    writeln!(input, "{callback}").expect("paste");
    drop(input);
    let output = finish(child, stderr);
    assert_success(&output);
    assert_eq!(oauth_admin(&sandbox, "", "")["pkce_verified"], 1);
    assert_success(&home.run(&["fetch", "acme/hubspot"]));
}

#[test]
fn device_code_client_credentials_and_jwt_bearer_connect_and_fetch() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    home.provider_override("hubspot.toml", &generic_definition(&sandbox));
    let (_, client_id, secret) = app(&sandbox);
    let set = format!("client_id={client_id}");

    let device = home.run(&[
        "connect",
        "hubspot",
        "--client",
        "dev",
        "--auth",
        "device",
        "--set",
        &set,
        "--base-url",
        &sandbox.base_url,
    ]);
    assert_success(&device);
    assert!(
        text(&device).contains("enter the code"),
        "{}",
        text(&device)
    );

    let app_mode = home.run_with_stdin(
        &[
            "connect",
            "hubspot",
            "--client",
            "cc",
            "--auth",
            "app",
            "--set",
            &set,
            "--base-url",
            &sandbox.base_url,
            "--token-stdin",
        ],
        &secret,
    );
    assert_success(&app_mode);

    // The sandbox checks assertions against the public key the test gives it.
    oauth_admin(&sandbox, "?rotate=false", PUBLIC_KEY);
    let key_file = home.path().join("service-account.json");
    let key = std::fs::read_to_string(PRIVATE_KEY).expect("test key");
    std::fs::write(
        &key_file,
        serde_json::json!({"type": "service_account", "client_email": "inlet@example.iam.gserviceaccount.com", "private_key_id": "k1", "private_key": key}).to_string(),
    )
    .expect("write key file");
    let service = home.run(&[
        "connect",
        "hubspot",
        "--client",
        "sa",
        "--auth",
        "service",
        "--set",
        &set,
        "--base-url",
        &sandbox.base_url,
        "--key-file",
        key_file.to_str().expect("utf-8"),
    ]);
    assert_success(&service);
    let stats = oauth_admin(&sandbox, "", "");
    assert_eq!(
        (
            stats["jwt_accepted"].as_u64(),
            stats["client_credentials"].as_u64()
        ),
        (Some(1), Some(1)),
        "{stats}"
    );

    // Tokens without a refresh token are obtained again when they are rejected.
    http(
        "POST",
        &format!("{}/_sandbox/oauth/expire-access", sandbox.origin()),
        "",
    );
    let fetched = home.run(&["fetch"]);
    assert_success(&fetched);
    let stats = oauth_admin(&sandbox, "", "");
    assert_eq!(
        (
            stats["jwt_accepted"].as_u64(),
            stats["client_credentials"].as_u64()
        ),
        (Some(2), Some(2)),
        "{stats}"
    );
    assert_eq!(
        stats["refreshes"], 1,
        "the device grant's refresh token: {stats}"
    );

    let sa = stored(&home, "sa/hubspot");
    let private = sa["private_key"].as_str().unwrap_or_default().to_owned();
    assert!(private.contains("PRIVATE KEY"));
    let body_line = private.lines().nth(1).unwrap_or_default().to_owned();
    assert_no_secrets(
        &home,
        &[&device, &app_mode, &service, &fetched],
        &[&secret, &body_line],
    );
}

/// The sandbox's Salesforce: (login URL, client id, client secret).
fn salesforce_app(sandbox: &Sandbox) -> (String, String, String) {
    let entry = sandbox.banner["providers"]
        .as_array()
        .and_then(|providers| providers.iter().find(|p| p["provider"] == "salesforce"))
        .expect("salesforce in the banner");
    let oauth = &entry["oauth"];
    (
        oauth["auth_url"].as_str().expect("auth_url").to_owned(),
        oauth["client_id"].as_str().expect("client_id").to_owned(),
        oauth["client_secret"]
            .as_str()
            .expect("client_secret")
            .to_owned(),
    )
}

#[test]
fn salesforce_signs_in_with_pkce_takes_instance_url_pages_soql_and_refreshes_on_invalid_session() {
    require_keychain();
    let sandbox = Sandbox::start(500, 0);
    let home = Home::new();
    let (login, client_id, secret) = salesforce_app(&sandbox);
    let set = format!("client_id={client_id}");
    let (child, url, stderr) = start_sign_in(
        &home,
        &[
            "connect",
            "salesforce",
            "--client",
            "acme",
            "--set",
            &set,
            "--auth-url",
            &login,
            "--token-stdin",
        ],
        &secret,
    );
    assert!(
        url.contains("prompt=consent") && url.contains("code_challenge="),
        "{url}"
    );
    let callback = consent(&url);
    assert_eq!(http("GET", &callback, "").0, 200);
    let connected = finish(child, stderr);
    assert_success(&connected);
    assert!(
        text(&connected).contains("Salesforce org 00DSBX0000000001AAA"),
        "{}",
        text(&connected)
    );
    // No expires_in in Salesforce's answer: the definition's two hours are assumed.
    let tokens = stored(&home, "acme/salesforce");
    let expires: jiff::Timestamp = tokens["expires_at"]
        .as_str()
        .expect("an expiry")
        .parse()
        .expect("a time");
    let hours = jiff::Timestamp::now().duration_until(expires).as_secs_f64() / 3600.0;
    assert!((1.9..=2.0).contains(&hours), "{hours}");
    // The instance URL from the token response is the connection's base URL.
    let status = home.json(&["status", "acme/salesforce"], 0);
    assert_eq!(oauth_admin(&sandbox, "", "")["pkce_verified"], 1);

    let fetched = home.json(&["fetch", "acme/salesforce"], 0);
    let run = &fetched["runs"][0];
    assert_eq!(run["outcome"], "ok", "{fetched}");
    let accounts = run["streams"]
        .as_array()
        .and_then(|streams| streams.iter().find(|s| s["stream"] == "contacts"))
        .expect("contacts");
    assert_eq!(accounts["records_new"], 500, "{fetched}");
    assert_eq!(
        accounts["pages"], 4,
        "200 + 200 + 100 through nextRecordsUrl, and the recycle bin's page: {fetched}"
    );

    // Sessions end without notice (no expires_in): 401 INVALID_SESSION_ID, one refresh, same page.
    http(
        "POST",
        &format!("{}/_sandbox/oauth/expire-access", sandbox.origin()),
        "",
    );
    let again = home.json(&["fetch", "acme/salesforce"], 0);
    assert_eq!(again["runs"][0]["outcome"], "ok", "{again}");
    assert_eq!(
        again["runs"][0]["streams"][0]["mode"], "incremental",
        "{again}"
    );
    let stats = oauth_admin(&sandbox, "", "");
    assert_eq!(
        (stats["refreshes"].as_u64(), stats["invalid_grant"].as_u64()),
        (Some(1), Some(0)),
        "{stats}"
    );
    let _ = status;
    let export = home.json(&["export", "--client", "acme", "--out", "-"], 0);
    let deals = export["deals"].as_array().expect("deals");
    assert_eq!(deals.len(), 125);
    assert!(
        deals.iter().all(|deal| deal["stage"].is_string()),
        "{}",
        deals[0]
    );
    assert_eq!(export["companies"].as_array().map(Vec::len), Some(50));
    // Leads, in their own array and shape.
    let (_, _, counts) = sandbox.provider("salesforce");
    let expected = counts
        .iter()
        .find(|(stream, _)| stream == "leads")
        .map(|(_, count)| *count)
        .expect("the sandbox serves leads");
    let leads = export["leads"].as_array().expect("leads");
    assert_eq!(leads.len() as u64, expected);
    assert!(expected > 0);
    for lead in leads {
        assert!(
            lead["name"].is_string()
                && lead["email"].is_string()
                && lead["company_name"].is_string()
                && lead["lead_source"].is_string()
                && lead["converted"].is_boolean(),
            "{lead}"
        );
        assert_eq!(
            lead["converted"] == true,
            lead["status"] == "Closed - Converted",
            "{lead}"
        );
    }
    crate::common::assert_valid_export(&export);
    let contacts = export["contacts"].as_array().expect("contacts");
    assert!(
        contacts[0]["company_id"]
            .as_str()
            .is_some_and(|id| id.contains("001SBX")),
        "{}",
        contacts[0]
    );
}

#[test]
fn salesforce_jwt_bearer_signs_the_assertion_the_login_host_checks() {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let home = Home::new();
    let (login, client_id, _) = salesforce_app(&sandbox);
    oauth_admin(&sandbox, "?rotate=false", PUBLIC_KEY);
    let set = format!("client_id={client_id}");
    let output = home.run(&[
        "connect",
        "salesforce",
        "--client",
        "acme",
        "--auth",
        "jwt",
        "--set",
        &set,
        "--set",
        "username=admin@sandbox.example",
        "--auth-url",
        &login,
        "--key-file",
        PRIVATE_KEY,
    ]);
    assert_success(&output);
    assert_eq!(oauth_admin(&sandbox, "", "")["jwt_accepted"], 1);
    assert_success(&home.run(&["fetch", "acme/salesforce"]));
    let key = std::fs::read_to_string(PRIVATE_KEY).expect("key");
    let line = key.lines().nth(1).unwrap_or_default().to_owned();
    assert_no_secrets(&home, &[&output], &[&line]);

    // A key the app does not know is refused by the login host: exit 4 and the command.
    oauth_admin(
        &sandbox,
        "",
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n",
    );
    http(
        "POST",
        &format!("{}/_sandbox/oauth/expire-access", sandbox.origin()),
        "",
    );
    let refused = home.run(&["fetch", "acme/salesforce"]);
    assert_eq!(refused.status.code(), Some(4), "{}", text(&refused));
    assert!(
        text(&refused).contains("inlet connect salesforce --client acme --auth jwt"),
        "{}",
        text(&refused)
    );
}

/// Salesforce's daily allowance used up (403 `REQUEST_LIMIT_EXCEEDED`, an array of errors) stops
/// the fetch at once with what happened and what to do: not a credential problem (exit 1, not 4;
/// the credential stays healthy), no retries, the reason on the run.
#[test]
fn salesforce_daily_allowance_used_up_stops_with_a_clear_message_not_a_credential_problem() {
    require_keychain();
    let sandbox = Sandbox::start_args(&["--records", "500", "--salesforce-daily-limit", "4"]);
    let home = Home::new();
    let (login, client_id, secret) = salesforce_app(&sandbox);
    let set = format!("client_id={client_id}");
    let (child, url, stderr) = start_sign_in(
        &home,
        &[
            "connect",
            "salesforce",
            "--client",
            "acme",
            "--set",
            &set,
            "--auth-url",
            &login,
            "--token-stdin",
        ],
        &secret,
    );
    assert_eq!(http("GET", &consent(&url), "").0, 200);
    assert_success(&finish(child, stderr));

    let output = home.run(&["--json", "fetch", "acme/salesforce"]);
    assert_code(&output, 1);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let run = &report["runs"][0];
    assert_eq!(run["outcome"], "failed", "{report}");
    assert_eq!(run["credentials_problem"], false, "{report}");
    // Three streams' first requests go out at once: the one past the allowance is refused,
    // and the others, reading "0 left", stop at the reserve. Which stream meets which is a
    // race; the run gives the first failed stream's reason, either of the two.
    let error = run["error"].as_str().expect("a reason");
    assert!(error.contains("Salesforce org's API request"), "{report}");
    let failed = run["streams"]
        .as_array()
        .expect("streams")
        .iter()
        .filter(|stream| stream["outcome"] == "failed")
        .collect::<Vec<_>>();
    assert!(
        failed
            .iter()
            .any(|stream| stream["error"].as_str().is_some_and(|error| {
                error.contains("API request allowance for the last 24 hours is used up")
                    && error.contains("HTTP 403")
                    && error.contains("TotalRequests Limit exceeded")
            })),
        "{report}"
    );
    for stream in failed {
        assert!(
            stream["requests"]
                .as_u64()
                .is_some_and(|requests| requests <= 2),
            "refused once, not retried: {stream}"
        );
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("reconnect"), "{stderr}");
    let status = home.json(&["status", "acme/salesforce"], 0);
    assert_eq!(
        status["connections"][0]["credential"]["health"], "ok",
        "{status}"
    );
    assert!(
        status["connections"][0]["last_run"]["error"]
            .as_str()
            .is_some_and(|error| error.contains("Salesforce org's API request")),
        "{status}"
    );
}

/// Salesforce reports the org's 24-hour API usage with every response (`Sforce-Limit-Info`);
/// the org's other integrations share it, so a fetch stops with 10% left, keeps every page it
/// took, and never reaches the provider's refusal.
#[test]
fn salesforce_fetch_stops_at_the_reserve_of_the_orgs_daily_allowance() {
    require_keychain();
    let sandbox = Sandbox::start_args(&["--records", "6000", "--salesforce-daily-limit", "40"]);
    let home = Home::new();
    let (login, client_id, secret) = salesforce_app(&sandbox);
    let set = format!("client_id={client_id}");
    let (child, url, stderr) = start_sign_in(
        &home,
        &[
            "connect",
            "salesforce",
            "--client",
            "acme",
            "--set",
            &set,
            "--auth-url",
            &login,
            "--token-stdin",
        ],
        &secret,
    );
    assert_eq!(http("GET", &consent(&url), "").0, 200);
    assert_success(&finish(child, stderr));

    let output = home.run(&["--json", "fetch", "acme/salesforce"]);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let run = &report["runs"][0];
    assert_eq!(run["outcome"], "failed", "{report}");
    assert_eq!(run["credentials_problem"], false, "{report}");
    let error = run["error"].as_str().expect("a reason");
    assert!(
        error.contains("of 40 left of the Salesforce org's API requests of the last 24 hours")
            && error.contains("the last 10% is kept"),
        "{error}"
    );
    assert!(
        !error.contains("HTTP 403"),
        "stopped before the refusal: {error}"
    );
    let requests = run["requests"].as_u64().expect("requests");
    assert!(requests > 0 && requests <= 40, "{requests} requests");
    assert!(
        run["records_new"]
            .as_u64()
            .is_some_and(|records| records > 0),
        "the pages taken are kept: {report}"
    );
}

/// Apps that register an exact callback URL (a Salesforce connected app) get the sign-in's
/// redirect on the port they registered; a busy port is named with the fix; `--no-browser`
/// cannot share stdin with `--token-stdin`; `providers show` says what to register.
#[test]
fn the_callback_port_can_be_the_one_the_app_registered() {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let home = Home::new();
    let (login, client_id, secret) = salesforce_app(&sandbox);
    let set = format!("client_id={client_id}");
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
        .to_string();
    let args = [
        "connect",
        "salesforce",
        "--client",
        "acme",
        "--set",
        &set,
        "--auth-url",
        &login,
        "--token-stdin",
        "--callback-port",
        &free,
    ];
    let (child, url, stderr) = start_sign_in(&home, &args, &secret);
    assert!(
        url.contains(&format!(
            "redirect_uri=http%3A%2F%2F127.0.0.1%3A{free}%2Fcallback"
        )),
        "{url}"
    );
    assert_eq!(http("GET", &consent(&url), "").0, 200);
    assert_success(&finish(child, stderr));

    // The port is taken: said with the port and the fix, nothing stored.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("a port to hold");
    let port = busy.local_addr().expect("address").port().to_string();
    let held = [
        "connect",
        "salesforce",
        "--client",
        "other",
        "--set",
        &set,
        "--auth-url",
        &login,
        "--token-stdin",
        "--callback-port",
        &port,
    ];
    let output = home.run_with_stdin(&held, &secret);
    assert_code(&output, 1);
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        said.contains(&format!("cannot listen on 127.0.0.1:{port}"))
            && said.contains("--callback-port"),
        "{said}"
    );
    drop(busy);

    let output = home.run_with_stdin(
        &[
            "connect",
            "salesforce",
            "--client",
            "third",
            "--set",
            &set,
            "--auth-url",
            &login,
            "--token-stdin",
            "--no-browser",
        ],
        &secret,
    );
    assert_code(&output, 2);
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        said.contains("`--no-browser` reads the address")
            && said.contains("inlet authorize salesforce"),
        "{said}"
    );

    let shown = String::from_utf8_lossy(&home.run(&["providers", "show", "salesforce"]).stdout)
        .into_owned();
    assert!(
        shown.contains("Before connecting:") && shown.contains("--callback-port 8765"),
        "{shown}"
    );
    let status = home.json(&["status"], 0);
    let connections: Vec<&str> = status["connections"]
        .as_array()
        .expect("connections")
        .iter()
        .filter_map(|row| row["connection"].as_str())
        .collect();
    assert_eq!(connections, ["acme/salesforce"], "nothing else was stored");
}

/// An OAuth app signed in before `owners` was read has no `crm.objects.owners.read`: HubSpot
/// answers that stream 403 `MISSING_SCOPES`. The owners stream fails with a message that says
/// which scope and where to add it; every other stream is fetched; the credential is not blamed
/// (exit 1, not 4; status keeps it healthy).
#[test]
fn a_grant_without_one_streams_scope_fails_that_stream_only() {
    require_keychain();
    let sandbox = Sandbox::start(20, 0);
    let home = Home::new();
    let definition =
        include_str!("../../providers/hubspot.toml").replace(", \"crm.objects.owners.read\"]", "]");
    assert!(!definition.contains("\"crm.objects.owners.read\"]"));
    home.provider_override("hubspot.toml", &definition);
    connect_oauth(&home, &sandbox, "acme");

    let fetched = home.json(&["fetch", "acme/hubspot"], 1);
    let run = &fetched["runs"][0];
    assert_eq!(run["outcome"], "failed", "{run}");
    assert_eq!(run["credentials_problem"], false, "{run}");
    for stream in run["streams"].as_array().expect("streams") {
        let name = stream["stream"].as_str().expect("name");
        if name == "owners" {
            assert_eq!(stream["outcome"], "failed", "{stream}");
            let error = stream["error"].as_str().unwrap_or_default();
            assert!(
                error.contains("crm.objects.owners.read") && error.contains("Private Apps"),
                "{error}"
            );
        } else {
            assert_eq!(stream["outcome"], "ok", "{stream}");
            assert_eq!(
                stream["records_new"].as_u64(),
                Some(sandbox.count(name)),
                "{name}"
            );
        }
    }
    let status = home.json(&["status", "acme/hubspot"], 0);
    assert_ne!(
        status["connections"][0]["credential"]["state"], "failed",
        "{status}"
    );
}

/// Signs in to the sandbox's Salesforce with the browser flow; returns connect's output.
fn connect_salesforce(home: &Home, sandbox: &Sandbox) -> Output {
    let (login, client_id, secret) = salesforce_app(sandbox);
    let set = format!("client_id={client_id}");
    let (child, url, stderr) = start_sign_in(
        home,
        &[
            "connect",
            "salesforce",
            "--client",
            "acme",
            "--set",
            &set,
            "--auth-url",
            &login,
            "--token-stdin",
        ],
        &secret,
    );
    let callback = consent(&url);
    assert_eq!(http("GET", &callback, "").0, 200);
    let connected = finish(child, stderr);
    assert_success(&connected);
    connected
}

/// Opportunity amounts are exact money in the org's default currency, read from the org at
/// connect (a single-currency org sends no `CurrencyIsoCode`); records moved to the recycle
/// bin leave the cache and the export at the next fetch, through `queryAll`.
#[test]
fn salesforce_amounts_are_exact_in_the_orgs_currency_and_deleted_records_leave() {
    require_keychain();
    let sandbox = Sandbox::start_args(&["--records", "200", "--churn-deletes", "2"]);
    let home = Home::new();
    let connected = connect_salesforce(&home, &sandbox);
    assert!(
        text(&connected).contains("org's default currency: USD"),
        "{}",
        text(&connected)
    );
    assert_success(&home.run(&["fetch", "acme/salesforce"]));
    let document = crate::common::export_document(&home, "acme");
    let deals = document["deals"].as_array().expect("deals");
    assert_eq!(deals.len(), 50);
    for deal in deals {
        let record_id = deal["source"]["record_id"].as_str().expect("id");
        let conn = rusqlite::Connection::open(home.database()).expect("open the cache");
        let raw: String = conn
            .query_row(
                "SELECT raw FROM records WHERE connection_id = 'acme/salesforce'
                 AND stream = 'opportunities' AND record_id = ?1",
                [record_id],
                |row| row.get(0),
            )
            .expect("the raw record");
        let raw: Value = serde_json::from_str(&raw).expect("json");
        // The sandbox's amounts are whole multiples of 50 dollars, sent as JSON numbers.
        let dollars = raw["Amount"].as_f64().expect("an amount");
        assert_eq!(deal["currency"], "USD", "{deal}");
        assert_eq!(deal["amount"]["currency"], "USD", "{deal}");
        assert_eq!(
            deal["amount"]["minor_units"].as_i64(),
            Some((dollars * 100.0).round() as i64),
            "{deal}"
        );
        assert_eq!(deal["amount"]["exponent"], 2);
    }
    crate::common::assert_valid_export(&document);

    let tick = sandbox.tick();
    let fetched = home.json(&["fetch", "acme/salesforce"], 0);
    let after = crate::common::export_document(&home, "acme");
    for (stream, entity) in [
        ("accounts", "companies"),
        ("contacts", "contacts"),
        ("opportunities", "deals"),
        ("leads", "leads"),
    ] {
        let gone: Vec<&str> = tick["deleted"]["salesforce"][stream]
            .as_array()
            .expect("deleted ids")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(gone.len(), 2, "{tick}");
        let report = fetched["runs"][0]["streams"]
            .as_array()
            .and_then(|streams| streams.iter().find(|s| s["stream"] == stream))
            .expect("stream report");
        assert_eq!(report["records_removed"], 2, "{stream}: {report}");
        let kept: Vec<&str> = after[entity]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|row| row["source"]["record_id"].as_str())
            .collect();
        assert!(gone.iter().all(|id| !kept.contains(id)), "{stream}");
        assert_eq!(
            kept.len() + 2,
            document[entity].as_array().map_or(0, Vec::len),
            "{entity}"
        );
    }
}

/// A connection whose secret is gone (a new keychain, a reset) is told the command that
/// connects it again, whole: the `--auth-url` it signed in at (a Salesforce sandbox org's
/// `test.salesforce.com`, a My Domain) is kept with the connection, not only in the lost
/// secret, and the base URL the sign-in gives is not pinned. That command, run, works.
#[test]
fn a_connection_whose_secret_is_gone_is_given_the_whole_command_again() {
    require_keychain();
    let sandbox = Sandbox::start(50, 0);
    let home = Home::new();
    let (login, client_id, secret) = salesforce_app(&sandbox);
    let set = format!("client_id={client_id}");
    assert_success(&home.run_with_stdin(
        &[
            "connect",
            "salesforce",
            "--client",
            "acme",
            "--auth",
            "client",
            "--set",
            &set,
            "--auth-url",
            &login,
            "--token-stdin",
        ],
        &secret,
    ));
    let account = format!("{}:acme/salesforce", home.profile());
    let cleared = std::process::Command::new("secret-tool")
        .args(["clear", "service", "inlet", "username", &account])
        .output()
        .expect("secret-tool");
    assert!(cleared.status.success(), "{cleared:?}");

    let refused = home.run(&["fetch", "acme/salesforce"]);
    assert_code(&refused, 4);
    let said = text(&refused);
    let expected = format!(
        "inlet connect salesforce --client acme --name salesforce --auth client --set {set} --set currency=USD --auth-url {login}"
    );
    assert!(said.contains(&expected), "{said}");
    assert!(!said.contains("--base-url"), "{said}");
    let status = home.json(&["status", "acme/salesforce"], 0);
    assert!(
        status.to_string().contains(&expected),
        "status gives the same command: {status}"
    );

    // The command as given (with the secret on stdin) connects it again.
    let words: Vec<&str> = expected
        .split(' ')
        .skip(1)
        .chain(["--token-stdin"])
        .collect();
    assert_success(&home.run_with_stdin(&words, &secret));
    assert_success(&home.run(&["fetch", "acme/salesforce"]));
}
