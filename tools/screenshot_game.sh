#!/usr/bin/env bash
# Regenerates the README's screenshots of examples/game_sign_in (docs/images/game_sign_in*.png): builds
# the example, starts the bundled OpenID provider on 127.0.0.1:3001 (the example's default, so the
# picture shows what a newcomer sees with no flags) through run_with_provider.sh, runs the game under
# Xvfb with --screenshot-dir, approves the code through the provider's test endpoint once the code
# screen is captured, and converts the BMPs to PNG with tools/bmp_to_png.py (Python's standard library).
#
# Needs: cmake, ninja, g++, libsdl2-dev, libqrencode-dev, libcurl4-openssl-dev, xvfb, xauth, curl, node
# with tests/interop/node_modules (npm ci). Environment: LOGTO_SCREENSHOT_BUILD_DIR (default
# build/screenshot), LOGTO_SCREENSHOT_PORT (default 3001).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${LOGTO_SCREENSHOT_BUILD_DIR:-$ROOT/build/screenshot}
PORT=${LOGTO_SCREENSHOT_PORT:-3001}
OUT=$ROOT/docs/images

if [ -z "${LOGTO_TEST_ENDPOINT:-}" ]; then  # first: build, then run the rest of this script with the provider
  cmake -S . -B "$BUILD" -G Ninja -DLOGTO_BUILD_EXAMPLES=ON -DLOGTO_BUILD_TESTS=OFF -DLOGTO_INSTALL=OFF >/dev/null
  cmake --build "$BUILD" --target game_sign_in -j "${LOGTO_JOBS:-2}"
  exec bash tests/interop/provider/run_with_provider.sh --port "$PORT" --device-interval 1 -- bash "$0"
fi

work=$(mktemp -d)
game_pid=
trap '[ -n "$game_pid" ] && kill "$game_pid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir "$work/shots"
: >"$work/out"  # exists before the game starts writing to it
# No --endpoint on the default port: the defaults (this provider, test-native-app, https://api.example.com).
args=(--script sign-in,sign-out --screenshot-dir "$work/shots" --max-frames 6000)
[ "$PORT" = 3001 ] || args+=(--endpoint "$LOGTO_TEST_ENDPOINT" --app-id test-native-app --resource https://api.example.com)
xvfb-run -a -s "-screen 0 800x600x24" "$BUILD/examples/game_sign_in" "${args[@]}" >"$work/out" 2>&1 &
game_pid=$!
for _ in $(seq 600); do
  grep -q ' screenshot code ' "$work/out" && break
  kill -0 "$game_pid" 2>/dev/null || { cat "$work/out" >&2; exit 1; }
  sleep 0.1
done
code=$(sed -n 's/.* user_code \(.*\)$/\1/p' "$work/out" | tail -n 1)
curl -fsS -X POST --data-urlencode "user_code=$code" "$LOGTO_TEST_ENDPOINT/test/device/approve" >/dev/null
wait "$game_pid" || { cat "$work/out" >&2; exit 1; }
game_pid=

mkdir -p "$OUT"
python3 tools/bmp_to_png.py "$work/shots/code.bmp" "$OUT/game_sign_in.png"
python3 tools/bmp_to_png.py "$work/shots/signed_in.bmp" "$OUT/game_sign_in_signed_in.png"
echo "wrote $OUT/game_sign_in.png and $OUT/game_sign_in_signed_in.png"
