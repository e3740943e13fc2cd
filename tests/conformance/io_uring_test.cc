// The io_uring backend's own cases, beyond the conformance suite (which also
// runs on it): the ring's limits and the life of its poll requests. Each
// runs with the default one-shot polls and with sockets on multishot polls
// (RingOptions::multishot), on a ring of 4 SQ entries (32 CQ entries), so
// that a handful of sockets fills both queues.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "asycamore/backend_registry.h"
#include "asycamore/dispatcher.h"
#include "gtest/gtest.h"
#include "io_uring/io_uring_dispatcher.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "support/token_book.h"

namespace asycamore::testing {
namespace {

constexpr unsigned kSqEntries = 4;

class IoUringRingTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (absl::Status available = ProbeIoUring(); !available.ok()) {
      GTEST_SKIP() << "io_uring cannot run here: " << available.message();
    }
    absl::StatusOr<std::unique_ptr<Dispatcher>> dispatcher =
        io_uring_testing::CreateDispatcher(
            {.sq_entries = kSqEntries, .multishot = GetParam() == "multishot"});
    ASSERT_TRUE(dispatcher.ok()) << dispatcher.status();
    dispatcher_ = *std::move(dispatcher);
    tokens_.Use(dispatcher_.get());
  }
  // The sockets go after the dispatcher (its polls hold them open).
  void TearDown() override {
    dispatcher_.reset();
    for (const SocketPair& pair : pairs_) ClosePair(pair);
    for (NativeSocket socket : peers_) CloseSocket(socket);
  }

  // A pair closed at tear-down.
  SocketPair Pair() { return pairs_.emplace_back(MakeSocketPair()); }
  // A pair whose first socket the test closes itself.
  SocketPair PairClosedByTheTest() {
    const SocketPair pair = MakeSocketPair();
    peers_.push_back(pair.second);
    return pair;
  }

  // Waits until every socket of `expected` was reported (or 5 s passed);
  // returns the events seen, merged per socket.
  std::map<NativeSocket, Event> Collect(const std::vector<NativeSocket>& expected) {
    std::map<NativeSocket, Event> seen;
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (absl::Now() < deadline) {
      EXPECT_TRUE(dispatcher_->Wait(absl::Milliseconds(50), batch_).ok());
      for (const Event& event : batch_) seen[tokens_.SocketOf(event.token)] = event;
      bool all = true;
      for (NativeSocket socket : expected) all = all && seen.count(socket) != 0;
      if (all) break;
    }
    return seen;
  }

  std::unique_ptr<Dispatcher> dispatcher_;
  EventBatch batch_{256};
  std::vector<SocketPair> pairs_;
  std::vector<NativeSocket> peers_;
  TokenBook tokens_;
};

TEST_P(IoUringRingTest, AStillReadableSocketIsReportedOnEveryWaitUntilRead) {
  SocketPair pair = Pair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 7).ok());
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  // A multishot poll reports a wake-up once; the backend's re-check after
  // each delivery is what reports the unread byte again.
  for (int round = 0; round < 5; ++round) {
    std::map<NativeSocket, Event> seen = Collect({pair.first});
    ASSERT_EQ(seen.count(pair.first), 1u) << "round " << round;
    EXPECT_TRUE(seen[pair.first].readable);
    EXPECT_EQ(seen[pair.first].token, 7u);
  }
  char byte;
  ASSERT_EQ(ReceiveBytes(pair.first, &byte, 1), 1);
  ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(20), batch_).ok());
  EXPECT_TRUE(batch_.empty()) << "read: no longer ready";
  ASSERT_EQ(SendBytes(pair.second, "y", 1), 1);
  EXPECT_EQ(Collect({pair.first}).count(pair.first), 1u) << "new data";
}

