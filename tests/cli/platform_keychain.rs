//! The keychain round trip on whatever platform the tests run on: `connect` stores the secret
//! in the OS keychain (Secret Service on Linux, the Keychain on macOS, the Credential Manager on
//! Windows), `fetch` reads it, `disconnect` deletes it. The CI matrix runs exactly this module
//! on macOS and Windows; nothing here needs a Linux tool.

use inlet::ids::ConnectionId;
use inlet::secrets::{self, SecretBackend, SecretKey};

use crate::common::{Home, Sandbox, assert_success, text};

/// The entry as the keychain itself holds it, read through inlet's library (there is no
/// portable command-line tool for the three stores).
fn stored(home: &Home, connection: &str) -> Option<String> {
    let key = SecretKey {
        profile: home.profile(),
        connection: ConnectionId::read(connection).expect("a connection id"),
    };
    secrets::load(&SecretBackend::Keychain, &key)
        .expect("the keychain answers")
        .map(|secret| secrecy::ExposeSecret::expose_secret(&secret).to_owned())
}

#[test]
fn connect_fetch_disconnect_round_trip_through_the_os_keychain() {
    #[cfg(target_os = "linux")]
    crate::common::require_keychain();
    let sandbox = Sandbox::start(12, 0);
    let home = Home::new();
    home.connect(&sandbox, "acme");
    assert_eq!(
        stored(&home, "acme/hubspot").as_deref(),
        Some(sandbox.token.as_str()),
        "connect stored the secret in the OS keychain"
    );

    let status = home.json(&["status"], 0);
    assert_eq!(status["connections"][0]["credential"]["source"], "keychain");
    let fetch = home.run(&["fetch"]);
    assert_success(&fetch);
    assert_eq!(
        home.record_count("acme/hubspot"),
        sandbox.total(),
        "fetch read the secret back: {}",
        text(&fetch.stderr)
    );

    let profile_home = home.profile();
    assert_success(&home.run(&["disconnect", "acme/hubspot", "--yes"]));
    let key = SecretKey {
        profile: profile_home,
        connection: ConnectionId::read("acme/hubspot").expect("a connection id"),
    };
    assert!(
        secrets::load(&SecretBackend::Keychain, &key)
            .expect("the keychain answers")
            .is_none(),
        "disconnect deleted the keychain entry"
    );
}
