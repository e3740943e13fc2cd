// The dispatcher contract (dispatcher.h), checked on every built backend.
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "asycamore/dispatcher.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "support/token_book.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>

#include <cstdlib>
#endif

namespace asycamore::testing {
namespace {

class DispatcherConformance : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    dispatcher_ = NewDispatcher();
    tokens_.Use(dispatcher_.get());
    ASSERT_NE(dispatcher_, nullptr);
  }
  void TearDown() override {
    dispatcher_.reset();
    for (NativeSocket socket : owned_) CloseSocket(socket);
  }

  SocketPair Pair() {
    SocketPair pair = MakeSocketPair();
    owned_.push_back(pair.first);
    owned_.push_back(pair.second);
    return pair;
  }
  SocketPair TcpPair() {
    SocketPair pair = MakeTcpLoopbackPair();
    owned_.push_back(pair.first);
    owned_.push_back(pair.second);
    return pair;
  }
  // Closes a socket this fixture owns now instead of at tear-down.
  void CloseOwned(NativeSocket socket) {
    owned_.erase(std::remove(owned_.begin(), owned_.end(), socket),
                 owned_.end());
    CloseSocket(socket);
  }

  // Waits until an event carries `socket`'s token and returns it (or
  // nullopt after `timeout`).
  std::optional<Event> WaitFor(NativeSocket socket,
                               absl::Duration timeout = absl::Seconds(2)) {
    const std::optional<std::uint64_t> token = tokens_.TokenOf(socket);
    EXPECT_TRUE(token.has_value()) << "socket " << socket << " never added";
    if (!token.has_value()) return std::nullopt;
    const absl::Time deadline = absl::Now() + timeout;
    do {
      EXPECT_TRUE(dispatcher_->Wait(absl::Milliseconds(100), batch_).ok());
      for (const Event& event : batch_) {
        EXPECT_EQ(event.socket, kInvalidSocket) << DescribeEvent(event);
        if (event.token == *token) return event;
      }
    } while (absl::Now() < deadline);
    return std::nullopt;
  }

  std::unique_ptr<Dispatcher> dispatcher_;
  EventBatch batch_{64};
  std::vector<NativeSocket> owned_;
  TokenBook tokens_;
};

// Token 0 and kMaxToken are the edges of what epoll packs next to the
// interest in epoll_data, and 0 is also what its wake-up descriptor
// carries: both must come back as given, with the socket left invalid.
TEST_P(DispatcherConformance, TokensFromZeroToMaxTokenComeBackUnchanged) {
  const SocketPair low = Pair();
  const SocketPair high = Pair();
  ASSERT_TRUE(tokens_.Add(low.first, Interest::kRead, 0).ok());
  ASSERT_TRUE(tokens_.Add(high.first, Interest::kReadWrite, Dispatcher::kMaxToken).ok());
  ASSERT_EQ(SendBytes(low.second, "x", 1), 1);
  ASSERT_EQ(SendBytes(high.second, "x", 1), 1);
  std::optional<Event> zero = WaitFor(low.first);
  ASSERT_TRUE(zero.has_value());
  EXPECT_TRUE(zero->readable);
  EXPECT_FALSE(zero->writable);
  std::optional<Event> max = WaitFor(high.first);
  ASSERT_TRUE(max.has_value());
  EXPECT_TRUE(max->readable);
  EXPECT_TRUE(max->writable);
}

TEST_P(DispatcherConformance, AddAndModifyRefuseATokenAboveMaxToken) {
  const SocketPair pair = Pair();
  const absl::Status added =
      dispatcher_->Add(pair.first, Interest::kRead, Dispatcher::kMaxToken + 1);
  EXPECT_EQ(added.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(added.message().find("Dispatcher::Add(socket="), std::string::npos)
      << added;
  EXPECT_NE(added.message().find("kMaxToken"), std::string::npos) << added;
  EXPECT_EQ(dispatcher_->registered_count(), 0u);
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 3).ok());
  const absl::Status modified =
      dispatcher_->Modify(pair.first, Interest::kRead, ~std::uint64_t{0});
  EXPECT_EQ(modified.code(), absl::StatusCode::kInvalidArgument) << modified;
  // The registration is as it was: its events still carry token 3.
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  std::optional<Event> event = WaitFor(pair.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->token, 3u);
}

// The token lives in the system's user data on epoll and poll: a Modify
// that keeps the interest must still reach it.
TEST_P(DispatcherConformance, ModifyWithTheSameInterestChangesTheToken) {
  const SocketPair pair = Pair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 5).ok());
  ASSERT_TRUE(tokens_.Modify(pair.first, Interest::kRead, 6).ok());
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  ASSERT_TRUE(dispatcher_->Wait(absl::Seconds(2), batch_).ok());
  ASSERT_EQ(batch_.size(), 1u);
  EXPECT_EQ(batch_[0].token, 6u);
}

