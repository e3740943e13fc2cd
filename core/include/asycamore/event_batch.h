// EventBatch: a caller-owned, fixed-capacity array that a dispatcher wait
// fills. It allocates once, at construction, so waiting allocates nothing.
#ifndef ASYCAMORE_EVENT_BATCH_H_
#define ASYCAMORE_EVENT_BATCH_H_

#include <cassert>
#include <cstddef>
#include <memory>

#include "asycamore/event.h"
#include "asycamore/export.h"

namespace asycamore {

class ASYCAMORE_CORE_API EventBatch {
 public:
  static constexpr std::size_t kDefaultCapacity = 256;

  // Creates an empty batch that holds at most `capacity` events (at least 1).
  explicit EventBatch(std::size_t capacity = kDefaultCapacity)
      : capacity_(capacity == 0 ? 1 : capacity),
        events_(std::make_unique<Event[]>(capacity_)) {}

  EventBatch(const EventBatch&) = delete;
  EventBatch& operator=(const EventBatch&) = delete;
  EventBatch(EventBatch&&) = default;
  EventBatch& operator=(EventBatch&&) = default;

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == capacity_; }

  const Event& operator[](std::size_t index) const {
    assert(index < size_);
    return events_[index];
  }
  const Event* begin() const { return events_.get(); }
  const Event* end() const { return events_.get() + size_; }

  // Backend side: empties the batch before a wait.
  void Clear() { size_ = 0; }
  // Backend side: appends one event. The batch must not be full.
  void Push(const Event& event) {
    assert(!full());
    events_[size_++] = event;
  }
  // Backend side, for filling in place: the storage of capacity() events,
  // then SetSize(n) for the first n filled. (The owner of the batch may
  // also edit its events in place: EventLoop completes them so.)
  Event* storage() { return events_.get(); }
  void SetSize(std::size_t size) {
    assert(size <= capacity_);
    size_ = size;
  }

 private:
  std::size_t capacity_;
  std::unique_ptr<Event[]> events_;
  std::size_t size_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_EVENT_BATCH_H_
