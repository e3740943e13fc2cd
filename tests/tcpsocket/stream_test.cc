// DataReader, SocketWriter and WriteIterable against real peers on every
// backend: half-close, close with data queued, reset, writing to a closed
// peer, and fairness under a fire-hose peer.
#include <atomic>
#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "test_peer.h"

namespace asycamore {
namespace {

using ::asycamore::testing::PatternStream;
using ::asycamore::testing::RunUntil;
using ::asycamore::testing::StreamConnection;
using ::asycamore::testing::StreamFactory;

class StreamTest : public testing::BackendTest {
 protected:
  void StartServer(const testing::StreamSettings& settings = {}) {
    absl::StatusOr<std::unique_ptr<AcceptingSocket>> listening =
        ListenTcp("127.0.0.1", 0, 128);
    ASSERT_TRUE(listening.ok()) << listening.status();
    server_ = *std::move(listening);
    ASSERT_TRUE(server_->Start(loop(), StreamFactory(&accepted_, settings)).ok());
  }
  // Connects `client` and waits until both ends exist.
  void Connect(TcpConnection& client) {
    ASSERT_TRUE(ConnectTcp(loop(), client,
                           SocketAddress::Loopback4(server_->local_port()))
                    .ok());
    const std::size_t before = accepted_.size();
    ASSERT_TRUE(RunUntil(loop(), [&] {
      return client.dispatch_state() == ConnectionState::kConnected &&
             accepted_.size() == before + 1;
    }));
  }

  std::unique_ptr<AcceptingSocket> server_;
  std::vector<StreamConnection*> accepted_;
};

TEST_P(StreamTest, PeerSendsDataThenHalfClosesAllBytesAreReadThenEndAndWritingBackWorks) {
  testing::StreamSettings settings;
  settings.close_on_end = false;  // keep the connection to answer
  StartServer(settings);
  StreamConnection client;
  ASSERT_NO_FATAL_FAILURE(Connect(client));
  StreamConnection& served = *accepted_[0];

  const std::string payload = PatternStream(7).Fill(300 * 1024);
  client.Send(payload);
  ASSERT_TRUE(client.Shutdown().ok());  // half-close after the last byte
  ASSERT_TRUE(RunUntil(loop(), [&] { return served.ended; }));
  EXPECT_EQ(served.received.size(), payload.size());
  EXPECT_TRUE(served.received == payload);
  EXPECT_EQ(served.reader().progress(), ReadProgress::kEnded);
  EXPECT_EQ(served.dispatch_state(), ConnectionState::kConnected);
  EXPECT_FALSE(served.watching_read());

  // The other direction still works after the peer's half-close.
  served.Send("received " + std::to_string(served.received.size()));
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return client.received == "received " + std::to_string(payload.size());
  }));
  served.Close(absl::Seconds(10));
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return client.dispatch_state() == ConnectionState::kClosed;
  }));
  EXPECT_TRUE(client.ended);
}

TEST_P(StreamTest, PeerWritesNBytesAndClosesAllNAreDeliveredBeforeTheClose) {
  StartServer();
  std::size_t delivered_at_close = 0;
  bool closed = false;
  StreamConnection client;
  ASSERT_NO_FATAL_FAILURE(Connect(client));
  StreamConnection& served = *accepted_[0];
  // Wrap the server's closer: record what had arrived when it closed.
  served.set_closer([&, inner = ConnectionCloser()](TcpConnection&) {
    delivered_at_close = served.received.size();
    closed = true;
  });
  const std::size_t n = 2 * 1024 * 1024 + 17;
  const std::string payload = PatternStream(3).Fill(n);
  client.Send(payload);
  // Close only after every byte left the client (a close with unsent data
  // in our queue would be the client's bug, not the reader's).
  ASSERT_TRUE(RunUntil(loop(), [&] { return client.all_sent(); }));
  client.Abort();
  ASSERT_TRUE(RunUntil(loop(), [&] { return closed; }));
  EXPECT_EQ(delivered_at_close, n);
  EXPECT_TRUE(served.received == payload);
  EXPECT_TRUE(served.ended);
  EXPECT_FALSE(served.failed);
}

TEST_P(StreamTest, PeerResetFailsTheReadWithAClosedClass) {
  // The closer runs before the server buries the connection: record the
  // reader's verdict there.
  StartServer();
  StreamConnection client;
  ASSERT_NO_FATAL_FAILURE(Connect(client));
  StreamConnection* served = accepted_[0];
  IoStep verdict;
  bool failed = false;
  served->set_closer([&](TcpConnection& connection) {
    failed = static_cast<StreamConnection&>(connection).failed;
    verdict = static_cast<StreamConnection&>(connection).failed_step;
  });
  ASSERT_TRUE(SetResetOnClose(client.socket()).ok());
  client.Abort();
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return served->dispatch_state() == ConnectionState::kClosed;
  }));
  // Without the pending ECONNRESET, recv() reports the end of the stream.
  if (testing::RunningOnLibkqueue(kind())) {
    GTEST_SKIP() << testing::kLibkqueueClearsSocketError;
  }
  if (testing::RunningUnderWine() && !failed) {
    GTEST_SKIP() << "Wine 8 reports a peer's reset to recv() as the end of "
                    "the stream (0 bytes, SO_ERROR 0) where Windows reports "
                    "WSAECONNRESET; the connection closed, but the error "
                    "class cannot be checked under Wine";
  }
  EXPECT_TRUE(failed);
  EXPECT_TRUE(verdict.peer_gone()) << IoStatusName(verdict.status) << " "
                                   << SystemErrorName(verdict.error);
  EXPECT_EQ(verdict.error, testing::CodeNamed("ECONNRESET"));
  EXPECT_EQ(served->last_error(), verdict.error);
}

