#!/usr/bin/env bash
# The four HTTP examples, cross-built for Windows (WinHTTP, examples/common/winhttp_transport.hpp), run
# under wine against the real peers on 127.0.0.1: the bundled OpenID provider (device flow, the frame
# loop, the desktop sign-in with its Winsock loopback listener and a file storage that survives a restart)
# and the local SMTP server (send_code). Called by tools/ci/windows.sh once per thread model, with wine
# already started.
#
# usage: tools/ci/windows_examples.sh <build dir with examples/*.exe> <label>
# Prints one "PASS/FAIL windows <label> <example>" line per check and, last, "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
dir=${1:?usage: windows_examples.sh <build dir> <label>}
label=${2:-windows}
examples=$dir/examples
passed=0
failed=0
check() {  # check <name> <status> [log]
  if [ "$2" -eq 0 ]; then
    echo "PASS windows $label $1"
    passed=$((passed + 1))
  else
    echo "FAIL windows $label $1"
    [ -n "${3:-}" ] && tail -25 "$3"
    failed=$((failed + 1))
  fi
}
if [ ! -d tests/interop/node_modules/oidc-provider ]; then
  echo "windows_examples: tests/interop/node_modules is missing (npm ci in tests/interop)"
  echo "0 passed, 1 failed"
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One provider for the three sign-in examples. The script below runs inside run_with_provider.sh and
# writes one status line per example.
cat >"$work/sign_in.sh" <<SCRIPT
cd "$work"
common="--endpoint \$LOGTO_TEST_ENDPOINT --app-id test-native-app --resource https://api.example.com"
wine "$examples/device_sign_in.exe" \$common --auto-approve >device.log 2>&1 </dev/null
grep -q '^Signed in' device.log && grep -q 'sub  *"user_123"' device.log; echo "device_sign_in \$?" >>status
wine "$examples/frame_loop.exe" \$common --auto-approve --max-frames 3000 >frame_loop.log 2>&1 </dev/null
echo "frame_loop \$?" >>status
wine "$examples/desktop_sign_in.exe" \$common --storage session --auto-browser >desktop.log 2>&1 </dev/null
s=\$?; [ \$s -eq 0 ] && [ -s session/refreshToken ] && [ -s session/idToken ]; echo "desktop_sign_in \$?" >>status
wine "$examples/desktop_sign_in.exe" \$common --storage session --sign-out >desktop2.log 2>&1 </dev/null
s=\$?; [ \$s -eq 0 ] && grep -q '^Signed out' desktop2.log && [ ! -e session/refreshToken ]
echo "desktop_sign_in_stored_session \$?" >>status
SCRIPT
timeout 300 bash tests/interop/provider/run_with_provider.sh --device-interval 1 -- bash "$work/sign_in.sh" \
  >"$work/provider-run.log" 2>&1 </dev/null
for name in device_sign_in frame_loop desktop_sign_in desktop_sign_in_stored_session; do
  status=$(sed -n "s/^$name \([0-9]*\)$/\1/p" "$work/status" 2>/dev/null)
  log=
  case $name in
    device_sign_in) log=$work/device.log ;;
    frame_loop) log=$work/frame_loop.log ;;
    desktop_sign_in) log=$work/desktop.log ;;
    *) log=$work/desktop2.log ;;
  esac
  [ -n "$status" ] || { status=1; cat "$work/provider-run.log"; }
  check "$name" "$status" "$log"
done

# send_code: the SMTP connector through Winsock, against the local SMTP server (examples/send_code/demo.sh).
printf '#!/bin/sh\nexec wine "%s" "$@"\n' "$examples/send_code.exe" >"$work/send_code"
chmod +x "$work/send_code"
timeout 120 bash examples/send_code/demo.sh "$work/send_code" >"$work/send_code.log" 2>&1 </dev/null
s=$?
[ $s -eq 0 ] && grep -q '^sent: 250' "$work/send_code.log" && grep -q 'Your verification code is 123456' "$work/send_code.log"
check send_code $? "$work/send_code.log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
