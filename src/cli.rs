//! The command-line model: clap types only, no behaviour.
//!
//! Completions and man pages are generated from [`Cli`], so every flag's doc comment here is
//! also its help text.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

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
#[command(
    after_help = "Try it without any account: `inlet demo`.",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags that every command accepts, under their own heading in every `--help`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Keep config, data and state in this one folder (separate profiles, tests)
    #[arg(long, global = true, value_name = "DIR", env = EnvVars::HOME, hide_env_values = true)]
    pub home: Option<PathBuf>,

    /// Print machine-readable JSON on stdout instead of tables
    #[arg(long, global = true)]
    pub json: bool,

    /// Print only errors, warnings and data: no status lines, progress or summaries
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// When to use colors
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,

    /// Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)
    #[arg(long, global = true, env = EnvVars::NO_INPUT, hide_env_values = true)]
    pub no_input: bool,
}

impl GlobalArgs {
    /// The output settings these flags ask for.
    pub fn output_settings(&self) -> crate::output::OutputSettings {
        crate::output::OutputSettings {
            quiet: self.quiet,
            verbose: self.verbose,
            json: self.json,
            color: match self.color {
                ColorChoice::Auto => crate::output::ColorMode::Auto,
                ColorChoice::Always => crate::output::ColorMode::Always,
                ColorChoice::Never => crate::output::ColorMode::Never,
            },
        }
    }
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
    Authorize(AuthorizeArgs),
    Fetch(FetchArgs),
    Status(StatusArgs),
    Export(ExportArgs),
    Preview(PreviewArgs),
    Dashboard(DashboardArgs),
    Report(ReportArgs),
    Disconnect(DisconnectArgs),
    Purge(PurgeArgs),
    Providers(ProvidersArgs),
    Schedule(ScheduleArgs),
    Sandbox(SandboxArgs),
    Demo(DemoArgs),
    Completions(CompletionsArgs),
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
///   INLET_TOKEN_ACME_STRIPE=rk_live_… inlet connect stripe --client acme --secret-from-env
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ConnectArgs {
    /// Provider id (e.g. `hubspot`)
    #[arg(add = ArgValueCandidates::new(crate::complete::providers))]
    pub provider: String,

    /// The client this account belongs to (lowercase letters, digits, `-`, `_`)
    #[arg(long, short = 'c')]
    pub client: String,

    /// Connection name, unique within the client [default: the provider id]
    #[arg(long)]
    pub name: Option<String>,

    /// Read the token from stdin instead of prompting
    #[arg(long, conflicts_with = "secret_from_env")]
    pub token_stdin: bool,

    /// Take the secret from `INLET_TOKEN_<CLIENT>_<NAME>` and do not store it anywhere (CI,
    /// where there is no keychain and the CI's secret store keeps it)
    #[arg(long)]
    pub secret_from_env: bool,

    /// Talk to this base URL instead of the provider's (a sandbox, a proxy, a regional host)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// Authentication mode, when the provider has several (`inlet providers show PROVIDER`)
    #[arg(long, value_name = "MODE")]
    pub auth: Option<String>,

    /// A non-secret input of the provider, e.g. `--set shop=acme-store`
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub settings: Vec<String>,

    /// How often `inlet fetch --due` fetches this connection, at least `1m` [default: 24h; a
    /// reconnection keeps its schedule]
    #[arg(long, value_name = "DURATION", value_parser = crate::durations::at_least_a_minute)]
    pub every: Option<Duration>,

    /// Reconnect to a different account than the connection's: delete the cached records,
    /// runs and watermarks of the old account first
    #[arg(long)]
    pub replace: bool,

    #[command(flatten)]
    pub oauth: OAuthArgs,

    /// OAuth: finish a sign-in made with `inlet authorize` on a machine with a browser (`-`
    /// reads it from stdin)
    #[arg(long, value_name = "BLOB", conflicts_with = "no_browser")]
    pub authorization: Option<String>,

    /// OAuth JWT bearer: the private key (PEM), or a Google service-account key file (JSON);
    /// `-` reads it from stdin. It is kept in the keychain, never copied elsewhere
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<std::path::PathBuf>,
}

/// OAuth options shared by `connect` and `authorize`.
#[derive(Debug, Args)]
pub struct OAuthArgs {
    /// OAuth: do not open a browser; print the sign-in URL and read the address the browser
    /// was sent to (or the code) from stdin
    #[arg(long)]
    pub no_browser: bool,