TEST_P(StreamTest, WritingToAClosedPeerIsAnErrorAndRaisesNoSigpipe) {
#ifndef _WIN32
  // SIGPIPE's default action kills the process: make sure it is the
  // default, so the test dies if a write ever raises it.
  struct sigaction previous {};
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ASSERT_EQ(::sigaction(SIGPIPE, &default_action, &previous), 0);
#endif
  StartServer();
  testing::RecordingConnection client;
  ASSERT_NO_FATAL_FAILURE(Connect(client));
  ASSERT_TRUE(SetResetOnClose(accepted_[0]->socket()).ok());
  accepted_[0]->Abort();

  std::vector<std::pair<std::uint64_t, WriteFlags>> reports;
  PatternStream pattern(11);
  std::uint64_t next_tag = 0;
  WriteIterable writer(
      client,
      [&]() -> std::optional<WriteItem> {
        if (next_tag == 64) return std::nullopt;
        return WriteItem(pattern.Fill(256 * 1024), next_tag++);
      },
      [&](const WriteItem& item, WriteFlags flags) {
        reports.emplace_back(item.tag, flags);
      });
  // The client's events drive the writer (the reset makes it readable too).
  client.on_event = [&](testing::RecordingConnection&, const Event&) {
    writer.OnWritable();
  };
  writer.OnWritable();
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return writer.progress() != WriteProgress::kWriting;
  }));
  EXPECT_EQ(writer.progress(), WriteProgress::kFailed);
  EXPECT_EQ(ClassifyError(SocketOp::kWrite, writer.error()),
            ErrorClass::kClosed)
      << SystemErrorName(writer.error());
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kClosed);
  // Every item taken from the source is reported once: the sent ones first,
  // then the rest, in order. The source is not drained to report the items
  // it still holds (it could be endless).
  EXPECT_EQ(writer.items_taken(), next_tag);
  EXPECT_LT(next_tag, 64u);
  ASSERT_EQ(reports.size(), next_tag);
  bool seen_not_sent = false;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i].first, i);
    if (reports[i].second.not_sent) seen_not_sent = true;
    if (seen_not_sent) {
      EXPECT_TRUE(reports[i].second.not_sent) << i;
    }
  }
  EXPECT_TRUE(seen_not_sent);
#ifndef _WIN32
  ::sigaction(SIGPIPE, &previous, nullptr);
#endif
}

TEST_P(StreamTest, ReadsPerReadinessEventAreBounded) {
  testing::StreamSettings settings;
  settings.max_reads_per_event = 4;
  settings.buffer_size = 1024;
  StartServer(settings);
  StreamConnection client;
  ASSERT_NO_FATAL_FAILURE(Connect(client));
  StreamConnection& served = *accepted_[0];
  // Much more than four reads' worth is queued at the server's end.
  const std::string payload = PatternStream(2).Fill(64 * 1024);
  client.Send(payload);
  ASSERT_TRUE(RunUntil(loop(), [&] { return client.all_sent(); }));
  const std::uint64_t calls_before = served.reader().read_calls();
  const std::uint64_t bytes_before = served.reader().bytes_read();
  served.reader().OnReadable();  // one readiness event's worth
  EXPECT_EQ(served.reader().read_calls() - calls_before, 4u);
  EXPECT_LE(served.reader().bytes_read() - bytes_before, 4u * 1024u);
  EXPECT_EQ(served.reader().progress(), ReadProgress::kReading);
  // Level-triggered readiness brings the rest.
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return served.received.size() == payload.size();
  }));
  EXPECT_TRUE(served.received == payload);
}

// The reader used to read again after a short read, only to learn
// would-block: three system calls per echo round trip where two do.
TEST_P(StreamTest, ShortReadEndsTheEventSoAnEchoRoundTripCostsOneReadAndOneSend) {
  const testing::SocketPair sockets = testing::MakeTcpLoopbackPair();
  testing::StreamSettings echo;
  echo.echo = true;
  StreamConnection served(loop(), OwnedSocket(sockets.first), nullptr, echo);
  ASSERT_TRUE(served.WatchRead(true).ok());
  testing::RawPeer peer(sockets.second);
  testing::FaultInjector counter;  // counts the calls, changes nothing
  constexpr int kRoundTrips = 100;
  const std::string message(64, 'e');
  for (int i = 1; i <= kRoundTrips; ++i) {
    ASSERT_EQ(testing::SendBytes(peer.socket, message.data(), message.size()),
              64);
    ASSERT_TRUE(RunUntil(loop(), [&] {
      peer.ReadSome(1024);
      return peer.received.bytes() == 64u * i;
    }));
  }
  EXPECT_EQ(counter.receive_calls, static_cast<std::size_t>(kRoundTrips));
  EXPECT_EQ(counter.send_calls, static_cast<std::size_t>(kRoundTrips));
  RecordProperty("syscalls_per_round_trip",
                 std::to_string((counter.receive_calls + counter.send_calls) /
                                kRoundTrips));
}

