// write_queue/short_writes/chunks:<n>: one Cord of n separate 1000-byte
// chunks in a WriteQueue, sent by short writes until it is empty: each
// "send" is a Peek of 16 buffers and a Consume of 700 bytes (so sends stop
// inside chunks, as short writes do). No socket: this is the cost of
// building the buffers and moving past what was sent.
//
// ns_per_chunk stays flat as n grows because Peek starts at the first
// unsent byte. A Peek that walked the Cord from its start on every send
// (the BuildBuffers of issue 11 item 8) grows linearly with n, quadratic in
// all: compare chunks:1000 with chunks:16000.
#include <benchmark/benchmark.h>

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/write_queue.h"
#include "registry.h"

namespace asycamore::bench {
namespace {

constexpr std::size_t kChunkBytes = 1000;  // above abseil's copy limit
constexpr std::size_t kBuffersPerSend = 16;
constexpr std::size_t kBytesPerSend = 700;

void ShortWrites(benchmark::State& state, std::size_t chunks) {
  const std::string piece(kChunkBytes, 'w');
  absl::Cord cord;
  for (std::size_t i = 0; i < chunks; ++i) cord.Append(absl::Cord(piece));
  for (auto _ : state) {
    WriteQueue queue;
    queue.Append(cord);  // shares the chunks: no copy per iteration
    ConstBuffer buffers[kBuffersPerSend];
    while (!queue.empty()) {
      std::size_t offered = 0;
      queue.Peek(buffers, kBuffersPerSend, offered);
      benchmark::DoNotOptimize(buffers);
      queue.Consume(offered < kBytesPerSend ? offered : kBytesPerSend);
    }
  }
  const double total_chunks = static_cast<double>(state.iterations()) *
                              static_cast<double>(chunks);
  state.counters["ns_per_chunk"] = benchmark::Counter(
      total_chunks, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

void RegisterWriteQueueBenchmarks() {
  for (std::size_t chunks : {1000, 16000}) {
    benchmark::RegisterBenchmark(
        absl::StrCat("write_queue/short_writes/chunks:", chunks).c_str(),
        ShortWrites, chunks);
  }
}

}  // namespace asycamore::bench
