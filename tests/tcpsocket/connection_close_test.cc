// The three ways to close a TcpConnection on every backend (Shutdown,
// Close with a timeout, Abort), the graceful close DataReader makes at the
// peer's end, paused reading, and destruction in the middle of a flush.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "test_peer.h"

namespace asycamore {
namespace {

using ::asycamore::testing::Checksum;
using ::asycamore::testing::ConnectionPair;
using ::asycamore::testing::MakeConnectionPair;
using ::asycamore::testing::PatternStream;
using ::asycamore::testing::RawPeer;
using ::asycamore::testing::RunUntil;
using ::asycamore::testing::StreamConnection;
using ::asycamore::testing::StreamSettings;

class ConnectionCloseTest : public testing::BackendTest {
 protected:
  // Queues `size` pattern bytes on `connection` (most stay queued with small
  // buffers) and returns their checksum.
  static Checksum QueuePayload(TcpConnection& connection, std::size_t size) {
    const std::string payload = PatternStream(31).Fill(size);
    EXPECT_TRUE(connection.Send(payload).ok());
    Checksum sum;
    sum.Add(payload);
    return sum;
  }
};

TEST_P(ConnectionCloseTest, ShutdownFlushesTheQueueToASlowReaderThenSendsTheEnd) {
  ConnectionPair pair = MakeConnectionPair(loop(), {}, nullptr,
                                           /*small_buffers=*/true);
  const Checksum sent = QueuePayload(*pair.connection, 2 << 20);
  ASSERT_GT(pair.connection->queued_bytes(), 0u);
  ASSERT_TRUE(pair.connection->Shutdown().ok());
  EXPECT_EQ(pair.connection->dispatch_state(), ConnectionState::kClosing);
  std::vector<ConnectionState> seen;
  ASSERT_TRUE(RunUntil(loop(), [&] {
    if (seen.empty() || seen.back() != pair.connection->dispatch_state()) {
      seen.push_back(pair.connection->dispatch_state());
    }
    pair.peer->ReadSome(32 * 1024);  // slow: 32 KiB a turn
    return pair.peer->ended;
  }, absl::Seconds(60)));
  // Every byte, then the end.
  EXPECT_EQ(pair.peer->received.bytes(), sent.bytes());
  EXPECT_EQ(pair.peer->received.value(), sent.value());
  EXPECT_EQ(seen, (std::vector<ConnectionState>{ConnectionState::kClosing,
                                                ConnectionState::kFinSent}));
  EXPECT_EQ(pair.connection->dispatch_state(), ConnectionState::kFinSent);
  EXPECT_FALSE(pair.connection->watching_write());
}

TEST_P(ConnectionCloseTest, CloseFlushesSendsTheEndDiscardsInputAndClosesAtThePeersEnd) {
  int closed = 0;
  ConnectionPair pair = MakeConnectionPair(
      loop(), {}, [&](TcpConnection&) { ++closed; }, /*small_buffers=*/true);
  const Checksum sent = QueuePayload(*pair.connection, 1 << 20);
  pair.connection->Close(absl::Seconds(30));
  EXPECT_EQ(pair.connection->dispatch_state(), ConnectionState::kClosing);
  // The peer keeps talking while it reads: the closing side must read (and
  // drop) that to see the peer's end behind it.
  const std::string chatter(200 * 1024, 'c');
  std::size_t chatted = 0;
  bool peer_shut = false;
  ASSERT_TRUE(RunUntil(loop(), [&] {
    pair.peer->ReadSome(32 * 1024);
    if (chatted < chatter.size()) {
      const long n = testing::SendBytes(pair.peer->socket,
                                        chatter.data() + chatted,
                                        chatter.size() - chatted);
      if (n > 0) chatted += static_cast<std::size_t>(n);
    } else if (pair.peer->ended && !peer_shut) {
      EXPECT_TRUE(ShutdownSend(pair.peer->socket).ok());
      peer_shut = true;
    }
    return closed > 0;
  }, absl::Seconds(60)));
  EXPECT_TRUE(pair.peer->ended);
  EXPECT_EQ(pair.peer->received.value(), sent.value());
  EXPECT_EQ(pair.connection->dispatch_state(), ConnectionState::kClosed);
  EXPECT_EQ(pair.connection->dropped_bytes(), 0u);
  EXPECT_EQ(pair.connection->last_error(), kNoSystemError);
  EXPECT_EQ(loop().timer_count(), 0u);  // the deadline went with it
  EXPECT_EQ(closed, 1);
}

TEST_P(ConnectionCloseTest, CloseEndsAtTheTimeoutWhenThePeerNeverEndsAndTheCloserRunsOnce) {
  int closed = 0;
  ConnectionPair pair = MakeConnectionPair(
      loop(), {}, [&](TcpConnection&) { ++closed; });
  const Checksum sent = QueuePayload(*pair.connection, 10000);
  pair.connection->Close(absl::Milliseconds(200));
  pair.connection->Close(absl::Seconds(60));  // the first deadline stays
  ASSERT_TRUE(RunUntil(loop(), [&] {
    pair.peer->ReadSome(1 << 20);  // reads everything, never ends
    return pair.peer->ended;
  }));
  EXPECT_EQ(pair.connection->dispatch_state(), ConnectionState::kFinSent);
  EXPECT_EQ(closed, 0);  // waiting for the peer's end
  ASSERT_TRUE(RunUntil(loop(), [&] { return closed > 0; }, absl::Seconds(10)));
  EXPECT_EQ(pair.connection->dispatch_state(), ConnectionState::kClosed);
  EXPECT_EQ(pair.peer->received.value(), sent.value());
  EXPECT_EQ(pair.connection->dropped_bytes(), 0u);  // everything had gone
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(10)).ok());
  }
  EXPECT_EQ(closed, 1);
}