// poll moves its last entry into a removed one's place; the token array
// beside the pollfds must move with it, or the moved socket's events would
// carry the removed one's token.
TEST_P(DispatcherConformance, RemovingASocketFromTheMiddleKeepsTheOthersTokens) {
  const SocketPair first = Pair();
  const SocketPair middle = Pair();
  const SocketPair last = Pair();
  ASSERT_TRUE(tokens_.Add(first.first, Interest::kRead, 1).ok());
  ASSERT_TRUE(tokens_.Add(middle.first, Interest::kRead, 2).ok());
  ASSERT_TRUE(tokens_.Add(last.first, Interest::kRead, 3).ok());
  ASSERT_TRUE(dispatcher_->Remove(first.first).ok());
  ASSERT_EQ(SendBytes(middle.second, "x", 1), 1);
  ASSERT_EQ(SendBytes(last.second, "x", 1), 1);
  std::set<std::uint64_t> seen;
  const absl::Time deadline = absl::Now() + absl::Seconds(2);
  while (seen.size() < 2 && absl::Now() < deadline) {
    ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(100), batch_).ok());
    for (const Event& event : batch_) seen.insert(event.token);
  }
  EXPECT_EQ(seen, (std::set<std::uint64_t>{2, 3}));
}

// A scan that starts where a full batch stopped (poll and select resume
// round-robin) must still visit each socket once per wait: none skipped,
// none reported twice.
TEST_P(DispatcherConformance, AWaitAfterAFullBatchReportsEachReadySocketOnce) {
  constexpr std::uint64_t kSockets = 20;
  std::vector<SocketPair> pairs;
  for (std::uint64_t i = 0; i < kSockets; ++i) {
    pairs.push_back(Pair());
    ASSERT_TRUE(tokens_.Add(pairs.back().first, Interest::kRead, i).ok());
    ASSERT_EQ(SendBytes(pairs.back().second, "x", 1), 1);
  }
  // Fill a small batch first so that the next scan starts midway.
  EventBatch small(7);
  const absl::Time small_deadline = absl::Now() + absl::Seconds(2);
  while (!small.full() && absl::Now() < small_deadline) {
    ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(100), small).ok());
  }
  ASSERT_TRUE(small.full()) << "20 ready sockets never filled 7 places";
  // Nothing was read: all 20 stay ready.
  std::set<std::uint64_t> seen;
  const absl::Time deadline = absl::Now() + absl::Seconds(2);
  while (seen.size() < kSockets && absl::Now() < deadline) {
    ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(100), batch_).ok());
    std::set<std::uint64_t> this_wait;
    for (const Event& event : batch_) {
      EXPECT_LT(event.token, kSockets);
      EXPECT_TRUE(this_wait.insert(event.token).second)
          << "token " << event.token << " reported twice in one wait";
    }
    seen.insert(this_wait.begin(), this_wait.end());
  }
  EXPECT_EQ(seen.size(), kSockets);
}

TEST_P(DispatcherConformance, NameMatchesBackend) {
  EXPECT_EQ(dispatcher_->name(), GetParam());
}

TEST_P(DispatcherConformance, ReadableWhenPeerWrites) {
  SocketPair pair = Pair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 42).ok());
  ASSERT_TRUE(dispatcher_->Wait(absl::ZeroDuration(), batch_).ok());
  EXPECT_TRUE(batch_.empty()) << "nothing was written yet";

  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  std::optional<Event> event = WaitFor(pair.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->token, 42u);
  EXPECT_TRUE(event->readable);
  EXPECT_FALSE(event->writable) << "write interest was not asked for";
  EXPECT_FALSE(event->error);
}

TEST_P(DispatcherConformance, WritableWhenBufferHasRoom) {
  SocketPair pair = Pair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kWrite, 7).ok());
  std::optional<Event> event = WaitFor(pair.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(event->writable);
  EXPECT_FALSE(event->readable);
}

TEST_P(DispatcherConformance, NotWritableWhenBufferIsFullThenWritableAgain) {
  SocketPair pair = TcpPair();
  // Late ACKs can free send-buffer space after a fill: refill until two
  // fills in a row send nothing.
  for (int quiet = 0; quiet < 2;) {
    quiet = FillSocket(pair.first) == 0 ? quiet + 1 : 0;
    absl::SleepFor(absl::Milliseconds(2));
  }
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kWrite, 1).ok());
  ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(20), batch_).ok());
  EXPECT_TRUE(batch_.empty()) << "a full send buffer is not writable";
  DrainSocket(pair.second);
  // The kernel may need the peer's window update; drain until writable.
  std::optional<Event> event;
  for (int i = 0; i < 50 && !event.has_value(); ++i) {
    DrainSocket(pair.second);
    event = WaitFor(pair.first, absl::Milliseconds(100));
  }
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(event->writable);
}

