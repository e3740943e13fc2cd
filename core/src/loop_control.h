// LoopControl: the part of an EventLoop that other threads touch (its task
// queue, its stop request, its dispatcher's Wake), shared by the loop and
// every RemoteLoop handle, so that it outlives the loop.
//
// One mutex orders everything other threads do against the loop's
// destruction: Post, Wake and Stop hold it while they use the dispatcher,
// and Close() takes it to forget the dispatcher. So a call either finished
// before Close() (it reached a live loop) or starts after it and finds no
// dispatcher (it returns false); none touches a destroyed one.
//
// Posted work is published under the mutex and announced through the
// dispatcher's Wake(), whose WakeFlag (backend/wake_flag.h) fences the
// flag against `has_posted_` and `stop_requested_`: the loop, after a wait,
// sees the work of every Wake() that the wait absorbed.
#ifndef ASYCAMORE_SRC_LOOP_CONTROL_H_
#define ASYCAMORE_SRC_LOOP_CONTROL_H_

#include <atomic>
#include <cstddef>
#include <mutex>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "asycamore/dispatcher.h"

namespace asycamore::internal {

class LoopControl {
 public:
  using Task = absl::AnyInvocable<void() &&>;

  explicit LoopControl(Dispatcher* dispatcher) : dispatcher_(dispatcher) {}
  LoopControl(const LoopControl&) = delete;
  LoopControl& operator=(const LoopControl&) = delete;

  // Any thread. Each returns false, and does nothing, once Close() ran;
  // a refused task is destroyed when Post returns, outside the lock.
  bool Post(Task task);
  bool Wake();
  bool Stop();

  // The loop's thread.
  bool HasQueuedTasks() const {
    return has_posted_.load(std::memory_order_acquire);
  }
  // Runs the tasks queued so far, in order; returns how many ran. Tasks they
  // post run on a later call.
  std::size_t RunQueuedTasks();
  bool StopRequested() const {
    return stop_requested_.load(std::memory_order_acquire);
  }
  void ClearStopRequest() {
    stop_requested_.store(false, std::memory_order_release);
  }

  // The loop's destructor: waits for calls in flight, then makes every
  // later call return false. Returns the tasks still queued, for the caller
  // to destroy outside the lock (their destructors may post).
  std::vector<Task> Close();

 private:
  std::mutex mutex_;
  Dispatcher* dispatcher_;     // guarded by mutex_; null once closed
  std::vector<Task> posted_;   // guarded by mutex_
  std::vector<Task> running_;  // the loop's thread only
  std::atomic<bool> has_posted_{false};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace asycamore::internal

#endif  // ASYCAMORE_SRC_LOOP_CONTROL_H_
