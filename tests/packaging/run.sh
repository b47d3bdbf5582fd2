#!/usr/bin/env bash
# Packaging consumer tests for logto-cpp: every way a user can consume the library builds and runs
# tests/packaging/consumer.cpp, which checks its own results (RFC 7636 Appendix B, a sign-in URI
# round trip, JSON) and ends with "logto-consumer OK <version>".
#
#   tests/packaging/run.sh [WORKDIR]
#
# WORKDIR (optional) receives the builds, installs and logs and is kept; without it a fresh
# directory from mktemp is used and removed at the end (kept when something failed). Nothing is
# written into the source tree. Prints one line per consumer, "PASS <name>" or "FAIL <name>" (with
# the end of that consumer's log on stderr), and exits non-zero when any consumer failed.
#
# Environment: CXX (default g++), LOGTO_PACKAGING_JOBS (default 2).
# Needs: cmake >= 3.15 (cmake --install), meson, ninja (optional for CMake), pkg-config, a C++17
# compiler, mbedTLS headers (Debian 12: cmake ninja-build meson pkg-config g++ libmbedtls-dev).
# Works as root.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
CXX=${CXX:-g++}
jobs=${LOGTO_PACKAGING_JOBS:-2}

if [[ $# -gt 1 ]]; then
  echo "usage: $0 [WORKDIR]" >&2
  exit 2
fi
if [[ $# -eq 1 ]]; then
  mkdir -p "$1"
  work=$(cd "$1" && pwd)
  keep_work=1
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/logto-packaging.XXXXXX")
  keep_work=0
fi
case "$work/" in
  "$src"/*) echo "error: WORKDIR must be outside the source tree ($src)" >&2; exit 2 ;;
esac
mkdir -p "$work/logs"

failed=()
cleanup() {
  if [[ $keep_work -eq 0 && ${#failed[@]} -eq 0 ]]; then
    rm -rf "$work"
  else
    echo "packaging work directory kept: $work" >&2
  fi
}
trap cleanup EXIT

cmake_generator=()
if command -v ninja >/dev/null 2>&1; then
  cmake_generator=(-G Ninja)
fi

die() {
  echo "error: $*" >&2
  exit 1
}

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
  done
}

# The version every consumer must report: LOGTO_VERSION_STRING from the headers.
version=$(sed -n 's/^#define LOGTO_VERSION_STRING "\([^"]*\)".*/\1/p' "$src/include/logto/core/config.hpp")
[[ -n $version ]] || { echo "FAIL setup: no LOGTO_VERSION_STRING in include/logto/core/config.hpp"; exit 1; }

# Runs a consumer binary and checks its verdict line.
run_consumer_binary() {
  local binary=$1 output
  [[ -x $binary ]] || die "$binary was not built"
  output=$("$binary") || { printf '%s\n' "$output"; die "$binary exited with an error"; }
  printf '%s\n' "$output"
  [[ $(printf '%s\n' "$output" | tail -n 1) == "logto-consumer OK $version" ]] ||
    die "$binary did not end with 'logto-consumer OK $version'"
}

# ---- the installs (one configure each; nothing is compiled)
# The configured CMAKE_INSTALL_PREFIX is deliberately different from the --prefix used at install
# time: logto.pc must name the prefix actually installed to.
install_layout() {
  local layout=$1 single=$2
  need cmake
  cmake -S "$src" -B "$work/build-install-$layout" "${cmake_generator[@]}" -DCMAKE_CXX_COMPILER="$CXX" \
    -DLOGTO_BUILD_TESTS=OFF -DLOGTO_BUILD_EXAMPLES=OFF \
    -DLOGTO_SINGLE_HEADER="$single" -DCMAKE_INSTALL_PREFIX=/configured/prefix/not/used
  cmake --install "$work/build-install-$layout" --prefix "$work/prefix-$layout"
  local prefix=$work/prefix-$layout
  for f in share/cmake/logto/logtoConfig.cmake share/cmake/logto/logtoConfigVersion.cmake \
           share/cmake/logto/logtoTargets.cmake share/cmake/logto/FindMbedTLS.cmake share/pkgconfig/logto.pc \
           include/logto/logto.hpp; do
    [[ -f $prefix/$f ]] || die "install did not produce $f"
  done
  local headers
  headers=$(cd "$prefix/include" && find . -type f | sort)
  if [[ $single == ON ]]; then
    [[ $headers == "./logto/logto.hpp" ]] || die "single-header install holds more than logto/logto.hpp: $headers"
    cmp "$prefix/include/logto/logto.hpp" "$src/single_include/logto/logto.hpp" ||
      die "installed logto.hpp is not single_include/logto/logto.hpp"
  else
    [[ -f $prefix/include/logto/core/result.hpp ]] || die "multi-header install lacks logto/core/result.hpp"
    local expected
    expected=$(cd "$src/include" && find . -type f -name '*.hpp' | sort)
    [[ $headers == "$expected" ]] || die "installed headers differ from include/:"$'\n'"$headers"$'\n'"---"$'\n'"$expected"
  fi
}

# ---- (1) find_package(logto CONFIG) against an install, per layout
consumer_find_package() {
  local layout=$1 single=$2
  install_layout "$layout" "$single"
  local prefix=$work/prefix-$layout build=$work/find_package-$layout
  cmake -S "$here/find_package" -B "$build" "${cmake_generator[@]}" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_PREFIX_PATH="$prefix" -DLOGTO_EXPECTED_DIR="$prefix/share/cmake/logto" \
    -DLOGTO_EXPECT_SINGLE_HEADER="$single"
  cmake --build "$build" -j "$jobs"
  run_consumer_binary "$build/consumer"
}

# ---- (2) add_subdirectory of the source tree
consumer_add_subdirectory() {
  need cmake
  local build=$work/add_subdirectory
  cmake -S "$here/add_subdirectory" -B "$build" "${cmake_generator[@]}" -DCMAKE_CXX_COMPILER="$CXX" \
    -DLOGTO_SOURCE_DIR="$src"
  cmake --build "$build" -j "$jobs"
  run_consumer_binary "$build/consumer"
}

# ---- (3) pkg-config against the multi-header install (made by consumer 1)
consumer_pkg_config() {
  need pkg-config "$CXX"
  local prefix=$work/prefix-multi-header
  [[ -f $prefix/share/pkgconfig/logto.pc ]] || install_layout multi-header OFF
  export PKG_CONFIG_PATH="$prefix/share/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  cat "$prefix/share/pkgconfig/logto.pc"
  pkg-config --exists --print-errors logto
  local modversion cflags libs
  modversion=$(pkg-config --modversion logto)
  [[ $modversion == "$version" ]] || die "pkg-config --modversion logto is '$modversion', expected '$version'"
  cflags=$(pkg-config --cflags logto)
  libs=$(pkg-config --libs logto)
  echo "cflags: $cflags"
  echo "libs: $libs"
  [[ " $cflags " == *" -I$prefix/include "* ]] || die "Cflags lack -I$prefix/include"
  local build=$work/pkg_config
  mkdir -p "$build"
  # shellcheck disable=SC2086 # pkg-config output is a list of words
  "$CXX" -std=c++17 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror $cflags \
    "$here/consumer.cpp" -o "$build/consumer" $libs
  run_consumer_binary "$build/consumer"
}

# ---- (4) meson subproject (subprojects/logto-cpp -> the source tree, in a copy of the consumer)
consumer_meson_subproject() {
  need meson ninja
  local project=$work/meson_subproject build=$work/meson_subproject-build
  rm -rf "$project" "$build"
  mkdir -p "$project/subprojects"
  cp "$here/meson_subproject/meson.build" "$here/consumer.cpp" "$project/"
  ln -s "$src" "$project/subprojects/logto-cpp"
  CXX=$CXX meson setup "$build" "$project" --force-fallback-for=logto
  meson compile -C "$build" -j "$jobs"
  run_consumer_binary "$build/consumer"
  run_consumer_binary "$build/consumer_single_header"
}

# ---- (5) the amalgamated header alone, next to main.cpp, no include flags at all
consumer_single_header_copy() {
  need "$CXX"
  local dir=$work/single_header_copy
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$src/single_include/logto/logto.hpp" "$dir/logto.hpp"
  sed 's|^#include <logto/logto.hpp>$|#include "logto.hpp"|' "$here/consumer.cpp" >"$dir/main.cpp"
  grep -q '^#include "logto.hpp"$' "$dir/main.cpp" || die "could not point main.cpp at logto.hpp"
  (cd "$dir" && "$CXX" -std=c++17 main.cpp -o consumer -lmbedtls -lmbedx509 -lmbedcrypto)
  run_consumer_binary "$dir/consumer"
}

# ---- the version is the same everywhere it is written down
check_versions() {
  local cmake_version meson_version vcpkg_version
  cmake_version=$(sed -n 's/^project(logto VERSION \([0-9][0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
  meson_version=$(sed -n "s/^  version: '\\([^']*\\)',.*/\\1/p" "$src/meson.build")
  vcpkg_version=$(sed -n 's/^  "version-semver": "\([^"]*\)".*/\1/p' "$src/ports/logto-cpp/vcpkg.json")
  echo "config.hpp: $version, CMakeLists.txt: $cmake_version, meson.build: $meson_version, vcpkg.json: $vcpkg_version"
  [[ $cmake_version == "$version" && $meson_version == "$version" && $vcpkg_version == "$version" ]] ||
    die "the version differs between config.hpp, CMakeLists.txt, meson.build and ports/logto-cpp/vcpkg.json"
  # conanfile.py reads the version from config.hpp (set_version), so it cannot drift.
  grep -q 'LOGTO_VERSION_STRING' "$src/conanfile.py" || die "conanfile.py no longer reads LOGTO_VERSION_STRING"
}

run() {
  local name=$1
  shift
  local log=$work/logs/$name.log rc
  set +e
  (
    set -e
    "$@"
  ) >"$log" 2>&1
  rc=$?
  set -e
  if [[ $rc -eq 0 ]]; then
    echo "PASS $name"
  else
    echo "FAIL $name"
    failed+=("$name")
    {
      echo "---- last lines of $log"
      tail -n 30 "$log"
      echo "----"
    } >&2
  fi
}

run versions check_versions
run find_package_multi_header consumer_find_package multi-header OFF
run find_package_single_header consumer_find_package single-header ON
run add_subdirectory consumer_add_subdirectory
run pkg_config consumer_pkg_config
run meson_subproject consumer_meson_subproject
run single_header_copy consumer_single_header_copy

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "packaging: ${#failed[@]} failed: ${failed[*]}" >&2
  exit 1
fi
