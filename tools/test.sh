#!/usr/bin/env bash
# logto-cpp's test command (README "Run every test"; .ci/run calls it).
#
# On a fresh Debian 12 machine as root it installs what it needs (apt, then npm for the test peers),
# then builds and runs the whole matrix:
#   gcc        g++, include/, -Werror, unit + include hygiene (every public header alone; also in clang-noexc) + interop (real OpenID provider, real SMTP
#              server, official Logto connectors as oracles) + examples + the JOSE/crypto tests again with the OpenSSL 3 backend
#   gcc-single g++, single_include/ (the whole unit suite against the amalgamation)
#   gcc-noexc  g++, -fno-exceptions -fno-rtti, -O2 -D_GLIBCXX_ASSERTIONS
#   clang      clang++, -O2 -flto
#   clang-noexc clang++, -fno-exceptions -fno-rtti, -O3
#   asan       clang++, AddressSanitizer + UndefinedBehaviorSanitizer
#   cxx20      g++, -std=c++20, -O3
#   mbedtls3   g++ against mbedTLS 3.6 (built from Debian trixie's source package by tools/mbedtls3.sh):
#              unit tests, the SMTP TLS interop and one client interop run
# then the packaging consumers (tests/packaging/run.sh) and the API reference (docs/build.sh).
# Every build uses -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror.
#
# Further stages, each a script under tools/ci/ that installs what it needs, prints `N passed, M failed`
# and exits non-zero on failure (see README "What the test command checks"). Cheap checks run first;
# each stage's time is printed at the end so the 45-minute budget stays visible:
#   format     clang-format check of every tracked C/C++ file          (first: seconds)
#   analyse    clang-tidy (.clang-tidy) and cppcheck over the library    (first)
#   cross      the unit suite for armhf (-O3) and s390x (big-endian, -O2) under qemu-user
#   baremetal  tests/embedded/smoke.cpp on a Cortex-M4 (QEMU mps2-an386), reference values
#   windows    the unit suite and examples for Windows (mingw-w64, both thread models) under wine
#   wasm       the unit suite for wasm32-wasi (no exceptions) and with emscripten (exceptions) under Node,
#              and examples/wasm_sign_in (emscripten, the host's fetch) against the bundled provider
#   fuzz       every libFuzzer target: corpus and regression replay, then bounded runs
#
# Environment: LOGTO_SKIP_INSTALL=1 skips apt/npm; LOGTO_CONFIGS="gcc clang" runs only those builds ("none": none);
# LOGTO_STAGES="fuzz cross" runs only those extra stages (default: all; "none" for none);
# LOGTO_JOBS=N parallel jobs (default: nproc).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JOBS=${LOGTO_JOBS:-$(nproc)}
BUILD=${LOGTO_BUILD_DIR:-$ROOT/build/test}
mkdir -p "$BUILD"
export CTEST_OUTPUT_ON_FAILURE=1

log() { printf '\n=== %s\n' "$*"; }

if [ "${LOGTO_SKIP_INSTALL:-0}" != 1 ]; then
  log "installing build and test dependencies (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || exit 1
  pkgs=(cmake ninja-build meson pkg-config g++ clang libmbedtls-dev catch2 libcurl4-openssl-dev libssl-dev
        python3 doxygen openssl ca-certificates bzip2 xz-utils dpkg-dev
        libsdl2-dev libqrencode-dev xvfb xauth zbar-tools xdg-utils curl  # game_sign_in, scheme_sign_in
        libcpp-httplib-dev)  # api_server
  command -v node >/dev/null 2>&1 || pkgs+=(nodejs npm)
  apt-get install -y -q --no-install-recommends "${pkgs[@]}" || exit 1
  log "installing the test peers (npm ci)"
  (cd tests/interop && npm ci --no-audit --no-fund) || exit 1
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
interop=ON
if [ "$node_major" -lt 20 ] || [ ! -d tests/interop/node_modules ]; then
  echo "WARNING: Node.js >= 20 with tests/interop/node_modules is needed for the interop tests; they are skipped" >&2
  interop=OFF
