#include "comparison.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "workloads/alloc_counter.h"
#include "workloads/echo_measure.h"
#include "workloads/fd_budget.h"
#include "workloads/measure.h"
#include "workloads/socket_pairs.h"

namespace asycamore::compare {
namespace {

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid]
                                : (values[mid - 1] + values[mid]) / 2;
}

// Returns the distance between the 25th and 75th percentiles (nearest
// rank), a spread that one preempted repetition does not blow up.
double InterquartileRange(std::vector<double> values) {
  if (values.size() < 2) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t last = values.size() - 1;
  return values[(3 * last + 2) / 4] - values[last / 4];
}

// Returns the median over repetitions of values[r] / floor[r]: each ratio
// compares two measurements taken next to each other.
double PairedRatio(const std::vector<double>& values,
                   const std::vector<double>& floor) {
  std::vector<double> ratios;
  const std::size_t reps = std::min(values.size(), floor.size());
  for (std::size_t r = 0; r < reps; ++r) {
    if (floor[r] > 0) ratios.push_back(values[r] / floor[r]);
  }
  return Median(ratios);
}

double PairedRatio(const ImplResult& result, const ImplResult* floor) {
  if (floor == nullptr || !floor->skipped.empty()) return 0;
  return PairedRatio(result.ns_per_event, floor->ns_per_event);
}

class Progress {
 public:
  Progress(bool enabled, std::size_t total)
      : enabled_(enabled), tty_(::isatty(2) == 1), total_(total),
        start_(std::chrono::steady_clock::now()) {}

  void Step(const Cell& cell, int rep, int reps, const std::string& runner,
            const std::string& outcome) {
    ++done_;
    if (!enabled_ || !tty_) return;
    std::fprintf(stderr, "\r\033[K[%3zu/%zu %4.0fs] %s rep %d/%d %-9s %s",
                 done_, total_, Seconds(), cell.Label().c_str(), rep + 1, reps,
                 runner.c_str(), outcome.c_str());
    std::fflush(stderr);
  }

  void CellDone(const Cell& cell) {
    if (!enabled_) return;
    std::fprintf(stderr, "%s[%3zu/%zu %4.0fs] %s done\n", tty_ ? "\r\033[K" : "",
                 done_, total_, Seconds(), cell.Label().c_str());
  }

 private:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start_)
        .count();
  }
  bool enabled_;
  bool tty_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
};

// Returns the writes per round for `cell`: the --writes flag, or when it is
// 0, DefaultWritesPerRound (about 50 ms per round for the slowest).
std::uint64_t WritesPerRound(const Settings& settings, const Cell& cell) {
  if (settings.writes > 0) return settings.writes;
  return bench::DefaultWritesPerRound(cell.n, cell.active);
}

