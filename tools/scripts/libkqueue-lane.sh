#!/usr/bin/env bash
# The linux-libkqueue lane: runs the kqueue backend on Linux, under libkqueue
# 2.7.0 (a userspace kqueue(2)/kevent(2) built over epoll, eventfd and
# signalfd; BSD-2-Clause). It proves the backend's own code runs and honours
# the contract; it is not a BSD or macOS kernel, and the tests that rely on
# what only a kernel does are skipped with that reason (see the README).
#
# libkqueue is never copied into the repository: its release tarball is
# checked against the sha256 below, unpacked, built and installed into the
# lane's build tree (build/linux-libkqueue/libkqueue/), and the conformance,
# event-loop, tcpsocket and unit suites are linked against it
# (`cmake --workflow --preset linux-libkqueue`). Without the tarball, tag
# v2.7.0 is fetched with git where there is network; where there is neither,
# the lane prints a SKIPPED line with the reason and exits 0.
#
# Cached: an install whose stamp matches the libkqueue commit, the C
# compiler and this script is reused without touching the tarball.
#
# Usage: tools/scripts/libkqueue-lane.sh [--deps-only]
#   --deps-only  build (or check) libkqueue, do not run the suites
# Environment (optional):
#   ASYCAMORE_LIBKQUEUE_TARBALL  the source tarball (default
#                                <repo>/../shared/vendor/libkqueue-2.7.0.tar.gz,
#                                or the same next to the main checkout when
#                                <repo> is a git worktree; a relative path is
#                                taken from the repository)
#   ASYCAMORE_LIBKQUEUE_GIT_URL  where to fetch tag v2.7.0 when the tarball is
#                                missing (default the upstream repository;
#                                empty: never fetch)
#   ASYCAMORE_BUILD_JOBS         parallel jobs, at most 2 (default 2): the
#                                machines are 2-core and shared.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

readonly version=2.7.0
readonly tag=v2.7.0
# The tag's commit, and the sha256 of `git archive` of it (as in
# ../shared/vendor/README.md): either proves the sources are that release.
readonly commit=4e26305ec1b5c64630d5eaf3bcfc78bde6763694
readonly tarball_sha256=670d866a09813500b447570027aced1808fbfa14906244c77da0fdcd46cb57d9
readonly upstream=https://github.com/mheily/libkqueue.git

repo_root="${ASYCAMORE_REPO_ROOT}"
resolve() { (cd "${repo_root}" && realpath -m "$1"); }
# The default sits next to the repository; in a linked git worktree, next to
# the main checkout too (worktrees usually live elsewhere).
default_tarball() {
  local relative="../shared/vendor/libkqueue-${version}.tar.gz" common
  if [[ ! -f $(resolve "${relative}") ]] &&
    common="$(git -C "${repo_root}" rev-parse --path-format=absolute \
      --git-common-dir 2>/dev/null)" &&
    [[ -f "$(dirname "${common}")/${relative}" ]]; then
    realpath -m "$(dirname "${common}")/${relative}"
  else
    resolve "${relative}"
  fi
}
if [[ -n ${ASYCAMORE_LIBKQUEUE_TARBALL:-} ]]; then
  tarball="$(resolve "${ASYCAMORE_LIBKQUEUE_TARBALL}")"
else
  tarball="$(default_tarball)"
fi
git_url="${ASYCAMORE_LIBKQUEUE_GIT_URL-${upstream}}"
jobs="${ASYCAMORE_BUILD_JOBS:-2}"
if ! [[ ${jobs} =~ ^[0-9]+$ ]] || ((jobs < 1)); then jobs=1; fi
if ((jobs > 2)); then jobs=2; fi

# The preset linux-libkqueue reads libkqueue from this prefix.
readonly work="${repo_root}/build/linux-libkqueue/libkqueue"
readonly prefix="${work}/install"
readonly stamp="${prefix}/.asycamore-libkqueue-stamp"

deps_only=0
exit_on_help "$@"
case "$#:${1:-}" in
  0:) ;;
  1:--deps-only) deps_only=1 ;;
  *) usage_error "unknown arguments: $*" ;;
esac

skip() {
  log "SKIPPED lane linux-libkqueue: $*"
  exit 0
}