fi

declare -A CXX FLAGS EXTRA FILTER
CXX[gcc]=g++;           FLAGS[gcc]="";                              EXTRA[gcc]="-DLOGTO_INTEROP_TESTS=$interop -DLOGTO_BUILD_EXAMPLES=ON -DLOGTO_OPENSSL_TESTS=ON"
CXX[gcc-single]=g++;    FLAGS[gcc-single]="";                       EXTRA[gcc-single]="-DLOGTO_SINGLE_HEADER=ON -DLOGTO_BUILD_EXAMPLES=OFF -DLOGTO_INCLUDE_HYGIENE=OFF"
CXX[gcc-noexc]=g++;     FLAGS[gcc-noexc]="-fno-exceptions -fno-rtti -O2 -D_GLIBCXX_ASSERTIONS"
EXTRA[gcc-noexc]="-DLOGTO_BUILD_EXAMPLES=OFF -DLOGTO_INCLUDE_HYGIENE=OFF"
CXX[clang]=clang++;     FLAGS[clang]="-O2 -flto";                   EXTRA[clang]="-DLOGTO_BUILD_EXAMPLES=ON -DLOGTO_INCLUDE_HYGIENE=OFF"
CXX[clang-noexc]=clang++; FLAGS[clang-noexc]="-fno-exceptions -fno-rtti -O3"
EXTRA[clang-noexc]="-DLOGTO_BUILD_EXAMPLES=OFF"
CXX[asan]=clang++;      FLAGS[asan]="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
EXTRA[asan]="-DLOGTO_BUILD_EXAMPLES=OFF -DLOGTO_INCLUDE_HYGIENE=OFF -DCMAKE_BUILD_TYPE=Debug"
CXX[cxx20]=g++;         FLAGS[cxx20]="-O3";                         EXTRA[cxx20]="-DCMAKE_CXX_STANDARD=20 -DLOGTO_BUILD_EXAMPLES=OFF -DLOGTO_INCLUDE_HYGIENE=OFF"
MBEDTLS3_PREFIX=$BUILD/mbedtls3-prefix
CXX[mbedtls3]=g++;      FLAGS[mbedtls3]=""
EXTRA[mbedtls3]="-DCMAKE_PREFIX_PATH=$MBEDTLS3_PREFIX -DLOGTO_INTEROP_TESTS=$interop -DLOGTO_BUILD_EXAMPLES=OFF -DLOGTO_INCLUDE_HYGIENE=OFF"
FILTER[mbedtls3]="^(unit|interop\.smtp\.client|interop\.client\.es384)$"
CONFIGS=${LOGTO_CONFIGS:-"gcc gcc-single gcc-noexc clang clang-noexc asan cxx20 mbedtls3"}

passed=0
failed=0
failures=()
timings=()
record() {  # name status
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}
# Runs tools/ci/NAME.sh when LOGTO_STAGES selects it; adds its `N passed, M failed` line to the totals.
STAGES=${LOGTO_STAGES:-all}
stage_selected() { [ "$STAGES" = all ] || [[ " $STAGES " == *" $1 "* ]]; }
run_stage() {  # name [args...]
  local name=$1 script=tools/ci/$1.sh start=$SECONDS status line
  shift
  stage_selected "$name" || return 0
  [ -f "$script" ] || return 0
  log "stage $name ($script)"
  bash "$script" "$@" 2>&1 | tee "$BUILD/stage-$name.log"
  status=${PIPESTATUS[0]}
  line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$BUILD/stage-$name.log" | tail -n 1 | sed -E 's/^[A-Za-z-]+: //')
  if [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | awk '{print $1}')))
    failed=$((failed + $(echo "$line" | awk '{print $3}')))
  fi
  if [ "$status" -ne 0 ]; then
    failures+=("stage $name")
    [ -z "$line" ] && failed=$((failed + 1))
  elif [ -z "$line" ]; then
    passed=$((passed + 1))
  fi
  timings+=("$(printf '%-14s %5d s' "$name" $((SECONDS - start)))")
}

