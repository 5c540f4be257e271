#!/usr/bin/env bash
# Installs what Strand needs to build (and, with --test, to be tested), only where it is missing:
# the wasm32 target, Trunk 0.21.14, the wasm-bindgen CLI matching Cargo.lock, npm packages
# (wasm-opt from binaryen, playwright-core) and, for tests, Debian's Chromium and ChromeDriver,
# a real Zipkin server (the executable jar from Maven Central) and the Python packages of the
# OpenTelemetry-instrumented test services (PyPI, into .venv).
# Idempotent: when everything is there it takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
ZIPKIN_VERSION=3.5.1
with_test=false
[ "${1:-}" = "--test" ] && with_test=true
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

say() { echo "[setup] $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v cargo >/dev/null || ! command -v rustup >/dev/null; then
  say "Rust (rustup and cargo) is required but missing; install it from https://rustup.rs and run again." >&2
  exit 1
fi
if ! command -v npm >/dev/null; then
  say "Node.js 20+ with npm is required but missing (Debian: apt-get install nodejs npm)." >&2
  exit 1
fi

# The toolchain and target are pinned in rust-toolchain.toml; make sure the target is there.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing Trunk $TRUNK_VERSION (takes several minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# Trunk wants exactly the wasm-bindgen of Cargo.lock. The CLI is installed without --locked: its
# own lockfile pins crates the registry mirror lacks.
[ -f Cargo.lock ] || cargo generate-lockfile
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg" ]; then
  say "installing wasm-bindgen-cli $wbg (takes a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$wbg" --force
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (binaryen's wasm-opt, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if $with_test; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver
  fi
fi
if $with_test; then
  # A real Zipkin for tests/e2e/zipkin.test.mjs: the server's executable jar from Maven Central.
  zipkin_jar="$HOME/.m2/repository/io/zipkin/zipkin-server/$ZIPKIN_VERSION/zipkin-server-$ZIPKIN_VERSION-exec.jar"
  if [ ! -f "$zipkin_jar" ]; then
    if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
      say "a JDK (17+) and Maven are needed to fetch the Zipkin server for the tests (Debian: apt-get install default-jdk-headless maven)" >&2
      exit 1
    fi
    say "fetching zipkin-server $ZIPKIN_VERSION from Maven Central"
    mvn -q dependency:get -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" -Dtransitive=false
  fi
  # The instrumented services that feed it.
  if [ ! -x .venv/bin/python ] || ! cmp -s tests/otel/requirements.txt .venv/.requirements.txt; then
    say "installing the OpenTelemetry test services' Python packages into .venv"
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r tests/otel/requirements.txt
    cp tests/otel/requirements.txt .venv/.requirements.txt
  fi
fi
say "ready"
