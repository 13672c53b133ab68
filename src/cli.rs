//! The command-line model: clap types only, no behaviour.
//!
//! Completions and man pages are generated from [`Cli`], so every flag's doc comment here is
//! also its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::env_vars::EnvVars;

/// Connect your clients' accounts, cache their data, export normalized JSON
///
/// inlet keeps each connection's credential in the OS keychain, pulls the provider's data into a
/// local SQLite cache, and exports one normalized JSON document per client for dashboards.
///
/// Exit status: 0 ok, 1 failed, 2 usage, 3 partial (some connections failed), 4 credentials
/// need attention, 5 stale, 75 another run holds the lock, 130 interrupted.
#[derive(Debug, Parser)]
#[command(
    name = "inlet",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = "Try it without any account: `inlet demo`.")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags that every command accepts.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Keep config, data and state in this one folder (separate profiles, tests)
    #[arg(long, global = true, value_name = "DIR", env = EnvVars::HOME)]
    pub home: Option<PathBuf>,

    /// Print machine-readable JSON on stdout instead of tables
    #[arg(long, global = true)]
    pub json: bool,

    /// Print only data and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// When to use colors
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,

    /// Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)
    #[arg(long, global = true, env = EnvVars::NO_INPUT)]
    pub no_input: bool,
}

/// When to color output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color on a terminal, unless `NO_COLOR` is set
    Auto,
    /// Always color
    Always,
    /// Never color
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    Connect(ConnectArgs),
    Fetch(FetchArgs),
    Status(StatusArgs),
    Export(ExportArgs),
    Disconnect(DisconnectArgs),
    Sandbox(SandboxArgs),
    Demo(DemoArgs),
    Completions(CompletionsArgs),
    /// Regenerate completions/ and man/ from the command model
    #[command(hide = true, name = "__generate")]
    Generate(GenerateArgs),
}

/// Connect a client's account at a provider
///
/// Asks for the credential with a hidden prompt (or reads it from stdin with `--token-stdin`),
/// verifies it with the provider, stores it in the OS keychain and records the connection.
/// Nothing is stored when verification fails.
///
/// Examples:
///   inlet connect hubspot --client acme
///   printf %s "$HUBSPOT_TOKEN" | inlet connect hubspot --client acme --token-stdin
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Provider id (e.g. `hubspot`)
    pub provider: String,

    /// The client this account belongs to (lowercase letters, digits, `-`, `_`)
    #[arg(long, short = 'c')]
    pub client: String,

    /// Connection name, unique within the client [default: the provider id]
    #[arg(long)]
    pub name: Option<String>,

    /// Read the token from stdin instead of prompting
    #[arg(long)]
    pub token_stdin: bool,

    /// Talk to this base URL instead of the provider's (a sandbox, a proxy, a regional host)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// Pull new data for connections into the local cache
///
/// Fetches every stream of each selected connection page by page; each page and its cursor are
/// committed together, so an interrupted fetch resumes where it stopped. Without arguments,
/// fetches every connection.
///
/// Exit status: 0 all succeeded, 3 some failed, 4 a credential needs attention, 1 all failed.
///
/// Examples:
///   inlet fetch
///   inlet fetch acme/hubspot
///   inlet fetch --client acme --json
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Connections to fetch (`CLIENT/NAME`)
    #[arg(value_name = "CONNECTION")]
    pub connections: Vec<String>,

    /// Fetch every connection of this client
    #[arg(long, short = 'c')]
    pub client: Option<String>,
}

/// Show connections, where their secrets come from, and their last runs
///
/// Examples:
///   inlet status
///   inlet status --client acme --json
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Only these connections (`CLIENT/NAME`)
    #[arg(value_name = "CONNECTION")]
    pub connections: Vec<String>,

    /// Only this client's connections
    #[arg(long, short = 'c')]
    pub client: Option<String>,
}

/// Export a client's cached data as one normalized JSON document
///
/// The document holds `schema_version`, a manifest per connection, and the normalized
/// entities (`contacts`, `companies`, `deals`), each row with its `source`, in a stable order.
/// It is written atomically: a reader never sees a half-written file.
///
/// Examples:
///   inlet export --client acme
///   inlet export --client acme --out dashboard/acme.json
///   inlet export --client acme --out - | jq '.contacts | length'
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The client to export
    #[arg(long, short = 'c')]
    pub client: String,

    /// Where to write; `-` for stdout [default: DATA/exports/CLIENT.json]
    #[arg(long, short = 'o', value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// Document format
    #[arg(long, default_value = "json")]
    pub format: ExportFormat,
}

/// Export document formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One JSON document
    Json,
    /// One JSON object per line: a header line, then one line per row
    Ndjson,
}

/// Remove a connection and its secret
///
/// Deletes the secret from the keychain and the connection record. Cached records are kept
/// unless `--purge` is given. Asks for confirmation on a terminal; needs `--yes` otherwise.
///
/// Examples:
///   inlet disconnect acme/hubspot
///   inlet disconnect acme/hubspot --purge --yes
#[derive(Debug, Args)]
pub struct DisconnectArgs {
    /// The connection (`CLIENT/NAME`)
    #[arg(value_name = "CONNECTION")]
    pub connection: String,

    /// Also delete the connection's cached records and runs
    #[arg(long)]
    pub purge: bool,

    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// Serve emulations of the providers on loopback, for trying inlet without accounts
///
/// Prints each provider's base URL and a credential it accepts, then serves until Ctrl-C.
/// Data is deterministic for a given seed.
///
/// Examples:
///   inlet sandbox
///   inlet sandbox --addr 127.0.0.1:8787 --records 10000 --latency 20
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on (loopback only)
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub addr: std::net::SocketAddr,

    /// Seed for the generated data and credentials
    #[arg(long, default_value_t = 42)]
    pub seed: u64,

    /// How many contacts to serve (companies and deals scale with it)
    #[arg(long, default_value_t = 250)]
    pub records: u64,

    /// Delay every response by this many milliseconds
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency: u64,
}

/// Run the whole pipeline against the built-in sandbox in a temporary home
///
/// Starts the sandbox, connects a demo client's HubSpot, fetches, shows the status table,
/// exports, and disconnects. Uses the OS keychain when one is available; otherwise says so and
/// uses a temporary file store that it names.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many contacts the sandbox serves
    #[arg(long, default_value_t = 2_000)]
    pub records: u64,

    /// Delay every sandbox response by this many milliseconds
    #[arg(long, default_value_t = 5, value_name = "MS")]
    pub latency: u64,
}

/// Print a shell completion script
///
/// Examples:
///   inlet completions bash > ~/.local/share/bash-completion/completions/inlet
///   inlet completions zsh > "${fpath[1]}/_inlet"
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    pub shell: clap_complete::Shell,
}

/// Arguments of the hidden generator.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The project root to write `completions/` and `man/` into
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}
