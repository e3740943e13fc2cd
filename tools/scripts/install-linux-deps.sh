#!/usr/bin/env bash
# Installs the Debian packages the Linux build, tests and benchmarks use.
# Packages already installed are skipped, and `apt-get update` runs only when
# something is missing, so a second run costs a dpkg query.
#
# Usage: tools/scripts/install-linux-deps.sh
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
exit_on_help "$@"
(($# == 0)) || usage_error "takes no arguments (got: $*)"

packages=(
  # pkg-config: the embedding tests link by hand with asycamore.pc (dpkg,
  # which unpacks their .deb, is part of every Debian system).
  cmake ninja-build g++ pkg-config
  # The sanitizer presets build with clang; its ASan/UBSan runtimes and
  # libFuzzer (the linux-fuzz lane) live in libclang-rt-14-dev on Debian 12.
  clang clang-14 libclang-rt-14-dev
  libabsl-dev googletest libgtest-dev libgmock-dev libbenchmark-dev
  # llhttp's C sources for the HTTP layer (cmake/AsycamoreLlhttp.cmake).
  node-llhttp
  # liburing for the io_uring backend (cmake/AsycamoreBackends.cmake).
  liburing-dev
  # Peers for the backend comparison (optional at build time, installed so
  # that the comparison always includes them).
  libevent-dev libuv1-dev
  # Counting for the echo and instruction figures (echo-figures.sh,
  # instructions-per-event.sh): system calls and user-space instructions.
  strace valgrind
  # The Relacy model checker (header-only) for WakeFlag's memory ordering.
  relacy-dev
  # jq: soak.sh reads asycamore-load's and asycamore-soak's JSON with it.
  jq
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "${package}" 2>/dev/null |
    grep -q "install ok installed"; then
    missing+=("${package}")
  fi
done

if ((${#missing[@]} == 0)); then
  log "all ${#packages[@]} packages present"
  exit 0
fi
log "installing: ${missing[*]}"
apt_get update
apt_get install -y --no-install-recommends "${missing[@]}"
