#!/usr/bin/env bash
# Runs the C++ SMTP interop program against three real SMTP servers (smtp-server on 127.0.0.1):
# plain (no STARTTLS), STARTTLS and implicit TLS, with a throwaway CA. Stops the servers by PID.
# usage: tests/interop/smtp/run_interop.sh path/to/smtp_interop
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
pids=()
cleanup() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
mkdir -p "$W/m/plain" "$W/m/starttls" "$W/m/implicit" "$W/m/clientcert"
bash "$HERE/make-certs.sh" "$W/certs" >/dev/null || exit 1
U=smtp-user@example.com
P='smtp-p@ss w0rd'
start() {  # name args...
  local name=$1; shift
  node "$HERE/server.mjs" --maildir "$W/m/$name" --ready-file "$W/$name.ready" "$@" >/dev/null 2>"$W/$name.err" &
  pids+=($!)
}
start plain --mode plain --no-starttls --auth-optional --auth PLAIN,LOGIN,XOAUTH2 --user "$U" --pass "$P" --token ya29.interop-token --smtputf8
start starttls --mode starttls --cert "$W/certs/server.pem" --key "$W/certs/server-key.pem" --auth PLAIN,LOGIN --user "$U" --pass "$P"
start clientcert --mode implicit --cert "$W/certs/server.pem" --key "$W/certs/server-key.pem" --client-ca "$W/certs/ca.pem"
start implicit --mode implicit --cert "$W/certs/server.pem" --key "$W/certs/server-key.pem" --auth LOGIN --user "$U" --pass "$P"
for _ in $(seq 300); do
  [ -f "$W/plain.ready" ] && [ -f "$W/starttls.ready" ] && [ -f "$W/implicit.ready" ] && [ -f "$W/clientcert.ready" ] && break
  sleep 0.1
done
for n in plain starttls implicit clientcert; do
  [ -f "$W/$n.ready" ] || { echo "SMTP server ($n) did not start:"; cat "$W/$n.err"; exit 1; }
done
port() { sed -e 's/.*"port":\([0-9]*\).*/\1/' "$1"; }
"$BIN" --plain-port "$(port "$W/plain.ready")" --plain-maildir "$W/m/plain" \
  --starttls-port "$(port "$W/starttls.ready")" --starttls-maildir "$W/m/starttls" \
  --implicit-port "$(port "$W/implicit.ready")" --implicit-maildir "$W/m/implicit" \
  --clientcert-port "$(port "$W/clientcert.ready")" --clientcert-maildir "$W/m/clientcert" \
  --client-cert "$W/certs/client.pem" --client-key "$W/certs/client-key.pem" \
  --ca "$W/certs/ca.pem" --other-ca "$W/certs/other-ca.pem"
