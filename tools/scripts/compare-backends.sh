#!/usr/bin/env bash
# The README's main job: compares asycamore's backends with libevent, libuv
# and raw epoll/poll loops on the default workload (about a minute), side by
# side, and writes build/compare/compare.json and build/compare/compare.svg.
#
# On a fresh Debian 12 machine it first installs what it needs (apt-get, as
# root or through sudo; packages already present are skipped and `apt-get
# update` runs only when something is missing), then configures and builds
# the linux-release preset.
#
# Usage: tools/scripts/compare-backends.sh [asycamore_compare flags...]
#   e.g. tools/scripts/compare-backends.sh --smoke
#        tools/scripts/compare-backends.sh --backends=epoll,libevent,libuv
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "${ASYCAMORE_REPO_ROOT}"

# The same packages as the tests (the peers libevent and libuv included).
build_release_targets asycamore_compare asycamore_benchmarks

log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" \
  "(other work on the machine makes the figures noisy)"
exec "${build_dir}/tools/compare/asycamore_compare" \
  --out_dir="${ASYCAMORE_REPO_ROOT}/build/compare" "$@"
