#!/usr/bin/env bash
# Runs a command with a private, unlocked gnome-keyring, so tests use the real
# Secret Service without touching the user's own keyring.
#   bash scripts/with-keyring.sh npx vitest run test/vault
# Call it outside any D-Bus session; it starts its own with dbus-run-session.
set -euo pipefail

if [ "${BTCPAY_KEYS_IN_KEYRING_SESSION:-}" != "1" ]; then
  for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "error: $tool is missing. Install it with:" >&2
      echo "  sudo apt-get install -y dbus gnome-keyring libsecret-1-dev" >&2
      exit 3
    fi
  done
  keyring_home=$(mktemp -d "${TMPDIR:-/tmp}/btcpay-keys-keyring.XXXXXX")
  trap 'rm -rf "$keyring_home"' EXIT
  export XDG_DATA_HOME="$keyring_home/data"
  export BTCPAY_KEYS_IN_KEYRING_SESSION=1
  # dbus-daemon warns that it cannot raise its fd limit when run as root in a
  # container; the warning is harmless.
  dbus-run-session -- bash "$0" "$@"
  exit $?
fi

mkdir -p "$XDG_DATA_HOME"
# A throwaway password for a throwaway keyring.
printf '%s' "test-keyring-$$" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec "$@"
