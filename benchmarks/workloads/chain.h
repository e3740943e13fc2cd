// The chained socket-pair workload of libevent's test/bench.c, shared by
// every implementation that runs it (asycamore's backends, the peers and
// the raw floors) so that all of them do exactly the same work per event.
//
// A plan lists the descriptors watched for reading. The callback for
// watched descriptor i reads one byte; while the round still has writes
// left, it writes one byte to next_write_fds[i], which makes another
// watched descriptor readable. A round starts `active` chains by writing
// one byte each, and ends when every byte written was read:
// events per round = active + writes.
//
// Two shapes use it:
//   chain: N pairs in a ring, pair i's callback writes to pair i+1; the A
//          chains start N/A pairs apart, and each round starts where the
//          previous one stopped, so successive rounds sweep the whole ring.
//   idle:  one active pair whose callback writes to itself, among N idle
//          sockets that are watched but never ready (both ends of N/2
//          quiet pairs).
#ifndef ASYCAMORE_BENCHMARKS_WORKLOADS_CHAIN_H_
#define ASYCAMORE_BENCHMARKS_WORKLOADS_CHAIN_H_

#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "workloads/socket_pairs.h"

namespace asycamore::bench {

// kEcho is not a chain: the comparison's echo workload
// (workloads/echo_measure.h) shares the cells and the report.
enum class Shape { kChain, kIdle, kEcho };

// Returns "chain", "idle" or "echo".
const char* ShapeName(Shape shape);

struct ChainPlan {
  Shape shape = Shape::kChain;
  std::vector<int> watch_fds;       // registered for reading; index = token
  std::vector<int> next_write_fds;  // where watch i's callback writes (-1: never)
  std::vector<int> ring;            // ring[k] makes a chain start at position k
  std::size_t active = 1;           // chains started per round
  std::uint64_t writes = 1000;      // writes per round (all chains together)
  int max_fd = -1;                  // highest descriptor a runner must accept
};

// Builds the chain shape over all of `pairs`.
ChainPlan MakeChainPlan(const SocketPairs& pairs, std::size_t active,
                        std::uint64_t writes);

// Builds the idle shape: pair 0 is the active one and is watched last (so a
// scanning backend passes every idle socket first); both ends of pairs
// 1..n-1 are the idle sockets, `idle_sockets` of them.
ChainPlan MakeIdlePlan(const SocketPairs& pairs, std::size_t idle_sockets,
                       std::uint64_t writes);

// Returns the writes per round the comparison and the benchmarks use for a
// workload of `n` watched sockets and `active` chains: few enough that a
// round of the slowest implementation (poll, which pays up to ~500 ns per
// watched descriptor per wait on a small VM) stays near 50 ms, at most
// 1,000, and at least 10 per chain so that the chains' first writes stay a
// small part of the events.
inline std::uint64_t DefaultWritesPerRound(std::size_t n, std::size_t active) {
  const std::uint64_t budget = 100000 / (n == 0 ? 1 : n);
  const std::uint64_t capped = budget < 1000 ? budget : 1000;
  const std::uint64_t least = 10 * static_cast<std::uint64_t>(active);
  return capped > least ? capped : least;
}

// The counters of the round in progress (bench.c's count, fired, writes).
struct ChainState {
  const ChainPlan* plan = nullptr;
  std::uint64_t count = 0;        // bytes read
  std::uint64_t fired = 0;        // bytes written
  std::uint64_t writes_left = 0;  // writes the round may still make
  std::uint64_t failures = 0;     // reads or writes that did not move a byte

  bool done() const { return count == fired; }
};

// send() flags for the workloads: no SIGPIPE where the flag exists (the
// workloads never write to a closed peer; macOS has no MSG_NOSIGNAL).
#ifdef MSG_NOSIGNAL
inline constexpr int kSendFlags = MSG_NOSIGNAL;
#else
inline constexpr int kSendFlags = 0;
#endif

// The per-event work, identical for every implementation: inlined into each
// runner's callback.
inline void OnChainReadable(ChainState& state, std::uint32_t index) {
  const ChainPlan& plan = *state.plan;
  unsigned char byte;
  const ssize_t got = ::recv(plan.watch_fds[index], &byte, 1, 0);
  if (got > 0) {
    state.count += static_cast<std::uint64_t>(got);
  } else {
    ++state.failures;  // a spurious wake-up; level triggering brings it back
  }
  if (state.writes_left > 0) {
    if (::send(plan.next_write_fds[index], "e", 1, kSendFlags) != 1) {
      ++state.failures;
    }
    --state.writes_left;
    ++state.fired;
  }
}

// One implementation of the workload's event loop. A runner is created per
// measurement: constructing it and Attach are set-up, not timed.
class ChainRunner {
 public:
  virtual ~ChainRunner() = default;

  // Watches every plan.watch_fds[i] for reading; events for i must end in
  // OnChainReadable(state, i). `state` outlives the runner.
  virtual absl::Status Attach(ChainState& state) = 0;

  // Dispatches events until state.done(). Returns an error if no event
  // arrives for a second while bytes are still in flight.
  virtual absl::Status RunUntilDone() = 0;
};

// Starts round number `round` (writes the first byte of every chain) and
// runs it to the end. Returns the events it dispatched.
absl::StatusOr<std::uint64_t> RunRound(ChainRunner& runner, ChainState& state,
                                       std::uint64_t round);

}  // namespace asycamore::bench

#endif  // ASYCAMORE_BENCHMARKS_WORKLOADS_CHAIN_H_