// One client floods the server from its own thread (own loop) while many
// slow clients ping it; with bounded reads per event the slow ones are all
// answered while the flood is still going.
TEST_P(StreamTest, FireHosePeerDoesNotStarveSlowPeers) {
  testing::StreamSettings settings;
  settings.max_reads_per_event = 4;
  StartServer(settings);
  const std::uint16_t port = server_->local_port();
  const std::string backend = GetParam();

  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> flood_sent{0};
  std::atomic<bool> flood_connected{false};
  std::atomic<bool> flood_hit_cap{false};
  std::atomic<bool> flood_finished{false};  // the flood stopped by itself
  constexpr std::uint64_t kFloodCap = 8ull << 30;  // never reached if fair
  std::thread flood([&] {
    auto flood_loop = EventLoop::Create({.backend = backend});
    if (!flood_loop.ok()) return;
    testing::RecordingConnection hose;
    std::unique_ptr<WriteIterable> writer;
    const std::string chunk(64 * 1024, 'x');
    hose.on_event = [&](testing::RecordingConnection& self, const Event& event) {
      if (self.dispatch_state() == ConnectionState::kConnecting) {
        if (event.error) return;
        flood_connected = true;
        writer = std::make_unique<WriteIterable>(
            self,
            [&]() -> std::optional<WriteItem> {
              if (stop || flood_sent >= kFloodCap) {
                if (!stop) flood_hit_cap = true;
                return std::nullopt;
              }
              flood_sent += chunk.size();
              return WriteItem(absl::Cord(chunk));
            },
            nullptr);
      }
      if (writer) writer->OnWritable();
    };
    if (!ConnectTcp(**flood_loop, hose, SocketAddress::Loopback4(port)).ok()) {
      return;
    }
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (!stop && absl::Now() < deadline &&
           hose.dispatch_state() != ConnectionState::kClosed) {
      (void)(*flood_loop)->Iterate(absl::Milliseconds(20));
      if (writer && writer->progress() != WriteProgress::kWriting) break;
    }
    if (!stop) flood_finished = true;
    writer.reset();
    hose.Abort();
  });
  testing::StopAndJoin joiner(stop, flood);

  // Wait until the flood's server side is reading a steady stream.
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return flood_connected && !accepted_.empty() &&
           accepted_[0]->received.size() > (4u << 20);
  }, absl::Seconds(30)));
  StreamConnection* hose_served = accepted_[0];
  // The server works on every chunk (a checksum, ten times over), so it
  // consumes the flood slower than the flood arrives: a reader that read
  // "until would-block" would never get there and starve the others.
  std::uint64_t hose_digest = 0;
  hose_served->on_data = [&hose_digest](StreamConnection& self,
                                        std::string_view data) {
    testing::Checksum work;
    for (int i = 0; i < 10; ++i) work.Add(data);
    hose_digest ^= work.value();
    self.received.clear();  // keep memory flat
  };

  constexpr int kSlow = 20;
  constexpr int kRounds = 3;
  std::vector<std::unique_ptr<StreamConnection>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::make_unique<StreamConnection>());
    ASSERT_TRUE(ConnectTcp(loop(), *slow.back(),
                           SocketAddress::Loopback4(port))
                    .ok());
  }
  ASSERT_TRUE(RunUntil(loop(), [&] {
    for (const auto& client : slow) {
      if (client->dispatch_state() != ConnectionState::kConnected) return false;
    }
    return accepted_.size() == kSlow + 1;
  }, absl::Seconds(30)));
  for (std::size_t i = 1; i < accepted_.size(); ++i) {
    accepted_[i]->on_data = [](StreamConnection& self, std::string_view data) {
      self.Send(data);  // echo
    };
  }
  for (int round = 1; round <= kRounds; ++round) {
    for (auto& client : slow) client->Send("p");
    ASSERT_TRUE(RunUntil(loop(), [&] {
      for (const auto& client : slow) {
        if (client->received.size() != static_cast<std::size_t>(round)) {
          return false;
        }
      }
      return true;
    }, absl::Seconds(30))) << "round " << round;
    ASSERT_FALSE(flood_finished || flood_hit_cap)
        << "round " << round << " was served only after the flood ended: "
        << "the fire-hose starved the slow peers";
  }
  const std::uint64_t flooded = flood_sent;
  stop = true;
  flood.join();
  EXPECT_FALSE(flood_hit_cap);
  EXPECT_GT(flooded, 4u << 20);
  RecordProperty("flood_bytes", std::to_string(flooded));
  (void)hose_digest;
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(StreamTest);

}  // namespace
}  // namespace asycamore
