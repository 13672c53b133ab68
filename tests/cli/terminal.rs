//! The interactive paths, on a real pseudo-terminal (`script` from util-linux): the hidden
//! token prompt of `connect`, and `disconnect` asking before it removes anything.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{BIN, Home, Sandbox, keychain_lookup, require_keychain, text};

/// Runs `inlet ARGS` on a pseudo-terminal and types `typed` (plus Enter) once it is waiting.
fn on_terminal(home: &Home, args: &str, typed: &str) -> std::process::Output {
    let command = format!("'{BIN}' --home '{}' {args}", home.path().display());
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script (util-linux)");
    let mut stdin = child.stdin.take().expect("stdin");
    std::thread::sleep(Duration::from_millis(800));
    stdin
        .write_all(format!("{typed}\r").as_bytes())
        .expect("type");
    std::thread::sleep(Duration::from_millis(800));
    drop(stdin);
    child.wait_with_output().expect("wait")
}

#[test]
fn connect_asks_for_the_token_without_echoing_it_and_disconnect_asks_first() {
    require_keychain();
    let sandbox = Sandbox::start(5, 0);
    let home = Home::new();
    let output = on_terminal(
        &home,
        &format!(
            "connect hubspot --client acme --base-url {}",
            sandbox.base_url
        ),
        &sandbox.token,
    );
    let screen = text(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(screen.contains("(input is hidden)"), "{screen}");
    assert!(screen.contains("Connected `acme/hubspot`"), "{screen}");
    assert!(
        !screen.contains(&sandbox.token),
        "the token is not echoed: {screen}"
    );
    assert_eq!(
        keychain_lookup(&home.profile(), "acme/hubspot").as_deref(),
        Some(sandbox.token.as_str())
    );

    let declined = on_terminal(&home, "disconnect acme/hubspot", "n");
    assert!(
        text(&declined.stdout).contains("[y/N]"),
        "{}",
        text(&declined.stdout)
    );
    assert!(text(&declined.stdout).contains("Nothing changed."));
    assert_eq!(
        declined.status.code(),
        Some(0),
        "declining is a decision, not an interrupt"
    );
    assert!(
        keychain_lookup(&home.profile(), "acme/hubspot").is_some(),
        "declining keeps the secret"
    );

    let confirmed = on_terminal(&home, "disconnect acme/hubspot", "y");
    assert!(confirmed.status.success(), "{}", text(&confirmed.stdout));
    assert_eq!(keychain_lookup(&home.profile(), "acme/hubspot"), None);
}
