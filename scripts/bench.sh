#!/usr/bin/env bash
# The browser benchmark (not part of the tests): builds the release app and the synthetic trace
# generator, then measures Strand in headless Chromium for each size and format.
#   scripts/bench.sh [--sizes 1000,10000,100000,1000000] [--formats jaeger,zipkin,otlp] [--runs 3]
# Native benchmarks: cargo bench --bench import; cargo bench --bench analysis.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
trunk --skip-version-check build --release
cargo build --release --example synth
node bench/browser.mjs "$@"
