// What the comparison prints and writes: the machine it ran on, the table
// (stdout), the JSON file and the SVG chart.
#ifndef ASYCAMORE_TOOLS_COMPARE_REPORT_H_
#define ASYCAMORE_TOOLS_COMPARE_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "comparison.h"

namespace asycamore::compare {

struct Machine {
  std::string cpu;       // /proc/cpuinfo "model name"
  unsigned cores = 0;    // online processors
  std::string kernel;    // uname: sysname release machine
  std::string load_before;  // /proc/loadavg when the run started
  std::string load_after;   // ... and when it ended
  std::string date;      // UTC, when the run started
  std::string fd_limit;  // open-file limit (soft/hard)
};

// Describes this machine now (load_after is filled in later).
Machine DescribeMachine();

// Returns "1.2 ms", "845 ns", ...
std::string FormatNs(double ns);

// Returns the table of every cell, with notes (skips, clamped sizes, peers
// that were not built) under it.
std::string FormatTable(const Settings& settings, const Machine& machine,
                        const std::vector<Cell>& cells);

// Returns the whole run as JSON.
std::string FormatJson(const Settings& settings, const Machine& machine,
                       const std::vector<Cell>& cells);

// Returns a Markdown summary: per cell, each implementation's ratio to its
// floor (raw_epoll for epoll, libevent and libuv; raw_poll for poll and
// select) and the floors' own ns/event (for docs/performance.md).
std::string FormatMarkdown(const Settings& settings, const Machine& machine,
                           const std::vector<Cell>& cells);

// Returns the SVG chart: per workload group (chain A=1, chain A=100, idle)
// one panel of ns/event against N and one of the ratio to raw_epoll
// against N, both on log axes, one line per implementation.
std::string FormatSvg(const Machine& machine, const std::vector<Cell>& cells);

// Writes `contents` to `path`, creating the parent directories.
absl::Status WriteFile(const std::string& path, const std::string& contents);

}  // namespace asycamore::compare

#endif  // ASYCAMORE_TOOLS_COMPARE_REPORT_H_
