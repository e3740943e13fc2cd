# shellcheck shell=bash
# Sourced by the zig-* wrappers beside it: finds the zig binary and keeps its
# caches under the build tree. Lookup order:
#   1. ASYCAMORE_ZIG       a zig binary chosen by the caller;
#   2. ASYCAMORE_ZIG_DIR   the install-zig.sh folder: <dir>/bin/zig;
#   3. <repo>/build/tools/zig/bin/zig, where install-zig.sh puts it by default.
# The default comes from this file's location, so a clone works wherever it is.
# Whatever set these variables at configure time must also set them at build
# time: CMake calls the wrappers, not zig.

_asycamore_zig_dir="${ASYCAMORE_ZIG_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/tools/zig}"
ZIG="${ASYCAMORE_ZIG:-${_asycamore_zig_dir}/bin/zig}"
if [[ ! -x ${ZIG} ]]; then
  echo "$(basename "$0"): no zig at ${ZIG}; run tools/scripts/install-zig.sh" >&2
  exit 127
fi
# zig caches compiled objects (and its own state) in these folders; by default
# the global one is in $HOME. Keep them beside the compiler so that a clean of
# the build tree cleans them too and nothing is written outside it.
export ZIG_GLOBAL_CACHE_DIR="${ZIG_GLOBAL_CACHE_DIR:-${_asycamore_zig_dir}/cache}"
export ZIG_LOCAL_CACHE_DIR="${ZIG_LOCAL_CACHE_DIR:-${ZIG_GLOBAL_CACHE_DIR}}"
unset _asycamore_zig_dir
