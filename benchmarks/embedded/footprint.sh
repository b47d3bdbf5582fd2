#!/usr/bin/env bash
# Footprint per feature (issue 18), in one command:
#   1. the Cortex-M4 size table: each row of size/ (and the issue's smoke, ../with_logto.cpp) compiled as a
#      firmware user compiles it (arm-none-eabi-g++ -Os -mcpu=cortex-m4 -mthumb -fno-exceptions -fno-rtti,
#      -ffunction-sections -fdata-sections, LOGTO_NO_THREADS, newlib-nano, --gc-sections) and linked against
#      mbedTLS 2.28 built from Debian's source with tests/embedded/mbedtls_config.h; flash (text + data) and
#      static RAM (data + bss) from arm-none-eabi-size, next to bare mbedTLS doing the same crypto (size/base.cpp);
#   2. where the flash of the smoke goes, per symbol and per archive member (footprint_report.py, from the
#      linker map and arm-none-eabi-nm);
#   3. peak heap per operation of a sign-in (heap_peak.cpp with a counting allocator, on the Cortex-M4 under
#      QEMU mps2-an386 and on the host).
# Writes benchmarks/results/footprint.md (and prints it), and the short table between the footprint markers of
# README.md (FOOTPRINT_README=0 leaves README.md alone). Nothing in either is typed in by hand.
#
#   usage: benchmarks/embedded/footprint.sh [BUILD_DIR]      (default build/footprint)
# Exit status 0 when every row built and every heap run completed.
# Environment: LOGTO_SKIP_INSTALL=1 skips apt; LOGTO_JOBS=N (default 2); FOOTPRINT_OUT=path (default
# benchmarks/results/footprint.md).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/benchmarks/embedded
EMB=$ROOT/tests/embedded
B=${1:-$ROOT/build/footprint}
mkdir -p "$B" && B=$(cd "$B" && pwd)
JOBS=${LOGTO_JOBS:-2}
OUT=${FOOTPRINT_OUT:-$ROOT/benchmarks/results/footprint.md}
start=$SECONDS
fail() { echo "footprint: $*" >&2; exit 1; }

