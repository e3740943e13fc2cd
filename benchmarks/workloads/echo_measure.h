// The echo workload: `connections` loopback TCP connections, each bouncing
// one message of `bytes` off an echo server (one in flight per
// connection), driven by one client: a hand-written epoll loop in this
// process, the same for every server. The server runs in a process of its
// own (the caller's command, e.g. this binary in its serve mode, possibly
// under strace or valgrind), so that its CPU time, system calls and
// instructions are its own and nothing of the client's.
#ifndef ASYCAMORE_BENCHMARKS_WORKLOADS_ECHO_MEASURE_H_
#define ASYCAMORE_BENCHMARKS_WORKLOADS_ECHO_MEASURE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace asycamore::bench {

// The descriptor the server process finds its listening socket on.
inline constexpr int kEchoListenFd = 3;

struct EchoPlan {
  std::size_t connections = 10;
  std::size_t bytes = 64;  // per message
};

struct EchoBudget {
  // After every connection's first round trip, untimed.
  absl::Duration warmup = absl::Milliseconds(5);
  // The timed part; it ends with the first round trip after it.
  absl::Duration min_time = absl::Milliseconds(100);
  // When not 0: exactly this many round trips in all, no warm-up and no
  // time box (for counting a server's system calls or instructions, where
  // the same work must be done in two runs).
  std::uint64_t round_trips = 0;
};

struct EchoMeasurement {
  std::uint64_t round_trips = 0;  // completed in the timed part
  double wall_ns = 0;             // the timed part's wall time
  // The server process's time on a CPU during the timed part (the
  // scheduler's nanosecond count, /proc/<pid>/schedstat); 0 if unknown.
  double server_cpu_ns = 0;

  double wall_ns_per_round_trip() const { return Per(wall_ns); }
  double server_cpu_ns_per_round_trip() const { return Per(server_cpu_ns); }

 private:
  double Per(double ns) const {
    return round_trips == 0 ? 0 : ns / static_cast<double>(round_trips);
  }
};

// Opens a listening socket on 127.0.0.1, starts `server_argv` (the server,
// possibly behind a wrapper such as strace) with that socket as descriptor
// kEchoListenFd, runs the plan against it, closes every connection and
// waits for the server to exit (it must exit 0 once its last connection
// closed).
absl::StatusOr<EchoMeasurement> MeasureEcho(
    const std::vector<std::string>& server_argv, const EchoPlan& plan,
    const EchoBudget& budget);

// Returns the server's heap in use per idle connection: `server_argv` must
// start a server that answers SIGUSR1 with a "heap <bytes>" line on its
// standard output (workloads/heap_reporter.h). Opens `from` connections,
// reads the heap, opens more up to `to`, reads it again, and divides the
// growth by `to - from` (what every server allocates once cancels out).
// Each reading follows a round trip on the newest connection, so that the
// server has accepted every earlier one (it accepts in order); those few
// round trips are the only traffic.
absl::StatusOr<double> MeasureEchoIdleHeap(
    const std::vector<std::string>& server_argv, std::size_t from,
    std::size_t to);

}  // namespace asycamore::bench

#endif  // ASYCAMORE_BENCHMARKS_WORKLOADS_ECHO_MEASURE_H_
