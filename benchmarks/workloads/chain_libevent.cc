// The chain workload on libevent, the way test/bench.c runs it: one
// persistent read event (EV_READ | EV_PERSIST) per watched descriptor on an
// event_base with libevent's default method (epoll on Linux), and
// event_base_loop(EVLOOP_ONCE) until the round is done.
#include <event2/event.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "workloads/runners.h"

namespace asycamore::bench {
namespace {

struct Watch {
  ChainState* state;
  std::uint32_t index;
};

void OnRead(evutil_socket_t, short, void* arg) {
  Watch* watch = static_cast<Watch*>(arg);
  OnChainReadable(*watch->state, watch->index);
}

class LibeventRunner final : public ChainRunner {
 public:
  ~LibeventRunner() override {
    for (event* ev : events_) event_free(ev);
    if (base_ != nullptr) event_base_free(base_);
  }

  absl::Status Attach(ChainState& state) override {
    state_ = &state;
    base_ = event_base_new();
    if (base_ == nullptr) return absl::InternalError("event_base_new failed");
    const ChainPlan& plan = *state.plan;
    watches_.reserve(plan.watch_fds.size());
    for (std::size_t i = 0; i < plan.watch_fds.size(); ++i) {
      watches_.push_back({&state, static_cast<std::uint32_t>(i)});
      event* ev = event_new(base_, plan.watch_fds[i], EV_READ | EV_PERSIST,
                            OnRead, &watches_.back());
      if (ev == nullptr || event_add(ev, nullptr) != 0) {
        if (ev != nullptr) event_free(ev);
        return absl::InternalError(
            absl::StrCat("libevent: event_add(fd=", plan.watch_fds[i],
                         ") failed"));
      }
      events_.push_back(ev);
    }
    return absl::OkStatus();
  }

  absl::Status RunUntilDone() override {
    while (!state_->done()) {
      if (event_base_loop(base_, EVLOOP_ONCE) < 0) {
        return absl::InternalError("libevent: event_base_loop failed");
      }
    }
    return absl::OkStatus();
  }

 private:
  ChainState* state_ = nullptr;
  event_base* base_ = nullptr;
  std::vector<Watch> watches_;  // reserved up front: never moves
  std::vector<event*> events_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ChainRunner>> CreateLibeventRunner(
    const ChainPlan&) {
  return std::make_unique<LibeventRunner>();
}

std::string LibeventDetail() {
  std::string method = "?";
  if (event_base* base = event_base_new()) {
    method = event_base_get_method(base);
    event_base_free(base);
  }
  return absl::StrCat("libevent ", event_get_version(), ", method ", method,
                      ", EV_READ|EV_PERSIST events, EVLOOP_ONCE");
}

}  // namespace asycamore::bench
