#!/usr/bin/env bash
# System packages the browser and VS Code tests need, installed from Debian's archive when missing.
# Idempotent and quiet when everything is there; `npm test` runs it first.
set -euo pipefail
need=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "test-deps: missing ${need[*]} and no apt-get here; install them (or set CHROMIUM) and re-run" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "test-deps: installing ${need[*]} from Debian's packages"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
