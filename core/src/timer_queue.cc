#include "asycamore/timer_queue.h"

#include <cassert>
#include <utility>

namespace asycamore {

SteadyTime SaturatingDeadline(SteadyTime from, absl::Duration delay) {
  if (delay <= absl::ZeroDuration()) return from;
  const SteadyClock::duration room = SteadyTime::max() - from;
  // Compare in absl::Duration, which saturates instead of overflowing.
  if (delay >= absl::FromChrono(room)) return SteadyTime::max();
  return from + std::chrono::duration_cast<SteadyClock::duration>(
                    absl::ToChronoNanoseconds(delay));
}

TimerId TimerQueue::Schedule(SteadyTime deadline, SteadyClock::duration period,
                             absl::AnyInvocable<void()> callback) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& entry = slots_[slot];
  entry.deadline = deadline;
  entry.period = period;
  entry.sequence = next_sequence_++;
  entry.callback = std::move(callback);
  entry.pending = true;
  entry.heap_index = static_cast<std::uint32_t>(heap_.size());
  heap_.push_back(slot);
  SiftUp(entry.heap_index);
  return TimerId(slot, entry.generation);
}

TimerQueue::Slot* TimerQueue::FindPending(TimerId id) {
  if (!id.valid() || id.slot_ >= slots_.size()) return nullptr;
  Slot& entry = slots_[id.slot_];
  if (!entry.pending || entry.generation != id.generation_) return nullptr;
  return &entry;
}

bool TimerQueue::Cancel(TimerId id) {
  Slot* entry = FindPending(id);
  if (entry == nullptr) return false;
  RemoveFromHeap(entry->heap_index);
  ReleaseSlot(id.slot_);
  return true;
}

std::optional<SteadyTime> TimerQueue::NextDeadline() const {
  if (heap_.empty()) return std::nullopt;
  return slots_[heap_.front()].deadline;
}

std::size_t TimerQueue::RunExpired(SteadyTime now, TimerMark mark) {
  const std::uint64_t first_new_sequence = mark.sequence_;
  std::size_t fired = 0;
  while (!heap_.empty()) {
    const std::uint32_t slot = heap_.front();
    Slot& entry = slots_[slot];
    if (entry.deadline > now || entry.sequence >= first_new_sequence) break;
    const std::uint32_t generation = entry.generation;
    // Move the callback out: it may cancel its own timer, which releases the
    // slot, or schedule timers, which may reallocate slots_.
    absl::AnyInvocable<void()> callback = std::move(entry.callback);
    if (entry.period > SteadyClock::duration::zero()) {
      // Keep the cadence, but never schedule into the past: a loop that fell
      // behind skips missed ticks instead of firing them in a burst.
      const absl::Duration period = absl::FromChrono(entry.period);
      entry.deadline = SaturatingDeadline(entry.deadline, period);
      if (entry.deadline <= now) entry.deadline = SaturatingDeadline(now, period);
      entry.sequence = next_sequence_++;
      SiftDown(0);
      callback();
      Slot& after = slots_[slot];
      if (after.pending && after.generation == generation &&
          !after.callback) {
        after.callback = std::move(callback);
      }
    } else {
      RemoveFromHeap(0);
      ReleaseSlot(slot);
      callback();
    }
    ++fired;
  }
  return fired;
}

bool TimerQueue::Earlier(std::uint32_t a, std::uint32_t b) const {
  const Slot& x = slots_[heap_[a]];
  const Slot& y = slots_[heap_[b]];
  if (x.deadline != y.deadline) return x.deadline < y.deadline;
  return x.sequence < y.sequence;
}

void TimerQueue::SwapHeapEntries(std::uint32_t a, std::uint32_t b) {
  std::swap(heap_[a], heap_[b]);
  slots_[heap_[a]].heap_index = a;
  slots_[heap_[b]].heap_index = b;
}

void TimerQueue::SiftUp(std::uint32_t index) {
  while (index > 0) {
    const std::uint32_t parent = (index - 1) / 2;
    if (!Earlier(index, parent)) break;
    SwapHeapEntries(index, parent);
    index = parent;
  }
}

void TimerQueue::SiftDown(std::uint32_t index) {
  const auto size = static_cast<std::uint32_t>(heap_.size());
  for (;;) {
    const std::uint32_t left = 2 * index + 1;
    if (left >= size) break;
    std::uint32_t earliest = left;
    if (left + 1 < size && Earlier(left + 1, left)) earliest = left + 1;
    if (!Earlier(earliest, index)) break;
    SwapHeapEntries(index, earliest);
    index = earliest;
  }
}

void TimerQueue::RemoveFromHeap(std::uint32_t index) {
  const auto last = static_cast<std::uint32_t>(heap_.size() - 1);
  if (index != last) {
    SwapHeapEntries(index, last);
    heap_.pop_back();
    // The entry moved into `index` may belong above or below it.
    SiftDown(index);
    SiftUp(index);
  } else {
    heap_.pop_back();
  }
}

void TimerQueue::ReleaseSlot(std::uint32_t slot) {
  Slot& entry = slots_[slot];
  entry.pending = false;
  ++entry.generation;
  entry.callback = nullptr;
  free_slots_.push_back(slot);
}

}  // namespace asycamore
