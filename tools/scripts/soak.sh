#!/usr/bin/env bash
# The soak: many connections held against asycamore-echo and
# asycamore-httpd for a bounded time, with client resets (SO_LINGER 0),
# half-closes and slow readers mixed in; every byte and every answer
# verified; the server's open descriptors and memory back to where they
# started once the clients are gone (issue 16, item 3).
#
# Usage: tools/scripts/soak.sh [options]   (--help for the options)
set -Eeuo pipefail

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
         (GET /plaintext, --timeout 10s; it checks each answer's status
         and HTTP/1.1 framing, not its body: its JSON must show every
         answer a 200, no error of any class -- a request unanswered for
         10 s is a timeout error --, no reconnect, and --connections
         connects), and asycamore-soak --protocol http holds
         --fault-connections more (GET /plaintext and POST /echo, every
         answer's status and every body byte checked; resets,
         half-closes, slow readers).
Each server gets the same clients twice: a warm-up round
(--warmup-seconds), then the soak (--seconds). The server's descriptors
(/proc/<pid>/fd) and resident memory (VmRSS) are read before anything
(after a 1 s settle), after the warm-up and after the soak (each time once
the clients left), and sampled every 0.5 s in between (the peak). It fails
(exit 1) on any loss in either round; when the connections were not held
(asycamore-soak: its peak below the connections asked for in a round, or
its mean below 95 % of them in the soak; asycamore-load: fewer connects;
the server's sampled descriptors never --connections above their start,
95 % of them for echo, whose sessions churn); when the server dies, or
does not exit 0 within 15 s of SIGTERM at the end; when the descriptors
are not back to exactly their starting count within 10 s of the clients
leaving; when VmRSS after the soak is more than --rss-bound-mib above the
warm-up's high-water mark; or when a kind of session never happened.

The memory's baseline is the warm-up's high-water mark: the larger of its
sampled peak and VmRSS after it. The first round takes the allocator's
heap and the server's per-descriptor tables to their high-water mark for
that many connections, and they stay there (freed memory is kept for
reuse): asycamore-httpd, 5500 connections (debug build): 5.2 MiB before,
19.7 MiB after a first 8 s round, 19.4 and 19.4 after a second and a
third. The servers run with glibc's malloc tuning fixed
(MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_
128 KiB, which turns off their adjustment at run time), so that both
rounds allocate alike. A second round at the same load reuses that
memory; what varies is how many slow readers' queues are full at once and
how the heap fragments, well within the bound. What the soak leaves above
it is growth with the work done, a leak; the summary says the smallest
leak per session (httpd: per request) the bound catches.

Options:
  --seconds N            how long the soak's clients run, per server
                         (default 60)
  --warmup-seconds N     the warm-up round, per server (default 10)
  --connections N        connections held (default 5000)
  --fault-connections N  httpd: asycamore-soak's connections beside
                         asycamore-load's (default 500)
  --server S             echo, httpd or both (default both)
  --seed S               asycamore-soak's seed, 0 to 2^64-1 (default:
                         drawn, printed)
  --rss-bound-mib N      VmRSS after the soak may exceed the warm-up's
                         high-water mark by this much (default 4)
  --preset P             the CMake preset to build and run (default
                         linux-release; the test command uses linux)
  --out-dir DIR          where the logs and soak.json go (default
                         build/<preset>/soak)
  -h, --help             print this help and exit

