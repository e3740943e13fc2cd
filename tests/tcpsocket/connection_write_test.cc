// TcpConnection's write queue on every backend: eager sends, short writes
// and would-blocks, the watermarks, ENOBUFS on one retry timer, refusals
// after the write side is shut, and destruction with a timer pending.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/time/clock.h"
#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "test_peer.h"

namespace asycamore {
namespace {

using ::asycamore::testing::Checksum;
using ::asycamore::testing::CodeNamed;
using ::asycamore::testing::ConnectionPair;
using ::asycamore::testing::FaultInjector;
using ::asycamore::testing::MakeConnectionPair;
using ::asycamore::testing::PatternStream;
using ::asycamore::testing::RunUntil;

class ConnectionWriteTest : public testing::BackendTest {};

// A Cord of several separate chunks (pieces above abseil's copy limit are
// kept as chunks of their own), so gathered sends span chunk boundaries.
absl::Cord ChunkedCord(const std::string& bytes) {
  absl::Cord cord;
  for (std::size_t at = 0; at < bytes.size(); at += 1000) {
    cord.Append(absl::Cord(bytes.substr(at, 1000)));
  }
  return cord;
}

TEST_P(ConnectionWriteTest, ShortWritesAndWouldBlocksNeverLoseOrRepeatAByte) {
  ConnectionPair pair = MakeConnectionPair(loop());
  FaultInjector faults;
  std::size_t call = 0;
  faults.send = [&](NativeSocket socket, const ConstBuffer* buffers,
                    std::size_t count) {
    ++call;
    if (call % 3 == 0) return IoResult{0, CodeNamed("EAGAIN")};
    // Take a few bytes of the first buffers only (a short write that
    // stops inside a buffer, or at a boundary, or spans several).
    ConstBuffer taken[kMaxSendBuffers];
    const std::size_t n = testing::TakeAtMost(buffers, count,
                                              1 + (call * 7919) % 3000, taken);
    return faults.real.send(socket, taken, n);
  };
  PatternStream pattern(21);
  Checksum produced;
  for (int i = 0; i < 300; ++i) {
    const std::string bytes = pattern.Fill(1 + (i * 104729) % 20000);
    produced.Add(bytes);
    const absl::Status sent = i % 2 == 0
                                  ? pair.connection->Send(bytes)
                                  : pair.connection->Send(ChunkedCord(bytes));
    ASSERT_TRUE(sent.ok()) << sent;
  }
  ASSERT_TRUE(RunUntil(loop(), [&] {
    pair.peer->ReadSome(1 << 20);
    return pair.peer->received.bytes() == produced.bytes();
  }));
  EXPECT_EQ(pair.peer->received.value(), produced.value());
  EXPECT_EQ(pair.connection->queued_bytes(), 0u);
  EXPECT_EQ(pair.connection->bytes_sent(), produced.bytes());
  EXPECT_FALSE(pair.connection->watching_write());  // empty: no writable spin
}

TEST_P(ConnectionWriteTest, SendWithAnEmptyQueueSendsAtOnceWithoutWriteInterest) {
  ConnectionPair pair = MakeConnectionPair(loop());
  ASSERT_TRUE(pair.connection->Send("hello").ok());
  EXPECT_EQ(pair.connection->queued_bytes(), 0u);
  EXPECT_EQ(pair.connection->send_calls(), 1u);
  EXPECT_FALSE(pair.connection->watching_write());
  ASSERT_TRUE(RunUntil(loop(), [&] {
    pair.peer->ReadSome(64);
    return pair.peer->received.bytes() == 5;
  }));
}

TEST_P(ConnectionWriteTest, WatermarkCallbacksAlternateAndAnObedientProducerStaysBounded) {
  constexpr std::size_t kHigh = 64 * 1024;
  constexpr std::size_t kLow = 16 * 1024;
  constexpr std::size_t kChunk = 8 * 1024;
  constexpr std::size_t kTotal = 4 << 20;
  std::string log;
  std::size_t max_queued = 0;
  PatternStream pattern(5);
  Checksum produced;
  TcpConnection* connection = nullptr;
  // Produces while the queue is not blocked (the product's side of the
  // contract), then waits for on_drained.
  const auto produce = [&] {
    while (produced.bytes() < kTotal && !connection->write_blocked()) {
      const std::string chunk = pattern.Fill(kChunk);
      produced.Add(chunk);
      ASSERT_TRUE(connection->Send(chunk).ok());
      max_queued = std::max(max_queued, connection->queued_bytes());
    }
  };
  ConnectionOptions options;
  options.high_watermark = kHigh;
  options.low_watermark = kLow;
  options.on_write_blocked = [&](TcpConnection&) { log += 'B'; };
  options.on_drained = [&](TcpConnection&) {
    log += 'D';
    produce();
  };
  ConnectionPair pair = MakeConnectionPair(loop(), std::move(options));
  connection = pair.connection.get();
  FaultInjector faults;
  testing::LimitSendsToPeerWindow(faults, *pair.peer, 32 * 1024);
  produce();
  // A slow reader: 16 KiB per loop turn at most.
  ASSERT_TRUE(RunUntil(loop(), [&] {
    pair.peer->ReadSome(16 * 1024);
    return pair.peer->received.bytes() == kTotal;
  }, absl::Seconds(60)));
  EXPECT_EQ(pair.peer->received.value(), produced.value());
  ASSERT_GE(log.size(), 4u) << "the slow reader never blocked the queue";
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i], i % 2 == 0 ? 'B' : 'D') << "at " << i << ": " << log;
  }
  // Bounded: the producer stops at the first chunk past the high mark.
  EXPECT_LE(max_queued, kHigh + kChunk);
  RecordProperty("blocked_drained_pairs", static_cast<int>(log.size() / 2));
}

