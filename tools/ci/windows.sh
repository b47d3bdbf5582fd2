#!/usr/bin/env bash
# Windows stage of the test command: the unit suite, the support checks and the examples that need no
# libcurl, cross-built with Debian's mingw-w64 for x86-64 Windows in both thread models and run
# under wine:
#   posix  x86_64-w64-mingw32-g++-posix (winpthreads: std::mutex, std::thread)
#   win32  x86_64-w64-mingw32-g++-win32 (GCC 12: no std::mutex, no std::thread): the library runs on
#          LOGTO_MUTEX = examples/common/win32_mutex.hpp (an SRWLOCK) and the tests that start
#          threads are left out (tests/support/test_threads.hpp)
# Both builds include tests/unit/core_platform_macros.cpp, which reads the library after <windows.h>.
# mbedTLS has no mingw package in Debian: Debian 12's own source package (2.28, unpacked by
# tools/ci/mbedtls_source.sh, as for baremetal and wasm) is built once with
# the mingw C compiler (its C code does not depend on the C++ thread model) into $BUILD/windows/deps,
# and kept there. Catch2 v2 is Debian's header, linked into the same prefix, so that
# no other host header reaches the Windows compiler. wine starts once (a persistent wineserver).
# The examples are built too: their HTTP goes through WinHTTP on Windows (examples/common/
# winhttp_transport.hpp; Debian has no mingw-w64 libcurl), and tools/ci/windows_examples.sh runs the
# device, frame-loop and desktop sign-ins and send_code under wine against the OpenID provider and the
# SMTP server on 127.0.0.1; the Winsock listener, TCP stream and browser opener also run on their own
# (examples/common/loopback_check.cpp), and so are scheme_sign_in's named-pipe callback relay and its
# HKCU\Software\Classes registration (examples/common/scheme_check.cpp).
#
# Environment: LOGTO_SKIP_INSTALL=1 skips apt; LOGTO_BUILD_DIR (default build/test); LOGTO_JOBS.
# Prints "N passed, M failed" and the stage's times; exit status 0 = every test passed.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${LOGTO_BUILD_DIR:-$ROOT/build/test}/windows
JOBS=${LOGTO_JOBS:-$(nproc)}
mkdir -p "$BUILD"
stage_start=$SECONDS
log() { printf '\n=== windows: %s\n' "$*"; }
times=()
lap() { times+=("$1: $(($SECONDS - $2)) s"); }

if [ "${LOGTO_SKIP_INSTALL:-0}" != 1 ]; then
  log "installing mingw-w64, wine and the header-only dependencies (apt)"
  t=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null || exit 1
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    g++-mingw-w64-x86-64-posix g++-mingw-w64-x86-64-win32 wine wine64 cmake ninja-build \
    catch2 dpkg-dev xz-utils ca-certificates >/dev/null || exit 1
  lap install "$t"
fi
after_install=$SECONDS

# ---- dependencies for the Windows compiler: mbedTLS from Debian's source, Catch2 headers
DEPS=$BUILD/deps
if [ ! -f "$DEPS/lib/libmbedcrypto.a" ] || [ ! -f "$DEPS/include/mbedtls/version.h" ]; then
  log "building mbedTLS 2.28 (Debian 12's source package) with mingw-w64"
  t=$SECONDS
  # Debian's source package, unpacked once (tools/ci/mbedtls_source.sh adds the deb-src entry it needs).
  src=$(tools/ci/mbedtls_source.sh "$BUILD/mbedtls-source") || {
    echo "windows: could not unpack Debian's mbedTLS source package" >&2
    echo "0 passed, 1 failed"
    exit 1
  }
  work=$(mktemp -d)
  if ! { cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$ROOT/tools/ci/mingw-w64.cmake" \
           -DLOGTO_MINGW_THREADS=win32 -DENABLE_TESTING=OFF -DENABLE_PROGRAMS=OFF -DUSE_SHARED_MBEDTLS_LIBRARY=OFF \
           -DCMAKE_BUILD_TYPE=Release -DMBEDTLS_FATAL_WARNINGS=OFF -DCMAKE_INSTALL_PREFIX="$DEPS" >"$BUILD/mbedtls.log" 2>&1 &&
         cmake --build "$work/build" -j "$JOBS" >>"$BUILD/mbedtls.log" 2>&1 &&
         cmake --install "$work/build" >>"$BUILD/mbedtls.log" 2>&1; }; then
    tail -20 "$BUILD/mbedtls.log"
    rm -rf "$work"
    echo "0 passed, 1 failed"
    exit 1
  fi
  rm -rf "$work"
  lap "mbedTLS build" "$t"
