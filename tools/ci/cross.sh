#!/usr/bin/env bash
# Other CPUs (issue 16): the unit suite cross-built with Debian's cross compilers and run under qemu-user.
#   armhf  32-bit ARM (4-byte size_t and long, unsigned char), at -O3: the level where GCC 12 for ARM
#          once reported core/result.hpp's tagged union as maybe-uninitialized
#   s390x  64-bit big-endian, at -O2
# Both with the project's warning set and -Werror (tests/CMakeLists.txt), against Debian's multiarch
# libmbedtls-dev:<arch>; Catch2 v2 is header-only and comes from the host's /usr/include.
#
#   usage: tools/ci/cross.sh [BUILD_DIR]     (default build/cross)
# Environment: LOGTO_SKIP_INSTALL=1 skips apt; LOGTO_CROSS_ARCHES="armhf" picks targets; LOGTO_JOBS=N.
# Prints `N passed, M failed` (ctest tests, all targets) and the time taken; exit 0 only when all pass.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${1:-$ROOT/build/cross}
mkdir -p "$BUILD" && BUILD=$(cd "$BUILD" && pwd)
JOBS=${LOGTO_JOBS:-$(nproc)}
ARCHES=${LOGTO_CROSS_ARCHES:-"armhf s390x"}
start=$SECONDS
mkdir -p "$BUILD"

declare -A TRIPLET=([armhf]=arm-linux-gnueabihf [s390x]=s390x-linux-gnu)
declare -A CPU=([armhf]=arm [s390x]=s390x)
declare -A QEMU=([armhf]=qemu-arm [s390x]=qemu-s390x)
# -Wno-psabi: silences GCC's notes that argument passing changed in GCC 7.1 (nothing here links older code).
declare -A OPT=([armhf]="-O3 -Wno-psabi" [s390x]=-O2)

if [ "${LOGTO_SKIP_INSTALL:-0}" != 1 ]; then
  echo "=== cross: installing cross compilers, qemu-user and libmbedtls-dev for $ARCHES (apt)"
  export DEBIAN_FRONTEND=noninteractive
  pkgs=(cmake ninja-build catch2 qemu-user)
  for a in $ARCHES; do
    dpkg --add-architecture "$a" || exit 1
    pkgs+=("g++-${TRIPLET[$a]}" "libmbedtls-dev:$a")
  done
  apt-get update -q >/dev/null || exit 1
  apt-get install -y -q --no-install-recommends "${pkgs[@]}" >"$BUILD/apt.log" 2>&1 || { tail -20 "$BUILD/apt.log"; exit 1; }
  echo "(cross: install took $((SECONDS - start)) s)"
fi

passed=0
failed=0
for a in $ARCHES; do
  t=${TRIPLET[$a]}
  dir=$BUILD/$a
  t0=$SECONDS
  echo "=== cross: $a ($t-g++ ${OPT[$a]}, run under ${QEMU[$a]})"
  # Linked statically: Debian 12's qemu-user (7.2) crashes in a dynamically linked pthread_create, on
  # both targets, even for a five-line program (the unit suite starts threads); static binaries run.
  # So mbedTLS is named by its static archives in /usr/lib/$t (Debian multiarch) rather than searched.
  lib=/usr/lib/$t
  if cmake -S . -B "$dir" -G Ninja -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="${CPU[$a]}" \
       -DCMAKE_CXX_COMPILER="$t-g++" -DCMAKE_CXX_FLAGS="${OPT[$a]}" -DCMAKE_EXE_LINKER_FLAGS=-static \
       -DMbedTLS_CRYPTO_LIBRARY="$lib/libmbedcrypto.a" -DMbedTLS_X509_LIBRARY="$lib/libmbedx509.a" \
       -DMbedTLS_TLS_LIBRARY="$lib/libmbedtls.a" -DCMAKE_CROSSCOMPILING_EMULATOR="${QEMU[$a]}" \
       -DLOGTO_BUILD_TESTS=ON -DLOGTO_INSTALL=OFF -DLOGTO_INTEROP_TESTS=OFF -DLOGTO_BUILD_EXAMPLES=OFF \
       -DLOGTO_INCLUDE_HYGIENE=OFF >"$dir.configure.log" 2>&1 &&
     nice -n 5 cmake --build "$dir" -j "$JOBS"; then
    # single_header_in_sync is a host-side Python check; the host builds run it.
    (cd "$dir" && ctest -j "$JOBS" --timeout 900 -E '^single_header_in_sync$') | tee "$dir.ctest.log"
    n=$(grep -oE '[0-9]+ tests failed out of [0-9]+' "$dir.ctest.log" | awk '{print $6 - $1, $1}')
    read -r p f <<<"${n:-0 1}"
    passed=$((passed + p))
    failed=$((failed + f))
  else
    tail -20 "$dir.configure.log"
    echo "cross: $a does not build"
    failed=$((failed + 1))
  fi
  echo "(cross $a took $((SECONDS - t0)) s)"
done
echo "cross: took $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
