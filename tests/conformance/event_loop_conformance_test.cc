// The event loop (event_loop.h) on every built backend: dispatch, stale
// delivery, timers, posting, wake-up, Run/Stop.
#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "asycamore/event_loop.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"

#ifndef _WIN32
#include <unistd.h>
#endif

namespace asycamore::testing {
namespace {

// A target that records its events and runs an optional hook on each.
class RecordingTarget : public DispatchTarget {
 public:
  void dispatch_event(const Event& event) override {
    events.push_back(event);
    if (on_event) on_event(event);
  }
  std::vector<Event> events;
  std::function<void(const Event&)> on_event;
};

class EventLoopConformance : public BackendTest {
 protected:
  void TearDown() override {
    loop_.reset();
    for (NativeSocket socket : owned_) CloseSocket(socket);
  }
  SocketPair Pair() {
    SocketPair pair = MakeSocketPair();
    owned_.push_back(pair.first);
    owned_.push_back(pair.second);
    return pair;
  }
  void Forget(NativeSocket socket) {
    owned_.erase(std::remove(owned_.begin(), owned_.end(), socket),
                 owned_.end());
  }
  RegistrationHandle MustRegister(NativeSocket socket, Interest interest,
                                  DispatchTarget* target) {
    absl::StatusOr<RegistrationHandle> handle =
        loop().Register(socket, interest, target);
    EXPECT_TRUE(handle.ok()) << handle.status();
    return handle.value_or(RegistrationHandle());
  }

  std::vector<NativeSocket> owned_;
};

TEST_P(EventLoopConformance, DeliversEventsToTheRegisteredTarget) {
  SocketPair pair = Pair();
  RecordingTarget target;
  MustRegister(pair.first, Interest::kRead, &target);
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  ASSERT_TRUE(RunUntil(loop(), [&] { return !target.events.empty(); }));
  EXPECT_EQ(target.events[0].socket, pair.first);
  EXPECT_TRUE(target.events[0].readable);
}

TEST_P(EventLoopConformance, IterateReportsWhatItRan) {
  SocketPair pair = Pair();
  RecordingTarget target;
  MustRegister(pair.first, Interest::kRead, &target);
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  loop().RunAfter(absl::ZeroDuration(), [] {});
  loop().Post([] {});
  IterationResult total;
  for (int i = 0; i < 20 && (total.events == 0 || total.timers == 0 ||
                             total.tasks == 0);
       ++i) {
    absl::StatusOr<IterationResult> pass = loop().Iterate(absl::Milliseconds(50));
    ASSERT_TRUE(pass.ok()) << pass.status();
    total.events += pass->events;
    total.timers += pass->timers;
    total.tasks += pass->tasks;
  }
  EXPECT_GE(total.events, 1u);
  EXPECT_EQ(total.timers, 1u);
  EXPECT_EQ(total.tasks, 1u);
}

TEST_P(EventLoopConformance, TargetRemovedDuringIterationGetsNoFurtherEvent) {
  SocketPair a = Pair();
  SocketPair b = Pair();
  RecordingTarget target_a;
  RecordingTarget target_b;
  RegistrationHandle handle_a = MustRegister(a.first, Interest::kRead, &target_a);
  RegistrationHandle handle_b = MustRegister(b.first, Interest::kRead, &target_b);
  // Whichever fires first removes the other: both are ready in one batch.
  target_a.on_event = [&](const Event&) {
    if (loop().IsRegistered(handle_b)) {
      ASSERT_TRUE(loop().Deregister(handle_b).ok());
    }
  };
  target_b.on_event = [&](const Event&) {
    if (loop().IsRegistered(handle_a)) {
      ASSERT_TRUE(loop().Deregister(handle_a).ok());
    }
  };
  ASSERT_EQ(SendBytes(a.second, "x", 1), 1);
  ASSERT_EQ(SendBytes(b.second, "x", 1), 1);
  absl::SleepFor(absl::Milliseconds(5));
  ASSERT_TRUE(loop().Iterate(absl::Seconds(1)).ok());
  EXPECT_EQ(target_a.events.size() + target_b.events.size(), 1u)
      << "the removed target was called after its removal";
  RecordingTarget& removed = target_a.events.empty() ? target_a : target_b;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(10)).ok());
  }
  EXPECT_TRUE(removed.events.empty());
}

