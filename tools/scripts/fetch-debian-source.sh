#!/usr/bin/env bash
# Unpacks a Debian source package (with Debian's patches applied) into
# build/deps/src/<source-package>, e.g. abseil for the cross-compile lanes.
#
# Why a source tree: the macOS lane compiles against abseil's headers, and the
# ones installed under /usr/include must not be used there, since putting
# /usr/include on a cross compiler's path pulls Linux system headers in. The
# Windows lane builds abseil and benchmark from the same trees.
#
# Usage: tools/scripts/fetch-debian-source.sh SOURCE [BINARY]
#   SOURCE  the source package, e.g. abseil
#   BINARY  a binary package built from it, e.g. libabsl-dev: when it is
#           installed, the exact source version it was built from is fetched,
#           so the cross lanes see the same abseil as the native build.
#   Prints the unpacked tree's path on its last line.
# Environment:
#   ASYCAMORE_DEPS_SRC_DIR  parent of the unpacked trees
#                           (default: <repo>/build/deps/src)
#
# Idempotent: when the tree holds the wanted version, returns at once without
# touching apt or the network.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly STAMP_NAME=".asycamore-debian-version"


# Prints the source version the installed BINARY was built from, or nothing.
installed_source_version() {
  local binary="$1" status
  [[ -n ${binary} ]] || return 0
  status="$(dpkg-query -W -f='${db:Status-Status}' "${binary}" 2>/dev/null || true)"
  [[ ${status} == installed ]] || return 0
  dpkg-query -W -f='${source:Version}' "${binary}"
}

# True when apt knows SOURCE (at VERSION, when given) as a source package.
apt_knows_source() {
  local source="$1" version="$2"
  # showsrc prints the control stanzas of every version it knows.
  apt-cache showsrc "${source}" 2>/dev/null |
    awk -v v="${version}" '$1 == "Version:" && (v == "" || $2 == v) { hit = 1 }
                           END { exit !hit }'
}

main() {
  exit_on_help "$@"
  (($# >= 1 && $# <= 2)) || usage_error "wants SOURCE [BINARY], got: $*"
  [[ $1 != -* && ${2:-} != -* ]] || usage_error "unknown option in: $*"
  local source="$1" binary="${2:-}"
  local parent="${ASYCAMORE_DEPS_SRC_DIR:-${ASYCAMORE_REPO_ROOT}/build/deps/src}"
  local dest="${parent}/${source}"
  local version
  version="$(installed_source_version "${binary}")"

  # Fast path: the tree is there with the wanted version (any version when
  # nothing pins it).
  if [[ -f ${dest}/${STAMP_NAME} ]]; then
    local have
    have="$(cat "${dest}/${STAMP_NAME}")"
    if [[ -z ${version} || ${have} == "${version}" ]]; then
      echo "${dest}"
      return 0
    fi
    log "${dest} holds ${source} ${have}; ${binary} wants ${version}: refetching"
  fi

  # dpkg-source (from dpkg-dev) unpacks the package and applies its patches.
  if ! command -v dpkg-source >/dev/null 2>&1; then
    log "installing dpkg-dev (for dpkg-source)"
    apt_get update
    apt_get install -y --no-install-recommends dpkg-dev
  fi
  if ! apt_knows_source "${source}" "${version}"; then
    "${SCRIPT_DIR}/enable-deb-src.sh"
  fi
  if ! apt_knows_source "${source}" "${version}"; then
    # The source indexes may predate the version installed: refresh once.
    apt_get update
  fi
  apt_knows_source "${source}" "${version}" ||
    die "apt has no source package ${source}${version:+ version ${version}}"

  # Unpack into a scratch directory and move the tree into place only when
  # complete, so an interrupted run never leaves a tree the stamp would trust.
  local scratch="${parent}/.${source}.partial"
  rm -rf "${scratch}"
  mkdir -p "${scratch}"
  log "apt-get source ${source}${version:+=${version}}"
  # Not as root: the files belong to whoever builds. -q keeps the log short.
  (cd "${scratch}" && apt-get source -q "${source}${version:+=${version}}")
  local trees=()
  mapfile -t trees < <(find "${scratch}" -mindepth 1 -maxdepth 1 -type d)
  ((${#trees[@]} == 1)) || die "expected one unpacked tree in ${scratch}, found ${#trees[@]}"

  local unpacked_version
  unpacked_version="$(cd "${trees[0]}" && dpkg-parsechangelog -S Version)"
  echo "${unpacked_version}" >"${trees[0]}/${STAMP_NAME}"
  rm -rf "${dest}"
  mv "${trees[0]}" "${dest}"
  rm -rf "${scratch}" # the .dsc and tarballs: the unpacked tree is all we use
  log "${source} ${unpacked_version} unpacked"
  echo "${dest}"
}

main "$@"
