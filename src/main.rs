//! The `inlet` binary: parse, start logging, run, and map the result to an exit code.

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};
use inlet::{cli::Cli, commands, exit, logging, output::Printer};

fn main() -> ExitCode {
    // `COMPLETE=SHELL inlet …` is a shell asking for completions: answer and exit.
    clap_complete::CompleteEnv::with_factory(Cli::command).complete();
    // The maintainers' generator of completions/, man/ and schemas/, outside the command model.
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|first| first == "__generate") {
        return match commands::generate_from_args(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => exit::report(
                &error,
                Printer::new(inlet::output::OutputSettings {
                    quiet: false,
                    verbose: 0,
                    json: false,
                    color: inlet::output::ColorMode::Auto,
                }),
            ),
        };
    }
    // Clap prints --help and --version itself and exits 2 on usage errors; with `--json`, the
    // error is also a JSON object on stdout, like every other error.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            if error.use_stderr() && std::env::args_os().any(|arg| arg == "--json") {
                exit::report_usage_json(&error.kind().to_string(), &error.render().to_string());
            }
            error.exit()
        }
    };
    // Secrets live in this process's memory: a crash must not write them to a core file.
    inlet::hardening::disable_core_dumps();
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