// Calls measure(result, index, repetition) for every implementation of
// `cell` that can run it, per repetition, alternating forward and reverse
// order (A B C, C B A, ...) so that slow drift of the machine hits every
// implementation alike. A failure names the cell and the implementation.
template <typename MeasureOne>
absl::Status Interleaved(const Settings& settings, Cell& cell,
                         MeasureOne measure) {
  const std::size_t count = cell.results.size();
  for (int rep = 0; rep < settings.repetitions; ++rep) {
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t i = rep % 2 == 0 ? k : count - 1 - k;
      ImplResult& result = cell.results[i];
      if (!result.skipped.empty()) continue;
      if (absl::Status s = measure(result, i, rep); !s.ok()) {
        return absl::Status(s.code(), absl::StrCat(cell.Label(), ", ",
                                                   result.name, ": ",
                                                   s.message()));
      }
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> EchoServerArgv(const Settings& settings,
                                        const std::string& name) {
  return {settings.self_path, absl::StrCat("--serve_echo=", name)};
}

// The echo workload: per repetition every implementation's server in its
// own process, interleaved like the chain cells; then, with echo_counts,
// its system calls and instructions per round trip.
absl::Status RunEchoCell(const Settings& settings, Cell& cell,
                         Progress& progress, bool first_echo_cell) {
#ifndef ASYCAMORE_BENCH_HAVE_ECHO
  (void)settings;
  (void)cell;
  (void)progress;
  (void)first_echo_cell;
  return absl::UnimplementedError(
      "the echo workload needs Linux (its client is an epoll loop)");
#else
  cell.results.clear();
  for (const bench::RunnerInfo* runner : settings.runners) {
    ImplResult result;
    result.name = runner->name;
    result.kind = runner->kind;
    result.floor = "raw_epoll";
    if (!runner->serve_echo) {
      result.skipped = absl::StrCat(runner->name, " has no echo server");
    }
    cell.results.push_back(std::move(result));
  }
  const bench::EchoPlan plan{.connections = cell.n, .bytes = settings.echo_bytes};
  const bench::EchoBudget budget{.warmup = settings.warmup,
                                 .min_time = settings.echo_time};
  absl::Status measured = Interleaved(
      settings, cell, [&](ImplResult& result, std::size_t, int rep) {
        absl::StatusOr<bench::EchoMeasurement> m = bench::MeasureEcho(
            EchoServerArgv(settings, result.name), plan, budget);
        if (!m.ok()) return m.status();
        result.ns_per_event.push_back(m->wall_ns_per_round_trip());
        result.wall_ns_per_event.push_back(m->wall_ns_per_round_trip());
        result.server_cpu_ns_per_event.push_back(
            m->server_cpu_ns_per_round_trip());
        progress.Step(cell, rep, settings.repetitions, result.name,
                      absl::StrFormat("%.0f round trips/s",
                                      1e9 / m->wall_ns_per_round_trip()));
        return absl::OkStatus();
      });
  if (!measured.ok()) return measured;
  if (settings.echo_counts) {
    std::error_code error;
    std::filesystem::create_directories(settings.scratch_dir, error);
    for (ImplResult& result : cell.results) {
      if (!result.skipped.empty()) continue;
      absl::StatusOr<EchoCounts> counts = CountEcho(
          EchoServerArgv(settings, result.name), plan,
          settings.echo_count_round_trips, settings.scratch_dir,
          absl::StrCat("echo-", result.name, "-N", cell.n));
      if (!counts.ok()) {
        return absl::Status(counts.status().code(),
                            absl::StrCat(cell.Label(), ", ", result.name,
                                         " counting: ", counts.status().message()));
      }
      result.counts = *std::move(counts);
      if (first_echo_cell && settings.echo_idle_connections > 0) {
        std::vector<std::string> argv = EchoServerArgv(settings, result.name);
        argv.push_back("--serve_echo_heap");
        absl::StatusOr<double> heap = bench::MeasureEchoIdleHeap(
            argv, settings.echo_idle_connections / 5,
            settings.echo_idle_connections);
        if (!heap.ok()) {
          return absl::Status(heap.status().code(),
                              absl::StrCat(result.name, " idle heap: ",
                                           heap.status().message()));
        }
        result.counts.idle_heap_bytes = *heap;
      }
      progress.Step(cell, settings.repetitions - 1, settings.repetitions,
                    result.name, "counted");
    }
  }
  Summarise(cell);
  progress.CellDone(cell);
  return absl::OkStatus();
#endif
}

absl::Status RunCell(const Settings& settings, Cell& cell, Progress& progress,
                     bool first_echo_cell) {
  if (cell.shape == bench::Shape::kEcho) {
    return RunEchoCell(settings, cell, progress, first_echo_cell);
  }
  const std::size_t pairs_needed =
      cell.shape == bench::Shape::kChain ? cell.n : 1 + (cell.n + 1) / 2;
  absl::StatusOr<bench::SocketPairs> pairs =
      bench::SocketPairs::Open(pairs_needed);
  if (!pairs.ok()) {
    return absl::Status(pairs.status().code(),
                        absl::StrCat(cell.Label(), ": ", pairs.status().message()));
  }
  const std::uint64_t writes = WritesPerRound(settings, cell);
  const bench::ChainPlan plan =
      cell.shape == bench::Shape::kChain
          ? bench::MakeChainPlan(*pairs, cell.active, writes)
          : bench::MakeIdlePlan(*pairs, cell.n, writes);
  cell.writes = writes;

  cell.results.clear();
  for (const bench::RunnerInfo* runner : settings.runners) {
    ImplResult result;
    result.name = runner->name;
    result.kind = runner->kind;
    result.floor = runner->floor;
    result.skipped = bench::WhyUnsupported(*runner, plan);
    result.allocations_counted = bench::AllocationCountingEnabled();
    cell.results.push_back(std::move(result));
  }

  absl::Status measured = Interleaved(
      settings, cell, [&](ImplResult& result, std::size_t i, int rep) {
        absl::StatusOr<bench::Measurement> m =
            bench::Measure(*settings.runners[i], plan, settings.min_time,
                           settings.warmup);
        if (!m.ok()) return m.status();
        result.ns_per_event.push_back(m->ns_per_event(settings.time_base));
        result.wall_ns_per_event.push_back(
            m->ns_per_event(bench::TimeBase::kWall));
        result.allocations_per_event +=
            m->allocations_per_event() / settings.repetitions;
        progress.Step(cell, rep, settings.repetitions, result.name,
                      absl::StrFormat("%.1f ns/event",
                                      m->ns_per_event(settings.time_base)));
        return absl::OkStatus();
      });
  if (!measured.ok()) return measured;
  Summarise(cell);
  progress.CellDone(cell);
  return absl::OkStatus();
}

}  // namespace

std::string Cell::Label() const {
  std::string label = absl::StrCat(bench::ShapeName(shape), " N=", n);
  if (shape == bench::Shape::kChain) absl::StrAppend(&label, " A=", active);
  return label;
}

std::vector<Cell> PlanCells(const Settings& settings) {
  std::vector<Cell> cells;
  const std::size_t limit = bench::RaiseOpenFileLimit();
  if (settings.chain) {
    const std::size_t max_pairs = bench::MaxSocketPairs();
    for (std::size_t requested : settings.chain_sizes) {
      for (std::size_t active : settings.actives) {
        Cell cell;
        cell.shape = bench::Shape::kChain;
        cell.requested_n = requested;
        cell.n = std::min(requested, max_pairs);
        cell.active = std::min(active, cell.n);
        if (cell.n != requested) {
          cell.note = absl::StrCat(
              "N=", requested, " runs as N=", cell.n, ": ", requested,
              " pairs need ", 2 * requested,
              " descriptors; the open-file limit is ", limit);
        }
        cells.push_back(std::move(cell));
      }
    }
  }
  if (settings.idle) {
    const std::size_t max_idle = bench::MaxIdleSockets(1);
    for (std::size_t requested : settings.idle_sizes) {
      Cell cell;
      cell.shape = bench::Shape::kIdle;
      cell.requested_n = requested;
      cell.n = std::min(requested, max_idle);
      if (cell.n != requested) {
        cell.note = absl::StrCat("N=", requested, " runs as N=", cell.n,
                                 ": the open-file limit is ", limit);
      }
      cells.push_back(std::move(cell));
    }
  }
  if (settings.echo) {
    for (std::size_t connections : settings.echo_connections) {
      Cell cell;
      cell.shape = bench::Shape::kEcho;
      cell.requested_n = cell.n = connections;
      cells.push_back(std::move(cell));
    }
  }
  return cells;
}

std::size_t CountMeasurements(const Settings& settings,
                              const std::vector<Cell>& cells) {
  std::size_t total = cells.size() * settings.runners.size() *
                      static_cast<std::size_t>(settings.repetitions);
  for (const Cell& cell : cells) {
    if (cell.shape == bench::Shape::kEcho && settings.echo_counts) {
      total += settings.runners.size();
    }
  }
  return total;
}

absl::Status Run(const Settings& settings, std::vector<Cell>& cells) {
  Progress progress(settings.progress, CountMeasurements(settings, cells));
  bool first_echo_cell = true;
  for (Cell& cell : cells) {
    if (absl::Status s = RunCell(settings, cell, progress, first_echo_cell);
        !s.ok()) {
      return s;
    }
    if (cell.shape == bench::Shape::kEcho) first_echo_cell = false;
  }
  return absl::OkStatus();
}

void Summarise(Cell& cell) {
  const ImplResult* raw_epoll = nullptr;
  const ImplResult* raw_poll = nullptr;
  for (const ImplResult& result : cell.results) {
    if (result.name == "raw_epoll") raw_epoll = &result;
    if (result.name == "raw_poll") raw_poll = &result;
  }
  for (ImplResult& result : cell.results) {
    if (!result.skipped.empty() || result.ns_per_event.empty()) continue;
    result.median_ns = Median(result.ns_per_event);
    result.median_wall_ns = Median(result.wall_ns_per_event);
    result.spread = result.median_ns > 0
                        ? InterquartileRange(result.ns_per_event) / result.median_ns
                        : 0;
    result.ratio_raw_epoll = PairedRatio(result, raw_epoll);
    result.ratio_raw_poll = PairedRatio(result, raw_poll);
    if (!result.server_cpu_ns_per_event.empty()) {
      result.median_server_cpu_ns = Median(result.server_cpu_ns_per_event);
      if (raw_epoll != nullptr && raw_epoll->skipped.empty()) {
        result.server_cpu_ratio_raw_epoll = PairedRatio(
            result.server_cpu_ns_per_event, raw_epoll->server_cpu_ns_per_event);
      }
    }
  }
}

}  // namespace asycamore::compare
