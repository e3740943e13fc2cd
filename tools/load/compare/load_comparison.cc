#include "load_comparison.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace asycamore::loadcompare {
namespace {

double Ratio(double value, double baseline) {
  return value > 0 && baseline > 0 ? value / baseline : 0;
}

}  // namespace

double RunResult::requests_per_second() const {
  return output.has_value() ? output->requests_per_second : 0;
}

double RunResult::generator_cpu_ns_per_request() const {
  if (!output.has_value() || output->responses == 0) return 0;
  return static_cast<double>(record.generator_cpu_ns) /
         static_cast<double>(output->responses);
}

double RunResult::server_cpu_ns_per_request() const {
  if (!output.has_value() || output->responses == 0 ||
      record.server_cpu_ns < 0) {
    return 0;
  }
  return static_cast<double>(record.server_cpu_ns) /
         static_cast<double>(output->responses);
}

RunResult EvaluateRun(const RunRecord& record, std::string_view output) {
  RunResult result;
  result.record = record;
  const std::string label =
      absl::StrCat(record.server, " ", record.generator, " depth ",
                   record.depth, " repetition ", record.repetition, ": ");
  if (record.exit_status != 0) {
    result.problem = absl::StrCat(label, record.generator, " exited with ",
                                  record.exit_status);
  }
  absl::StatusOr<GeneratorOutput> parsed = ParseGeneratorOutput(
      record.generator == "h2load" ? OutputFormat::kH2load : OutputFormat::kWrk,
      output);
  if (!parsed.ok()) {
    if (result.problem.empty()) {
      result.problem = absl::StrCat(label, parsed.status().message(), " in ",
                                    record.output_path);
    }
    return result;
  }
  result.output = *parsed;
  if (!result.problem.empty()) return result;
  if (parsed->responses == 0) {
    result.problem =
        absl::StrCat(label, "no response (see ", record.output_path, ")");
  } else if (parsed->errors > 0 || parsed->non_2xx > 0) {
    result.problem =
        absl::StrCat(label, parsed->errors, " errors and ", parsed->non_2xx,
                     " non-2xx answers (see ", record.output_path, ")");
  }
  return result;
}

std::vector<Cell> Summarise(const std::vector<RunResult>& runs) {
  std::vector<Cell> cells;
  for (const RunResult& run : runs) {
    auto it = std::find_if(cells.begin(), cells.end(), [&](const Cell& c) {
      return c.server == run.record.server && c.depth == run.record.depth &&
             c.generator == run.record.generator;
    });
    if (it == cells.end()) {
      cells.push_back({.server = run.record.server,
                       .depth = run.record.depth,
                       .generator = run.record.generator});
      it = cells.end() - 1;
    }
    it->runs.push_back(run);
  }
  for (Cell& cell : cells) {
    std::sort(cell.runs.begin(), cell.runs.end(),
              [](const RunResult& a, const RunResult& b) {
                return a.record.repetition < b.record.repetition;
              });
    const RunResult* fastest = nullptr;
    for (const RunResult& run : cell.runs) {
      if (!run.good()) continue;
      ++cell.good_runs;
      if (fastest == nullptr ||
          run.requests_per_second() > fastest->requests_per_second()) {
        fastest = &run;
      }
      auto lowest = [](double& best, double value) {
        if (value > 0 && (best == 0 || value < best)) best = value;
      };
      lowest(cell.best_generator_cpu_ns, run.generator_cpu_ns_per_request());
      lowest(cell.best_server_cpu_ns, run.server_cpu_ns_per_request());
      lowest(cell.best_p99_seconds, run.output->p99_seconds);
    }
    if (fastest == nullptr) continue;
    cell.best_requests_per_second = fastest->requests_per_second();
    const double wall = static_cast<double>(fastest->record.wall_ns);
    if (wall > 0) {
      cell.generator_cpu_use =
          static_cast<double>(fastest->record.generator_cpu_ns) / wall;
      if (fastest->record.server_cpu_ns >= 0) {
        cell.server_cpu_use =
            static_cast<double>(fastest->record.server_cpu_ns) / wall;
      }
    }
  }
  for (Cell& cell : cells) {
    const auto baseline =
        std::find_if(cells.begin(), cells.end(), [&](const Cell& c) {
          return c.server == cell.server && c.depth == cell.depth &&
                 c.generator == kBaselineGenerator;
        });
    if (baseline == cells.end()) continue;
    cell.ratio_requests_per_second = Ratio(cell.best_requests_per_second,
                                           baseline->best_requests_per_second);
    cell.ratio_generator_cpu =
        Ratio(cell.best_generator_cpu_ns, baseline->best_generator_cpu_ns);
    cell.ratio_server_cpu =
        Ratio(cell.best_server_cpu_ns, baseline->best_server_cpu_ns);
  }
  for (Cell& cell : cells) {
    const auto nginx =
        std::find_if(cells.begin(), cells.end(), [&](const Cell& c) {
          return c.server == kBaselineServer && c.depth == cell.depth &&
                 c.generator == cell.generator;
        });
    if (nginx == cells.end()) continue;
    cell.server_ratio_requests_per_second = Ratio(
        cell.best_requests_per_second, nginx->best_requests_per_second);
    cell.server_ratio_server_cpu =
        Ratio(cell.best_server_cpu_ns, nginx->best_server_cpu_ns);
  }
  return cells;
}

}  // namespace asycamore::loadcompare
