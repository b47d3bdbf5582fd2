#!/usr/bin/env bash
# Sends a sign-in code with the SMTP connector to a local test SMTP server, then shows the e-mail
# exactly as the server stored it. Nothing leaves the machine: the server listens on 127.0.0.1.
#
# usage: examples/send_code/demo.sh path/to/send_code
# needs: node, and the npm packages in tests/interop/node_modules (npm ci in tests/interop)
set -euo pipefail

send_code=${1:?usage: demo.sh path/to/send_code}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

command -v node >/dev/null || { echo "demo.sh: node is not installed" >&2; exit 1; }
[ -d "$root/tests/interop/node_modules/smtp-server" ] ||
  { echo "demo.sh: run 'npm ci' in $root/tests/interop first" >&2; exit 1; }

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true  # SIGTERM: the server closes and exits 0
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --port 0: the OS picks a free port; the server writes it to the ready file once it listens.
# Plain SMTP with AUTH PLAIN and no STARTTLS, so the whole conversation is readable in its log.
node "$root/tests/interop/smtp/server.mjs" --port 0 --mode plain --no-starttls \
  --auth PLAIN --user demo@example.com --pass demo-pass \
  --maildir "$work/maildir" --ready-file "$work/ready" >/dev/null 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do
  [ -s "$work/ready" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "demo.sh: the SMTP server failed to start:" >&2; cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/ready" ] || { echo "demo.sh: the SMTP server did not become ready in 10 s" >&2; exit 1; }
port=$(sed -e 's/.*"port":\([0-9]*\).*/\1/' "$work/ready")

# A Logto console SMTP config pointing at the test server.
# "ignoreTLS": true is needed because this server offers no STARTTLS: the connector refuses to send
# the password over an unencrypted connection unless told to. Never set it for a real server.
cat >"$work/smtp.json" <<EOF
{
  "host": "127.0.0.1",
  "port": $port,
  "auth": { "user": "demo@example.com", "pass": "demo-pass" },
  "fromEmail": "Logto Demo <noreply@example.com>",
  "ignoreTLS": true,
  "templates": [
    { "usageType": "SignIn", "contentType": "text/plain", "subject": "Your sign-in code",
      "content": "Your verification code is {{code}}. The code will remain active for 10 minutes." },
    { "usageType": "Register", "contentType": "text/plain", "subject": "Your sign-up code",
      "content": "Your sign-up verification code is {{code}}. The code will remain active for 10 minutes." },
    { "usageType": "ForgotPassword", "contentType": "text/plain", "subject": "Your password reset code",
      "content": "Your password change verification code is {{code}}. The code will remain active for 10 minutes." },
    { "usageType": "Generic", "contentType": "text/html", "subject": "Your verification code",
      "content": "<p>Your verification code is <b>{{code}}</b>. The code will remain active for 10 minutes.</p>" }
  ]
}
EOF

echo "\$ send_code --connector smtp --config smtp.json --to user@example.com --code 123456 --type SignIn"
"$send_code" --connector smtp --config "$work/smtp.json" --to user@example.com --code 123456 --type SignIn

# The server has written <n>.eml before it answered 250, so the file is complete by now.
echo
echo "--- the message as the server stored it (maildir/1.eml, the raw bytes after DATA):"
cat "$work/maildir/1.eml"
