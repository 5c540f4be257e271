#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ one after another, each for a set time, single process.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]     (default: 600 seconds, every target)
# Targets: detect jaeger zipkin otlp otlp_lines dependencies otlp_logs ecs json_logs text_logs loki load.
# Corpora are seeded at run time from ../shared/samples and tests/fixtures/fuzz-regressions.
# Crashes land in fuzz/artifacts/<target>/; keep each one as a regression test (see README).
# Not part of the test command. Needs cargo-fuzz (`cargo install cargo-fuzz`) and a C++ compiler.
# Toolchain: nightly if installed, else stable with RUSTC_BOOTSTRAP=1 (cargo-fuzz passes -Z flags).
# Sanitizer: FUZZ_SANITIZER=address (default) | none.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
ROOT=$PWD
SECONDS_PER_TARGET=${1:-600}
shift || true
ALL=(detect jaeger zipkin otlp otlp_lines dependencies otlp_logs ecs json_logs text_logs loki load)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
SANITIZER=${FUZZ_SANITIZER:-address}

if ! command -v cargo-fuzz >/dev/null; then
  echo "cargo-fuzz is missing: cargo install cargo-fuzz" >&2
  exit 1
fi
if rustup run nightly rustc --version >/dev/null 2>&1; then
  CARGO=(cargo +nightly)
else
  echo "no nightly toolchain: using stable with RUSTC_BOOTSTRAP=1" >&2
  export RUSTC_BOOTSTRAP=1
  CARGO=(cargo +stable)
fi

cd fuzz
echo "== building ${TARGETS[*]} (sanitizer: $SANITIZER, debug assertions on)"
"${CARGO[@]}" fuzz build --sanitizer "$SANITIZER" --debug-assertions
HOST=$(rustc -vV | sed -n 's/^host: //p')

summary=()
status=0
for target in "${TARGETS[@]}"; do
  corpus=corpus/$target
  mkdir -p "$corpus" "artifacts/$target"
  for f in "$ROOT"/../shared/samples/*.json "$ROOT"/../shared/samples/*.jsonl "$ROOT"/tests/fixtures/logs/hotrod.*; do
    [ -e "$f" ] && cp -n "$f" "$corpus/seed-$(basename "$f")"
  done
  for f in "$ROOT"/tests/fixtures/fuzz-regressions/"$target"-*; do
    [ -e "$f" ] && cp -n "$f" "$corpus/$(basename "$f")"
  done
  log=artifacts/$target/last-run.log
  echo "== $target: ${SECONDS_PER_TARGET}s (log: fuzz/$log)"
  start=$(date +%s)
  set +e
  # The binaries built above are run directly: a source change during a long run does not rebuild.
  "target/$HOST/release/$target" "$corpus" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=131072 \
    -dict=json.dict -print_final_stats=1 -artifact_prefix="artifacts/$target/" >"$log" 2>&1
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  line="$target: ${runs:-?} executions in ${elapsed}s, exit $rc"
  [ "$rc" -ne 0 ] && { line="$line — FOUND A PROBLEM, see fuzz/$log and fuzz/artifacts/$target/"; status=1; }
  echo "$line"
  summary+=("$line")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