TEST_P(IoUringRingTest, PollsEndedByACompletionQueueOverflowAreArmedAgain) {
  // 100 ready sockets complete 100 polls into a CQ of 32 entries before the
  // first Wait reaps: the kernel keeps the rest (IORING_FEAT_NODROP), and
  // ends the multishot polls that did not fit (no IORING_CQE_F_MORE). Each
  // must be reported, and armed again: after a read, new data on every
  // socket is reported too.
  std::vector<SocketPair> pairs;
  std::vector<NativeSocket> watched;
  for (int i = 0; i < 100; ++i) {
    pairs.push_back(Pair());
    watched.push_back(pairs.back().first);
    ASSERT_EQ(SendBytes(pairs.back().second, "x", 1), 1);
    ASSERT_TRUE(tokens_.Add(pairs.back().first, Interest::kRead,
                            static_cast<std::uint64_t>(i))
                    .ok());
  }
  EXPECT_EQ(Collect(watched).size(), watched.size()) << "first data";
  for (const SocketPair& pair : pairs) DrainSocket(pair.first);
  for (const SocketPair& pair : pairs) ASSERT_EQ(SendBytes(pair.second, "y", 1), 1);
  std::map<NativeSocket, Event> again = Collect(watched);
  EXPECT_EQ(again.size(), watched.size()) << "new data after the read";
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(again[pairs[static_cast<std::size_t>(i)].first].token,
              static_cast<std::uint64_t>(i));
  }
}

TEST_P(IoUringRingTest, MoreChangesThanSqEntriesInOneIterationAllTakeEffect) {
  // 40 Adds, 20 Modifies and 10 Removes between two waits: 70 changes for a
  // 4-entry SQ, which is submitted whenever it fills.
  std::vector<SocketPair> pairs;
  for (int i = 0; i < 40; ++i) {
    pairs.push_back(Pair());
    ASSERT_EQ(SendBytes(pairs.back().second, "x", 1), 1);
  }
  ASSERT_TRUE(dispatcher_->Wait(absl::ZeroDuration(), batch_).ok());
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(tokens_.Add(pairs[static_cast<std::size_t>(i)].first,
                            Interest::kWrite, static_cast<std::uint64_t>(i))
                    .ok());
  }
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(tokens_.Modify(pairs[static_cast<std::size_t>(i)].first,
                               Interest::kRead, 100 + static_cast<std::uint64_t>(i))
                    .ok());
  }
  for (int i = 30; i < 40; ++i) {
    ASSERT_TRUE(dispatcher_->Remove(pairs[static_cast<std::size_t>(i)].first).ok());
  }
  std::vector<NativeSocket> expected;
  for (int i = 0; i < 30; ++i) expected.push_back(pairs[static_cast<std::size_t>(i)].first);
  std::map<NativeSocket, Event> seen = Collect(expected);
  EXPECT_EQ(seen.size(), 30u) << "the 10 removed sockets are never reported";
  for (int i = 0; i < 30; ++i) {
    const Event& event = seen[pairs[static_cast<std::size_t>(i)].first];
    if (i < 20) {
      EXPECT_EQ(event.token, 100 + static_cast<std::uint64_t>(i));
      EXPECT_TRUE(event.readable && !event.writable) << "the modified interest";
    } else {
      EXPECT_EQ(event.token, static_cast<std::uint64_t>(i));
      EXPECT_TRUE(event.writable && !event.readable) << "the added interest";
    }
  }
}

TEST_P(IoUringRingTest, RemoveCloseAndReuseOfTheNumberInOneIterationDropsOldCompletions) {
  SocketPair old_pair = PairClosedByTheTest();
  ASSERT_TRUE(tokens_.Add(old_pair.first, Interest::kRead, 1).ok());
  ASSERT_EQ(SendBytes(old_pair.second, "x", 1), 1);
  ASSERT_EQ(Collect({old_pair.first}).count(old_pair.first), 1u);
  // More data: the old poll completes again, with nobody reaping it yet.
  ASSERT_EQ(SendBytes(old_pair.second, "y", 1), 1);
  const NativeSocket number = old_pair.first;
  ASSERT_TRUE(dispatcher_->Remove(old_pair.first).ok());
  CloseSocket(old_pair.first);
  SocketPair new_pair = Pair();
  ASSERT_EQ(new_pair.first, number) << "the lowest free descriptor is reused";
  ASSERT_TRUE(tokens_.Add(new_pair.first, Interest::kRead, 2).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(20), batch_).ok());
    EXPECT_TRUE(batch_.empty())
        << "the old socket's completions are not the new socket's: token "
        << batch_[0].token;
  }
  // The cancelled poll let go of the old socket: its peer sees the close.
  pollfd peer{old_pair.second, POLLIN, 0};
  ASSERT_EQ(::poll(&peer, 1, 5000), 1);
  EXPECT_EQ(DrainSocket(old_pair.second), 0u) << "EOF, no byte left to read";
  ASSERT_EQ(SendBytes(new_pair.second, "z", 1), 1);
  std::map<NativeSocket, Event> seen = Collect({new_pair.first});
  ASSERT_EQ(seen.count(new_pair.first), 1u);
  EXPECT_EQ(seen[new_pair.first].token, 2u);
}

