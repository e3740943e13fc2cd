// EventLoop::OnSignal on every built backend: the callback runs on the
// loop's thread in a later iteration, never in the handler; one loop per
// process owns a signal; cancelling restores the previous disposition.
#include <atomic>
#include <csignal>
#include <memory>
#include <string_view>
#include <thread>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"

#ifndef _WIN32
#include <signal.h>
#include <unistd.h>
#endif

namespace asycamore::testing {
namespace {

class SignalTest : public BackendTest {
 protected:
  void TearDown() override {
    // A failed test must not leave a signal owned by a destroyed fixture
    // loop: the loop's destructor gives them up.
    loop_.reset();
  }
};

#ifndef _WIN32

std::atomic<int> previous_handler_calls{0};
extern "C" void CountingHandler(int) { previous_handler_calls.fetch_add(1); }

TEST_P(SignalTest, ARaisedSignalRunsTheCallbackInALaterIterationNotTheHandler) {
  int calls = 0;
  ASSERT_TRUE(loop().OnSignal(SIGUSR1, [&calls] { ++calls; }).ok());
  // kill() to our own process delivers before it returns (the signal is
  // not blocked here): the handler has run, the callback must not have.
  ASSERT_EQ(::kill(::getpid(), SIGUSR1), 0);
  EXPECT_EQ(calls, 0);
  ASSERT_TRUE(RunUntil(loop(), [&] { return calls == 1; }));
  // Raised from inside an iteration (a posted task): that iteration has
  // already waited, so the callback runs in a later one.
  loop().Post([] { ASSERT_EQ(::kill(::getpid(), SIGUSR1), 0); });
  absl::StatusOr<IterationResult> raising = loop().Iterate(absl::Seconds(5));
  ASSERT_TRUE(raising.ok()) << raising.status();
  EXPECT_EQ(raising->tasks, 1u);
  EXPECT_EQ(calls, 1);
  ASSERT_TRUE(RunUntil(loop(), [&] { return calls == 2; }));
  EXPECT_TRUE(loop().CancelSignal(SIGUSR1).ok());
}

TEST_P(SignalTest, TheCallbackRunsOnTheLoopsThreadWhicheverThreadIsSignalled) {
  std::thread::id ran_on;
  ASSERT_TRUE(loop()
                  .OnSignal(SIGUSR2,
                            [this, &ran_on] {
                              ran_on = std::this_thread::get_id();
                              loop().Stop();
                            })
                  .ok());
  std::thread::id loop_thread;
  // Owning a signal keeps a registration, so Run() waits for it.
  std::thread runner([this, &loop_thread] {
    loop_thread = std::this_thread::get_id();
    EXPECT_TRUE(loop().Run().ok());
  });
  ASSERT_EQ(::kill(::getpid(), SIGUSR2), 0);
  runner.join();
  EXPECT_EQ(ran_on, loop_thread);
  EXPECT_NE(ran_on, std::this_thread::get_id());
  EXPECT_TRUE(loop().CancelSignal(SIGUSR2).ok());
}

TEST_P(SignalTest, ASecondOwnerIsRefusedNamingTheSignal) {
  ASSERT_TRUE(loop().OnSignal(SIGUSR1, [] {}).ok());
  std::unique_ptr<EventLoop> other =
      CreateEventLoop({.backend = GetParam()}).value();
  const absl::Status second = other->OnSignal(SIGUSR1, [] {});
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists) << second;
  EXPECT_TRUE(absl::StrContains(second.message(),
                                "EventLoop::OnSignal(SIGUSR1): another loop"))
      << second;
  const absl::Status again = loop().OnSignal(SIGUSR1, [] {});
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  EXPECT_TRUE(absl::StrContains(again.message(), "this loop")) << again;
  // Once the owner gives it up the other loop may take it.
  EXPECT_TRUE(loop().CancelSignal(SIGUSR1).ok());
  EXPECT_TRUE(other->OnSignal(SIGUSR1, [] {}).ok());
  EXPECT_EQ(other->CancelSignal(SIGUSR1).ok(), true);
}

TEST_P(SignalTest, CancellingRestoresThePreviousHandler) {
  struct sigaction counting = {};
  counting.sa_handler = CountingHandler;
  sigemptyset(&counting.sa_mask);
  struct sigaction original = {};
  ASSERT_EQ(::sigaction(SIGUSR1, &counting, &original), 0);
  previous_handler_calls = 0;

  int calls = 0;
  ASSERT_TRUE(loop().OnSignal(SIGUSR1, [&calls] { ++calls; }).ok());
  ASSERT_EQ(::kill(::getpid(), SIGUSR1), 0);
  ASSERT_TRUE(RunUntil(loop(), [&] { return calls == 1; }));
  EXPECT_EQ(previous_handler_calls.load(), 0);  // replaced, not chained

  ASSERT_TRUE(loop().CancelSignal(SIGUSR1).ok());
  struct sigaction now = {};
  ASSERT_EQ(::sigaction(SIGUSR1, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, &CountingHandler);
  // raise(): delivered to this thread before it returns, whatever other
  // threads the process has.
  ASSERT_EQ(::raise(SIGUSR1), 0);
  EXPECT_EQ(previous_handler_calls.load(), 1);
  // Nothing is left for the loop: the callback stays silent.
  ASSERT_TRUE(loop().Iterate(absl::ZeroDuration()).ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(loop().registration_count(), 0u);
  ASSERT_EQ(::sigaction(SIGUSR1, &original, nullptr), 0);
}

TEST_P(SignalTest, DestroyingTheLoopRestoresTheDefaultDisposition) {
  struct sigaction before = {};
  ASSERT_EQ(::sigaction(SIGUSR2, nullptr, &before), 0);
  ASSERT_EQ(before.sa_handler, SIG_DFL);
  std::unique_ptr<EventLoop> other =
      CreateEventLoop({.backend = GetParam()}).value();
  ASSERT_TRUE(other->OnSignal(SIGUSR2, [] {}).ok());
  other.reset();
  struct sigaction after = {};
  ASSERT_EQ(::sigaction(SIGUSR2, nullptr, &after), 0);
  EXPECT_EQ(after.sa_handler, SIG_DFL);
  // And the signal is free to claim again.
  EXPECT_TRUE(loop().OnSignal(SIGUSR2, [] {}).ok());
}

TEST_P(SignalTest, ACallbackMayCancelItsOwnSignal) {
  int calls = 0;
  ASSERT_TRUE(loop()
                  .OnSignal(SIGUSR1,
                            [this, &calls] {
                              ++calls;
                              EXPECT_TRUE(loop().CancelSignal(SIGUSR1).ok());
                            })
                  .ok());
  ASSERT_EQ(::kill(::getpid(), SIGUSR1), 0);
  ASSERT_TRUE(RunUntil(loop(), [&] { return calls == 1; }));
  EXPECT_EQ(loop().CancelSignal(SIGUSR1).code(), absl::StatusCode::kNotFound);
}

TEST_P(SignalTest, SignalsThatCannotBeCaughtAreRefusedNamingTheCall) {
  const absl::Status kill_status = loop().OnSignal(SIGKILL, [] {});
  EXPECT_FALSE(kill_status.ok());
  EXPECT_TRUE(absl::StrContains(kill_status.message(), "sigaction"))
      << kill_status;
  const absl::Status out_of_range = loop().OnSignal(0, [] {});
  EXPECT_EQ(out_of_range.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(out_of_range.message(),
                                "EventLoop::OnSignal(signal 0)"))
      << out_of_range;
  // The refusal left nothing behind: no pipe registration.
  EXPECT_EQ(loop().registration_count(), 0u);
}

#else  // _WIN32

TEST_P(SignalTest, CtrlCIsClaimedOnceAndOtherSignalsAreRefused) {
  ASSERT_TRUE(loop().OnSignal(SIGINT, [] {}).ok());
  std::unique_ptr<EventLoop> other =
      CreateEventLoop({.backend = GetParam()}).value();
  EXPECT_EQ(other->OnSignal(SIGINT, [] {}).code(),
            absl::StatusCode::kAlreadyExists);
  const absl::Status term = other->OnSignal(SIGTERM, [] {});
  EXPECT_EQ(term.code(), absl::StatusCode::kUnimplemented) << term;
  EXPECT_TRUE(absl::StrContains(term.message(), "EventLoop::OnSignal(SIGTERM)"))
      << term;
  EXPECT_TRUE(loop().CancelSignal(SIGINT).ok());
  EXPECT_TRUE(other->OnSignal(SIGINT, [] {}).ok());
}

#endif

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(SignalTest);

}  // namespace
}  // namespace asycamore::testing