fi
mkdir -p "$DEPS/include/catch2"
for f in /usr/include/catch2/*; do ln -sfn "$f" "$DEPS/include/catch2/"; done

# ---- wine: one prefix, one persistent wineserver for every run
export WINEDEBUG=-all WINEPREFIX=$BUILD/wineprefix WINEDLLOVERRIDES="mscoree,mshtml="
t=$SECONDS
wineserver -p
wine wineboot --init >/dev/null 2>&1
lap "wine start" "$t"

passed=0
failed=0
failures=()
for model in posix win32; do
  log "build and run: mingw-w64 $model threads"
  t=$SECONDS
  dir=$BUILD/$model
  flags=""
  if [ "$model" = win32 ]; then
    flags="-DLOGTO_MUTEX_HEADER=\\\"$ROOT/examples/common/win32_mutex.hpp\\\" -DLOGTO_MUTEX=logto_examples::win32_mutex"
  fi
  if cmake -S . -B "$dir" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$ROOT/tools/ci/mingw-w64.cmake" \
       -DLOGTO_MINGW_THREADS=$model -DLOGTO_WINDOWS_DEPS="$DEPS" -DCMAKE_CROSSCOMPILING_EMULATOR=wine \
       -DCMAKE_CXX_FLAGS="$flags" -DLOGTO_BUILD_TESTS=ON -DLOGTO_BUILD_EXAMPLES=ON -DLOGTO_INSTALL=OFF \
       -DLOGTO_INCLUDE_HYGIENE=OFF -DLOGTO_INTEROP_TESTS=OFF >"$dir.configure.log" 2>&1 &&
     cmake --build "$dir" -j "$JOBS"; then
    lap "$model build" "$t"
    t=$SECONDS
    (cd "$dir" && ctest -j "$JOBS" --timeout 900 --output-on-failure) | tee "$dir.ctest.log"
    status=${PIPESTATUS[0]}
    n_fail=$(grep -oE '[0-9]+ tests failed out of [0-9]+' "$dir.ctest.log" | awk '{print $1}')
    n_all=$(grep -oE '[0-9]+ tests failed out of [0-9]+' "$dir.ctest.log" | awk '{print $6}')
    passed=$((passed + ${n_all:-0} - ${n_fail:-0}))
    failed=$((failed + ${n_fail:-0}))
    if [ "$status" -ne 0 ]; then
      failures+=("$model: ctest")
      [ "${n_fail:-0}" -eq 0 ] && failed=$((failed + 1))
    fi
    lap "$model tests under wine" "$t"
    t=$SECONDS
    bash tools/ci/windows_examples.sh "$dir" "$model" | tee "$dir.examples.log"
    status=${PIPESTATUS[0]}
    n_pass=$(grep -c '^PASS windows' "$dir.examples.log")
    n_fail=$(grep -c '^FAIL windows' "$dir.examples.log")
    passed=$((passed + n_pass))
    failed=$((failed + n_fail))
    if [ "$status" -ne 0 ]; then
      failures+=("$model: examples against the peers")
      [ "$n_fail" -eq 0 ] && failed=$((failed + 1))
    fi
    lap "$model examples under wine" "$t"
  else
    tail -20 "$dir.configure.log" 2>/dev/null
    failures+=("$model: build")
    failed=$((failed + 1))
  fi
done
wineserver -k 2>/dev/null

log "summary"
for f in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: $f"; done
for l in "${times[@]}"; do echo "  $l"; done
echo "windows stage took $((SECONDS - after_install)) s without install, $((SECONDS - stage_start)) s in all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
