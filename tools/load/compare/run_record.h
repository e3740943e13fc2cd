// RunRecord: one generator run of the load comparison, as the comparison
// script's runs file holds it (a tab-separated line per run, with a header
// line), so that measuring and reporting are separate steps.
#ifndef ASYCAMORE_TOOLS_LOAD_COMPARE_RUN_RECORD_H_
#define ASYCAMORE_TOOLS_LOAD_COMPARE_RUN_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace asycamore::loadcompare {

struct RunRecord {
  // What ran.
  std::string server = {};     // "nginx", "asycamore-httpd"
  std::string generator = {};  // "wrk", "h2load", "asycamore-load"
  int depth = 1;               // pipeline depth
  int repetition = 1;          // 1, 2, ...
  int connections = 0;
  int threads = 0;
  double duration_s = 0;
  std::string output_path = {};  // where the generator's stdout went
  // What was measured.
  int exit_status = 0;  // the generator's; 128 + n when killed by signal n
  std::int64_t wall_ns = 0;
  std::int64_t generator_cpu_ns = 0;  // the generator's user + system time
  std::int64_t server_cpu_ns = -1;    // the server's over the run; -1: unknown
};

// Returns the header line of a runs file (ending in '\n').
std::string RunRecordHeader();

// Returns `record` as one line (ending in '\n'). Fails when a text field
// holds a tab or a line break.
absl::StatusOr<std::string> FormatRunRecord(const RunRecord& record);

// Reads a runs file: the header line, then one record per line. Errors name
// the line.
absl::StatusOr<std::vector<RunRecord>> ParseRunRecords(std::string_view text);

}  // namespace asycamore::loadcompare

#endif  // ASYCAMORE_TOOLS_LOAD_COMPARE_RUN_RECORD_H_
