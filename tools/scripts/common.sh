# shellcheck shell=bash
# Helpers shared by the scripts in tools/scripts. Source it, do not run it:
#   source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# Callers set `set -euo pipefail` themselves.

# The repository root, derived from this file's location so that nothing
# depends on where the clone lives or on the caller's working directory.
ASYCAMORE_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck disable=SC2034  # used by the scripts that source this file
readonly ASYCAMORE_REPO_ROOT

# Prints a message prefixed with the running script's name.
log() { echo "$(basename "$0"): $*"; }

# Prints a message on stderr and exits non-zero.
die() {
  echo "$(basename "$0"): error: $*" >&2
  exit 1
}

# For scripts with options: the caller defines `usage` (prints the help).
# help_first "$@" prints it and exits 0 when any argument asks for help,
# before anything is installed or built; bad_option exits 2 with a message
# and the usage on stderr.
help_first() {
  local arg
  for arg in "$@"; do
    case "${arg}" in
      -h | --help)
        usage
        exit 0
        ;;
    esac
  done
}

# Splits every "--option=value" argument into "--option" "value" and leaves
# the result in split_args, so that a script parses one form:
#   split_option_values "$@"; set -- "${split_args[@]}"
split_option_values() {
  split_args=()
  local arg
  for arg in "$@"; do
    case "${arg}" in
      --*=*) split_args+=("${arg%%=*}" "${arg#*=}") ;;
      *) split_args+=("${arg}") ;;
    esac
  done
}

bad_option() {
  echo "$(basename "$0"): $*" >&2
  echo >&2
  usage >&2
  exit 2
}

# Runs a command as root: directly when we are root (CI runs as root), through
# sudo on a developer's machine, and fails clearly when neither is possible.
as_root() {
  if [[ ${EUID} -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# Runs apt-get non-interactively as root. The lock timeout lets two of our
# scripts (or a script and a person) run apt at the same time: the second one
# waits for the lock instead of failing at once.
apt_get() {
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -q -o DPkg::Lock::Timeout=600 "$@"
}

# Installs the packages (install-linux-deps.sh), configures the
# linux-release preset and builds the given targets, two jobs at a time.
# Sets build_dir for the caller.
build_release_targets() {
  "${ASYCAMORE_REPO_ROOT}/tools/scripts/install-linux-deps.sh"
  local preset=linux-release
  # shellcheck disable=SC2034  # read by the caller
  build_dir="${ASYCAMORE_REPO_ROOT}/build/${preset}"
  log "configuring and building ${preset} ($*)"
  (cd "${ASYCAMORE_REPO_ROOT}" && cmake --preset "${preset}" >/dev/null &&
    cmake --build --preset "${preset}" --parallel 2 --target "$@")
}
