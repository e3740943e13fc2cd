// A program under test run as a child process (POSIX): its exit status and
// what it wrote to stdout and stderr, captured in files named after the
// running test (ctest runs tests in parallel, each in its own process; one
// shared name would let a test read another's output).
#ifndef ASYCAMORE_TESTS_SUPPORT_CHILD_PROCESS_H_
#define ASYCAMORE_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"

namespace asycamore::testing {

struct ChildOutcome {
  int exit_status = -1;  // -1: it did not exit normally (a signal killed it)
  std::string out = {};
  std::string err = {};
};

class ChildProcess {
 public:
  // Starts `binary` with `args`; fails the test when it cannot.
  ChildProcess(const std::string& binary, const std::vector<std::string>& args);
  // Kills the child (SIGKILL) if it still runs, and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // What the child wrote so far.
  std::string out() const;
  std::string err() const;
  // Polls out() until `ready(out())` holds or `timeout` passes (a child's
  // start-up, e.g. until it prints its port); returns whether it held.
  bool WaitForOut(absl::FunctionRef<bool(const std::string&)> ready,
                  absl::Duration timeout = absl::Seconds(30)) const;
  void Signal(int signal_number) const;
  // Waits for the child to end; returns its status and output.
  ChildOutcome Wait();

 private:
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
};

// Returns the contents of the file at `path` ("" when it cannot be read).
std::string ReadWholeFile(const std::string& path);

// Runs `binary` with `args` to its end.
ChildOutcome RunChild(const std::string& binary,
                      const std::vector<std::string>& args);

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_SUPPORT_CHILD_PROCESS_H_
