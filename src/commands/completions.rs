//! `inlet completions SHELL`, and the hidden generator that writes `completions/` and `man/`
//! from the clap model (a test keeps the committed files fresh).

use std::path::Path;

use clap::CommandFactory as _;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::ExitStatus;

pub(super) fn run(args: &CompletionsArgs) -> anyhow::Result<ExitStatus> {
    if args.dynamic {
        // The registration comes from the same code path as `COMPLETE=SHELL inlet`, so the two
        // can never disagree.
        let status = crate::hardening::child(std::env::current_exe()?)
            .env("COMPLETE", args.shell.to_string())
            .status()?;
        return Ok(if status.success() {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        });
    }
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "inlet", &mut out);
    Ok(ExitStatus::Success)
}

/// `inlet __generate [--root DIR]`: the maintainers' generator. It is not part of the command
/// model, so no help text, completion or "did you mean" ever offers it.
pub fn generate_from_args(
    mut args: impl Iterator<Item = std::ffi::OsString>,
) -> anyhow::Result<()> {
    let mut root = std::path::PathBuf::from(".");
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--root") => {
                root = args
                    .next()
                    .map(std::path::PathBuf::from)
                    .ok_or_else(|| anyhow::anyhow!("`--root` needs a folder"))?;
            }
            _ => anyhow::bail!("usage: inlet __generate [--root DIR]"),
        }
    }
    generate_files(&root)
}

/// Writes every shell's completions into `ROOT/completions`, one man page per command into
/// `ROOT/man`, and the provider definition format's JSON Schema into `ROOT/schemas`.
pub fn generate_files(root: &Path) -> anyhow::Result<()> {
    // Start clean, so a removed command leaves no stale page behind.
    for dir in ["completions", "man", "schemas"] {
        if root.join(dir).exists() {
            fs_err::remove_dir_all(root.join(dir))?;
        }
    }
    let completions = root.join("completions");
    fs_err::create_dir_all(&completions)?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut command = Cli::command();
        clap_complete::generate_to(shell, &mut command, "inlet", &completions)?;
    }
    let man = root.join("man");
    fs_err::create_dir_all(&man)?;
    let mut command = Cli::command();
    command.build();
    clap_mangen::generate_to(command, &man)?;
    let schemas = root.join("schemas");
    fs_err::create_dir_all(&schemas)?;
    let schema = serde_json::to_string_pretty(&crate::catalog::json_schema())?;
    fs_err::write(schemas.join("provider.schema.json"), format!("{schema}\n"))?;
    let schema = serde_json::to_string_pretty(&crate::export::json_schema())?;
    fs_err::write(schemas.join("export.schema.json"), format!("{schema}\n"))?;
    Ok(())
}
