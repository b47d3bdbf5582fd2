#!/usr/bin/env bash
# examples/scheme_sign_in on Linux with the real freedesktop.org machinery (xdg-utils), against the
# bundled provider (run through run_with_provider.sh, which sets LOGTO_TEST_ENDPOINT). Everything
# happens in a throw-away HOME / XDG_DATA_HOME / XDG_CONFIG_HOME / XDG_RUNTIME_DIR: nothing of the
# real user is touched. Under Xvfb, so that xdg-open takes its desktop path (x-scheme-handler lookups).
#   1. --register writes the Desktop Entry and makes it the default x-scheme-handler/com.example.app
#   2. a sign-in opens the browser with xdg-open: the stand-in browser (fake_browser.sh, registered for
#      http) follows the automatic login and hands com.example.app://callback?code=... to xdg-open,
#      which starts `scheme_sign_in --callback URI`, which relays it to the waiting instance
#   3. --callback with nobody waiting fails with a clear message; --unregister removes the handler
# usage: scheme_sign_in.sh PATH/TO/scheme_sign_in
set -u
app=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
endpoint=${LOGTO_TEST_ENDPOINT:?run me through tests/interop/provider/run_with_provider.sh}
for tool in xdg-open xdg-mime xvfb-run curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "scheme_sign_in test: $tool is missing (apt-get install xdg-utils xvfb curl)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home XDG_DATA_HOME=$work/home/.local/share XDG_CONFIG_HOME=$work/home/.config
export XDG_RUNTIME_DIR=$work/run XDG_DATA_DIRS=$work/none XDG_CONFIG_DIRS=$work/none
unset XDG_CURRENT_DESKTOP DESKTOP_SESSION KDE_FULL_SESSION GNOME_DESKTOP_SESSION_ID BROWSER
export LOGTO_FAKE_BROWSER_LOG=$work/browser.log
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME/applications" && chmod 700 "$XDG_RUNTIME_DIR"
failures=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what" >&2; failures=$((failures + 1)); fi
}

# The stand-in browser, as the user's http handler.
cat >"$XDG_DATA_HOME/applications/logto-test-browser.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=logto-cpp test browser
Exec=bash $here/fake_browser.sh %u
MimeType=x-scheme-handler/http;
NoDisplay=true
DESKTOP
xdg-mime default logto-test-browser.desktop x-scheme-handler/http

# 1. register
"$app" --register >"$work/register.out" 2>&1
check "--register succeeds" test $? -eq 0
entry=$XDG_DATA_HOME/applications/com.example.app-url-handler.desktop
check "the Desktop Entry is in \$XDG_DATA_HOME/applications" test -f "$entry"
check "it handles x-scheme-handler/com.example.app" grep -qx 'MimeType=x-scheme-handler/com.example.app;' "$entry"
check "its Exec runs this program with --callback %u" grep -qx "Exec=$app --callback %u" "$entry"
check "xdg-mime reports it as the default handler" \
  test "$(xdg-mime query default x-scheme-handler/com.example.app)" = com.example.app-url-handler.desktop

# 2. sign in through the browser and xdg-open
xvfb-run -a timeout 60 "$app" --endpoint "$endpoint" --app-id test-native-app --timeout 50 --sign-out \
  >"$work/sign-in.out" 2>&1
status=$?
check "the sign-in completes through com.example.app://callback" test "$status" -eq 0
check "the callback came from the second instance" grep -q 'Received the callback from the second instance' "$work/sign-in.out"
check "the user is signed in" grep -q 'Signed in as Test User (sub user_123)' "$work/sign-in.out"
check "the browser handed a com.example.app://callback URI to xdg-open" \
  grep -q 'browser: hands com.example.app://callback?code=' "$work/browser.log"
check "the relay socket is gone after the sign-in" test -z "$(ls -A "$XDG_RUNTIME_DIR")"
if [ "$status" -ne 0 ]; then
  echo "--- app"; cat "$work/sign-in.out"; echo "--- browser"; cat "$work/browser.log"; echo "---"
fi

# 3. nobody waiting; unregister
"$app" --callback 'com.example.app://callback?code=x&state=y' >"$work/orphan.out" 2>&1
status=$?
check "--callback with no sign-in waiting fails" test "$status" -eq 1
check "... and says so" grep -q 'no sign-in is waiting' "$work/orphan.out"
"$app" --callback 'https://evil.example/callback' >/dev/null 2>&1
check "--callback refuses a URI of another scheme" test $? -eq 2
"$app" --unregister >/dev/null 2>&1
check "--unregister removes the Desktop Entry" test ! -e "$entry"

echo "scheme_sign_in test: $failures failed"
[ "$failures" -eq 0 ]
