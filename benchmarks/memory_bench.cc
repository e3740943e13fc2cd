// memory/<backend>/N:<n>: the heap bytes the loop (event loop slots plus the
// dispatcher's tables) holds per registered socket, measured with the
// counting operator new around registering n sockets. Kernel memory (the
// epoll item, the pollfd copy made per poll() call) is not included.
// Counters: bytes_per_socket, allocs_per_socket.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"
#include "registry.h"
#include "workloads/alloc_counter.h"
#include "workloads/fd_budget.h"
#include "workloads/socket_pairs.h"

namespace asycamore::bench {
namespace {

class NullTarget final : public DispatchTarget {
 public:
  void dispatch_event(const Event&) override {}
};

void Memory(benchmark::State& state, std::string backend, std::size_t n) {
  if (!AllocationCountingEnabled()) {
    state.SkipWithError("allocation counting is off in this build (sanitizer)");
    return;
  }
  absl::StatusOr<SocketPairs> pairs = SocketPairs::Open((n + 1) / 2);
  if (!pairs.ok()) {
    state.SkipWithError(pairs.status().ToString().c_str());
    return;
  }
  std::vector<int> fds;
  for (std::size_t i = 0; i < pairs->size() && fds.size() < n; ++i) {
    fds.push_back(pairs->read_fd(i));
    if (fds.size() < n) fds.push_back(pairs->write_fd(i));
  }
  NullTarget target;
  double bytes = 0, allocations = 0;
  for (auto _ : state) {
    state.PauseTiming();
    absl::StatusOr<std::unique_ptr<EventLoop>> loop =
        CreateEventLoop({.backend = backend});
    if (!loop.ok()) {
      state.SkipWithError(loop.status().ToString().c_str());
      return;
    }
    state.ResumeTiming();
    const AllocationCounts before = CurrentAllocations();
    for (int fd : fds) {
      if (!(*loop)->Register(fd, Interest::kRead, &target).ok()) {
        state.SkipWithError(
            absl::StrCat("cannot register descriptor ", fd, " on ", backend)
                .c_str());
        return;
      }
    }
    const AllocationCounts after = CurrentAllocations();
    bytes = static_cast<double>(after.live_bytes - before.live_bytes);
    allocations = static_cast<double>(after.allocations - before.allocations);
    state.PauseTiming();
    loop->reset();
    state.ResumeTiming();
  }
  state.counters["bytes_per_socket"] = bytes / static_cast<double>(n);
  state.counters["allocs_per_socket"] = allocations / static_cast<double>(n);
}

}  // namespace

void RegisterMemoryBenchmarks() {
  for (const std::string& backend : RunnableBackends()) {
    for (std::size_t n : {1000, 10000}) {
      if (backend == "select" && n >= 1000) {
        // select holds descriptors below FD_SETSIZE (1024) only.
        benchmark::RegisterBenchmark(
            absl::StrCat("memory/", backend, "/N:500").c_str(), Memory, backend,
            std::size_t{500})
            ->Iterations(3);
        break;
      }
      benchmark::RegisterBenchmark(
          absl::StrCat("memory/", backend, "/N:", n).c_str(), Memory, backend, n)
          ->Iterations(3);
    }
  }
}

}  // namespace asycamore::bench