    /// OAuth: the authorization server's origin when it is not the definition's (a sandbox,
    /// `https://test.salesforce.com`, a Salesforce My Domain)
    #[arg(long, value_name = "URL")]
    pub auth_url: Option<String>,

    /// OAuth: listen for the sign-in's redirect on this port, for apps that register an exact
    /// callback URL (`http://127.0.0.1:PORT/callback`, e.g. a Salesforce connected app)
    /// [default: a free port the system picks]
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1024..))]
    pub callback_port: Option<u16>,
}

/// Sign in with a browser here, for a connection made on a machine without one
///
/// Runs an OAuth provider's browser sign-in and prints a one-time authorization blob. On the
/// headless machine, `inlet connect PROVIDER --client C --authorization -` reads it from
/// stdin and finishes the connection there (the blob holds a single-use code, no token).
///
/// Examples:
///   inlet authorize hubspot --auth oauth --set client_id=… > blob.txt
///   ssh box inlet connect hubspot --client acme --auth oauth --set client_id=… --authorization - < blob.txt
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AuthorizeArgs {
    /// Provider id (e.g. `hubspot`)
    #[arg(add = ArgValueCandidates::new(crate::complete::providers))]
    pub provider: String,

    /// Authentication mode (an authorization code mode)
    #[arg(long, value_name = "MODE")]
    pub auth: Option<String>,

    /// A non-secret input of the provider, e.g. `--set client_id=…`
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub settings: Vec<String>,

    #[command(flatten)]
    pub oauth: OAuthArgs,
}

/// Pull new data for connections into the local cache
///
/// Fetches every stream of each selected connection page by page; each page and its cursor are
/// committed together, so an interrupted fetch resumes where it stopped. Without arguments,
/// fetches every connection.
///
/// Exit status: 0 all succeeded, 3 some failed, 4 a credential needs attention, 1 all failed,
/// 75 a connection is locked by another run, 130 interrupted (Ctrl-C; nothing lost).
///
/// Examples:
///   inlet fetch
///   inlet fetch acme/hubspot
///   inlet fetch --client acme --json
///   inlet fetch --due --quiet --wait 10m     (what timers run)
///   inlet fetch acme/hubspot --stream deals --since 7d
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct FetchArgs {
    /// Connections to fetch (`CLIENT/NAME`)
    #[arg(value_name = "CONNECTION", add = ArgValueCandidates::new(crate::complete::connections))]
    pub connections: Vec<String>,

    /// Fetch every connection of this client
    #[arg(long, short = 'c', add = ArgValueCandidates::new(crate::complete::clients))]
    pub client: Option<String>,

    /// Only this stream (repeatable), e.g. `--stream contacts`
    #[arg(long = "stream", value_name = "STREAM", add = ArgValueCandidates::new(crate::complete::streams))]
    pub streams: Vec<String>,

    /// Fetch what changed since this time, for this run only: RFC 3339, a date, or an age
    /// such as `7d`
    #[arg(long, value_name = "TIME", conflicts_with = "full_refresh")]
    pub since: Option<String>,

    /// Fetch everything again, ignoring watermarks and unfinished fetches (this run only)
    #[arg(long)]
    pub full_refresh: bool,

    /// How many connections to fetch at once
    #[arg(long, short = 'j', default_value_t = 4, value_name = "N")]
    pub jobs: usize,

    /// Only the connections whose next run is due (what timers and cron call)
    #[arg(long)]
    pub due: bool,

    /// When another run holds a connection, wait this long for it (then exit 75)
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = crate::durations::any)]
    pub wait: Duration,
}

