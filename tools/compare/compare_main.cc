// asycamore_compare: the README's main job. Runs the chained socket-pair
// workload of libevent's test/bench.c and the idle-descriptor workload on
// every backend this build has, on the peers (libevent, libuv) and on the
// raw epoll and poll floors, side by side; prints a table of ns/event,
// events/s, ratios to the floors and spread; writes JSON and an SVG chart.
//
//   asycamore_compare                      # default workload, about a minute
//   asycamore_compare --smoke              # a few seconds, for CI
//   asycamore_compare --backends=epoll,libevent --chain_sizes=1000
//
// Flags are absl flags, parsed here rather than by absl::ParseCommandLine so
// that every mistake (unknown flag, bad value, unknown backend) exits with
// status 2 after a message and the usage.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "asycamore/backend_registry.h"
#include "comparison.h"
#include "workloads/echo_measure.h"
#include "workloads/heap_reporter.h"
#include "report.h"
#include "workloads/fd_budget.h"
#include "workloads/runners.h"

ABSL_FLAG(std::string, backends, "",
          "comma-separated implementations to run: asycamore backends "
          "(epoll, poll, select, ...), peers (libevent, libuv) and floors "
          "(raw_epoll, raw_poll); empty: all of them. The two floors are "
          "always added, since every figure is a ratio to them");
ABSL_FLAG(std::string, workloads, "chain,idle",
          "which workloads: chain (libevent bench.c: N pairs, A chains), "
          "idle (one active socket among N idle ones), echo (N loopback TCP "
          "connections bouncing a message off each implementation's echo "
          "server in its own process, one client for all; Linux)");
ABSL_FLAG(std::string, chain_sizes, "100,1000,10000",
          "chain: socket pairs N (clamped to what the open-file limit allows)");
ABSL_FLAG(std::string, actives, "1,100", "chain: active chains A");
ABSL_FLAG(std::string, idle_sizes, "10,100,1000,10000",
          "idle: idle sockets N");
ABSL_FLAG(int, writes, 0,
          "writes per round (events per round = writes + A); 0: per cell, "
          "min(1000, 100000/N) but at least 10*A, so that a round of the "
          "slowest (scanning) implementation stays near 50 ms");
ABSL_FLAG(int, repetitions, 21,
          "side-by-side repetitions per cell (the median is reported): many "
          "short measurements, each compared with the floor measured next to "
          "it, resist this machine's bursts of noise better than a few long "
          "ones");
ABSL_FLAG(int, min_time_ms, 20,
          "time box of one measurement, in ms (whole rounds: at least one)");
ABSL_FLAG(int, warmup_ms, 5,
          "untimed warm-up before each measurement, in ms (at least one round)");
ABSL_FLAG(std::string, out_dir, "build/compare",
          "directory for compare.json, compare.svg and compare.md (a Markdown "
          "table of the ratios)");
ABSL_FLAG(std::string, json, "", "JSON output path (default: <out_dir>/compare.json)");
ABSL_FLAG(std::string, svg, "", "SVG chart path (default: <out_dir>/compare.svg)");
ABSL_FLAG(bool, smoke, false,
          "a few seconds: chain N=100 A=1, idle N=10,100, one repetition, 5 ms "
          "time boxes (flags given explicitly still win)");
ABSL_FLAG(std::string, clock, "cpu",
          "cpu: time each measurement by the loop thread's CPU time (leaves "
          "out time spent preempted on a busy machine; the workloads never "
          "block, so on an idle machine it equals the wall time); wall: by "
          "the wall clock");
ABSL_FLAG(std::string, echo_connections, "10,100",
          "echo: connections N, each with one message in flight");
ABSL_FLAG(int, echo_bytes, 64, "echo: bytes per message");
ABSL_FLAG(int, echo_time_ms, 100,
          "echo: timed part of one run, in ms (after --warmup_ms); echo "
          "figures are the client's wall time per round trip and the server "
          "process's CPU time per round trip, whatever --clock says");
ABSL_FLAG(bool, echo_counts, false,
          "echo: also count each server's system calls (strace -f -c) and "
          "user-space instructions (valgrind --tool=callgrind) per round "
          "trip, from two runs of R and 2R round trips (R: "
          "--echo_count_round_trips); their files go to <out_dir>/echo-counts");
ABSL_FLAG(int, echo_count_round_trips, 5000,
          "echo: R for --echo_counts");
ABSL_FLAG(int, echo_idle_connections, 5000,
          "echo: with --echo_counts, also each server's heap in use per idle "
          "connection (glibc's mallinfo2 in the server), from N/5 to N idle "
          "connections; 0: not");
ABSL_FLAG(bool, serve_echo_heap, false,
          "internal, with --serve_echo: answer SIGUSR1 with the heap in use "
          "on standard output");
