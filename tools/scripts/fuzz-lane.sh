#!/usr/bin/env bash
# The linux-fuzz lane: builds the libFuzzer targets in fuzz/ (clang,
# -fsanitize=fuzzer,address,undefined; `cmake --workflow --preset
# linux-fuzz` also replays every checked-in seed once), then fuzzes each
# target for a fixed time. Fails on any crash, broken property, leak,
# sanitizer report, input slower than --input-timeout (a hang) or memory past
# --rss-mb; prints the executions each target ran.
#
# Each run starts from fuzz/corpus/<target>/ (the hand-made seeds, never
# written) plus build/linux-fuzz/fuzz-runs/<target>/corpus (what earlier
# runs found, kept between runs). A failing input is saved as
# build/linux-fuzz/fuzz-runs/<target>/crash-* (or leak-*, timeout-*, oom-*);
# replay it with `build/linux-fuzz/fuzz/<target>_fuzzer <file>`, then make
# it a regression test named after the failure (README, "Tests").
#
# The longer run, one command (an hour per target):
#   tools/scripts/fuzz-lane.sh --seconds 3600
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: tools/scripts/fuzz-lane.sh [--seconds N] [--target NAME]... [--no-deps]
                                  [--no-build]
  --seconds N        fuzz each target for N seconds (default 25)
  --target NAME      fuzz only NAME (repeatable): socket_address,
                     http_request_stream, http_response_stream, http_url,
                     load_flags (default: all)
  --input-timeout S  an input running longer than S seconds is a hang (10)
  --rss-mb M         memory past M MiB is a failure (2048)
  --no-deps          do not install the Debian packages (test-all.sh did)
  --no-build         use the existing build/linux-fuzz (skip the workflow)
  --help             print this and exit
Longer run: tools/scripts/fuzz-lane.sh --seconds 3600
USAGE
}

seconds=25
input_timeout=10
rss_mb=2048
deps=1
build=1
targets=()
while (($#)); do
  case "$1" in
    --help | -h) usage; exit 0 ;;
    --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
    --target) targets+=("${2:?--target needs a value}"); shift 2 ;;
    --input-timeout) input_timeout=${2:?--input-timeout needs a value}; shift 2 ;;
    --rss-mb) rss_mb=${2:?--rss-mb needs a value}; shift 2 ;;
    --no-deps) deps=0; shift ;;
    --no-build) build=0; shift ;;
    *) echo "fuzz-lane.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
for number in "${seconds}" "${input_timeout}" "${rss_mb}"; do
  [[ ${number} =~ ^[1-9][0-9]*$ ]] || {
    echo "fuzz-lane.sh: '${number}' is not a positive whole number" >&2
    usage >&2
    exit 2
  }
done

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "${ASYCAMORE_REPO_ROOT}"

all_targets=(socket_address http_request_stream http_response_stream http_url load_flags)
((${#targets[@]})) || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" ${target} "* ]] ||
    die "unknown target '${target}' (targets: ${all_targets[*]})"
done

# clang-14 and libFuzzer's runtime (libclang-rt-14-dev) are in its list.
((deps)) && "${ASYCAMORE_REPO_ROOT}/tools/scripts/install-linux-deps.sh"
((build)) && cmake --workflow --preset linux-fuzz

runs="build/linux-fuzz/fuzz-runs"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
summary=()
for target in "${targets[@]}"; do
  binary="build/linux-fuzz/fuzz/${target}_fuzzer"
  [[ -x ${binary} ]] || die "${binary} is missing (build the linux-fuzz preset)"
  mkdir -p "${runs}/${target}/corpus"
  dictionary=()
  [[ ${target} == http_*_stream ]] && dictionary=("-dict=fuzz/http.dict")
  log "fuzzing ${target} for ${seconds} s"
  status=0
  # The outer timeout is a safety net: libFuzzer stops itself at
  # -max_total_time and catches slow inputs with -timeout.
  timeout --kill-after=30 $((seconds + 300)) "${binary}" \
    -max_total_time="${seconds}" -timeout="${input_timeout}" \
    -rss_limit_mb="${rss_mb}" -print_final_stats=1 \
    -artifact_prefix="${runs}/${target}/" "${dictionary[@]}" \
    "${runs}/${target}/corpus" "fuzz/corpus/${target}" \
    >"${runs}/${target}/log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "${runs}/${target}/log" | tail -1)
  if ((status != 0)); then
    tail -n 60 "${runs}/${target}/log" >&2
    die "${target} failed (exit ${status}) after ${executions:-?} executions;" \
      "the input is in ${runs}/${target}/ (replay: ${binary} <file>)"
  fi
  summary+=("${target}: ${executions} executions in ${seconds} s")
  log "${summary[-1]}"
done
log "fuzzing passed:"
printf '  %s\n' "${summary[@]}"