command -v cc >/dev/null || die "no C compiler (cc); run tools/scripts/install-linux-deps.sh"
key="$(
  {
    echo "libkqueue ${version} ${commit}"
    cc --version | head -n 1
    sha256sum <"${BASH_SOURCE[0]}"
  } | sha256sum | cut -c1-16
)"

# Puts libkqueue's sources in ${work}/src and says in ${origin} where they
# came from, or skips the lane when neither the tarball nor the network is
# there.
origin=""
obtain_sources() {
  rm -rf "${work}/src" "${work}/src.tmp"
  if [[ -f ${tarball} ]]; then
    local actual
    actual="$(sha256sum "${tarball}" | cut -d' ' -f1)"
    [[ ${actual} == "${tarball_sha256}" ]] ||
      die "${tarball}: sha256 ${actual}, expected ${tarball_sha256} (libkqueue ${version})"
    mkdir -p "${work}/src.tmp"
    tar -xzf "${tarball}" -C "${work}/src.tmp"
    mv "${work}/src.tmp/libkqueue-${version}" "${work}/src"
    rm -rf "${work}/src.tmp"
    origin="tarball ${tarball} (sha256 verified)"
    return
  fi
  [[ -n ${git_url} ]] ||
    skip "no libkqueue tarball at ${tarball} and fetching is off" \
      "(ASYCAMORE_LIBKQUEUE_GIT_URL is empty)"
  command -v git >/dev/null ||
    skip "no libkqueue tarball at ${tarball}, and git is missing to fetch ${tag}"
  # A bounded wait: an offline machine fails the clone instead of hanging.
  if ! timeout 120 git clone --quiet --depth 1 --branch "${tag}" \
    "${git_url}" "${work}/src" >"${work}/fetch.log" 2>&1; then
    rm -rf "${work}/src"
    skip "no libkqueue tarball at ${tarball}, and ${tag} could not be fetched" \
      "from ${git_url} (no network?): $(tail -n 1 "${work}/fetch.log")"
  fi
  local head
  head="$(git -C "${work}/src" rev-parse HEAD)"
  [[ ${head} == "${commit}" ]] ||
    die "${git_url} tag ${tag} is commit ${head}, expected ${commit}"
  origin="git ${git_url} ${tag} (commit verified)"
}

# Runs one build step with its output in ${work}/<step>.log; on failure shows
# the end of the log and stops.
logged() {
  local step=$1
  shift
  "$@" >"${work}/${step}.log" 2>&1 ||
    { tail -n 60 "${work}/${step}.log" >&2; die "libkqueue: ${step} failed (log: ${work}/${step}.log)"; }
}

build_libkqueue() {
  mkdir -p "${work}"
  local started=${SECONDS}
  obtain_sources
  log "building libkqueue ${version} from ${origin}"
  rm -rf "${work}/build" "${prefix}"
  # A static library only: nothing to find at run time. The install paths
  # are set at configure time (libkqueue installs to absolute paths).
  # VERSION_OVERRIDE and the git ceiling keep libkqueue's version lookup from
  # asking git about the repository the build tree sits in.
  logged configure env GIT_CEILING_DIRECTORIES="${work}" \
    cmake -S "${work}/src" -B "${work}/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="${prefix}" \
    -DCMAKE_INSTALL_LIBDIR=lib \
    -DENABLE_SHARED=OFF \
    -DENABLE_STATIC=ON \
    -DENABLE_TESTING=OFF \
    -DVERSION_OVERRIDE="${version}"
  logged build cmake --build "${work}/build" -j "${jobs}"
  logged install cmake --install "${work}/build"
  [[ -f ${prefix}/lib/libkqueue.a && -f ${prefix}/include/kqueue/sys/event.h ]] ||
    die "libkqueue: the install lacks lib/libkqueue.a or include/kqueue/sys/event.h"
  rm -rf "${work}/src"  # unpacked again on a rebuild; the build tree stays for its logs
  echo "${key}" >"${stamp}"
  log "libkqueue ${version} installed into ${prefix} in $((SECONDS - started)) s"
}

if [[ -f ${stamp} && "$(cat "${stamp}")" == "${key}" ]]; then
  log "libkqueue ${version}: up to date in ${prefix}"
else
  build_libkqueue
fi
((deps_only)) && exit 0

cd "${repo_root}"
cmake --workflow --preset linux-libkqueue
