// asycamore-echo: a TCP echo server (echo_service.h) on one event loop per
// thread.
//
//   asycamore-echo --port 7000
//   asycamore-echo --port 0 --backend poll --threads 4   # prints the port
//
// Start-up, each failure ending the program: the command line (exit 2 with
// the usage), the loops, the listening socket (exit 1). Then it prints
// "listening on <address>:<port>" and serves until SIGINT or SIGTERM, which
// it waits for with sigwait on the main thread (the loops' threads block
// both signals), so no signal handler races with the loops.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "asycamore/backend_registry.h"
#include "asycamore/loop_group.h"
#include "asycamore/tcpsocket/accepting_socket.h"
#include "echo_options.h"
#include "echo_service.h"

namespace {

constexpr const char* kProgram = "asycamore-echo";
constexpr int kBacklog = 511;  // nginx's default on Linux

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", kProgram,
               std::string(status.message()).c_str());
  return 1;
}

// One listener per loop, all on the same listening socket (duplicated): a
// connection is accepted by whichever loop takes it first.
absl::StatusOr<std::vector<std::unique_ptr<asycamore::AcceptingSocket>>>
Listen(const asycamore::EchoOptions& options, asycamore::LoopGroup& group) {
  using namespace asycamore;
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> first =
      ListenTcp(options.address, options.port, kBacklog);
  if (!first.ok()) return first.status();
  std::vector<std::unique_ptr<AcceptingSocket>> servers;
  servers.push_back(*std::move(first));
  for (int i = 1; i < group.size(); ++i) {
    const int copy = ::dup(servers[0]->socket());
    if (copy < 0) {
      return SystemErrorStatus(LastSystemError(), "dup(listening socket)");
    }
    servers.push_back(std::make_unique<AcceptingSocket>(
        OwnedSocket(copy), servers[0]->local_address()));
  }
  for (int i = 0; i < group.size(); ++i) {
    if (absl::Status started =
            servers[i]->Start(group.loop(i), EchoConnectionFactory());
        !started.ok()) {
      return started;
    }
  }
  return servers;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace asycamore;
  absl::StatusOr<EchoOptions> options = ParseEchoCommandLine(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "%s: %s\n\n%s", kProgram,
                 std::string(options.status().message()).c_str(),
                 EchoUsage().c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(EchoUsage().c_str(), stdout);
    return 0;
  }

  // Blocked before any thread starts, so every loop thread inherits it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  absl::StatusOr<std::unique_ptr<LoopGroup>> group =
      LoopGroup::Create(options->threads, [&](int) {
        return CreateEventLoop({.backend = options->backend});
      });
  if (!group.ok()) return Fail(group.status());
  // Declared after the group: destroyed first, after the threads joined.
  absl::StatusOr<std::vector<std::unique_ptr<AcceptingSocket>>> servers =
      Listen(*options, **group);
  if (!servers.ok()) return Fail(servers.status());
  std::printf("%s: listening on %s (%s, %d thread%s)\n", kProgram,
              (*servers)[0]->local_address().ToString().c_str(),
              std::string((*group)->loop(0).backend_name()).c_str(),
              options->threads, options->threads == 1 ? "" : "s");
  std::fflush(stdout);
  if (absl::Status started = (*group)->Start(); !started.ok()) {
    return Fail(started);
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  (*group)->Stop();
  if (absl::Status ran = (*group)->Join(); !ran.ok()) return Fail(ran);
  return 0;
}
