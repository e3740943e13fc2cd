// What the load comparison writes: a Markdown table (for
// docs/performance.md and the terminal), the JSON document and an SVG bar
// chart of the ratios to wrk.
#ifndef ASYCAMORE_TOOLS_LOAD_COMPARE_COMPARISON_REPORT_H_
#define ASYCAMORE_TOOLS_LOAD_COMPARE_COMPARISON_REPORT_H_

#include <string>
#include <vector>

#include "load_comparison.h"
#include "report/machine.h"

namespace asycamore::loadcompare {

// How the runs were made, as the reports state it.
struct ComparisonSettings {
  std::string server_cpus = {};     // taskset list, "1"
  std::string generator_cpus = {};  // taskset list, "0"
  int server_threads = 1;           // nginx worker_processes, httpd --threads
  std::vector<std::string> notes = {};  // skipped generators and servers, why
};

// Returns the Markdown: what ran where, then one row per cell with the best
// requests/s, the generator's and the server's CPU per request, each with
// its ratio to wrk, the CPU use and the good runs; then, when nginx ran
// beside other servers, those servers as ratios to nginx (requests/s,
// server CPU per request, p99); then the problems.
std::string FormatComparisonMarkdown(const ComparisonSettings& settings,
                                     const report::Machine& machine,
                                     const std::vector<Cell>& cells);

// Returns the JSON document (every repetition included).
std::string FormatComparisonJson(const ComparisonSettings& settings,
                                 const report::Machine& machine,
                                 const std::vector<Cell>& cells);

// Returns the SVG: three panels (requests/s, generator CPU per request,
// server CPU per request), each as a ratio to wrk, with a group of bars per
// server and depth and one bar per generator.
std::string FormatComparisonSvg(const ComparisonSettings& settings,
                                const report::Machine& machine,
                                const std::vector<Cell>& cells);

// Returns the problems of every run, one line each.
std::vector<std::string> Problems(const std::vector<Cell>& cells);

}  // namespace asycamore::loadcompare

#endif  // ASYCAMORE_TOOLS_LOAD_COMPARE_COMPARISON_REPORT_H_