/// Show connections: credential health, last run, next due time, staleness, and fixes
///
/// With one connection named, also shows its streams (records, watermarks) and recent runs.
///
/// Exit status with `--check`: 0 all well, 4 a credential needs attention, 5 some data is stale.
///
/// Examples:
///   inlet status
///   inlet status acme/hubspot
///   inlet status --client acme --json
///   inlet status --check || notify-send "inlet needs attention"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct StatusArgs {
    /// Only these connections (`CLIENT/NAME`)
    #[arg(value_name = "CONNECTION", add = ArgValueCandidates::new(crate::complete::connections))]
    pub connections: Vec<String>,

    /// Only this client's connections
    #[arg(long, short = 'c', add = ArgValueCandidates::new(crate::complete::clients))]
    pub client: Option<String>,

    /// Exit 4 when any credential needs attention, 5 when any data is older than its schedule
    /// allows, printing why (for monitoring)
    #[arg(long)]
    pub check: bool,
}

/// Export a client's cached data as one normalized JSON document
///
/// The document holds `schema_version`, a manifest per connection, and one array per entity
/// (`contacts`, `companies`, `deals`, `leads`, `customers`, `invoices`, `payments`), each row
/// in its entity's shape with its `source`, in a stable order (schemas/export.schema.json).
/// It reads one snapshot of the cache and is written atomically: a reader never sees a
/// half-written file.
///
/// Examples:
///   inlet export --client acme
///   inlet export --client acme --format csv --out dashboard/acme
///   inlet export --client acme --out dashboard/acme.json
///   inlet export --client acme --out - | jq '.contacts | length'
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ExportArgs {
    /// The client to export
    #[arg(long, short = 'c', add = ArgValueCandidates::new(crate::complete::clients))]
    pub client: String,

    /// Where to write; `-` for stdout [default: DATA/exports/CLIENT.json]
    #[arg(long, short = 'o', value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// Document format
    #[arg(long, default_value = "json")]
    pub format: ExportFormat,

    /// JSON without any whitespace (for large exports)
    #[arg(long)]
    pub compact: bool,
}

/// Export document formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One JSON document
    Json,
    /// One JSON object per line: a header line, then one line per row
    Ndjson,
    /// A folder with one CSV file per entity and manifest.json [default: DATA/exports/CLIENT/]
    Csv,
}

/// Show cached records in the terminal: a connection's newest rows, or a client's streams
///
/// With a connection, prints its most recently changed records per stream as a table of the
/// normalized fields (the rows `inlet export` writes), fitted to the terminal width. With
/// `--client`, prints one line per stream: records, newest change and watermark. Reads only
/// the cache; nothing is fetched.
///
/// Exit status: 2 an unknown connection, client or stream; 1 nothing cached yet.
///
/// Examples:
///   inlet preview acme/hubspot
///   inlet preview acme/hubspot --stream deals --limit 20
///   inlet preview --client acme
///   inlet preview acme/hubspot --stream deals --json | jq '.streams[0].rows[0]'
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct PreviewArgs {
    /// The connection (`CLIENT/NAME`)
    #[arg(value_name = "CONNECTION", required_unless_present = "client", conflicts_with = "client", add = ArgValueCandidates::new(crate::complete::connections))]
    pub connection: Option<String>,

    /// One line per stream of this client's connections instead
    #[arg(long, short = 'c', add = ArgValueCandidates::new(crate::complete::clients))]
    pub client: Option<String>,

    /// Only this stream [default: every stream of the connection]
    #[arg(long, value_name = "STREAM", add = ArgValueCandidates::new(crate::complete::streams))]
    pub stream: Option<String>,

    /// Records to show per stream, newest change first
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub limit: u64,
}

