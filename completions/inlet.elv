
use builtin;
use str;

set edit:completion:arg-completer[inlet] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'inlet'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'inlet'= {
            cand --home 'Keep config, data and state in this one folder (separate profiles, tests)'
            cand --color 'When to use colors'
            cand --json 'Print machine-readable JSON on stdout instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --verbose 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --no-input 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand connect 'Connect a client''s account at a provider'
            cand fetch 'Pull new data for connections into the local cache'
            cand status 'Show connections, where their secrets come from, and their last runs'
            cand export 'Export a client''s cached data as one normalized JSON document'
            cand disconnect 'Remove a connection and its secret'
            cand sandbox 'Serve emulations of the providers on loopback, for trying inlet without accounts'
            cand demo 'Run the whole pipeline against the built-in sandbox in a temporary home'
            cand completions 'Print a shell completion script'
            cand __generate 'Regenerate completions/ and man/ from the command model'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'inlet;connect'= {
            cand -c 'The client this account belongs to (lowercase letters, digits, `-`, `_`)'
            cand --client 'The client this account belongs to (lowercase letters, digits, `-`, `_`)'
            cand --name 'Connection name, unique within the client [default: the provider id]'
            cand --base-url 'Talk to this base URL instead of the provider''s (a sandbox, a proxy, a regional host)'
            cand --home 'Keep config, data and state in this one folder (separate profiles, tests)'
            cand --color 'When to use colors'
            cand --token-stdin 'Read the token from stdin instead of prompting'
            cand --json 'Print machine-readable JSON on stdout instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --verbose 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --no-input 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'inlet;fetch'= {
            cand -c 'Fetch every connection of this client'
            cand --client 'Fetch every connection of this client'
            cand --home 'Keep config, data and state in this one folder (separate profiles, tests)'
            cand --color 'When to use colors'
            cand --json 'Print machine-readable JSON on stdout instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --verbose 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --no-input 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'inlet;status'= {
            cand -c 'Only this client''s connections'
            cand --client 'Only this client''s connections'
            cand --home 'Keep config, data and state in this one folder (separate profiles, tests)'
            cand --color 'When to use colors'
            cand --json 'Print machine-readable JSON on stdout instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --verbose 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --no-input 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'inlet;export'= {
            cand -c 'The client to export'
            cand --client 'The client to export'
            cand -o 'Where to write; `-` for stdout [default: DATA/exports/CLIENT.json]'
            cand --out 'Where to write; `-` for stdout [default: DATA/exports/CLIENT.json]'
            cand --format 'Document format'
            cand --home 'Keep config, data and state in this one folder (separate profiles, tests)'
            cand --color 'When to use colors'
            cand --json 'Print machine-readable JSON on stdout instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --verbose 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --no-input 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'inlet;disconnect'= {
            cand --home 'Keep config, data and state in this one folder (separate profiles, tests)'
            cand --color 'When to use colors'
            cand --purge 'Also delete the connection''s cached records and runs'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --json 'Print machine-readable JSON on stdout instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --verbose 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --no-input 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'inlet;sandbox'= {
            cand --addr 'Address to listen on (loopback only)'
            cand --seed 'Seed for the generated data and credentials'
            cand --records 'How many contacts to serve (companies and deals scale with it)'
            cand --latency 'Delay every response by this many milliseconds'
            cand --home 'Keep config, data and state in this one folder (separate profiles, tests)'
            cand --color 'When to use colors'
            cand --json 'Print machine-readable JSON on stdout instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --verbose 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --no-input 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'inlet;demo'= {
            cand --records 'How many contacts the sandbox serves'
            cand --latency 'Delay every sandbox response by this many milliseconds'
            cand --home 'Keep config, data and state in this one folder (separate profiles, tests)'
            cand --color 'When to use colors'
            cand --json 'Print machine-readable JSON on stdout instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --verbose 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --no-input 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'inlet;completions'= {
            cand --home 'Keep config, data and state in this one folder (separate profiles, tests)'
            cand --color 'When to use colors'
            cand --json 'Print machine-readable JSON on stdout instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --verbose 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --no-input 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'inlet;__generate'= {
            cand --root 'The project root to write `completions/` and `man/` into'
            cand --home 'Keep config, data and state in this one folder (separate profiles, tests)'
            cand --color 'When to use colors'
            cand --json 'Print machine-readable JSON on stdout instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --verbose 'Log more to stderr (-v info, -vv debug, -vvv trace); never logs a secret'
            cand --no-input 'Never prompt; fail with the flag to use instead (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'inlet;help'= {
            cand connect 'Connect a client''s account at a provider'
            cand fetch 'Pull new data for connections into the local cache'
            cand status 'Show connections, where their secrets come from, and their last runs'
            cand export 'Export a client''s cached data as one normalized JSON document'
            cand disconnect 'Remove a connection and its secret'
            cand sandbox 'Serve emulations of the providers on loopback, for trying inlet without accounts'
            cand demo 'Run the whole pipeline against the built-in sandbox in a temporary home'
            cand completions 'Print a shell completion script'
            cand __generate 'Regenerate completions/ and man/ from the command model'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'inlet;help;connect'= {
        }
        &'inlet;help;fetch'= {
        }
        &'inlet;help;status'= {
        }
        &'inlet;help;export'= {
        }
        &'inlet;help;disconnect'= {
        }
        &'inlet;help;sandbox'= {
        }
        &'inlet;help;demo'= {
        }
        &'inlet;help;completions'= {
        }
        &'inlet;help;__generate'= {
        }
        &'inlet;help;help'= {
        }
    ]
    $completions[$command]
}
