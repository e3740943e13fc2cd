// The chain workload on libuv through uv_poll_t: libuv's readiness path
// (uv__io_t watchers on its epoll loop) with the workload's own recv/send
// in the callback, which is what every other implementation here does.
// uv_pipe_t/uv_stream_t reads would add libuv's buffer allocation callback
// and its read-until-EAGAIN loop (two reads per one-byte event), a
// different workload rather than a different reactor.
#include <uv.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "workloads/runners.h"

namespace asycamore::bench {
namespace {

struct Watch {
  uv_poll_t handle;
  ChainState* state;
  std::uint32_t index;
};

void OnPoll(uv_poll_t* handle, int status, int) {
  Watch* watch = static_cast<Watch*>(handle->data);
  if (status < 0) {
    ++watch->state->failures;
    return;
  }
  OnChainReadable(*watch->state, watch->index);
}

class LibuvRunner final : public ChainRunner {
 public:
  ~LibuvRunner() override {
    if (!initialised_) return;
    for (std::size_t i = 0; i < started_; ++i) {
      uv_close(reinterpret_cast<uv_handle_t*>(&watches_[i].handle), nullptr);
    }
    uv_run(&loop_, UV_RUN_DEFAULT);  // completes the closes
    uv_loop_close(&loop_);
  }

  absl::Status Attach(ChainState& state) override {
    state_ = &state;
    if (int rc = uv_loop_init(&loop_); rc != 0) {
      return absl::InternalError(absl::StrCat("uv_loop_init: ", uv_strerror(rc)));
    }
    initialised_ = true;
    const ChainPlan& plan = *state.plan;
    watches_ = std::make_unique<Watch[]>(plan.watch_fds.size());
    for (std::size_t i = 0; i < plan.watch_fds.size(); ++i) {
      Watch& watch = watches_[i];
      watch.state = &state;
      watch.index = static_cast<std::uint32_t>(i);
      int rc = uv_poll_init(&loop_, &watch.handle, plan.watch_fds[i]);
      if (rc != 0) {
        return absl::InternalError(absl::StrCat(
            "uv_poll_init(fd=", plan.watch_fds[i], "): ", uv_strerror(rc)));
      }
      ++started_;
      watch.handle.data = &watch;
      rc = uv_poll_start(&watch.handle, UV_READABLE, OnPoll);
      if (rc != 0) {
        return absl::InternalError(absl::StrCat(
            "uv_poll_start(fd=", plan.watch_fds[i], "): ", uv_strerror(rc)));
      }
    }
    return absl::OkStatus();
  }

  absl::Status RunUntilDone() override {
    while (!state_->done()) uv_run(&loop_, UV_RUN_ONCE);
    return absl::OkStatus();
  }

 private:
  ChainState* state_ = nullptr;
  uv_loop_t loop_;
  bool initialised_ = false;
  std::unique_ptr<Watch[]> watches_;
  std::size_t started_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ChainRunner>> CreateLibuvRunner(
    const ChainPlan&) {
  return std::make_unique<LibuvRunner>();
}

std::string LibuvDetail() {
  return absl::StrCat("libuv ", uv_version_string(),
                      ", uv_poll_t (UV_READABLE), UV_RUN_ONCE");
}

}  // namespace asycamore::bench