TEST_P(ConnectionCloseTest, CloseTimeoutDropsWhatAPeerThatNeverReadsLeftQueued) {
  int closed = 0;
  ConnectionPair pair = MakeConnectionPair(
      loop(), {}, [&](TcpConnection&) { ++closed; }, /*small_buffers=*/true);
  QueuePayload(*pair.connection, 2 << 20);
  const std::size_t queued = pair.connection->queued_bytes();
  ASSERT_GT(queued, 0u);
  pair.connection->Close(absl::Milliseconds(100));
  ASSERT_TRUE(RunUntil(loop(), [&] { return closed > 0; }));
  EXPECT_EQ(closed, 1);
  EXPECT_GT(pair.connection->dropped_bytes(), 0u);
  EXPECT_LE(pair.connection->dropped_bytes(), queued);
  EXPECT_EQ(pair.connection->last_error(), TimedOutError());
}

TEST_P(ConnectionCloseTest, AbortWithBytesQueuedReportsTheCountAndTheItemsNotSent) {
  int closed = 0;
  std::size_t dropped_seen_by_closer = 0;
  ConnectionPair pair = MakeConnectionPair(
      loop(), {},
      [&](TcpConnection& connection) {
        ++closed;
        dropped_seen_by_closer = connection.dropped_bytes();
      },
      /*small_buffers=*/true);
  TcpConnection& connection = *pair.connection;
  QueuePayload(connection, 1 << 20);  // bytes of Send, ahead of the items
  std::vector<std::pair<std::uint64_t, WriteFlags>> reports;
  std::optional<WriteProgress> finished;
  std::uint64_t next_tag = 0;
  WriteIterable writer(
      connection,
      [&]() -> std::optional<WriteItem> {
        if (next_tag == 100) return std::nullopt;
        return WriteItem(std::string(4096, 'i'), next_tag++);
      },
      [&](const WriteItem& item, WriteFlags flags) {
        reports.emplace_back(item.tag, flags);
      },
      /*before_and_after=*/false,
      WriteOptions{.on_finish = [&](WriteProgress p) { finished = p; }});
  // The queue is above its high watermark: nothing is taken yet.
  EXPECT_EQ(writer.OnWritable(), WriteProgress::kWriting);
  // Let some of it go (the writer takes items once the queue drains),
  // then abort with bytes and items still queued.
  ASSERT_TRUE(RunUntil(loop(), [&] {
    pair.peer->ReadSome(64 * 1024);
    return writer.items_taken() > 0 && connection.queued_bytes() > 0;
  }, absl::Seconds(30)));
  const std::size_t queued = connection.queued_bytes();
  const std::uint64_t taken = writer.items_taken();
  const std::uint64_t sent_before = writer.items_sent();
  EXPECT_EQ(connection.Abort(), queued);
  EXPECT_EQ(connection.dispatch_state(), ConnectionState::kClosed);
  EXPECT_EQ(connection.dropped_bytes(), queued);
  EXPECT_EQ(dropped_seen_by_closer, queued);
  EXPECT_EQ(closed, 1);
  EXPECT_EQ(connection.Abort(), 0u);  // once only
  EXPECT_EQ(closed, 1);
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(*finished, WriteProgress::kFailed);
  // Every item taken is reported once: the sent ones, then not_sent, in
  // order; nothing past what was taken.
  ASSERT_EQ(reports.size(), taken);
  std::uint64_t not_sent = 0;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i].first, i);
    EXPECT_EQ(reports[i].second.not_sent, i >= sent_before) << i;
    if (reports[i].second.not_sent) ++not_sent;
  }
  EXPECT_GT(not_sent, 0u);
  EXPECT_EQ(next_tag, taken);
}

