//! `completions/`, `man/` (from the clap model) and `schemas/` (from the provider model) are
//! generated; this keeps them fresh.

use std::path::Path;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("read `{}`: {error}", dir.display()))
        .flatten()
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let fresh = tempfile::tempdir().expect("temp dir");
    inlet::commands::generate_files(fresh.path()).expect("generate");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["completions", "man", "schemas"] {
        assert!(
            files(&root.join(dir)) == files(&fresh.path().join(dir)),
            "`{dir}/` is stale: run `cargo run -- __generate` and commit the result"
        );
    }
}

#[test]
fn completions_print_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = std::process::Command::new(crate::common::BIN)
            .args(["completions", shell])
            .output()
            .expect("run");
        assert!(output.status.success(), "{shell}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("inlet"),
            "{shell}"
        );
    }
}
