// What the comparison prints and writes: the machine it ran on, the table
// (stdout), the JSON file and the SVG chart.
#ifndef ASYCAMORE_TOOLS_COMPARE_REPORT_H_
#define ASYCAMORE_TOOLS_COMPARE_REPORT_H_

#include <string>
#include <vector>

#include "comparison.h"
#include "report/files.h"
#include "report/format.h"
#include "report/machine.h"

namespace asycamore::compare {

// The machine, number formats and file writing are the tools' shared ones
// (tools/common/report).
using report::DescribeMachine;
using report::FormatNs;
using report::Machine;
using report::WriteFile;

// Returns the table of every cell, with notes (skips, clamped sizes, peers
// that were not built) under it.
std::string FormatTable(const Settings& settings, const Machine& machine,
                        const std::vector<Cell>& cells);

// The echo cells (echo_report.cc): a table of round trips/s, server CPU,
// system calls and instructions per round trip, each with its ratio to
// raw_epoll; and the same as Markdown. Empty when there are no echo cells.
std::string FormatEchoTable(const Settings& settings,
                            const std::vector<Cell>& cells);
std::string FormatEchoMarkdown(const Settings& settings,
                               const std::vector<Cell>& cells);
// The echo fields of one result, as JSON members (", \"server_cpu...").
std::string EchoJsonMembers(const ImplResult& result);

// Returns the whole run as JSON.
std::string FormatJson(const Settings& settings, const Machine& machine,
                       const std::vector<Cell>& cells);

// Returns a Markdown summary: per cell, each implementation's ratio to its
// floor (raw_epoll for epoll, io_uring, libevent and libuv; raw_poll for
// poll and select) and the floors' own ns/event (for docs/performance.md).
std::string FormatMarkdown(const Settings& settings, const Machine& machine,
                           const std::vector<Cell>& cells);

// Returns the SVG chart: per workload group (chain A=1, chain A=100, idle)
// one panel of ns/event against N and one of the ratio to raw_epoll
// against N, both on log axes, one line per implementation.
std::string FormatSvg(const Machine& machine, const std::vector<Cell>& cells);

}  // namespace asycamore::compare

#endif  // ASYCAMORE_TOOLS_COMPARE_REPORT_H_