ABSL_FLAG(std::string, serve_echo, "",
          "internal: serve echo as this implementation on descriptor 3 until "
          "the last connection closes (the echo workload starts this binary "
          "so, possibly under strace or valgrind)");
ABSL_FLAG(bool, progress, true, "show progress on stderr");
ABSL_FLAG(bool, list, false, "list the implementations this build has and exit");

namespace {

namespace bench = asycamore::bench;
namespace compare = asycamore::compare;

constexpr const char* kProgram = "asycamore_compare";

std::string Usage() {
  std::string out = absl::StrCat(
      "usage: ", kProgram, " [--flag=value ...]\n\n",
      "Compares asycamore's backends with libevent, libuv and raw epoll/poll "
      "loops on\nthe chained socket-pair and idle-descriptor workloads, side "
      "by side. With no\nflags it runs the default workload (about a minute) "
      "and writes\nbuild/compare/compare.json, compare.svg and compare.md.\n\n"
      "flags:\n");
  std::vector<std::pair<std::string, absl::CommandLineFlag*>> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::StrContains(flag->Filename(), "compare_main")) {
      flags.emplace_back(std::string(name), flag);
    }
  }
  std::sort(flags.begin(), flags.end());
  for (const auto& [name, flag] : flags) {
    absl::StrAppend(&out, "  --", name, " (default: \"", flag->DefaultValue(),
                    "\")\n      ", flag->Help(), "\n");
  }
  absl::StrAppend(&out, "\nimplementations in this build: ");
  std::vector<std::string> names;
  for (const bench::RunnerInfo& r : bench::AllRunners()) names.push_back(r.name);
  absl::StrAppend(&out, absl::StrJoin(names, ", "), "\n");
  for (const std::string& missing : bench::MissingPeers()) {
    absl::StrAppend(&out, "  (", missing, ")\n");
  }
  return out;
}

[[noreturn]] void UsageError(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n\n%s", kProgram, message.c_str(),
               Usage().c_str());
  std::exit(2);
}

// Parses argv into the absl flags. Returns the names set explicitly.
std::set<std::string> ParseFlags(int argc, char** argv) {
  std::set<std::string> given;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help" || arg == "-help" || arg == "--helpfull") {
      std::fputs(Usage().c_str(), stdout);
      std::exit(0);
    }
    if (arg == "--") {
      if (i + 1 < argc) UsageError(absl::StrCat("unexpected argument '", argv[i + 1], "'"));
      break;
    }
    if (!absl::StartsWith(arg, "-")) {
      UsageError(absl::StrCat("unexpected argument '", arg,
                              "' (this tool takes flags only)"));
    }
    absl::string_view body(arg);
    body.remove_prefix(absl::StartsWith(body, "--") ? 2 : 1);
    std::string name(body.substr(0, body.find('=')));
    const bool has_value = body.find('=') != absl::string_view::npos;
    std::string value =
        has_value ? std::string(body.substr(body.find('=') + 1)) : "";
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if ((flag == nullptr || !absl::StrContains(flag->Filename(), "compare_main")) &&
        !has_value && absl::StartsWith(name, "no")) {
      absl::CommandLineFlag* negated = absl::FindCommandLineFlag(name.substr(2));
      if (negated != nullptr && negated->IsOfType<bool>() &&
          absl::StrContains(negated->Filename(), "compare_main")) {
        flag = negated;
        name = name.substr(2);
        value = "false";
      }
    }
    if (flag == nullptr || !absl::StrContains(flag->Filename(), "compare_main")) {
      UsageError(absl::StrCat("unknown flag '", arg, "'"));
    }
    if (!has_value && value.empty()) {
      if (flag->IsOfType<bool>()) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        UsageError(absl::StrCat("flag --", name, " needs a value"));
      }
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      UsageError(absl::StrCat("bad value '", value, "' for --", name, ": ", error));
    }
    given.insert(name);
  }
  return given;
}

std::vector<std::size_t> ParseSizes(const char* flag, const std::string& text) {
  std::vector<std::size_t> sizes;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::size_t n = 0;
    if (!absl::SimpleAtoi(part, &n) || n == 0) {
      UsageError(absl::StrCat("--", flag, ": '", part,
                              "' is not a positive integer"));
    }
    sizes.push_back(n);
  }
  if (sizes.empty()) UsageError(absl::StrCat("--", flag, " is empty"));
  return sizes;
}

// The path of this binary, which the echo workload starts as its server.
std::string SelfPath() {
  char path[4096];
  const ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (length <= 0) return "asycamore_compare";
  return std::string(path, static_cast<std::size_t>(length));
}

