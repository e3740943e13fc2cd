#!/usr/bin/env bash
# User-space instructions per dispatched event on the chain workload
# (libevent's bench.c shape), counted by valgrind's callgrind: the figure a
# noisy shared machine cannot blur. Runs asycamore_compare once under
# callgrind; its measurement seam (benchmarks/workloads/callgrind_seam.h)
# zeroes the counters before each implementation's timed rounds and dumps
# them after, labelled with the cell, the implementation and the events.
# This script divides each dump by its events and prints the table, with
# every implementation's ratio to raw_epoll in the same cell.
#
# Usage: tools/scripts/instructions-per-event.sh [options]   (--help)
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'HELP'
Usage: tools/scripts/instructions-per-event.sh [options]

Counts user-space instructions per event (callgrind) on the chain workload
for asycamore's epoll backend, libuv, libevent and the raw epoll floor, and
prints them with their ratio to raw_epoll. Builds linux-release first
(installing what is missing). Output: the table on stdout and in
<out-dir>/instructions.md, callgrind's dumps in <out-dir>/callgrind/.

Options (--option VALUE or --option=VALUE):
  --sizes LIST       chain socket pairs N (default 100,1000)
  --actives LIST     active chains A (default 1,100)
  --backends LIST    implementations, as asycamore_compare --backends takes
                     them (default epoll,libuv,libevent,raw_epoll)
  --out-dir DIR      default build/instructions
  --smoke            N=100, A=1 only, short time boxes (a few seconds)
  -h, --help         print this help and exit

Exit status: 0 on success, 1 when a run failed, 2 for a bad option.
HELP
}

# --help comes first, before anything is installed or built.
help_first "$@"
split_option_values "$@"
set -- "${split_args[@]}"

sizes=100,1000
actives=1,100
backends=epoll,libuv,libevent,raw_epoll
out_dir="${ASYCAMORE_REPO_ROOT}/build/instructions"
min_time_ms=200
while (($# > 0)); do
  case "$1" in
    --smoke)
      sizes=100 actives=1 min_time_ms=20
      shift
      ;;
    --sizes | --actives | --backends | --out-dir)
      (($# >= 2)) || bad_option "$1 needs a value"
      case "$1" in
        --sizes) sizes=$2 ;;
        --actives) actives=$2 ;;
        --backends) backends=$2 ;;
        --out-dir) out_dir=$2 ;;
      esac
      shift 2
      ;;
    *) bad_option "unknown option '$1'" ;;
  esac
done

build_release_targets asycamore_compare
rm -rf "${out_dir}/callgrind"
mkdir -p "${out_dir}/callgrind"
log "running asycamore_compare under callgrind (chain N=${sizes} A=${actives}: ${backends})"
valgrind --tool=callgrind -q \
  --callgrind-out-file="${out_dir}/callgrind/chain.out" \
  "${build_dir}/tools/compare/asycamore_compare" --workloads=chain \
  --chain_sizes="${sizes}" --actives="${actives}" --backends="${backends}" \
  --repetitions=1 --min_time_ms="${min_time_ms}" --warmup_ms=1 \
  --progress=false --out_dir="${out_dir}/compare" >/dev/null

# Each dump: "desc: Trigger: Client Request: chain N=100 A=1 impl=epoll
# events=5005" and "summary: <instructions>".
{
  echo "User-space instructions per event (callgrind, valgrind $(valgrind --version | sed 's/valgrind-//')), chain workload; $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "| cell | impl | events | instructions / event | x raw_epoll |"
  echo "|---|---|--:|--:|--:|"
  for dump in "${out_dir}"/callgrind/chain.out.*; do
    awk '/^desc: Trigger: Client Request: / { sub(/^desc: Trigger: Client Request: /, ""); label = $0 }
         /^summary: / { print label " ir=" $2 }' "${dump}"
  done | awk '
    {
      cell = $1 " " $2 " " $3
      for (i = 4; i <= NF; ++i) { split($i, kv, "="); f[kv[1]] = kv[2] }
      if (f["events"] == 0) next
      key[++n] = cell SUBSEP f["impl"]
      cells[n] = cell; impls[n] = f["impl"]; events[n] = f["events"]
      per[n] = f["ir"] / f["events"]
      if (f["impl"] == "raw_epoll") raw[cell] = per[n]
    }
    END {
      for (i = 1; i <= n; ++i) {
        ratio = raw[cells[i]] > 0 ? sprintf("%.2f", per[i] / raw[cells[i]]) : "-"
        printf "| %s | %s | %d | %.1f | %s |\n", cells[i], impls[i], events[i], per[i], ratio
      }
    }' | sort -t'|' -k2,2V -k3,3
} | tee "${out_dir}/instructions.md"
