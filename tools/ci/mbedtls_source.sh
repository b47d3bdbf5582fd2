#!/usr/bin/env bash
# Unpacks Debian's mbedTLS source package, the version of the host's libmbedtls-dev (2.28 on Debian 12),
# into DIR/src once, and prints the source tree's path. Used by the stages that compile mbedTLS for
# another target (baremetal.sh, wasm.sh, windows.sh). Unless LOGTO_SKIP_INSTALL=1 it first adds a deb-src entry for
# Debian 12 when apt knows no source of that version (CI's fresh machine has none). The version is pinned
# so that a trixie deb-src entry (tools/mbedtls3.sh adds one) does not hand out 3.x.
#   usage: tools/ci/mbedtls_source.sh DIR        (messages on stderr; exit 1 on failure)
set -uo pipefail
dir=$1
src=$(ls -d "$dir"/src/*/library/.. 2>/dev/null | head -1)
if [ -z "$src" ]; then
  ver=$(dpkg-query -W -f='${source:Version}\n' libmbedtls-dev 2>/dev/null | head -1)
  if [ "${LOGTO_SKIP_INSTALL:-0}" != 1 ] && ! apt-cache showsrc mbedtls 2>/dev/null | grep -qx "Version: $ver"; then
    cat >/etc/apt/sources.list.d/logto-bookworm-src.sources <<'SRC'
# Added by logto-cpp tools/ci/mbedtls_source.sh: Debian 12's source packages (mbedTLS for other targets).
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt-get update -q >/dev/null || { echo "mbedtls_source: apt-get update failed" >&2; exit 1; }
  fi
  rm -rf "$dir/src" && mkdir -p "$dir/src"
  (cd "$dir/src" && apt-get source --download-only "mbedtls${ver:+=$ver}" >"$dir/src.log" 2>&1 &&
    tar xf mbedtls_*.orig.tar.* && rm -f mbedtls_*) ||
    { tail -5 "$dir/src.log" >&2; echo "mbedtls_source: apt-get source mbedtls failed" >&2; exit 1; }
  src=$(ls -d "$dir"/src/*/library/.. | head -1)
fi
cd "$src" && pwd
