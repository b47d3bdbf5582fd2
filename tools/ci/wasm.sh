#!/usr/bin/env bash
# WebAssembly (issue 18): the library as a sandboxed plug-in or a browser module builds it, run under Node.
#   wasi-noexc   the unit suite for wasm32-wasi (clang 14, wasi-libc, libc++), -fno-exceptions -fno-rtti,
#                LOGTO_NO_THREADS, run under Node's WASI (tests/wasm/run_wasi.mjs)
#   em-exc       the unit suite built with emscripten and C++ exceptions on (-fexceptions), run under Node.
#                WASI cannot have them with Debian's packages: its wasm32 libc++abi is built without
#                exceptions (no __cxa_throw, __cxa_allocate_exception nor an unwinder; README "WebAssembly")
#   wasm_sign_in examples/wasm_sign_in built with emscripten: logto::async_client, HTTP through Node's
#                fetch, a device sign-in against the bundled OpenID provider, approved by this script
# mbedTLS 2.28 is compiled twice from Debian's source package (the version of the host's libmbedtls-dev,
# tools/ci/mbedtls_source.sh), with clang for wasm32-wasi and with emcc, both with
# tests/wasm/mbedtls_user_config.h; the archives are kept in BUILD_DIR. Emscripten's system libraries come
# prebuilt with Debian's package (its frozen cache), so nothing is built into a cache on first use.
#
#   usage: tools/ci/wasm.sh [BUILD_DIR]     (default build/wasm)
# Environment: LOGTO_SKIP_INSTALL=1 skips apt (the mbedTLS source is still downloaded once if missing);
# LOGTO_JOBS=N. Prints `N passed, M failed` (one per leg) and the time taken; exit 0 only when all pass.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=${1:-$ROOT/build/wasm}
mkdir -p "$B" && B=$(cd "$B" && pwd)
JOBS=${LOGTO_JOBS:-$(nproc)}
start=$SECONDS
passed=0
failed=0
die() { echo "wasm: $*"; echo "wasm: took $((SECONDS - start)) s"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
leg() {  # name status
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "wasm: $1 passed"; else failed=$((failed + 1)); echo "wasm: $1 FAILED"; fi
}
# Debian's emscripten runs its JavaScript tools with the node on PATH; a Node.js that is not Debian's
# (NodeSource's 20) does not look in /usr/share/nodejs for Debian's node-acorn.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

if [ "${LOGTO_SKIP_INSTALL:-0}" != 1 ]; then
  echo "=== wasm: installing clang, lld, wasi-libc, libc++ for wasm32 and emscripten (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends clang lld wasi-libc libc++-dev-wasm32 libc++abi-14-dev-wasm32 \
    libclang-rt-dev-wasm32 emscripten cmake ninja-build catch2 libmbedtls-dev dpkg-dev >"$B/apt.log" 2>&1 ||
    { tail -20 "$B/apt.log"; die "apt-get install failed"; }
  echo "(wasm: install took $((SECONDS - start)) s)"
fi
command -v node >/dev/null || die "node is not installed"

# ---- mbedTLS source: Debian's, the version of the host's libmbedtls-dev (adds a deb-src entry if needed).
src=$(tools/ci/mbedtls_source.sh "$B") || die "could not unpack Debian's mbedTLS source package"
USER_CONFIG=$ROOT/tests/wasm/mbedtls_user_config.h
MBEDTLS_FLAGS=(-O2 "-DMBEDTLS_USER_CONFIG_FILE=\"$USER_CONFIG\"" -I"$src/include")

# build_mbedtls DIR CC AR [extra sources...]: libmbedcrypto.a, libmbedx509.a and libmbedtls.a in DIR
# (split as mbedTLS's own Makefile splits them), rebuilt only when the user config changed.
build_mbedtls() {
  local dir=$1 cc=$2 ar=$3 t0=$SECONDS
  shift 3
  [ -f "$dir/libmbedcrypto.a" ] && [ "$dir/libmbedcrypto.a" -nt "$USER_CONFIG" ] && return 0
  echo "=== wasm: mbedTLS $(sed -n 's/.*MBEDTLS_VERSION_STRING *"\(.*\)".*/\1/p' "$src/include/mbedtls/version.h" | head -1) with $cc"
  rm -rf "$dir" && mkdir -p "$dir/obj"
  # Batches of files per compiler call (emcc starts Python for each); mbedTLS is not held to our warnings.
  (cd "$dir/obj" && ls "$src"/library/*.c "$@" | xargs -n 25 -P "$JOBS" nice -n 5 "$cc" "${CC_TARGET[@]}" \
    "${MBEDTLS_FLAGS[@]}" -c) || return 1
  (cd "$dir/obj" && "$ar" rcs ../libmbedx509.a certs.o pkcs11.o x509*.o && "$ar" rcs ../libmbedtls.a debug.o \
    net_sockets.o ssl_*.o && "$ar" rcs ../libmbedcrypto.a $(ls *.o | grep -vE '^(certs|pkcs11|x509.*|debug|net_sockets|ssl_.*)\.o$')) ||
    return 1
  rm -rf "$dir/obj"
  echo "(wasm: took $((SECONDS - t0)) s)"
}
mbedtls_cmake() {  # DIR: the -D options that name mbedTLS built into DIR
  echo "-DMbedTLS_INCLUDE_DIR=$src/include -DMbedTLS_CRYPTO_LIBRARY=$1/libmbedcrypto.a" \
    "-DMbedTLS_X509_LIBRARY=$1/libmbedx509.a -DMbedTLS_TLS_LIBRARY=$1/libmbedtls.a"
}
COMMON_CMAKE=(-G Ninja -DLOGTO_BUILD_TESTS=ON -DLOGTO_INSTALL=OFF -DLOGTO_INTEROP_TESTS=OFF -DLOGTO_BUILD_EXAMPLES=OFF
              -DLOGTO_INCLUDE_HYGIENE=OFF)
DEFS="-DLOGTO_NO_THREADS=1 -DMBEDTLS_USER_CONFIG_FILE='\"$USER_CONFIG\"'"

# run_suite NAME COMMAND...: the unit suite, as ctest runs it on the host
run_suite() {
  local name=$1
  shift
  echo "=== wasm: $name: $*" | sed "s|$B/||g"
  (cd "$B" && "$@" --order rand --warn NoAssertions --use-colour no) >"$B/$name.log" 2>&1
  local status=$?
  grep -vE 'ExperimentalWarning|--trace-warnings' "$B/$name.log" | tail -n 4
  leg "$name" "$status"
}

# ---- 1. wasm32-wasi, no exceptions, under Node's WASI
t0=$SECONDS
CC_TARGET=(--target=wasm32-wasi)
if build_mbedtls "$B/wasi-mbedtls" clang llvm-ar-14 "$ROOT/tests/wasm/wasi_entropy.c"; then
  echo "=== wasm: wasi-noexc: the unit suite (clang++ --target=wasm32-wasi -fno-exceptions -fno-rtti -O2)"
  # shellcheck disable=SC2046
  if cmake -S . -B "$B/wasi-noexc" "${COMMON_CMAKE[@]}" -DCMAKE_TOOLCHAIN_FILE="$ROOT/tests/wasm/wasi.cmake" \
       -DCMAKE_CXX_FLAGS="-fno-exceptions -fno-rtti -O2 -DCATCH_CONFIG_NO_POSIX_SIGNALS $DEFS" \
       $(mbedtls_cmake "$B/wasi-mbedtls") >"$B/wasi-noexc.configure.log" 2>&1 &&
     nice -n 5 cmake --build "$B/wasi-noexc" -j "$JOBS" --target logto_unit_tests; then
    run_suite wasi-noexc node "$ROOT/tests/wasm/run_wasi.mjs" "$B/wasi-noexc/tests/logto_unit_tests"
  else
    tail -20 "$B/wasi-noexc.configure.log"
    leg "wasi-noexc (build)" 1
  fi
else
  leg "wasi-noexc (mbedTLS)" 1
fi
echo "(wasm: wasi-noexc took $((SECONDS - t0)) s)"

# ---- 2. emscripten, with exceptions, under Node
t0=$SECONDS
CC_TARGET=()
mkdir -p "$B/inc"
# Emscripten's sysroot does not search /usr/include: Catch2 (header-only) is copied (-p: its dates kept, so
# that a second run rebuilds nothing).
cp -rp /usr/include/catch2 "$B/inc/"
EM_LINK="-fexceptions -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH=1 -sWASM_ASYNC_COMPILATION=0 -sTOTAL_STACK=8388608"
if build_mbedtls "$B/em-mbedtls" emcc emar; then
  # -O0: this leg is about exceptions and emscripten's own libc++; optimised builds are the WASI leg and
  # the host configs, and -O0 halves the compile time and skips wasm-opt on a 5 MB module.
  echo "=== wasm: em-exc: the unit suite (em++ $(emcc -dumpversion) -fexceptions -O0)"
  # -sWASM_ASYNC_COMPILATION=0: emscripten 3.1.6's loader would fetch() the .wasm by path under Node 20.
  # shellcheck disable=SC2046
  if emcmake cmake -S . -B "$B/em-exc" "${COMMON_CMAKE[@]}" -DCMAKE_CXX_FLAGS="-fexceptions -O0 $DEFS" \
       -DCMAKE_EXE_LINKER_FLAGS="$EM_LINK" -DLOGTO_CATCH2_V2_DIR="$B/inc" \
       $(mbedtls_cmake "$B/em-mbedtls") >"$B/em-exc.configure.log" 2>&1 &&
     nice -n 5 cmake --build "$B/em-exc" -j "$JOBS" --target logto_unit_tests; then
    run_suite em-exc node "$B/em-exc/tests/logto_unit_tests.js"
  else
    tail -20 "$B/em-exc.configure.log"
    leg "em-exc (build)" 1
  fi
else
  leg "em-exc (mbedTLS)" 1
fi
echo "(wasm: em-exc took $((SECONDS - t0)) s)"

# ---- 3. examples/wasm_sign_in: emscripten module + fetch, against the bundled provider
t0=$SECONDS
ex=$ROOT/examples/wasm_sign_in
echo "=== wasm: wasm_sign_in (em++ -fno-exceptions -fno-rtti -O2, the project's warnings, -Werror)"
if [ -f "$B/em-mbedtls/libmbedcrypto.a" ] &&
   nice -n 5 em++ -std=c++17 -O2 -fno-exceptions -fno-rtti -DLOGTO_NO_THREADS=1 -Wall -Wextra -Wpedantic -Wconversion \
     -Wshadow -Werror -I"$ROOT/include" -I"$B/inc" -isystem "$src/include" "-DMBEDTLS_USER_CONFIG_FILE=\"$USER_CONFIG\"" \
     "$ex/main.cpp" "$B/em-mbedtls/libmbedtls.a" "$B/em-mbedtls/libmbedx509.a" "$B/em-mbedtls/libmbedcrypto.a" \
     --js-library "$ex/fetch_transport.js" -sMODULARIZE=1 -sEXPORT_NAME=createLogtoModule --no-entry \
     -sEXPORTED_FUNCTIONS=_logto_wasm_start,_logto_wasm_tick,_logto_wasm_response,_logto_wasm_network_error,_malloc,_free \
     -sEXPORTED_RUNTIME_METHODS=ccall -sALLOW_MEMORY_GROWTH=1 -o "$B/wasm_sign_in.js"; then
  ls -l "$B/wasm_sign_in.js" "$B/wasm_sign_in.wasm" | awk '{print "  " $5 " bytes  " $NF}' | sed "s|$B/||"
  work=$(mktemp -d)
  node tests/interop/provider/server.mjs --port 0 --ready-file "$work/ready" --device-interval 1 \
    >/dev/null 2>"$work/provider.log" &
  provider=$!
  for _ in $(seq 600); do
    [ -s "$work/ready" ] || ! kill -0 "$provider" 2>/dev/null && break
    sleep 0.1
  done
  endpoint=$(sed -n -e 's/.*"endpoint":"\([^"]*\)".*/\1/p' "$work/ready" 2>/dev/null)
  if [ -n "$endpoint" ]; then
    timeout 180 node "$ex/host.mjs" "$B/wasm_sign_in.js" --endpoint "$endpoint" --app-id test-native-app \
      --resource https://api.example.com --auto-approve | tee "$B/wasm_sign_in.log"
    status=${PIPESTATUS[0]}
    # The provider's test user, and a token for the resource: the run really signed in.
    grep -q '^signed in: sub user_123$' "$B/wasm_sign_in.log" &&
      grep -qE '^access token for https://api.example.com: [1-9][0-9]* bytes$' "$B/wasm_sign_in.log" || status=1
    leg wasm_sign_in "$status"
  else
    cat "$work/provider.log"
    leg "wasm_sign_in (the provider did not start)" 1
  fi
  kill "$provider" 2>/dev/null
  wait "$provider" 2>/dev/null
  rm -rf "$work"
else
  leg "wasm_sign_in (build)" 1
fi
echo "(wasm: wasm_sign_in took $((SECONDS - t0)) s)"

echo "wasm: took $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
