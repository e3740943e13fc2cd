// The poll floor: one poll() over a fixed pollfd array in watch order, then
// a scan that stops once every ready entry was seen.
#include <poll.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "workloads/runners.h"

namespace asycamore::bench {
namespace {

class RawPollRunner final : public ChainRunner {
 public:
  absl::Status Attach(ChainState& state) override {
    state_ = &state;
    for (int fd : state.plan->watch_fds) pollfds_.push_back({fd, POLLIN, 0});
    return absl::OkStatus();
  }

  absl::Status RunUntilDone() override {
    int empty_waits = 0;
    while (!state_->done()) {
      int ready = ::poll(pollfds_.data(), pollfds_.size(), 1000);
      if (ready < 0) {
        if (errno == EINTR) continue;
        return absl::InternalError(
            absl::StrCat("poll: ", std::strerror(errno)));
      }
      if (ready == 0 && ++empty_waits > 2) {
        return absl::DeadlineExceededError("raw_poll: no event for 3 s");
      }
      for (std::size_t i = 0; ready > 0 && i < pollfds_.size(); ++i) {
        if (pollfds_[i].revents == 0) continue;
        --ready;
        OnChainReadable(*state_, static_cast<std::uint32_t>(i));
      }
    }
    return absl::OkStatus();
  }

 private:
  ChainState* state_ = nullptr;
  std::vector<pollfd> pollfds_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ChainRunner>> CreateRawPollRunner(
    const ChainPlan&) {
  return std::make_unique<RawPollRunner>();
}

}  // namespace asycamore::bench