TEST_P(EventLoopConformance, ReusedDescriptorNeverGetsTheOldSocketsEvents) {
  SocketPair a = Pair();
  SocketPair b = Pair();
  RecordingTarget target_a;
  RecordingTarget target_b;
  RecordingTarget target_new;
  RegistrationHandle handle_a = MustRegister(a.first, Interest::kRead, &target_a);
  RegistrationHandle handle_b = MustRegister(b.first, Interest::kRead, &target_b);
  NativeSocket reused = kInvalidSocket;
  // The first target to run closes the other socket and, in the same
  // iteration, registers a new socket under the very same number.
  auto replace = [&](RegistrationHandle victim, NativeSocket victim_socket) {
    if (reused != kInvalidSocket) return;
    ASSERT_TRUE(loop().Deregister(victim).ok());
    Forget(victim_socket);
    CloseSocket(victim_socket);
    SocketPair fresh = MakeSocketPairAt(victim_socket);
    reused = fresh.first;
    if (reused != kInvalidSocket) owned_.push_back(reused);
    owned_.push_back(fresh.second);
    ASSERT_EQ(reused, victim_socket) << "could not reuse the number";
    // Readable too, so a stale event would look plausible.
    ASSERT_EQ(SendBytes(fresh.second, "y", 1), 1);
    MustRegister(reused, Interest::kRead, &target_new);
  };
  target_a.on_event = [&](const Event&) { replace(handle_b, b.first); };
  target_b.on_event = [&](const Event&) { replace(handle_a, a.first); };
  ASSERT_EQ(SendBytes(a.second, "x", 1), 1);
  ASSERT_EQ(SendBytes(b.second, "x", 1), 1);
  absl::SleepFor(absl::Milliseconds(5));
  ASSERT_TRUE(loop().Iterate(absl::Seconds(1)).ok());
  ASSERT_NE(reused, kInvalidSocket);
  EXPECT_TRUE(target_new.events.empty())
      << "the new socket got an event fetched for the closed one";
  EXPECT_EQ(target_a.events.size() + target_b.events.size(), 1u);
  // From the next iteration on, the new socket's own events arrive.
  ASSERT_TRUE(RunUntil(loop(), [&] { return !target_new.events.empty(); }));
  EXPECT_EQ(target_new.events[0].socket, reused);
}

#ifndef _WIN32
// Misuse the loop must survive: a socket closed before Deregister while a
// duplicate of it is open. epoll keeps the open file in its set and goes on
// reporting the old registration's token; the slot that token names is
// reused by the next Register, whose target must get none of it (the
// generation changed). The new socket has its own number, so the backends
// that look up by descriptor are tested on the slot alone too.
TEST_P(EventLoopConformance, ADuplicateOfASocketClosedBeforeDeregisterNeverReachesTheSlotsNextTarget) {
  SocketPair old_pair = Pair();
  SocketPair new_pair = Pair();
  RecordingTarget old_target;
  RecordingTarget new_target;
  RegistrationHandle old_handle =
      MustRegister(old_pair.first, Interest::kRead, &old_target);
  const int duplicate = ::dup(old_pair.first);
  ASSERT_GE(duplicate, 0);
  Forget(old_pair.first);
  CloseSocket(old_pair.first);  // misuse: closed before Deregister
  (void)loop().Deregister(old_handle);  // may say it was closed first
  MustRegister(new_pair.first, Interest::kRead, &new_target);
  // The duplicated file becomes readable; the new socket never does.
  ASSERT_EQ(SendBytes(old_pair.second, "x", 1), 1);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(20)).ok());
  }
  EXPECT_TRUE(new_target.events.empty())
      << "the slot's next target got the closed socket's readiness: "
      << DescribeEvent(new_target.events.front());
  EXPECT_TRUE(old_target.events.empty());
  ::close(duplicate);
}
#endif

