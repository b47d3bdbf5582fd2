#!/usr/bin/env bash
# Proves that the interop attack tests bite: removes one security check at a time from a temporary copy
# of include/, builds tests/interop/client_adversary.cpp against it, and runs the test case that should
# catch it against the real provider in its adversarial mode (ES384 and RS256-2048, one provider start
# each). Every mutant must be killed (its test fails). Not part of tools/test.sh; run it by hand:
#
#   tools/mutation_check.sh [NAME...]        (default: every mutation; names as in the table below)
#
# env: CXX (default g++), LOGTO_JOBS (parallel compiles, default 2), LOGTO_MUTATION_ALGS (default
#      "es384 rs256"), LOGTO_KEEP=1 keeps the work directory, LOGTO_MUTATION_INCLUDE mutates another
#      include/ directory (default: this tree's).
# Output: one line per mutant and provider, then "N passed, M failed" (a passed = a killed mutant).
# A mutation whose text is no longer in the library is reported as "not applicable" (update its pattern).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
start=$SECONDS
CXX=${CXX:-g++}
JOBS=${LOGTO_JOBS:-2}
ALGS=${LOGTO_MUTATION_ALGS:-"es384 rs256"}
INCLUDE=$(cd "${LOGTO_MUTATION_INCLUDE:-include}" && pwd) || exit 2

# name | file under include/logto | text to replace (first occurrence) | replacement | Catch2 test spec
MUTATIONS=(
  'exp|jose/jwt.hpp|if (now >= *c.exp + leeway) {|if (false) {|attack: an expired ID token*'
  'iss|jose/jwt.hpp|if (*c.iss != o.issuer) {|if (false) {|attack: an ID token from another issuer*'
  'signature|jose/jws.hpp|return (*key)->verify(jws.header.alg, jws.signing_input, jws.signature);|return ok();|attack: a flipped signature byte*'
  'alg-none|jose/jws.hpp|if (*alg_name == "none") {|if (false) {|attack: alg none*'
  'alg-hmac|jose/jws.hpp|(*alg_name)[0] == '"'"'H'"'"' && (*alg_name)[1] == '"'"'S'"'"')|false)|attack: HS256*'
  'alg-allow-list|jose/jws.hpp|if (!allowed.contains(*alg)) {|if (false) {|attack: an algorithm off the app*'
  'kid-binding|jose/key_set.hpp|if (kid && (!k.kid() \|\| *k.kid() != *kid)) continue;|if (false) continue;|attack: a kid that stays unknown*'
  'kid-refetch|client/operation.hpp|if (v.error().code != errc::jwt_no_matching_key \|\| !s.jwks.refetch_allowed(now)) return fail(v.error());|return fail(v.error());|attack: a kid that stays unknown*'
  'rfc9207-iss|oidc/callback.hpp|if (!iss.empty() && iss != options.issuer) {|if (false) {|attack: a mix-up iss*'
  'rfc9207-required|oidc/callback.hpp|if (iss.empty() && options.require_issuer) {|if (false) {|attack: iss stripped*'
  'nonce-missing|jose/jwt.hpp|if (!c.nonce) return detail::claim_error(o, "nonce"|if (false) return detail::claim_error(o, "nonce"|attack: an ID token without the nonce*'
  'nonce-value|jose/jwt.hpp|if (!crypto::constant_time_equal(*c.nonce, *o.nonce)) {|if (false) {|attack: an ID token without the nonce*'
  'at-hash|oidc/id_token.hpp|if (auto r = check_at_hash(*verified, *options.access_token); !r) return r.error();|(void)0;|attack: an at_hash*'
  'refresh-sub|jose/id_token.hpp|if (!original.sub \|\| !refreshed.sub \|\| *original.sub != *refreshed.sub) {|if (false) {|attack: a refresh returns an ID token for another user*'
)
# The checks above moved with issue 15 (ID-token validation under oidc/): try both homes.
alt_file() {
  case "$1" in
    jose/id_token.hpp) echo oidc/id_token.hpp ;;
    *) echo "" ;;
  esac
}

