#include "workloads/measure.h"

#include <time.h>

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "workloads/alloc_counter.h"
#include "workloads/callgrind_seam.h"

namespace asycamore::bench {
namespace {

double ThreadCpuNs() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

}  // namespace

std::string WhyUnsupported(const RunnerInfo& runner, const ChainPlan& plan) {
  if (runner.handle_limit != 0 && plan.max_fd >= 0 &&
      static_cast<std::size_t>(plan.max_fd) >= runner.handle_limit) {
    return absl::StrCat(runner.name, " cannot watch descriptor ", plan.max_fd,
                        " (limit: below ", runner.handle_limit,
                        ", FD_SETSIZE)");
  }
  return "";
}

absl::StatusOr<Measurement> Measure(const RunnerInfo& runner,
                                    const ChainPlan& plan,
                                    absl::Duration min_time,
                                    absl::Duration warmup) {
  using Clock = std::chrono::steady_clock;
  if (std::string why = WhyUnsupported(runner, plan); !why.empty()) {
    return absl::FailedPreconditionError(why);
  }
  ChainState state;
  state.plan = &plan;
  absl::StatusOr<std::unique_ptr<ChainRunner>> created = runner.create(plan);
  if (!created.ok()) return created.status();
  ChainRunner& loop = **created;
  if (absl::Status s = loop.Attach(state); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(runner.name, ": ", s.message()));
  }

  std::uint64_t round = 0;
  const auto warm_until = Clock::now() + absl::ToChronoNanoseconds(warmup);
  do {
    absl::StatusOr<std::uint64_t> events = RunRound(loop, state, round++);
    if (!events.ok()) return events.status();
  } while (Clock::now() < warm_until);

  Measurement m;
  const bool counted = UnderValgrind();
  if (counted) BeginCountedSection();
  const AllocationCounts before = CurrentAllocations();
  const double cpu_start = ThreadCpuNs();
  const auto start = Clock::now();
  const auto stop_after = start + absl::ToChronoNanoseconds(min_time);
  auto now = start;
  do {
    absl::StatusOr<std::uint64_t> events = RunRound(loop, state, round++);
    if (!events.ok()) return events.status();
    m.events += *events;
    ++m.rounds;
    now = Clock::now();
  } while (now < stop_after);
  m.cpu_ns = ThreadCpuNs() - cpu_start;
  m.elapsed_ns =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                              now - start)
                              .count());
  m.allocations = CurrentAllocations().allocations - before.allocations;
  if (counted) {
    // "chain N=100 A=1 impl=epoll events=1234" (idle: N idle sockets).
    const std::size_t n = plan.shape == Shape::kIdle ? plan.watch_fds.size() - 1
                                                     : plan.watch_fds.size();
    std::string label = absl::StrCat(ShapeName(plan.shape), " N=", n);
    if (plan.shape == Shape::kChain) absl::StrAppend(&label, " A=", plan.active);
    EndCountedSection(absl::StrCat(label, " impl=", runner.name,
                                   " events=", m.events));
  }
  return m;
}

}  // namespace asycamore::bench
