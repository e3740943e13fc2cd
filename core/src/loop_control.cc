#include "loop_control.h"

#include <thread>
#include <utility>

namespace asycamore::internal {

// Enters the gate for one call and leaves it on destruction; admitted() is
// false once Close() began.
class LoopControl::Admission {
 public:
  explicit Admission(LoopControl& control) : control_(control) {
    control_.in_flight_.fetch_add(1, std::memory_order_seq_cst);
    admitted_ = !control_.closed_.load(std::memory_order_seq_cst);
  }
  ~Admission() {
    // Release: what this call did to the dispatcher happens before the
    // destructor's acquire of the zero count, and so before it frees it.
    control_.in_flight_.fetch_sub(1, std::memory_order_release);
  }
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;
  bool admitted() const { return admitted_; }

 private:
  LoopControl& control_;
  bool admitted_ = false;
};

bool LoopControl::Post(Task task) {
  const Admission admission(*this);
  if (!admission.admitted()) return false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    posted_.push_back(std::move(task));
    has_posted_.store(true, std::memory_order_release);
  }
  dispatcher_.Wake();
  return true;
}

bool LoopControl::Wake() {
  const Admission admission(*this);
  if (!admission.admitted()) return false;
  dispatcher_.Wake();
  return true;
}

bool LoopControl::Stop() {
  const Admission admission(*this);
  if (!admission.admitted()) return false;
  stop_requested_.store(true, std::memory_order_release);
  dispatcher_.Wake();
  return true;
}

std::size_t LoopControl::RunQueuedTasks() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Swap buffers so tasks run outside the lock and both vectors keep
    // their capacity: steady-state posting does not reallocate.
    running_.swap(posted_);
    has_posted_.store(false, std::memory_order_release);
  }
  for (Task& task : running_) std::move(task)();
  const std::size_t ran = running_.size();
  running_.clear();
  return ran;
}

std::vector<LoopControl::Task> LoopControl::Close() {
  closed_.store(true, std::memory_order_seq_cst);
  // Calls in flight hold the gate for one Wake() system call at most: a
  // short wait, on a path that runs once.
  while (in_flight_.load(std::memory_order_seq_cst) != 0) {
    std::this_thread::yield();
  }
  std::vector<Task> left;
  std::lock_guard<std::mutex> lock(mutex_);
  left.swap(posted_);
  has_posted_.store(false, std::memory_order_release);
  return left;
}

}  // namespace asycamore::internal