TEST_P(ConnectionWriteTest, NoBuffersDuringAFlushRetriesOnOneTimerWithoutSpinning) {
  ConnectionOptions options;
  options.no_buffers_backoff = absl::Milliseconds(25);
  ConnectionPair pair = MakeConnectionPair(loop(), std::move(options), nullptr,
                                           /*small_buffers=*/true);
  const std::string payload = PatternStream(6).Fill(1 << 20);
  ASSERT_TRUE(pair.connection->Send(payload).ok());
  ASSERT_GT(pair.connection->queued_bytes(), 0u);  // a flush is under way
  ASSERT_TRUE(pair.connection->watching_write());

  FaultInjector faults;
  bool shortage = true;
  faults.send = [&](NativeSocket socket, const ConstBuffer* buffers,
                    std::size_t count) {
    if (shortage) return IoResult{0, CodeNamed("ENOBUFS")};
    return faults.real.send(socket, buffers, count);
  };
  // The peer takes everything the kernel holds, so the socket is writable
  // all along: a connection that kept write interest would wake the loop
  // on every turn.
  pair.peer->ReadSome(1 << 30);
  ASSERT_TRUE(RunUntil(loop(), [&] { return faults.send_calls >= 1; }));
  EXPECT_FALSE(pair.connection->watching_write());
  // A read shortage at the same time joins the pending timer: still one.
  pair.connection->BackOffReading();
  EXPECT_EQ(loop().timer_count(), 1u);

  std::size_t iterations = 0;
  const std::size_t sends_before = faults.send_calls;
  const absl::Time window_end = absl::Now() + absl::Milliseconds(300);
  for (absl::Time now = absl::Now(); now < window_end; now = absl::Now()) {
    ASSERT_TRUE(loop().Iterate(window_end - now).ok());
    ++iterations;
    pair.peer->ReadSome(1 << 30);
    EXPECT_LE(loop().timer_count(), 1u);
  }
  const std::size_t retries = faults.send_calls - sends_before;
  // One send per timer (about 12 in 300 ms at 25 ms); a spinning loop
  // would make thousands. Noise can only lower the counts.
  EXPECT_GE(retries, 1u);
  EXPECT_LE(retries, 14u);
  EXPECT_LE(iterations, 2 * retries + 4);

  shortage = false;
  ASSERT_TRUE(RunUntil(loop(), [&] {
    pair.peer->ReadSome(1 << 20);
    return pair.peer->received.bytes() == payload.size();
  }));
  Checksum expected;
  expected.Add(payload);
  EXPECT_EQ(pair.peer->received.value(), expected.value());
}

TEST_P(ConnectionWriteTest, DestroyingAConnectionWithAPendingRetryTimerCancelsIt) {
  ConnectionPair pair = MakeConnectionPair(loop());
  FaultInjector faults;
  faults.send = [&](NativeSocket, const ConstBuffer*, std::size_t) {
    return IoResult{0, CodeNamed("ENOBUFS")};
  };
  ASSERT_TRUE(pair.connection->Send("waits for memory").ok());
  pair.connection->BackOffReading();
  ASSERT_EQ(loop().timer_count(), 1u);
  pair.connection.reset();  // ASan catches a timer firing into it
  EXPECT_EQ(loop().timer_count(), 0u);
  EXPECT_EQ(loop().registration_count(), 0u);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(10)).ok());
  }
  EXPECT_EQ(faults.send_calls, 1u);
  pair.peer->ReadSome(64);
  EXPECT_TRUE(pair.peer->ended);  // the destructor closed the socket
}

