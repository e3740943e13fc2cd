#include "asycamore/timer_queue.h"

#include <algorithm>
#include <functional>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace asycamore {
namespace {

using std::chrono::milliseconds;

class TimerQueueTest : public ::testing::Test {
 protected:
  SteadyTime At(int ms) { return base_ + milliseconds(ms); }
  TimerId Once(int ms, int tag) {
    return queue_.Schedule(At(ms), SteadyClock::duration::zero(),
                           [this, tag] { fired_.push_back(tag); });
  }
  SteadyTime base_ = SteadyClock::now();
  TimerQueue queue_;
  std::vector<int> fired_;
};

TEST_F(TimerQueueTest, FiresDueTimersInDeadlineOrderTiesInScheduleOrder) {
  Once(30, 3);
  Once(10, 1);
  Once(20, 2);
  Once(10, 4);
  EXPECT_EQ(queue_.NextDeadline(), At(10));
  EXPECT_EQ(queue_.RunExpired(At(9)), 0u);
  EXPECT_EQ(queue_.RunExpired(At(20)), 3u);
  EXPECT_EQ(fired_, (std::vector<int>{1, 4, 2}));
  EXPECT_EQ(queue_.size(), 1u);
}

TEST_F(TimerQueueTest, CancelRemovesFromAnyPosition) {
  std::vector<TimerId> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(Once(i, i));
  EXPECT_TRUE(queue_.Cancel(ids[0]));
  EXPECT_TRUE(queue_.Cancel(ids[5]));
  EXPECT_TRUE(queue_.Cancel(ids[9]));
  EXPECT_FALSE(queue_.Cancel(ids[5]));
  EXPECT_FALSE(queue_.Cancel(TimerId()));
  queue_.RunExpired(At(100));
  EXPECT_EQ(fired_, (std::vector<int>{1, 2, 3, 4, 6, 7, 8}));
  EXPECT_TRUE(queue_.empty());
  EXPECT_FALSE(queue_.Cancel(ids[1])) << "already fired";
}

TEST_F(TimerQueueTest, OldIdDoesNotCancelANewTimerInTheSameSlot) {
  TimerId old_id = Once(1, 1);
  queue_.RunExpired(At(1));
  TimerId new_id = Once(2, 2);
  EXPECT_FALSE(queue_.Cancel(old_id));
  EXPECT_EQ(queue_.size(), 1u);
  EXPECT_TRUE(queue_.Cancel(new_id));
}

TEST_F(TimerQueueTest, RepeatingTimerKeepsCadenceAndSkipsMissedTicks) {
  int ticks = 0;
  queue_.Schedule(At(10), milliseconds(10), [&] { ++ticks; });
  EXPECT_EQ(queue_.RunExpired(At(10)), 1u);
  EXPECT_EQ(queue_.NextDeadline(), At(20));
  // Far behind: one tick, not a burst of five, then back on a cadence.
  EXPECT_EQ(queue_.RunExpired(At(65)), 1u);
  EXPECT_EQ(queue_.NextDeadline(), At(75));
  EXPECT_EQ(ticks, 2);
}

TEST_F(TimerQueueTest, RepeatingTimerMayCancelItself) {
  int ticks = 0;
  TimerId id;
  id = queue_.Schedule(At(1), milliseconds(1), [&] {
    if (++ticks == 3) {
      EXPECT_TRUE(queue_.Cancel(id));
    }
  });
  for (int ms = 1; ms < 10; ++ms) queue_.RunExpired(At(ms));
  EXPECT_EQ(ticks, 3);
  EXPECT_TRUE(queue_.empty());
}

TEST_F(TimerQueueTest, TimerScheduledWhileFiringWaitsForTheNextCall) {
  int chained = 0;
  std::function<void()> chain = [&] {
    ++chained;
    queue_.Schedule(At(0), SteadyClock::duration::zero(), chain);
  };
  queue_.Schedule(At(0), SteadyClock::duration::zero(), chain);
  EXPECT_EQ(queue_.RunExpired(At(5)), 1u) << "a zero-delay chain must not spin";
  EXPECT_EQ(queue_.RunExpired(At(5)), 1u);
  EXPECT_EQ(chained, 2);
}

TEST_F(TimerQueueTest, TimersScheduledAfterTheMarkWaitForALaterCall) {
  Once(1, 1);
  const TimerMark mark = queue_.Mark();
  Once(0, 2);  // after the mark, due at once, and before timer 1
  Once(2, 3);  // after the mark
  EXPECT_EQ(queue_.RunExpired(At(5), mark), 0u)
      << "timer 2 is first in deadline order and holds timer 1 back";
  EXPECT_EQ(queue_.RunExpired(At(5)), 3u);
  EXPECT_EQ(fired_, (std::vector<int>{2, 1, 3}));
}

TEST_F(TimerQueueTest, TimersBeforeTheMarkFireAndTheLaterOnesWait) {
  Once(1, 1);
  Once(2, 2);
  const TimerMark mark = queue_.Mark();
  Once(3, 3);
  EXPECT_EQ(queue_.RunExpired(At(5), mark), 2u);
  EXPECT_EQ(fired_, (std::vector<int>{1, 2}));
  EXPECT_EQ(queue_.RunExpired(At(5), mark), 0u);
  EXPECT_EQ(queue_.RunExpired(At(5), queue_.Mark()), 1u);
}

TEST_F(TimerQueueTest, CallbackMayCancelAnotherDueTimer) {
  TimerId second = Once(2, 2);
  queue_.Schedule(At(1), SteadyClock::duration::zero(),
                  [&] { EXPECT_TRUE(queue_.Cancel(second)); });
  EXPECT_EQ(queue_.RunExpired(At(5)), 1u);
  EXPECT_TRUE(fired_.empty());
}

TEST_F(TimerQueueTest, FiftyThousandRandomTimersStayOrdered) {
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> deadline(0, 100000);
  std::vector<std::pair<int, TimerId>> timers;
  std::vector<int> order;
  for (int i = 0; i < 50000; ++i) {
    const int ms = deadline(random);
    timers.emplace_back(ms, queue_.Schedule(At(ms), SteadyClock::duration::zero(),
                                            [&order, ms] { order.push_back(ms); }));
  }
  std::size_t cancelled = 0;
  for (std::size_t i = 0; i < timers.size(); i += 2) {
    cancelled += queue_.Cancel(timers[i].second) ? 1 : 0;
  }
  EXPECT_EQ(cancelled, 25000u);
  EXPECT_EQ(queue_.RunExpired(At(100000)), 25000u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

}  // namespace
}  // namespace asycamore
