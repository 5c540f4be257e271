#!/usr/bin/env bash
# Command 1: installs what is missing, builds the release app and serves it on 127.0.0.1.
#   scripts/run.sh [--port N]      (default 8080; PORT=N works too)
# Then open http://127.0.0.1:N/ and click "Open the demo trace" (or open /?demo).
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8080}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    *) echo "usage: scripts/run.sh [--port N]" >&2; exit 2 ;;
  esac
done
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
echo "[run] building the release app and serving it on http://127.0.0.1:$port/ (demo: http://127.0.0.1:$port/?demo)"
exec trunk --skip-version-check serve --release --address 127.0.0.1 --port "$port" --no-autoreload
