#!/usr/bin/env bash
# CI stage: builds every libFuzzer target in fuzz/ (clang, -fsanitize=fuzzer,address,undefined), replays
# the checked-in seed corpora and the saved regressions (fuzz/regressions/<target>/) as regression tests,
# then runs each target for a bounded number of executions (LOGTO_FUZZ_RUNS, default 4000) starting from
# its corpus. Prints `N passed, M failed` and the stage's time. Exit 0 only when everything passed.
#
# Environment: LOGTO_SKIP_INSTALL=1 skips apt-get; LOGTO_FUZZ_BUILD_DIR (default build/fuzz);
# LOGTO_FUZZ_RUNS; LOGTO_JOBS (default nproc). tools/fuzz_long.sh runs the targets for longer.
set -uo pipefail
shopt -s nullglob
cd "$(dirname "$0")/../.."
ROOT=$PWD
start=$SECONDS
BUILD=${LOGTO_FUZZ_BUILD_DIR:-$ROOT/build/fuzz}
RUNS=${LOGTO_FUZZ_RUNS:-4000}
JOBS=${LOGTO_JOBS:-$(nproc)}

if [ "${LOGTO_SKIP_INSTALL:-0}" != 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || exit 1
  # clang brings libFuzzer and the sanitizer runtimes (libclang-rt-14-dev) on Debian 12.
  apt-get install -y -q --no-install-recommends cmake ninja-build clang libclang-rt-14-dev libmbedtls-dev \
    picojson-dev python3 || exit 1
fi

echo "=== fuzz: build ($BUILD)"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DLOGTO_BUILD_FUZZERS=ON \
  -DLOGTO_BUILD_TESTS=OFF -DLOGTO_BUILD_EXAMPLES=OFF -DLOGTO_INSTALL=OFF >/dev/null || exit 1
cmake --build "$BUILD" -j "$JOBS" || { echo "0 passed, 1 failed (build)"; exit 1; }
build_time=$((SECONDS - start))

targets=$(cd fuzz && ls *.cpp | sed 's/\.cpp$//')  # one target per source file (fuzz/CMakeLists.txt)
passed=0
failed=0
failures=()
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_target() {  # target -> writes $work/<target>.status and .log
  local t=$1 bin=$BUILD/fuzz/fuzz_$1 status=0
  local corpus=$ROOT/fuzz/corpus/$t regressions=$ROOT/fuzz/regressions/$t
  {
    # Regression replay: every seed and every saved finding must pass.
    local inputs=("$corpus"/*)
    [ -d "$regressions" ] && inputs+=("$regressions"/*)
    "$bin" -runs=0 "${inputs[@]}" || status=1  # 1: a checked-in input fails
    # Bounded fuzzing from the corpus (into a scratch copy, so the checked-in corpus stays as it is).
    if [ $status -eq 0 ]; then
      mkdir -p "$work/$t" && cp "$corpus"/* "$work/$t"/
      "$bin" -runs="$RUNS" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/$t-" \
        -print_final_stats=1 "$work/$t" || status=2  # 2: fuzzing found a new input
    fi
  } >"$work/$t.log" 2>&1
  echo $status >"$work/$t.status"
}

echo "=== fuzz: replay corpora + $RUNS runs per target ($JOBS at a time)"
running=0
for t in $targets; do
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait
for t in $targets; do
  st=$(cat "$work/$t.status" 2>/dev/null)
  if [ "$st" = 0 ]; then
    passed=$((passed + 1))
    printf '  %-20s ok   %s\n' "$t" "$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$') execs"
  else
    failed=$((failed + 1))
    failures+=("$t")
    where="while fuzzing"
    [ "$st" = 1 ] && where="replaying $(grep 'Running: ' "$work/$t.log" | tail -1 | sed 's/^Running: //')"
    printf '  %-20s FAILED %s\n' "$t" "$where"
    grep -A12 'PROPERTY VIOLATED\|ERROR: ' "$work/$t.log" | head -30 | sed 's/^/    /'
    for a in "$work/$t"-*; do  # kept, and printed, since $work is removed on exit
      mkdir -p "$BUILD/artifacts" && cp "$a" "$BUILD/artifacts/"
      echo "    artifact: $BUILD/artifacts/$(basename "$a") (base64: $(head -c 4096 "$a" | base64 -w0))"
    done
  fi
done
echo "fuzz stage: build ${build_time}s, total $((SECONDS - start))s"
[ "$failed" -eq 0 ] || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