Output: a line per server, and <out-dir>/soak.json (both servers, with the
clients' own JSON inside; the seed as a string). Exit status: 0 when every
check passed, 1 when one failed or the run broke off (each failure a FAIL
line; then the seed and the command that replays it), 2 for a bad option.

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
# A 64-bit value, compared as text (bash's arithmetic is signed 64-bit):
# at equal lengths, the order of digit strings is the numbers' order.
seed="${seed#"${seed%%[!0]*}"}"
seed="${seed:-0}"
max_seed=18446744073709551615
# shellcheck disable=SC2071  # a string comparison, on purpose (see above)
if ((${#seed} > ${#max_seed})) ||
  [[ ${#seed} -eq ${#max_seed} && "${seed}" > "${max_seed}" ]]; then
  usage_error "--seed is above 2^64-1 (${max_seed})"
fi
[[ -n "${out_dir}" ]] || out_dir="${ASYCAMORE_REPO_ROOT}/build/${preset}/soak"
out_dir="$(realpath -m "${out_dir}")"

replay="tools/scripts/soak.sh --seed ${seed} --seconds ${seconds} --warmup-seconds ${warmup_seconds} --connections ${connections} --fault-connections ${fault_connections} --server ${server} --rss-bound-mib ${rss_bound_mib} --preset ${preset}"
log "seed ${seed} (replay: --seed ${seed}), ${connections} connections, ${seconds} s per server, preset ${preset}"
command -v jq >/dev/null || die "jq is missing (tools/scripts/install-linux-deps.sh installs it)"

# Every process this script starts, so that no exit leaves one behind.
server_pid=""
sampler_pid=""
client_pids=()
reported=false
stop_all() {
  local status=$? pid
  for pid in "${sampler_pid}" "${client_pids[@]}" "${server_pid}"; do
    if [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null; then
      kill -KILL "${pid}" 2>/dev/null || true
      wait "${pid}" 2>/dev/null || true
    fi
  done
  if [[ "${reported}" != true ]]; then
    log "FAIL: the soak stopped early (exit status ${status}${error_at:+, ${error_at}}; seed ${seed}; replay: ${replay})" >&2
  fi
}
error_at=""
trap 'error_at="line ${LINENO}: ${BASH_COMMAND}"' ERR
trap stop_all EXIT

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

# Whether process $1 runs (exists and is not a zombie, which a crashed
# server is until it is waited for).
running() {
  local state
  state="$(sed -E 's/.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "${state}" && "${state}" != Z ]]
}
# Each prints -1 when it cannot read the value (the process is gone).
fd_count() {
  local listing
  if listing="$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -printf . 2>/dev/null)" &&
    running "$1"; then
    echo "${#listing}"
  else
    echo -1
  fi
}
rss_kib() {
  local kib
  kib="$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" || kib=""
  if [[ "${kib}" =~ ^[0-9]+$ ]] && running "$1"; then echo "${kib}"; else echo -1; fi
}
is_count() { [[ "$1" =~ ^[0-9]+$ ]]; }

failures=()
fail() {
  failures+=("$1: $2")
  log "FAIL: $1: $2 (seed ${seed})" >&2
}

# Waits (at most $2 seconds) for our child $1 to exit and sets
# waited_status to its exit status; kills it and returns 1 when it did not.
wait_bounded() {
  local pid="$1" deadline=$((SECONDS + $2))
  while running "${pid}" && ((SECONDS < deadline)); do sleep 0.2; done
  if running "${pid}"; then
    kill -KILL "${pid}" 2>/dev/null || true
    wait "${pid}" 2>/dev/null || true
    waited_status="killed after $2 s"
    return 1
  fi
  waited_status=0
  wait "${pid}" || waited_status=$?
}

# Starts the named server on a free port; sets server_pid and port. The
# malloc settings: see --help (the memory's baseline).
start_server() {
  local name="$1" log_file="${out_dir}/$1-server.log" binary
  case "${name}" in
    echo) binary="${echo_binary}" ;;
    httpd) binary="${httpd_binary}" ;;
  esac
  MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072 \
    "${binary}" --port 0 >"${log_file}" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 100); do
    port="$(grep -Eo 'listening on [^ ]*:[0-9]+' "${log_file}" | grep -Eo '[0-9]+$' || true)"
    [[ -n "${port}" ]] && return 0
    running "${server_pid}" || break
    sleep 0.1
  done
  cat "${log_file}" >&2
  fail "${name}" "the server did not start (${log_file})"
  return 1
}

# Samples the server's descriptors and VmRSS every 0.5 s into $1.
sample() {
  while running "${server_pid}"; do
    echo "$(fd_count "${server_pid}") $(rss_kib "${server_pid}")" >>"$1"
    sleep 0.5
  done
}
# The largest value of column $1 in the samples file $2 (-1: none).
sampled_peak() { awk -v c="$1" 'BEGIN { m = -1 } $c > m { m = $c } END { print m }' "$2"; }

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
# Prints file $1 as compact JSON, or null when it holds none.
json_or_null() { jq -c . "$1" 2>/dev/null || echo null; }

# Checks asycamore-soak's JSON ($2) for the server named $1: no loss, each
# kind of session happened, $3 connections held at once (in the soak round,
# $4, also on average: the warm-up's mean includes the ramp-up).
check_soak_json() {
  local name="$1" json="$2" wanted="$3" round="$4" key
  jq -e 'type == "object"' "${json}" >/dev/null 2>&1 || {
    fail "${name}" "asycamore-soak wrote no JSON (${json})"
    return
  }
  jq -e '.loss == 0' "${json}" >/dev/null ||
    fail "${name}" "asycamore-soak lost $(jq .loss "${json}") sessions (${round}): $(jq -r .first_loss "${json}")"
  for key in answers_verified resets half_closes slow_readers pushed_back; do
    jq -e ".${key} > 0" "${json}" >/dev/null ||
      fail "${name}" "asycamore-soak's ${key} is $(jq ".${key}" "${json}") (${round}): that part of the soak did not happen"
  done
  jq -e --argjson n "${wanted}" '.peak_connections == $n' "${json}" >/dev/null ||
    fail "${name}" "asycamore-soak held at most $(jq .peak_connections "${json}") of ${wanted} connections at once (${round})"
  [[ "${round}" == soak ]] || return 0
  jq -e --argjson n "${wanted}" '.mean_connections >= 0.95 * $n' "${json}" >/dev/null ||
    fail "${name}" "asycamore-soak held $(jq .mean_connections "${json}") of ${wanted} connections on average, below 95 % (${round})"
}

# Checks asycamore-load's JSON ($1): every request answered with a 200,
# no error of any class (a request unanswered for --timeout is a timeout
# error), one connect per connection and no reconnect (the server closed
# nothing). The requests still in flight when the run stopped (younger
# than --timeout) are no error.
check_load_json() {
  local json="$1" problems
  jq -e 'type == "object"' "${json}" >/dev/null 2>&1 || {
    fail httpd "asycamore-load wrote no JSON (${json})"
    return
  }
  problems="$(jq -r --argjson connections "${connections}" '
    [ (if .requests.successes > 0 then empty else "no successful request" end),
      (if .requests.non_2xx == 0 then empty else "\(.requests.non_2xx) answers not 2xx" end),
      (if .requests.failed == 0 then empty else "\(.requests.failed) requests failed" end),
      (if .errors then .errors | to_entries[] | select(.value.count != 0) |
        "\(.value.count) \(.key) errors (\(.value.sample))" else "no errors object" end),
      (if .connects == $connections then empty else "\(.connects) connects, not \($connections)" end),
      (if .reconnects == 0 then empty else "\(.reconnects) reconnects" end)
    ] | join("; ")' "${json}")" || problems="its JSON does not read"
  [[ -z "${problems}" ]] || fail httpd "asycamore-load (${json##*/}): ${problems}"
}

# Runs the clients of server $1 against port $2 for $4 seconds, their
# files named <server>-<round $3>-{soak,load}.{json,log}, and checks them.
run_clients() {
  local name="$1" port="$2" round="$3" run_seconds="$4"
  local soak_pid load_pid prefix="${out_dir}/$1-$3" wanted="${connections}"
  local soak_flags=(--port "${port}" --seconds "${run_seconds}" --seed "${seed}"
    --json "${prefix}-soak.json")
  client_pids=()
  case "${name}" in
    echo)
      "${soak_binary}" "${soak_flags[@]}" --protocol echo \
        --connections "${connections}" >"${prefix}-soak.log" &
      soak_pid=$!
      client_pids=("${soak_pid}")
      ;;
    httpd)
      # Loss is tested, not latency: an answer may take a while when the
      # slow readers' queues are full, but one unanswered for 10 s (well
      # inside the run) is a stall, a timeout error.
      "${load_binary}" -c "${connections}" -t 1 -d "${run_seconds}s" \
        --timeout 10s --json "${prefix}-load.json" \
        "http://127.0.0.1:${port}/plaintext" >"${prefix}-load.log" 2>&1 &
      load_pid=$!
      # Shorter gaps than against echo: asycamore-load takes most of the
      # server, and more sessions make more resets and half-closes.
      "${soak_binary}" "${soak_flags[@]}" --protocol http --gap-ms 100 \
        --connections "${fault_connections}" >"${prefix}-soak.log" &
      soak_pid=$!
      client_pids=("${load_pid}" "${soak_pid}")
      wanted="${fault_connections}"
      ;;
  esac
  # asycamore-soak stops by itself within its drain (30 s) of the end.
  wait_bounded "${soak_pid}" $((run_seconds + 60)) || true
  [[ "${waited_status}" == 0 ]] ||
    fail "${name}" "asycamore-soak exited ${waited_status} (${prefix}-soak.log)"
  if [[ "${name}" == httpd ]]; then
    wait_bounded "${load_pid}" 30 || true
    [[ "${waited_status}" == 0 ]] ||
      fail httpd "asycamore-load exited ${waited_status} (${prefix}-load.log)"
    check_load_json "${prefix}-load.json"
  fi
  client_pids=()
  tail -n 1 "${prefix}-soak.log"
  check_soak_json "${name}" "${prefix}-soak.json" "${wanted}" "${round}"
}

# Waits for the descriptors to settle back to fds_before, then reads the
# descriptors and VmRSS into fds_now and rss_now, and fails on a leak;
# returns 1 when the server is gone.
read_after() {
  settle_descriptors "${fds_before}" || true
  fds_now=$(fd_count "${server_pid}")
  rss_now=$(rss_kib "${server_pid}")
  if ((fds_now < 0 || rss_now < 0)); then
    fail "${name}" "the server is gone after the $1 (${out_dir}/${name}-server.log)"
    return 1
  fi
  ((fds_now == fds_before)) ||
    fail "${name}" "${fds_now} descriptors open after the $1, ${fds_before} before (a leak)"
}

# The soak of server $name: start, warm-up, soak and the checks on the
# server's descriptors and memory; returns early when the server is gone
# (the caller stops it and reports).
soak_server() {
  start_server "${name}" || return 0
  sleep 1 # the server's start-up allocations settle
  fds_before=$(fd_count "${server_pid}")
  rss_before=$(rss_kib "${server_pid}")
  if ((fds_before < 0 || rss_before < 0)); then
    fail "${name}" "the server died at start-up (${out_dir}/${name}-server.log)"
    return 0
  fi
  : >"${samples}"
  sample "${samples}" &
  sampler_pid=$!
  log "${name}: pid ${server_pid}, port ${port}: ${fds_before} descriptors, VmRSS ${rss_before} KiB before; warm-up ${warmup_seconds} s"
  run_clients "${name}" "${port}" warmup "${warmup_seconds}"
  read_after warm-up || return 0
  fds_warmup=${fds_now}
  rss_warmup=${rss_now}
  rss_warmup_peak=$(sampled_peak 2 "${samples}")
  ((rss_warmup_peak > rss_warmup)) && rss_baseline=${rss_warmup_peak} || rss_baseline=${rss_warmup}
  log "${name}: after the warm-up: ${fds_warmup} descriptors, VmRSS ${rss_warmup} KiB (peak ${rss_warmup_peak}); soak ${seconds} s"
  local started=${SECONDS}
  run_clients "${name}" "${port}" soak "${seconds}"
  elapsed=$((SECONDS - started))
  read_after soak || return 0
  fds_soak=${fds_now}
  rss_soak=${rss_now}
  ((rss_soak <= rss_baseline + rss_bound_mib * 1024)) ||
    fail "${name}" "VmRSS ${rss_soak} KiB after the soak, more than the warm-up's high-water mark ${rss_baseline} KiB + ${rss_bound_mib} MiB"
  soaked=true
}

# SIGTERM: the server stops and exits 0 within 15 s (under a sanitizer,
# non-zero when it found a leak or an error: see its log).
stop_server() {
  [[ -n "${server_pid}" ]] || return 0
  local log_file="${out_dir}/${name}-server.log"
  if ! running "${server_pid}"; then
    waited_status=0
    wait "${server_pid}" || waited_status=$?
    fail "${name}" "the server died during the run, exit status ${waited_status} (${log_file})"
  else
    kill -TERM "${server_pid}" 2>/dev/null || true
    if ! wait_bounded "${server_pid}" 15; then
      fail "${name}" "the server did not exit within 15 s of SIGTERM (killed; ${log_file})"
    elif [[ "${waited_status}" != 0 ]]; then
      fail "${name}" "the server exited ${waited_status} after SIGTERM (${log_file})"
    fi
  fi
  server_pid=""
}

summaries=()
results=()
for name in "${servers[@]}"; do
  failures_before=${#failures[@]}
  fds_before=-1 fds_warmup=-1 fds_soak=-1 fds_peak=-1
  rss_before=-1 rss_warmup=-1 rss_warmup_peak=-1 rss_baseline=-1 rss_soak=-1 rss_peak=-1
  elapsed=0
  soaked=false
  samples="${out_dir}/${name}-samples.txt"
  : >"${samples}"
  soak_server
  if [[ -n "${sampler_pid}" ]]; then
    kill "${sampler_pid}" 2>/dev/null || true
    wait "${sampler_pid}" 2>/dev/null || true
    sampler_pid=""
  fi
  stop_server
  fds_peak=$(sampled_peak 1 "${samples}")
  rss_peak=$(sampled_peak 2 "${samples}")
  if [[ "${soaked}" == true ]]; then
    # The server held the connections: asycamore-load's stay open through
    # the run; echo's sessions churn (a slot is empty while one closes and
    # the next connects), so a sample there may miss a few.
    held_fds=${connections}
    [[ "${name}" == echo ]] && held_fds=$((connections * 95 / 100))
    ((fds_peak >= fds_before + held_fds)) ||
      fail "${name}" "the server's descriptors peaked at ${fds_peak}, fewer than ${fds_before} + ${held_fds}: the connections were not held"
  fi

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
  summaries+=("${name}: ${verdict}: ${held} connections, ${seconds} s (${elapsed} s with the drain), ${work}, ${rate}; ${faults}; loss ${loss}; descriptors ${fds_before} -> ${fds_peak} -> ${fds_soak}; VmRSS ${rss_before} -> warm-up ${rss_warmup} (peak ${rss_warmup_peak}) -> peak ${rss_peak} -> ${rss_soak} KiB (bound: warm-up's high-water mark + ${rss_bound_mib} MiB: a leak of ${leak})")
  log "${summaries[-1]}"
  results+=("$(jq -n --arg name "${name}" --arg verdict "${verdict}" \
    --argjson seconds "${seconds}" --argjson elapsed "${elapsed}" \
    --argjson fds "[${fds_before}, ${fds_warmup}, ${fds_peak}, ${fds_soak}]" \
    --argjson rss "[${rss_before}, ${rss_warmup}, ${rss_warmup_peak}, ${rss_peak}, ${rss_soak}]" \
    --argjson soak "$(json_or_null "${soak_json}")" \
    --argjson load "$([[ ${name} == httpd ]] && json_or_null "${load_json}" || echo null)" \
    '{server: $name, verdict: $verdict, seconds: $seconds, elapsed_s: $elapsed,
      descriptors: {before: $fds[0], after_warmup: $fds[1], peak: $fds[2], after: $fds[3]},
      vmrss_kib: {before: $rss[0], after_warmup: $rss[1], warmup_peak: $rss[2],
                  peak: $rss[3], after: $rss[4]},
      soak: $soak, load: $load}')")
done

# -1: not read (the server was gone, or the round did not run).
printf '%s\n' "${results[@]}" | jq -s --arg seed "${seed}" \
  --argjson connections "${connections}" --argjson bound "${rss_bound_mib}" \
  --argjson warmup "${warmup_seconds}" --arg preset "${preset}" \
  '{tool: "soak.sh", seed: $seed, preset: $preset, connections: $connections,
    warmup_seconds: $warmup, rss_bound_mib: $bound, servers: .}' >"${out_dir}/soak.json"
for line in "${summaries[@]}"; do echo "${line}"; done
reported=true
if ((${#failures[@]} > 0)); then
  log "FAIL: ${#failures[@]} check(s) failed (seed ${seed}; replay: ${replay}):" >&2
  printf '  %s\n' "${failures[@]}" >&2
  exit 1
fi
log "passed (seed ${seed}); ${out_dir}/soak.json"
