#!/usr/bin/env bash
# The soak: many connections held against asycamore-echo and
# asycamore-httpd for a bounded time, with client resets (SO_LINGER 0),
# half-closes and slow readers mixed in; every byte and every answer
# verified; the server's open descriptors and memory back to where they
# started once the clients are gone (issue 16, item 3).
#
# Usage: tools/scripts/soak.sh [options]   (--help for the options)
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'EOF'
Usage: tools/scripts/soak.sh [options]

Soaks asycamore-echo and asycamore-httpd, one after the other, each in a
server process of its own:
  echo   asycamore-soak holds --connections connections (sessions back to
         back: seeded data, each byte checked as it comes back; resets,
         half-closes, slow readers mixed in);
  httpd  asycamore-load holds --connections keep-alive connections
         (GET /plaintext; its JSON must show every answer a 200 and no
         error, no failed request, no reconnect), and asycamore-soak
         --protocol http holds --fault-connections more (GET /plaintext and
         POST /echo, each answer checked; resets, half-closes, slow
         readers).
Each server gets the same clients twice: a warm-up round
(--warmup-seconds), then the soak (--seconds). The server's descriptors
(/proc/<pid>/fd) and resident memory (VmRSS) are read before anything
(after a 1 s settle), after the warm-up and after the soak (each time once
the clients left), and sampled every 0.5 s in between (the peak). It fails
(exit 1) on any loss in either round, when the server does not exit 0 on
SIGTERM at the end, when the descriptors are not back to exactly their
starting count within 10 s of the clients leaving, when
VmRSS after the soak is more than --rss-bound-mib above VmRSS after the
warm-up, or when a kind of session never happened.

Why the warm-up is the memory's baseline: the first round takes the
allocator's heap and the server's per-descriptor tables to their
high-water mark for that many connections, and they stay there (freed
memory is kept for reuse, not returned): asycamore-httpd, 5500 connections
(debug build): 5.2 MiB before, 19.7 MiB after a first 8 s round, 19.4 and
19.4 after a second and a third. What the soak then leaves above the
warm-up is growth with the work done, a leak; the summary says the
smallest leak per session the bound catches.

Options:
  --seconds N            how long the soak's clients run, per server
                         (default 60)
  --warmup-seconds N     the warm-up round, per server (default 10)
  --connections N        connections held (default 5000)
  --fault-connections N  httpd: asycamore-soak's connections beside
                         asycamore-load's (default 500)
  --server S             echo, httpd or both (default both)
  --seed S               asycamore-soak's seed (default: drawn, printed)
  --rss-bound-mib N      VmRSS after the soak may exceed VmRSS after the
                         warm-up by this much (default 4)
  --preset P             the CMake preset to build and run (default
                         linux-release; the test command uses linux)
  --out-dir DIR          where the logs and soak.json go (default
                         build/<preset>/soak)
  -h, --help             print this help and exit

Output: a line per server, and <out-dir>/soak.json (both servers, with the
clients' own JSON inside). Exit status: 0 when every check passed, 1 when
one failed (the seed is printed again), 2 for a bad option.

The long run, on a release build: tools/scripts/soak.sh --seconds 600
EOF
}

exit_on_help "$@"

seconds=60
warmup_seconds=10
connections=5000
fault_connections=500
server=both
seed=""
rss_bound_mib=4
preset=linux-release
out_dir=""

split_option_values "$@"
set -- "${split_args[@]}"
while (($# > 0)); do
  case "$1" in
    --seconds | --warmup-seconds | --connections | --fault-connections | --server | --seed | \
      --rss-bound-mib | --preset | --out-dir)
      (($# >= 2)) || usage_error "$1 needs a value"
      ;;
    *) usage_error "unknown option '$1'" ;;
  esac
  case "$1" in
    --seconds) seconds="$2" ;;
    --warmup-seconds) warmup_seconds="$2" ;;
    --connections) connections="$2" ;;
    --fault-connections) fault_connections="$2" ;;
    --server) server="$2" ;;
    --seed) seed="$2" ;;
    --rss-bound-mib) rss_bound_mib="$2" ;;
    --preset) preset="$2" ;;
    --out-dir) out_dir="$2" ;;
  esac
  shift 2
