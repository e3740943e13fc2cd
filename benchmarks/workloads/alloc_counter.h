// Counts heap allocations made through operator new, process-wide, so a
// benchmark can show that dispatching an event allocates nothing and how
// many bytes a registration costs.
//
// Linking this file replaces the global operator new and delete (they
// still use malloc and free). C allocations (malloc called by libevent or
// libuv) are not counted. Under AddressSanitizer the replacement is left
// out, so the sanitizer keeps its own, and counting reports as disabled.
#ifndef ASYCAMORE_BENCHMARKS_WORKLOADS_ALLOC_COUNTER_H_
#define ASYCAMORE_BENCHMARKS_WORKLOADS_ALLOC_COUNTER_H_

#include <cstdint>

namespace asycamore::bench {

struct AllocationCounts {
  std::uint64_t allocations = 0;  // operator new calls so far
  std::int64_t live_bytes = 0;    // usable bytes allocated and not yet freed
};

// Returns whether operator new is being counted in this build.
bool AllocationCountingEnabled();

// Returns the counts so far (all threads).
AllocationCounts CurrentAllocations();

}  // namespace asycamore::bench

#endif  // ASYCAMORE_BENCHMARKS_WORKLOADS_ALLOC_COUNTER_H_
