#include "comparison.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "workloads/alloc_counter.h"
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

// Returns the median over repetitions of result[r] / floor[r]: each ratio
// compares two measurements taken next to each other.
double PairedRatio(const ImplResult& result, const ImplResult* floor) {
  if (floor == nullptr || !floor->skipped.empty()) return 0;
  std::vector<double> ratios;
  const std::size_t reps =
      std::min(result.ns_per_event.size(), floor->ns_per_event.size());
  for (std::size_t r = 0; r < reps; ++r) {
    if (floor->ns_per_event[r] > 0) {
      ratios.push_back(result.ns_per_event[r] / floor->ns_per_event[r]);
    }
  }
  return Median(ratios);
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

absl::Status RunCell(const Settings& settings, Cell& cell, Progress& progress) {
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

  const std::size_t count = settings.runners.size();
  for (int rep = 0; rep < settings.repetitions; ++rep) {
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t i = rep % 2 == 0 ? k : count - 1 - k;
      ImplResult& result = cell.results[i];
      if (!result.skipped.empty()) continue;
      absl::StatusOr<bench::Measurement> m =
          bench::Measure(*settings.runners[i], plan, settings.min_time,
                         settings.warmup);
      if (!m.ok()) {
        return absl::Status(m.status().code(),
                            absl::StrCat(cell.Label(), ", ", result.name, ": ",
                                         m.status().message()));
      }
      result.ns_per_event.push_back(m->ns_per_event(settings.time_base));
      result.wall_ns_per_event.push_back(
          m->ns_per_event(bench::TimeBase::kWall));
      result.allocations_per_event +=
          m->allocations_per_event() / settings.repetitions;
      progress.Step(cell, rep, settings.repetitions, result.name,
                    absl::StrFormat("%.1f ns/event",
                                  m->ns_per_event(settings.time_base)));
    }
  }
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
  return cells;
}

std::size_t CountMeasurements(const Settings& settings,
                              const std::vector<Cell>& cells) {
  return cells.size() * settings.runners.size() *
         static_cast<std::size_t>(settings.repetitions);
}

absl::Status Run(const Settings& settings, std::vector<Cell>& cells) {
  Progress progress(settings.progress, CountMeasurements(settings, cells));
  for (Cell& cell : cells) {
    if (absl::Status s = RunCell(settings, cell, progress); !s.ok()) return s;
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
  }
}

}  // namespace asycamore::compare
