// RingQueue<T>: a FIFO on one array that keeps its capacity, for per-event
// hot paths. std::deque allocates a block every few pushes as the queue
// slides along (libstdc++: each 512-byte block), which a request cycle then
// pays for; a ring allocates only when it grows past its largest size.
//
// pop_front() assigns T{} to the slot it leaves, so what the element held
// (a Cord's memory, say) is let go at once rather than when the slot is
// reused. Growing moves the elements: do not keep pointers or iterators
// into elements across a push_back.
#ifndef ASYCAMORE_RING_QUEUE_H_
#define ASYCAMORE_RING_QUEUE_H_

#include <cassert>
#include <cstddef>
#include <utility>
#include <vector>

namespace asycamore {

template <typename T>
class RingQueue {
 public:
  RingQueue() = default;
  RingQueue(RingQueue&& other) noexcept
      : slots_(std::move(other.slots_)),
        head_(std::exchange(other.head_, 0)),
        size_(std::exchange(other.size_, 0)) {
    other.slots_.clear();
  }
  RingQueue& operator=(RingQueue&& other) noexcept {
    if (this != &other) {
      slots_ = std::move(other.slots_);
      other.slots_.clear();
      head_ = std::exchange(other.head_, 0);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  RingQueue(const RingQueue&) = delete;
  RingQueue& operator=(const RingQueue&) = delete;

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }

  // Makes room for `capacity` elements without growing later.
  void reserve(std::size_t capacity) {
    if (capacity > slots_.size()) Regrow(capacity);
  }

  T& front() {
    assert(!empty());
    return slots_[head_];
  }
  const T& front() const {
    assert(!empty());
    return slots_[head_];
  }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }
  // The i-th element from the front.
  T& operator[](std::size_t i) {
    assert(i < size_);
    return slots_[Wrap(head_ + i)];
  }
  const T& operator[](std::size_t i) const {
    assert(i < size_);
    return slots_[Wrap(head_ + i)];
  }

  // Appends `value`; returns it in place.
  T& push_back(T value) {
    if (size_ == slots_.size()) Regrow(slots_.empty() ? 8 : 2 * slots_.size());
    T& slot = slots_[Wrap(head_ + size_)];
    slot = std::move(value);
    ++size_;
    return slot;
  }

  void pop_front() {
    assert(!empty());
    slots_[head_] = T{};
    head_ = Wrap(head_ + 1);
    --size_;
  }

  void clear() {
    while (!empty()) pop_front();
    head_ = 0;
  }

 private:
  std::size_t Wrap(std::size_t i) const {
    return i >= slots_.size() ? i - slots_.size() : i;
  }
  void Regrow(std::size_t capacity) {
    std::vector<T> slots(capacity);
    for (std::size_t i = 0; i < size_; ++i) slots[i] = std::move((*this)[i]);
    slots_ = std::move(slots);
    head_ = 0;
  }

  std::vector<T> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_RING_QUEUE_H_
