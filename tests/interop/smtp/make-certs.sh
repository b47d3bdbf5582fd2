#!/usr/bin/env bash
# Throwaway PKI for the SMTP interop tests (loopback only, never reuse these keys).
#
#   make-certs.sh OUTDIR
#
# Writes into OUTDIR (created if missing; existing files are overwritten):
#   ca.pem, ca-key.pem         test CA (self-signed, CA:TRUE, keyCertSign/cRLSign)
#   server.pem, server-key.pem leaf for DNS:localhost + IP:127.0.0.1, signed by the CA
#   wrong.pem, wrong-key.pem   leaf for DNS:wrong.example only, signed by the same CA
#   other-ca.pem               an unrelated CA that signed nothing here (for "unknown CA" tests)
#   client.pem, client-key.pem a client certificate (clientAuth) signed by the CA, for tls.cert/tls.key
# All keys are EC P-256 (named curve, PKCS#8 PEM), all signatures ECDSA-SHA256,
# all certificates X.509 v3. Needs only `openssl` (1.1.1 or 3.x).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
out=$1
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

days=3650

newkey() { # $1 = output key file
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null
}

# --- extension sections -----------------------------------------------------
cat > "$tmp/ext.cnf" <<'CNF'
[ ca_ext ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ server_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ client_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ wrong_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:wrong.example
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
CNF

selfsigned_ca() { # $1 = key, $2 = cert, $3 = CN
  newkey "$1"
  openssl req -new -x509 -sha256 -days "$days" -key "$1" -out "$2" \
    -subj "/O=logto-cpp interop/CN=$3" \
    -config "$tmp/ext.cnf" -extensions ca_ext \
    -set_serial "0x$(openssl rand -hex 8)" 2>/dev/null
}

leaf() { # $1 = key, $2 = cert, $3 = CN, $4 = extension section
  newkey "$1"
  openssl req -new -sha256 -key "$1" -out "$tmp/leaf.csr" \
    -subj "/O=logto-cpp interop/CN=$3" -config "$tmp/ext.cnf" 2>/dev/null
  openssl x509 -req -sha256 -days "$days" -in "$tmp/leaf.csr" \
    -CA "$out/ca.pem" -CAkey "$out/ca-key.pem" \
    -set_serial "0x$(openssl rand -hex 8)" \
    -extfile "$tmp/ext.cnf" -extensions "$4" -out "$2" 2>/dev/null
}

selfsigned_ca "$out/ca-key.pem" "$out/ca.pem" "logto-cpp interop test CA"
leaf "$out/server-key.pem" "$out/server.pem" "localhost" server_ext
leaf "$out/wrong-key.pem" "$out/wrong.pem" "wrong.example" wrong_ext
leaf "$out/client-key.pem" "$out/client.pem" "logto-interop client" client_ext
selfsigned_ca "$tmp/other-ca-key.pem" "$out/other-ca.pem" "logto-cpp interop unrelated CA"

# sanity: chain and names
openssl verify -CAfile "$out/ca.pem" "$out/server.pem" "$out/wrong.pem" "$out/client.pem" >/dev/null
if openssl verify -CAfile "$out/other-ca.pem" "$out/server.pem" >/dev/null 2>&1; then
  echo "make-certs: other-ca unexpectedly verifies server.pem" >&2; exit 1
fi
chmod 600 "$out"/*-key.pem
echo "make-certs: wrote ca.pem ca-key.pem server.pem server-key.pem wrong.pem wrong-key.pem client.pem client-key.pem other-ca.pem to $out"
