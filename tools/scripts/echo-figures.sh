#!/usr/bin/env bash
# The echo path's figures (issue 9), one command: asycamore's echo server
# (the echo product's connection on the epoll backend), libuv, libevent and
# a raw epoll server, each in its own process, driven by the same client.
# asycamore_compare --workloads=echo --echo_counts measures, interleaved
# with repetitions: round trips/s at each connection count, the server's
# CPU time per round trip, and (strace -f -c, callgrind) its system calls
# and user-space instructions per round trip, each as a ratio to raw epoll,
# and each server's heap in use per idle connection.
#
# Usage: tools/scripts/echo-figures.sh [options]   (--help)
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'HELP'
Usage: tools/scripts/echo-figures.sh [options]

Measures the echo path of asycamore, libuv, libevent and a raw epoll server
side by side (one client): round trips/s, server CPU, system calls and
instructions per round trip as ratios to raw epoll, and heap per idle
connection. Builds linux-release first (installing what is missing).
Output: the table on stdout; <out-dir>/compare.{md,json} (every repetition),
<out-dir>/echo-counts/ (the strace and callgrind files).

Options (--option VALUE or --option=VALUE):
  --connections LIST   connection counts (default 10,100)
  --repetitions N      interleaved repetitions (default 21)
  --time-ms MS         timed part of one run (default 100)
  --round-trips R      R for the counts: runs of R and 2R (default 5000)
  --idle N             heap per idle connection, from N/5 to N idle
                       connections (default 5000)
  --backends LIST      implementations (default epoll,libuv,libevent,raw_epoll)
  --out-dir DIR        default build/echo-figures
  --smoke              10 connections, 1 repetition, 10 ms, R=200,
                       250 idle connections (about 20 s)
  -h, --help           print this help and exit

Exit status: 0 on success, 1 when a run failed, 2 for a bad option.
HELP
}

# --help comes first, before anything is installed or built.
help_first "$@"
split_option_values "$@"
set -- "${split_args[@]}"

connections=10,100
repetitions=21
time_ms=100
round_trips=5000
backends=epoll,libuv,libevent,raw_epoll
out_dir="${ASYCAMORE_REPO_ROOT}/build/echo-figures"
idle=5000
while (($# > 0)); do
  case "$1" in
    --smoke)
      connections=10 repetitions=1 time_ms=10 round_trips=200 idle=250
      shift
      ;;
    --connections | --repetitions | --time-ms | --round-trips | --idle | --backends | --out-dir)
      (($# >= 2)) || bad_option "$1 needs a value"
      case "$1" in
        --connections) connections=$2 ;;
        --repetitions) repetitions=$2 ;;
        --time-ms) time_ms=$2 ;;
        --round-trips) round_trips=$2 ;;
        --idle) idle=$2 ;;
        --backends) backends=$2 ;;
        --out-dir) out_dir=$2 ;;
      esac
      shift 2
      ;;
    *) bad_option "unknown option '$1'" ;;
  esac
done

build_release_targets asycamore_compare
log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
"${build_dir}/tools/compare/asycamore_compare" --workloads=echo \
  --backends="${backends}" --echo_connections="${connections}" \
  --repetitions="${repetitions}" --echo_time_ms="${time_ms}" \
  --echo_counts --echo_count_round_trips="${round_trips}" \
  --echo_idle_connections="${idle}" --out_dir="${out_dir}"

