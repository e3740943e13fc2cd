#include "workloads/chain.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace asycamore::bench {

const char* ShapeName(Shape shape) {
  switch (shape) {
    case Shape::kChain:
      return "chain";
    case Shape::kIdle:
      return "idle";
    case Shape::kEcho:
      return "echo";
  }
  return "?";
}

ChainPlan MakeChainPlan(const SocketPairs& pairs, std::size_t active,
                        std::uint64_t writes) {
  ChainPlan plan;
  plan.shape = Shape::kChain;
  const std::size_t n = pairs.size();
  plan.active = std::clamp<std::size_t>(active, 1, n);
  plan.writes = writes;
  plan.max_fd = pairs.max_fd();
  for (std::size_t i = 0; i < n; ++i) {
    plan.watch_fds.push_back(pairs.read_fd(i));
    plan.next_write_fds.push_back(pairs.write_fd((i + 1) % n));
    plan.ring.push_back(pairs.write_fd(i));
  }
  return plan;
}

ChainPlan MakeIdlePlan(const SocketPairs& pairs, std::size_t idle_sockets,
                       std::uint64_t writes) {
  ChainPlan plan;
  plan.shape = Shape::kIdle;
  plan.active = 1;
  plan.writes = writes;
  plan.max_fd = pairs.max_fd();
  for (std::size_t i = 1; i < pairs.size(); ++i) {
    for (int fd : {pairs.read_fd(i), pairs.write_fd(i)}) {
      if (plan.watch_fds.size() == idle_sockets) break;
      plan.watch_fds.push_back(fd);
      plan.next_write_fds.push_back(-1);
    }
  }
  plan.watch_fds.push_back(pairs.read_fd(0));
  plan.next_write_fds.push_back(pairs.write_fd(0));
  plan.ring.push_back(pairs.write_fd(0));
  return plan;
}

absl::StatusOr<std::uint64_t> RunRound(ChainRunner& runner, ChainState& state,
                                       std::uint64_t round) {
  const ChainPlan& plan = *state.plan;
  const std::size_t positions = plan.ring.size();
  const std::size_t space = std::max<std::size_t>(1, positions / plan.active);
  // Each chain makes about writes/active hops per round; the next round
  // starts where this one will stop, so the rounds sweep the ring.
  const std::size_t offset =
      static_cast<std::size_t>((round * (plan.writes / plan.active)) % positions);
  state.count = 0;
  state.fired = 0;
  state.writes_left = plan.writes;
  for (std::size_t i = 0; i < plan.active; ++i) {
    const int fd = plan.ring[(i * space + offset) % positions];
    if (::send(fd, "e", 1, kSendFlags) != 1) ++state.failures;
    ++state.fired;
  }
  if (absl::Status s = runner.RunUntilDone(); !s.ok()) return s;
  if (!state.done()) {
    return absl::InternalError(absl::StrCat("round ", round, " ended with ",
                                            state.fired - state.count,
                                            " bytes unread"));
  }
  return state.count;
}

}  // namespace asycamore::bench
