#!/usr/bin/env bash
# Command 2: installs what is missing and runs every test, exactly as CI does (.ci/run calls it):
#   0. formatting (rustfmt) and lints (clippy, native and wasm32, warnings are errors)
#   1. native tests: cargo test (unit, snapshot, sample and hostile-input tests)
#   2. browser tests: wasm-bindgen-test in headless Chromium (tests/browser.rs)
#   3. the release build with Trunk, then end-to-end tests in Chromium with playwright-core
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR=never

echo "== 0/3 formatting and lints"
cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo clippy --locked --target wasm32-unknown-unknown -- -D warnings

echo "== 1/3 native tests"
cargo test --locked

echo "== 2/3 browser tests (wasm-bindgen-test, headless Chromium)"
cargo test --locked --target wasm32-unknown-unknown --test browser

echo "== 3/3 release build and end-to-end tests"
trunk --skip-version-check build --release
node --test --test-concurrency=1 tests/e2e/
