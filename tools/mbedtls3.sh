#!/usr/bin/env bash
# Builds mbedTLS 3.6 (static, headers + libraries) from Debian's source package into PREFIX, so that
# tools/test.sh can build and run the suite against 3.x as well as Debian 12's 2.28. Debian 12 ships
# only 2.28; the 3.6 source comes from trixie's source package (nothing is copied into this repository).
#   usage: tools/mbedtls3.sh PREFIX      (does nothing when PREFIX already holds a build)
set -euo pipefail
PREFIX=$1
if [ -f "$PREFIX/lib/libmbedcrypto.a" ] && [ -d "$PREFIX/lib/cmake/MbedTLS" ]; then
  echo "mbedTLS 3.x already built in $PREFIX"
  exit 0
fi
list=/etc/apt/sources.list.d/logto-trixie-src.sources
if ! grep -rqs "^Suites:.*trixie" /etc/apt/sources.list.d/ && ! grep -qs "deb-src .* trixie" /etc/apt/sources.list; then
  cat >"$list" <<'SRC'
# Added by logto-cpp tools/mbedtls3.sh: trixie source packages (mbedTLS 3.6) for the mbedTLS 3.x build.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -q >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source --download-only -t trixie mbedtls >/dev/null 2>&1)
tarball=$(ls "$work"/mbedtls_3*.orig.tar.* | head -n 1)
tar -xf "$tarball" -C "$work"
src=$(find "$work" -maxdepth 1 -type d -name 'mbedtls-3*' | head -n 1)
cmake -S "$src" -B "$work/build" -G Ninja -DENABLE_TESTING=OFF -DENABLE_PROGRAMS=OFF \
  -DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DCMAKE_BUILD_TYPE=Release -DMBEDTLS_FATAL_WARNINGS=OFF \
  -DCMAKE_INSTALL_PREFIX="$PREFIX" >/dev/null
cmake --build "$work/build" -j "$(nproc)" >/dev/null
cmake --install "$work/build" >/dev/null
echo "mbedTLS $(basename "$src" | sed 's/mbedtls-//') built into $PREFIX"
