// connection_memory/<backend>/N:<n>: the heap an idle accepted connection
// costs the server, measured with the counting operator new: the echo
// connection (workloads/echo_connection.h: TcpConnection with its write
// queue, DataReader), the AcceptingSocket's bookkeeping, the loop's slot and
// the backend's table, divided by n. The clients are plain blocking sockets
// (no heap), connected after one warm-up connection has made what every
// server allocates once (the thread's read buffer, the first table blocks).
// Kernel memory (socket buffers, the epoll item) is not included.
// Counter: bytes_per_connection.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/accepting_socket.h"
#include "registry.h"
#include "workloads/alloc_counter.h"
#include "workloads/echo_connection.h"
#include "workloads/fd_budget.h"

namespace asycamore::bench {
namespace {

// Connects a blocking client to 127.0.0.1:`port` (the kernel completes it
// from the listen backlog); returns the descriptor or -1.
int ConnectClient(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) !=
      0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Iterates `loop` until `server` holds `count` connections (or a few
// seconds pass); returns whether it got there.
bool AcceptUntil(EventLoop& loop, const AcceptingSocket& server,
                 std::size_t count) {
  for (int i = 0; i < 2000 && server.connection_count() < count; ++i) {
    if (!loop.Iterate(absl::Milliseconds(5)).ok()) return false;
  }
  return server.connection_count() == count;
}

void ConnectionMemory(benchmark::State& state, std::string backend,
                      std::size_t n) {
  if (!AllocationCountingEnabled()) {
    state.SkipWithError("allocation counting is off in this build (sanitizer)");
    return;
  }
  double bytes = 0;
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<EventLoop>> loop =
        EventLoop::Create({.backend = backend});
    absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
        ListenTcp("127.0.0.1", 0, 4096);
    if (!loop.ok() || !server.ok() ||
        !(*server)->Start(**loop, EchoFactory(16)).ok()) {
      state.SkipWithError("cannot start the server");
      return;
    }
    std::vector<int> clients;
    clients.push_back(ConnectClient((*server)->local_port()));
    if (clients.back() < 0 || !AcceptUntil(**loop, **server, 1)) {
      state.SkipWithError("the warm-up connection was not accepted");
      return;
    }
    const AllocationCounts before = CurrentAllocations();
    for (std::size_t i = 0; i < n; ++i) {
      clients.push_back(ConnectClient((*server)->local_port()));
      if (clients.back() < 0) {
        state.SkipWithError("connect failed (descriptor limit?)");
        return;
      }
      // Accept as we go, so the backlog never overflows.
      if (i % 256 == 255 && !AcceptUntil(**loop, **server, i + 2)) break;
    }
    if (!AcceptUntil(**loop, **server, n + 1)) {
      state.SkipWithError("not every connection was accepted");
      return;
    }
    const AllocationCounts after = CurrentAllocations();
    bytes = static_cast<double>(after.live_bytes - before.live_bytes) /
            static_cast<double>(n);
    state.PauseTiming();
    (*server)->AbortAllConnections();
    for (int fd : clients) ::close(fd);
    state.ResumeTiming();
  }
  state.counters["bytes_per_connection"] = bytes;
}

}  // namespace

void RegisterConnectionMemoryBenchmarks() {
  for (const std::string& backend : RunnableBackends()) {
    // Two descriptors per connection live in this process (client and
    // server end); select holds them below FD_SETSIZE (1024) only.
    const std::vector<std::size_t> counts =
        backend == "select" ? std::vector<std::size_t>{400}
                            : std::vector<std::size_t>{1000, 5000};
    for (std::size_t n : counts) {
      if (2 * n + kDescriptorReserve > RaiseOpenFileLimit()) continue;
      benchmark::RegisterBenchmark(
          absl::StrCat("connection_memory/", backend, "/N:", n).c_str(),
          ConnectionMemory, backend, n)
          ->Iterations(1)
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace asycamore::bench
