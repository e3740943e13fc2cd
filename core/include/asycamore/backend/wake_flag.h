// WakeFlag: the one rule by which every backend merges wake-ups, so that
// Wake() makes a system call only when no wake-up is pending, and so that no
// wake-up is ever lost.
//
// Each backend keeps its own signal (an eventfd or pipe write, an
// EVFILT_USER trigger, a completion packet, a datagram) and one WakeFlag
// beside it:
//
//   Wake(), any thread:          if (flag.Raise()) { send the signal; }
//                                (if sending failed: flag.Withdraw();)
//   Wait(), the waiting thread:  consume the signal, then flag.Clear().
//
// After Wait returns, its caller checks for the work the wake-up was for
// (posted tasks, a stop request) before it waits again.
//
// Why the fences. The waker publishes its work (a store), then reads the
// flag; the waiter clears the flag (a store), then reads the work. That is
// the store-buffering pattern: with acquire/release alone both reads may see
// the old values, and x86 does that (a store waits in the store buffer while
// the later load runs). The waker then sees "pending" and skips its signal,
// the waiter sees "no work" and blocks with work queued and no signal on the
// way. A sequentially consistent fence between each side's store and read
// forbids that: whichever fence comes first in their single total order,
// the other side's read sees the first side's store. So a Raise() that
// returns false happened before the Clear(), and the waiter's check after
// Clear() sees its work. The work itself only has to be an atomic (or be
// published under a lock the checker takes).
//
// Why consume first, then clear. In the other order a Raise() between the
// two sends a signal that the consume swallows while the flag stays set, and
// every later Raise() returns false: lost for good. In this order a Raise()
// that finds the flag still set is covered by the wait that is returning
// now, whose caller checks the work next.
#ifndef ASYCAMORE_BACKEND_WAKE_FLAG_H_
#define ASYCAMORE_BACKEND_WAKE_FLAG_H_

#include <atomic>

namespace asycamore {

// The atomic operations BasicWakeFlag is written with. The model test
// (tests/unit/wake_flag_model_test.cc) instantiates the same class with a
// model checker's atomics, which explore every interleaving and reordering
// the C++ memory model allows, so removing a fence below fails a test.
struct StdWakeAtomics {
  using Flag = std::atomic<bool>;
  static bool Exchange(Flag& flag, bool value, std::memory_order order) {
    return flag.exchange(value, order);
  }
  static void Store(Flag& flag, bool value, std::memory_order order) {
    flag.store(value, order);
  }
  static void Fence(std::memory_order order) {
    std::atomic_thread_fence(order);
  }
};

template <typename Atomics>
class BasicWakeFlag {
 public:
  BasicWakeFlag() = default;
  BasicWakeFlag(const BasicWakeFlag&) = delete;
  BasicWakeFlag& operator=(const BasicWakeFlag&) = delete;

  // Waker side, any thread, after publishing the work. Returns true when the
  // caller must send the signal now (no wake-up was pending), false when a
  // pending one covers this call.
  bool Raise() {
    Atomics::Fence(std::memory_order_seq_cst);
    return !Atomics::Exchange(pending_, true, std::memory_order_acq_rel);
  }

  // Waker side: sending the signal failed, so the next Raise() tries again.
  void Withdraw() {
    Atomics::Store(pending_, false, std::memory_order_release);
  }

  // Waiting side, after the signal was consumed and before the work is
  // checked.
  void Clear() {
    Atomics::Store(pending_, false, std::memory_order_release);
    Atomics::Fence(std::memory_order_seq_cst);
  }

 private:
  typename Atomics::Flag pending_{false};
};

using WakeFlag = BasicWakeFlag<StdWakeAtomics>;

}  // namespace asycamore

#endif  // ASYCAMORE_BACKEND_WAKE_FLAG_H_
