#!/usr/bin/env bash
# Makes `apt-get source` work: ensures apt has a deb-src entry and source
# indexes. The macOS and Windows lanes build against Debian's own *source* of
# abseil (and benchmark), never against /usr/include, whose headers are the
# Linux ones.
#
# Adds a deb-src entry only when none is configured, in a file of its own
# (sources.list.d/asycamore-deb-src.*), mirroring the distribution's own deb
# entries; it never edits an existing apt file. Third-party repositories are
# left out: many publish no source packages, and one failing index would make
# every later `apt-get update` fail.
#
# Usage: tools/scripts/enable-deb-src.sh
# Safe to run again; runs apt as root, or through sudo.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
exit_on_help "$@"
(($# == 0)) || usage_error "takes no arguments (got: $*)"

readonly APT_ETC="${ASYCAMORE_APT_ETC:-/etc/apt}" # overridable for testing
readonly OUR_FILE_BASE="${APT_ETC}/sources.list.d/asycamore-deb-src"

# Lists the apt source files that exist, one-line style then deb822 style.
one_line_files() {
  local f
  for f in "${APT_ETC}/sources.list" "${APT_ETC}"/sources.list.d/*.list; do
    [[ -f ${f} ]] && echo "${f}"
  done
  return 0
}
deb822_files() {
  local f
  for f in "${APT_ETC}"/sources.list.d/*.sources; do
    [[ -f ${f} ]] && echo "${f}"
  done
  return 0
}

# True when an enabled entry of any apt source already serves source packages.
deb_src_configured() {
  local f
  while read -r f; do
    grep -Eq '^[[:space:]]*deb-src[[:space:]]' "${f}" && return 0
  done < <(one_line_files)
  while read -r f; do
    # Paragraph mode: one record per deb822 stanza. "Enabled: no" turns a
    # stanza off without removing it.
    awk 'BEGIN { RS = ""; hit = 0 }
         /(^|\n)[Ee]nabled:[ \t]*[Nn]o/ { next }
         /(^|\n)[Tt]ypes:[^\n]*deb-src/ { hit = 1 }
         END { exit !hit }' "${f}" && return 0
  done < <(deb822_files)
  return 1
}

# The release codename (bookworm on Debian 12). Entries whose suite is the
# codename or one of its pockets (bookworm-updates, bookworm-security) belong
# to the distribution; a third-party suite such as "nodistro" does not.
release_codename() {
  local name=""
  if [[ -r /etc/os-release ]]; then
    # shellcheck source=/dev/null  # the host's file, not ours
    name="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  fi
  [[ -n ${name} ]] || die "cannot read VERSION_CODENAME from /etc/os-release"
  echo "${name}"
}

# Prints deb822 stanzas: each enabled "deb" stanza of the distribution, with
# its Types replaced by deb-src and only the distribution's suites kept.
mirror_deb822() {
  awk -v code="$1" '
    function is_ours(s) { return s == code || index(s, code "-") == 1 }
    function emit(   i, n, parts, kept, k) {
      if (n_lines == 0) return
      if (enabled && types ~ /(^|[ \t])deb([ \t]|$)/) {
        n = split(suites, parts, /[ \t]+/); kept = ""
        for (k = 1; k <= n; k++)
          if (parts[k] != "" && is_ours(parts[k])) kept = kept " " parts[k]
        if (kept != "") {
          for (i = 1; i <= n_lines; i++) {
            if (keys[i] == "types") print "Types: deb-src"
            else if (keys[i] == "suites") print "Suites:" kept
            else if (keys[i] != "suites+") print lines[i]
          }
          print ""
        }
      }
      n_lines = 0; types = ""; suites = ""; enabled = 1; key = ""
    }
    BEGIN { enabled = 1 }
    FNR == 1 { emit() }  # a file may end without a blank line
    /^[ \t]*$/ { emit(); next }
    /^#/ { next }
    {
      if ($0 ~ /^[ \t]/) {
        # Continuation of the previous field (multi-line Suites is legal).
        if (key == "suites") { suites = suites " " $0; keys[++n_lines] = "suites+" }
        else keys[++n_lines] = key "+"
        lines[n_lines] = $0
        next
      }
      key = tolower($0); sub(/:.*/, "", key)
      value = $0; sub(/^[^:]*:[ \t]*/, "", value)
      keys[++n_lines] = key; lines[n_lines] = $0
      if (key == "types") types = value
      else if (key == "suites") suites = value
      else if (key == "enabled" && tolower(value) ~ /^no/) enabled = 0
    }
    END { emit() }' "${@:2}"
}

# Prints one-line entries: each "deb" line of the distribution as "deb-src".
mirror_one_line() {
  awk -v code="$1" '
    $1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while ($i !~ /\]$/ && i < NF) i++; i++ }  # [options]
      suite = $(i + 1)
      if (suite == code || index(suite, code "-") == 1) {
        line = $0; sub(/deb/, "deb-src", line); print line
      }
    }' "${@:2}"
}

# Writes our deb-src file. Returns 0 when it wrote one, 1 when none was needed.
add_deb_src() {
  if deb_src_configured; then
    log "a deb-src entry is already configured"
    return 1
  fi
  local code body target files
  code="$(release_codename)"
  mapfile -t files < <(deb822_files)
  body=""
  if ((${#files[@]} > 0)); then
    body="$(mirror_deb822 "${code}" "${files[@]}")"
    target="${OUR_FILE_BASE}.sources"
  fi
  if [[ -z ${body} ]]; then
    mapfile -t files < <(one_line_files)
    if ((${#files[@]} > 0)); then
      body="$(mirror_one_line "${code}" "${files[@]}")"
      target="${OUR_FILE_BASE}.list"
    fi
  fi
  [[ -n ${body} ]] || die "no ${code} entry in the apt sources to mirror as deb-src"
  printf '%s\n%s\n' \
    "# Added by asycamore tools/scripts/enable-deb-src.sh for 'apt-get source'." \
    "${body}" | as_root tee "${target}" >/dev/null
  as_root chmod 0644 "${target}"
  log "added ${target}"
  return 0
}

# True when apt has fetched at least one source index.
have_source_indexes() {
  compgen -G '/var/lib/apt/lists/*_Sources*' >/dev/null
}

main() {
  if add_deb_src || ! have_source_indexes; then
    log "apt-get update (to fetch the source indexes)"
    apt_get update
  fi
}

main "$@"