wanted=("$@")
selected() {
  [ ${#wanted[@]} -eq 0 ] && return 0
  local w
  for w in "${wanted[@]}"; do [ "$w" = "$1" ] && return 0; done
  return 1
}

work=$(mktemp -d)
[ "${LOGTO_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
echo "mutation_check: work directory $work"

# The Catch2 runner (client_adversary_main.cpp) is built once; each mutant rebuilds only the tests.
"$CXX" -std=c++17 -O0 -w -I"$ROOT/tests/support" -c tests/interop/client_adversary_main.cpp -o "$work/main.o" ||
  { echo "mutation_check: client_adversary_main.cpp does not build" >&2; exit 1; }
build() {  # dir -> dir/client_adversary against dir/include
  "$CXX" -std=c++17 -O0 -w -I"$1/include" -I"$ROOT" -I"$ROOT/tests/support" \
    "$ROOT/tests/interop/client_adversary.cpp" "$work/main.o" -o "$1/client_adversary" \
    -lcurl -lmbedtls -lmbedx509 -lmbedcrypto -pthread >"$1/build.log" 2>&1
}

# Apply every selected mutation to its own copy of include/.
names=()
declare -A SPEC STATE
for m in "${MUTATIONS[@]}"; do
  # '|' inside a field is written '\|'.
  IFS=$'\x1f' read -r name file from to spec <<<"$(printf '%s' "$m" | sed -e 's/\\|/\x1e/g' -e 's/|/\x1f/g' -e 's/\x1e/|/g')"
  selected "$name" || continue
  names+=("$name")
  SPEC[$name]=$spec
  dir=$work/$name
  mkdir -p "$dir"
  cp -r "$INCLUDE" "$dir/include"
  target=$dir/include/logto/$file
  alt=$(alt_file "$file")
  if ! grep -qF -- "$from" "$target" 2>/dev/null && [ -n "$alt" ]; then target=$dir/include/logto/$alt; fi
  if ! grep -qF -- "$from" "$target" 2>/dev/null; then
    STATE[$name]="not applicable: the text is not in include/logto/$file${alt:+ or $alt}"
    continue
  fi
  FROM=$from TO=$to perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$target"
  if cmp -s "$target" "$INCLUDE/logto/${target#"$dir/include/logto/"}"; then
    STATE[$name]="not applicable: the replacement changed nothing"
    continue
  fi
  STATE[$name]=pending
done

# Build the unmutated test and every mutant ($JOBS at a time).
mkdir -p "$work/baseline" && cp -r "$INCLUDE" "$work/baseline/include"
export -f build
export CXX ROOT work
printf '%s\n' baseline "${names[@]}" | while read -r n; do
  [ "$n" = baseline ] || [ "${STATE[$n]}" = pending ] && echo "$work/$n"
done | xargs -P "$JOBS" -I{} bash -c 'build {} || echo "build failed: {}" >&2'
if [ ! -x "$work/baseline/client_adversary" ]; then
  echo "mutation_check: the unmutated test does not build:" >&2
  tail -n 30 "$work/baseline/build.log" >&2
  exit 1
fi

# One provider per algorithm; inside it, the baseline must pass and every mutant's test must fail.
cat >"$work/run.sh" <<'EOF'
#!/usr/bin/env bash
work=$1 alg=$2
shift 2
"$work/baseline/client_adversary" >"$work/baseline/$alg.log" 2>&1 || { echo "baseline|$alg|FAILED"; exit 1; }
echo "baseline|$alg|passed"
while [ $# -gt 0 ]; do
  name=$1 spec=$2
  shift 2
  if [ ! -x "$work/$name/client_adversary" ]; then echo "$name|$alg|build failed"; continue; fi
  if "$work/$name/client_adversary" "$spec" >"$work/$name/$alg.log" 2>&1; then
    if grep -q 'No test cases matched' "$work/$name/$alg.log"; then echo "$name|$alg|no test matched"
    elif grep -q 'warning:' "$work/$name/$alg.log"; then echo "$name|$alg|SURVIVED (its test skipped: $(grep -A1 'warning:' "$work/$name/$alg.log" | tail -n 1 | sed 's/^ *//')...)"
    else echo "$name|$alg|SURVIVED"; fi
  else
    echo "$name|$alg|killed"
  fi
done
EOF
args=()
for n in "${names[@]}"; do [ "${STATE[$n]}" = pending ] && args+=("$n" "${SPEC[$n]}"); done

passed=0
failed=0
for alg in $ALGS; do
  provider=()
  [ "$alg" = rs256 ] && provider=(--alg RS256 --rsa-bits 2048)
  bash tests/interop/provider/run_with_provider.sh ${provider[@]+"${provider[@]}"} -- \
    bash "$work/run.sh" "$work" "$alg" ${args[@]+"${args[@]}"} >"$work/results-$alg.txt"
  while IFS='|' read -r name a outcome; do
    printf '%-18s %-6s %s\n' "$name" "$a" "$outcome"
    case "$outcome" in
      killed | passed) passed=$((passed + 1)) ;;
      *) failed=$((failed + 1)) ;;
    esac
  done <"$work/results-$alg.txt"
done
for n in "${names[@]}"; do
  if [ "${STATE[$n]}" != pending ]; then printf '%-18s %-6s %s\n' "$n" - "${STATE[$n]}"; fi
done
echo "mutation_check took $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