done

positive() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || usage_error "$1 '$2' is not a positive whole number"; }
positive --seconds "${seconds}"
positive --warmup-seconds "${warmup_seconds}"
positive --connections "${connections}"
positive --fault-connections "${fault_connections}"
positive --rss-bound-mib "${rss_bound_mib}"
case "${server}" in
  echo) servers=(echo) ;;
  httpd) servers=(httpd) ;;
  both) servers=(echo httpd) ;;
  *) usage_error "--server '${server}' is not echo, httpd or both" ;;
esac
[[ -z "${seed}" ]] && seed=$(((RANDOM << 30) | (RANDOM << 15) | RANDOM))
[[ "${seed}" =~ ^[0-9]+$ ]] || usage_error "--seed '${seed}' is not a whole number"
[[ -n "${out_dir}" ]] || out_dir="${ASYCAMORE_REPO_ROOT}/build/${preset}/soak"
out_dir="$(realpath -m "${out_dir}")"

log "seed ${seed} (replay: --seed ${seed}), ${connections} connections, ${seconds} s per server, preset ${preset}"
command -v jq >/dev/null || die "jq is missing (tools/scripts/install-linux-deps.sh installs it)"

# ---- build ------------------------------------------------------------------

build_dir="${ASYCAMORE_REPO_ROOT}/build/${preset}"
cd "${ASYCAMORE_REPO_ROOT}"
[[ -f "${build_dir}/build.ninja" ]] || cmake --preset "${preset}" >/dev/null
cmake --build "${build_dir}" --parallel 2 --target \
  asycamore_soak asycamore_echo asycamore_httpd asycamore_load >/dev/null
soak_binary="${build_dir}/tools/soak/asycamore-soak"
echo_binary="${build_dir}/tools/echo/asycamore-echo"
httpd_binary="${build_dir}/tools/httpd/asycamore-httpd"
load_binary="${build_dir}/tools/load/asycamore-load"

# Every client and server needs a descriptor per connection (and the
# server one more per connection for httpd's two clients).
needed=$((connections + fault_connections + 256))
if (($(ulimit -n) < needed)); then
  ulimit -n "${needed}" 2>/dev/null ||
    die "the open-file limit is $(ulimit -n) (hard $(ulimit -Hn)); ${needed} are needed"
  log "raised the soft limit on open files to ${needed}"
fi

rm -rf "${out_dir}"
mkdir -p "${out_dir}"
server_pid=""
sampler_pid=""
stop_all() {
  local pid
  for pid in "${sampler_pid}" "${server_pid}"; do
    if [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null; then
      kill "${pid}" 2>/dev/null || true
      wait "${pid}" 2>/dev/null || true
    fi
  done
  server_pid=""
  sampler_pid=""
}
trap stop_all EXIT

fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# Starts the named server on a free port; sets server_pid and port.
start_server() {
  local name="$1" log_file="${out_dir}/$1-server.log"
  case "${name}" in
    echo) "${echo_binary}" --port 0 >"${log_file}" 2>&1 & ;;
    httpd) "${httpd_binary}" --port 0 >"${log_file}" 2>&1 & ;;
  esac
  server_pid=$!
  port=""
  for _ in $(seq 100); do
    port="$(grep -Eo 'listening on [^ ]*:[0-9]+' "${log_file}" | grep -Eo '[0-9]+$' || true)"
    [[ -n "${port}" ]] && return 0
    kill -0 "${server_pid}" 2>/dev/null || break
    sleep 0.1
  done
  cat "${log_file}" >&2
  die "${name} did not start"
}