TEST_P(DispatcherConformance, ReadinessIsLevelTriggered) {
  SocketPair pair = Pair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 1).ok());
  ASSERT_EQ(SendBytes(pair.second, "abc", 3), 3);
  for (int round = 0; round < 3; ++round) {
    std::optional<Event> event = WaitFor(pair.first);
    ASSERT_TRUE(event.has_value()) << "round " << round;
    EXPECT_TRUE(event->readable);
  }
  char byte;
  ASSERT_EQ(ReceiveBytes(pair.first, &byte, 1), 1);
  ASSERT_TRUE(WaitFor(pair.first).has_value()) << "two bytes are still queued";
  DrainSocket(pair.first);
  ASSERT_TRUE(dispatcher_->Wait(absl::ZeroDuration(), batch_).ok());
  EXPECT_TRUE(batch_.empty()) << "drained socket reported again";
}

TEST_P(DispatcherConformance, TcpLoopbackReadinessBothWays) {
  SocketPair pair = TcpPair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kReadWrite, 1).ok());
  ASSERT_TRUE(tokens_.Add(pair.second, Interest::kRead, 2).ok());
  std::optional<Event> client = WaitFor(pair.first);
  ASSERT_TRUE(client.has_value());
  EXPECT_TRUE(client->writable);
  EXPECT_FALSE(client->readable);
  ASSERT_EQ(SendBytes(pair.first, "ping", 4), 4);
  std::optional<Event> server = WaitFor(pair.second);
  ASSERT_TRUE(server.has_value());
  EXPECT_EQ(server->token, 2u);
  EXPECT_TRUE(server->readable);
}

TEST_P(DispatcherConformance, TurningWriteInterestOffKeepsReadInterest) {
  SocketPair pair = Pair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kReadWrite, 1).ok());
  ASSERT_TRUE(WaitFor(pair.first)->writable);
  ASSERT_TRUE(tokens_.Modify(pair.first, Interest::kRead, 5).ok());
  ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(10), batch_).ok());
  EXPECT_TRUE(batch_.empty()) << "write interest was turned off";
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  std::optional<Event> event = WaitFor(pair.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(event->readable);
  EXPECT_FALSE(event->writable);
  EXPECT_EQ(event->token, 5u) << "Modify replaces the token";
  // And back on: both directions again.
  ASSERT_TRUE(tokens_.Modify(pair.first, Interest::kReadWrite, 6).ok());
  event = WaitFor(pair.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(event->readable && event->writable);
}

TEST_P(DispatcherConformance, WriteOnlyInterestIgnoresIncomingData) {
  SocketPair pair = Pair();
  FillSocket(pair.first);  // not writable
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kWrite, 1).ok());
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(20), batch_).ok());
  EXPECT_TRUE(batch_.empty()) << "readable data must not wake a writer";
}

TEST_P(DispatcherConformance, PeerCloseIsReadableAndReadReturnsZero) {
  SocketPair pair = TcpPair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 1).ok());
  ASSERT_EQ(SendBytes(pair.second, "tail", 4), 4);
  CloseOwned(pair.second);
  std::optional<Event> event = WaitFor(pair.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(event->readable);
  // Wine's AFD reports the FIN (AFD_POLL_DISCONNECT) only once the bytes
  // queued before it were read, so under Wine iocp's hint is checked after
  // the read instead.
  const bool hangup_after_data =
      kind() == BackendKind::kIocp && RunningUnderWine();
  if (kind() != BackendKind::kSelect && !hangup_after_data) {
    // select has no hangup flag; every other backend reports the hint.
    // Wait until the FIN has arrived behind the data.
    for (int i = 0; i < 50 && !event->hangup; ++i) {
      absl::SleepFor(absl::Milliseconds(2));
      event = WaitFor(pair.first);
      ASSERT_TRUE(event.has_value());
    }
    EXPECT_TRUE(event->hangup);
  }
  // A hangup is only a hint: the queued bytes come first, then the end.
  char buffer[16];
  EXPECT_EQ(ReceiveBytes(pair.first, buffer, sizeof buffer), 4);
  if (hangup_after_data) {
    event = WaitFor(pair.first);
    ASSERT_TRUE(event.has_value());
    EXPECT_TRUE(event->readable);
    EXPECT_TRUE(event->hangup) << "Wine: the FIN once the data was read";
  }
  EXPECT_EQ(ReceiveBytes(pair.first, buffer, sizeof buffer), 0);
}

TEST_P(DispatcherConformance, PeerResetMakesWatchedDirectionsReady) {
  SocketPair pair = TcpPair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 1).ok());
  ResetOnClose(pair.second);
  CloseOwned(pair.second);
  std::optional<Event> event = WaitFor(pair.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(event->readable);
  char buffer[4];
  EXPECT_LE(ReceiveBytes(pair.first, buffer, sizeof buffer), 0);
}