/// Write a client's dashboard: one self-contained HTML file to open or send
///
/// Freshness per source; KPI tiles with the change against the previous period; the CRM
/// pipeline by stage, won and lost deals by month and revenue by month per currency; web
/// analytics and search figures when the client has them. Every chart has its numbers in a
/// table. Built from the cache alone: the file makes no network request, opens from disk,
/// follows the system's light or dark mode, and prints cleanly to PDF.
///
/// Exit status: 2 an unknown client or a bad --period/--until; 1 nothing cached yet.
///
/// Examples:
///   inlet dashboard --client acme --open
///   inlet dashboard --client acme --period 30d --out reports/acme.html
///   inlet dashboard --client acme --until 2026-03-31
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DashboardArgs {
    /// The client
    #[arg(long, short = 'c', add = ArgValueCandidates::new(crate::complete::clients))]
    pub client: String,

    /// Where to write the page [default: DATA/dashboards/CLIENT.html]
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub window: WindowArgs,

    /// Open the page in the default browser once written
    #[arg(long)]
    pub open: bool,
}

/// The period a dashboard or report covers.
#[derive(Debug, Args)]
pub struct WindowArgs {
    /// The period: days, weeks, months or years (`30d`, `12w`, `3m`, `1y`), compared with the
    /// one before it
    #[arg(long, default_value = "90d", value_name = "PERIOD")]
    pub period: String,

    /// Last day of the period (`YYYY-MM-DD`, or `latest`: the newest activity in the data)
    /// [default: today, UTC]
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

/// Write a brief of a client's period: KPIs and changes per source, movers and caveats
///
/// Per source connection: each KPI with its value, the previous period's and the change,
/// with its connection and dates; the largest movers (stages, customers, channels, queries,
/// pages); and what to keep in mind (stale sources, unfinished or failed runs, a restatement
/// window still open). Markdown reads well in an email or handed to an LLM; `--format json`
/// (or `--json`) is the same content as versioned data. Built from the cache alone.
///
/// Exit status: 2 an unknown client or a bad --period/--until; 1 nothing cached yet.
///
/// Examples:
///   inlet report --client acme
///   inlet report --client acme --period 90d --format json > acme-brief.json
///   inlet report --client acme | llm "Write the monthly update for the client"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReportArgs {
    /// The client
    #[arg(long, short = 'c', add = ArgValueCandidates::new(crate::complete::clients))]
    pub client: String,

    /// The period: days, weeks, months or years (`30d`, `12w`, `3m`, `1y`), compared with the
    /// one before it
    #[arg(long, default_value = "30d", value_name = "PERIOD")]
    pub period: String,

    /// Last day of the period (`YYYY-MM-DD`, or `latest`: the newest activity in the data)
    /// [default: today, UTC]
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Output format
    #[arg(long, default_value = "md")]
    pub format: ReportFormat,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown
    Md,
    /// JSON with `schema_version`
    Json,
}

/// Remove a connection and its secret
///
/// Revokes the stored secret with the provider (when its definition says how), deletes it from
/// the keychain, and removes the connection record. A connection made with `--secret-from-env`
/// has nothing stored, so no keychain is needed. Cached records are kept unless `--purge` is
/// given. Asks for confirmation on a terminal (answering no exits 0 and changes nothing); needs
/// `--yes` otherwise.
///
/// Examples:
///   inlet disconnect acme/hubspot
///   inlet disconnect acme/hubspot --purge --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DisconnectArgs {
    /// The connection (`CLIENT/NAME`)
    #[arg(value_name = "CONNECTION", add = ArgValueCandidates::new(crate::complete::connections))]
    pub connection: String,

    /// Also delete the connection's cached records and runs
    #[arg(long)]
    pub purge: bool,

    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// Delete cached data: records, runs and watermarks, and the client's export files
