// System calls and user-space instructions per echo round trip, for the
// comparison's --echo_counts. The echo server runs under `strace -f -c`
// and under `valgrind --tool=callgrind`, twice each: with R and with 2R
// round trips. The difference of the two counts divided by R leaves out
// what both runs share (start-up, accepting the connections, the exit),
// so no seam is needed in any server.
#ifndef ASYCAMORE_TOOLS_COMPARE_ECHO_COUNTS_H_
#define ASYCAMORE_TOOLS_COMPARE_ECHO_COUNTS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "workloads/echo_measure.h"

namespace asycamore::compare {

struct EchoCounts {
  double syscalls = -1;      // per round trip; < 0: not measured
  // Per round trip by system call, largest first (e.g. recvfrom 1.0).
  std::vector<std::pair<std::string, double>> by_syscall;
  double instructions = -1;  // user space, per round trip; < 0: not measured
  // Heap in use per idle connection (malloc's count); < 0: not measured.
  // Measured once per implementation, kept in the first echo cell.
  double idle_heap_bytes = -1;
  std::vector<std::string> notes;  // why a count is missing
};

// Counts for the server `server_argv` (without a wrapper) on `plan`, with
// R = `round_trips`. The tools' output files go to `scratch_dir`, named
// after `label`. A missing tool (strace, valgrind) leaves its count at -1
// with a note; a failed run is an error.
absl::StatusOr<EchoCounts> CountEcho(const std::vector<std::string>& server_argv,
                                     const bench::EchoPlan& plan,
                                     std::uint64_t round_trips,
                                     const std::string& scratch_dir,
                                     const std::string& label);

}  // namespace asycamore::compare

#endif  // ASYCAMORE_TOOLS_COMPARE_ECHO_COUNTS_H_