TEST_P(DispatcherConformance, RefusedLoopbackConnectReportsError) {
  const std::uint16_t port = UnusedLoopbackPort();
  NativeSocket socket = StartLoopbackConnect(port);
  owned_.push_back(socket);
  ASSERT_TRUE(tokens_.Add(socket, Interest::kReadWrite, 9).ok());
  std::optional<Event> event = WaitFor(socket);
  ASSERT_TRUE(event.has_value());
  // The seed's rule: a failed connect is readable and writable; SO_ERROR
  // says why.
  EXPECT_TRUE(event->readable);
  EXPECT_TRUE(event->writable);
  if (kind() != BackendKind::kSelect) {
    EXPECT_TRUE(event->error) << "the backend saw the error; say so";
  }
  if (RunningOnLibkqueue(kind())) GTEST_SKIP() << kLibkqueueClearsSocketError;
  EXPECT_EQ(PendingSocketError(socket), ConnectionRefusedError());
}

TEST_P(DispatcherConformance, WakeFromAnotherThreadEndsAnInfiniteWait) {
  std::atomic<bool> woke{false};
  std::thread waker([&] {
    absl::SleepFor(absl::Milliseconds(30));
    woke = true;
    dispatcher_->Wake();
  });
  ASSERT_TRUE(dispatcher_->Wait(absl::InfiniteDuration(), batch_).ok());
  EXPECT_TRUE(woke.load());
  EXPECT_TRUE(batch_.empty()) << "a wake-up is not an event";
  waker.join();
}

TEST_P(DispatcherConformance, AReadySocketIsReportedWhenAWakeUpArrivesInTheSameWait) {
  // select counted the wake-up descriptor twice and stopped its scan one
  // ready socket early, so a socket behind the wake-up descriptor was
  // dropped from every wait that also had a wake-up.
  SocketPair pair = Pair();  // numbered after the dispatcher's wake-up
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 3).ok());
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  bool reported = false;
  for (int round = 0; round < 20 && !reported; ++round) {
    dispatcher_->Wake();
    ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(100), batch_).ok());
    for (const Event& event : batch_) reported |= event.token == 3u;
  }
  EXPECT_TRUE(reported);
}

TEST_P(DispatcherConformance, WakesBeforeTheWaitAreNotLost) {
  dispatcher_->Wake();
  dispatcher_->Wake();  // merged with the first
  ASSERT_TRUE(dispatcher_->Wait(absl::Seconds(5), batch_).ok());
  // The pending wake-up was consumed; the next wait times out normally.
  const absl::Time start = absl::Now();
  ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(20), batch_).ok());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(19));
}

TEST_P(DispatcherConformance, TimeoutIsHonouredWithoutBusyLooping) {
  // A 50 ms wait on an idle socket returns once, after about 50 ms: count
  // how many waits fit into 50 ms of wall time.
  SocketPair pair = Pair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 1).ok());
  const absl::Time start = absl::Now();
  int waits = 0;
  while (absl::Now() - start < absl::Milliseconds(50)) {
    ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(50), batch_).ok());
    EXPECT_TRUE(batch_.empty());
    ++waits;
  }
  EXPECT_LE(waits, 2) << "the wait returned early " << waits << " times";
}

TEST_P(DispatcherConformance, SubMillisecondTimeoutDoesNotSpin) {
  const absl::Time start = absl::Now();
  int waits = 0;
  while (absl::Now() - start < absl::Milliseconds(20)) {
    ASSERT_TRUE(dispatcher_->Wait(absl::Microseconds(300), batch_).ok());
    ++waits;
  }
  // Rounded up to the backend's granularity, never down to zero: at most
  // one wait per ~0.3 ms, so far fewer than a spinning loop's thousands.
  EXPECT_LE(waits, 100);
}

TEST_P(DispatcherConformance, ZeroTimeoutReturnsAtOnce) {
  const absl::Time start = absl::Now();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(dispatcher_->Wait(absl::ZeroDuration(), batch_).ok());
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST_P(DispatcherConformance, SmallBatchReportsEverySocketEventually) {
  std::vector<SocketPair> pairs;
  for (int i = 0; i < 7; ++i) {
    pairs.push_back(Pair());
    ASSERT_TRUE(tokens_.Add(pairs.back().first, Interest::kRead,
                            static_cast<std::uint64_t>(i)).ok());
    ASSERT_EQ(SendBytes(pairs.back().second, "x", 1), 1);
  }
  EventBatch small(2);
  std::set<std::uint64_t> seen;
  for (int round = 0; round < 20 && seen.size() < pairs.size(); ++round) {
    ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(100), small).ok());
    EXPECT_LE(small.size(), 2u);
    for (const Event& event : small) seen.insert(event.token);
    // Nothing is drained: the first sockets stay ready and must not starve
    // the others.
  }
  EXPECT_EQ(seen.size(), pairs.size());
}