TEST_P(ConnectionCloseTest, AbortWithResetOnAbortResetsThePeer) {
  ConnectionOptions options;
  options.reset_on_abort = true;
  ConnectionPair pair = MakeConnectionPair(loop(), std::move(options));
  ASSERT_TRUE(pair.connection->Send("before the reset").ok());
  ASSERT_TRUE(RunUntil(loop(), [&] {
    pair.peer->ReadSome(64);
    return pair.peer->received.bytes() == 16;
  }));
  pair.connection->Abort();
  ASSERT_TRUE(RunUntil(loop(), [&] {
    pair.peer->ReadSome(64);
    return pair.peer->ended || pair.peer->reset;
  }));
  if (testing::RunningUnderWine() && pair.peer->ended) {
    GTEST_SKIP() << "Wine 8 reports a peer's reset to recv() as the end of "
                    "the stream where Windows reports WSAECONNRESET";
  }
  EXPECT_TRUE(pair.peer->reset);
}

TEST_P(ConnectionCloseTest, DestroyingAConnectionMidFlushTouchesNothingFreed) {
  ConnectionPair pair = MakeConnectionPair(loop(), {}, nullptr,
                                           /*small_buffers=*/true);
  std::uint64_t reports = 0;
  std::vector<WriteItem> items;
  for (int i = 0; i < 64; ++i) items.emplace_back(std::string(64 * 1024, 'd'), i);
  auto writer = std::make_unique<WriteIterable>(
      *pair.connection, ItemsFrom(std::move(items)),
      [&](const WriteItem&, WriteFlags) { ++reports; });
  ASSERT_EQ(writer->OnWritable(), WriteProgress::kWriting);
  ASSERT_TRUE(pair.connection->Shutdown().ok());  // flushing now
  ASSERT_GT(pair.connection->queued_bytes(), 0u);
  pair.connection.reset();  // mid-flush, a writer attached
  EXPECT_EQ(writer->OnWritable(), WriteProgress::kFailed);  // no crash
  writer.reset();
  EXPECT_EQ(loop().registration_count(), 0u);
  EXPECT_EQ(loop().timer_count(), 0u);
  for (int i = 0; i < 3; ++i) {
    pair.peer->ReadSome(1 << 20);
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(5)).ok());
  }
  EXPECT_EQ(reports, 0u);  // destruction reports nothing
}

