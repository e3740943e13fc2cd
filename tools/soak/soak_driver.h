// SoakDriver: holds `connections` sessions open at once on one event loop,
// each slot starting its next session as soon as the last one closed,
// for `duration`; then winds every session down and waits for them (for
// `drain` at most; those still open then count as hung).
//
//   SoakDriver driver(*loop, options, server);
//   SoakTally tally = driver.Run();
//
// At most kMaxConnecting connects are in flight at once: a slot waits its
// turn, so that the listener's backlog never overflows (a SYN dropped there
// is retried after 1, 3, 7... s, which would leave slots empty for long).
//
// A slot's n-th session has the plan DrawSessionPlan draws from the seed
// sequence (seed, slot, n), so a run's sessions are the same for a seed
// (their timing, and so which bytes are in flight when, is not).
//
// Run() leaves nothing scheduled on the loop when it returns: its timers
// and the slots' pending clean-ups are cancelled (the loop may run on).
#ifndef ASYCAMORE_TOOLS_SOAK_SOAK_DRIVER_H_
#define ASYCAMORE_TOOLS_SOAK_SOAK_DRIVER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "asycamore/event_loop.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "asycamore/timer_queue.h"
#include "soak_options.h"
#include "soak_session.h"
#include "soak_tally.h"

namespace asycamore {

class SoakDriver {
 public:
  SoakDriver(EventLoop& loop, SoakOptions options, SocketAddress server);
  // Destroys the sessions still open (hung ones), before the loop goes.
  ~SoakDriver();

  SoakDriver(const SoakDriver&) = delete;
  SoakDriver& operator=(const SoakDriver&) = delete;

  // Runs the loop until every session ended or the drain time ran out.
  // Call it once.
  SoakTally Run();

 private:
  struct Slot {
    std::unique_ptr<SoakSession> session;  // null between two sessions
    std::uint64_t sessions_opened = 0;
    bool ended = false;  // the session has reported its outcome
    TimerId cleanup;     // destroys an ended session on the next turn
  };

  // Opens `slot` now, or when a connect in flight has finished.
  void Want(int slot);
  void Open(int slot);
  void ConnectFinished();
  void Ended(int slot, const SessionOutcome& outcome);
  void WindDown();
  void Drained();
  void Finish();
  void ReportProgress();

  EventLoop& loop_;
  SoakOptions options_;
  SocketAddress server_;
  std::vector<Slot> slots_;
  std::deque<int> waiting_;  // slots to open, in turn
  int connecting_ = 0;
  int connected_ = 0;
  int live_ = 0;  // sessions still to end, once winding down
  bool winding_down_ = false;
  bool finished_ = false;  // the loop was told to stop
  TimerId drain_timer_;
  SoakTally tally_;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_SOAK_SOAK_DRIVER_H_