TEST_P(EventLoopConformance, InterestTurnedOffDuringIterationIsNotDelivered) {
  SocketPair a = Pair();
  SocketPair b = Pair();
  RecordingTarget target_a;
  RecordingTarget target_b;
  RegistrationHandle handle_a = MustRegister(a.first, Interest::kWrite, &target_a);
  RegistrationHandle handle_b = MustRegister(b.first, Interest::kWrite, &target_b);
  target_a.on_event = [&](const Event&) {
    if (target_b.events.empty()) {
      ASSERT_TRUE(loop().SetInterest(handle_b, Interest::kRead).ok());
    }
  };
  target_b.on_event = [&](const Event&) {
    if (target_a.events.empty()) {
      ASSERT_TRUE(loop().SetInterest(handle_a, Interest::kRead).ok());
    }
  };
  ASSERT_TRUE(loop().Iterate(absl::Seconds(1)).ok());
  EXPECT_EQ(target_a.events.size() + target_b.events.size(), 1u);
}

TEST_P(EventLoopConformance, TargetMayDeregisterAndDestroyItself) {
  SocketPair pair = Pair();
  struct SelfDestroying : DispatchTarget {
    EventLoop* loop = nullptr;
    RegistrationHandle handle;
    int* calls = nullptr;
    void dispatch_event(const Event&) override {
      ++*calls;
      EXPECT_TRUE(loop->Deregister(handle).ok());
      delete this;
    }
  };
  int calls = 0;
  auto* target = new SelfDestroying;
  target->loop = &loop();
  target->calls = &calls;
  target->handle = MustRegister(pair.first, Interest::kReadWrite, target);
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(10)).ok());
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(loop().registration_count(), 0u);
}

