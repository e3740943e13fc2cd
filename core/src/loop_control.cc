#include "loop_control.h"

#include <utility>

namespace asycamore::internal {

bool LoopControl::Post(Task task) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (dispatcher_ == nullptr) return false;
  posted_.push_back(std::move(task));
  has_posted_.store(true, std::memory_order_release);
  dispatcher_->Wake();
  return true;
}

bool LoopControl::Wake() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (dispatcher_ == nullptr) return false;
  dispatcher_->Wake();
  return true;
}

bool LoopControl::Stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (dispatcher_ == nullptr) return false;
  stop_requested_.store(true, std::memory_order_release);
  dispatcher_->Wake();
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
  std::vector<Task> left;
  std::lock_guard<std::mutex> lock(mutex_);
  dispatcher_ = nullptr;
  left.swap(posted_);
  has_posted_.store(false, std::memory_order_release);
  return left;
}

}  // namespace asycamore::internal
