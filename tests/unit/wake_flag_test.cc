// WakeFlag (backend/wake_flag.h): the merge rule every backend's Wake()
// shares. Its memory ordering is checked by wake_flag_model_test.cc.
#include "asycamore/backend/wake_flag.h"

#include "gtest/gtest.h"

namespace asycamore {
namespace {

TEST(WakeFlag, OnlyTheFirstRaiseAfterAClearSignals) {
  WakeFlag flag;
  EXPECT_TRUE(flag.Raise());
  EXPECT_FALSE(flag.Raise()) << "merged with the pending one";
  flag.Clear();
  EXPECT_TRUE(flag.Raise());
  flag.Withdraw();
  EXPECT_TRUE(flag.Raise()) << "a failed signal is tried again";
}

}  // namespace
}  // namespace asycamore
