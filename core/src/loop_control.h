// LoopControl: the part of an EventLoop that other threads touch (its task
// queue, its stop request, its dispatcher's Wake), shared by the loop and
// every RemoteLoop handle, so that it outlives the loop.
//
// A gate orders what other threads do against the loop's destruction: Post,
// Wake and Stop enter it (a count of calls in flight) before they use the
// dispatcher and leave it after; Close() shuts it, then waits until the
// count is zero. So a call either entered before Close() (it reaches the
// live loop, and the destructor waits for it) or finds the gate shut (it
// returns false); none touches a destroyed dispatcher. The wake-up itself
// is sent outside the queue's mutex: holding the mutex across the system
// call made the woken loop thread block on it, and nearly doubled the
// post-to-run latency.
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

  explicit LoopControl(Dispatcher* dispatcher) : dispatcher_(*dispatcher) {}
  LoopControl(const LoopControl&) = delete;
  LoopControl& operator=(const LoopControl&) = delete;

  // Any thread. Each returns false, and does nothing, once Close() began;
  // a refused task is destroyed when Post returns.
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

  // The loop's destructor: makes every later call return false, then waits
  // for the calls in flight. Returns the tasks still queued, for the caller
  // to destroy outside the lock (their destructors may post).
  std::vector<Task> Close();

 private:
  class Admission;  // the gate's entry, for one call

  Dispatcher& dispatcher_;
  // The gate. Entering writes `in_flight_` then reads `closed_`; closing
  // writes `closed_` then reads `in_flight_`: the store-buffering pattern,
  // hence seq_cst on all four, so that one of the two sees the other.
  std::atomic<bool> closed_{false};
  std::atomic<int> in_flight_{0};
  std::mutex mutex_;
  std::vector<Task> posted_;   // guarded by mutex_
  std::vector<Task> running_;  // the loop's thread only
  std::atomic<bool> has_posted_{false};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace asycamore::internal

#endif  // ASYCAMORE_SRC_LOOP_CONTROL_H_