TEST_P(EventLoopConformance, StaleHandlesAreRefused) {
  SocketPair pair = Pair();
  RecordingTarget target;
  RegistrationHandle handle = MustRegister(pair.first, Interest::kRead, &target);
  ASSERT_TRUE(loop().Deregister(handle).ok());
  EXPECT_EQ(loop().Deregister(handle).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(loop().SetInterest(handle, Interest::kWrite).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(loop().SetInterest(RegistrationHandle(), Interest::kWrite).code(),
            absl::StatusCode::kNotFound);
  // Re-registering the same socket gets a different handle.
  RegistrationHandle again = MustRegister(pair.first, Interest::kRead, &target);
  EXPECT_FALSE(again == handle);
  EXPECT_FALSE(loop().IsRegistered(handle));
  EXPECT_TRUE(loop().IsRegistered(again));
}

TEST_P(EventLoopConformance, StaleHandleErrorsSayWhichHandleAndSocket) {
  // They used to say only "the registration handle is not live".
  SocketPair pair = Pair();
  RecordingTarget target;
  RegistrationHandle handle = MustRegister(pair.first, Interest::kRead, &target);
  ASSERT_TRUE(loop().Deregister(handle).ok());
  const std::string socket = absl::StrCat("socket=", SocketNumber(pair.first));
  absl::Status status = loop().Deregister(handle);
  EXPECT_NE(status.message().find("EventLoop::Deregister(handle={slot="),
            absl::string_view::npos) << status;
  EXPECT_NE(status.message().find(", generation=0}"), absl::string_view::npos)
      << status;
  EXPECT_NE(status.message().find(socket), absl::string_view::npos) << status;
  EXPECT_NE(status.message().find("already ended"), absl::string_view::npos)
      << status;
  status = loop().SetInterest(handle, Interest::kWrite);
  EXPECT_NE(status.message().find("EventLoop::SetInterest(handle={slot="),
            absl::string_view::npos) << status;
  EXPECT_NE(status.message().find(socket), absl::string_view::npos) << status;
  // Once the slot was reused, the old socket is no longer known.
  RegistrationHandle again = MustRegister(pair.second, Interest::kRead, &target);
  ASSERT_TRUE(loop().Deregister(again).ok());
  status = loop().Deregister(handle);
  EXPECT_NE(status.message().find("reused"), absl::string_view::npos) << status;
  status = loop().Deregister(RegistrationHandle());
  EXPECT_NE(status.message().find("(handle={empty})"), absl::string_view::npos)
      << status;
}

TEST_P(EventLoopConformance, RegisterErrorsNameTheSocket) {
  RecordingTarget target;
  absl::StatusOr<RegistrationHandle> handle =
      loop().Register(kInvalidSocket, Interest::kRead, &target);
  EXPECT_FALSE(handle.ok());
  SocketPair pair = Pair();
  handle = loop().Register(pair.first, Interest::kRead, nullptr);
  EXPECT_EQ(handle.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(handle.status().message().find("target is null"), absl::string_view::npos);
  MustRegister(pair.first, Interest::kRead, &target);
  handle = loop().Register(pair.first, Interest::kRead, &target);
  EXPECT_EQ(handle.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(loop().registration_count(), 1u);
}

TEST_P(EventLoopConformance, TimersFireInDeadlineOrder) {
  std::vector<int> order;
  loop().RunAfter(absl::Milliseconds(30), [&] { order.push_back(3); });
  loop().RunAfter(absl::Milliseconds(10), [&] { order.push_back(1); });
  loop().RunAfter(absl::Milliseconds(20), [&] { order.push_back(2); });
  loop().RunAfter(absl::Milliseconds(10), [&] { order.push_back(11); });
  ASSERT_TRUE(loop().Run().ok());
  EXPECT_EQ(order, (std::vector<int>{1, 11, 2, 3}));
}

TEST_P(EventLoopConformance, ZeroDelayTimerScheduledInDispatchFiresInALaterIterate) {
  // An immediate connect started inside dispatch_event was delivered in the
  // same Iterate: its zero-delay timer fired in that pass's timer phase.
  SocketPair pair = Pair();
  RecordingTarget target;
  RegistrationHandle handle = MustRegister(pair.first, Interest::kRead, &target);
  int pass = 0;
  int scheduled_in = 0;
  int fired_in = 0;
  target.on_event = [&](const Event&) {
    ASSERT_TRUE(loop().Deregister(handle).ok());
    scheduled_in = pass;
    loop().RunAfter(absl::ZeroDuration(), [&] { fired_in = pass; });
  };
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  while (fired_in == 0 && pass < 100) {
    ++pass;
    absl::StatusOr<IterationResult> result = loop().Iterate(absl::Milliseconds(50));
    ASSERT_TRUE(result.ok()) << result.status();
    if (pass == scheduled_in) {
      EXPECT_EQ(result->timers, 0u);
    }
  }
  ASSERT_NE(scheduled_in, 0) << "the event never came";
  EXPECT_EQ(fired_in, scheduled_in + 1) << "the next pass, not the same one";
}

TEST_P(EventLoopConformance, TimersScheduledByTimersAndTasksFireInALaterIterate) {
  int pass = 0;
  int from_timer = 0;
  int from_task = 0;
  loop().RunAfter(absl::ZeroDuration(), [&] {
    loop().RunAfter(absl::ZeroDuration(), [&] { from_timer = pass; });
  });
  loop().Post([&] {
    loop().RunAfter(absl::ZeroDuration(), [&] { from_task = pass; });
  });
  pass = 1;
  ASSERT_TRUE(loop().Iterate(absl::ZeroDuration()).ok());
  EXPECT_EQ(from_timer, 0);
  EXPECT_EQ(from_task, 0);
  pass = 2;
  ASSERT_TRUE(loop().Iterate(absl::Seconds(1)).ok());
  EXPECT_EQ(from_timer, 2);
  EXPECT_EQ(from_task, 2);
}

TEST_P(EventLoopConformance, TimerIsNotEarly) {
  // Timers run on the monotonic clock: measure with it.
  const SteadyTime start = SteadyClock::now();
  SteadyTime fired;
  loop().RunAfter(absl::Milliseconds(40), [&] { fired = SteadyClock::now(); });
  ASSERT_TRUE(loop().Run().ok());
  EXPECT_GE(fired - start, std::chrono::milliseconds(40));
}

TEST_P(EventLoopConformance, InfiniteDelayNeverFires) {
  bool fired = false;
  TimerId never = loop().RunAfter(absl::InfiniteDuration(), [&] { fired = true; });
  loop().RunAfter(absl::Hours(24 * 365 * 1000), [&] { fired = true; });
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(5)).ok());
  }
  EXPECT_FALSE(fired);
  EXPECT_TRUE(loop().CancelTimer(never));
}

TEST_P(EventLoopConformance, FiftyMillisecondTimerTakesFewIterations) {
  bool fired = false;
  loop().RunAfter(absl::Milliseconds(50), [&] { fired = true; });
  int iterations = 0;
  while (!fired && iterations < 1000) {
    ASSERT_TRUE(loop().Iterate(absl::InfiniteDuration()).ok());
    ++iterations;
  }
  EXPECT_TRUE(fired);
  EXPECT_LE(iterations, 3) << "the loop woke up early or spun";
}

TEST_P(EventLoopConformance, CancelledTimerNeverFires) {
  bool fired = false;
  TimerId id = loop().RunAfter(absl::Milliseconds(5), [&] { fired = true; });
  bool other = false;
  loop().RunAfter(absl::Milliseconds(20), [&] { other = true; });
  EXPECT_TRUE(loop().CancelTimer(id));
  EXPECT_FALSE(loop().CancelTimer(id)) << "cancelling twice";
  ASSERT_TRUE(loop().Run().ok());
  EXPECT_FALSE(fired);
  EXPECT_TRUE(other);
}

TEST_P(EventLoopConformance, RepeatingTimerRepeatsUntilCancelled) {
  int ticks = 0;
  TimerId id;
  absl::StatusOr<TimerId> repeating = loop().RunEvery(absl::Milliseconds(2), [&] {
    if (++ticks == 5) {
      EXPECT_TRUE(loop().CancelTimer(id));
    }
  });
  ASSERT_TRUE(repeating.ok());
  id = *repeating;
  ASSERT_TRUE(loop().Run().ok()) << "Run returns once the timer is cancelled";
  EXPECT_EQ(ticks, 5);
  EXPECT_EQ(loop().timer_count(), 0u);
  EXPECT_EQ(loop().RunEvery(absl::ZeroDuration(), [] {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(EventLoopConformance, PostFromOtherThreadsRunsInOrderOnTheLoop) {
  const std::thread::id loop_thread = std::this_thread::get_id();
  std::vector<int> ran;
  std::atomic<int> posted{0};
  std::thread poster([&] {
    for (int i = 0; i < 100; ++i) {
      loop().Post([&, i] {
        EXPECT_EQ(std::this_thread::get_id(), loop_thread);
        ran.push_back(i);
      });
      ++posted;
    }
  });
  ASSERT_TRUE(RunUntil(loop(), [&] { return ran.size() == 100; }));
  poster.join();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ran[static_cast<std::size_t>(i)], i);
}

TEST_P(EventLoopConformance, BurstyPostsNeverStallRun) {
  // Pins down lost wake-ups: Run() waits without a timeout, so a single
  // lost wake-up leaves a posted task stuck and the poster times out.
  SocketPair idle = Pair();
  RecordingTarget keep_alive;
  MustRegister(idle.first, Interest::kRead, &keep_alive);
  std::atomic<int> ran{0};
  std::atomic<bool> stalled{false};
  std::thread poster([&] {
    for (int i = 0; i < 2000 && !stalled; ++i) {
      loop().Post([&] { ++ran; });
      const absl::Time deadline = absl::Now() + absl::Seconds(5);
      while (ran.load() <= i) {
        if (absl::Now() > deadline) {
          stalled = true;
          break;
        }
        std::this_thread::yield();
      }
      if (i % 7 == 0) absl::SleepFor(absl::Microseconds(50 + i % 200));
    }
    loop().Stop();
  });
  ASSERT_TRUE(loop().Run().ok());
  poster.join();
  EXPECT_FALSE(stalled) << "a posted task waited 5 s: a wake-up was lost";
  EXPECT_EQ(ran.load(), 2000);
}

TEST_P(EventLoopConformance, StopOutsideRunDoesNotMakeIterateSpin) {
  loop().Stop();
  // Stop() wakes the loop once; that wake-up ends the first wait.
  ASSERT_TRUE(loop().Iterate(absl::Milliseconds(20)).ok());
  const SteadyTime start = SteadyClock::now();
  ASSERT_TRUE(loop().Iterate(absl::Milliseconds(20)).ok());
  EXPECT_GE(SteadyClock::now() - start, std::chrono::milliseconds(19))
      << "Iterate ignored its timeout after Stop()";
  ASSERT_TRUE(loop().Run().ok()) << "the pending stop ends the next Run";
}

TEST_P(EventLoopConformance, WakeFromAnotherThreadEndsAnInfiniteIterate) {
  std::thread waker([&] {
    absl::SleepFor(absl::Milliseconds(20));
    loop().Wake();
  });
  SocketPair pair = Pair();
  RecordingTarget target;
  MustRegister(pair.first, Interest::kRead, &target);
  absl::StatusOr<IterationResult> pass = loop().Iterate(absl::InfiniteDuration());
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->events, 0u);
  waker.join();
}

TEST_P(EventLoopConformance, StopFromAnotherThreadEndsRun) {
  SocketPair pair = Pair();
  RecordingTarget target;
  MustRegister(pair.first, Interest::kRead, &target);  // keeps Run alive
  std::thread stopper([&] {
    absl::SleepFor(absl::Milliseconds(20));
    loop().Stop();
  });
  ASSERT_TRUE(loop().Run().ok());
  stopper.join();
}

TEST_P(EventLoopConformance, RunReturnsWhenNothingIsLeft) {
  ASSERT_TRUE(loop().Run().ok()) << "an empty loop returns at once";
  SocketPair pair = Pair();
  RecordingTarget target;
  RegistrationHandle handle = MustRegister(pair.first, Interest::kRead, &target);
  target.on_event = [&](const Event&) { ASSERT_TRUE(loop().Deregister(handle).ok()); };
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  ASSERT_TRUE(loop().Run().ok());
  EXPECT_EQ(target.events.size(), 1u);
}

TEST_P(EventLoopConformance, IterateInsideACallbackIsAnError) {
  absl::Status nested;
  loop().Post([&] { nested = loop().Iterate(absl::ZeroDuration()).status(); });
  ASSERT_TRUE(loop().Iterate(absl::ZeroDuration()).ok());
  EXPECT_EQ(nested.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(EventLoopConformance, ManyTimersFireInOrder) {
  constexpr int kTimers = 20000;
  auto offset = [](int i) { return absl::Microseconds((i * 7919) % 5000); };
  std::vector<TimerId> ids;
  std::vector<int> fired;
  fired.reserve(kTimers);
  const absl::Time start = absl::Now();
  for (int i = 0; i < kTimers; ++i) {
    // Deadlines interleave; every third timer is cancelled.
    ids.push_back(loop().RunAfter(offset(i), [&fired, i] { fired.push_back(i); }));
  }
  // Each timer's deadline is its offset from the moment it was scheduled,
  // so two timers may swap by at most the time scheduling took.
  const absl::Duration skew = absl::Now() - start;
  for (int i = 0; i < kTimers; i += 3) {
    EXPECT_TRUE(loop().CancelTimer(ids[static_cast<std::size_t>(i)]));
  }
  ASSERT_TRUE(loop().Run().ok());
  EXPECT_EQ(fired.size(), static_cast<std::size_t>(kTimers - (kTimers + 2) / 3));
  for (std::size_t i = 1; i < fired.size(); ++i) {
    ASSERT_LE(offset(fired[i - 1]), offset(fired[i]) + skew)
        << "timers out of deadline order at " << i;
    ASSERT_NE(fired[i] % 3, 0) << "a cancelled timer fired";
  }
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(EventLoopConformance);

}  // namespace
}  // namespace asycamore::testing
