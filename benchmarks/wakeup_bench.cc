// wakeup/<backend>: cross-thread wake-up latency. The loop thread waits in
// Iterate(infinite); the benchmark thread Post()s a task that sets a flag
// and spins until it sees it: post -> wake -> task ran -> seen, per
// iteration. wakeup/raw_eventfd is the floor: an eventfd write that wakes an
// epoll_wait on the other thread, which sets the flag.
#include <benchmark/benchmark.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"
#include "registry.h"
#include "workloads/alloc_counter.h"

namespace asycamore::bench {
namespace {

// Spins a little, then yields: on a 2-core machine shared with other work,
// a pure spin can hold the very CPU the loop thread needs to wake up on.
inline void SpinUntil(const std::atomic<bool>& flag) {
  for (int spins = 0; !flag.load(std::memory_order_acquire); ++spins) {
    if (spins < 2000) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    } else {
      std::this_thread::yield();
    }
  }
}

void Wakeup(benchmark::State& state, std::string backend) {
  absl::StatusOr<std::unique_ptr<EventLoop>> created =
      CreateEventLoop({.backend = backend});
  if (!created.ok()) {
    state.SkipWithError(created.status().ToString().c_str());
    return;
  }
  EventLoop& loop = **created;
  std::atomic<bool> stop{false};
  std::atomic<bool> ran{false};
  std::thread runner([&] {
    while (!stop.load(std::memory_order_acquire)) {
      if (!loop.Iterate(absl::InfiniteDuration()).ok()) break;
    }
  });
  const AllocationCounts before = CurrentAllocations();
  for (auto _ : state) {
    ran.store(false, std::memory_order_relaxed);
    loop.Post([&ran] { ran.store(true, std::memory_order_release); });
    SpinUntil(ran);
  }
  const std::uint64_t allocations =
      CurrentAllocations().allocations - before.allocations;
  stop.store(true, std::memory_order_release);
  loop.Wake();
  runner.join();
  if (AllocationCountingEnabled() && state.iterations() > 0) {
    state.counters["allocs_per_wakeup"] =
        static_cast<double>(allocations) / static_cast<double>(state.iterations());
  }
}

#ifdef __linux__
void WakeupRawEventfd(benchmark::State& state) {
  const int efd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
  std::atomic<bool> stop{false};
  std::atomic<bool> ran{false};
  std::thread runner([&] {
    epoll_event out[8];
    while (!stop.load(std::memory_order_acquire)) {
      if (::epoll_wait(ep, out, 8, -1) > 0) {
        std::uint64_t value;
        while (::read(efd, &value, sizeof value) > 0) {
        }
        ran.store(true, std::memory_order_release);
      }
    }
  });
  const std::uint64_t one = 1;
  for (auto _ : state) {
    ran.store(false, std::memory_order_relaxed);
    if (::write(efd, &one, sizeof one) != sizeof one) break;
    SpinUntil(ran);
  }
  stop.store(true, std::memory_order_release);
  if (::write(efd, &one, sizeof one) != sizeof one) {
    state.SkipWithError("eventfd write failed");
  }
  runner.join();
  ::close(ep);
  ::close(efd);
}
#endif  // __linux__

}  // namespace

void RegisterWakeupBenchmarks() {
  for (const std::string& backend : RunnableBackends()) {
    benchmark::RegisterBenchmark(absl::StrCat("wakeup/", backend).c_str(),
                                 Wakeup, backend)
        ->UseRealTime();
  }
#ifdef __linux__
  benchmark::RegisterBenchmark("wakeup/raw_eventfd", WakeupRawEventfd)
      ->UseRealTime();
#endif
}

}  // namespace asycamore::bench
