# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_inlet_global_optspecs
    string join \n home= json q/quiet v/verbose color= no-input h/help V/version
end

function __fish_inlet_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_inlet_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_inlet_using_subcommand
    set -l cmd (__fish_inlet_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c inlet -n "__fish_inlet_needs_command" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_needs_command" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_needs_command" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_needs_command" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_needs_command" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_needs_command" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_needs_command" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "connect" -d 'Connect a client\'s account at a provider'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "authorize" -d 'Sign in with a browser here, for a connection made on a machine without one'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "fetch" -d 'Pull new data for connections into the local cache'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "status" -d 'Show connections: credential health, last run, next due time, staleness, and fixes'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "export" -d 'Export a client\'s cached data as one normalized JSON document'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "preview" -d 'Show cached records in the terminal: a connection\'s newest rows, or a client\'s streams'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "dashboard" -d 'Write a client\'s dashboard: one self-contained HTML file to open or send'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "report" -d 'Write a brief of a client\'s period: KPIs and changes per source, movers and caveats'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "disconnect" -d 'Remove a connection and its secret'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "purge" -d 'Delete cached data: records, runs and watermarks, and the client\'s export files'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "providers" -d 'List, show and validate provider definitions'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "schedule" -d 'Schedule fetches: intervals per connection, and the timer or cron line that runs them'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "sandbox" -d 'Serve emulations of the providers on loopback, for trying inlet without accounts'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "demo" -d 'Run the whole pipeline against the built-in sandbox in a temporary home'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -s c -l client -d 'The client this account belongs to (lowercase letters, digits, `-`, `_`)' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l name -d 'Connection name, unique within the client [default: the provider id]' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l base-url -d 'Talk to this base URL instead of the provider\'s (a sandbox, a proxy, a regional host)' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l auth -d 'Authentication mode, when the provider has several (`inlet providers show PROVIDER`)' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l set -d 'A non-secret input of the provider, e.g. `--set shop=acme-store`' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l every -d 'How often `inlet fetch --due` fetches this connection, at least `1m` [default: 24h; a reconnection keeps its schedule]' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l auth-url -d 'OAuth: the authorization server\'s origin when it is not the definition\'s (a sandbox, `https://test.salesforce.com`, a Salesforce My Domain)' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l callback-port -d 'OAuth: listen for the sign-in\'s redirect on this port, for apps that register an exact callback URL (`http://127.0.0.1:PORT/callback`, e.g. a Salesforce connected app) [default: a free port the system picks]' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l authorization -d 'OAuth: finish a sign-in made with `inlet authorize` on a machine with a browser (`-` reads it from stdin)' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l key-file -d 'OAuth JWT bearer: the private key (PEM), or a Google service-account key file (JSON); `-` reads it from stdin. It is kept in the keychain, never copied elsewhere' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l token-stdin -d 'Read the token from stdin instead of prompting'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l secret-from-env -d 'Take the secret from `INLET_TOKEN_<CLIENT>_<NAME>` and do not store it anywhere (CI, where there is no keychain and the CI\'s secret store keeps it)'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l replace -d 'Reconnect to a different account than the connection\'s: delete the cached records, runs and watermarks of the old account first'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l no-browser -d 'OAuth: do not open a browser; print the sign-in URL and read the address the browser was sent to (or the code) from stdin'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -l auth -d 'Authentication mode (an authorization code mode)' -r
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -l set -d 'A non-secret input of the provider, e.g. `--set client_id=…`' -r
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -l auth-url -d 'OAuth: the authorization server\'s origin when it is not the definition\'s (a sandbox, `https://test.salesforce.com`, a Salesforce My Domain)' -r
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -l callback-port -d 'OAuth: listen for the sign-in\'s redirect on this port, for apps that register an exact callback URL (`http://127.0.0.1:PORT/callback`, e.g. a Salesforce connected app) [default: a free port the system picks]' -r
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -l no-browser -d 'OAuth: do not open a browser; print the sign-in URL and read the address the browser was sent to (or the code) from stdin'
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand authorize" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -s c -l client -d 'Fetch every connection of this client' -r
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l stream -d 'Only this stream (repeatable), e.g. `--stream contacts`' -r
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l since -d 'Fetch what changed since this time, for this run only: RFC 3339, a date, or an age such as `7d`' -r
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -s j -l jobs -d 'How many connections to fetch at once' -r
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l wait -d 'When another run holds a connection, wait this long for it (then exit 75)' -r
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l full-refresh -d 'Fetch everything again, ignoring watermarks and unfinished fetches (this run only)'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l due -d 'Only the connections whose next run is due (what timers and cron call)'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand status" -s c -l client -d 'Only this client\'s connections' -r
complete -c inlet -n "__fish_inlet_using_subcommand status" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand status" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand status" -l check -d 'Exit 4 when any credential needs attention, 5 when any data is older than its schedule allows, printing why (for monitoring)'
complete -c inlet -n "__fish_inlet_using_subcommand status" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand status" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand status" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand status" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand status" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand export" -s c -l client -d 'The client to export' -r
complete -c inlet -n "__fish_inlet_using_subcommand export" -s o -l out -d 'Where to write; `-` for stdout [default: DATA/exports/CLIENT.json]' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand export" -l format -d 'Document format' -r -f -a "json\t'One JSON document'
ndjson\t'One JSON object per line: a header line, then one line per row'
csv\t'A folder with one CSV file per entity and manifest.json [default: DATA/exports/CLIENT/]'"
complete -c inlet -n "__fish_inlet_using_subcommand export" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand export" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand export" -l compact -d 'JSON without any whitespace (for large exports)'
complete -c inlet -n "__fish_inlet_using_subcommand export" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand export" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand export" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand export" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand export" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand preview" -s c -l client -d 'One line per stream of this client\'s connections instead' -r
complete -c inlet -n "__fish_inlet_using_subcommand preview" -l stream -d 'Only this stream [default: every stream of the connection]' -r
complete -c inlet -n "__fish_inlet_using_subcommand preview" -s n -l limit -d 'Records to show per stream, newest change first' -r
complete -c inlet -n "__fish_inlet_using_subcommand preview" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand preview" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand preview" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand preview" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand preview" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand preview" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand preview" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand preview" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -s c -l client -d 'The client' -r
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -s o -l out -d 'Where to write the page [default: DATA/dashboards/CLIENT.html]' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -l period -d 'The period: days, weeks, months or years (`30d`, `12w`, `3m`, `1y`), compared with the one before it' -r
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -l until -d 'Last day of the period (`YYYY-MM-DD`, or `latest`: the newest activity in the data) [default: today, UTC]' -r
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -l open -d 'Open the page in the default browser once written'
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand dashboard" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand report" -s c -l client -d 'The client' -r
complete -c inlet -n "__fish_inlet_using_subcommand report" -l period -d 'The period: days, weeks, months or years (`30d`, `12w`, `3m`, `1y`), compared with the one before it' -r
complete -c inlet -n "__fish_inlet_using_subcommand report" -l until -d 'Last day of the period (`YYYY-MM-DD`, or `latest`: the newest activity in the data) [default: today, UTC]' -r
complete -c inlet -n "__fish_inlet_using_subcommand report" -l format -d 'Output format' -r -f -a "md\t'Markdown'
json\t'JSON with `schema_version`'"
complete -c inlet -n "__fish_inlet_using_subcommand report" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand report" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand report" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand report" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand report" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand report" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand report" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -l purge -d 'Also delete the connection\'s cached records and runs'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -s y -l yes -d 'Do not ask for confirmation'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand purge" -s c -l client -d 'Every connection of this client' -r
complete -c inlet -n "__fish_inlet_using_subcommand purge" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand purge" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand purge" -s y -l yes -d 'Do not ask for confirmation'
complete -c inlet -n "__fish_inlet_using_subcommand purge" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand purge" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand purge" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand purge" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand purge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand purge" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -f -a "list" -d 'List the known providers and where each definition comes from'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -f -a "show" -d 'Show a provider\'s auth modes, inputs, limits and streams'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -f -a "validate" -d 'Check definition files; prints every problem with its key path (exit 1 on any)'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and not __fish_seen_subcommand_from list show validate schema" -f -a "schema" -d 'Print the JSON Schema of the definition format'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from list" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from list" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from show" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from show" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from validate" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from validate" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from validate" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from validate" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from schema" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from schema" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from schema" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from schema" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from schema" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from schema" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand providers; and __fish_seen_subcommand_from schema" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -f -a "set" -d 'Set how often a connection is fetched, and optionally its timeout and retry delay'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -f -a "show" -d 'Show each connection\'s schedule, last run and next due time'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -f -a "install" -d 'Install a systemd user timer, or a crontab line, that runs `inlet fetch --due`'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and not __fish_seen_subcommand_from set show install remove" -f -a "remove" -d 'Remove what `schedule install` installed'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from set" -l timeout -d 'Stop a run after this long, at least `1s`; it resumes at the next run' -r
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from set" -l retry -d 'First retry delay after a failed run, from `1m` up to the interval (doubles per failure in a row)' -r
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from set" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from set" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from set" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from set" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from show" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from show" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -l interval -d 'How often the timer checks for due connections: minutes that divide an hour (`1m` … `30m`), hours that divide a day (`1h` … `12h`), or `1d`' -r
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -l unit-dir -d 'Where to write the systemd units [default: ~/.config/systemd/user]' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -l systemd -d 'A systemd user service and timer'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -l cron -d 'A line in your crontab'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -l print -d 'Print what would be installed instead of installing it'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l unit-dir -d 'Where the systemd units are [default: ~/.config/systemd/user]' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l systemd -d 'A systemd user service and timer'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l cron -d 'A line in your crontab'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from remove" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand schedule; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l addr -d 'Address to listen on (loopback only)' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l seed -d 'Seed for the generated data and credentials' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l records -d 'How many contacts to serve (companies and deals scale with it)' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l latency -d 'Delay every response by this many milliseconds' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l faults -d 'Inject faults: `429:5%,500:2%,reset:1%,slow:1%,malformed:1%`' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l rate-window -d 'Shorten every rate-limit window to this duration (for tests)' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l hubspot-burst -d 'Requests per 10 s HubSpot allows and advertises: 100 (Free/Starter), 190 (Professional), 250 (API add-on)' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l salesforce-daily-limit -d 'API requests per 24 h the Salesforce org allows [default: 15000]; past it, 403 `REQUEST_LIMIT_EXCEEDED`' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l churn -d 'Records changed per stream at each tick (`POST /_sandbox/tick`, or `--churn-every`)' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l churn-deletes -d 'Records deleted per stream at each tick (HubSpot objects, Stripe customers)' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l churn-every -d 'Tick automatically at this interval' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l rate-limit -d 'Enforce the providers\' documented rate limits (429 past the budget)'
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand demo" -l records -d 'How many contacts the sandbox serves' -r
complete -c inlet -n "__fish_inlet_using_subcommand demo" -l latency -d 'Delay every sandbox response by this many milliseconds' -r
complete -c inlet -n "__fish_inlet_using_subcommand demo" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand demo" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand demo" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand demo" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand demo" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand demo" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand demo" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand completions" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand completions" -l dynamic -d 'Print the registration for live completion instead, which also completes connection ids, clients, providers and streams (same as `COMPLETE=SHELL inlet`)'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -s q -l quiet -d 'Print only errors, warnings and data: no status lines, progress or summaries'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -s V -l version -d 'Print version'
