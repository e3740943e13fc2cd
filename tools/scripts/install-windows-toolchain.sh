#!/usr/bin/env bash
# Installs what the windows-mingw lane needs on a Debian host: the mingw-w64
# cross compilers (posix threading model, so std::thread and std::mutex work),
# Wine to run the cross-built tests, and the means to fetch Debian's own
# sources of abseil and Google Benchmark (a deb-src entry, through
# enable-deb-src.sh, plus dpkg-dev).
#
# Safe to run again: it installs only what is missing; enable-deb-src.sh adds a
# deb-src entry only when none is configured. Runs apt-get as root, or through
# sudo.
#
# Usage: tools/scripts/install-windows-toolchain.sh
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
exit_on_help "$@"
(($# == 0)) || usage_error "takes no arguments (got: $*)"

# Packages the lane uses. googletest ships the sources under /usr/src/googletest
# that build-windows-deps.sh cross-builds; dpkg-dev provides dpkg-source, which
# `apt-get source` needs to unpack a source package.
readonly PACKAGES=(
  g++-mingw-w64-x86-64-posix
  gcc-mingw-w64-x86-64-posix
  wine
  wine64
  dpkg-dev
  googletest
  # llhttp's C sources: the HTTP layer compiles them for Windows too.
  node-llhttp
  cmake
  ninja-build
)

is_installed() {
  # dpkg-query fails for a package it has never heard of; both mean "no".
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

main() {
  "$(dirname "${BASH_SOURCE[0]}")/enable-deb-src.sh"

  local missing=() p
  for p in "${PACKAGES[@]}"; do
    is_installed "${p}" || missing+=("${p}")
  done
  if ((${#missing[@]} > 0)); then
    # The image's package lists may be older than the archive: refresh first.
    log "apt-get update"
    apt_get update
    log "installing: ${missing[*]}"
    apt_get install -y --no-install-recommends "${missing[@]}"
  else
    log "all packages present"
  fi

  # Check that the tools really run rather than trusting the package database.
  x86_64-w64-mingw32-g++-posix --version | head -n 1
  # wine64 alone is enough for 64-bit programs; its advice to add wine32 is noise.
  wine --version 2>/dev/null
}

main "$@"
