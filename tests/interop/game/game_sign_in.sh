#!/usr/bin/env bash
# examples/game_sign_in under Xvfb against the bundled provider (run through run_with_provider.sh, which
# sets LOGTO_TEST_ENDPOINT). The test plays the user on the other device through the provider's test
# endpoints, driven by what the game prints:
#   1. sign in, the test denies the first code      -> the error screen (screenshot), Retry
#   2. the second code: its screenshot's QR code must decode (zbarimg) to the verification_uri_complete
#      the game printed; the test approves only after the game has polled at least twice, so frames
#      were drawn while the poll answers were on their way
#   3. the signed-in screen (screenshot: no QR code on it, the user's name printed), then Sign out
#      (revocation) back to the first screen; the game exits 0 only if every HTTP answer arrived at
#      least one frame after its request (the loop never waited)
#   4. offline: a port where nothing listens -> the error screen with transport_error
# usage: game_sign_in.sh PATH/TO/game_sign_in
set -u
game=$1
endpoint=${LOGTO_TEST_ENDPOINT:?run me through tests/interop/provider/run_with_provider.sh}
for tool in xvfb-run xauth zbarimg curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "game_sign_in test: $tool is missing (apt-get install xvfb xauth zbar-tools curl python3)" >&2; exit 1; }
done
work=$(mktemp -d)
game_pid=
cleanup() {
  [ -n "$game_pid" ] && kill "$game_pid" 2>/dev/null && wait "$game_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
check() {  # description, then a command that must succeed
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what" >&2; failures=$((failures + 1)); fi
}
# Waits (up to 60 s) until the game's output, from line FROM on (default 1), has at least N lines
# matching PATTERN.
wait_for() {  # pattern [count] [from]
  local n=${2:-1} from=${3:-1}
  for _ in $(seq 600); do
    [ "$(tail -n +"$from" "$work/out" | grep -cE "$1")" -ge "$n" ] && return 0
    kill -0 "$game_pid" 2>/dev/null || { echo "the game exited while waiting for '$1'" >&2; return 1; }
    sleep 0.1
  done
  echo "timed out waiting for '$1' in the game's output" >&2
  return 1
}
provider_post() {  # path user_code
  curl -fsS -X POST --data-urlencode "user_code=$2" "$endpoint$1" >/dev/null
}
show_output() { echo "--- game output"; grep -v ' tick$' "$work/out"; echo "---"; }

# ---- 1-3: deny, retry, approve, sign out
mkdir "$work/shots"
: >"$work/out"  # exists before the game starts writing to it
xvfb-run -a -s "-screen 0 800x600x24" "$game" --endpoint "$endpoint" --app-id test-native-app \
  --resource https://api.example.com --script sign-in,retry,sign-out --screenshot-dir "$work/shots" \
  --max-frames 6000 >"$work/out" 2>&1 &
game_pid=$!

wait_for ' user_code ' || { show_output; exit 1; }
first_code=$(sed -n 's/.* user_code \(.*\)$/\1/p' "$work/out" | head -n 1)
provider_post /test/device/deny "$first_code" || { echo "could not deny $first_code" >&2; exit 1; }
wait_for ' screenshot failed ' || { show_output; exit 1; }
check "the denied code gives the error screen with access_denied" grep -q ' error access_denied' "$work/out"

wait_for ' user_code ' 2 || { show_output; exit 1; }
code=$(sed -n 's/.* user_code \(.*\)$/\1/p' "$work/out" | tail -n 1)
qr=$(sed -n 's/.* qr \(.*\)$/\1/p' "$work/out" | tail -n 1)
check "Retry asks for a new code" test "$code" != "$first_code"
# The screenshot of the second code's screen (the first code's screen may not last the 5 frames a
# screenshot waits for: on a loaded machine its first poll can already bring the denial).
code_line=$(grep -n " user_code $code" "$work/out" | cut -d: -f1)
wait_for ' screenshot code ' 1 "$code_line" || { show_output; exit 1; }
decoded=$(zbarimg -q --raw "$work/shots/code.bmp" 2>/dev/null)
check "the code screen's QR code decodes to the verification_uri_complete ($qr)" test "$decoded" = "$qr"
check "the verification URI carries the user code" test "$qr" = "$endpoint/oidc/device?user_code=$code"

# Approve once the game has polled twice for this code: the loop kept drawing frames meanwhile.
for _ in $(seq 600); do
  [ "$(tail -n +"$code_line" "$work/out" | grep -c 'request device_poll answered')" -ge 2 ] && break
  sleep 0.1
done
provider_post /test/device/approve "$code" || { echo "could not approve $code" >&2; exit 1; }
wait "$game_pid"
status=$?
game_pid=
check "the game exits 0 after the script (every answer came at least one frame after its request)" test "$status" -eq 0
check "the signed-in screen names the test user" grep -q 'signed in as Test User; access token for https://api.example.com expires at ' "$work/out"
check "the signed-in screenshot was taken" test -s "$work/shots/signed_in.bmp"
check "the signed-in screen shows no QR code any more" test -z "$(zbarimg -q --raw "$work/shots/signed_in.bmp" 2>/dev/null)"
check "Sign out revoked and went back to the first screen" grep -q 'signed out' "$work/out"

# The frame counter advanced while the second code was on screen: more frames than poll requests,
# and each poll's answer came frames after it was sent.
frames=$(awk -v code="$code" '
  index($0, " user_code " code) { on = 1 }
  on && / screen code$/ { start = substr($2, 1, length($2) - 1) }
  on && / screen finishing$/ { end = substr($2, 1, length($2) - 1); print end - start; exit }' "$work/out")
polls=$(tail -n +"$code_line" "$work/out" | grep -c 'request device_poll sent')
check "frames kept coming while polling ($frames frames on the code screen, $polls polls)" \
  test "${frames:-0}" -gt "$polls"
check "every poll was answered at least one frame after it was sent" \
  test -z "$(grep -E 'request device_poll answered, 0 frames later' "$work/out")"
[ "$failures" -eq 0 ] || show_output

# ---- 4: offline
free_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
xvfb-run -a -s "-screen 0 800x600x24" "$game" --endpoint "http://127.0.0.1:$free_port" --app-id test-native-app \
  --script sign-in --screenshot-dir "$work/shots" --max-frames 6000 >"$work/out" 2>&1
status=$?
check "offline: the game shows the error screen and exits 0" test "$status" -eq 0
check "offline: the error is transport_error" grep -q ' error transport_error' "$work/out"
check "offline: the error screen was drawn" grep -q ' screenshot failed ' "$work/out"
[ "$status" -eq 0 ] || show_output

echo "game_sign_in test: $failures failed"
[ "$failures" -eq 0 ]
