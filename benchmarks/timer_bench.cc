// timers/insert_cancel/<backend>/N:<n>: schedule n one-shot timers at spread
// deadlines, then cancel them all (ns per timer: one insert + one cancel).
// timers/fire/<backend>/N:<n>: schedule n due timers and Iterate until all
// fired (ns per timer fired, the dispatcher's zero-timeout wait included).
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"
#include "registry.h"
#include "workloads/alloc_counter.h"

namespace asycamore::bench {
namespace {

void PerTimer(benchmark::State& state, std::size_t n,
              const AllocationCounts& before) {
  const double timers = static_cast<double>(state.iterations()) *
                        static_cast<double>(n);
  state.SetItemsProcessed(static_cast<std::int64_t>(timers));
  state.counters["ns_per_timer"] = benchmark::Counter(
      timers, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  if (AllocationCountingEnabled() && timers > 0) {
    state.counters["allocs_per_timer"] =
        static_cast<double>(CurrentAllocations().allocations -
                            before.allocations) /
        timers;
  }
}

void InsertCancel(benchmark::State& state, std::string backend, std::size_t n) {
  absl::StatusOr<std::unique_ptr<EventLoop>> loop =
      CreateEventLoop({.backend = backend});
  if (!loop.ok()) {
    state.SkipWithError(loop.status().ToString().c_str());
    return;
  }
  std::vector<TimerId> ids(n);
  int fired = 0;
  // Spread deadlines (a fixed pseudo-random order) so the heap does work.
  std::vector<absl::Duration> delays(n);
  std::uint32_t x = 12345;
  for (absl::Duration& d : delays) {
    x = x * 1103515245u + 12345u;
    d = absl::Seconds(100) + absl::Microseconds(x % 10000000);
  }
  const AllocationCounts before = CurrentAllocations();
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) {
      ids[i] = (*loop)->RunAfter(delays[i], [&fired] { ++fired; });
    }
    for (std::size_t i = 0; i < n; ++i) (*loop)->CancelTimer(ids[i]);
  }
  PerTimer(state, n, before);
}

void Fire(benchmark::State& state, std::string backend, std::size_t n) {
  absl::StatusOr<std::unique_ptr<EventLoop>> loop =
      CreateEventLoop({.backend = backend});
  if (!loop.ok()) {
    state.SkipWithError(loop.status().ToString().c_str());
    return;
  }
  std::size_t fired = 0;
  const AllocationCounts before = CurrentAllocations();
  for (auto _ : state) {
    fired = 0;
    for (std::size_t i = 0; i < n; ++i) {
      (*loop)->RunAfter(absl::ZeroDuration(), [&fired] { ++fired; });
    }
    while (fired < n) {
      if (!(*loop)->Iterate(absl::ZeroDuration()).ok()) {
        state.SkipWithError("Iterate failed");
        return;
      }
    }
  }
  PerTimer(state, n, before);
}

}  // namespace

void RegisterTimerBenchmarks() {
  for (const std::string& backend : RunnableBackends()) {
    for (std::size_t n : {1000, 100000}) {
      benchmark::RegisterBenchmark(
          absl::StrCat("timers/insert_cancel/", backend, "/N:", n).c_str(),
          InsertCancel, backend, n);
    }
    benchmark::RegisterBenchmark(
        absl::StrCat("timers/fire/", backend, "/N:1000").c_str(), Fire,
        backend, std::size_t{1000});
  }
}

}  // namespace asycamore::bench
