// WakeFlag (backend/wake_flag.h) under a model checker: Relacy runs the
// waker and the waiter through every interleaving and every reordering the
// C++ memory model allows (store buffering included), which real hardware
// shows too rarely to test: on x86 the waker's exchange is a full barrier,
// so only the waiter's side can reorder, in a window shorter than the
// waker's whole sequence. Removing either seq_cst fence of WakeFlag makes
// this test fail.
//
// A program of its own, not a GoogleTest: Relacy replaces the atomics, the
// scheduler and operator new for the code it checks. Exit status 0: no
// execution lost a wake-up.
#include "asycamore/backend/wake_flag.h"  // before Relacy's macros

#include <relacy/relacy.hpp>

// Relacy's convenience macros would rewrite the std:: names below.
#undef memory_order_relaxed
#undef memory_order_consume
#undef memory_order_acquire
#undef memory_order_release
#undef memory_order_acq_rel
#undef memory_order_seq_cst

namespace {

rl::memory_order ModelOrder(std::memory_order order) {
  switch (order) {
    case std::memory_order_relaxed: return rl::mo_relaxed;
    case std::memory_order_consume: return rl::mo_consume;
    case std::memory_order_acquire: return rl::mo_acquire;
    case std::memory_order_release: return rl::mo_release;
    case std::memory_order_acq_rel: return rl::mo_acq_rel;
    case std::memory_order_seq_cst: return rl::mo_seq_cst;
  }
  return rl::mo_seq_cst;
}

struct ModelWakeAtomics {
  using Flag = rl::atomic<bool>;
  static bool Exchange(Flag& flag, bool value, std::memory_order order) {
    return flag($).exchange(value, ModelOrder(order));
  }
  static void Store(Flag& flag, bool value, std::memory_order order) {
    flag($).store(value, ModelOrder(order));
  }
  static void Fence(std::memory_order order) {
    rl::atomic_thread_fence(ModelOrder(order), $);
  }
};

using ModelWakeFlag = asycamore::BasicWakeFlag<ModelWakeAtomics>;

// One wake-up is pending (the flag is set, the signal not yet consumed).
// The waker publishes work and raises; the waiter has consumed the signal,
// clears, and looks for work. Forbidden: the waker skipped its signal (the
// flag looked set) and the waiter saw no work: it would block with work
// queued and no signal on the way.
struct WakerThatSkipsItsSignalHasItsWorkSeen
    : rl::test_suite<WakerThatSkipsItsSignalHasItsWorkSeen, 2> {
  ModelWakeFlag flag;
  rl::atomic<bool> work;
  bool signalled = false;
  bool saw_work = false;

  void before() {
    work($).store(false, rl::mo_relaxed);
    (void)flag.Raise();
  }
  void thread(unsigned index) {
    if (index == 0) {
      work($).store(true, rl::mo_relaxed);  // even relaxed work is seen
      signalled = flag.Raise();
    } else {
      flag.Clear();
      saw_work = work($).load(rl::mo_relaxed);
    }
  }
  void after() { RL_ASSERT(signalled || saw_work); }
};

// Two wakers and a waiter that clears twice: whatever the interleaving,
// the last work published is signalled or seen after the last clear.
struct NoWakeUpIsLostAcrossTwoWakers
    : rl::test_suite<NoWakeUpIsLostAcrossTwoWakers, 3> {
  ModelWakeFlag flag;
  rl::atomic<int> work;
  bool signalled[2] = {false, false};
  int seen = 0;

  void before() {
    work($).store(0, rl::mo_relaxed);
    (void)flag.Raise();
  }
  void thread(unsigned index) {
    if (index < 2) {
      work($).fetch_add(1, rl::mo_relaxed);
      signalled[index] = flag.Raise();
    } else {
      flag.Clear();
      seen = work($).load(rl::mo_relaxed);
    }
  }
  // Each waker either signalled (the waiter will wake again) or had its
  // work seen: so not both skipped while the waiter saw less than both.
  void after() {
    RL_ASSERT(signalled[0] || signalled[1] || seen == 2);
  }
};

}  // namespace

int main() {
  rl::test_params params;
  params.search_type = rl::sched_full;  // every execution, not a sample
  const bool first = rl::simulate<WakerThatSkipsItsSignalHasItsWorkSeen>(params);
  const bool second = rl::simulate<NoWakeUpIsLostAcrossTwoWakers>(params);
  return first && second ? 0 : 1;
}