TEST_P(ConnectionWriteTest, NoBuffersInTheReaderAndTheWriterArmOneTimerThatTheDestructorCancels) {
  // WriteIterable and DataReader each kept an ENOBUFS retry timer in one
  // slot: a second shortage overwrote the first timer without cancelling
  // it, the destructor cancelled only the last, and the first fired into
  // freed memory. Both drivers now share the connection's one timer.
  ConnectionOptions options;
  options.no_buffers_backoff = absl::Milliseconds(30);
  ConnectionPair pair = MakeConnectionPair(loop(), std::move(options));
  FaultInjector faults;
  faults.send = [&](NativeSocket, const ConstBuffer*, std::size_t) {
    return IoResult{0, CodeNamed("ENOBUFS")};
  };
  faults.receive = [&](NativeSocket, void*, std::size_t) {
    return IoResult{0, CodeNamed("ENOBUFS")};
  };
  DataReader reader(*pair.connection, nullptr);
  ASSERT_TRUE(reader.Start().ok());
  pair.connection->on_event = [&](testing::RecordingConnection&,
                                  const Event& event) {
    if (event.readable) reader.OnReadable();
  };
  std::vector<WriteItem> items;
  items.emplace_back("waits for memory", 0);
  auto writer = std::make_unique<WriteIterable>(
      *pair.connection, ItemsFrom(std::move(items)), nullptr);
  EXPECT_EQ(writer->OnWritable(), WriteProgress::kWriting);
  ASSERT_GE(faults.send_calls, 1u);
  EXPECT_EQ(loop().timer_count(), 1u);
  // The reader's shortage comes while the writer's retry is pending (the
  // retry itself meets the shortage again and waits once more).
  ASSERT_EQ(testing::SendBytes(pair.peer->socket, "x", 1), 1);
  ASSERT_TRUE(RunUntil(loop(), [&] {
    EXPECT_LE(loop().timer_count(), 1u);
    return faults.receive_calls >= 1;
  }));
  EXPECT_EQ(loop().timer_count(), 1u) << "one retry timer per connection";
  EXPECT_FALSE(pair.connection->watching_read());
  EXPECT_FALSE(pair.connection->watching_write());
  writer.reset();
  pair.connection.reset();  // ASan catches a timer firing into it
  EXPECT_EQ(loop().timer_count(), 0u);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(20)).ok());
  }
}

TEST_P(ConnectionWriteTest, SendAfterTheWriteSideIsShutIsRefusedAndQueuesNothing) {
  ConnectionPair pair = MakeConnectionPair(loop());
  ASSERT_TRUE(pair.connection->Shutdown().ok());
  const absl::Status after_shutdown = pair.connection->Send("late");
  EXPECT_EQ(after_shutdown.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(after_shutdown.message().find("TcpConnection::Send(4 bytes)"),
            std::string::npos)
      << after_shutdown;
  EXPECT_NE(after_shutdown.message().find("fin-sent"), std::string::npos)
      << after_shutdown;
  EXPECT_EQ(pair.connection->queued_bytes(), 0u);
  EXPECT_FALSE(pair.connection->Send(absl::Cord("late")).ok());

  pair.connection->Abort();
  const absl::Status after_abort = pair.connection->Send("later");
  EXPECT_EQ(after_abort.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(after_abort.message().find("closed"), std::string::npos)
      << after_abort;

  testing::RecordingConnection never_connected;
  EXPECT_FALSE(never_connected.Send("x").ok());
}

TEST_P(ConnectionWriteTest, SendToAResetPeerReturnsTheErrorAndAbortsTheConnection) {
  int closed = 0;
  ConnectionPair pair = MakeConnectionPair(
      loop(), {}, [&](TcpConnection&) { ++closed; });
  testing::ResetOnClose(pair.peer->socket);
  testing::CloseSocket(pair.peer->socket);
  pair.peer->socket = kInvalidSocket;
  absl::Status sent;
  for (int i = 0; i < 50 && sent.ok(); ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(5)).ok());
    if (pair.connection->dispatch_state() == ConnectionState::kConnected) {
      sent = pair.connection->Send(std::string(64 * 1024, 'r'));
    }
  }
  EXPECT_FALSE(sent.ok());
  EXPECT_NE(sent.message().find("TcpConnection::Send"), std::string::npos)
      << sent;
  EXPECT_EQ(pair.connection->dispatch_state(), ConnectionState::kClosed);
  EXPECT_EQ(ClassifyError(SocketOp::kWrite, pair.connection->last_error()),
            ErrorClass::kClosed)
      << SystemErrorName(pair.connection->last_error());
  EXPECT_EQ(closed, 1);
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(ConnectionWriteTest);

}  // namespace
}  // namespace asycamore
