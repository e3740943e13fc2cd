// LoopGroup on every built backend: loops started and stopped together,
// Stop from any thread (a loop's own callback included), joined before
// destruction. The linux-tsan lane runs these under ThreadSanitizer.
#include "asycamore/loop_group.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"

namespace asycamore::testing {
namespace {

class LoopGroupTest : public BackendTest {
 protected:
  LoopFactory Factory() {
    return [backend = GetParam()](int) {
      return CreateEventLoop({.backend = backend});
    };
  }
};

TEST_P(LoopGroupTest, EveryLoopRunsTasksOnItsOwnThreadUntilStopped) {
  auto group = LoopGroup::Create(3, Factory());
  ASSERT_TRUE(group.ok()) << group.status();
  std::vector<std::thread::id> ids(3);
  std::atomic<int> ran{0};
  for (int i = 0; i < 3; ++i) {
    // Posted before Start: queued, run once the thread iterates.
    ASSERT_TRUE((*group)->Post(i, [&ids, &ran, i] {
      ids[i] = std::this_thread::get_id();
      ran.fetch_add(1);
    }));
  }
  ASSERT_TRUE((*group)->Start().ok());
  while (ran.load() < 3) std::this_thread::yield();
  (*group)->Stop();
  ASSERT_TRUE((*group)->Join().ok());
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_NE(ids[1], ids[2]);
  EXPECT_NE(ids[0], std::this_thread::get_id());
}

// An idle loop (nothing registered, no timer) must keep its thread waiting
// for posts instead of returning the way EventLoop::Run does.
TEST_P(LoopGroupTest, AnIdleLoopStillRunsATaskPostedLater) {
  auto group = LoopGroup::Create(2, Factory());
  ASSERT_TRUE(group.ok()) << group.status();
  ASSERT_TRUE((*group)->Start().ok());
  absl::SleepFor(absl::Milliseconds(20));
  absl::Notification done;
  ASSERT_TRUE((*group)->Post(1, [&done] { done.Notify(); }));
  EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
}

TEST_P(LoopGroupTest, StopFromALoopsOwnCallbackEndsEveryThread) {
  auto group = LoopGroup::Create(4, Factory());
  ASSERT_TRUE(group.ok()) << group.status();
  LoopGroup* raw = group->get();
  raw->loop(2).RunAfter(absl::Milliseconds(5), [raw] { raw->Stop(); });
  ASSERT_TRUE(raw->Start().ok());
  EXPECT_TRUE(raw->Join().ok());
  EXPECT_TRUE(raw->stopping());
}

TEST_P(LoopGroupTest, StoppedFromAnotherThreadWhileBusyJoinsInTheDestructor) {
  auto group = LoopGroup::Create(2, Factory());
  ASSERT_TRUE(group.ok()) << group.status();
  std::atomic<long> ticks{0};
  for (int i = 0; i < 2; ++i) {
    // Every loop keeps a repeating timer, so it is never idle.
    auto timer = (*group)->loop(i).RunEvery(absl::Microseconds(50),
                                            [&ticks] { ticks.fetch_add(1); });
    ASSERT_TRUE(timer.ok());
  }
  ASSERT_TRUE((*group)->Start().ok());
  std::thread stopper([raw = group->get(), &ticks] {
    while (ticks.load() < 20) std::this_thread::yield();
    raw->Stop();
  });
  stopper.join();
  group->reset();  // Stop + Join, then the loops
  EXPECT_GE(ticks.load(), 20);
}

// The shape of a signal-driven shutdown: the controlling thread waits in
// Join while another thread decides to stop.
TEST_P(LoopGroupTest, StopFromAnotherThreadEndsAJoinAlreadyWaiting) {
  auto group = LoopGroup::Create(3, Factory());
  ASSERT_TRUE(group.ok()) << group.status();
  ASSERT_TRUE((*group)->Start().ok());
  std::atomic<int> ran{0};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE((*group)->Post(i, [&ran] { ran.fetch_add(1); }));
  }
  std::thread stopper([raw = group->get(), &ran] {
    while (ran.load() < 3) std::this_thread::yield();
    raw->Stop();
  });
  const absl::Status joined = (*group)->Join();
  stopper.join();
  EXPECT_TRUE(joined.ok()) << joined;
  EXPECT_FALSE((*group)->running());
  EXPECT_EQ(ran.load(), 3);
}

// Join on one of the group's threads used to wait for itself (std::thread
// reports that as an exception); it is refused with a status instead.
TEST_P(LoopGroupTest, JoinFromALoopsOwnThreadIsRefusedInsteadOfWaitingForItself) {
  auto group = LoopGroup::Create(2, Factory());
  ASSERT_TRUE(group.ok()) << group.status();
  LoopGroup* raw = group->get();
  absl::Status from_inside;
  absl::Notification done;
  ASSERT_TRUE(raw->Post(1, [raw, &from_inside, &done] {
    from_inside = raw->Join();
    raw->Stop();
    done.Notify();
  }));
  ASSERT_TRUE(raw->Start().ok());
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_TRUE(raw->Join().ok());
  EXPECT_EQ(from_inside.code(), absl::StatusCode::kFailedPrecondition)
      << from_inside;
}

TEST_P(LoopGroupTest, StopBeforeStartMeansTheThreadsNeverRun) {
  auto group = LoopGroup::Create(2, Factory());
  ASSERT_TRUE(group.ok()) << group.status();
  (*group)->Stop();
  EXPECT_FALSE((*group)->Start().ok());
  EXPECT_TRUE((*group)->Join().ok());
}

TEST(LoopGroupCreate, ACountOutOfRangeOrAFailingFactoryIsRefusedWithItsReason) {
  auto none = LoopGroup::Create(0, [](int) { return CreateEventLoop(); });
  EXPECT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("LoopGroup::Create(0)"),
            std::string_view::npos);
  auto failing = LoopGroup::Create(3, [](int index)
                                       -> absl::StatusOr<std::unique_ptr<EventLoop>> {
    if (index == 2) return absl::UnavailableError("no backend");
    return CreateEventLoop();
  });
  ASSERT_FALSE(failing.ok());
  EXPECT_NE(failing.status().message().find("loop 2: no backend"),
            std::string_view::npos)
      << failing.status();
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(LoopGroupTest);

}  // namespace
}  // namespace asycamore::testing
