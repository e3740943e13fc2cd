// LoopGroup: each thread iterates its loop with no timeout until the stop
// flag is set; Stop() sets the flag first and then wakes every loop, so a
// thread either sees the flag before it waits or is woken out of the wait.
#include "asycamore/loop_group.h"

#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "asycamore/internal/absl_string_view.h"

namespace asycamore {
namespace {

// The group whose thread this is (Join refuses to wait for itself). Set by
// the thread itself: the std::thread objects in threads_ are still being
// written by Start when the first threads run, so they cannot be read here.
thread_local const LoopGroup* group_of_this_thread = nullptr;

}  // namespace

absl::StatusOr<std::unique_ptr<LoopGroup>> LoopGroup::Create(
    int count, LoopFactory factory) {
  if (count < 1 || count > kMaxLoops) {
    return absl::InvalidArgumentError(absl::StrCat(
        "LoopGroup::Create(", count, "): the count must be 1..", kMaxLoops));
  }
  if (!factory) {
    return absl::InvalidArgumentError(
        absl::StrCat("LoopGroup::Create(", count, "): no loop factory"));
  }
  std::vector<std::unique_ptr<EventLoop>> loops;
  loops.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<std::unique_ptr<EventLoop>> loop = factory(i);
    if (!loop.ok()) {
      return absl::Status(loop.status().code(),
                          absl::StrCat("LoopGroup::Create(", count, "): loop ",
                                       i, ": ", loop.status().message()));
    }
    if (*loop == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "LoopGroup::Create(", count, "): the factory gave loop ", i,
          " no loop"));
    }
    loops.push_back(*std::move(loop));
  }
  return std::unique_ptr<LoopGroup>(new LoopGroup(std::move(loops)));
}

LoopGroup::LoopGroup(std::vector<std::unique_ptr<EventLoop>> loops)
    : loops_(std::move(loops)) {
  remotes_.reserve(loops_.size());
  for (const auto& loop : loops_) remotes_.push_back(loop->remote());
}

LoopGroup::~LoopGroup() {
  Stop();
  Join().IgnoreError();
  // The loops go after their threads: a thread never outlives its loop.
}

absl::Status LoopGroup::Start() {
  if (started_) {
    return absl::FailedPreconditionError("LoopGroup::Start: already started");
  }
  if (stopping()) {
    return absl::FailedPreconditionError(
        "LoopGroup::Start: the group was stopped");
  }
  threads_.reserve(loops_.size());
  for (int i = 0; i < size(); ++i) {
    try {
      threads_.emplace_back([this, i] { RunThread(i); });
    } catch (const std::system_error& error) {
      // All or none: stop and join the threads that did start.
      Stop();
      for (std::thread& thread : threads_) thread.join();
      threads_.clear();
      return absl::ResourceExhaustedError(
          absl::StrCat("LoopGroup::Start: thread ", i, " of ", size(), ": ",
                       error.what()));
    }
  }
  started_ = true;
  return absl::OkStatus();
}

void LoopGroup::RunThread(int index) {
  group_of_this_thread = this;
  EventLoop& loop = *loops_[index];
  while (!stopping()) {
    absl::StatusOr<IterationResult> result =
        loop.Iterate(absl::InfiniteDuration());
    if (!result.ok()) {
      std::lock_guard<std::mutex> lock(error_mutex_);
      if (first_error_.ok()) {
        first_error_ = absl::Status(
            result.status().code(),
            absl::StrCat("LoopGroup: loop ", index, " (",
                         AbslView(loop.backend_name()), "): ", result.status().message()));
      }
      return;
    }
  }
}

void LoopGroup::Stop() {
  // The flag first: a thread that is about to wait either sees it, or
  // waits and gets the wake-up below.
  stopping_.store(true, std::memory_order_release);
  for (const RemoteLoop& remote : remotes_) remote.Wake();
}

absl::Status LoopGroup::Join() {
  if (group_of_this_thread == this) {
    return absl::FailedPreconditionError(
        "LoopGroup::Join: called on one of the group's own threads (it "
        "would wait for itself); call Stop() there and Join from outside");
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  joined_ = true;
  std::lock_guard<std::mutex> lock(error_mutex_);
  return first_error_;
}

}  // namespace asycamore
