// asycamore-httpd: the multi-loop HTTP/1.1 server (http_server.h), as a
// program.
//
//   asycamore-httpd --port 8080 --threads 4 --reuseport
//
// SIGINT and SIGTERM are blocked in every thread before the loops start
// and taken here, on the main thread, with sigwait: no handler runs inside
// a loop, and the shutdown (stop accepting, drain, join) runs on a thread
// that is none of the loops, as HttpServer::Shutdown requires.
#include <signal.h>

#include <cstdio>
#include <string>

#include "absl/time/time.h"
#include "http_server.h"
#include "httpd_options.h"

namespace {

constexpr const char* kProgram = "asycamore-httpd";

}  // namespace

int main(int argc, char** argv) {
  using namespace asycamore;
  absl::StatusOr<HttpdCommandLine> line = ParseHttpdCommandLine(argc, argv);
  if (!line.ok()) {
    std::fprintf(stderr, "%s: %s\n\n%s", kProgram,
                 std::string(line.status().message()).c_str(),
                 HttpdUsage().c_str());
    return 2;
  }
  if (line->help) {
    std::fputs(HttpdUsage().c_str(), stdout);
    return 0;
  }

  // Blocked before any thread exists, so every loop thread inherits it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start(line->server);
  if (!server.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram,
                 std::string(server.status().message()).c_str());
    return 1;
  }
  const HttpdOptions& options = (*server)->options();
  const bool v6 = options.address.find(':') != std::string::npos;
  std::printf("%s: listening on http://%s%s%s:%u/ (%d thread(s), %s)\n",
              kProgram, v6 ? "[" : "", options.address.c_str(), v6 ? "]" : "",
              static_cast<unsigned>((*server)->port()), options.threads,
              std::string(SpreadingName(options.spread)).c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "%s: signal %d: stopping (draining for %s at most)\n",
               kProgram, signal_number,
               absl::FormatDuration(options.drain_timeout).c_str());
  if (absl::Status stopped = (*server)->Shutdown(); !stopped.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram,
                 std::string(stopped.message()).c_str());
    return 1;
  }
  return 0;
}
