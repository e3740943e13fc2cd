// The benchmark families. Each Register function adds its benchmarks once
// per backend this build has (and per peer or floor where there is one);
// bench_main.cc calls them before handing over to Google Benchmark.
#ifndef ASYCAMORE_BENCHMARKS_REGISTRY_H_
#define ASYCAMORE_BENCHMARKS_REGISTRY_H_

#include <string>
#include <vector>

namespace asycamore::bench {

// chain/<impl>/N:<pairs>/A:<active> and idle/<impl>/N:<sockets>.
void RegisterChainBenchmarks();
// churn/<backend>: register, modify twice, deregister.
void RegisterChurnBenchmarks();
// timers/{insert_cancel,fire}/<backend>/N:<timers>.
void RegisterTimerBenchmarks();
// wakeup/<backend>: Post() from another thread until the task ran.
void RegisterWakeupBenchmarks();
// pingpong/<backend>/bytes:<size>: loopback TCP through the tcpsocket layer.
void RegisterPingPongBenchmarks();
// memory/<backend>/N:<sockets>: bytes per registered socket.
void RegisterMemoryBenchmarks();
// connection_memory/<backend>/N:<n>: heap per idle accepted connection.
void RegisterConnectionMemoryBenchmarks();
// classify/<op>/<code>: ClassifyError on and off its fast path.
void RegisterClassifyBenchmarks();
// write_queue/short_writes/chunks:<n>: building sends from a chunked Cord.
void RegisterWriteQueueBenchmarks();

// Returns the names of the asycamore backends this build has and that can
// run here, in preference order.
std::vector<std::string> RunnableBackends();

}  // namespace asycamore::bench

#endif  // ASYCAMORE_BENCHMARKS_REGISTRY_H_
