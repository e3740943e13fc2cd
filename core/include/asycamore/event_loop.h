// EventLoop: owns a dispatcher and turns its events into dispatch_event()
// calls on registered targets, runs timers, and runs tasks posted from other
// threads.
//
//   auto loop = asycamore::CreateEventLoop().value();  // backend_registry.h
//   auto handle = loop->Register(socket, Interest::kRead, &my_target);
//   loop->RunAfter(absl::Seconds(1), [] { ... });
//   loop->Run();                  // until Stop() or nothing is left to do
//
// Stale delivery is impossible by construction: every registration gets a
// handle made of a slot and a generation, and each event carries both. When
// a registration ends, its slot's generation changes, so an event already
// fetched for it in the same iteration is dropped, and a new socket that
// reuses a just-closed descriptor number (new slot or new generation) never
// receives the old socket's events.
//
// Threads. One thread runs the loop; everything but Post(), Wake() and
// Stop() belongs to it. Other threads should hold a RemoteLoop (remote()):
// it stays safe to use while and after the loop is destroyed. The loop's
// destructor waits for Post/Wake/Stop calls in flight, on the loop or on any
// RemoteLoop; calls that start later do nothing and return false. Tasks
// still queued then are destroyed, not run, by the destructor.
//
// Stop() before Run(): the request is kept, and the next Run() returns at
// once, without waiting and without running anything (as libuv's uv_stop
// and asio's stop do); tasks already queued stay queued and run in the next
// Iterate() or Run(). Run() clears the request when it returns. Iterate()
// neither obeys nor clears it (a pending Stop() only ends its wait early,
// once).
#ifndef ASYCAMORE_EVENT_LOOP_H_
#define ASYCAMORE_EVENT_LOOP_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "asycamore/dispatcher.h"
#include "asycamore/event.h"
#include "asycamore/event_batch.h"
#include "asycamore/export.h"
#include "asycamore/native_socket.h"
#include "asycamore/timer_queue.h"

namespace asycamore {

namespace internal {
class LoopControl;    // core/src/loop_control.h
class SignalWatcher;  // core/src/signal_watcher.h
}  // namespace internal

// A handle on an EventLoop for other threads: copyable, and safe to use at
// any time, also while and after the loop is destroyed. Every call returns
// true when it reached the live loop, and false (doing nothing) once the
// loop is gone, or for a default-constructed handle.
//
//   asycamore::RemoteLoop remote = loop->remote();
//   std::thread worker([remote] {
//     if (!remote.Post([] { ... })) { /* the loop was destroyed */ }
//   });
class ASYCAMORE_CORE_API RemoteLoop {
 public:
  RemoteLoop() = default;

  // Queues `task` to run on the loop's thread, and wakes the loop. A task
  // refused (false) is destroyed before Post returns, on the calling thread.
  bool Post(absl::AnyInvocable<void() &&> task) const;
  // Makes a waiting Iterate() return early.
  bool Wake() const;
  // Makes Run() return after the current iteration.
  bool Stop() const;

 private:
  friend class EventLoop;
  explicit RemoteLoop(std::shared_ptr<internal::LoopControl> control)
      : control_(std::move(control)) {}
  std::shared_ptr<internal::LoopControl> control_;
};

// Receives the readiness events of one registration (the seed's
// IDispatchTarget).
//
// Naming: dispatch_event (and TcpConnection's dispatch_state) keep the
// seed's snake_case on purpose, among the library's CamelCase functions.
// They are the names every user of the seed's asycamore.tcpsocket already
// overrides and reads; keeping them makes a port a rename of types, not a
// rewrite of every target, and marks the two places where the library
// calls into user code by the seed's contract.
class ASYCAMORE_CORE_API DispatchTarget {
 public:
  virtual ~DispatchTarget() = default;
  // Handles one event. It may register, modify or deregister any socket,
  // including its own, and may destroy itself after deregistering.
  virtual void dispatch_event(const Event& event) = 0;
};

// Identifies one registration in an EventLoop. Stays safe to use after the
// registration ended: calls with it then fail with NotFound.
class ASYCAMORE_CORE_API RegistrationHandle {
 public:
  RegistrationHandle() = default;
  bool valid() const { return slot_ != kNoSlot; }
  friend bool operator==(RegistrationHandle a, RegistrationHandle b) = default;

 private:
  friend class EventLoop;
  static constexpr std::uint32_t kNoSlot = 0xffffffffu;
  RegistrationHandle(std::uint32_t slot, std::uint32_t generation)
      : slot_(slot), generation_(generation) {}
  std::uint32_t slot_ = kNoSlot;
  std::uint32_t generation_ = 0;
};

// What one Iterate() did.
struct IterationResult {
  std::size_t events = 0;  // dispatch_event calls made
  std::size_t timers = 0;  // timer callbacks run
  std::size_t tasks = 0;   // posted tasks run
};

class ASYCAMORE_CORE_API EventLoop {
 public:
  // Creates a loop on a dispatcher the caller made; CreateEventLoop
  // (backend_registry.h) makes one on a backend chosen by name.
  explicit EventLoop(std::unique_ptr<Dispatcher> dispatcher,
                     std::size_t batch_capacity = EventBatch::kDefaultCapacity);
  ~EventLoop();

  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Starts delivering `socket`'s readiness for `interest` to `target`. The
  // target must outlive the registration.
  absl::StatusOr<RegistrationHandle> Register(NativeSocket socket,
                                              Interest interest,
                                              DispatchTarget* target);

  // Changes what a registration watches.
  absl::Status SetInterest(RegistrationHandle handle, Interest interest);

  // Ends a registration; no event reaches its target afterwards, not even
  // one already fetched in the current iteration. Call before closing the
  // socket.
  absl::Status Deregister(RegistrationHandle handle);

