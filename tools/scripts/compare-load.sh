#!/usr/bin/env bash
# Runs HTTP load generators side by side against the same server: wrk,
# h2load (HTTP/1.1, -m for pipelining) and asycamore-load when its engine is
# built. They get the same connections and threads, at pipeline depths 1
# and 16. The server is nginx, or asycamore-httpd once it exists. Server and
# generator are pinned to different CPUs (taskset). Runs are interleaved:
# each repetition runs every generator, forward one time and backward the
# next, so slow drift of the machine hits all of them alike.
#
# For each run it records requests/s, the generator's own CPU time per
# request (the kernel's accounting of the child, from wait4) and the
# server's (its process tree, from /proc). It reports them as ratios to wrk
# in build/compare-load/compare-load.{md,json,svg}.
#
# On a fresh Debian 12 machine it first installs what it needs (apt-get, as
# root or through sudo; only what is missing), then builds the linux-release
# preset. It exits non-zero when a generator fails or a server does not
# answer.
#
# Usage: tools/scripts/compare-load.sh [options]   (--help for the options)
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'EOF'
Usage: tools/scripts/compare-load.sh [options]

Runs wrk, h2load and asycamore-load (when its engine is built) against the
same server, pinned apart, interleaved, and reports requests/s and CPU time
per request as ratios to wrk in build/compare-load/.

Options:
  --smoke              a few seconds: 1 repetition of 1 s runs, 8
                       connections (flags given explicitly still win)
  --duration S         seconds per run (default 3)
  --repetitions N      interleaved repetitions; the best is reported
                       (default 3)
  --connections N      connections, the same for every generator (default 64)
  --threads N          generator threads (default 1)
  --depths LIST        pipeline depths, comma-separated (default 1,16)
  --server NAME        nginx, asycamore-httpd or both (default nginx);
                       asycamore-httpd is skipped, with the reason, when its
                       binary is not built
  --server-threads N   nginx worker_processes / asycamore-httpd --threads
                       (default: the number of server CPUs)
  --server-cpus LIST   CPUs for the server, as taskset -c takes them
                       (default 1)
  --generator-cpus LIST  CPUs for the generator (default 0)
  --out-dir DIR        where the reports go (default build/compare-load)
  --preset NAME        the CMake preset to build and run (default
                       linux-release; the test command's smoke run uses
                       the linux lane's own build)
  -h, --help           print this help and exit

Exit status: 0 when every run succeeded, 1 when a generator failed or a
server did not answer, 2 for a bad option.
EOF
}

# --help comes first, before anything is installed or built.
help_first "$@"

smoke=0
duration=3
repetitions=3
connections=64
threads=1
depths=1,16
server=nginx
server_threads=""
server_cpus=1
generator_cpus=0
out_dir="${ASYCAMORE_REPO_ROOT}/build/compare-load"
preset=linux-release
declare -A given=()

while (($# > 0)); do
  option="$1"
  value=""
  case "${option}" in
    --smoke)
      smoke=1
      shift
      continue
      ;;
    --*=*)
      value="${option#*=}"
      option="${option%%=*}"
      shift
      ;;
    --duration | --repetitions | --connections | --threads | --depths | \
      --server | --server-threads | --server-cpus | --generator-cpus | \
      --out-dir | --preset)
      (($# >= 2)) || bad_option "${option} needs a value"
      value="$2"
      shift 2
      ;;
    *) bad_option "unknown option '${option}'" ;;
  esac
  case "${option}" in
    --duration) duration="${value}" ;;
    --repetitions) repetitions="${value}" ;;
    --connections) connections="${value}" ;;
    --threads) threads="${value}" ;;
    --depths) depths="${value}" ;;
    --server) server="${value}" ;;
    --server-threads) server_threads="${value}" ;;
    --server-cpus) server_cpus="${value}" ;;
    --generator-cpus) generator_cpus="${value}" ;;
    --out-dir) out_dir="${value}" ;;
    --preset) preset="${value}" ;;
    *) bad_option "unknown option '${option}'" ;;
  esac
  given["${option}"]=1
