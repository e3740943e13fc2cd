#!/usr/bin/env bash
# The macOS compile lane: builds the project for macOS (x86_64 and arm64) on
# Linux with zig, against real macOS system headers, and checks that what came
# out is Mach-O for the right CPU. Nothing is linked or run: zig cannot build
# libc++ for macOS offline, so this proves the code compiles there, no more.
#
# Usage: tools/scripts/macos-compile-lane.sh [x86_64|arm64]...
#   (default: both). Uses the configure presets macos-compile-<arch> of
#   CMakePresets.json, builds into build/macos-compile-<arch>.
# Environment:
#   ASYCAMORE_JOBS  parallel compile jobs (default 2: the machines have 2 cores)
#   and those of install-zig.sh and fetch-debian-source.sh.
#
# Installs what it needs first (zig from the npm registry, Debian's abseil
# source, node-llhttp), so it runs on a clean clone; each step is instant the
# second time.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly JOBS="${ASYCAMORE_JOBS:-2}"

# Prints the first 8 bytes a 64-bit Mach-O object starts with for ARCH: the
# magic 0xfeedfacf then the CPU type, both little-endian.
macho_header() {
  case "$1" in
    x86_64) echo "cf fa ed fe 07 00 00 01" ;; # CPU_TYPE_X86_64
    arm64) echo "cf fa ed fe 0c 00 00 01" ;;  # CPU_TYPE_ARM64
    *) die "unknown arch '$1' (expected x86_64 or arm64)" ;;
  esac
}

# Checks every object the build produced: a Linux object here would mean the
# toolchain silently compiled for the host, and the lane proved nothing.
check_objects() {
  local build_dir="$1" arch="$2" want objects=() f head
  want="$(macho_header "${arch}")"
  # CMake's own compiler-identification objects are not ours: skip them.
  mapfile -t objects < <(find "${build_dir}" -name '*.o' -type f \
    -not -path '*/CMakeFiles/[0-9]*' -not -path '*/CMakeScratch/*' | sort)
  ((${#objects[@]} > 0)) || die "${build_dir}: the build produced no object file"
  for f in "${objects[@]}"; do
    head="$(od -An -tx1 -N8 "${f}" | xargs)"
    [[ ${head} == "${want}" ]] || die "${f} is not a Mach-O ${arch} object (starts: ${head})"
  done
  local libraries
  libraries="$(find "${build_dir}" -name '*.a' -type f | wc -l)"
  log "macos-compile-${arch}: ${#objects[@]} objects, ${libraries} static libraries," \
    "all Mach-O ${arch}"
}

# The HTTP layer compiles llhttp's C sources from Debian's node-llhttp; they
# are the same for every target, so the host's package serves this lane.
install_llhttp_sources() {
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' node-llhttp 2>/dev/null || true)" != installed ]]; then
    log "installing node-llhttp (llhttp's C sources)"
    apt_get update
    apt_get install -y --no-install-recommends node-llhttp
  fi
}

main() {
  exit_on_help "$@"
  local archs=("$@")
  ((${#archs[@]} > 0)) || archs=(x86_64 arm64)
  local arch
  for arch in "${archs[@]}"; do
    [[ ${arch} == x86_64 || ${arch} == arm64 ]] ||
      usage_error "unknown architecture '${arch}' (x86_64, arm64)"
  done

  "${SCRIPT_DIR}/install-zig.sh" >/dev/null
  "${SCRIPT_DIR}/fetch-debian-source.sh" abseil libabsl-dev >/dev/null
  install_llhttp_sources

  cd "${ASYCAMORE_REPO_ROOT}"
  for arch in "${archs[@]}"; do
    local preset="macos-compile-${arch}"
    local build_dir="${ASYCAMORE_REPO_ROOT}/build/${preset}"
    local start=${SECONDS}
    # -B pins the build folder, so the object check below looks where the
    # build went whatever binaryDir the preset names.
    cmake --preset "${preset}" -B "${build_dir}"
    local configured=${SECONDS}
    cmake --build "${build_dir}" -j "${JOBS}"
    log "${preset}: configure $((configured - start)) s, build $((SECONDS - configured)) s"
    check_objects "${build_dir}" "${arch}"
  done
}

main "$@"
