// The floor: the least any epoll reactor can do per event. One epoll_wait
// into a fixed array (the size of asycamore's default batch), the watched
// index in data.u32, the workload's callback inlined.
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "workloads/runners.h"

namespace asycamore::bench {
namespace {

constexpr int kMaxEvents = 256;

class RawEpollRunner final : public ChainRunner {
 public:
  ~RawEpollRunner() override {
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
  }

  absl::Status Attach(ChainState& state) override {
    state_ = &state;
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) return Errno("epoll_create1");
    const ChainPlan& plan = *state.plan;
    for (std::size_t i = 0; i < plan.watch_fds.size(); ++i) {
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u32 = static_cast<std::uint32_t>(i);
      if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, plan.watch_fds[i], &event) !=
          0) {
        return Errno("epoll_ctl(ADD)");
      }
    }
    return absl::OkStatus();
  }

  absl::Status RunUntilDone() override {
    int empty_waits = 0;
    while (!state_->done()) {
      const int ready = ::epoll_wait(epoll_fd_, events_, kMaxEvents, 1000);
      if (ready < 0) {
        if (errno == EINTR) continue;
        return Errno("epoll_wait");
      }
      if (ready == 0 && ++empty_waits > 2) {
        return absl::DeadlineExceededError("raw_epoll: no event for 3 s");
      }
      for (int i = 0; i < ready; ++i) OnChainReadable(*state_, events_[i].data.u32);
    }
    return absl::OkStatus();
  }

 private:
  static absl::Status Errno(const char* call) {
    return absl::InternalError(absl::StrCat(call, ": ", std::strerror(errno)));
  }

  ChainState* state_ = nullptr;
  int epoll_fd_ = -1;
  epoll_event events_[kMaxEvents];
};

}  // namespace

absl::StatusOr<std::unique_ptr<ChainRunner>> CreateRawEpollRunner(
    const ChainPlan&) {
  return std::make_unique<RawEpollRunner>();
}

}  // namespace asycamore::bench
