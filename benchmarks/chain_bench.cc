// chain/<impl>/N:<pairs>/A:<active>: libevent's test/bench.c workload, and
// idle/<impl>/N:<sockets>: one active socket among N idle ones, on every
// implementation (backends, peers, floors). One benchmark iteration is one
// round (DefaultWritesPerRound: up to 1,000 writes). Counters:
// ns_per_event, and allocs_per_event (the operator new calls made while
// dispatching, which should be 0).
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "registry.h"
#include "workloads/alloc_counter.h"
#include "workloads/chain.h"
#include "workloads/fd_budget.h"
#include "workloads/measure.h"
#include "workloads/runners.h"

namespace asycamore::bench {
namespace {

void RunChain(benchmark::State& state, const RunnerInfo* runner, Shape shape,
              std::size_t n, std::size_t active, std::string label) {
  const std::size_t pairs_needed = shape == Shape::kChain ? n : 1 + (n + 1) / 2;
  absl::StatusOr<SocketPairs> pairs = SocketPairs::Open(pairs_needed);
  if (!pairs.ok()) {
    state.SkipWithError(pairs.status().ToString().c_str());
    return;
  }
  const ChainPlan plan =
      shape == Shape::kChain
          ? MakeChainPlan(*pairs, active, DefaultWritesPerRound(n, active))
          : MakeIdlePlan(*pairs, n, DefaultWritesPerRound(n, 1));
  if (std::string why = WhyUnsupported(*runner, plan); !why.empty()) {
    state.SkipWithError(why.c_str());
    return;
  }
  ChainState chain;
  chain.plan = &plan;
  absl::StatusOr<std::unique_ptr<ChainRunner>> created = runner->create(plan);
  if (!created.ok()) {
    state.SkipWithError(created.status().ToString().c_str());
    return;
  }
  ChainRunner& loop = **created;
  if (absl::Status s = loop.Attach(chain); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  std::uint64_t round = 0;
  for (int i = 0; i < 3; ++i) {  // warm-up: the first rounds may allocate
    if (!RunRound(loop, chain, round++).ok()) break;
  }
  std::uint64_t events = 0;
  const AllocationCounts before = CurrentAllocations();
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    absl::StatusOr<std::uint64_t> done = RunRound(loop, chain, round++);
    if (!done.ok()) {
      state.SkipWithError(done.status().ToString().c_str());
      break;
    }
    events += *done;
  }
  const double ns = std::chrono::duration<double, std::nano>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  const std::uint64_t allocations =
      CurrentAllocations().allocations - before.allocations;
  if (events == 0) return;
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["ns_per_event"] = ns / static_cast<double>(events);
  if (runner->kind == RunnerKind::kBackend && AllocationCountingEnabled()) {
    state.counters["allocs_per_event"] =
        static_cast<double>(allocations) / static_cast<double>(events);
  }
  state.SetLabel(label);
}

}  // namespace

void RegisterChainBenchmarks() {
  const std::size_t max_pairs = MaxSocketPairs();
  const std::size_t max_idle = MaxIdleSockets(1);
  for (const RunnerInfo& runner : AllRunners()) {
    for (std::size_t requested : {100, 1000, 10000}) {
      const std::size_t n = std::min(requested, max_pairs);
      const std::string label =
          n == requested ? ""
                         : absl::StrCat("N=", requested, " runs as N=", n,
                                        " (open-file limit)");
      for (std::size_t active : {1, 100}) {
        benchmark::RegisterBenchmark(
            absl::StrCat("chain/", runner.name, "/N:", n, "/A:", active).c_str(),
            RunChain, &runner, Shape::kChain, n, active, label)
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
      }
    }
    for (std::size_t requested : {10, 100, 1000, 10000}) {
      const std::size_t n = std::min(requested, max_idle);
      benchmark::RegisterBenchmark(
          absl::StrCat("idle/", runner.name, "/N:", n).c_str(), RunChain,
          &runner, Shape::kIdle, n, std::size_t{1},
          n == requested ? std::string()
                         : absl::StrCat("N=", requested, " runs as N=", n))
          ->UseRealTime()
          ->Unit(benchmark::kMicrosecond);
    }
  }
}

}  // namespace asycamore::bench