done

if ((smoke)); then
  [[ -n "${given[--duration]:-}" ]] || duration=1
  [[ -n "${given[--repetitions]:-}" ]] || repetitions=1
  [[ -n "${given[--connections]:-}" ]] || connections=8
fi

positive() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || bad_option "$1 '$2' is not a positive whole number"; }
positive --duration "${duration}"
positive --repetitions "${repetitions}"
positive --connections "${connections}"
positive --threads "${threads}"
((connections >= threads)) ||
  bad_option "--connections ${connections} is fewer than --threads ${threads}"
IFS=, read -r -a depth_list <<<"${depths}"
((${#depth_list[@]} > 0)) || bad_option "--depths is empty"
for depth in "${depth_list[@]}"; do positive --depths "${depth}"; done
case "${server}" in
  nginx) servers=(nginx) ;;
  asycamore-httpd) servers=(asycamore-httpd) ;;
  both) servers=(nginx asycamore-httpd) ;;
  *) bad_option "--server '${server}' is not nginx, asycamore-httpd or both" ;;
esac
cpu_list='^[0-9]+([-,][0-9]+)*$'
[[ "${server_cpus}" =~ ${cpu_list} ]] || bad_option "--server-cpus '${server_cpus}' is not a CPU list (1 or 2-3 or 1,3)"
[[ "${generator_cpus}" =~ ${cpu_list} ]] || bad_option "--generator-cpus '${generator_cpus}' is not a CPU list"
# The number of CPUs a taskset list names ("2-3,5" is 3).
cpu_count() {
  local count=0 part
  IFS=, read -r -a parts <<<"$1"
  for part in "${parts[@]}"; do
    if [[ "${part}" == *-* ]]; then
      count=$((count + ${part#*-} - ${part%-*} + 1))
    else
      count=$((count + 1))
    fi
  done
  echo "${count}"
}
[[ -n "${server_threads}" ]] || server_threads="$(cpu_count "${server_cpus}")"
# Absolute, from the caller's directory: nginx resolves relative paths
# against its prefix, and the script changes directory below.
out_dir="$(realpath -m "${out_dir}")"
positive --server-threads "${server_threads}"

# ---- packages and build ---------------------------------------------------

# wrk and h2load (nghttp2-client) are the generators compared with, nginx is
# the reference server; taskset comes with util-linux (essential on Debian).
packages=(wrk nghttp2-client nginx)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "${package}" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("${package}")
done
if ((${#missing[@]} > 0)); then
  log "installing: ${missing[*]}"
  apt_get update
  apt_get install -y --no-install-recommends "${missing[@]}"
fi
"${ASYCAMORE_REPO_ROOT}/tools/scripts/install-linux-deps.sh"

for cpu_set in "${server_cpus}" "${generator_cpus}"; do
  taskset -c "${cpu_set}" true 2>/dev/null ||
    die "CPU list '${cpu_set}' is not usable here ($(nproc) CPUs online); see --server-cpus, --generator-cpus"
done

build_dir="${ASYCAMORE_REPO_ROOT}/build/${preset}"
cd "${ASYCAMORE_REPO_ROOT}"
log "configuring and building ${preset} (asycamore-load, asycamore_load_compare)"
cmake --preset "${preset}" >/dev/null
targets=(asycamore_load asycamore_load_compare)
# asycamore-httpd arrives with issue 14; build it when this tree has it.
httpd_target="$(ninja -C "${build_dir}" -t targets all 2>/dev/null |
  grep -Eo '^asycamore[-_]httpd:' | head -n 1 | tr -d :)" || true
[[ -z "${httpd_target}" ]] || targets+=("${httpd_target}")
cmake --build "${build_dir}" --parallel 2 --target "${targets[@]}"
helper="${build_dir}/tools/load/asycamore_load_compare"
load_binary="${build_dir}/tools/load/asycamore-load"
httpd_binary="${build_dir}/tools/httpd/asycamore-httpd"

# ---- the run --------------------------------------------------------------

rm -rf "${out_dir}"
mkdir -p "${out_dir}/runs"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average before the runs: ${load_before} (other work on the machine makes the figures noisy)"
record="${out_dir}/runs.tsv"
notes=()
failed=0
server_pid=""

stop_server() {
  if [[ -n "${server_pid}" ]] && kill -0 "${server_pid}" 2>/dev/null; then
    kill "${server_pid}" 2>/dev/null || true
    wait "${server_pid}" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

# Returns a loopback port nothing answers on (a connect is refused).
free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
      echo "${port}"
      return 0
    fi
  done
  die "found no free loopback port"
}

# Prints the status line the server at 127.0.0.1:$1 answers GET /plaintext
# with (nothing when it does not answer within 2 s).
status_line() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 0
    printf 'GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
    IFS= read -r -t 2 line <&3 && echo "${line%$'\r'}"
  ) 2>/dev/null || true
}

# Waits until the server answers 200, for 10 s at most, while it runs.
wait_for_answer() {
  for _ in $(seq 100); do
    [[ "$(status_line "$1")" == "HTTP/1."?" 200"* ]] && return 0
    kill -0 "${server_pid}" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Writes nginx's configuration: every path inside the build tree, so that no
# root is needed to run it.
write_nginx_conf() {
  local dir="$1" port="$2"
  mkdir -p "${dir}/logs" "${dir}/temp"
  cat >"${dir}/nginx.conf" <<EOF
# Generated by tools/scripts/compare-load.sh: the reference server of the
# load comparison (one static answer, no logging, keep-alive on).
worker_processes ${server_threads};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_timeout 65;
  # nginx closes a connection after 1000 requests by default; that would
  # measure reconnects, not requests.
  keepalive_requests 1000000000;
  default_type text/plain;
  client_body_temp_path ${dir}/temp/client_body;
  proxy_temp_path ${dir}/temp/proxy;
  fastcgi_temp_path ${dir}/temp/fastcgi;
  uwsgi_temp_path ${dir}/temp/uwsgi;
  scgi_temp_path ${dir}/temp/scgi;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location /plaintext { return 200 "Hello, World!"; }
    location / { return 200 "Hello, World!"; }
  }
}
EOF
}

# Starts the named server on a free port, pinned to the server CPUs; sets
# server_pid and port. Returns 1 (with a note) when it cannot run here; dies
# when it does not answer. A port taken between the check and the bind
# makes the server exit at once: then another port is tried.
start_server() {
  local name="$1" attempt
  if [[ "${name}" == asycamore-httpd && ! -x "${httpd_binary}" ]]; then
    notes+=("asycamore-httpd skipped: ${httpd_binary#"${ASYCAMORE_REPO_ROOT}/"} is not built (issue 14)")
    log "${notes[-1]}"
    return 1
  fi
  for attempt in 1 2 3; do
    port="$(free_port)"
    case "${name}" in
      nginx)
        local dir="${out_dir}/nginx"
        write_nginx_conf "${dir}" "${port}"
        taskset -c "${server_cpus}" nginx -p "${dir}/" \
          -e "${dir}/logs/error.log" -c "${dir}/nginx.conf" &
        ;;
      asycamore-httpd)
        taskset -c "${server_cpus}" "${httpd_binary}" --port "${port}" \
          --threads "${server_threads}" &
        ;;
    esac
    server_pid=$!
    if wait_for_answer "${port}"; then
      log "${name} answers on 127.0.0.1:${port} (pid ${server_pid}, CPU ${server_cpus}, ${server_threads} thread(s))"
      return 0
    fi
    kill -0 "${server_pid}" 2>/dev/null || continue  # exited: try another port
    break
  done
  [[ "${name}" != nginx ]] || cat "${out_dir}/nginx/logs/error.log" >&2 || true
  die "${name} does not answer GET /plaintext on 127.0.0.1:${port} (attempt ${attempt})"
}

