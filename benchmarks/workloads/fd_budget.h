// How many descriptors a workload may open: raises the soft open-file limit
// to the hard one and says how many socket pairs fit under it.
#ifndef ASYCAMORE_BENCHMARKS_WORKLOADS_FD_BUDGET_H_
#define ASYCAMORE_BENCHMARKS_WORKLOADS_FD_BUDGET_H_

#include <cstddef>

namespace asycamore::bench {

// Raises the soft RLIMIT_NOFILE to the hard limit (once; later calls do
// nothing) and returns the resulting limit.
std::size_t RaiseOpenFileLimit();

// Returns the number of descriptors this process has open now.
std::size_t OpenDescriptorCount();

// Descriptors kept free for what a loop opens besides the workload's sockets
// (epoll/eventfd/signal pipes of asycamore, libevent and libuv, stdio).
inline constexpr std::size_t kDescriptorReserve = 64;

// Returns the largest socket-pair count that fits the open-file limit with
// kDescriptorReserve to spare, rounded down to a multiple of 50 so the
// figure is stable between runs (9,950 under a 20,000 hard limit).
std::size_t MaxSocketPairs();

// Returns the largest number of single idle sockets that fit beside
// `extra_pairs` active pairs, with the same reserve (rounded down to 50).
std::size_t MaxIdleSockets(std::size_t extra_pairs);

}  // namespace asycamore::bench

#endif  // ASYCAMORE_BENCHMARKS_WORKLOADS_FD_BUDGET_H_