# Samples the server's descriptors and VmRSS every 0.5 s into $1.
sample() {
  while kill -0 "${server_pid}" 2>/dev/null; do
    echo "$(fd_count "${server_pid}") $(rss_kib "${server_pid}")" >>"$1"
    sleep 0.5
  done
}

# Waits (10 s at most) until the server's descriptors are back to $1.
settle_descriptors() {
  for _ in $(seq 50); do
    (($(fd_count "${server_pid}") == $1)) && return 0
    sleep 0.2
  done
  return 1
}

# Prints the value of jq filter $1 in file $2, or null.
jq_or_null() { jq "$1" "$2" 2>/dev/null || echo null; }

failures=()
fail() {
  failures+=("$1: $2")
  log "FAIL: $1: $2 (seed ${seed})"
}

# Checks asycamore-soak's JSON ($2) for the server named $1.
check_soak_json() {
  local name="$1" json="$2" key
  [[ -s "${json}" ]] || {
    fail "${name}" "asycamore-soak wrote no ${json}"
    return
  }
  (($(jq .loss "${json}") == 0)) ||
    fail "${name}" "asycamore-soak lost $(jq .loss "${json}") sessions: $(jq -r .first_loss "${json}")"
  for key in answers_verified resets half_closes slow_readers pushed_back; do
    (($(jq ".${key}" "${json}") > 0)) ||
      fail "${name}" "asycamore-soak's ${key} is 0: that part of the soak did not happen"
  done
}

# Checks asycamore-load's JSON ($1): every request answered with a 200,
# no error of any class, no reconnect (the server closed nothing).
check_load_json() {
  local json="$1" problems
  [[ -s "${json}" ]] || {
    fail httpd "asycamore-load wrote no ${json}"
    return
  }
  problems="$(jq -r --argjson connections "${connections}" '
    [ (if .requests.successes > 0 then empty else "no successful request" end),
      (if .requests.non_2xx == 0 then empty else "\(.requests.non_2xx) answers not 2xx" end),
      (if .requests.failed == 0 then empty else "\(.requests.failed) requests failed" end),
      (.errors | to_entries[] | select(.value.count > 0) |
        "\(.value.count) \(.key) errors (\(.value.sample))"),
      (if .connects == $connections then empty else "\(.connects) connects, not \($connections)" end),
      (if .reconnects == 0 then empty else "\(.reconnects) reconnects" end)
    ] | join("; ")' "${json}")"
  [[ -z "${problems}" ]] || fail httpd "asycamore-load (${json##*/}): ${problems}"
}

# Runs the clients of server $1 against port $2 for $4 seconds, their
# files named <server>-<phase $3>-{soak,load}.{json,log}, and checks them.
run_clients() {
  local name="$1" port="$2" run_seconds="$4"
  local soak_status=0 load_status=0 load_pid prefix="${out_dir}/$1-$3"
  local soak_flags=(--port "${port}" --seconds "${run_seconds}" --seed "${seed}"
    --json "${prefix}-soak.json")
  case "${name}" in
    echo)
      "${soak_binary}" "${soak_flags[@]}" --protocol echo \
        --connections "${connections}" >"${prefix}-soak.log" || soak_status=$?
      ;;
    httpd)
      # Only loss is tested, not latency: an answer may take long while
      # the slow readers hold the server's loop (--timeout 30s).
      "${load_binary}" -c "${connections}" -t 1 -d "${run_seconds}s" \
        --timeout 30s --json "${prefix}-load.json" \
        "http://127.0.0.1:${port}/plaintext" >"${prefix}-load.log" 2>&1 &
      load_pid=$!
      # Shorter gaps than against echo: asycamore-load takes most of the
      # server, and more sessions make more resets and half-closes.
      "${soak_binary}" "${soak_flags[@]}" --protocol http --gap-ms 100 \
        --connections "${fault_connections}" >"${prefix}-soak.log" ||
        soak_status=$?
      wait "${load_pid}" || load_status=$?
      ((load_status == 0)) ||
        fail httpd "asycamore-load exited ${load_status} (${prefix}-load.log)"
      check_load_json "${prefix}-load.json"
      ;;
  esac
  tail -n 1 "${prefix}-soak.log"
  ((soak_status == 0)) ||
    fail "${name}" "asycamore-soak exited ${soak_status} (${prefix}-soak.log)"
  check_soak_json "${name}" "${prefix}-soak.json"
}

