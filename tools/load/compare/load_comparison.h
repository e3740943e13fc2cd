// The load comparison's figures: each run's rates and CPU per request,
// and per cell (server, pipeline depth, generator) the best of its
// repetitions with the ratios to wrk's in the same cell row.
//
// "Best of N" as the reference figures are: the highest requests/s,
// the lowest CPU per request (each over the good runs; with interleaved
// repetitions the best is the least disturbed by the rest of the machine).
#ifndef ASYCAMORE_TOOLS_LOAD_COMPARE_LOAD_COMPARISON_H_
#define ASYCAMORE_TOOLS_LOAD_COMPARE_LOAD_COMPARISON_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "generator_output.h"
#include "run_record.h"

namespace asycamore::loadcompare {

// The generator the ratios are taken to.
inline constexpr std::string_view kBaselineGenerator = "wrk";
// The server the servers' ratios are taken to (same depth, same generator).
inline constexpr std::string_view kBaselineServer = "nginx";

struct RunResult {
  RunRecord record = {};
  std::optional<GeneratorOutput> output = {};
  // Why the run does not count (it failed, printed no report, answered
  // nothing, or had errors); empty for a good run.
  std::string problem = {};

  bool good() const { return problem.empty(); }
  double requests_per_second() const;
  double generator_cpu_ns_per_request() const;
  double server_cpu_ns_per_request() const;  // 0 when not measured
};

// Reads one run's generator output (h2load's format for "h2load", wrk's
// for the others) and judges it.
RunResult EvaluateRun(const RunRecord& record, std::string_view output);

struct Cell {
  std::string server = {};
  int depth = 1;
  std::string generator = {};
  std::vector<RunResult> runs = {};  // in repetition order
  // Over the good runs; 0 when there is none (or, for the server, no
  // measurement). Every repetition's figures stay in `runs`.
  int good_runs = 0;
  double best_requests_per_second = 0;
  double best_generator_cpu_ns = 0;  // per request
  double best_server_cpu_ns = 0;     // per request
  // CPU time / wall time of the run with the best rate: 1.0 is one core
  // busy all the time (a saturated single-threaded generator or server).
  double generator_cpu_use = 0;
  double server_cpu_use = 0;
  // To wrk's cell with the same server and depth; 0 when there is none.
  double ratio_requests_per_second = 0;
  double ratio_generator_cpu = 0;
  double ratio_server_cpu = 0;
  // The lowest p99 latency of the good runs; 0 when the generator reported
  // none.
  double best_p99_seconds = 0;
  // To nginx's cell with the same depth and generator (the servers side by
  // side); 0 when there is none.
  double server_ratio_requests_per_second = 0;
  double server_ratio_server_cpu = 0;
};

// Groups the runs into cells (in the order the runs first name them) and
// computes the figures and both kinds of ratios.
std::vector<Cell> Summarise(const std::vector<RunResult>& runs);

}  // namespace asycamore::loadcompare

#endif  // ASYCAMORE_TOOLS_LOAD_COMPARE_LOAD_COMPARISON_H_
