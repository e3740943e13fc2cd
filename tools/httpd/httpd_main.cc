// asycamore-httpd: the multi-loop HTTP/1.1 server (http_server.h), as a
// program.
//
//   asycamore-httpd --port 8080 --threads 4 --reuseport
//
// The main thread runs a small control loop of its own that owns SIGINT
// and SIGTERM (EventLoop::OnSignal: the callbacks run on this thread, never
// in a handler) and does nothing else; on a signal it shuts the server down
// (stop accepting, drain, join), from a thread that is none of the server's
// loops, as HttpServer::Shutdown requires.
#include <signal.h>

#include <cstdio>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "asycamore/backend_registry.h"
#include "cli/program_exit.h"
#include "http_server.h"
#include "httpd_options.h"

namespace {

constexpr const char* kProgram = "asycamore-httpd";

int Fail(const absl::Status& status) {
  return asycamore::cli::Fail(kProgram, status);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace asycamore;
  absl::StatusOr<HttpdCommandLine> line = ParseHttpdCommandLine(argc, argv);
  if (std::optional<int> end =
          cli::EndAfterParsing(kProgram, line, HttpdUsage)) {
    return *end;
  }

  // Signals first: one that arrives while the server starts is not lost.
  absl::StatusOr<std::unique_ptr<EventLoop>> control =
      CreateEventLoop({.backend = line->server.backend});
  if (!control.ok()) return Fail(control.status());
  int stop_signal = 0;
  for (int number : {SIGINT, SIGTERM}) {
    absl::Status claimed = (*control)->OnSignal(number, [&, number] {
      stop_signal = number;
      (*control)->Stop();
    });
    if (!claimed.ok()) return Fail(claimed);
  }

  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start(line->server);
  if (!server.ok()) return Fail(server.status());
  const HttpdOptions& options = (*server)->options();
  const bool v6 = options.address.find(':') != std::string::npos;
  std::printf("%s: listening on http://%s%s%s:%u/ (%d thread(s), %s)\n",
              kProgram, v6 ? "[" : "", options.address.c_str(), v6 ? "]" : "",
              static_cast<unsigned>((*server)->port()), options.threads,
              std::string(SpreadingName(options.spread)).c_str());
  std::fflush(stdout);

  if (absl::Status ran = (*control)->Run(); !ran.ok()) return Fail(ran);
  std::fprintf(stderr, "%s: signal %d: stopping (draining for %s at most)\n",
               kProgram, stop_signal,
               absl::FormatDuration(options.drain_timeout).c_str());
  if (absl::Status stopped = (*server)->Shutdown(); !stopped.ok()) {
    return Fail(stopped);
  }
  return 0;
}