# Writes wrk's pipelining script: `depth` requests per write, as wrk's own
# scripts/pipeline.lua does.
write_wrk_script() {
  local depth="$1" path="$2"
  cat >"${path}" <<EOF
-- Generated by tools/scripts/compare-load.sh: HTTP/1.1 pipelining at depth
-- ${depth} (wrk sends the ${depth} requests with one write and counts each
-- response).
init = function(args)
  local r = {}
  for i = 1, ${depth} do
    r[i] = wrk.format(nil, nil)
  end
  req = table.concat(r)
end

request = function()
  return req
end
EOF
}

# Sets run_command to the command of one generator run.
set_generator_command() {
  local generator="$1" depth="$2" url="$3"
  case "${generator}" in
    wrk)
      run_command=(wrk -c "${connections}" -t "${threads}" -d "${duration}s")
      if ((depth > 1)); then
        write_wrk_script "${depth}" "${out_dir}/runs/pipeline-${depth}.lua"
        run_command+=(-s "${out_dir}/runs/pipeline-${depth}.lua")
      fi
      run_command+=("${url}")
      ;;
    h2load)
      run_command=(h2load --h1 -c "${connections}" -t "${threads}"
        -m "${depth}" -D "${duration}" "${url}")
      ;;
    asycamore-load)
      run_command=("${load_binary}" -c "${connections}" -t "${threads}"
        -d "${duration}s" --pipeline "${depth}" "${url}")
      ;;
  esac
}

