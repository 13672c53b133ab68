#!/usr/bin/env bash
# Runs "$@" inside a private D-Bus session with an unlocked gnome-keyring: a real Secret Service
# on a headless machine, isolated from any keychain of the developer's own.
set -euo pipefail
if ! command -v gnome-keyring-daemon >/dev/null || ! command -v dbus-run-session >/dev/null \
   || ! command -v secret-tool >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "with-keychain.sh: needs dbus, gnome-keyring and libsecret-tools (apt-get install as root)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    dbus gnome-keyring libsecret-tools >/dev/null
fi
keyring_tmp=$(mktemp -d)
trap 'rm -rf "$keyring_tmp"' EXIT
mkdir -p "$keyring_tmp/data" "$keyring_tmp/run"
chmod 700 "$keyring_tmp/run"
# A throwaway keyring and runtime folder; HOME stays as it is (rustup needs it).
export XDG_DATA_HOME="$keyring_tmp/data" XDG_RUNTIME_DIR="$keyring_tmp/run"
# Never let a prompter open a dialog: it would block forever.
unset DISPLAY WAYLAND_DISPLAY
# --unlock must be the first contact with the bus, or a D-Bus-activated daemon without the
# `login` collection wins and every write fails.
dbus-run-session -- bash -c '
  printf %s inlet-test-keyring | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null 2>&1
  exec "$@"' _ "$@"