TEST_P(DispatcherConformance, OneMoreReadySocketThanTheBatchHoldsIsNotStarved) {
  // Level-triggered kernels re-queue ready sockets in order: a backend that
  // fetched one more than the batch and dropped it would drop the same one
  // every time.
  std::vector<SocketPair> pairs;
  for (int i = 0; i < 3; ++i) {
    pairs.push_back(Pair());
    ASSERT_TRUE(tokens_.Add(pairs.back().first, Interest::kRead,
                            static_cast<std::uint64_t>(i)).ok());
    ASSERT_EQ(SendBytes(pairs.back().second, "x", 1), 1);
  }
  EventBatch small(2);
  std::set<std::uint64_t> seen;
  for (int round = 0; round < 50 && seen.size() < pairs.size(); ++round) {
    ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(100), small).ok());
    for (const Event& event : small) seen.insert(event.token);
  }
  EXPECT_EQ(seen.size(), pairs.size());
}

TEST_P(DispatcherConformance, RemoveAndAddAgainWhileAPollIsInFlight) {
  // iocp keeps a socket's poll request alive until its cancellation is
  // reaped; a Remove that freed it at once, or a new Add that reused it,
  // would corrupt memory or deliver the old registration's token.
  SocketPair pair = Pair();
  for (std::uint64_t round = 0; round < 50; ++round) {
    ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, round).ok());
    ASSERT_TRUE(dispatcher_->Wait(absl::ZeroDuration(), batch_).ok());
    EXPECT_TRUE(batch_.empty());
    ASSERT_TRUE(dispatcher_->Remove(pair.first).ok());
  }
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 1000).ok());
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  std::optional<Event> event = WaitFor(pair.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->token, 1000u);
  // Interest widened while a poll for the old one is in flight (iocp: the
  // read poll is cancelled and a new one asks for both).
  char byte;
  ASSERT_EQ(ReceiveBytes(pair.first, &byte, 1), 1);
  ASSERT_TRUE(dispatcher_->Wait(absl::ZeroDuration(), batch_).ok());
  EXPECT_TRUE(batch_.empty());
  ASSERT_TRUE(tokens_.Modify(pair.first, Interest::kReadWrite, 1001).ok());
  event = WaitFor(pair.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->token, 1001u);
  EXPECT_TRUE(event->writable);
  EXPECT_FALSE(event->readable);
}

TEST_P(DispatcherConformance, ManyRegisteredSockets) {
  // 1,100 registered sockets (2,200 descriptors) on poll and epoll; select
  // holds descriptors below FD_SETSIZE only, so it is filled to what fits.
  std::size_t count = 1100;
  if (handle_limit() != 0) count = (handle_limit() - 64) / 2;
  RaiseFileLimit(2 * count + 256);
  std::vector<SocketPair> pairs;
  for (std::size_t i = 0; i < count; ++i) {
    pairs.push_back(Pair());
    ASSERT_TRUE(
        tokens_.Add(pairs.back().first, Interest::kRead, i).ok())
        << "socket " << i << " of " << count;
  }
  EXPECT_EQ(dispatcher_->registered_count(), count);
  for (const SocketPair& pair : pairs) {
    ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  }
  std::vector<bool> seen(count, false);
  std::size_t distinct = 0;
  EventBatch batch(256);
  for (int round = 0; round < 100 && distinct < count; ++round) {
    ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(100), batch).ok());
    for (const Event& event : batch) {
      ASSERT_LT(event.token, count);
      if (!seen[event.token]) {
        seen[event.token] = true;
        ++distinct;
      }
      char byte;
      ReceiveBytes(pairs[event.token].first, &byte, 1);
    }
  }
  EXPECT_EQ(distinct, count);
  for (const SocketPair& pair : pairs) {
    ASSERT_TRUE(dispatcher_->Remove(pair.first).ok());
  }
  EXPECT_EQ(dispatcher_->registered_count(), 0u);
}

