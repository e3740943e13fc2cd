#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds and runs
# every test lane this Linux machine can run. CI (.ci/run) calls exactly this.
#
# Usage: tools/scripts/test-all.sh [-h|--help] [lane...]
#   Lanes (default: all of them, in this order):
#     linux            cmake --workflow --preset linux (every test, the
#                      embedding tests of label `embedding` among them), then
#                      compare-load.sh --smoke and soak.sh's short run
#     linux-asan       the same suites under ASan + UBSan (clang), but the
#                      embedding tests
#     linux-tsan       conformance, unit and multi-thread tests under TSan
#     linux-libkqueue  the kqueue backend over libkqueue (libkqueue-lane.sh)
#     linux-fuzz       each libFuzzer target for a short run (fuzz-lane.sh)
#     macos-compile    compiled for macOS x86_64 and arm64 with zig, not run
#     windows-mingw    cross-built with mingw-w64, tests run under Wine
#   First installs the Debian packages that are missing
#   (install-linux-deps.sh; each lane's own script installs the rest).
#   Outputs: the build trees build/<preset>/ (test logs in
#   build/<preset>/Testing/), build/linux/compare-load-smoke/,
#   build/linux/soak/ (soak.json, the clients' logs); a line per
#   lane with its time. Exit status 0 when every lane passed, 2 for an
#   unknown lane or flag, otherwise the failing lane's.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "${ASYCAMORE_REPO_ROOT}"

all_lanes=(linux linux-asan linux-tsan linux-libkqueue linux-fuzz macos-compile windows-mingw)
exit_on_help "$@"
lanes=("$@")
((${#lanes[@]})) || lanes=("${all_lanes[@]}")
# Every lane is checked before anything is installed or built.
for lane in "${lanes[@]}"; do
  [[ " ${all_lanes[*]} " == *" ${lane} "* ]] ||
    usage_error "unknown lane '${lane}' (lanes: ${all_lanes[*]})"
done

# Each lane prints its own timing so a slow lane is easy to spot.
run_lane() {
  local lane=$1 started=${SECONDS}
  log "=== lane ${lane} ==="
  case "${lane}" in
    linux)
      cmake --workflow --preset linux
      # asycamore-load, wrk and h2load against nginx and asycamore-httpd for
      # a second each, on the lane's own build: the comparison's whole path,
      # in seconds (the figures of a debug build mean nothing; see
      # docs/performance.md).
      "${ASYCAMORE_REPO_ROOT}/tools/scripts/compare-load.sh" --smoke \
        --server both --preset linux --out-dir build/linux/compare-load-smoke
      # The soak's short run (soak.sh --help), on the same build: 5,000
      # connections against asycamore-echo, then asycamore-httpd (with
      # asycamore-load), an 8 s warm-up and 25 s each, resets, half-closes
      # and slow readers mixed in; fails on any byte or answer lost, the
      # connections not held, a descriptor left open, VmRSS growing past
      # the warm-up's high-water mark + 4 MiB, or a server that crashed.
      # About 75 s; the long run is `tools/scripts/soak.sh --seconds 600`.
      "${ASYCAMORE_REPO_ROOT}/tools/scripts/soak.sh" --preset linux \
        --seconds 25 --warmup-seconds 8 --out-dir build/linux/soak
      ;;
    linux-asan)
      cmake --workflow --preset linux-asan
      ;;
    linux-tsan)
      # ThreadSanitizer over the conformance suite (every backend: the
      # cross-thread, loop-lifetime, wake-up and LoopGroup tests among it),
      # the unit tests, StartMultipleClients' multi-thread runs and the
      # multi-loop servers (label `threads`); its build preset compiles only
      # those binaries.
      cmake --workflow --preset linux-tsan
      ;;
    linux-libkqueue)
      # The kqueue backend run on Linux under libkqueue (a userspace
      # emulation over epoll), not on a BSD or macOS kernel: see the README.
      # Skipped, with the reason, where libkqueue's sources cannot be had.
      "${ASYCAMORE_REPO_ROOT}/tools/scripts/libkqueue-lane.sh"
      ;;
    linux-fuzz)
      # libFuzzer (clang, ASan + UBSan) on the HTTP response and request
      # streams, SocketAddress::Parse and asycamore-load's URL and flags:
      # the seeds replayed, then 15 s of fuzzing per target (fuzz-lane.sh
      # --help; the longer run is one command there).
      "${ASYCAMORE_REPO_ROOT}/tools/scripts/fuzz-lane.sh" --no-deps --seconds 15
      ;;
    macos-compile)
      # kqueue, poll and select compiled against real macOS headers (x86_64
      # and arm64) with zig; compiled, not run: see the README.
      "${ASYCAMORE_REPO_ROOT}/tools/scripts/macos-compile-lane.sh"
      ;;
    windows-mingw)
      # iocp and select cross-built with mingw-w64; every test runs under
      # Wine (not on Windows): see the README.
      "${ASYCAMORE_REPO_ROOT}/tools/scripts/windows-lane.sh"
      ;;
    *) usage_error "unknown lane '${lane}'" ;;
  esac
  log "=== lane ${lane} passed in $((SECONDS - started)) s ==="
}

"${ASYCAMORE_REPO_ROOT}/tools/scripts/install-linux-deps.sh"
for lane in "${lanes[@]}"; do
  run_lane "${lane}"
done
log "all lanes passed: ${lanes[*]}"
