// asycamore-load: an HTTP/1.1 load generator with wrk's command line.
//
//   asycamore-load -c 64 -t 2 -d 10s --latency http://localhost:8080/
//   asycamore-load -n 100k --pipeline 16 --json out.json http://[::1]:8080/
//   asycamore-load -R 50k -d 30s --svg latency.svg http://127.0.0.1:8080/
//
// Start-up, in order, each failure ending the program before any load is
// sent: the command line (exit 2 with the usage), the host's addresses
// (resolved once), the first address that accepts a connection, the request
// bytes; then the engine runs (load_engine.h) and the reports are written.
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "address_probe.h"
#include "cli/program_exit.h"
#include "load_engine.h"
#include "load_options.h"
#include "load_report.h"
#include "load_request.h"
#include "progress.h"
#include "report/files.h"
#include "report/machine.h"
#include "resolve.h"

namespace {

constexpr const char* kProgram = "asycamore-load";

int Fail(const absl::Status& status) {
  return asycamore::cli::Fail(kProgram, status);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace asycamore;
  absl::StatusOr<LoadOptions> options = ParseLoadCommandLine(argc, argv);
  if (std::optional<int> end =
          cli::EndAfterParsing(kProgram, options, LoadUsage)) {
    return *end;
  }

  absl::StatusOr<std::vector<SocketAddress>> addresses =
      ResolveHost(options->url.host, options->url.port);
  if (!addresses.ok()) return Fail(addresses.status());
  absl::StatusOr<PickedAddress> picked =
      PickReachableAddress(*addresses, options->timeout);
  if (!picked.ok()) {
    return Fail(absl::UnavailableError(absl::StrCat(
        options->url.Authority(), ": ", picked.status().message())));
  }
  std::fprintf(stderr, "%s: %s is %s", kProgram,
               options->url.Authority().c_str(),
               picked->address.ToString().c_str());
  if (!picked->refused.empty()) {
    std::fprintf(stderr, " (tried first: %s)",
                 absl::StrJoin(picked->refused, "; ").c_str());
  }
  std::fputs("\n", stderr);

  absl::StatusOr<std::string> request = BuildLoadRequest(*options);
  if (!request.ok()) return Fail(request.status());

  absl::StatusOr<std::unique_ptr<LoadEngine>> engine = CreateLoadEngine();
  if (!engine.ok()) return Fail(engine.status());
  const report::Machine machine_before = report::DescribeMachine();
  std::unique_ptr<ProgressSink> progress =
      MakeProgressSink(*options, STDERR_FILENO);
  const LoadPlan plan{.options = *options,
                      .address = picked->address,
                      .request = *std::move(request)};
  absl::StatusOr<LoadStats> stats = (*engine)->Run(plan, *progress);
  if (!stats.ok()) return Fail(stats.status());

  LoadReport report{.options = *options,
                    .address = picked->address.ToString(),
                    .stats = *stats,
                    .machine = machine_before};
  report.machine.load_after = report::DescribeMachine().load_before;
  std::fputs(FormatLoadText(report).c_str(), stdout);
  for (const auto& [path, text] :
       {std::pair{options->json_path, options->json_path.empty()
                                          ? std::string()
                                          : FormatLoadJson(report)},
        std::pair{options->svg_path, options->svg_path.empty()
                                         ? std::string()
                                         : FormatLatencySvg(report)}}) {
    if (path.empty()) continue;
    if (absl::Status s = report::WriteFile(path, text); !s.ok()) return Fail(s);
  }
  return 0;
}
