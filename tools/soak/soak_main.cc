// asycamore-soak: the soak driver (soak_driver.h) against asycamore-echo or
// asycamore-httpd.
//
//   asycamore-soak --port 7000 --protocol echo --connections 5000 --seconds 60
//
// Start-up, each failure ending the program: the command line (exit 2 with
// the usage), the open-file limit, the loop (exit 1). Then it runs, prints
// its summary line, writes --json, and exits 0 only when nothing was lost.
#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "asycamore/backend_registry.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "cli/program_exit.h"
#include "soak_driver.h"
#include "soak_options.h"
#include "soak_tally.h"

namespace {

constexpr const char* kProgram = "asycamore-soak";

// Descriptors the program needs besides one per connection (the loop's,
// stdio, the JSON file), with room to spare.
constexpr rlim_t kSpareDescriptors = 64;

// Raises the soft limit on open files to what `connections` need, when it
// is lower and the hard limit allows; says so on stderr.
absl::Status EnsureDescriptors(int connections) {
  const rlim_t needed = static_cast<rlim_t>(connections) + kSpareDescriptors;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return absl::InternalError("getrlimit(RLIMIT_NOFILE) failed");
  }
  if (limit.rlim_cur >= needed) return absl::OkStatus();
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "--connections %d needs %d open files; the hard limit is %d",
        connections, needed, limit.rlim_max));
  }
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = needed;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return absl::InternalError("setrlimit(RLIMIT_NOFILE) failed");
  }
  std::fprintf(
      stderr, "%s: raised the soft limit on open files from %lld to %lld\n",
      kProgram, static_cast<long long>(before), static_cast<long long>(needed));
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace asycamore;
  absl::StatusOr<SoakOptions> options = ParseSoakCommandLine(argc, argv);
  if (std::optional<int> end =
          cli::EndAfterParsing(kProgram, options, SoakUsage)) {
    return *end;
  }
  if (absl::Status enough = EnsureDescriptors(options->connections);
      !enough.ok()) {
    return cli::Fail(kProgram, enough);
  }
  absl::StatusOr<SocketAddress> server =
      SocketAddress::Parse(options->address, options->port);
  if (!server.ok()) return cli::Fail(kProgram, server.status());
  absl::StatusOr<std::unique_ptr<EventLoop>> loop = CreateEventLoop({});
  if (!loop.ok()) return cli::Fail(kProgram, loop.status());

  std::printf("%s: seed %llu\n", kProgram,
              static_cast<unsigned long long>(options->seed));
  std::fflush(stdout);
  SoakTally tally;
  {
    SoakDriver driver(**loop, *options, *server);
    tally = driver.Run();
  }
  std::printf("%s: %s\n", kProgram, SoakSummaryLine(*options, tally).c_str());
  if (!options->json_path.empty()) {
    if (absl::Status written =
            WriteSoakJson(*options, tally, options->json_path);
        !written.ok()) {
      return cli::Fail(kProgram, written);
    }
  }
  return tally.loss() == 0 ? 0 : cli::kExitCannotRun;
}