# Cheap checks first: they fail in seconds.
run_stage format
run_stage analyse

for cfg in $CONFIGS; do
  [ "$cfg" = packaging ] && continue  # not a build; see below
  [ "$cfg" = none ] && continue       # LOGTO_CONFIGS=none: stages only
  log "build $cfg (${CXX[$cfg]} ${FLAGS[$cfg]})"
  dir=$BUILD/$cfg
  start=$SECONDS
  if [ "$cfg" = mbedtls3 ] && ! tools/mbedtls3.sh "$MBEDTLS3_PREFIX"; then
    record "mbedtls3: could not build mbedTLS 3.x from Debian's source package" 1
    continue
  fi
  if cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="${CXX[$cfg]}" -DCMAKE_CXX_FLAGS="${FLAGS[$cfg]}" \
       -DLOGTO_BUILD_TESTS=ON -DLOGTO_INSTALL=OFF ${EXTRA[$cfg]} >"$dir.configure.log" 2>&1 &&
     cmake --build "$dir" -j "$JOBS"; then
    filter=()
    [ -n "${FILTER[$cfg]:-}" ] && filter=(-R "${FILTER[$cfg]}")
    (cd "$dir" && ctest -j "$JOBS" --timeout 600 "${filter[@]+"${filter[@]}"}") | tee "$dir.ctest.log"
    status=${PIPESTATUS[0]}
    n_pass=$(grep -oE '[0-9]+ tests failed out of [0-9]+' "$dir.ctest.log" | awk '{print $6 - $1}')
    n_fail=$(grep -oE '[0-9]+ tests failed out of [0-9]+' "$dir.ctest.log" | awk '{print $1}')
    passed=$((passed + ${n_pass:-0}))
    failed=$((failed + ${n_fail:-0}))
    if [ "$status" -ne 0 ]; then
      failures+=("$cfg: ctest")
      [ "${n_fail:-0}" -eq 0 ] && failed=$((failed + 1))
    fi
  else
    cat "$dir.configure.log" 2>/dev/null | tail -20
    record "$cfg: build" 1
  fi
  echo "($cfg took $((SECONDS - start)) s)"
  timings+=("$(printf '%-14s %5d s' "$cfg" $((SECONDS - start)))")
done

run_stage cross "$BUILD/cross"
run_stage baremetal "$BUILD/baremetal"
run_stage windows
run_stage wasm "$BUILD/wasm"
LOGTO_FUZZ_BUILD_DIR=$BUILD/fuzz LOGTO_JOBS=$JOBS run_stage fuzz

if [ -z "${LOGTO_CONFIGS:-}" ] || [[ " ${LOGTO_CONFIGS} " == *" packaging "* ]]; then
  if [ -x tests/packaging/run.sh ]; then
    log "packaging consumers"
    pkgdir=$(mktemp -d)  # the consumers must live outside the source tree
    start=$SECONDS
    tests/packaging/run.sh "$pkgdir" | tee "$BUILD/packaging.log"
    record "packaging consumers" "${PIPESTATUS[0]}"
    rm -rf "$pkgdir"
    timings+=("$(printf '%-14s %5d s' packaging $((SECONDS - start)))")
  fi
  if [ -x docs/build.sh ]; then
    log "API reference (Doxygen, warnings are errors)"
    start=$SECONDS
    docs/build.sh "$BUILD/docs"
    record "doxygen" $?
    timings+=("$(printf '%-14s %5d s' doxygen $((SECONDS - start)))")
  fi
fi

log "stage times"
for t in "${timings[@]+"${timings[@]}"}"; do echo "$t"; done
printf '%-14s %5d s\n' total "$SECONDS"

log "summary"
for f in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
