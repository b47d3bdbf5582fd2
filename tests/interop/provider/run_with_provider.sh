#!/usr/bin/env bash
# Starts the interop OpenID provider (server.mjs) on a free 127.0.0.1 port, runs a command with
# LOGTO_TEST_ENDPOINT=http://127.0.0.1:PORT, stops the provider by its PID and exits with the
# command's status.
#
# usage: tests/interop/provider/run_with_provider.sh [server.mjs options] -- command [args...]
#   e.g. run_with_provider.sh --alg RS256 --rsa-bits 2048 --device-interval 1 -- build/x/client_interop
# env:   LOGTO_PROVIDER_START_TIMEOUT  seconds to wait for the ready line (default 60; RSA-4096 keys
#                                      take a few seconds on a busy machine)
#        LOGTO_PROVIDER_LOG            keep the provider's stderr in this file (default: shown on failure)
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

server_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  server_args+=("$1")
  shift
done
if [ $# -lt 2 ]; then
  echo "usage: $0 [server.mjs options] -- command [args...]" >&2
  exit 2
fi
shift  # the --

node_bin=${LOGTO_NODE:-node}
command -v "$node_bin" >/dev/null 2>&1 || { echo "run_with_provider: node not found" >&2; exit 1; }
[ -d "$here/../node_modules/oidc-provider" ] ||
  { echo "run_with_provider: run 'npm ci' in $(cd "$here/.." && pwd) first" >&2; exit 1; }

work=$(mktemp -d)
log=${LOGTO_PROVIDER_LOG:-$work/provider.log}
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null  # SIGTERM: the provider closes its connections and exits 0
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$node_bin" "$here/server.mjs" --port 0 --ready-file "$work/ready" ${server_args[@]+"${server_args[@]}"} \
  >/dev/null 2>"$log" &
server_pid=$!

timeout=${LOGTO_PROVIDER_START_TIMEOUT:-60}
deadline=$((SECONDS + timeout))
until [ -s "$work/ready" ]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" 2>/dev/null
    echo "run_with_provider: the provider exited before it was ready:" >&2
    cat "$log" >&2
    server_pid=
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "run_with_provider: the provider was not ready within ${timeout} s:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done

# {"ready":true,"port":N,"endpoint":"http://127.0.0.1:N","issuer":"http://127.0.0.1:N/oidc"}
endpoint=$(sed -n -e 's/.*"endpoint":"\([^"]*\)".*/\1/p' "$work/ready")
[ -n "$endpoint" ] || { echo "run_with_provider: unexpected ready line: $(cat "$work/ready")" >&2; exit 1; }
echo "run_with_provider: provider ${server_args[*]:-} ready at $endpoint (pid $server_pid)" >&2

LOGTO_TEST_ENDPOINT=$endpoint "$@"
status=$?
if [ "$status" -ne 0 ] && [ -z "${LOGTO_PROVIDER_LOG:-}" ]; then
  echo "run_with_provider: the command failed ($status); provider log (last 40 lines):" >&2
  tail -n 40 "$log" >&2
fi
exit "$status"
