//! The `inlet` binary: parse, start logging, run, and map the result to an exit code.

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};
use inlet::{cli::Cli, commands, exit, logging, output::Printer};

fn main() -> ExitCode {
    // `COMPLETE=SHELL inlet …` is a shell asking for completions: answer and exit.
    clap_complete::CompleteEnv::with_factory(Cli::command).complete();
    // Clap prints --help and --version itself and exits 2 on usage errors.
    let cli = Cli::parse();
    let printer = Printer::new(cli.global.output_settings());
    logging::init(cli.global.verbose);
    // A current-thread runtime is enough: concurrency comes from futures, not threads.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return exit::report(&anyhow::Error::new(err), printer),
    };
    let result = runtime.block_on(commands::run(cli, printer));
    // Keychain calls that outlived their deadline must not hold the process open.
    runtime.shutdown_background();
    match result {
        Ok(status) => status.into(),
        Err(err) => exit::report(&err, printer),
    }
}
