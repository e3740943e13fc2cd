// One time-boxed measurement of one runner on one plan: create the runner,
// register, warm up, run whole rounds until the time box is full, count
// the events, the wall time and the allocations.
#ifndef ASYCAMORE_BENCHMARKS_WORKLOADS_MEASURE_H_
#define ASYCAMORE_BENCHMARKS_WORKLOADS_MEASURE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "workloads/chain.h"
#include "workloads/runners.h"

namespace asycamore::bench {

// Which clock a measurement is read from. The workloads never block (a
// byte is always in flight), so the thread's CPU time equals the wall time
// on an idle machine; on a busy one it leaves out the time the thread spent
// preempted, which is most of the noise on a shared 2-core machine.
enum class TimeBase { kThreadCpu, kWall };

struct Measurement {
  std::uint64_t events = 0;
  std::uint64_t rounds = 0;
  double elapsed_ns = 0;     // wall time of the timed rounds
  double cpu_ns = 0;         // the measuring thread's CPU time (user + system)
  std::uint64_t allocations = 0;  // operator new calls in the timed rounds

  double ns_per_event(TimeBase base = TimeBase::kThreadCpu) const {
    const double ns = base == TimeBase::kThreadCpu ? cpu_ns : elapsed_ns;
    return events == 0 ? 0 : ns / static_cast<double>(events);
  }
  double allocations_per_event() const {
    return events == 0 ? 0
                       : static_cast<double>(allocations) /
                             static_cast<double>(events);
  }
};

// Returns why `runner` cannot run `plan` (a descriptor beyond its handle
// limit), or an empty string when it can.
std::string WhyUnsupported(const RunnerInfo& runner, const ChainPlan& plan);

// Measures `runner` on `plan`: warm-up rounds for `warmup` (at least one),
// then timed rounds until `min_time` has passed (at least one).
absl::StatusOr<Measurement> Measure(const RunnerInfo& runner,
                                    const ChainPlan& plan,
                                    absl::Duration min_time,
                                    absl::Duration warmup);

}  // namespace asycamore::bench

#endif  // ASYCAMORE_BENCHMARKS_WORKLOADS_MEASURE_H_
