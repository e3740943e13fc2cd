// churn/<backend>: the cost of a registration's life: Register (read),
// SetInterest (read|write), SetInterest (read), Deregister, with
// `background` other sockets registered. churn/raw_epoll is epoll's floor:
// the same four epoll_ctl calls; churn/raw_poll is poll's: the same four
// edits of a pollfd array (append, two changes of `events`, swap-remove),
// which make no system call. Counter: ns_per_op (four ops per iteration).
#include <benchmark/benchmark.h>
#include <poll.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#endif

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"
#include "registry.h"
#include "workloads/alloc_counter.h"
#include "workloads/socket_pairs.h"

namespace asycamore::bench {
namespace {

class NullTarget final : public DispatchTarget {
 public:
  void dispatch_event(const Event&) override {}
};

void SetPerOp(benchmark::State& state, int ops_per_iteration) {
  state.SetItemsProcessed(state.iterations() * ops_per_iteration);
  state.counters["ns_per_op"] = benchmark::Counter(
      static_cast<double>(state.iterations() * ops_per_iteration),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void Churn(benchmark::State& state, std::string backend, std::size_t background) {
  absl::StatusOr<std::unique_ptr<EventLoop>> loop =
      CreateEventLoop({.backend = backend});
  absl::StatusOr<SocketPairs> pairs = SocketPairs::Open(background + 1);
  if (!loop.ok() || !pairs.ok()) {
    state.SkipWithError("cannot create the loop or the sockets");
    return;
  }
  NullTarget target;
  for (std::size_t i = 1; i <= background; ++i) {
    if (!(*loop)->Register(pairs->read_fd(i), Interest::kRead, &target).ok()) {
      state.SkipWithError("cannot register the background sockets");
      return;
    }
  }
  const int fd = pairs->read_fd(0);
  const AllocationCounts before = CurrentAllocations();
  for (auto _ : state) {
    absl::StatusOr<RegistrationHandle> handle =
        (*loop)->Register(fd, Interest::kRead, &target);
    if (!handle.ok() ||
        !(*loop)->SetInterest(*handle, Interest::kReadWrite).ok() ||
        !(*loop)->SetInterest(*handle, Interest::kRead).ok() ||
        !(*loop)->Deregister(*handle).ok()) {
      state.SkipWithError("churn failed");
      break;
    }
  }
  SetPerOp(state, 4);
  if (AllocationCountingEnabled() && state.iterations() > 0) {
    state.counters["allocs_per_op"] =
        static_cast<double>(CurrentAllocations().allocations -
                            before.allocations) /
        static_cast<double>(state.iterations() * 4);
  }
}

#ifdef __linux__
void ChurnRawEpoll(benchmark::State& state, std::size_t background) {
  absl::StatusOr<SocketPairs> pairs = SocketPairs::Open(background + 1);
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  if (!pairs.ok() || ep < 0) {
    state.SkipWithError("cannot create epoll or the sockets");
    return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  for (std::size_t i = 1; i <= background; ++i) {
    ::epoll_ctl(ep, EPOLL_CTL_ADD, pairs->read_fd(i), &ev);
  }
  const int fd = pairs->read_fd(0);
  for (auto _ : state) {
    ev.events = EPOLLIN;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    ev.events = EPOLLIN | EPOLLOUT;
    ::epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
    ev.events = EPOLLIN;
    ::epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
    ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
  }
  SetPerOp(state, 4);
  ::close(ep);
}
#endif  // __linux__

void ChurnRawPoll(benchmark::State& state, std::size_t background) {
  absl::StatusOr<SocketPairs> pairs = SocketPairs::Open(background + 1);
  if (!pairs.ok()) {
    state.SkipWithError("cannot create the sockets");
    return;
  }
  std::vector<pollfd> pollfds;
  for (std::size_t i = 1; i <= background; ++i) {
    pollfds.push_back(pollfd{pairs->read_fd(i), POLLIN, 0});
  }
  const int fd = pairs->read_fd(0);
  for (auto _ : state) {
    const std::size_t position = pollfds.size();
    pollfds.push_back(pollfd{fd, POLLIN, 0});
    pollfds[position].events = POLLIN | POLLOUT;
    benchmark::DoNotOptimize(pollfds.data());
    pollfds[position].events = POLLIN;
    benchmark::DoNotOptimize(pollfds.data());
    pollfds[position] = pollfds.back();
    pollfds.pop_back();
    benchmark::ClobberMemory();
  }
  SetPerOp(state, 4);
}

}  // namespace

void RegisterChurnBenchmarks() {
  for (std::size_t background : {0, 1000}) {
    for (const std::string& backend : RunnableBackends()) {
      // select holds descriptors below FD_SETSIZE (1024) only.
      if (backend == "select" && background >= 1000) continue;
      benchmark::RegisterBenchmark(
          absl::StrCat("churn/", backend, "/background:", background).c_str(),
          Churn, backend, background);
    }
#ifdef __linux__
    benchmark::RegisterBenchmark(
        absl::StrCat("churn/raw_epoll/background:", background).c_str(),
        ChurnRawEpoll, background);
#endif
    benchmark::RegisterBenchmark(
        absl::StrCat("churn/raw_poll/background:", background).c_str(),
        ChurnRawPoll, background);
  }
}

}  // namespace asycamore::bench
