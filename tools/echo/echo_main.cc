// asycamore-echo: a TCP echo server (echo_service.h) on one event loop per
// thread, spread by MultiLoopServer.
//
//   asycamore-echo --port 7000
//   asycamore-echo --port 0 --backend poll --threads 4   # prints the port
//   asycamore-echo --port 7000 --threads 4 --spreading reuseport
//
// Start-up, each failure ending the program: the command line (exit 2 with
// the usage), the loops, the listening sockets (exit 1). Then it prints
// "listening on <address>:<port>" and serves until SIGINT or SIGTERM, which
// it waits for with sigwait on the main thread (the loops' threads block
// both signals), so no signal handler races with the loops.
#include <signal.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "asycamore/backend_registry.h"
#include "asycamore/loop_group.h"
#include "asycamore/tcpsocket/multi_loop_server.h"
#include "cli/program_exit.h"
#include "echo_options.h"
#include "echo_service.h"

namespace {

constexpr const char* kProgram = "asycamore-echo";

int Fail(const absl::Status& status) {
  return asycamore::cli::Fail(kProgram, status);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace asycamore;
  absl::StatusOr<EchoOptions> options = ParseEchoCommandLine(argc, argv);
  if (std::optional<int> end =
          cli::EndAfterParsing(kProgram, options, EchoUsage)) {
    return *end;
  }

  // Blocked before any thread starts, so every loop thread inherits it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  absl::StatusOr<std::unique_ptr<LoopGroup>> group = LoopGroup::Create(
      options->threads,
      [&](int) { return CreateEventLoop({.backend = options->backend}); });
  if (!group.ok()) return Fail(group.status());
  // Every loop serves (multi_loop_server.h): one listener handing each
  // connection to the next loop, or one SO_REUSEPORT listener per loop.
  absl::StatusOr<std::unique_ptr<MultiLoopServer>> server =
      MultiLoopServer::Listen(
          **group, options->address, options->port,
          [](int) { return EchoConnectionFactory(); },
          // Each echo is sent at once: Nagle's wait would only delay it.
          {.spreading = options->spreading, .listen = {.no_delay = true}});
  if (!server.ok()) return Fail(server.status());
  std::printf("%s: listening on %s (%s, %d thread%s, %s)\n", kProgram,
              (*server)->local_address().ToString().c_str(),
              std::string((*group)->loop(0).backend_name()).c_str(),
              options->threads, options->threads == 1 ? "" : "s",
              std::string(SpreadingName(options->spreading)).c_str());
  std::fflush(stdout);
  if (absl::Status started = (*group)->Start(); !started.ok()) {
    return Fail(started);
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  (*group)->Stop();
  const absl::Status ran = (*group)->Join();
  server->reset();  // after Join: the servers belong to the loop threads
  if (!ran.ok()) return Fail(ran);
  return 0;
}
