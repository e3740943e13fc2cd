#include "support/wait_timeout.h"

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

}  // namespace
}  // namespace asycamore