TEST_P(IoUringRingTest, ASocketClosedBeforeRemoveStaysOpenUntilRemoveCancelsItsPoll) {
  SocketPair pair = PairClosedByTheTest();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 1).ok());
  ASSERT_TRUE(dispatcher_->Wait(absl::ZeroDuration(), batch_).ok());
  CloseSocket(pair.first);  // misuse: the poll request still holds the file
  ASSERT_TRUE(dispatcher_->Wait(absl::ZeroDuration(), batch_).ok());
  pollfd peer{pair.second, POLLIN, 0};
  EXPECT_EQ(::poll(&peer, 1, 20), 0) << "the peer sees no close yet";
  EXPECT_EQ(dispatcher_->Remove(pair.first).code(),
            absl::StatusCode::kFailedPrecondition)
      << "closed before it was removed";
  ASSERT_TRUE(dispatcher_->Wait(absl::ZeroDuration(), batch_).ok());
  ASSERT_EQ(::poll(&peer, 1, 5000), 1) << "Remove let go of the file";
  EXPECT_EQ(DrainSocket(pair.second), 0u);
}

TEST_P(IoUringRingTest, WakeFromAnotherThreadEndsAnInfiniteWaitEveryTime) {
  for (int round = 0; round < 3; ++round) {
    std::thread waker([&] { dispatcher_->Wake(); });
    ASSERT_TRUE(dispatcher_->Wait(absl::InfiniteDuration(), batch_).ok());
    waker.join();
    EXPECT_TRUE(batch_.empty()) << "round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(io_uring, IoUringRingTest,
                         ::testing::Values("multishot", "oneshot"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// The unavailable path, forced through the test hook: as if io_uring_setup
// had failed with the parameter.
class IoUringUnavailableTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { io_uring_testing::SimulateSetupError(GetParam()); }
  void TearDown() override { io_uring_testing::SimulateSetupError(0); }
};

TEST_P(IoUringUnavailableTest, TheBackendIsSkippedWithTheReasonAndNotTheDefault) {
  const absl::Status probed = ProbeIoUring();
  EXPECT_EQ(probed.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(probed.message().find("io_uring_setup"), absl::string_view::npos)
      << probed;
  if (GetParam() == EPERM) {
    EXPECT_TRUE(probed.message().find("io_uring_disabled") != absl::string_view::npos ||
                probed.message().find("seccomp") != absl::string_view::npos)
        << probed;
  }

  absl::StatusOr<std::unique_ptr<Dispatcher>> dispatcher =
      CreateDispatcher("io_uring");
  ASSERT_FALSE(dispatcher.ok());
  EXPECT_EQ(dispatcher.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(dispatcher.status().message().find("cannot run here"),
            absl::string_view::npos)
      << dispatcher.status();
  EXPECT_FALSE(CreateEventLoop({.backend = "io_uring"}).ok());
  EXPECT_EQ(io_uring_testing::CreateDispatcher({}).status().code(),
            absl::StatusCode::kUnavailable);

  // The suites skip it with this reason, never pass it.
  absl::StatusOr<const BackendInfo*> info = FindBackend(BackendKind::kIoUring);
  ASSERT_TRUE(info.ok()) << info.status();
  const std::string reason = BackendSkipReason(**info);
  EXPECT_NE(reason.find("io_uring cannot run here: io_uring_setup"),
            std::string::npos)
      << reason;

  EXPECT_NE(DefaultBackend(), BackendKind::kIoUring);
  absl::StatusOr<std::unique_ptr<Dispatcher>> fallback = CreateDispatcher("");
  ASSERT_TRUE(fallback.ok()) << fallback.status();
}

INSTANTIATE_TEST_SUITE_P(io_uring, IoUringUnavailableTest,
                         ::testing::Values(ENOSYS, EPERM),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == ENOSYS ? "ENOSYS"
                                                                   : "EPERM");
                         });

}  // namespace
}  // namespace asycamore::testing
