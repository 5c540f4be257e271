#!/usr/bin/env bash
# Installs what Strand needs to build (and, with --test, to be tested), only where it is missing:
# the wasm32 target, Trunk 0.21.14, the wasm-bindgen CLI matching Cargo.lock, npm packages
# (wasm-opt from binaryen, playwright-core) and, for tests, Debian's Chromium and ChromeDriver,
# a real Zipkin server (the executable jar from Maven Central), a real Jaeger v2 (built with Go
# from the Go module proxy into ~/.cache/strand) and the Python packages of the
# OpenTelemetry-instrumented test services (PyPI, into .venv).
# Idempotent: when everything is there it takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
ZIPKIN_VERSION=3.5.1
# Jaeger's Go module version v1.75.0 is the Jaeger v2 binary (cmd/jaeger).
JAEGER_MODULE_VERSION=v1.75.0
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
  # A real Jaeger v2 for tests/e2e/jaeger.test.mjs, built from source with Go (Jaeger publishes
  # no binaries to a package registry; the Go module proxy has its source). The binary lives
  # outside the repository so every clone and work tree shares it.
  jaeger_dir="${STRAND_CACHE:-$HOME/.cache/strand}/jaeger-$JAEGER_MODULE_VERSION"
  if [ ! -x "$jaeger_dir/jaeger" ]; then
    if ! command -v go >/dev/null; then
      say "Go 1.24+ is needed to build Jaeger $JAEGER_MODULE_VERSION for the tests (https://go.dev/dl, or Debian's golang-go if recent enough)" >&2
      exit 1
    fi
    say "building Jaeger $JAEGER_MODULE_VERSION (v2) from the Go module proxy into $jaeger_dir (under a minute to download, about 8 min to build on 2 cores; once)"
    build="$jaeger_dir/build"
    rm -rf "$build"
    mkdir -p "$build"
    if ! (cd "$build" && export GOTOOLCHAIN=local \
          && go mod init local/jaeger >/dev/null 2>&1 \
          && go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_MODULE_VERSION" \
          && go build -o jaeger.tmp github.com/jaegertracing/jaeger/cmd/jaeger); then
      say "building Jaeger failed (see above); the Go module proxy (GOPROXY=$(go env GOPROXY)) must be reachable" >&2
      rm -rf "$build"
      exit 1
    fi
    mv "$build/jaeger.tmp" "$jaeger_dir/jaeger"
    rm -rf "$build"
  fi
  # The instrumented services that feed Zipkin and Jaeger.
  if [ ! -x .venv/bin/python ] || ! cmp -s tests/otel/requirements.txt .venv/.requirements.txt; then
    say "installing the OpenTelemetry test services' Python packages into .venv"
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r tests/otel/requirements.txt
    cp tests/otel/requirements.txt .venv/.requirements.txt
  fi
fi
say "ready"
