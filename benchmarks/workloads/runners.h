// Every implementation of the chain workload this build has: asycamore's
// backends, the peers (libevent, libuv) when they were found at build time,
// and the raw floors (hand-written epoll and poll loops).
#ifndef ASYCAMORE_BENCHMARKS_WORKLOADS_RUNNERS_H_
#define ASYCAMORE_BENCHMARKS_WORKLOADS_RUNNERS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "workloads/chain.h"

namespace asycamore::bench {

enum class RunnerKind { kBackend, kPeer, kFloor };

// Returns "backend", "peer" or "floor".
const char* RunnerKindName(RunnerKind kind);

struct RunnerInfo {
  std::string name;   // "epoll", "libevent", "raw_epoll", ...
  RunnerKind kind;
  std::string floor;  // the floor it is compared with: raw_epoll or raw_poll
  std::size_t handle_limit = 0;  // highest descriptor + 1 it accepts; 0: any
  std::string detail;            // version, native method, readiness path
  absl::AnyInvocable<absl::StatusOr<std::unique_ptr<ChainRunner>>(
      const ChainPlan&) const>
      create = nullptr;
  // The echo workload's server (workloads/echo_measure.h) on a bound,
  // listening, nonblocking socket it takes over: serves until at least one
  // connection was accepted and every accepted one has closed. nullptr:
  // this implementation has no echo server (raw_poll).
  absl::AnyInvocable<absl::Status(int listen_fd) const> serve_echo = nullptr;
};

// Returns the runners this build has: backends in preference order, then
// peers, then floors.
const std::vector<RunnerInfo>& AllRunners();

// Returns the runner called `name`, or nullptr.
const RunnerInfo* FindRunner(const std::string& name);

// Returns one line per peer that was not built, saying why.
std::vector<std::string> MissingPeers();

// The factories, one file each.
absl::StatusOr<std::unique_ptr<ChainRunner>> CreateAsycamoreRunner(
    const std::string& backend, const ChainPlan& plan);
// Linux only (ASYCAMORE_BENCH_HAVE_RAW_EPOLL).
absl::StatusOr<std::unique_ptr<ChainRunner>> CreateRawEpollRunner(
    const ChainPlan& plan);
absl::StatusOr<std::unique_ptr<ChainRunner>> CreateRawPollRunner(
    const ChainPlan& plan);
absl::StatusOr<std::unique_ptr<ChainRunner>> CreateLibeventRunner(
    const ChainPlan& plan);
absl::StatusOr<std::unique_ptr<ChainRunner>> CreateLibuvRunner(
    const ChainPlan& plan);
std::string LibeventDetail();

// The echo servers, one file each (echo_*.cc); see RunnerInfo::serve_echo.
absl::Status ServeEchoAsycamore(const std::string& backend, int listen_fd);
absl::Status ServeEchoRawEpoll(int listen_fd);
absl::Status ServeEchoLibevent(int listen_fd);
absl::Status ServeEchoLibuv(int listen_fd);
std::string LibuvDetail();

}  // namespace asycamore::bench

#endif  // ASYCAMORE_BENCHMARKS_WORKLOADS_RUNNERS_H_
