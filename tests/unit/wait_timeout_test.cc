#include "support/wait_timeout.h"

#include <limits>

#include "gtest/gtest.h"

namespace asycamore {
namespace {

TEST(TimeoutMilliseconds, RoundsUpNeverDown) {
  EXPECT_EQ(TimeoutMilliseconds(absl::InfiniteDuration()), -1);
  EXPECT_EQ(TimeoutMilliseconds(absl::ZeroDuration()), 0);
  EXPECT_EQ(TimeoutMilliseconds(absl::Milliseconds(-5)), 0);
  EXPECT_EQ(TimeoutMilliseconds(absl::Nanoseconds(1)), 1);
  EXPECT_EQ(TimeoutMilliseconds(absl::Microseconds(999)), 1);
  EXPECT_EQ(TimeoutMilliseconds(absl::Milliseconds(50)), 50);
  EXPECT_EQ(TimeoutMilliseconds(absl::Microseconds(50001)), 51);
  EXPECT_EQ(TimeoutMilliseconds(absl::Hours(24 * 365)), INT_MAX);
}

// select() with a zero timeval polls: a timeout rounded down to zero would
// turn a 0.5 us wait into a busy loop (both select backends share this).
TEST(TimeoutTimeval, ASubMicrosecondTimeoutRoundsUpInsteadOfSpinning) {
  const timeval tiny = TimeoutTimeval(absl::Nanoseconds(500));
  EXPECT_EQ(tiny.tv_sec, 0);
  EXPECT_EQ(tiny.tv_usec, 1);
  const timeval exact = TimeoutTimeval(absl::Microseconds(2500001));
  EXPECT_EQ(exact.tv_sec, 2);
  EXPECT_EQ(exact.tv_usec, 500001);
  const timeval negative = TimeoutTimeval(absl::Milliseconds(-3));
  EXPECT_EQ(negative.tv_sec, 0);
  EXPECT_EQ(negative.tv_usec, 0);
}

// Windows' tv_sec is a 32-bit long: a long timeout must clamp, not wrap to
// a negative (an error) or a short wait.
TEST(TimeoutTimeval, AHugeTimeoutClampsInsteadOfWrapping) {
  const timeval huge = TimeoutTimeval(absl::Hours(24 * 365 * 200));
  EXPECT_GT(huge.tv_sec, 0);
  EXPECT_LE(huge.tv_sec, std::numeric_limits<decltype(huge.tv_sec)>::max());
}

TEST(WaitDeadline, AZeroTimeoutIsOverAfterItsOneLook) {
  const WaitDeadline deadline(absl::ZeroDuration());
  EXPECT_FALSE(deadline.forever());
  EXPECT_EQ(deadline.Left(), absl::ZeroDuration());
  EXPECT_TRUE(deadline.Over());
}

TEST(WaitDeadline, AnInfiniteWaitIsNeverOver) {
  const WaitDeadline deadline(absl::InfiniteDuration());
  EXPECT_TRUE(deadline.forever());
  EXPECT_EQ(deadline.Left(), absl::InfiniteDuration());
  EXPECT_FALSE(deadline.Over());
}

TEST(WaitDeadline, AFiniteWaitThatWokeEarlyWaitsForWhatIsLeft) {
  const WaitDeadline deadline(absl::Hours(1));
  EXPECT_FALSE(deadline.Over());
  EXPECT_GT(deadline.Left(), absl::Minutes(59));
  EXPECT_LE(deadline.Left(), absl::Hours(1));
}

}  // namespace
}  // namespace asycamore
