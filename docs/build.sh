#!/usr/bin/env bash
# Builds logto-cpp's API reference with Doxygen and fails on any warning.
#
#   docs/build.sh OUTDIR        (or LOGTO_DOXYGEN_OUTPUT=OUTDIR docs/build.sh)
#
# Writes OUTDIR/html/index.html and OUTDIR/doxygen-warnings.log. README.md becomes the main page
# when it exists. Needs doxygen (Debian: apt install doxygen).
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-${LOGTO_DOXYGEN_OUTPUT:-}}
if [[ -z $out || $# -gt 1 ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
command -v doxygen >/dev/null 2>&1 || { echo "error: doxygen is not installed" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/html"

version=$(sed -n 's/^#define LOGTO_VERSION_STRING "\([^"]*\)".*/\1/p' "$src/include/logto/core/config.hpp")
export LOGTO_SOURCE_DIR=$src
export LOGTO_DOXYGEN_OUTPUT=$out
export LOGTO_VERSION=${version:-unknown}
export LOGTO_DOXYGEN_WARNLOG=$out/doxygen-warnings.log
: >"$LOGTO_DOXYGEN_WARNLOG"

# The Doxyfile, plus the README as main page when there is one (doxygen reads the config from stdin).
extra=()
if [[ -f $src/README.md ]]; then
  extra+=("INPUT += \"$src/README.md\"" "USE_MDFILE_AS_MAINPAGE = \"$src/README.md\"")
fi

set +e
{
  cat "$src/docs/Doxyfile"
  printf '%s\n' "${extra[@]+"${extra[@]}"}"
} | (cd "$src" && doxygen -)
rc=$?
set -e

if [[ -s $LOGTO_DOXYGEN_WARNLOG ]]; then
  echo "doxygen reported warnings ($LOGTO_DOXYGEN_WARNLOG):" >&2
  cat "$LOGTO_DOXYGEN_WARNLOG" >&2
  exit 1
fi
if [[ $rc -ne 0 ]]; then
  echo "doxygen failed (exit status $rc)" >&2
  exit "$rc"
fi
[[ -f $out/html/index.html ]] || { echo "error: $out/html/index.html was not produced" >&2; exit 1; }
echo "API reference: $out/html/index.html"
