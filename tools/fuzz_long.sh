#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for longer than the CI stage: LOGTO_FUZZ_SECONDS per target
# (default 600), LOGTO_JOBS at a time (default 2), niced, each from its checked-in corpus into a
# working corpus under build/fuzz-long/<target> (kept between runs, so runs accumulate). Crashes do not
# stop a run (-fork=1 -ignore_crashes=1); their inputs land in build/fuzz-long/<target>-crash-*.
# Builds with tools/ci/fuzz.sh's configuration first. Usage: tools/fuzz_long.sh [target...]
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${LOGTO_FUZZ_BUILD_DIR:-$ROOT/build/fuzz}
OUT=$ROOT/build/fuzz-long
SECS=${LOGTO_FUZZ_SECONDS:-600}
JOBS=${LOGTO_JOBS:-2}
mkdir -p "$OUT"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DLOGTO_BUILD_FUZZERS=ON \
  -DLOGTO_BUILD_TESTS=OFF -DLOGTO_BUILD_EXAMPLES=OFF -DLOGTO_INSTALL=OFF >/dev/null || exit 1
nice -n 5 cmake --build "$BUILD" -j "$JOBS" || exit 1
targets=${*:-$(cd fuzz && ls *.cpp | sed 's/\.cpp$//')}

run() {
  local t=$1
  mkdir -p "$OUT/$t" && cp -n "$ROOT/fuzz/corpus/$t"/* "$OUT/$t"/
  nice -n 5 "$BUILD/fuzz/fuzz_$t" -fork=1 -ignore_crashes=1 -max_total_time="$SECS" -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$OUT/$t-" "$OUT/$t" >"$OUT/$t.log" 2>&1
  # the last status line: executions, coverage (cov), features (ft), corpus, crashes
  printf '%-20s %s\n' "$t" "$(grep -E '^#[0-9]+: cov:' "$OUT/$t.log" | tail -1)"
}
running=0
for t in $targets; do
  run "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait
echo "logs and findings: $OUT"
