#!/usr/bin/env bash
# The windows-mingw lane: cross-builds asycamore for 64-bit Windows with
# mingw-w64 (backends iocp and select) and runs the whole test suite --
# conformance, tcpsocket and unit tests, on both backends -- under Wine,
# through CTest (CMAKE_CROSSCOMPILING_EMULATOR is tools/scripts/wine-run.sh).
# These tests run under Wine on Linux, not on Windows: see the README.
#
# Steps, each cheap when already done:
#   1. install-windows-toolchain.sh  mingw-w64, Wine, deb-src (apt, once)
#   2. build-windows-deps.sh         abseil, GoogleTest, benchmark for mingw
#                                    (2-4 min cold, cached by a stamp)
#   3. wine-run.sh --init            the Wine prefix under build/ (4-7 s cold)
#   4. cmake --workflow --preset windows-mingw   configure, build, test
#
# Usage: tools/scripts/windows-lane.sh
# Environment:
#   ASYCAMORE_JOBS  parallel compile jobs (default 2: the machines have 2
#                   cores; CTest runs 2 tests at a time, as its preset says).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
exit_on_help "$@"
(($# == 0)) || usage_error "takes no arguments (got: $*)"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly JOBS="${ASYCAMORE_JOBS:-2}"

cd "${ASYCAMORE_REPO_ROOT}"

step() {
  local started=${SECONDS}
  log "$1"
  shift
  "$@"
  log "  done in $((SECONDS - started)) s"
}

step "toolchain (mingw-w64, Wine)" "${SCRIPT_DIR}/install-windows-toolchain.sh"
step "dependencies for mingw (abseil, GoogleTest, benchmark)" \
  env ASYCAMORE_BUILD_JOBS="${JOBS}" "${SCRIPT_DIR}/build-windows-deps.sh"
step "Wine prefix" "${SCRIPT_DIR}/wine-run.sh" --init
# cmake --workflow takes no -j; the build step honours this variable.
step "configure, build and test (preset windows-mingw)" \
  env CMAKE_BUILD_PARALLEL_LEVEL="${JOBS}" \
  cmake --workflow --preset windows-mingw