TEST_P(DispatcherConformance, DescriptorAboveFdSetSize) {
#ifdef _WIN32
  // Windows has no descriptor numbers: select's bound is a count of sockets
  // (its FD_SETSIZE). Fill it with unconnected sockets, then ask for one
  // more.
  if (handle_limit() == 0) {
    GTEST_SKIP() << GetParam()
                 << " has no socket-count bound on Windows (SOCKETs are "
                    "handles, not descriptor numbers); ManyRegisteredSockets "
                    "covers 1,100 sockets";
  }
  std::vector<NativeSocket> fillers;
  for (std::size_t i = 0; i < handle_limit(); ++i) {
    fillers.push_back(OpenUnconnectedSocket());
    owned_.push_back(fillers.back());
    ASSERT_TRUE(tokens_.Add(fillers.back(), Interest::kRead, 100 + i).ok())
        << "socket " << i << " of " << handle_limit();
  }
  SocketPair pair = Pair();
  const absl::Status added = tokens_.Add(pair.first, Interest::kRead, 1);
  EXPECT_EQ(added.code(), absl::StatusCode::kResourceExhausted) << added;
  EXPECT_NE(added.message().find("FD_SETSIZE"), absl::string_view::npos)
      << added;
  EXPECT_FALSE(dispatcher_->IsRegistered(pair.first));
  // One removal makes room again, and the dispatcher still works.
  ASSERT_TRUE(dispatcher_->Remove(fillers.back()).ok());
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 2).ok());
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  std::optional<Event> event = WaitFor(pair.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->token, 2u);
#else
  constexpr long kHigh = 1500;  // above glibc's FD_SETSIZE of 1024
  if (RaiseFileLimit(kHigh + 16) <= static_cast<std::size_t>(kHigh)) {
    GTEST_SKIP() << "the descriptor limit cannot be raised above " << kHigh;
  }
  SocketPair pair = Pair();
  NativeSocket high = MoveToDescriptor(pair.first, kHigh);
  ASSERT_EQ(high, kHigh);
  std::replace(owned_.begin(), owned_.end(), pair.first, high);
  const absl::Status added = tokens_.Add(high, Interest::kRead, 1);
  if (handle_limit() != 0 && static_cast<std::size_t>(high) >= handle_limit()) {
    // select: a clear error, no FD_SET call (glibc's fortify check would
    // abort the process), and the dispatcher still works.
    EXPECT_EQ(added.code(), absl::StatusCode::kResourceExhausted) << added;
    EXPECT_NE(added.message().find("FD_SETSIZE"), absl::string_view::npos)
        << added;
    EXPECT_FALSE(dispatcher_->IsRegistered(high));
    SocketPair low = Pair();
    ASSERT_TRUE(tokens_.Add(low.first, Interest::kRead, 2).ok());
    ASSERT_EQ(SendBytes(low.second, "x", 1), 1);
    EXPECT_TRUE(WaitFor(low.first).has_value());
  } else {
    ASSERT_TRUE(added.ok()) << added;
    ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
    std::optional<Event> event = WaitFor(high);
    ASSERT_TRUE(event.has_value());
    EXPECT_TRUE(event->readable);
  }
#endif
}

// --- Misuse: errors that name the call, never a crash, nothing lost. ---

// Checks that the dispatcher still delivers events after a refused call.
#define EXPECT_DISPATCHER_STILL_WORKS()                                    \
  do {                                                                     \
    SocketPair fresh = Pair();                                             \
    ASSERT_TRUE(tokens_.Add(fresh.first, Interest::kRead, 99).ok());  \
    ASSERT_EQ(SendBytes(fresh.second, "x", 1), 1);                         \
    std::optional<Event> still = WaitFor(fresh.first);                     \
    ASSERT_TRUE(still.has_value());                                        \
    EXPECT_EQ(still->token, 99u);                                          \
  } while (false)

TEST_P(DispatcherConformance, AddingTwiceIsAnError) {
  SocketPair pair = Pair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 1).ok());
  const absl::Status again = tokens_.Add(pair.first, Interest::kWrite, 2);
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(again.message().find("Dispatcher::Add"), absl::string_view::npos);
  EXPECT_NE(again.message().find(GetParam()), absl::string_view::npos);
  // The first registration is untouched.
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  std::optional<Event> event = WaitFor(pair.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->token, 1u);
  EXPECT_FALSE(event->writable);
}

TEST_P(DispatcherConformance, ModifyingAnUnknownSocketIsAnError) {
  SocketPair pair = Pair();
  const absl::Status status =
      tokens_.Modify(pair.first, Interest::kRead, 1);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(status.message().find("Dispatcher::Modify(socket="),
            absl::string_view::npos)
      << status;
  EXPECT_DISPATCHER_STILL_WORKS();
}

TEST_P(DispatcherConformance, RemovingAnUnknownSocketIsAnError) {
  SocketPair pair = Pair();
  const absl::Status status = dispatcher_->Remove(pair.first);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(status.message().find("Dispatcher::Remove"),
            absl::string_view::npos);
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 1).ok());
  ASSERT_TRUE(dispatcher_->Remove(pair.first).ok());
  EXPECT_EQ(dispatcher_->Remove(pair.first).code(),
            absl::StatusCode::kNotFound)
      << "removing twice";
  EXPECT_DISPATCHER_STILL_WORKS();
}

