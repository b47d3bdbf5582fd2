#!/usr/bin/env bash
# Stage "analyse": clang-tidy (.clang-tidy at the root; every enabled check is an error) and cppcheck over
# the library. A header-only library is analysed through translation units that include it: the umbrella
# header (every header, every non-template function) and the examples and a few unit tests (they
# instantiate the client, the connectors and the SMTP session). Suppressions are inline
# (NOLINT / cppcheck-suppress) with their reason beside them.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
start=$SECONDS
if [ "${LOGTO_SKIP_INSTALL:-0}" != 1 ]; then
  need=()
  command -v clang-tidy >/dev/null 2>&1 || need+=(clang-tidy)
  command -v cppcheck >/dev/null 2>&1 || need+=(cppcheck)
  [ ${#need[@]} -eq 0 ] || apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null || exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

echo '#include <logto/logto.hpp>' >"$work/umbrella.cpp"
tus=("$work/umbrella.cpp")
for f in tests/unit/client_client.cpp tests/unit/connectors_signing.cpp tests/unit/smtp_client.cpp tests/unit/api_verifier.cpp; do
  [ -f "$f" ] && tus+=("$root/$f")
done
flags=(-std=c++17 -I"$root/include" -I"$root/tests/support" -DLOGTO_TEST_DATA_DIR=\""$root/tests/data"\")
tidy_log=$work/tidy.log
# -j2: the TUs are independent.
printf '%s\n' "${tus[@]}" | xargs -P 2 -I{} clang-tidy --quiet {} -- "${flags[@]}" >"$tidy_log" 2>&1
if grep -qE '(warning|error): ' "$tidy_log"; then
  grep -E '(warning|error): ' "$tidy_log" | sort -u
  echo "clang-tidy: findings above"
  failed=$((failed + 1))
else
  echo "clang-tidy: clean (${#tus[@]} translation units)"
  passed=$((passed + 1))
fi

# cppcheck: the umbrella TU with mbedTLS 2.28's feature macros, with and without threads.
echo '#include "logto/logto.hpp"' >"$work/umbrella_quoted.cpp"
cpp_ok=1
for threads in 0 1; do
  if ! cppcheck --enable=warning,performance,portability --std=c++17 --language=c++ --inline-suppr --quiet \
      --error-exitcode=1 -I "$root/include" -DMBEDTLS_VERSION_NUMBER=0x021C0000 -DLOGTO_NO_THREADS=$threads \
      -DMBEDTLS_RSA_C -DMBEDTLS_PK_C -DMBEDTLS_SSL_CLI_C -DMBEDTLS_X509_CRT_PARSE_C -DMBEDTLS_GCM_C -DMBEDTLS_AES_C \
      --suppress=missingIncludeSystem --suppress=toomanyconfigs "$work/umbrella_quoted.cpp"; then
    cpp_ok=0
  fi
done
if [ $cpp_ok = 1 ]; then
  echo "cppcheck: clean"
  passed=$((passed + 1))
else
  echo "cppcheck: findings above"
  failed=$((failed + 1))
fi
echo "(analyse took $((SECONDS - start)) s)"
echo "analyse: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
