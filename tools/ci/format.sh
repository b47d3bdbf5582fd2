#!/usr/bin/env bash
# Stage "format": every C/C++ file the repository tracks is formatted as .clang-format says, and no
# tracked file holds a merge-conflict marker.
# Fix with: git ls-files -z '*.hpp' '*.cpp' '*.h' '*.c' | xargs -0 clang-format -i
set -uo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS
if [ "${LOGTO_SKIP_INSTALL:-0}" != 1 ] && ! command -v clang-format >/dev/null 2>&1; then
  apt-get install -y -q --no-install-recommends clang-format >/dev/null || exit 1
fi
mapfile -d '' files < <(git ls-files -z '*.hpp' '*.cpp' '*.h' '*.c' ':!single_include')
bad=$(clang-format --dry-run "${files[@]}" 2>&1 | grep -oE '^[^:]+:[0-9]+:[0-9]+: warning' | cut -d: -f1 | sort -u)
echo "format: ${#files[@]} files checked in $((SECONDS - start)) s"
# Merge-conflict markers left in any tracked text file (a README once carried one through a merge).
markers=$(git grep -nE '^(<<<<<<< |>>>>>>> )' -- ':!single_include' 2>/dev/null)
if [ -n "$markers" ]; then
  echo "merge-conflict markers:"
  echo "$markers"
  echo "format: 0 passed, 1 failed"
  exit 1
fi
if [ -n "$bad" ]; then
  echo "not formatted (run clang-format -i on them):"
  echo "$bad"
  echo "format: 0 passed, 1 failed"
  exit 1
fi
echo "format: 1 passed, 0 failed"
