// The event loop and other threads, on every built backend: RemoteLoop
// across the loop's destruction, wake-ups under a storm of posts, Stop()
// before Run(). The linux-tsan lane runs these under ThreadSanitizer.
#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "asycamore/event_loop.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"

namespace asycamore::testing {
namespace {

// Counts how a task ended: run, or destroyed unrun. Exactly one of the two
// must happen to every task.
struct TaskLedger {
  std::atomic<int> made{0};
  std::atomic<int> ran{0};
  std::atomic<int> dropped{0};
};

class LedgeredTask {
 public:
  explicit LedgeredTask(TaskLedger* ledger) : ledger_(ledger) {
    ledger_->made.fetch_add(1);
  }
  LedgeredTask(LedgeredTask&& other) noexcept
      : ledger_(std::exchange(other.ledger_, nullptr)) {}
  LedgeredTask& operator=(LedgeredTask&&) = delete;
  ~LedgeredTask() {
    if (ledger_ != nullptr) ledger_->dropped.fetch_add(1);
  }
  void operator()() && {
    std::exchange(ledger_, nullptr)->ran.fetch_add(1);
  }

 private:
  TaskLedger* ledger_;
};

using EventLoopThreads = BackendTest;

TEST_P(EventLoopThreads, PostWakeStopFromOtherThreadsWhileTheLoopIsDestroyed) {
  // Before RemoteLoop, a Post racing the destructor wrote to the freed
  // wake-up descriptor (ThreadSanitizer: WakeupFd::Signal against
  // ~WakeupFd; on POSIX the write could hit a reused descriptor).
  constexpr int kRounds = 40;
  constexpr int kThreads = 3;
  for (int round = 0; round < kRounds; ++round) {
    absl::StatusOr<std::unique_ptr<EventLoop>> created =
        EventLoop::Create({.backend = GetParam()});
    ASSERT_TRUE(created.ok()) << created.status();
    std::unique_ptr<EventLoop> loop = *std::move(created);
    const RemoteLoop remote = loop->remote();
    TaskLedger ledger;
    std::atomic<int> started{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        started.fetch_add(1);
        // Until the loop is gone: every call must then say so.
        for (int i = 0;; ++i) {
          bool reached = true;
          switch ((i + t) % 3) {
            case 0:
              reached = remote.Post(LedgeredTask(&ledger));
              break;
            case 1:
              reached = remote.Wake();
              break;
            default:
              reached = remote.Stop();
              break;
          }
          if (!reached) break;
        }
        EXPECT_FALSE(remote.Post(LedgeredTask(&ledger)));
        EXPECT_FALSE(remote.Wake());
        EXPECT_FALSE(remote.Stop());
      });
    }
    while (started.load() < kThreads) std::this_thread::yield();
    // Run a little (a varying amount), then destroy the loop mid-storm.
    for (int i = 0; i < round % 4; ++i) {
      ASSERT_TRUE(loop->Iterate(absl::Milliseconds(1)).ok());
    }
    loop.reset();
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(ledger.ran.load() + ledger.dropped.load(), ledger.made.load())
        << "every task runs or is destroyed, once";
  }
}

TEST_P(EventLoopThreads, CallsOnARemoteLoopAfterTheLoopIsGoneReturnFalse) {
  RemoteLoop remote = loop().remote();
  TaskLedger ledger;
  EXPECT_TRUE(remote.Post(LedgeredTask(&ledger)));
  EXPECT_TRUE(remote.Wake());
  loop_.reset();  // the queued task is destroyed, unrun
  EXPECT_EQ(ledger.dropped.load(), 1);
  EXPECT_FALSE(remote.Post(LedgeredTask(&ledger)));
  EXPECT_EQ(ledger.dropped.load(), 2) << "a refused task is destroyed at once";
  EXPECT_FALSE(remote.Wake());
  EXPECT_FALSE(remote.Stop());
  EXPECT_EQ(ledger.ran.load(), 0);
  EXPECT_FALSE(RemoteLoop().Post([] {})) << "a handle on no loop";
}

TEST_P(EventLoopThreads, ARemoteLoopCopiedToManyThreadsReachesTheLoop) {
  constexpr int kThreads = 3;
  constexpr int kPosts = 50;
  std::atomic<int> ran{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([remote = loop().remote(), &ran] {
      for (int i = 0; i < kPosts; ++i) {
        EXPECT_TRUE(remote.Post([&ran] { ran.fetch_add(1); }));
      }
    });
  }
  ASSERT_TRUE(RunUntil(loop(), [&] { return ran.load() == kThreads * kPosts; }));
  for (std::thread& thread : threads) thread.join();
}

// Reads whatever arrives, so the socket does not stay readable.
class DrainingTarget : public DispatchTarget {
 public:
  explicit DrainingTarget(NativeSocket socket) : socket_(socket) {}
  void dispatch_event(const Event&) override { DrainSocket(socket_); }

 private:
  NativeSocket socket_;
};

