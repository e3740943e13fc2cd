// Reading what a load generator printed: wrk's report (and asycamore-load's,
// which keeps wrk's lines) and h2load's. The comparison script keeps each
// run's stdout; these turn it into numbers.
#ifndef ASYCAMORE_TOOLS_LOAD_COMPARE_GENERATOR_OUTPUT_H_
#define ASYCAMORE_TOOLS_LOAD_COMPARE_GENERATOR_OUTPUT_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace asycamore::loadcompare {

enum class OutputFormat { kWrk, kH2load };

struct GeneratorOutput {
  std::uint64_t responses = 0;     // requests completed
  double seconds = 0;              // the run time the generator reports
  double requests_per_second = 0;  // as the generator reports it
  std::uint64_t errors = 0;        // socket errors, failed requests
  std::uint64_t non_2xx = 0;       // answers that were not 2xx (3xx for wrk)
  // The 99th percentile of latency, from the "99%" line of a --latency
  // distribution (wrk and asycamore-load); 0 when the report has none
  // (h2load prints no percentiles).
  double p99_seconds = 0;
};

// Reads wrk's "N requests in 3.00s", "Requests/sec:", "Socket errors:" and
// "Non-2xx or 3xx responses:" lines (asycamore-load's "Errors: ...; N
// requests failed" and "Non-2xx responses:" too) and the "99%" line of the
// latency distribution, or h2load's "finished
// in", "requests:" and "status codes:" lines. A report without its count and
// rate lines gets InvalidArgument naming what is missing.
absl::StatusOr<GeneratorOutput> ParseGeneratorOutput(OutputFormat format,
                                                     std::string_view text);

}  // namespace asycamore::loadcompare

#endif  // ASYCAMORE_TOOLS_LOAD_COMPARE_GENERATOR_OUTPUT_H_
