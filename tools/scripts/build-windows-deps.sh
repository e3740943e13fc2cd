#!/usr/bin/env bash
# Cross-builds the dependencies of the windows-mingw lane -- abseil, GoogleTest
# and Google Benchmark -- with mingw-w64 (posix) g++, as static libraries, and
# installs them into one prefix that cmake/toolchains/mingw-w64-x86_64.cmake
# searches.
#
# The sources are Debian's, of the same versions the Linux build links against
# (libabsl-dev, libbenchmark-dev, googletest), Debian patches applied, so both
# lanes compile the same headers: Debian pins absl::string_view, optional, any
# and variant to abseil's own types, and we get the same here. abseil and
# benchmark come through fetch-debian-source.sh (shared with the macOS lane),
# GoogleTest from /usr/src/googletest.
#
# Cached: a prefix whose stamp matches the wanted versions, compiler, toolchain
# file and this script is left alone, in well under a second. Anything else
# rebuilds it from scratch (build trees are kept per configuration, so a
# rebuild after an interrupted run is incremental).
#
# Needs: tools/scripts/install-windows-toolchain.sh (compilers, deb-src entry,
# dpkg-dev, googletest, cmake, ninja).
#
# Usage: tools/scripts/build-windows-deps.sh [--force]
# Environment (optional):
#   ASYCAMORE_WINDOWS_DEPS_PREFIX  install prefix (default <repo>/build/deps/windows-mingw);
#                                  the toolchain file (and so the windows-mingw
#                                  preset) reads the same variable when a build
#                                  tree is first configured
#   ASYCAMORE_WINDOWS_DEPS_WORK    scratch folder for the build trees
#                                  (default <repo>/build/deps/windows-mingw-work)
#   ASYCAMORE_DEPS_SRC_DIR         where fetch-debian-source.sh unpacks sources
#   ASYCAMORE_BUILD_JOBS           parallel jobs, at most 2 (default 2): the
#                                  machines are 2-core and shared.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="${ASYCAMORE_REPO_ROOT}"
toolchain_file="${repo_root}/cmake/toolchains/mingw-w64-x86_64.cmake"

# Relative overrides are taken from the repository root, as the toolchain
# file takes them.
resolve() { (cd "${repo_root}" && realpath -m "$1"); }
prefix="$(resolve "${ASYCAMORE_WINDOWS_DEPS_PREFIX:-build/deps/windows-mingw}")"
work="$(resolve "${ASYCAMORE_WINDOWS_DEPS_WORK:-build/deps/windows-mingw-work}")"
jobs="${ASYCAMORE_BUILD_JOBS:-2}"
if ! [[ ${jobs} =~ ^[0-9]+$ ]] || ((jobs < 1)); then jobs=1; fi
if ((jobs > 2)); then jobs=2; fi

readonly cxx=x86_64-w64-mingw32-g++-posix
readonly stamp="${prefix}/.asycamore-deps-stamp"
# Marks a prefix as made by this script, so that clearing it can never wipe a
# folder someone pointed ASYCAMORE_WINDOWS_DEPS_PREFIX at by mistake.
readonly owner_mark="${prefix}/.asycamore-deps-prefix"

force=0
case "${1:-}" in
  "") ;;
  --force) force=1 ;;
  *)
    echo "usage: build-windows-deps.sh [--force]" >&2
    exit 2
    ;;
esac

# Prints the source version of the package that an installed binary package
# was built from, or "any" when it is not installed: then whichever version
# fetch-debian-source.sh finds (and the prefix was built from) will do.
installed_source_version() {
  local v
  v="$(dpkg-query -W -f='${db:Status-Status} ${source:Version}\n' "$1" 2>/dev/null |
    awk '$1 == "installed" { print $2 }')"
  echo "${v:-any}"
}

# The upstream part of a Debian version: no epoch, no Debian revision.
upstream_of() {
  local v="${1#*:}"
  echo "${v%-*}"
}

abseil_version="$(installed_source_version libabsl-dev)"
benchmark_version="$(installed_source_version libbenchmark-dev)"
googletest_version="$(installed_source_version googletest)"
[[ -f /usr/src/googletest/CMakeLists.txt ]] ||
  die "GoogleTest sources missing (package googletest); run" \
    "tools/scripts/install-windows-toolchain.sh first"
command -v "${cxx}" >/dev/null ||
  die "${cxx} not found; run tools/scripts/install-windows-toolchain.sh first"

# Everything the installed result depends on. A change in any of them
# (a Debian update, a new compiler, an edit to the toolchain file or to this
# script) makes the prefix stale.
key="$(
  {
    echo "abseil ${abseil_version}"
    echo "benchmark ${benchmark_version}"
    echo "googletest ${googletest_version}"
    "${cxx}" --version | head -n 1
    sha256sum <"${toolchain_file}"
    sha256sum <"${BASH_SOURCE[0]}"
  } | sha256sum | cut -c1-16
)"

