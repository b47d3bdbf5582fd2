#!/usr/bin/env bash
# Bare metal (issue 16): tests/embedded/smoke.cpp on an emulated Cortex-M4 (QEMU mps2-an386), built as a
# firmware user builds it: arm-none-eabi-g++ -Os, newlib-nano, -fno-exceptions -fno-rtti, the board's mutex as
# LOGTO_MUTEX (tests/embedded/board_hooks.hpp: a PRIMASK critical section; its clock and entropy callback too),
# the project's warning set with -Werror, and mbedTLS 2.28 compiled for the M4 from Debian's source package
# (the same version as the host's libmbedtls-dev) with tests/embedded/mbedtls_config.h (-DLOGTO_EMBEDDED_SMOKE:
# P-256 and P-384, no RSA, PK, X.509 or TLS). The guest checks reference values (PKCE, sign-in URIs, ES256 /
# ES384 tokens accepted, tampered / forged / expired refused, an Aliyun signature, an Aliyun request sent
# through the board's clock and entropy callback, the library locking through the board's mutex) and exits,
# via semihosting, with the number of failed checks.
#
#   usage: tools/ci/baremetal.sh [BUILD_DIR]     (default build/baremetal)
# Environment: LOGTO_SKIP_INSTALL=1 skips apt (the mbedTLS source is still downloaded once if missing);
# LOGTO_JOBS=N. Prints `N passed, M failed` (guest checks) and the time taken; exit 0 only when all pass.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=${1:-$ROOT/build/baremetal}
mkdir -p "$B" && B=$(cd "$B" && pwd)
JOBS=${LOGTO_JOBS:-$(nproc)}
EMB=$ROOT/tests/embedded
start=$SECONDS
mkdir -p "$B/inc"
fail() { echo "baremetal: $*"; echo "baremetal: took $((SECONDS - start)) s"; echo "0 passed, 1 failed"; exit 1; }

if [ "${LOGTO_SKIP_INSTALL:-0}" != 1 ]; then
  echo "=== baremetal: installing the arm-none-eabi toolchain, newlib and qemu-system-arm (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || fail "apt-get update failed"
  apt-get install -y -q --no-install-recommends gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi \
    libstdc++-arm-none-eabi-newlib qemu-system-arm libmbedtls-dev python3 >"$B/apt.log" 2>&1 ||
    { tail -20 "$B/apt.log"; fail "apt-get install failed"; }
  echo "(baremetal: install took $((SECONDS - start)) s)"
fi

# ---- mbedTLS source: Debian's, the version of the host's libmbedtls-dev (adds a deb-src entry if needed).
src=$(tools/ci/mbedtls_source.sh "$B") || fail "could not unpack Debian's mbedTLS source package"

ARMC=(-Os -mcpu=cortex-m4 -mthumb -ffunction-sections -fdata-sections -DLOGTO_EMBEDDED_SMOKE
      -DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"' -I"$EMB" -I"$src/include" -I"$B/inc")
lib=$B/libmbedcrypto.a
if [ ! -f "$lib" ] || [ "$EMB/mbedtls_config.h" -nt "$lib" ]; then
  echo "=== baremetal: mbedTLS $(sed -n 's/.*MBEDTLS_VERSION_STRING *"\(.*\)".*/\1/p' "$src/include/mbedtls/version.h" | head -1) for the Cortex-M4"
  t0=$SECONDS
  rm -rf "$B/obj" && mkdir -p "$B/obj"
  # mbedTLS's own code is not held to the project's warning set.
  ls "$src"/library/*.c | xargs -P "$JOBS" -I{} sh -c \
    'arm-none-eabi-gcc "$@" -c "{}" -o "'"$B/obj"'/$(basename "{}" .c).o"' _ "${ARMC[@]}" || fail "mbedTLS does not build"
  arm-none-eabi-ar rcs "$lib.tmp" "$B"/obj/*.o && mv "$lib.tmp" "$lib" || fail "arm-none-eabi-ar failed"
  echo "(baremetal: mbedTLS took $((SECONDS - t0)) s)"
fi

echo "=== baremetal: smoke.cpp (arm-none-eabi-g++ $(arm-none-eabi-gcc -dumpversion), -Os, newlib-nano)"
python3 "$EMB/make_fixture.py" "$ROOT" "$B/inc/smoke_fixture.h" || fail "make_fixture.py failed"
WARN=(-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror)
rm -f "$B/smoke.elf"
# -Wno-psabi: GCC's note that the ABI of std::pair<..., std::int64_t> arguments changed in GCC 7.1.
arm-none-eabi-gcc "${ARMC[@]}" -Wall -Wextra -Werror -c "$EMB/support.c" -o "$B/support.o" || fail "support.c does not build"
arm-none-eabi-g++ "${ARMC[@]}" -std=c++17 -fno-exceptions -fno-rtti -DLOGTO_MUTEX_HEADER='"board_hooks.hpp"' \
  -DLOGTO_MUTEX=board::irq_mutex -I"$ROOT/include" -I"$ROOT/tests/support" \
  "${WARN[@]}" -Wno-psabi -c "$EMB/smoke.cpp" -o "$B/smoke.o" || fail "smoke.cpp does not build"
arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb --specs=nano.specs -nostartfiles -T "$EMB/mps2_an386.ld" -Wl,--gc-sections \
  "$B/smoke.o" "$B/support.o" -L"$B" -lmbedcrypto -o "$B/smoke.elf" || fail "smoke.elf does not link"
arm-none-eabi-size "$B/smoke.elf"

echo "=== baremetal: qemu-system-arm -M mps2-an386"
timeout 600 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$B/smoke.elf" >"$B/smoke.log" 2>&1
status=$?
cat "$B/smoke.log"
passed=$(grep -c '^ok - ' "$B/smoke.log")
failed=$(grep -c '^FAIL - ' "$B/smoke.log")
echo "baremetal: guest exit status $status"
# The guest exits with its number of failures; anything else (a fault: 99, a timeout: 124) is one more.
[ "$status" -ne "$failed" ] && failed=$((failed + 1))
[ "$passed" -eq 0 ] && failed=$((failed + 1))
echo "baremetal: took $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