  // Returns whether `handle` names a live registration.
  bool IsRegistered(RegistrationHandle handle) const;

  // Returns the interest of a live registration, or kNone.
  Interest InterestOf(RegistrationHandle handle) const;

  // Runs `callback` once, `delay` from now, on the loop's thread; a timer
  // scheduled during an iteration fires no earlier than the next one (see
  // Iterate).
  TimerId RunAfter(absl::Duration delay, absl::AnyInvocable<void()> callback);

  // Runs `callback` every `period` until cancelled. The period must be
  // positive.
  absl::StatusOr<TimerId> RunEvery(absl::Duration period,
                                   absl::AnyInvocable<void()> callback);

  // Cancels a timer; returns false if it already fired or was cancelled.
  bool CancelTimer(TimerId id) { return timers_.Cancel(id); }

  // Queues `task` to run on the loop's thread during an iteration, and wakes
  // the loop. Thread-safe (but another thread should use remote(), which
  // stays safe after the loop is destroyed). Tasks run in the order they
  // were posted.
  void Post(absl::AnyInvocable<void() &&> task);

  // Makes a waiting Iterate() return early. Thread-safe, like Post().
  void Wake();

  // A handle for other threads (see RemoteLoop).
  RemoteLoop remote() const { return RemoteLoop(control_); }

  // One pass (the seed's "iterate"): waits at most `timeout` (less if a
  // timer is due sooner, zero if tasks are queued), dispatches the events,
  // fires due timers, then runs the posted tasks. Returns what it ran.
  // Calling it from inside a callback of the same loop is an error.
  //
  // What runs in which pass:
  //  - a timer scheduled during a pass (by dispatch_event, a timer callback
  //    or a task) fires no earlier than the next pass, whatever its delay.
  //    So work a callback schedules for later (an immediate connect's
  //    result, a zero-delay retry) never runs inside the pass that
  //    scheduled it, and zero-delay timers cannot hold one pass forever.
  //    Timers fire in deadline order, also across passes: one scheduled
  //    during the pass but due before others holds those back with it;
  //  - tasks posted before the task phase (from any thread, or by
  //    dispatch_event and timer callbacks) run in this pass's task phase;
  //    tasks posted by tasks run in the next pass.
  absl::StatusOr<IterationResult> Iterate(absl::Duration timeout);

  // Iterates until Stop() is called or nothing is left to wait for (no
  // registration, no timer, no queued task).
  absl::Status Run();

  // Makes Run() return after the current iteration, or the next Run() at
  // once (see "Stop() before Run()" above). Thread-safe, like Post().
  void Stop();

  // Runs `callback` on this loop's thread, in an iteration after `signal`
  // was delivered to the process, never inside the signal handler (POSIX:
  // the handler writes to a self-pipe the loop watches; Windows: SIGINT is
  // Ctrl+C and SIGBREAK Ctrl+Break from the console, other numbers are
  // refused). Deliveries close together may run it once, as POSIX signals
  // coalesce. One loop per process owns a signal: claiming one that a loop
  // (this one included) owns fails with AlreadyExists naming the signal.
  // The handler replaces the signal's disposition (it does not chain to the
  // one before) until CancelSignal or the loop's destruction restores it.
  // While it owns a signal the loop keeps a registration, so Run() waits
  // for it. The loop's thread only.
  absl::Status OnSignal(int signal, absl::AnyInvocable<void()> callback);
  // Gives `signal` up and restores the disposition it had before OnSignal;
  // NotFound unless this loop owns it. A callback may cancel its own signal.
  absl::Status CancelSignal(int signal);

  // The loop's thread only; from other threads use remote(). The
  // dispatcher itself is not handed out: a socket added or removed behind
  // the loop's back would break the slot bookkeeping above.
  BackendKind backend_kind() const { return dispatcher_->kind(); }
  std::string_view backend_name() const { return dispatcher_->name(); }
  std::size_t registration_count() const { return live_registrations_; }
  std::size_t timer_count() const { return timers_.size(); }

 private:
  struct Slot {
    DispatchTarget* target = nullptr;
    NativeSocket socket = kInvalidSocket;
    Interest interest = Interest::kNone;  // kNone: slot is free
    std::uint32_t generation = 0;
    // The socket of the registration that ended last in this slot
    // (generation - 1), so a stale handle's error can name it.
    NativeSocket ended_socket = kInvalidSocket;
  };

  // A registration's dispatcher token: its slot in the low 32 bits, its
  // generation in the 30 above them (a dispatcher's token has 62 bits).
  // Generations count modulo 2^30: a handle or an event is stale once its
  // slot has been freed, and it would take 2^30 reuses of one slot before
  // a stale one looked live again.
  static constexpr std::uint32_t kGenerationMask = (1u << 30) - 1;
  static std::uint64_t TokenOf(std::uint32_t slot, std::uint32_t generation) {
    return (static_cast<std::uint64_t>(generation) << 32) | slot;
  }
  Slot* FindLive(RegistrationHandle handle);
  const Slot* FindLive(RegistrationHandle handle) const;
  absl::Status StaleHandleError(const char* call,
                                RegistrationHandle handle) const;
  void DispatchBatch(IterationResult& result);

  std::unique_ptr<Dispatcher> dispatcher_;
  EventBatch batch_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t live_registrations_ = 0;
  TimerQueue timers_;
  bool iterating_ = false;
  // Shared with every RemoteLoop; outlives the loop (loop_control.h).
  std::shared_ptr<internal::LoopControl> control_;
  // Made by the first OnSignal; gives its signals up first thing in the
  // destructor.
  std::unique_ptr<internal::SignalWatcher> signals_;
};

}  // namespace asycamore

#endif  // ASYCAMORE_EVENT_LOOP_H_
