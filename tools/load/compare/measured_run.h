// Running one generator under measurement: its own CPU time from the
// kernel's accounting of the child (wait4's rusage, microseconds), the
// server's from /proc before and after, and the wall time.
#ifndef ASYCAMORE_TOOLS_LOAD_COMPARE_MEASURED_RUN_H_
#define ASYCAMORE_TOOLS_LOAD_COMPARE_MEASURED_RUN_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "run_record.h"

namespace asycamore::loadcompare {

// Runs `command` (argv[0] looked up in PATH) with its stdout written to
// `run.output_path` and its stderr inherited, waits for it, and returns
// `run` with the measurements filled in. `server_pid` > 0: the server's
// process tree is measured around the run (else server_cpu_ns stays -1).
// An error means the run could not be made (no output file, fork failed,
// the server is gone); a command that fails is a record with its exit
// status (127: it could not be started).
absl::StatusOr<RunRecord> RunMeasured(RunRecord run, pid_t server_pid,
                                      const std::vector<std::string>& command);

}  // namespace asycamore::loadcompare

#endif  // ASYCAMORE_TOOLS_LOAD_COMPARE_MEASURED_RUN_H_