TEST_P(ConnectionCloseTest, PeersEndWithRepliesStillQueuedFlushesThemBeforeClosing) {
  // The README's old echo lost these: DataReader closed at the peer's end
  // while the replies were still queued.
  const testing::SocketPair sockets = testing::MakeTcpLoopbackPair();
  StreamSettings settings;
  settings.echo = true;
  settings.high_watermark = 64 << 20;  // reads everything: replies pile up
  int closed = 0;
  StreamConnection served(loop(), OwnedSocket(sockets.first),
                          [&](TcpConnection&) { ++closed; }, settings);
  ASSERT_TRUE(served.WatchRead(true).ok());
  RawPeer peer(sockets.second);
  testing::FaultInjector faults;  // only `served` sends through the library
  testing::LimitSendsToPeerWindow(faults, peer, 64 * 1024);
  // The peer sends everything, half-closes, and only then reads.
  const std::string payload = PatternStream(8).Fill(2 << 20);
  std::size_t offset = 0;
  ASSERT_TRUE(RunUntil(loop(), [&] {
    const long n = testing::SendBytes(peer.socket, payload.data() + offset,
                                      payload.size() - offset);
    if (n > 0) offset += static_cast<std::size_t>(n);
    return offset == payload.size();
  }, absl::Seconds(60)));
  ASSERT_TRUE(ShutdownSend(peer.socket).ok());
  ASSERT_TRUE(RunUntil(loop(), [&] { return served.ended; }));
  // At the end of its input the server still had replies queued: it is
  // flushing them, not closed.
  EXPECT_GT(served.queued_bytes(), 0u);
  EXPECT_EQ(served.dispatch_state(), ConnectionState::kClosing);
  EXPECT_EQ(closed, 0);
  ASSERT_TRUE(RunUntil(loop(), [&] {
    peer.ReadSome(1 << 20);
    return peer.ended;
  }, absl::Seconds(60)));
  Checksum expected;
  expected.Add(payload);
  EXPECT_EQ(peer.received.bytes(), payload.size());
  EXPECT_EQ(peer.received.value(), expected.value());
  ASSERT_TRUE(RunUntil(loop(), [&] { return closed > 0; }));
  EXPECT_EQ(served.dropped_bytes(), 0u);
}

TEST_P(ConnectionCloseTest, EchoReturnsEveryByteOfAnEightMebibyteHalfClose) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(server.ok()) << server.status();
  StreamSettings echo;
  echo.echo = true;
  std::vector<StreamConnection*> accepted;
  ASSERT_TRUE(
      (*server)->Start(loop(), testing::StreamFactory(&accepted, echo)).ok());
  StreamConnection client;
  bool closed = false;
  client.set_closer([&](TcpConnection&) { closed = true; });
  ASSERT_TRUE(ConnectTcp(loop(), client,
                         SocketAddress::Loopback4((*server)->local_port()))
                  .ok());
  // Sent and half-closed while still connecting: the bytes wait in the
  // queue, then the FIN follows the last of them.
  const std::string payload = PatternStream(88).Fill(8 << 20);
  client.Send(payload);
  ASSERT_TRUE(client.Shutdown().ok());
  // The server obeys its watermarks: it stops reading above the high one,
  // so its queue holds at most that plus one read.
  std::size_t server_max_queued = 0;
  ASSERT_TRUE(RunUntil(loop(), [&] {
    if ((*server)->connection_count() == 1) {  // not yet released
      server_max_queued =
          std::max(server_max_queued, accepted[0]->queued_bytes());
    }
    return closed;
  }, absl::Seconds(60)));
  EXPECT_LE(server_max_queued, ConnectionOptions().high_watermark +
                                   SocketReader::kDefaultBufferSize);
  EXPECT_TRUE(client.ended);
  EXPECT_EQ(client.received.size(), payload.size());
  EXPECT_TRUE(client.received == payload);
  EXPECT_EQ(client.dropped_bytes(), 0u);
  RecordProperty("echoed_bytes", std::to_string(client.received.size()));
  ASSERT_TRUE(RunUntil(loop(), [&] { return (*server)->connection_count() == 0; }));
}

TEST_P(ConnectionCloseTest, PausedReadingDeliversNothingUntilResumed) {
  const testing::SocketPair sockets = testing::MakeTcpLoopbackPair();
  StreamConnection served(loop(), OwnedSocket(sockets.first));
  ASSERT_TRUE(served.WatchRead(true).ok());
  RawPeer peer(sockets.second);
  served.PauseReading();
  EXPECT_FALSE(served.watching_read());
  EXPECT_FALSE(served.can_read());
  ASSERT_EQ(testing::SendBytes(peer.socket, "abc", 3), 3);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(10)).ok());
  }
  served.reader().OnReadable();  // a direct call reads nothing either
  EXPECT_EQ(served.received, "");
  served.ResumeReading();
  EXPECT_TRUE(served.watching_read());
  ASSERT_TRUE(RunUntil(loop(), [&] { return served.received == "abc"; }));
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(ConnectionCloseTest);

}  // namespace
}  // namespace asycamore