///
/// Works on one connection (connected or not: data kept by a plain `disconnect` too) or on
/// every connection of a client. Connections stay connected; their next fetch starts from
/// scratch. Export files at the default place (`DATA/exports/CLIENT.json`, `.ndjson`, the CSV
/// folder) are removed; files written elsewhere with `--out` are yours.
///
/// Examples:
///   inlet purge acme/hubspot --yes
///   inlet purge --client acme --yes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct PurgeArgs {
    /// The connection (`CLIENT/NAME`)
    #[arg(value_name = "CONNECTION", add = ArgValueCandidates::new(crate::complete::connections))]
    pub connection: Option<String>,

    /// Every connection of this client
    #[arg(long, short = 'c', conflicts_with = "connection", add = ArgValueCandidates::new(crate::complete::clients))]
    pub client: Option<String>,

    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// List, show and validate provider definitions
///
/// Providers are defined by TOML files: the built-in ones, and your own in
/// `CONFIG/providers/*.toml`, which add providers or replace built-in ones with the same id.
///
/// Examples:
///   inlet providers list
///   inlet providers show hubspot
///   inlet providers validate my-crm.toml
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
#[command(disable_help_subcommand = true)]
pub struct ProvidersArgs {
    #[command(subcommand)]
    pub command: ProvidersCommand,
}

/// `inlet providers` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProvidersCommand {
    /// List the known providers and where each definition comes from
    List,
    /// Show a provider's auth modes, inputs, limits and streams
    Show {
        /// Provider id
        #[arg(add = ArgValueCandidates::new(crate::complete::providers))]
        provider: String,
    },
    /// Check definition files; prints every problem with its key path (exit 1 on any)
    Validate {
        /// Definition files
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of the definition format
    Schema,
}

/// Schedule fetches: intervals per connection, and the timer or cron line that runs them
///
/// `inlet schedule install` writes a systemd user timer (or a crontab line) that runs
/// `inlet fetch --due`.
///
/// Each connection has an interval (24 hours unless `connect --every` or `schedule set` says
/// otherwise), a timeout per run, and a retry delay after a failed run that doubles with each
/// failure in a row, never beyond the interval.
///
/// Examples:
///   inlet schedule set acme/hubspot 6h
///   inlet schedule show
///   inlet schedule install --systemd
///   inlet schedule install --cron --print
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
#[command(disable_help_subcommand = true)]
pub struct ScheduleArgs {
    #[command(subcommand)]
    pub command: ScheduleCommand,
}

/// `inlet schedule` subcommands.
#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// Set how often a connection is fetched, and optionally its timeout and retry delay
    Set {
        /// The connection (`CLIENT/NAME`)
        #[arg(value_name = "CONNECTION", add = ArgValueCandidates::new(crate::complete::connections))]
        connection: String,
        /// Interval, at least a minute: `30m`, `6h`, `1d`
        #[arg(value_name = "EVERY", value_parser = crate::durations::at_least_a_minute)]
        every: Duration,
        /// Stop a run after this long, at least `1s`; it resumes at the next run
        #[arg(long, value_name = "DURATION", value_parser = crate::durations::at_least_a_second)]
        timeout: Option<Duration>,
        /// First retry delay after a failed run, from `1m` up to the interval (doubles per
        /// failure in a row)
        #[arg(long, value_name = "DURATION", value_parser = crate::durations::at_least_a_minute)]
        retry: Option<Duration>,
    },
    /// Show each connection's schedule, last run and next due time
    Show {
        /// Only these connections
        #[arg(value_name = "CONNECTION", add = ArgValueCandidates::new(crate::complete::connections))]
        connections: Vec<String>,
    },
    /// Install a systemd user timer, or a crontab line, that runs `inlet fetch --due`
    Install {
        #[command(flatten)]
        target: ScheduleTarget,
        /// Print what would be installed instead of installing it
        #[arg(long)]
        print: bool,
        /// How often the timer checks for due connections: minutes that divide an hour (`1m` …
        /// `30m`), hours that divide a day (`1h` … `12h`), or `1d`
        #[arg(long, default_value = "15m", value_name = "DURATION", value_parser = crate::durations::Tick::parse)]
        interval: crate::durations::Tick,
        /// Where to write the systemd units [default: ~/.config/systemd/user]
        #[arg(long, value_name = "DIR")]
        unit_dir: Option<PathBuf>,
    },
    /// Remove what `schedule install` installed
    Remove {
        #[command(flatten)]
        target: ScheduleTarget,
        /// Where the systemd units are [default: ~/.config/systemd/user]
        #[arg(long, value_name = "DIR")]
        unit_dir: Option<PathBuf>,
    },
}