TEST_P(DispatcherConformance, InvalidHandleIsAnError) {
  const absl::Status status =
      tokens_.Add(kInvalidSocket, Interest::kRead, 1);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("invalid socket handle"),
            absl::string_view::npos);
  // Printed signed: it used to read socket=18446744073709551615.
  EXPECT_NE(status.message().find("(socket=-1)"), absl::string_view::npos)
      << status;
  EXPECT_DISPATCHER_STILL_WORKS();
}

TEST_P(DispatcherConformance, ClosedDescriptorIsAnError) {
  SocketPair pair = Pair();
  const NativeSocket closed = pair.first;
  CloseOwned(closed);
  const absl::Status status = tokens_.Add(closed, Interest::kRead, 1);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("Dispatcher::Add"), absl::string_view::npos)
      << status;
  EXPECT_FALSE(dispatcher_->IsRegistered(closed));
  EXPECT_DISPATCHER_STILL_WORKS();
}

TEST_P(DispatcherConformance, EmptyInterestIsAnError) {
  SocketPair pair = Pair();
  absl::Status status = tokens_.Add(pair.first, Interest::kNone, 1);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("interest=none"), absl::string_view::npos)
      << status;
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 1).ok());
  status = tokens_.Modify(pair.first, Interest::kNone, 1);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  // The registration keeps its old interest.
  ASSERT_EQ(SendBytes(pair.second, "x", 1), 1);
  EXPECT_TRUE(WaitFor(pair.first).has_value());
}

TEST_P(DispatcherConformance, ModifyingAClosedSocketIsFoundByModifyOrTheNextWait) {
  // Modify used to check the descriptor with an extra system call on every
  // backend. Now each backend finds the misuse where dispatcher.h says.
  SocketPair pair = Pair();
  ASSERT_TRUE(tokens_.Add(pair.first, Interest::kRead, 1).ok());
  CloseOwned(pair.first);  // misuse: closed before Remove
  const absl::Status status =
      tokens_.Modify(pair.first, Interest::kReadWrite, 1);
  switch (kind()) {
    case BackendKind::kEpoll:
    case BackendKind::kKqueue:
      EXPECT_FALSE(status.ok()) << "the system refuses the change (EBADF)";
      break;
    case BackendKind::kPoll:
    case BackendKind::kSelect: {
      EXPECT_TRUE(status.ok()) << status;
      std::optional<Event> event = WaitFor(pair.first);
      ASSERT_TRUE(event.has_value()) << "the wait reports the closed socket";
      EXPECT_TRUE(event->error);
      EXPECT_TRUE(event->readable && event->writable) << "the new interest";
      break;
    }
    case BackendKind::kIocp:
      EXPECT_TRUE(status.ok()) << status;  // and it stops polling it
      break;
    case BackendKind::kIoUring:
      // The change is only queued; the poll request holds the file, so the
      // socket is not really closed until Remove cancels the poll.
      EXPECT_TRUE(status.ok()) << status;
      break;
  }
  if (!status.ok()) {
    EXPECT_NE(status.message().find("Dispatcher::Modify"),
              absl::string_view::npos)
        << status;
  }
  if (RunningOnLibkqueue(kind())) {
    GTEST_SKIP() << "libkqueue cannot see a close (its BUGS.md): it keeps the "
                    "closed descriptor's knotes and takes epoll's EBADF on "
                    "EV_DELETE for success, so Remove cannot tell that the "
                    "socket was closed first; a BSD kernel drops the knotes "
                    "at close and EV_DELETE says EBADF";
  }
  EXPECT_FALSE(dispatcher_->Remove(pair.first).ok())
      << "Remove after close says the socket was closed first";
  EXPECT_FALSE(dispatcher_->IsRegistered(pair.first))
      << "and still forgets it";
  EXPECT_DISPATCHER_STILL_WORKS();
}

TEST_P(DispatcherConformance, ClosingWithoutRemovingStillServesOthers) {
  SocketPair doomed = Pair();
  SocketPair healthy = Pair();
  ASSERT_TRUE(tokens_.Add(doomed.first, Interest::kRead, 1).ok());
  ASSERT_TRUE(tokens_.Add(healthy.first, Interest::kRead, 2).ok());
  CloseOwned(doomed.first);  // misuse: closed before Remove
  ASSERT_EQ(SendBytes(healthy.second, "x", 1), 1);
  std::optional<Event> event = WaitFor(healthy.first);
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(event->readable);
  // Remove still forgets the dead registration (and may say it was closed).
  (void)dispatcher_->Remove(doomed.first);
  EXPECT_FALSE(dispatcher_->IsRegistered(doomed.first));
}

