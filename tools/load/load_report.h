// What asycamore-load prints and writes after a run: the wrk-like text
// report (stdout), the JSON document (--json; its schema is in README.md)
// and the latency percentile curve (--svg).
#ifndef ASYCAMORE_TOOLS_LOAD_LOAD_REPORT_H_
#define ASYCAMORE_TOOLS_LOAD_LOAD_REPORT_H_

#include <cstdint>
#include <string>

#include "load_options.h"
#include "load_stats.h"
#include "report/machine.h"

namespace asycamore {

// Everything a report shows.
struct LoadReport {
  const LoadOptions& options;
  std::string address = {};  // the address the run used: "127.0.0.1:8080"
  const LoadStats& stats;
  report::Machine machine = {};
};

// The version of the JSON schema (README.md); it grows only by new keys,
// and changes when a key changes meaning.
inline constexpr int kLoadJsonSchemaVersion = 1;

// Returns the text report, laid out as wrk's (a wrk user's scripts that
// read "Requests/sec:" and "N requests in" keep working).
std::string FormatLoadText(const LoadReport& report);

// Returns the JSON document.
std::string FormatLoadJson(const LoadReport& report);

// Returns the SVG chart: latency (log scale) against the percentile on a
// "nines" axis (0%, 90%, 99%, 99.9%, ...), with the reported percentiles
// marked and the maximum noted.
std::string FormatLatencySvg(const LoadReport& report);

// Returns a latency as wrk prints it: "845.00ns", "123.45us", "1.23ms",
// "2.50s".
std::string FormatLatencyNs(double ns);

// Returns a byte count as wrk prints it (binary units): "512.00B",
// "84.27MB".
std::string FormatBytes(double bytes);

// Returns how latency was measured, for the reports: from each request's
// send, or (with -R) from its intended send time.
std::string LatencyOrigin(const LoadOptions& options);

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_LOAD_LOAD_REPORT_H_
