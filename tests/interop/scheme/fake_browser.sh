#!/usr/bin/env bash
# TEST ONLY: the "browser" that xdg-open starts for http URLs in scheme_sign_in.sh (registered as the
# x-scheme-handler/http of a throw-away XDG data home). Like a browser against the bundled provider,
# whose login is automatic: it follows the redirects with a cookie jar, and when one leaves http(s) (the
# app's com.example.app://callback?code=...) it does what a browser does with a custom scheme: hands it
# to the desktop with xdg-open. Logs to $LOGTO_FAKE_BROWSER_LOG.
set -u
log=${LOGTO_FAKE_BROWSER_LOG:-/dev/null}
url=$1
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
echo "browser: open $url" >>"$log"
for _ in $(seq 20); do
  # The raw Location header (curl's %{redirect_url} would normalise a custom-scheme URI).
  location=$(curl -sS -o /dev/null -D - -b "$jar" -c "$jar" "$url" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p') ||
    { echo "browser: curl failed on $url" >>"$log"; exit 1; }
  if [ -z "$location" ]; then
    echo "browser: no redirect from $url" >>"$log"
    exit 1
  fi
  case $location in
    http://* | https://*) url=$location ;;
    *)
      echo "browser: hands $location to xdg-open" >>"$log"
      xdg-open "$location" >>"$log" 2>&1
      exit $?
      ;;
  esac
done
echo "browser: too many redirects" >>"$log"
exit 1
