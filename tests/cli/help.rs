//! Every command's `--help`, as a person sees it: snapshots keep the help text (its examples,
//! flags and exit codes) from changing by accident.

use crate::common::{Home, assert_success, text};

const COMMANDS: &[&[&str]] = &[
    &[],
    &["connect"],
    &["authorize"],
    &["fetch"],
    &["status"],
    &["export"],
    &["preview"],
    &["dashboard"],
    &["report"],
    &["disconnect"],
    &["purge"],
    &["providers"],
    &["providers", "list"],
    &["providers", "show"],
    &["providers", "validate"],
    &["providers", "schema"],
    &["schedule"],
    &["schedule", "set"],
    &["schedule", "show"],
    &["schedule", "install"],
    &["schedule", "remove"],
    &["sandbox"],
    &["demo"],
    &["completions"],
];

#[test]
fn every_help_text_is_snapshotted() {
    let home = Home::new();
    for command in COMMANDS {
        let mut args = command.to_vec();
        args.push("--help");
        let output = home.run(&args);
        assert_success(&output);
        let name = if command.is_empty() {
            "inlet".to_owned()
        } else {
            format!("inlet-{}", command.join("-"))
        };
        insta::assert_snapshot!(name, text(&output.stdout));
    }
}

#[test]
fn the_top_level_help_lists_the_exit_codes() {
    let output = Home::new().run(&["--help"]);
    let help = text(&output.stdout);
    for code in [
        "0 ok",
        "1 failed",
        "2 usage",
        "3 partial",
        "4 credentials",
        "5 stale",
        "75 another run",
        "130 interrupted",
    ] {
        assert!(help.contains(code), "`{code}` in --help");
    }
    let man = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man/inlet.1"),
    )
    .expect("man page");
    assert!(
        man.contains("75 another run holds the lock"),
        "the man page lists the exit codes"
    );
}
