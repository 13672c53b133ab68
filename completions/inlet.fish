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
complete -c inlet -n "__fish_inlet_needs_command" -s q -l quiet -d 'Print only data and errors'
complete -c inlet -n "__fish_inlet_needs_command" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_needs_command" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_needs_command" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "connect" -d 'Connect a client\'s account at a provider'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "fetch" -d 'Pull new data for connections into the local cache'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "status" -d 'Show connections, where their secrets come from, and their last runs'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "export" -d 'Export a client\'s cached data as one normalized JSON document'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "disconnect" -d 'Remove a connection and its secret'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "sandbox" -d 'Serve emulations of the providers on loopback, for trying inlet without accounts'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "demo" -d 'Run the whole pipeline against the built-in sandbox in a temporary home'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "__generate" -d 'Regenerate completions/ and man/ from the command model'
complete -c inlet -n "__fish_inlet_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -s c -l client -d 'The client this account belongs to (lowercase letters, digits, `-`, `_`)' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l name -d 'Connection name, unique within the client [default: the provider id]' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l base-url -d 'Talk to this base URL instead of the provider\'s (a sandbox, a proxy, a regional host)' -r
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l token-stdin -d 'Read the token from stdin instead of prompting'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -s q -l quiet -d 'Print only data and errors'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand connect" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -s c -l client -d 'Fetch every connection of this client' -r
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -s q -l quiet -d 'Print only data and errors'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand fetch" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand status" -s c -l client -d 'Only this client\'s connections' -r
complete -c inlet -n "__fish_inlet_using_subcommand status" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand status" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand status" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand status" -s q -l quiet -d 'Print only data and errors'
complete -c inlet -n "__fish_inlet_using_subcommand status" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand status" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand status" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand export" -s c -l client -d 'The client to export' -r
complete -c inlet -n "__fish_inlet_using_subcommand export" -s o -l out -d 'Where to write; `-` for stdout [default: DATA/exports/CLIENT.json]' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand export" -l format -d 'Document format' -r -f -a "json\t'One JSON document'
ndjson\t'One JSON object per line: a header line, then one line per row'"
complete -c inlet -n "__fish_inlet_using_subcommand export" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand export" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand export" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand export" -s q -l quiet -d 'Print only data and errors'
complete -c inlet -n "__fish_inlet_using_subcommand export" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand export" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand export" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -l purge -d 'Also delete the connection\'s cached records and runs'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -s y -l yes -d 'Do not ask for confirmation'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -s q -l quiet -d 'Print only data and errors'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand disconnect" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l addr -d 'Address to listen on (loopback only)' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l seed -d 'Seed for the generated data and credentials' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l records -d 'How many contacts to serve (companies and deals scale with it)' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l latency -d 'Delay every response by this many milliseconds' -r
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand sandbox" -s q -l quiet -d 'Print only data and errors'
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
complete -c inlet -n "__fish_inlet_using_subcommand demo" -s q -l quiet -d 'Print only data and errors'
complete -c inlet -n "__fish_inlet_using_subcommand demo" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand demo" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand demo" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand completions" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand completions" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -s q -l quiet -d 'Print only data and errors'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand completions" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand __generate" -l root -d 'The project root to write `completions/` and `man/` into' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand __generate" -l home -d 'Keep config, data and state in this one folder (separate profiles, tests)' -r -F
complete -c inlet -n "__fish_inlet_using_subcommand __generate" -l color -d 'When to use colors' -r -f -a "auto\t'Color on a terminal, unless `NO_COLOR` is set'
always\t'Always color'
never\t'Never color'"
complete -c inlet -n "__fish_inlet_using_subcommand __generate" -l json -d 'Print machine-readable JSON on stdout instead of tables'
complete -c inlet -n "__fish_inlet_using_subcommand __generate" -s q -l quiet -d 'Print only data and errors'
complete -c inlet -n "__fish_inlet_using_subcommand __generate" -s v -l verbose -d 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
complete -c inlet -n "__fish_inlet_using_subcommand __generate" -l no-input -d 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
complete -c inlet -n "__fish_inlet_using_subcommand __generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c inlet -n "__fish_inlet_using_subcommand __generate" -s V -l version -d 'Print version'
complete -c inlet -n "__fish_inlet_using_subcommand help; and not __fish_seen_subcommand_from connect fetch status export disconnect sandbox demo completions __generate help" -f -a "connect" -d 'Connect a client\'s account at a provider'
complete -c inlet -n "__fish_inlet_using_subcommand help; and not __fish_seen_subcommand_from connect fetch status export disconnect sandbox demo completions __generate help" -f -a "fetch" -d 'Pull new data for connections into the local cache'
complete -c inlet -n "__fish_inlet_using_subcommand help; and not __fish_seen_subcommand_from connect fetch status export disconnect sandbox demo completions __generate help" -f -a "status" -d 'Show connections, where their secrets come from, and their last runs'
complete -c inlet -n "__fish_inlet_using_subcommand help; and not __fish_seen_subcommand_from connect fetch status export disconnect sandbox demo completions __generate help" -f -a "export" -d 'Export a client\'s cached data as one normalized JSON document'
complete -c inlet -n "__fish_inlet_using_subcommand help; and not __fish_seen_subcommand_from connect fetch status export disconnect sandbox demo completions __generate help" -f -a "disconnect" -d 'Remove a connection and its secret'
complete -c inlet -n "__fish_inlet_using_subcommand help; and not __fish_seen_subcommand_from connect fetch status export disconnect sandbox demo completions __generate help" -f -a "sandbox" -d 'Serve emulations of the providers on loopback, for trying inlet without accounts'
complete -c inlet -n "__fish_inlet_using_subcommand help; and not __fish_seen_subcommand_from connect fetch status export disconnect sandbox demo completions __generate help" -f -a "demo" -d 'Run the whole pipeline against the built-in sandbox in a temporary home'
complete -c inlet -n "__fish_inlet_using_subcommand help; and not __fish_seen_subcommand_from connect fetch status export disconnect sandbox demo completions __generate help" -f -a "completions" -d 'Print a shell completion script'
complete -c inlet -n "__fish_inlet_using_subcommand help; and not __fish_seen_subcommand_from connect fetch status export disconnect sandbox demo completions __generate help" -f -a "__generate" -d 'Regenerate completions/ and man/ from the command model'
complete -c inlet -n "__fish_inlet_using_subcommand help; and not __fish_seen_subcommand_from connect fetch status export disconnect sandbox demo completions __generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