if ((!force)) && [[ -f ${stamp} && "$(cat "${stamp}")" == "${key}" ]]; then
  log "up to date: ${prefix}"
  exit 0
fi

log "building into ${prefix} (abseil ${abseil_version}, benchmark" \
  "${benchmark_version}, googletest ${googletest_version}, -j${jobs})"
mkdir -p "${work}"
# A partial or stale prefix would mix old and new files: start it afresh, but
# only a prefix this script made (or an empty one).
if [[ -d ${prefix} && -n "$(ls -A "${prefix}")" && ! -f ${owner_mark} ]]; then
  die "${prefix} is not empty and was not made by this script; not clearing it"
fi
rm -rf "${prefix}"
mkdir -p "${prefix}"
touch "${owner_mark}"

# Unpacks Debian's source package $1 (the version binary package $2 was built
# from, when installed) with fetch-debian-source.sh; prints the tree's path.
# That script's progress goes to stderr; its last line is the path.
fetch_source() {
  local out
  out="$("${script_dir}/fetch-debian-source.sh" "$1" "$2")" ||
    die "could not fetch the $1 sources"
  if [[ ${out} == *$'\n'* ]]; then
    echo "${out%$'\n'*}" >&2
  fi
  echo "${out##*$'\n'}"
}

# Configures, builds and installs one CMake project into the prefix.
#   $1 name, $2 source dir, rest: extra CMake arguments.
# The build tree's name carries the key, so a changed configuration never
# reuses a tree configured differently; trees of other keys are removed.
build_and_install() {
  local name="$1" source_dir="$2"
  shift 2
  local build_dir="${work}/build-${name}-${key}"
  local old
  for old in "${work}/build-${name}-"*; do
    [[ -e ${old} && ${old} != "${build_dir}" ]] && rm -rf "${old}"
  done
  local start=${SECONDS}
  log "${name}: configure"
  cmake -S "${source_dir}" -B "${build_dir}" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="${toolchain_file}" \
    -DASYCAMORE_WINDOWS_DEPS_PREFIX="${prefix}" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="${prefix}" \
    -DCMAKE_CXX_STANDARD=20 \
    -DCMAKE_CXX_STANDARD_REQUIRED=ON \
    -DBUILD_SHARED_LIBS=OFF \
    -DBUILD_TESTING=OFF \
    "$@" >"${build_dir}.configure.log" 2>&1 || {
    cat "${build_dir}.configure.log" >&2
    die "${name}: configure failed"
  }
  log "${name}: build"
  cmake --build "${build_dir}" -j "${jobs}" >"${build_dir}.build.log" 2>&1 || {
    tail -n 60 "${build_dir}.build.log" >&2
    die "${name}: build failed (log: ${build_dir}.build.log)"
  }
  cmake --install "${build_dir}" >"${build_dir}.install.log" 2>&1 || {
    cat "${build_dir}.install.log" >&2
    die "${name}: install failed"
  }
  log "${name}: done in $((SECONDS - start)) s"
}

abseil_src="$(fetch_source abseil libabsl-dev)"
benchmark_src="$(fetch_source benchmark libbenchmark-dev)"
# The version actually unpacked, for benchmark's GIT_VERSION below.
benchmark_unpacked="$(cd "${benchmark_src}" && dpkg-parsechangelog -S Version)"

# The whole of abseil: it builds in about a minute at -j2, barely more than the
# subset a reactor uses, and a complete install keeps abslConfig.cmake whole.
# ABSL_PROPAGATE_CXX_STD makes abseil's targets require C++20 of their users,
# as the project compiles.
build_and_install abseil "${abseil_src}" \
  -DABSL_PROPAGATE_CXX_STD=ON \
  -DABSL_BUILD_TESTING=OFF \
  -DABSL_ENABLE_INSTALL=ON

# GoogleTest and GoogleMock from the googletest package's sources. gtest picks
# its Windows threading; nothing to set for mingw.
build_and_install googletest /usr/src/googletest \
  -DBUILD_GMOCK=ON \
  -DINSTALL_GTEST=ON

# Debian's benchmark patch drops the git tag lookup that set GIT_VERSION; an
# unset GIT_VERSION leaves the version empty and configure fails. Warnings
# stay warnings: -Werror with a compiler upstream does not test only adds risk.
build_and_install benchmark "${benchmark_src}" \
  -DGIT_VERSION="$(upstream_of "${benchmark_unpacked}")" \
  -DBENCHMARK_ENABLE_TESTING=OFF \
  -DBENCHMARK_ENABLE_GTEST_TESTS=OFF \
  -DBENCHMARK_ENABLE_WERROR=OFF \
  -DBENCHMARK_ENABLE_INSTALL=ON \
  -DBENCHMARK_INSTALL_DOCS=OFF \
  -DBENCHMARK_ENABLE_LTO=OFF

echo "${key}" >"${stamp}"
log "installed into ${prefix}"
