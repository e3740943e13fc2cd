// The CPU time a server spends, read from /proc: a process and all its
// descendants (nginx's master and workers), so the comparison can report
// the server's CPU per request beside the generator's own.
#ifndef ASYCAMORE_TOOLS_LOAD_COMPARE_PROCESS_CPU_H_
#define ASYCAMORE_TOOLS_LOAD_COMPARE_PROCESS_CPU_H_

#include <sys/types.h>

#include <cstdint>

#include "absl/status/statusor.h"

namespace asycamore::loadcompare {

// Returns the user + system CPU time, in ns, that `root` and every process
// below it have used so far. Per thread it reads the scheduler's run time
// (/proc/<pid>/task/<tid>/schedstat, in ns) and falls back to utime + stime
// (/proc/<pid>/stat, in clock ticks) where that is missing or zero (a
// kernel without schedstats; gVisor). Fails when `root` does not exist.
absl::StatusOr<std::int64_t> ProcessTreeCpuNs(pid_t root);

}  // namespace asycamore::loadcompare

#endif  // ASYCAMORE_TOOLS_LOAD_COMPARE_PROCESS_CPU_H_