TEST_P(DispatcherConformance, SocketsClosedBeforeRemoveDoNotStarveAReadySocketWithASmallBatch) {
  // select reported the descriptors it had found closed first on every
  // wait, before scanning for ready ones: with as many closed descriptors
  // as the batch holds, a healthy ready socket was never reported.
  std::vector<SocketPair> doomed;
  for (int i = 0; i < 3; ++i) {
    doomed.push_back(Pair());
    ASSERT_TRUE(tokens_.Add(doomed.back().first, Interest::kRead,
                            static_cast<std::uint64_t>(10 + i)).ok());
  }
  SocketPair healthy = Pair();  // numbered after the closed ones
  ASSERT_TRUE(tokens_.Add(healthy.first, Interest::kRead, 1).ok());
  for (const SocketPair& pair : doomed) {
    CloseOwned(pair.first);  // misuse: closed before Remove
  }
  ASSERT_EQ(SendBytes(healthy.second, "x", 1), 1);
  EventBatch small(2);
  bool served = false;
  for (int round = 0; round < 20 && !served; ++round) {
    ASSERT_TRUE(dispatcher_->Wait(absl::Milliseconds(100), small).ok());
    for (const Event& event : small) served |= event.token == 1u;
  }
  EXPECT_TRUE(served) << "the closed sockets took every wait's batch";
  for (const SocketPair& pair : doomed) {
    (void)dispatcher_->Remove(pair.first);  // may say it was closed first
    EXPECT_FALSE(dispatcher_->IsRegistered(pair.first));
  }
}

// Opens a temporary regular file (deleted when closed) as a NativeSocket
// value, as a caller that mixed up its handles would pass it.
class TemporaryFile {
 public:
  TemporaryFile() {
#ifdef _WIN32
    char directory[MAX_PATH];
    char path[MAX_PATH];
    if (::GetTempPathA(MAX_PATH, directory) != 0 &&
        ::GetTempFileNameA(directory, "asy", 0, path) != 0) {
      handle_ = ::CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                              CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE,
                              nullptr);
    }
#else
    char path[] = "/tmp/asycamore-regular-file-XXXXXX";
    fd_ = ::mkstemp(path);
    if (fd_ >= 0) ::unlink(path);
#endif
  }
  ~TemporaryFile() {
#ifdef _WIN32
    if (handle_ != INVALID_HANDLE_VALUE) ::CloseHandle(handle_);
#else
    if (fd_ >= 0) ::close(fd_);
#endif
  }
  bool ok() const { return handle() != kInvalidSocket; }
  NativeSocket handle() const {
#ifdef _WIN32
    return handle_ == INVALID_HANDLE_VALUE ? kInvalidSocket
                                           : reinterpret_cast<NativeSocket>(handle_);
#else
    return fd_;
#endif
  }

 private:
#ifdef _WIN32
  HANDLE handle_ = INVALID_HANDLE_VALUE;
#else
  int fd_ = -1;
#endif
};

TEST_P(DispatcherConformance, RegularFileIsHandledAsTheBackendTableSays) {
  // The table in dispatcher.h did not say that poll and select accept a
  // regular file (always ready) while epoll refuses it.
  TemporaryFile file;
  ASSERT_TRUE(file.ok());
  const absl::Status added =
      tokens_.Add(file.handle(), Interest::kReadWrite, 5);
  switch (kind()) {
    case BackendKind::kPoll:
    case BackendKind::kSelect:
    case BackendKind::kIoUring:  // a file's poll is always ready
#ifdef _WIN32
      // Winsock's select takes sockets only.
      EXPECT_EQ(added.code(), absl::StatusCode::kInvalidArgument) << added;
      break;
#endif
      ASSERT_TRUE(added.ok()) << added;
      for (int round = 0; round < 3; ++round) {
        std::optional<Event> event = WaitFor(file.handle());
        ASSERT_TRUE(event.has_value()) << "round " << round;
        EXPECT_TRUE(event->readable && event->writable) << "always ready";
      }
      EXPECT_TRUE(dispatcher_->Remove(file.handle()).ok());
      break;
    case BackendKind::kEpoll:
      EXPECT_EQ(added.code(), absl::StatusCode::kPermissionDenied) << added;
      EXPECT_NE(added.message().find("epoll_ctl(ADD)"), absl::string_view::npos)
          << added;
      break;
    case BackendKind::kIocp:
      EXPECT_EQ(added.code(), absl::StatusCode::kInvalidArgument) << added;
      break;
    case BackendKind::kKqueue:
      GTEST_SKIP() << "kqueue's rule for files (readable until the end) is "
                      "documented from kqueue(2), not pinned here";
  }
  if (!added.ok()) {
    EXPECT_NE(added.message().find("Dispatcher::Add"), absl::string_view::npos)
        << added;
    EXPECT_FALSE(dispatcher_->IsRegistered(file.handle()));
  }
  EXPECT_DISPATCHER_STILL_WORKS();
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(DispatcherConformance);

}  // namespace
}  // namespace asycamore::testing
