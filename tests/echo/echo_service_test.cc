// The echo server's logic (tools/echo/echo_service.h) on every backend,
// against the two ways the README's old echo failed: it lost the tail of a
// half-closed stream (8 MiB sent, 7.1 MiB back) and its queue grew without
// bound when the client did not read.
#include "echo_service.h"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "test_peer.h"

namespace asycamore {
namespace {

using ::asycamore::testing::Checksum;
using ::asycamore::testing::PatternStream;
using ::asycamore::testing::RawPeer;
using ::asycamore::testing::RunUntil;

constexpr std::size_t kPayloadSize = 32 << 20;  // 32 MiB: far past every buffer

// What the server side did, kept past the connection's destruction (the
// server destroys it a turn after it closed).
struct ServedRecord {
  std::size_t peak_queued = 0;  // the most queued_bytes() after any event
  bool paused = false;          // reading was paused at some point
  bool closed = false;
  std::size_t dropped = 0;
  SystemError error = kNoSystemError;
};

// The echo under test, watched after every event it handles (its queue
// grows only there: the reads of dispatch_event are what it sends back).
class WatchedEcho : public EchoConnection {
 public:
  WatchedEcho(EventLoop& loop, OwnedSocket socket, ConnectionCloser closer,
              ServedRecord& record)
      : EchoConnection(loop, std::move(socket), std::move(closer)),
        record_(record) {}

  void dispatch_event(const Event& event) override {
    EchoConnection::dispatch_event(event);
    record_.peak_queued = std::max(record_.peak_queued, queued_bytes());
    record_.paused = record_.paused || reading_paused();
  }

 private:
  ServedRecord& record_;
};

// The README's client: sends the payload and its end while still
// connecting (the queue holds them until the connect completes), reads the
// echo until the server's end, then closes.
class EchoClient : public TcpConnection {
 public:
  EchoClient()
      : reader_(*this, [this](std::string_view data) { echoed.Add(data); }) {}

  void dispatch_event(const Event& event) override {
    if (dispatch_state() == ConnectionState::kConnecting) return;  // result
    if (event.readable) reader_.OnReadable();  // at the server's end: close
  }

  Checksum echoed;

 private:
  DataReader reader_;
};

class EchoServiceTest : public testing::BackendTest {
 protected:
  // Listens on a free loopback port; each connection is a WatchedEcho
  // reporting to `served`.
  void StartServer() {
    absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
        ListenTcp("127.0.0.1", 0, 16);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_TRUE(server_
                    ->Start(loop(),
                            [this](OwnedSocket socket, AcceptingSocket& state,
                                   ConnectionCloser closer) {
                              return std::make_unique<WatchedEcho>(
                                  *state.loop(), std::move(socket),
                                  WithRecord(std::move(closer)), served);
                            })
                    .ok());
  }

  // Records how the connection ended, then lets the server release it.
  ConnectionCloser WithRecord(ConnectionCloser closer) {
    return [this, closer = std::move(closer)](TcpConnection& c) mutable {
      served.closed = true;
      served.dropped = c.dropped_bytes();
      served.error = c.last_error();
      closer(c);
    };
  }

  // The server's queue may pass the high watermark by the read that
  // crossed it, no more: then reading is paused.
  const std::size_t kQueueBound =
      ConnectionOptions().high_watermark + SocketReader::kDefaultBufferSize;

  std::unique_ptr<AcceptingSocket> server_;
  ServedRecord served;
};

TEST_P(EchoServiceTest, HalfClosingAfterThirtyTwoMebibytesLosesNoEchoedByte) {
  StartServer();
  const std::string payload = PatternStream(32).Fill(kPayloadSize);
  Checksum sent;
  sent.Add(payload);
  EchoClient client;
  bool client_closed = false;
  client.set_closer([&](TcpConnection&) { client_closed = true; });
  ASSERT_TRUE(ConnectTcp(loop(), client,
                         SocketAddress::Loopback4(server_->local_port()))
                  .ok());
  ASSERT_TRUE(client.Send(payload).ok());
  ASSERT_TRUE(client.Shutdown().ok());  // the FIN follows the last byte

  ASSERT_TRUE(RunUntil(
      loop(), [&] { return client_closed && served.closed; },
      absl::Seconds(120)));
  EXPECT_EQ(client.echoed.bytes(), sent.bytes());
  EXPECT_EQ(client.echoed.value(), sent.value());
  EXPECT_EQ(client.last_error(), kNoSystemError);
  EXPECT_EQ(served.dropped, 0u);
  EXPECT_EQ(served.error, kNoSystemError);
  EXPECT_LE(served.peak_queued, kQueueBound);
  RecordProperty("echoed_bytes", std::to_string(client.echoed.bytes()));
}

TEST_P(EchoServiceTest,
       AClientThatDoesNotReadCannotGrowTheQueuePastTheHighWatermark) {
  StartServer();
  const std::string payload = PatternStream(7).Fill(kPayloadSize);
  RawPeer client(testing::StartLoopbackConnect(server_->local_port()));
  std::size_t offset = 0;
  bool last_send_blocked = false;
  auto push = [&] {
    if (offset == payload.size()) return;
    const long n = testing::SendBytes(client.socket, payload.data() + offset,
                                      payload.size() - offset);
    last_send_blocked = n <= 0;
    if (n > 0) offset += static_cast<std::size_t>(n);
  };
  // Push without reading until the server has stopped reading and the
  // client's own sends block: every buffer on the way is full.
  ASSERT_TRUE(RunUntil(
      loop(),
      [&] {
        push();
        return served.paused && last_send_blocked;
      },
      absl::Seconds(60)));
  ASSERT_LT(offset, payload.size())
      << "the socket buffers took the whole payload; it must be bigger";
  EXPECT_LE(served.peak_queued, kQueueBound);

  // Now read: the server resumes, and every byte comes back.
  bool half_closed = false;
  ASSERT_TRUE(RunUntil(
      loop(),
      [&] {
        push();
        if (offset == payload.size() && !half_closed) {
          half_closed = ShutdownSend(client.socket).ok();
        }
        client.ReadSome(1 << 20);
        return client.ended;
      },
      absl::Seconds(120)));
  Checksum sent;
  sent.Add(payload);
  EXPECT_FALSE(client.reset);
  EXPECT_EQ(client.received.bytes(), sent.bytes());
  EXPECT_EQ(client.received.value(), sent.value());
  EXPECT_LE(served.peak_queued, kQueueBound);
  ASSERT_TRUE(RunUntil(loop(), [&] { return served.closed; }));
  EXPECT_EQ(served.dropped, 0u);
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(EchoServiceTest);

}  // namespace
}  // namespace asycamore
