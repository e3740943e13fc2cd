// The comparison's data model and its schedule: which cells (workload,
// size, active chains) to measure, the side-by-side interleaved runs, and
// the statistics published for each implementation.
#ifndef ASYCAMORE_TOOLS_COMPARE_COMPARISON_H_
#define ASYCAMORE_TOOLS_COMPARE_COMPARISON_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "echo_counts.h"
#include "workloads/chain.h"
#include "workloads/measure.h"
#include "workloads/runners.h"

namespace asycamore::compare {

struct Settings {
  std::vector<const bench::RunnerInfo*> runners;  // floors included
  bool chain = true;
  bool idle = true;
  std::vector<std::size_t> chain_sizes;  // requested N (socket pairs)
  std::vector<std::size_t> actives;      // A
  std::vector<std::size_t> idle_sizes;   // requested N (idle sockets)
  std::uint64_t writes = 0;  // per round; 0: chosen per cell (WritesPerRound)
  int repetitions = 21;
  absl::Duration min_time = absl::Milliseconds(20);
  absl::Duration warmup = absl::Milliseconds(5);
  bench::TimeBase time_base = bench::TimeBase::kThreadCpu;
  bool progress = true;
  // The echo workload (workloads/echo_measure.h): N = connections.
  bool echo = false;
  std::vector<std::size_t> echo_connections;
  std::size_t echo_bytes = 64;
  absl::Duration echo_time = absl::Milliseconds(100);  // timed part of a run
  bool echo_counts = false;  // also system calls and instructions (strace, callgrind)
  std::uint64_t echo_count_round_trips = 5000;  // R of echo_counts.h
  // With echo_counts: heap per idle connection, from N/5 to N idle
  // connections (MeasureEchoIdleHeap), once per implementation; 0: not.
  std::size_t echo_idle_connections = 5000;
  std::string self_path;     // this binary: the echo server runs it in its serve mode
  std::string scratch_dir;   // where echo_counts' strace/callgrind files go
};

// The statistics of one implementation in one cell.
struct ImplResult {
  std::string name;
  bench::RunnerKind kind = bench::RunnerKind::kBackend;
  std::string floor;                // the floor it is held to
  std::string skipped;              // why it did not run; empty if it ran
  std::vector<double> ns_per_event; // one per repetition, in run order
  std::vector<double> wall_ns_per_event;  // the same, on the wall clock
  double allocations_per_event = 0; // mean over repetitions
  bool allocations_counted = false;
  // Derived by Summarise():
  double median_ns = 0;
  double median_wall_ns = 0;
  double spread = 0;                // interquartile range / median of ns_per_event
  double ratio_raw_epoll = 0;       // median of paired per-repetition ratios
  double ratio_raw_poll = 0;
  // Echo only (ns_per_event is then the client's wall time per round trip,
  // whatever --clock says): the server process's CPU time per round trip.
  std::vector<double> server_cpu_ns_per_event;  // one per repetition
  double median_server_cpu_ns = 0;
  double server_cpu_ratio_raw_epoll = 0;
  EchoCounts counts;  // with Settings::echo_counts
  double ratio_floor() const {
    return floor == "raw_poll" ? ratio_raw_poll : ratio_raw_epoll;
  }
};

struct Cell {
  bench::Shape shape = bench::Shape::kChain;
  std::size_t requested_n = 0;  // as asked (e.g. 10000)
  std::size_t n = 0;            // as run (e.g. 9950 under the fd limit)
  std::size_t active = 1;
  std::uint64_t writes = 0;     // writes per round, as run
  std::string note;             // e.g. why n differs from requested_n
  std::vector<ImplResult> results;

  std::string Label() const;    // "chain N=1000 A=1"
};

// Returns the cells the settings ask for, with N clamped to what the
// open-file limit allows (and a note saying so).
std::vector<Cell> PlanCells(const Settings& settings);

// Returns the number of measurements Run() will make (for progress).
std::size_t CountMeasurements(const Settings& settings,
                              const std::vector<Cell>& cells);

// Measures every cell: per cell, the repetitions run the implementations
// side by side, alternating forward and reverse order (A B C, C B A, ...),
// so slow drift of the machine hits every implementation alike. Then
// computes the statistics.
absl::Status Run(const Settings& settings, std::vector<Cell>& cells);

// Computes medians, spreads and the ratios to the floors for one cell.
void Summarise(Cell& cell);

}  // namespace asycamore::compare

#endif  // ASYCAMORE_TOOLS_COMPARE_COMPARISON_H_
