#!/usr/bin/env bash
# Fetch one client's connections and export them, as a CI job does it.
#
#   examples/ci-fetch.sh CLIENT PROVIDER...
#
# Secrets come from the CI's secret store as INLET_TOKEN_<CLIENT>_<NAME> (upper case, `/` as `_`,
# `-` as `__`, see the README;
# e.g. INLET_TOKEN_ACME_HUBSPOT); CI machines have no keychain, so a connection that is not in
# the cache yet is recorded with `--secret-from-env`, which verifies the secret and never stores
# it. Keep INLET_HOME between runs (a CI cache) so fetches are incremental.
#
# Writes EXPORT_DIR/CLIENT.json (default ./export) and EXPORT_DIR/fetch-report.json.
# Exit codes are inlet's: 3 when some connections failed, 4 when a credential needs attention.
set -euo pipefail
client=${1:?usage: ci-fetch.sh CLIENT PROVIDER...}
shift
export_dir=${EXPORT_DIR:-export}
mkdir -p "$export_dir"

for provider in "$@"; do
  if ! inlet --no-input status "$client/$provider" >/dev/null 2>&1; then
    # INLET_BASE_URL points every provider at one host (the sandbox, a proxy); unset normally.
    inlet --no-input connect "$provider" --client "$client" --secret-from-env \
      ${INLET_BASE_URL:+--base-url "$INLET_BASE_URL/$provider"}
  fi
done

status=0
inlet --no-input --json fetch --client "$client" > "$export_dir/fetch-report.json" || status=$?
inlet --no-input export --client "$client" --out "$export_dir/$client.json"
exit "$status"