// Waits until `ran` reaches `wanted`; false after 10 s. A stall detector,
// not a timing check: a healthy loop runs a posted task within microseconds.
bool AwaitTasks(const std::atomic<int>& ran, int wanted) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (ran.load() < wanted) {
    if (absl::Now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST_P(EventLoopThreads, NoWakeUpIsLostUnderAPostStormFromManyThreads) {
  // Run() waits without a timeout, so one lost wake-up leaves a task queued
  // with the loop asleep. The storm makes posts land while the loop drains
  // the wake-up signal (a backend that cleared its flag before draining
  // swallowed such a post's signal, and then no Wake() ever signalled
  // again); the pings then need a wake-up each, and stall if one is lost.
  constexpr int kThreads = 3;
  constexpr int kRounds = 5;
  constexpr int kStorm = 2000;
  constexpr int kPings = 20;
  std::atomic<bool> stalled{false};
  std::atomic<int> finished{0};
  const RemoteLoop remote = loop().remote();
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([&, t] {
      std::atomic<int> ran{0};
      auto post = [&] {
        if (!remote.Post([&ran] { ran.fetch_add(1); })) {
          ADD_FAILURE() << "the loop is alive: Post must reach it";
        }
      };
      int posted = 0;
      for (int round = 0; round < kRounds && !stalled.load(); ++round) {
        for (int i = 0; i < kStorm; ++i, ++posted) {
          post();
          if ((i + t) % 64 == 0) std::this_thread::yield();
        }
        if (!AwaitTasks(ran, posted)) stalled = true;
        for (int i = 0; i < kPings && !stalled.load(); ++i) {
          post();
          if (!AwaitTasks(ran, ++posted)) stalled = true;
          if ((i + t) % 5 == 0) {
            absl::SleepFor(absl::Microseconds((i * 37) % 100));
          }
        }
      }
      if (finished.fetch_add(1) + 1 == kThreads) remote.Stop();
    });
  }
  // Keeps Run() alive between posts, and is the way out if a wake-up is
  // lost: readiness wakes the loop without the wake-up path, so the stop
  // that follows a stall is seen (a lost wake-up fails the test, never
  // hangs it).
  SocketPair rescue = MakeSocketPair();
  DrainingTarget drain(rescue.first);
  absl::StatusOr<RegistrationHandle> handle =
      loop().Register(rescue.first, Interest::kRead, &drain);
  ASSERT_TRUE(handle.ok()) << handle.status();
  std::atomic<bool> run_returned{false};
  std::thread rescuer([&] {
    while (!run_returned.load()) {
      if (stalled.load()) SendBytes(rescue.second, "r", 1);
      absl::SleepFor(absl::Milliseconds(10));
    }
  });
  const absl::Status ran = loop().Run();  // until the last poster's Stop()
  run_returned = true;
  for (std::thread& poster : posters) poster.join();
  rescuer.join();
  ASSERT_TRUE(ran.ok()) << ran;
  ASSERT_TRUE(loop().Deregister(*handle).ok());
  ClosePair(rescue);
  EXPECT_FALSE(stalled.load()) << "a posted task waited 10 s: a wake-up was lost";
}

TEST_P(EventLoopThreads, StopBeforeRunReturnsAtOnceAndQueuedTasksWaitForTheNextRun) {
  int ran = 0;
  loop().Post([&ran] { ++ran; });
  loop().Stop();
  const TimerId keep_alive = loop().RunAfter(absl::Hours(1), [] {});
  ASSERT_TRUE(loop().Run().ok()) << "returns at once: would block an hour";
  EXPECT_EQ(ran, 0) << "the stopped Run runs nothing";
  loop().CancelTimer(keep_alive);
  ASSERT_TRUE(loop().Run().ok()) << "the request was cleared";
  EXPECT_EQ(ran, 1) << "the queued task ran in the next Run";
}

TEST_P(EventLoopThreads, StopFromAnotherThreadBeforeRunIsKeptForTheNextRun) {
  std::thread stopper([remote = loop().remote()] { EXPECT_TRUE(remote.Stop()); });
  stopper.join();
  const TimerId keep_alive = loop().RunAfter(absl::Hours(1), [] {});
  ASSERT_TRUE(loop().Run().ok());
  loop().CancelTimer(keep_alive);
}

// Counts its events and reads nothing, so its socket stays readable.
class CountingTarget : public DispatchTarget {
 public:
  void dispatch_event(const Event&) override { ++events; }
  int events = 0;
};

TEST_P(EventLoopThreads, SocketIsServedWhilePostsArriveFromAnotherThread) {
  // On select, every wake-up used to cost a ready socket (the wake-up
  // descriptor was counted twice), so a steady stream of posts starved
  // socket I/O. Here each pass has a post from the other thread and a
  // readable socket in the same wait: both must be served, every pass.
  constexpr int kPasses = 50;
  SocketPair pair = MakeSocketPair();
  CountingTarget target;
  absl::StatusOr<RegistrationHandle> handle =
      loop().Register(pair.first, Interest::kRead, &target);
  ASSERT_TRUE(handle.ok()) << handle.status();
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);  // never read: ready always
  std::atomic<int> wanted{0};
  std::atomic<int> posted{0};
  std::thread poster([&, remote = loop().remote()] {
    for (int pass = 1; pass <= kPasses; ++pass) {
      while (wanted.load() < pass) std::this_thread::yield();
      EXPECT_TRUE(remote.Post([] {}));
      posted.store(pass);
    }
  });
  int served = 0;
  for (int pass = 1; pass <= kPasses; ++pass) {
    wanted.store(pass);
    while (posted.load() < pass) std::this_thread::yield();
    absl::StatusOr<IterationResult> result = loop().Iterate(absl::Seconds(5));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->tasks, 1u) << "pass " << pass;
    served += result->events == 1 ? 1 : 0;
  }
  poster.join();
  EXPECT_EQ(served, kPasses) << "passes with a post but no socket event";
  EXPECT_EQ(target.events, kPasses);
  ASSERT_TRUE(loop().Deregister(*handle).ok());
  ClosePair(pair);
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(EventLoopThreads);

}  // namespace
}  // namespace asycamore::testing