/// systemd or cron.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ScheduleTarget {
    /// A systemd user service and timer
    #[arg(long)]
    pub systemd: bool,
    /// A line in your crontab
    #[arg(long)]
    pub cron: bool,
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
#[command(verbatim_doc_comment)]
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

    /// Inject faults: `429:5%,500:2%,reset:1%,slow:1%,malformed:1%`
    #[arg(long, value_name = "SPEC", value_parser = parse_faults)]
    pub faults: Option<inlet_sandbox::Faults>,

    /// Enforce the providers' documented rate limits (429 past the budget)
    #[arg(long)]
    pub rate_limit: bool,

    /// Shorten every rate-limit window to this duration (for tests)
    #[arg(long, value_name = "DURATION", value_parser = parse_std_duration)]
    pub rate_window: Option<std::time::Duration>,

    /// Requests per 10 s HubSpot allows and advertises: 100 (Free/Starter), 190 (Professional), 250 (API add-on)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub hubspot_burst: Option<u64>,

    /// API requests per 24 h the Salesforce org allows [default: 15000]; past it, 403
    /// `REQUEST_LIMIT_EXCEEDED`
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub salesforce_daily_limit: Option<u64>,

    /// Records changed per stream at each tick (`POST /_sandbox/tick`, or `--churn-every`)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub churn: u64,

    /// Records deleted per stream at each tick (HubSpot objects, Stripe customers)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub churn_deletes: u64,

    /// Tick automatically at this interval
    #[arg(long, value_name = "DURATION", value_parser = parse_std_duration)]
    pub churn_every: Option<std::time::Duration>,
}

fn parse_faults(text: &str) -> Result<inlet_sandbox::Faults, String> {
    inlet_sandbox::Faults::parse(text)
}

fn parse_std_duration(text: &str) -> Result<std::time::Duration, String> {
    crate::durations::parse(text)
}

/// Run the whole pipeline against the built-in sandbox in a temporary home
///
/// Starts the sandbox, connects a demo client's HubSpot (with an OAuth sign-in) and Stripe, fetches, shows the status
/// table, exports, writes the client's dashboard, and disconnects. Uses the OS keychain when one is
/// available; otherwise says so and uses a temporary file store that it names.
///
/// Examples:
///   inlet demo
///   inlet demo --records 100000 --latency 0
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
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
/// The static script completes commands and flags. With `--dynamic`, the script asks inlet
/// itself while you press Tab, so connection ids, clients, providers and streams complete too.
///
/// Examples:
///   inlet completions bash > ~/.local/share/bash-completion/completions/inlet
///   inlet completions zsh > "${fpath[1]}/_inlet"
///   echo 'source <(inlet completions bash --dynamic)' >> ~/.bashrc
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CompletionsArgs {
    /// The shell
    pub shell: clap_complete::Shell,

    /// Print the registration for live completion instead, which also completes connection
    /// ids, clients, providers and streams (same as `COMPLETE=SHELL inlet`)
    #[arg(long)]
    pub dynamic: bool,
}