# Whether asycamore-load can run: its engine (issue 13) may not be built yet.
load_engine_ready() {
  local url="$1" err
  if err="$("${load_binary}" -n 1 -c 1 -t 1 "${url}" 2>&1 >/dev/null)"; then
    return 0
  fi
  if [[ "${err}" == *"not built yet"* ]]; then
    return 1
  fi
  die "asycamore-load fails its probe run: ${err}"
}

for name in "${servers[@]}"; do
  start_server "${name}" || continue
  url="http://127.0.0.1:${port}/plaintext"
  generators=(wrk h2load)
  if load_engine_ready "${url}"; then
    generators+=(asycamore-load)
  elif [[ " ${notes[*]} " != *"asycamore-load skipped"* ]]; then
    notes+=("asycamore-load skipped: its load engine is not built yet (it needs the library's HTTP client, issue 13)")
    log "${notes[-1]}"
  fi
  for ((repetition = 1; repetition <= repetitions; ++repetition)); do
    order=("${generators[@]}")
    if ((repetition % 2 == 0)); then
      order=()
      for ((i = ${#generators[@]} - 1; i >= 0; --i)); do order+=("${generators[i]}"); done
    fi
    for depth in "${depth_list[@]}"; do
      for generator in "${order[@]}"; do
        set_generator_command "${generator}" "${depth}" "${url}"
        output="${out_dir}/runs/${name}-${generator}-depth${depth}-rep${repetition}.txt"
        log "${name}, depth ${depth}, repetition ${repetition}/${repetitions}: ${run_command[*]##*/}"
        if ! taskset -c "${generator_cpus}" "${helper}" run --record "${record}" \
          --server "${name}" --generator "${generator}" --depth "${depth}" \
          --repetition "${repetition}" --connections "${connections}" \
          --threads "${threads}" --duration "${duration}" --output "${output}" \
          --server-pid "${server_pid}" -- "${run_command[@]}"; then
          log "error: ${generator} failed (its output: ${output})"
          failed=1
        fi
      done
    done
  done
  stop_server
done

[[ -s "${record}" ]] || die "nothing ran (see the notes above)"
note_flags=()
for note in "${notes[@]}"; do note_flags+=(--note "${note}"); done
"${helper}" report --record "${record}" --out-dir "${out_dir}" \
  --server-cpus "${server_cpus}" --generator-cpus "${generator_cpus}" \
  --server-threads "${server_threads}" --load-before "${load_before}" \
  "${note_flags[@]}" || failed=1
exit "${failed}"
