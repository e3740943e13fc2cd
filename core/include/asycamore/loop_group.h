// LoopGroup: N event loops on N threads, started and stopped together, and
// joined before the group is destroyed, so that a product spreading its
// connections over the cores does not write the threads by hand.
//
//   auto group = LoopGroup::Create(4, [](int index) {
//     return CreateEventLoop({.backend = "epoll"});  // core knows no registry:
//   });                                              // the caller makes the loops
//   if (!group.ok()) return group.status();
//   (*group)->Post(i, [&] { ... set up loop i's connections, on its thread ... });
//   (*group)->Start();
//   ...
//   (*group)->Stop();   // from any thread, also from a loop's own callbacks
//   (*group)->Join();   // or let the destructor stop and join
//
// Each thread iterates its loop until the group is stopped, whatever the
// loop holds (an idle loop waits for posted tasks instead of returning, as
// EventLoop::Run would with nothing registered). Stop() wakes every loop;
// each finishes the iteration it is in and its thread returns.
//
// Threads. The loops are created on the calling thread, then belong to
// their threads from Start() to Join(): between those, touch a loop only
// through Post() / remote() (or from its own thread). Before Start and after
// Join the caller may use them directly. Start, Join and the destructor are
// for one controlling thread; Stop, Post, remote and stopping() for any.
#ifndef ASYCAMORE_LOOP_GROUP_H_
#define ASYCAMORE_LOOP_GROUP_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "asycamore/event_loop.h"

namespace asycamore {

// Makes the loop of thread `index` (0-based); called on the thread that
// calls LoopGroup::Create, once per loop, in index order.
using LoopFactory =
    absl::AnyInvocable<absl::StatusOr<std::unique_ptr<EventLoop>>(int index)>;

class LoopGroup {
 public:
  // The most loops a group may have (a bound on a mistyped count).
  static constexpr int kMaxLoops = 1024;

  // Creates `count` loops with `factory` (1..kMaxLoops). Fails with the
  // factory's error, naming the loop's index, or when the count is out of
  // range. No thread starts yet.
  static absl::StatusOr<std::unique_ptr<LoopGroup>> Create(int count,
                                                           LoopFactory factory);

  // Stops the threads, joins them, then destroys the loops.
  ~LoopGroup();

  LoopGroup(const LoopGroup&) = delete;
  LoopGroup& operator=(const LoopGroup&) = delete;

  int size() const { return static_cast<int>(loops_.size()); }

  // The loop of thread `index`: use it directly only before Start() or
  // after Join(), or on its own thread.
  EventLoop& loop(int index) { return *loops_[index]; }
  // A handle on loop `index` that any thread may use at any time.
  RemoteLoop remote(int index) const { return remotes_[index]; }

  // Runs `task` on loop `index`'s thread (queued until Start when called
  // before). Returns false when the loop is gone.
  bool Post(int index, absl::AnyInvocable<void() &&> task) const {
    return remotes_[index].Post(std::move(task));
  }

  // Starts one thread per loop. Fails (starting nothing) when already
  // started, or after Stop(). When the system refuses a thread, the ones
  // already started are stopped and joined and the error is returned: the
  // group runs all its loops or none.
  absl::Status Start();
  // Whether Start() succeeded, and whether the threads may still run
  // (started and not joined yet). The controlling thread only.
  bool started() const { return started_; }
  bool running() const { return started_ && !joined_; }

  // Asks every thread to return after its current iteration. Any thread;
  // safe to call again, before Start (the threads then never run) and from
  // a loop's own callbacks.
  void Stop();
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  // Waits for every thread to return (call Stop first, or something that
  // calls it; otherwise Join waits until then). Returns the first error an
  // Iterate returned on any loop (that loop's thread stopped there), or OK.
  // Called on one of the group's own threads it would wait for itself: it
  // fails with FailedPrecondition instead, joining nothing.
  absl::Status Join();

 private:
  explicit LoopGroup(std::vector<std::unique_ptr<EventLoop>> loops);
  void RunThread(int index);

  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::vector<RemoteLoop> remotes_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  bool joined_ = false;
  // std::mutex: TSan sees it (Debian's absl::Mutex lacks its annotations).
  std::mutex error_mutex_;
  absl::Status first_error_;  // guarded by error_mutex_
};

}  // namespace asycamore

#endif  // ASYCAMORE_LOOP_GROUP_H_
