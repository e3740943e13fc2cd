// The chain workload on asycamore's EventLoop: one DispatchTarget per
// watched descriptor, and Iterate() until the round is done.
#include <memory>
#include <vector>

#include "asycamore/backend_registry.h"
#include "asycamore/event_loop.h"
#include "workloads/runners.h"

namespace asycamore::bench {
namespace {

class ChainTarget final : public DispatchTarget {
 public:
  ChainTarget(ChainState* state, std::uint32_t index)
      : state_(state), index_(index) {}
  void dispatch_event(const Event&) override {
    OnChainReadable(*state_, index_);
  }

 private:
  ChainState* state_;
  std::uint32_t index_;
};

class AsycamoreRunner final : public ChainRunner {
 public:
  explicit AsycamoreRunner(std::unique_ptr<EventLoop> loop)
      : loop_(std::move(loop)) {}

  ~AsycamoreRunner() override {
    for (RegistrationHandle handle : handles_) (void)loop_->Deregister(handle);
  }

  absl::Status Attach(ChainState& state) override {
    state_ = &state;
    const ChainPlan& plan = *state.plan;
    targets_.reserve(plan.watch_fds.size());
    handles_.reserve(plan.watch_fds.size());
    for (std::size_t i = 0; i < plan.watch_fds.size(); ++i) {
      targets_.emplace_back(&state, static_cast<std::uint32_t>(i));
      absl::StatusOr<RegistrationHandle> handle =
          loop_->Register(plan.watch_fds[i], Interest::kRead, &targets_.back());
      if (!handle.ok()) return handle.status();
      handles_.push_back(*handle);
    }
    return absl::OkStatus();
  }

  absl::Status RunUntilDone() override {
    int empty_passes = 0;
    while (!state_->done()) {
      absl::StatusOr<IterationResult> pass = loop_->Iterate(absl::Seconds(1));
      if (!pass.ok()) return pass.status();
      if (pass->events == 0 && ++empty_passes > 2) {
        return absl::DeadlineExceededError("asycamore: no event for 3 s");
      }
    }
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<EventLoop> loop_;
  ChainState* state_ = nullptr;
  std::vector<ChainTarget> targets_;  // reserved up front: never moves
  std::vector<RegistrationHandle> handles_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ChainRunner>> CreateAsycamoreRunner(
    const std::string& backend, const ChainPlan&) {
  absl::StatusOr<std::unique_ptr<EventLoop>> loop =
      CreateEventLoop({.backend = backend});
  if (!loop.ok()) return loop.status();
  return std::make_unique<AsycamoreRunner>(*std::move(loop));
}

}  // namespace asycamore::bench