# Waits for the descriptors to settle back to fds_before, then reads the
# descriptors and VmRSS into fds_now and rss_now, and fails on a leak.
read_after() {
  settle_descriptors "${fds_before}" || true
  fds_now=$(fd_count "${server_pid}")
  rss_now=$(rss_kib "${server_pid}")
  ((fds_now == fds_before)) ||
    fail "${name}" "${fds_now} descriptors open after the $1, ${fds_before} before (a leak)"
}

summaries=()
results=()
for name in "${servers[@]}"; do
  failures_before=${#failures[@]}
  start_server "${name}"
  sleep 1  # the server's start-up allocations settle
  fds_before=$(fd_count "${server_pid}")
  rss_before=$(rss_kib "${server_pid}")
  samples="${out_dir}/${name}-samples.txt"
  : >"${samples}"
  sample "${samples}" &
  sampler_pid=$!
  log "${name}: pid ${server_pid}, port ${port}: ${fds_before} descriptors, VmRSS ${rss_before} KiB before; warm-up ${warmup_seconds} s"
  run_clients "${name}" "${port}" warmup "${warmup_seconds}"
  read_after warm-up
  fds_warmup=${fds_now}
  rss_warmup=${rss_now}
  log "${name}: after the warm-up: ${fds_warmup} descriptors, VmRSS ${rss_warmup} KiB; soak ${seconds} s"
  started=${SECONDS}
  run_clients "${name}" "${port}" soak "${seconds}"
  elapsed=$((SECONDS - started))
  read_after soak
  fds_soak=${fds_now}
  rss_soak=${rss_now}
  kill "${sampler_pid}" 2>/dev/null || true
  wait "${sampler_pid}" 2>/dev/null || true
  sampler_pid=""
  fds_peak=$(awk 'BEGIN { m = 0 } $1 > m { m = $1 } END { print m }' "${samples}")
  rss_peak=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "${samples}")
  ((rss_soak <= rss_warmup + rss_bound_mib * 1024)) ||
    fail "${name}" "VmRSS ${rss_soak} KiB after the soak, more than ${rss_warmup} KiB after the warm-up + ${rss_bound_mib} MiB"
  # SIGTERM: each server stops and exits 0 (under a sanitizer, non-zero
  # when it found a leak or an error: see its log).
  server_status=0
  if kill "${server_pid}" 2>/dev/null; then
    wait "${server_pid}" || server_status=$?
    ((server_status == 0)) ||
      fail "${name}" "the server exited ${server_status} after SIGTERM (${out_dir}/${name}-server.log)"
  else
    fail "${name}" "the server died (${out_dir}/${name}-server.log)"
  fi
  server_pid=""

  soak_json="${out_dir}/${name}-soak-soak.json"
  load_json="${out_dir}/${name}-soak-load.json"
  sessions="$(jq_or_null '.sessions' "${soak_json}")"
  case "${name}" in
    echo)
      held="$(jq -r '"\(.settings.connections) (peak \(.peak_connections), mean \(.mean_connections | floor))"' "${soak_json}" 2>/dev/null || echo "?")"
      work="$(jq_or_null '.answers_verified' "${soak_json}") bytes echoed and verified"
      rate="$(jq -r '"\(.answers_verified / .elapsed_s / 1048576 | floor) MiB/s"' "${soak_json}" 2>/dev/null || echo "?")"
      ;;
    httpd)
      held="$(jq -r '"\(.connects)"' "${load_json}" 2>/dev/null || echo "?") (asycamore-load) + $(jq -r '"\(.settings.connections) (asycamore-soak; peak \(.peak_connections), mean \(.mean_connections | floor))"' "${soak_json}" 2>/dev/null || echo "?")"
      work="$(jq_or_null '.requests.successes' "${load_json}") + $(jq_or_null '.answers_verified' "${soak_json}") responses verified"
      rate="$(jq -r '"\(.requests.per_second | floor) requests/s (asycamore-load)"' "${load_json}" 2>/dev/null || echo "?")"
      ;;
  esac
  faults="$(jq -r '"\(.sessions) sessions: \(.resets) resets, \(.half_closes) half-closes, \(.slow_readers) slow readers (\(.pushed_back) pushed back)"' "${soak_json}" 2>/dev/null || echo "?")"
  loss="$(jq_or_null '.loss' "${soak_json}")"
  # The smallest leak per soak session (httpd: or per request) the bound
  # catches.
  leak="?"
  [[ "${sessions}" =~ ^[1-9][0-9]*$ ]] &&
    leak="$((rss_bound_mib * 1048576 / sessions)) B per session"
  requests="$(jq_or_null '.requests.responses' "${load_json}")"
  [[ "${name}" == httpd && "${requests}" =~ ^[1-9][0-9]*$ ]] &&
    leak+=" or $(awk -v b="${rss_bound_mib}" -v n="${requests}" 'BEGIN { printf "%.1f", b * 1048576 / n }') B per request"
  ((${#failures[@]} == failures_before)) && verdict=passed || verdict=FAILED
  summaries+=("${name}: ${verdict}: ${held} connections, ${seconds} s (${elapsed} s with the drain), ${work}, ${rate}; ${faults}; loss ${loss}; descriptors ${fds_before} -> ${fds_peak} -> ${fds_soak}; VmRSS ${rss_before} -> warm-up ${rss_warmup} -> peak ${rss_peak} -> ${rss_soak} KiB (bound: warm-up + ${rss_bound_mib} MiB: a leak of ${leak})")
  log "${summaries[-1]}"
  results+=("$(jq -n --arg name "${name}" --arg verdict "${verdict}" \
    --argjson seconds "${seconds}" --argjson elapsed "${elapsed}" \
    --argjson fds "[${fds_before}, ${fds_warmup}, ${fds_peak}, ${fds_soak}]" \
    --argjson rss "[${rss_before}, ${rss_warmup}, ${rss_peak}, ${rss_soak}]" \
    --slurpfile soak "${soak_json}" \
    --slurpfile load "$([[ ${name} == httpd ]] && echo "${load_json}" || echo /dev/null)" \
    '{server: $name, verdict: $verdict, seconds: $seconds, elapsed_s: $elapsed,
      descriptors: {before: $fds[0], after_warmup: $fds[1], peak: $fds[2], after: $fds[3]},
      vmrss_kib: {before: $rss[0], after_warmup: $rss[1], peak: $rss[2], after: $rss[3]},
      soak: $soak[0], load: $load[0]}' 2>/dev/null || echo null)")
done

printf '%s\n' "${results[@]}" | jq -s --argjson seed "${seed}" \
  --argjson connections "${connections}" --argjson bound "${rss_bound_mib}" \
  --argjson warmup "${warmup_seconds}" --arg preset "${preset}" \
  '{tool: "soak.sh", seed: $seed, preset: $preset, connections: $connections,
    warmup_seconds: $warmup, rss_bound_mib: $bound, servers: .}' >"${out_dir}/soak.json"
for line in "${summaries[@]}"; do echo "${line}"; done
if ((${#failures[@]} > 0)); then
  log "${#failures[@]} check(s) failed (seed ${seed}; replay: tools/scripts/soak.sh --seed ${seed} --seconds ${seconds} --warmup-seconds ${warmup_seconds} --connections ${connections} --preset ${preset}):"
  printf '  %s\n' "${failures[@]}" >&2
  exit 1
fi
log "passed (seed ${seed}); ${out_dir}/soak.json"
