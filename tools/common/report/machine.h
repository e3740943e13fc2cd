// The machine a report was measured on: every figure a tool publishes says
// where it came from.
#ifndef ASYCAMORE_TOOLS_COMMON_REPORT_MACHINE_H_
#define ASYCAMORE_TOOLS_COMMON_REPORT_MACHINE_H_

#include <string>

namespace asycamore::report {

struct Machine {
  std::string cpu = {};          // /proc/cpuinfo "model name"
  unsigned cores = 0;            // online processors
  std::string kernel = {};       // uname: sysname release machine
  std::string load_before = {};  // /proc/loadavg when the run started
  std::string load_after = {};   // ... and when it ended
  std::string date = {};         // UTC, when the run started
  std::string fd_limit = {};     // open-file limit (soft/hard)
};

// Describes this machine now (load_after is left for the caller to fill in
// when the run ends, e.g. from a second DescribeMachine().load_before).
Machine DescribeMachine();

// Returns "AMD EPYC, 2 cores, Linux 6.1.0 x86_64".
std::string MachineSummary(const Machine& machine);

// Returns the machine as one JSON object on one line: {"cpu": ..., "cores":
// ..., "kernel": ..., "load_before": ..., "load_after": ..., "date": ...,
// "open_file_limit": ...}.
std::string MachineJson(const Machine& machine);

}  // namespace asycamore::report

#endif  // ASYCAMORE_TOOLS_COMMON_REPORT_MACHINE_H_
