#!/usr/bin/env bash
# Runs a cross-built Windows program under Wine; used as the CMake
# CMAKE_CROSSCOMPILING_EMULATOR of the windows-mingw build, so CTest runs
#   wine-run.sh path/to/test.exe [args...]
# and gets the program's exit status and output.
#
# Why a wrapper and not plain `wine`: the first Wine process of a session starts
# background processes (services.exe, winedevice.exe, explorer.exe, ...) that
# inherit its stdout and stderr. Under CTest those are the test's output pipe,
# so CTest waits for them to exit (about 2.4 s per test). Here a persistent
# wineserver and those background processes are started once, detached from the
# pipe, under a lock, before `exec wine`; each test then costs a fraction of a
# second.
#
# Environment (all optional):
#   ASYCAMORE_WINEPREFIX        Wine prefix to use (default: <repo>/build/wine-prefix;
#                               created on first use, 4-7 s).
#   ASYCAMORE_WINESERVER_LINGER seconds the wineserver stays up after the last
#                               program exits (default 60).
#   WINE, WINESERVER            the wine and wineserver commands to use.
#   WINEDEBUG, WINEDLLOVERRIDES honoured when set; otherwise debug output is off
#                               and the mono, gecko and menu-builder set-ups are
#                               skipped (they need a network or a desktop).
#
# Usage:
#   wine-run.sh PROGRAM.exe [ARGS...]   run a program
#   wine-run.sh --init                  create the prefix and start the server
#   wine-run.sh --shutdown              stop this prefix's wineserver now
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=common.sh
source "${script_dir}/common.sh"

wine_cmd="${WINE:-wine}"
wineserver_cmd="${WINESERVER:-wineserver}"
linger="${ASYCAMORE_WINESERVER_LINGER:-60}"

# Wine wants an absolute prefix path; realpath -m accepts one not created yet.
WINEPREFIX="$(realpath -m "${ASYCAMORE_WINEPREFIX:-${repo_root}/build/wine-prefix}")"
export WINEPREFIX
# 64-bit only: Debian's wine64 runs the x86_64 test binaries without wine32.
export WINEARCH=win64
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=;winemenubuilder.exe=d}"

readonly ready_marker="${WINEPREFIX}/.asycamore-ready"
readonly lock_file="${WINEPREFIX}.lock"

# Makes sure the prefix exists and a persistent wineserver with its background
# processes runs for it. Holds an exclusive lock so that several CTest jobs
# starting together create the prefix and start the server exactly once.
prepare() {
  # The directory must exist before the server starts (the server lives in it);
  # Wine fills an empty one with a new prefix.
  mkdir -p "${WINEPREFIX}"
  local fd
  exec {fd}>"${lock_file}"
  flock "${fd}"

  # `wineserver -p<n>` starts a server that stays up <n> s after its last
  # client exits; it exits with status 0 when it started one and non-zero at
  # once when the prefix already has a server. It must start before any wine
  # program: a server that wine starts itself quits with its last program
  # (Debian's wineserver wrapper passes -p0; our later -p<n> wins). Its output
  # goes to /dev/null: an inherited pipe would keep CTest waiting for it.
  local started=0
  if "${wineserver_cmd}" "-p${linger}" </dev/null >/dev/null 2>&1; then
    started=1
  fi

  if ((started)) || [[ ! -e ${ready_marker} ]]; then
    # A first program creates or updates the prefix (wineboot) and starts the
    # background processes, all detached from the caller's pipes. A 64-bit
    # only Wine prints a harmless error about syswow64\rundll32.exe here.
    if ! "${wine_cmd}" cmd /c exit </dev/null >/dev/null 2>&1; then
      echo "wine-run: could not start Wine in prefix ${WINEPREFIX}" >&2
      exit 125
    fi
    if [[ ! -e ${ready_marker} ]]; then
      # A new Debian Wine 8 prefix claims to be Windows 7 (6.1.7601); the
      # programs under test target Windows 10, so report that.
      "${wine_cmd}" reg add 'HKCU\Software\Wine' /v Version /d win10 /f \
        </dev/null >/dev/null 2>&1 || true
      touch "${ready_marker}"
    fi
  fi

  flock -u "${fd}"
  exec {fd}>&-
}

# Only the first argument is the script's: the rest are the program's.
case "${1:-}" in
  "") usage_error "no program given" ;;
  -h | --help)
    script_usage
    exit 0
    ;;
  --init)
    prepare
    exit 0
    ;;
  --shutdown)
    # Nothing to stop when the prefix was never created.
    [[ -d ${WINEPREFIX} ]] || exit 0
    "${wineserver_cmd}" -k </dev/null >/dev/null 2>&1 || true
    exit 0
    ;;
  -*) usage_error "unknown option '$1'" ;;
esac

prepare
exec "${wine_cmd}" "$@"
