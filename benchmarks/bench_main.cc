// asycamore_benchmarks: Google Benchmark suites registered at run time, one
// per backend built. The side-by-side published figures come from
// tools/compare; these are for looking at one thing closely, e.g.
//
//   asycamore_benchmarks --benchmark_filter='chain/.*/N:1000/'
//   asycamore_benchmarks --benchmark_filter=wakeup --benchmark_repetitions=5
//       --benchmark_enable_random_interleaving=true
#include <benchmark/benchmark.h>

#include "asycamore/backend_registry.h"
#include "registry.h"
#include "workloads/fd_budget.h"

namespace asycamore::bench {

std::vector<std::string> RunnableBackends() {
  std::vector<std::string> names;
  for (const BackendInfo& info : BuiltBackends()) {
    if (info.probe().ok()) names.emplace_back(BackendName(info.kind));
  }
  return names;
}

}  // namespace asycamore::bench

int main(int argc, char** argv) {
  asycamore::bench::RaiseOpenFileLimit();
  asycamore::bench::RegisterChainBenchmarks();
  asycamore::bench::RegisterChurnBenchmarks();
  asycamore::bench::RegisterTimerBenchmarks();
  asycamore::bench::RegisterWakeupBenchmarks();
  asycamore::bench::RegisterPingPongBenchmarks();
  asycamore::bench::RegisterMemoryBenchmarks();
  asycamore::bench::RegisterConnectionMemoryBenchmarks();
  asycamore::bench::RegisterClassifyBenchmarks();
  asycamore::bench::RegisterWriteQueueBenchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
