#!/usr/bin/env bash
# Installs what the windows-mingw lane needs on a Debian host: the mingw-w64
# cross compilers (posix threading model, so std::thread and std::mutex work),
# Wine to run the cross-built tests, and the means to fetch Debian's own
# sources of abseil and Google Benchmark (a deb-src entry plus dpkg-dev).
#
# Safe to run again: it installs only what is missing and adds a deb-src entry
# only when none is configured. Runs apt-get as root, or through sudo.
#
# Usage: tools/scripts/install-windows-toolchain.sh
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

# Packages the lane uses. googletest ships the sources under /usr/src/googletest
# that build-windows-deps.sh cross-builds; dpkg-dev provides dpkg-source, which
# `apt-get source` needs to unpack a source package.
readonly PACKAGES=(
  g++-mingw-w64-x86-64-posix
  gcc-mingw-w64-x86-64-posix
  wine
  wine64
  dpkg-dev
  googletest
  cmake
  ninja-build
)

readonly APT_DIR=/etc/apt
readonly DEB_SRC_BASENAME=asycamore-deb-src

as_root() {
  if [[ ${EUID} -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "install-windows-toolchain: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

log() { echo "install-windows-toolchain: $*"; }

is_installed() {
  # dpkg-query prints nothing useful for unknown packages and fails; both mean
  # "not installed" here.
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

# True when some enabled apt source already provides source packages.
have_deb_src() {
  local f
  for f in "${APT_DIR}/sources.list" "${APT_DIR}"/sources.list.d/*.list; do
    [[ -f ${f} ]] || continue
    if grep -Eq '^[[:space:]]*deb-src[[:space:]]' "${f}"; then
      return 0
    fi
  done
  for f in "${APT_DIR}"/sources.list.d/*.sources; do
    [[ -f ${f} ]] || continue
    # A deb822 stanza with deb-src among its Types, unless it says Enabled: no.
    if awk '
      BEGIN { RS = ""; found = 0 }
      {
        if ($0 ~ /(^|\n)[Ee]nabled:[[:space:]]*[Nn]o/) next
        if ($0 ~ /(^|\n)[Tt]ypes:[^\n]*deb-src/) found = 1
      }
      END { exit found ? 0 : 1 }' "${f}"; then
      return 0
    fi
  done
  return 1
}

# The distribution's codename (bookworm on Debian 12), used to tell the
# distribution's own archives from third-party repositories, which often carry
# no source packages and would make `apt-get update` fail.
codename() {
  local name=""
  if [[ -r /etc/os-release ]]; then
    # shellcheck source=/dev/null  # the host's file, not part of the repo
    name="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  fi
  [[ -n ${name} ]] || name="$(lsb_release -sc 2>/dev/null || true)"
  echo "${name}"
}

# Prints deb822 stanzas that mirror the distribution's deb stanzas as deb-src.
# Keeps a stanza when its URI looks like a Debian archive (path ends in
# /debian or /debian-security), its suites are the codename or a pocket of it,
# and it has the main component (third-party repositories rarely do).
mirror_deb822() {
  local code="$1"
  shift
  awk -v code="${code}" '
    function flush(   i, keep, uri_ok, suite_ok, n, parts, j, out) {
      if (nlines == 0) return
      keep = types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && enabled
      keep = keep && components ~ /(^|[[:space:]])main([[:space:]]|$)/
      uri_ok = uris ~ /\/debian(-security)?\/?([[:space:]]|$)/
      suite_ok = 0
      n = split(suites, parts, /[[:space:]]+/)
      for (j = 1; j <= n; j++)
        if (parts[j] == code || index(parts[j], code "-") == 1) suite_ok = 1
      if (keep && uri_ok && suite_ok) {
        out = ""
        for (i = 1; i <= nlines; i++) {
          if (lines[i] ~ /^[Tt]ypes:/) out = out "Types: deb-src\n"
          else out = out lines[i] "\n"
        }
        printf "%s\n", out
      }
      nlines = 0; types = ""; uris = ""; suites = ""; components = ""
      enabled = 1; last = ""
    }
    BEGIN { nlines = 0; enabled = 1 }
    /^[[:space:]]*$/ { flush(); next }
    /^#/ { next }
    {
      lines[++nlines] = $0
      if ($0 ~ /^[[:space:]]/) {
        # Continuation line of a multi-line field.
        if (last == "uris") uris = uris " " $0
        else if (last == "suites") suites = suites " " $0
        next
      }
      field = tolower($0); sub(/:.*/, "", field)
      value = $0; sub(/^[^:]*:[[:space:]]*/, "", value)
      last = field
      if (field == "types") types = value
      else if (field == "uris") uris = value
      else if (field == "suites") suites = value
      else if (field == "components") components = value
      else if (field == "enabled" && tolower(value) ~ /^no/) enabled = 0
    }
    END { flush() }' "$@"
}

# Prints one-line-style deb-src entries mirroring the distribution's deb lines.
mirror_one_line() {
  local code="$1"
  shift
  awk -v code="${code}" '
    /^[[:space:]]*deb[[:space:]]/ {
      # deb [options] uri suite component...
      line = $0; sub(/^[[:space:]]*deb/, "deb-src", line)
      n = split($0, f, /[[:space:]]+/)
      i = (f[1] == "") ? 2 : 1   # leading whitespace yields an empty field
      i++
      if (f[i] ~ /^\[/) { while (f[i] !~ /\]$/) i++; i++ }
      uri = f[i]; suite = f[i + 1]
      main_found = 0
      for (j = i + 2; j <= n; j++) if (f[j] == "main") main_found = 1
      if (uri ~ /\/debian(-security)?\/?$/ && main_found &&
          (suite == code || index(suite, code "-") == 1))
        print line
    }' "$@"
}

# Adds a deb-src entry, in a file of its own, when no apt source has one.
# Returns 0 when it changed the apt configuration.
ensure_deb_src() {
  if have_deb_src; then
    log "deb-src entry already configured"
    return 1
  fi
  local code
  code="$(codename)"
  if [[ -z ${code} ]]; then
    echo "install-windows-toolchain: cannot tell the distribution codename" >&2
    exit 1
  fi
  local deb822=() one_line=() f
  for f in "${APT_DIR}"/sources.list.d/*.sources; do
    [[ -f ${f} ]] && deb822+=("${f}")
  done
  for f in "${APT_DIR}/sources.list" "${APT_DIR}"/sources.list.d/*.list; do
    [[ -f ${f} ]] && one_line+=("${f}")
  done

  local tmp
  tmp="$(mktemp)"
  local target=""
  if ((${#deb822[@]} > 0)); then
    mirror_deb822 "${code}" "${deb822[@]}" >"${tmp}"
    if [[ -s ${tmp} ]]; then
      target="${APT_DIR}/sources.list.d/${DEB_SRC_BASENAME}.sources"
    fi
  fi
  if [[ -z ${target} ]] && ((${#one_line[@]} > 0)); then
    mirror_one_line "${code}" "${one_line[@]}" >"${tmp}"
    if [[ -s ${tmp} ]]; then
      target="${APT_DIR}/sources.list.d/${DEB_SRC_BASENAME}.list"
    fi
  fi
  if [[ -z ${target} ]]; then
    rm -f "${tmp}"
    echo "install-windows-toolchain: found no ${code} Debian archive in the apt" \
      "sources to mirror as deb-src" >&2
    exit 1
  fi
  {
    echo "# Added by asycamore tools/scripts/install-windows-toolchain.sh so that"
    echo "# 'apt-get source' can fetch abseil and benchmark for the Windows build."
    cat "${tmp}"
  } | as_root tee "${target}" >/dev/null
  rm -f "${tmp}"
  as_root chmod 644 "${target}"
  log "added ${target}"
  return 0
}

# True when apt has downloaded at least one source index.
have_source_lists() {
  compgen -G '/var/lib/apt/lists/*_Sources*' >/dev/null
}

main() {
  local need_update=0
  if ensure_deb_src; then
    need_update=1
  elif ! have_source_lists; then
    # deb-src is configured but its indexes were never fetched.
    need_update=1
  fi

  local missing=() p
  for p in "${PACKAGES[@]}"; do
    is_installed "${p}" || missing+=("${p}")
  done
  if ((${#missing[@]} > 0)); then
    need_update=1
  fi

  if ((need_update)); then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  fi
  if ((${#missing[@]} > 0)); then
    log "installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends "${missing[@]}"
  else
    log "all packages present"
  fi

  # The posix flavour must be the one found under the -posix names; check that
  # the compiler really runs rather than trusting the package database.
  x86_64-w64-mingw32-g++-posix --version | head -n 1
  # wine64 alone is enough for 64-bit programs; its advice to add wine32 is noise.
  wine --version 2>/dev/null
}

main "$@"
