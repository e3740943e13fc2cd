#include "measured_run.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "process_cpu.h"

namespace asycamore::loadcompare {
namespace {

std::int64_t Nanoseconds(const timeval& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 +
         static_cast<std::int64_t>(t.tv_usec) * 1'000;
}

}  // namespace

absl::StatusOr<RunRecord> RunMeasured(RunRecord run, pid_t server_pid,
                                      const std::vector<std::string>& command) {
  if (command.empty()) {
    return absl::InvalidArgumentError("RunMeasured: no command");
  }
  const int output = ::open(run.output_path.c_str(),
                            O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (output < 0) {
    return absl::InternalError(absl::StrCat(
        "RunMeasured: open ", run.output_path, ": ", std::strerror(errno)));
  }
  std::vector<char*> argv;
  std::vector<std::string> args = command;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::int64_t server_before = 0;
  run.server_cpu_ns = -1;  // unless measured below
  if (server_pid > 0) {
    absl::StatusOr<std::int64_t> cpu = ProcessTreeCpuNs(server_pid);
    if (!cpu.ok()) {
      ::close(output);
      return cpu.status();
    }
    server_before = *cpu;
  }
  const auto start = std::chrono::steady_clock::now();
  const pid_t child = ::fork();
  if (child < 0) {
    const int error = errno;
    ::close(output);
    return absl::InternalError(
        absl::StrCat("RunMeasured: fork: ", std::strerror(error)));
  }
  if (child == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::dup2(output, STDOUT_FILENO);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(output);
  int status = 0;
  rusage usage{};
  pid_t waited = 0;
  do {
    waited = ::wait4(child, &status, 0, &usage);
  } while (waited < 0 && errno == EINTR);
  if (waited < 0) {
    return absl::InternalError(
        absl::StrCat("RunMeasured: wait4: ", std::strerror(errno)));
  }
  run.wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  run.exit_status = WIFEXITED(status)     ? WEXITSTATUS(status)
                    : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                          : 255;
  run.generator_cpu_ns =
      Nanoseconds(usage.ru_utime) + Nanoseconds(usage.ru_stime);
  if (server_pid > 0) {
    absl::StatusOr<std::int64_t> cpu = ProcessTreeCpuNs(server_pid);
    if (!cpu.ok()) return cpu.status();
    run.server_cpu_ns = *cpu - server_before;
  }
  return run;
}

}  // namespace asycamore::loadcompare