if [ "${LOGTO_SKIP_INSTALL:-0}" != 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || fail "apt-get update failed"
  apt-get install -y -q --no-install-recommends gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi \
    libstdc++-arm-none-eabi-newlib qemu-system-arm g++ libmbedtls-dev python3 >"$B/apt.log" 2>&1 ||
    { tail -20 "$B/apt.log"; fail "apt-get install failed"; }
fi
src=$(tools/ci/mbedtls_source.sh "$B") || fail "could not unpack Debian's mbedTLS source package"
mkdir -p "$B/inc"

ARMC=(-Os -mcpu=cortex-m4 -mthumb -ffunction-sections -fdata-sections -DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"'
      -I"$EMB" -I"$src/include")
ARMCXX=("${ARMC[@]}" -std=c++17 -fno-exceptions -fno-rtti -DLOGTO_NO_THREADS=1 -I"$ROOT/include" -I"$HERE/size"
        -I"$B/inc" -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror -Wno-psabi)
ARMLD=(-mcpu=cortex-m4 -mthumb --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections)

# ---- three mbedTLS libraries from the same sources: es (P-256, no RSA/PK/X.509/TLS: the device config),
# rsa (+ RSA, PK, OID), tls (+ TLS 1.2 client, X.509, GCM).
# And p384 (es + P-384: the bare-metal smoke's configuration) for the heap measurement's ES384 token.
lib_flag() {
  case "$1" in
    es) ;; rsa) echo -DBENCH_MBEDTLS_RSA ;; tls) echo -DBENCH_MBEDTLS_TLS ;; p384) echo -DLOGTO_EMBEDDED_SMOKE ;;
  esac
}
t0=$SECONDS
for lib in es rsa tls p384; do
  a=$B/lib-$lib/libmbedcrypto.a
  [ -f "$a" ] && [ "$a" -nt "$EMB/mbedtls_config.h" ] && continue
  rm -rf "$B/lib-$lib" && mkdir -p "$B/lib-$lib/obj"
  # shellcheck disable=SC2046
  ls "$src"/library/*.c | xargs -P "$JOBS" -I{} sh -c \
    'arm-none-eabi-gcc "$@" -c "{}" -o "'"$B/lib-$lib/obj"'/$(basename "{}" .c).o"' _ "${ARMC[@]}" $(lib_flag $lib) ||
    fail "mbedTLS ($lib) does not build"
  arm-none-eabi-ar rcs "$a" "$B/lib-$lib"/obj/*.o || fail "arm-none-eabi-ar failed"
done
mbedtls_s=$((SECONDS - t0))

# ---- the rows: name | label | source | library | extra flags | baseline row
# Baselines are rows too (size/base.cpp with BASE_* macros); a row's "same crypto" names one of them.
ROWS=$(cat <<'EOF'
b_empty|empty program (startup, newlib-nano)|size/base.cpp|es||
b_sha|bare mbedTLS: SHA-256|size/base.cpp|es|-DBASE_SHA256|
b_es|bare mbedTLS: SHA-256 + ECDSA P-256 verify|size/base.cpp|es|-DBASE_SHA256 -DBASE_ES256|
b_rs|bare mbedTLS: SHA-256 + ECDSA P-256 + RSA PKCS#1 v1.5 verify|size/base.cpp|rsa|-DBASE_SHA256 -DBASE_ES256 -DBASE_RS256|
b_hmac1|bare mbedTLS: HMAC-SHA1|size/base.cpp|es|-DBASE_HMAC_SHA1|
b_hmac256|bare mbedTLS: HMAC-SHA256 + SHA-256|size/base.cpp|es|-DBASE_HMAC_SHA256|
b_tls|bare mbedTLS: TLS 1.2 client handshake + X.509|size/base.cpp|tls|-DBASE_TLS|
smoke1|issue 18 smoke (1): bare ES256 verify (../mbedtls_only.cpp)|mbedtls_only.cpp|es||
smoke2|issue 18 smoke (2): PKCE + sign-in URI + JWKS + ES256 ID token (../with_logto.cpp)|with_logto.cpp|es||smoke1
smoke2_nostdio|the same with LOGTO_NO_STDIO (no stderr message before abort on a failed result access)|with_logto.cpp|es|-DLOGTO_NO_STDIO|smoke1
smoke2_small|firmware settings: LOGTO_NO_STDIO + LOGTO_JSON_SMALL_NUMBERS (no general decimal conversion)|with_logto.cpp|es|-DLOGTO_NO_STDIO -DLOGTO_JSON_SMALL_NUMBERS=1|smoke1
oidc|OIDC steps: PKCE + sign-in URI + callback parse|size/oidc.cpp|es||b_sha
exchange|+ code exchange: token request + token response parse|size/oidc.cpp|es|-DROW_CODE_EXCHANGE|b_sha
es256|+ JOSE: JWKS + ES256 ID-token verify|size/oidc.cpp|es|-DROW_CODE_EXCHANGE -DROW_VERIFY|b_es
rs256|+ RS256 (mbedTLS with RSA, PK)|size/oidc.cpp|rsa|-DROW_CODE_EXCHANGE -DROW_VERIFY|b_rs
client|client core: sign-in + callback over an in-memory transport|size/client.cpp|es||b_es
client_small|the same, firmware settings (LOGTO_NO_STDIO + LOGTO_JSON_SMALL_NUMBERS)|size/client.cpp|es|-DLOGTO_NO_STDIO -DLOGTO_JSON_SMALL_NUMBERS=1|b_es
aliyun_sms|connector aliyun_sms: request build|size/connector.cpp|es|-DROW_ALIYUN_SMS|b_hmac1
aliyun_sms_small|the same, firmware settings (LOGTO_NO_STDIO + LOGTO_JSON_SMALL_NUMBERS)|size/connector.cpp|es|-DROW_ALIYUN_SMS -DLOGTO_NO_STDIO -DLOGTO_JSON_SMALL_NUMBERS=1|b_hmac1
aliyun_dm|connector aliyun_dm: request build|size/connector.cpp|es|-DROW_ALIYUN_DM|b_hmac1
tencent_sms|connector tencent_sms: request build|size/connector.cpp|es|-DROW_TENCENT_SMS|b_hmac256
twilio_sms|connector twilio_sms: request build|size/connector.cpp|es|-DROW_TWILIO_SMS|b_empty
smtp_message|SMTP message build (smtp/message.hpp)|size/connector.cpp|es|-DROW_SMTP_MESSAGE|b_empty
smtp_tls|SMTP connector: send over TLS (session + mbedTLS TLS client)|size/smtp_tls.cpp|tls||b_tls
EOF
)
t0=$SECONDS
rm -rf "$B/rows" && mkdir -p "$B/rows"
arm-none-eabi-gcc "${ARMC[@]}" -Wall -Wextra -Werror -c "$HERE/size/board.c" -o "$B/rows/board.o" || fail "board.c"
build_row() {  # one line of ROWS
  IFS='|' read -r name _ source lib flags _ <<<"$1"
  local o=$B/rows/$name
  # shellcheck disable=SC2086
  if arm-none-eabi-g++ "${ARMCXX[@]}" $(lib_flag "$lib") $flags -c "$HERE/$source" -o "$o.o" 2>"$o.log" &&
    arm-none-eabi-g++ "${ARMLD[@]}" "$o.o" "$B/rows/board.o" -L"$B/lib-$lib" -lmbedcrypto -o "$o.elf" \
      -Wl,-Map="$o.map" 2>>"$o.log"; then
    echo "  $name: $(($(arm-none-eabi-size "$o.elf" | awk 'NR==2 {print $1 + $2}'))) B flash"
  else
    rm -f "$o.elf"
    echo "  $name: DOES NOT BUILD (see $o.log)"
  fi
}
echo "=== footprint: $(echo "$ROWS" | wc -l) Cortex-M4 rows (arm-none-eabi-g++ $(arm-none-eabi-gcc -dumpversion), $JOBS at a time)"
while IFS= read -r row; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  build_row "$row" &
done <<<"$ROWS"
wait
rows_s=$((SECONDS - t0))
echo "$ROWS" >"$B/rows/rows.txt"

# ---- peak heap per operation: heap_peak.cpp on the Cortex-M4 (QEMU) and on the host
t0=$SECONDS
python3 "$HERE/heap_fixture.py" "$ROOT" "$B/inc/heap_fixture.h" || fail "heap_fixture.py failed"
H=$B/heap && rm -rf "$H" && mkdir -p "$H"
{
  echo "## Peak heap per operation"
  echo
  echo "\`benchmarks/embedded/heap_peak.cpp\` with a counting allocator (malloc, calloc, realloc, free and"
  echo "operator new/delete replaced). Per operation: blocks and bytes requested by C++ (\`operator new\`) and by"
  echo "mbedTLS (C \`calloc\`), the peak of live heap above what was live before the operation, that peak per side,"
  echo "and what the operation leaves allocated for the next. Requested bytes, without the allocator's own"
  echo "overhead (newlib-nano: 8 B per block). Inputs: tests/data/jose (npm jose tokens, Logto-shaped issuer and"
  echo "client), a JWKS with the two EC keys a Logto tenant publishes, a Logto-shaped token response."
  echo
} >"$H/heap.md"
heap_fail() { echo "**heap_peak ($1) did not build or run**: $(tail -3 "$2" | tr '\n' ' ')" >>"$H/heap.md"; echo >>"$H/heap.md"; }
if command -v qemu-system-arm >/dev/null; then
  # shellcheck disable=SC2046
  if arm-none-eabi-g++ "${ARMCXX[@]}" $(lib_flag p384) -I"$B/inc" -c "$HERE/heap_peak.cpp" -o "$H/arm.o" 2>"$H/arm.log" &&
    arm-none-eabi-gcc "${ARMC[@]}" -c "$EMB/support.c" -o "$H/support.o" 2>>"$H/arm.log" &&
    arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb --specs=nano.specs -nostartfiles -T "$EMB/mps2_an386.ld" -Wl,--gc-sections \
      -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free "$H/arm.o" "$H/support.o" -L"$B/lib-p384" \
      -lmbedcrypto -o "$H/heap_peak.elf" 2>>"$H/arm.log" &&
    timeout 300 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
      -semihosting-config enable=on,target=native -kernel "$H/heap_peak.elf" >"$H/arm.md" 2>&1; then  # semihosting writes to stderr
    cat "$H/arm.md" >>"$H/heap.md" && echo >>"$H/heap.md"
  else
    heap_fail "Cortex-M4" "$H/arm.log"
  fi
else
  echo "(No qemu-system-arm: the Cortex-M4 heap run is left out.)" >>"$H/heap.md"
fi
if g++ -O2 -std=c++17 -DLOGTO_NO_THREADS=1 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror -I"$ROOT/include" \
  -I"$B/inc" "$HERE/heap_peak.cpp" -o "$H/heap_peak" -lmbedcrypto 2>"$H/host.log" && "$H/heap_peak" >"$H/host.md" 2>>"$H/host.log"; then
  cat "$H/host.md" >>"$H/heap.md"
else
  heap_fail host "$H/host.log"
fi
heap_s=$((SECONDS - t0))

python3 "$HERE/footprint_report.py" "$B" "$src" >"$B/footprint.md" || fail "footprint_report.py failed"
{
  cat "$B/footprint.md"
  echo
  cat "$H/heap.md"
  echo
  echo "Generated by \`bash benchmarks/embedded/footprint.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), tree $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet -- include benchmarks tests/embedded 2>/dev/null || echo ' (with local changes)'): mbedTLS libraries ${mbedtls_s} s, Cortex-M4 rows ${rows_s} s, heap ${heap_s} s."
} >"$OUT"
cat "$OUT"
# README.md's embedded section carries a short version between markers; replaced here, never typed in.
if [ "${FOOTPRINT_README:-1}" = 1 ] && grep -q '<!-- footprint:begin -->' README.md; then
  python3 "$HERE/footprint_report.py" "$B" "$src" --short >"$B/short.md" || fail "footprint_report.py --short failed"
  heap=$(grep -o 'peak \*\*[0-9]* B\*\*' "$H/arm.md" 2>/dev/null | grep -o '[0-9]*' | head -1)
  [ -n "$heap" ] && printf '\nHeap on the same Cortex-M4: a whole sign-in (JWKS of two EC keys, sign-in URI, callback, code exchange, token response, ES384 ID token) peaks at **%s B** requested (goal: 16,384 B).\n' "$heap" >>"$B/short.md"
  python3 - "$B/short.md" "$(date -u +%Y-%m-%d)" <<'PY'
import re, sys
table = open(sys.argv[1]).read().rstrip("\n")
readme = open("README.md", encoding="utf-8").read()
block = f"<!-- footprint:begin -->\n<!-- generated by benchmarks/embedded/footprint.sh ({sys.argv[2]}); do not edit -->\n{table}\n<!-- footprint:end -->"
readme = re.sub(r"<!-- footprint:begin -->.*?<!-- footprint:end -->", lambda m: block, readme, flags=re.S)
open("README.md", "w", encoding="utf-8").write(readme)
PY
  echo "footprint: README.md's table updated"
fi
missing=0
while IFS='|' read -r name _; do [ -f "$B/rows/$name.elf" ] || missing=$((missing + 1)); done <<<"$ROWS"
heap_runs=$(grep -c '^## Peak heap per operation: ' "$H/heap.md")
echo "footprint: wrote $OUT; $(($(echo "$ROWS" | wc -l) - missing)) rows built, $missing did not; $heap_runs heap runs; took $((SECONDS - start)) s"
# Exit 1 when a row or a heap run is missing (the report says which and why), so that a change that breaks the
# bare-metal build does not pass unnoticed.
[ "$missing" -eq 0 ] && [ "$heap_runs" -eq "$(command -v qemu-system-arm >/dev/null && echo 2 || echo 1)" ]
