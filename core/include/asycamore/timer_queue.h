// TimerQueue: one-shot and repeating timers on the monotonic clock, fired in
// deadline order (ties in the order they were scheduled).
//
// An indexed binary heap: add, cancel and fire are O(log n), so tens of
// thousands of timers (one per connection, say) stay cheap, and a cancelled
// timer leaves nothing behind in the heap.
#ifndef ASYCAMORE_TIMER_QUEUE_H_
#define ASYCAMORE_TIMER_QUEUE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"
#include "asycamore/export.h"

namespace asycamore {

using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;

// Returns `from + delay`, saturated at SteadyTime::max() instead of
// overflowing (a delay of InfiniteDuration means "never").
ASYCAMORE_CORE_API
SteadyTime SaturatingDeadline(SteadyTime from, absl::Duration delay);

// Identifies one timer. Safe to keep after the timer fired or was cancelled:
// cancelling it then does nothing.
class ASYCAMORE_CORE_API TimerId {
 public:
  TimerId() = default;
  bool valid() const { return slot_ != kNoSlot; }
  friend bool operator==(TimerId a, TimerId b) = default;

 private:
  friend class TimerQueue;
  static constexpr std::uint32_t kNoSlot = 0xffffffffu;
  TimerId(std::uint32_t slot, std::uint32_t generation)
      : slot_(slot), generation_(generation) {}
  std::uint32_t slot_ = kNoSlot;
  std::uint32_t generation_ = 0;
};

// A point in the order timers were scheduled (TimerQueue::Mark()).
class ASYCAMORE_CORE_API TimerMark {
 public:
  TimerMark() = default;

 private:
  friend class TimerQueue;
  explicit TimerMark(std::uint64_t sequence) : sequence_(sequence) {}
  std::uint64_t sequence_ = 0;
};

class ASYCAMORE_CORE_API TimerQueue {
 public:
  TimerQueue() = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Schedules `callback` at `deadline`. A positive `period` makes the timer
  // repeat every `period` after that until cancelled; zero means once.
  TimerId Schedule(SteadyTime deadline, SteadyClock::duration period,
                   absl::AnyInvocable<void()> callback);

  // Cancels a pending timer. Returns false if it already fired (one-shot),
  // was cancelled, or never existed. A repeating timer may cancel itself
  // from its own callback.
  bool Cancel(TimerId id);

  // Returns the earliest deadline, or nullopt when no timer is pending.
  std::optional<SteadyTime> NextDeadline() const;

  // Returns a mark: RunExpired(now, mark) leaves the timers scheduled after
  // this call for a later call.
  TimerMark Mark() const { return TimerMark(next_sequence_); }

  // Fires the timers due at `now` that were scheduled before `mark`, in
  // deadline order, and returns how many fired. Timers scheduled (or a
  // repeating timer rescheduled) after the mark, including by the callbacks
  // this call runs, fire on a later call, so a callback that schedules a
  // zero-delay timer cannot keep this call running forever. Deadline order
  // holds across calls: a timer scheduled after the mark but due before
  // others holds them back until the call that fires it.
  std::size_t RunExpired(SteadyTime now, TimerMark mark);

  // The same, with the mark taken now.
  std::size_t RunExpired(SteadyTime now) { return RunExpired(now, Mark()); }

  // Returns the number of pending timers.
  std::size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }

 private:
  struct Slot {
    SteadyTime deadline;
    SteadyClock::duration period{0};
    std::uint64_t sequence = 0;  // orders equal deadlines; marks new timers
    absl::AnyInvocable<void()> callback;
    std::uint32_t heap_index = 0;
    std::uint32_t generation = 0;
    bool pending = false;
  };

  bool Earlier(std::uint32_t a, std::uint32_t b) const;
  void SiftUp(std::uint32_t heap_index);
  void SiftDown(std::uint32_t heap_index);
  void SwapHeapEntries(std::uint32_t a, std::uint32_t b);
  void RemoveFromHeap(std::uint32_t heap_index);
  void ReleaseSlot(std::uint32_t slot);
  Slot* FindPending(TimerId id);

  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> heap_;  // slot indices, a binary min-heap
  std::uint64_t next_sequence_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TIMER_QUEUE_H_