// --serve_echo: one echo server on kEchoListenFd; returns the exit status.
int ServeEcho(const std::string& name) {
  const bench::RunnerInfo* runner = bench::FindRunner(name);
  if (runner == nullptr || !runner->serve_echo) {
    UsageError(absl::StrCat("--serve_echo: '", name, "' has no echo server"));
  }
  if (absl::GetFlag(FLAGS_serve_echo_heap)) {
    if (absl::Status s = bench::StartHeapReporter(); !s.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, s.ToString().c_str());
      return 1;
    }
  }
  if (absl::Status s = runner->serve_echo(bench::kEchoListenFd); !s.ok()) {
    std::fprintf(stderr, "%s --serve_echo=%s: %s\n", kProgram, name.c_str(),
                 s.ToString().c_str());
    return 1;
  }
  return 0;
}

compare::Settings MakeSettings(const std::set<std::string>& given) {
  const bool smoke = absl::GetFlag(FLAGS_smoke);
  auto pick = [&](const char* name, auto flag_value, auto smoke_value) {
    return smoke && given.count(name) == 0 ? smoke_value : flag_value;
  };
  compare::Settings settings;

  std::vector<std::string> wanted;
  const std::string backends = absl::GetFlag(FLAGS_backends);
  if (backends.empty()) {
    for (const bench::RunnerInfo& r : bench::AllRunners()) wanted.push_back(r.name);
  } else {
    wanted = absl::StrSplit(backends, ',', absl::SkipEmpty());
  }
  for (const char* floor : {"raw_epoll", "raw_poll"}) {
    if (bench::FindRunner(floor) != nullptr &&
        std::find(wanted.begin(), wanted.end(), floor) == wanted.end()) {
      wanted.push_back(floor);
    }
  }
  for (const std::string& name : wanted) {
    const bench::RunnerInfo* runner = bench::FindRunner(name);
    if (runner == nullptr) {
      std::vector<std::string> names;
      for (const bench::RunnerInfo& r : bench::AllRunners()) names.push_back(r.name);
      std::string message = absl::StrCat("--backends: unknown or unbuilt '", name,
                                         "'; this build has: ",
                                         absl::StrJoin(names, ", "));
      for (const std::string& missing : bench::MissingPeers()) {
        absl::StrAppend(&message, "\n  (", missing, ")");
      }
      UsageError(message);
    }
    if (std::find(settings.runners.begin(), settings.runners.end(), runner) ==
        settings.runners.end()) {
      settings.runners.push_back(runner);
    }
  }
  // Backends first, then peers, then floors, as in AllRunners().
  std::stable_sort(settings.runners.begin(), settings.runners.end(),
                   [](const bench::RunnerInfo* a, const bench::RunnerInfo* b) {
                     return a->kind < b->kind;
                   });

  settings.chain = settings.idle = false;
  for (absl::string_view w :
       absl::StrSplit(absl::GetFlag(FLAGS_workloads), ',', absl::SkipEmpty())) {
    if (w == "chain") {
      settings.chain = true;
    } else if (w == "idle") {
      settings.idle = true;
    } else if (w == "echo") {
#ifndef ASYCAMORE_BENCH_HAVE_ECHO
      UsageError("--workloads: echo needs Linux (its client is an epoll loop)");
#endif
      settings.echo = true;
    } else {
      UsageError(absl::StrCat("--workloads: unknown workload '", w,
                              "' (known: chain, idle, echo)"));
    }
  }
  if (!settings.chain && !settings.idle && !settings.echo) {
    UsageError("--workloads is empty");
  }
  settings.echo_connections = ParseSizes(
      "echo_connections",
      pick("echo_connections", absl::GetFlag(FLAGS_echo_connections),
           std::string("10")));
  const int echo_bytes = absl::GetFlag(FLAGS_echo_bytes);
  const int echo_time_ms = pick("echo_time_ms", absl::GetFlag(FLAGS_echo_time_ms), 10);
  const int echo_round_trips = pick(
      "echo_count_round_trips", absl::GetFlag(FLAGS_echo_count_round_trips), 200);
  if (echo_bytes < 1 || echo_bytes > 65536) {
    UsageError("--echo_bytes must be 1..65536");
  }
  if (echo_time_ms < 1) UsageError("--echo_time_ms must be at least 1");
  if (echo_round_trips < 1) UsageError("--echo_count_round_trips must be at least 1");
  settings.echo_bytes = static_cast<std::size_t>(echo_bytes);
  settings.echo_time = absl::Milliseconds(echo_time_ms);
  settings.echo_counts = absl::GetFlag(FLAGS_echo_counts);
  settings.echo_count_round_trips = static_cast<std::uint64_t>(echo_round_trips);
  const int idle = pick("echo_idle_connections",
                        absl::GetFlag(FLAGS_echo_idle_connections), 250);
  if (idle != 0 && idle < 5) UsageError("--echo_idle_connections must be 0 or at least 5");
  settings.echo_idle_connections = static_cast<std::size_t>(idle);
  settings.scratch_dir = absl::StrCat(absl::GetFlag(FLAGS_out_dir), "/echo-counts");
  settings.self_path = SelfPath();

  settings.chain_sizes = ParseSizes(
      "chain_sizes", pick("chain_sizes", absl::GetFlag(FLAGS_chain_sizes),
                          std::string("100")));
  settings.actives = ParseSizes(
      "actives", pick("actives", absl::GetFlag(FLAGS_actives), std::string("1")));
  settings.idle_sizes = ParseSizes(
      "idle_sizes", pick("idle_sizes", absl::GetFlag(FLAGS_idle_sizes),
                         std::string("10,100")));
  const int writes = pick("writes", absl::GetFlag(FLAGS_writes), 200);
  const int repetitions = pick("repetitions", absl::GetFlag(FLAGS_repetitions), 1);
  const int min_time_ms = pick("min_time_ms", absl::GetFlag(FLAGS_min_time_ms), 5);
  const int warmup_ms = pick("warmup_ms", absl::GetFlag(FLAGS_warmup_ms), 1);
  if (writes < 0) UsageError("--writes must not be negative");
  if (repetitions < 1) UsageError("--repetitions must be at least 1");
  if (min_time_ms < 0 || warmup_ms < 0) {
    UsageError("--min_time_ms and --warmup_ms must not be negative");
  }
  settings.writes = static_cast<std::uint64_t>(writes);
  settings.repetitions = repetitions;
  settings.min_time = absl::Milliseconds(min_time_ms);
  settings.warmup = absl::Milliseconds(warmup_ms);
  const std::string clock = absl::GetFlag(FLAGS_clock);
  if (clock == "cpu") {
    settings.time_base = bench::TimeBase::kThreadCpu;
  } else if (clock == "wall") {
    settings.time_base = bench::TimeBase::kWall;
  } else {
    UsageError(absl::StrCat("--clock: '", clock, "' is neither cpu nor wall"));
  }
  settings.progress = absl::GetFlag(FLAGS_progress);
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  const std::set<std::string> given = ParseFlags(argc, argv);
  bench::RaiseOpenFileLimit();
  if (const std::string serve = absl::GetFlag(FLAGS_serve_echo); !serve.empty()) {
    return ServeEcho(serve);
  }
  if (absl::GetFlag(FLAGS_list)) {
    for (const bench::RunnerInfo& r : bench::AllRunners()) {
      std::printf("%-10s %-8s floor=%-9s %s\n", r.name.c_str(),
                  bench::RunnerKindName(r.kind), r.floor.c_str(),
                  r.detail.c_str());
    }
    for (const std::string& missing : bench::MissingPeers()) {
      std::printf("(%s)\n", missing.c_str());
    }
    return 0;
  }
  compare::Settings settings = MakeSettings(given);
  std::vector<compare::Cell> cells = compare::PlanCells(settings);

  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  std::string json_path = absl::GetFlag(FLAGS_json);
  std::string svg_path = absl::GetFlag(FLAGS_svg);
  const std::string markdown_path = absl::StrCat(out_dir, "/compare.md");
  if (json_path.empty()) json_path = absl::StrCat(out_dir, "/compare.json");
  if (svg_path.empty()) svg_path = absl::StrCat(out_dir, "/compare.svg");

  compare::Machine machine = compare::DescribeMachine();
  if (settings.progress) {
    std::vector<std::string> names;
    for (const bench::RunnerInfo* r : settings.runners) names.push_back(r->name);
    std::fprintf(stderr,
                 "%s: %zu cells x %zu implementations (%s) x %d repetitions; "
                 "load average %s\n",
                 kProgram, cells.size(), settings.runners.size(),
                 absl::StrJoin(names, ", ").c_str(), settings.repetitions,
                 machine.load_before.c_str());
    for (const compare::Cell& cell : cells) {
      if (!cell.note.empty()) std::fprintf(stderr, "  note: %s\n", cell.note.c_str());
    }
  }
  if (absl::Status ran = compare::Run(settings, cells); !ran.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, ran.ToString().c_str());
    return 1;
  }
  machine.load_after = compare::DescribeMachine().load_before;

  std::fputs(compare::FormatTable(settings, machine, cells).c_str(), stdout);
  for (const auto& [path, text] :
       {std::pair{json_path, compare::FormatJson(settings, machine, cells)},
        std::pair{svg_path, compare::FormatSvg(machine, cells)},
        std::pair{markdown_path,
                  compare::FormatMarkdown(settings, machine, cells)}}) {
    if (absl::Status s = compare::WriteFile(path, text); !s.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, s.ToString().c_str());
      return 1;
    }
    std::printf("wrote %s\n", path.c_str());
  }
  return 0;
}
