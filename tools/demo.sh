#!/usr/bin/env bash
# logto-cpp's demo (README "Try it"): builds the examples and runs them against local test servers.
# Nothing leaves the machine; every server listens on 127.0.0.1 and is stopped at the end.
#
#   1. desktop_sign_in: sign-in with PKCE through a loopback redirect (RFC 8252), against the bundled
#      OpenID provider (oidc-provider configured like Logto). Its login is automatic, so
#      --auto-browser plays the browser. Then the same command again: the session stored on disk is
#      reused without signing in.
#   2. device_sign_in: the device flow (RFC 8628); --auto-approve plays the user on the other device.
#   3. send_code: a sign-in code sent by e-mail with the SMTP connector to a local SMTP server.
#
# On a fresh Debian 12 machine as root it first installs what it needs (apt, then npm for the test
# servers). Environment:
#   LOGTO_SKIP_INSTALL=1    skip apt-get and npm ci
#   LOGTO_DEMO_BUILD_DIR    build directory (default build/demo)
#   LOGTO_JOBS=N            parallel build jobs (default: nproc)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${LOGTO_DEMO_BUILD_DIR:-$ROOT/build/demo}
JOBS=${LOGTO_JOBS:-$(nproc)}

log() { printf '\n=== %s\n' "$*"; }
show() {  # prints the command as a user would type it, then runs it
  printf '\n$ %s\n' "$*" | sed -e "s|$BUILD/examples/||g" -e "s|$work/||g"
  "$@"
}

work=$(mktemp -d)
provider_pid=
stop_provider() {
  if [ -n "$provider_pid" ]; then
    kill "$provider_pid" 2>/dev/null || true  # SIGTERM: the provider closes and exits 0
    wait "$provider_pid" 2>/dev/null || true
    provider_pid=
  fi
}
cleanup() {
  stop_provider
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${LOGTO_SKIP_INSTALL:-0}" != 1 ]; then
  log "installing the build dependencies (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  pkgs=(cmake ninja-build g++ pkg-config libmbedtls-dev picojson-dev libcurl4-openssl-dev ca-certificates openssl)
  command -v node >/dev/null 2>&1 || pkgs+=(nodejs npm)
  apt-get install -y -q --no-install-recommends "${pkgs[@]}"
  log "installing the test servers (npm ci in tests/interop)"
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi

command -v node >/dev/null 2>&1 || { echo "demo.sh: node is not installed" >&2; exit 1; }
[ -d tests/interop/node_modules/oidc-provider ] ||
  { echo "demo.sh: run 'npm ci' in $ROOT/tests/interop first (or run without LOGTO_SKIP_INSTALL)" >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "demo.sh: the test OpenID provider (oidc-provider 9) needs Node.js 20 or newer; this is $(node --version)." >&2
  echo "         (Debian 12's own nodejs package is 18: install Node.js 20+ from nodejs.org or NodeSource.)" >&2
  exit 1
fi

log "building the examples ($BUILD)"
cmake -S . -B "$BUILD" -G Ninja -DLOGTO_BUILD_EXAMPLES=ON -DLOGTO_BUILD_TESTS=OFF >"$work/cmake.log" 2>&1 ||
  { cat "$work/cmake.log" >&2; exit 1; }
cmake --build "$BUILD" -j "$JOBS" --target desktop_sign_in device_sign_in send_code
examples=$BUILD/examples
for binary in desktop_sign_in device_sign_in send_code; do
  [ -x "$examples/$binary" ] || { echo "demo.sh: $examples/$binary was not built" >&2; exit 1; }
done

log "starting the test OpenID provider (tests/interop/provider: oidc-provider configured like Logto)"
node tests/interop/provider/server.mjs --port 0 --ready-file "$work/ready" --device-interval 1 \
  >/dev/null 2>"$work/provider.log" &
provider_pid=$!
for _ in $(seq 600); do
  [ -s "$work/ready" ] && break
  kill -0 "$provider_pid" 2>/dev/null ||
    { echo "demo.sh: the provider failed to start:" >&2; cat "$work/provider.log" >&2; provider_pid=; exit 1; }
  sleep 0.1
done
[ -s "$work/ready" ] || { echo "demo.sh: the provider was not ready within 60 s" >&2; cat "$work/provider.log" >&2; exit 1; }
endpoint=$(sed -n -e 's/.*"endpoint":"\([^"]*\)".*/\1/p' "$work/ready")
echo "provider: $endpoint (issuer $endpoint/oidc), test user user_123, Native app test-native-app"

common=(--endpoint "$endpoint" --app-id test-native-app --resource https://api.example.com
        --scope email --scope read:data)

log "1. desktop sign-in: loopback redirect, PKCE, ID token verified against the JWKS"
echo "(The test provider logs in automatically, so --auto-browser follows its redirects instead of"
echo " opening a browser; against a real Logto tenant leave it out and the system browser opens.)"
cd "$work"  # --storage session: the session files go to a scratch directory
show "$examples/desktop_sign_in" "${common[@]}" --storage session --auto-browser
echo
echo "The session is now on disk, one 0600 file per key (@logto/client's keys and formats):"
(cd session && ls -l | sed -e '1d' -e 's/^/  /')

log "1b. the same command again: the stored session is used, no browser, no sign-in"
show "$examples/desktop_sign_in" "${common[@]}" --storage session --sign-out
echo
echo "(The access token above is the one from the first run, same jti: it came from the stored cache.)"

log "2. device sign-in (RFC 8628): show a code, poll until the user approves on another device"
echo "(--auto-approve calls the test provider's /test/device/approve a moment later, standing in for"
echo " the user who enters the code on their phone. Test provider only.)"
show "$examples/device_sign_in" "${common[@]}" --auto-approve

cd "$ROOT"
stop_provider

log "3. send a sign-in code by e-mail with the SMTP connector (to a local SMTP server)"
bash examples/send_code/demo.sh "$examples/send_code"

log "done: every server is stopped"
