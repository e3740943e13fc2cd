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
# Usage: tools/scripts/compare-backends.sh [-h|--help] [flag...]
#   e.g. tools/scripts/compare-backends.sh --smoke
#        tools/scripts/compare-backends.sh --backends=epoll,libevent,libuv
# Flags (passed to asycamore_compare; its --help has the details):
#   --backends=LIST     asycamore backends (epoll, poll, select, ...), peers
#                       (libevent, libuv), floors (raw_epoll, raw_poll);
#                       default all
#   --workloads=LIST    chain,idle (default both)
#   --chain_sizes=LIST  --actives=LIST  --idle_sizes=LIST  --writes=N
#   --repetitions=N     side-by-side repetitions per cell (default 21)
#   --min_time_ms=N  --warmup_ms=N  --clock=cpu|wall
#   --smoke             a few seconds instead of about a minute
#   --out_dir=DIR       default build/compare
#   --json=PATH  --svg=PATH  --[no]progress  --list
# Outputs: <out_dir>/compare.json (for machines), compare.svg (the chart),
#   compare.md (the ratios as a Markdown table); progress on stderr.
# Exit status 2 for an unknown flag, before anything is installed or built.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "${ASYCAMORE_REPO_ROOT}"

exit_on_help "$@"
# The flags of tools/compare/compare_main.cc; checked here, before the
# 30 s build, so that a typo fails at once.
known_flags=" backends workloads chain_sizes actives idle_sizes writes repetitions
  min_time_ms warmup_ms out_dir json svg smoke clock progress list "
for arg in "$@"; do
  name=${arg#--}
  name=${name%%=*}
  [[ ${arg} == --* && " ${known_flags//$'\n'/ } " == *" ${name#no} "* ]] ||
    usage_error "unknown flag '${arg}'"
done

# The same packages as the tests (the peers libevent and libuv included).
build_release_targets asycamore_compare asycamore_benchmarks

log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" \
  "(other work on the machine makes the figures noisy)"
exec "${build_dir}/tools/compare/asycamore_compare" \
  --out_dir="${ASYCAMORE_REPO_ROOT}/build/compare" "$@"
