// ConnectTcp on every backend: the seed's connect rules.
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "test_peer.h"

#ifdef _WIN32
#include <winsock2.h>
#else
#include <poll.h>
#endif

namespace asycamore {
namespace {

using ::asycamore::testing::FaultInjector;
using ::asycamore::testing::RecordingConnection;
using ::asycamore::testing::RunUntil;
using ::asycamore::testing::StreamConnection;
using ::asycamore::testing::StreamFactory;

class ConnectTcpTest : public testing::BackendTest {
 protected:
  void StartServer(int backlog = 64,
                   const testing::StreamSettings& settings = {}) {
    absl::StatusOr<std::unique_ptr<AcceptingSocket>> listening =
        ListenTcp("127.0.0.1", 0, backlog);
    ASSERT_TRUE(listening.ok()) << listening.status();
    server_ = *std::move(listening);
    ASSERT_TRUE(server_->Start(loop(), StreamFactory(&accepted_, settings)).ok());
  }
  SocketAddress ServerAddress() const {
    return SocketAddress::Loopback4(server_->local_port());
  }

  std::unique_ptr<AcceptingSocket> server_;
  std::vector<StreamConnection*> accepted_;
};

// Makes every connect complete before connect() returns, as it usually does
// on loopback, so the immediate path is taken whatever the kernel's timing.
// (Winsock never completes a connect inside connect(), so on Windows this
// is the only way the immediate path runs.)
SystemError ConnectAndWait(const SocketOps& real, NativeSocket socket,
                           const SocketAddress& address) {
  const SystemError error = real.connect(socket, address);
  if (ClassifyError(SocketOp::kConnect, error) != ErrorClass::kInProgress) {
    return error;
  }
#ifdef _WIN32
  WSAPOLLFD entry{};
  entry.fd = socket;
  entry.events = POLLWRNORM;
  ::WSAPoll(&entry, 1, 5000);
#else
  pollfd entry{socket, POLLOUT, 0};
  ::poll(&entry, 1, 5000);
#endif
  return real.take_pending_error(socket).pending;
}

TEST_P(ConnectTcpTest, ImmediateConnectIsReportedOnceOnTheNextIteration) {
  StartServer();
  FaultInjector faults;
  faults.connect = [&](NativeSocket socket, const SocketAddress& address) {
    return ConnectAndWait(faults.real, socket, address);
  };
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client, ServerAddress()).ok());
  // Never from inside ConnectTcp.
  EXPECT_TRUE(client.events.empty());
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kConnecting);

  ASSERT_TRUE(loop().Iterate(absl::Seconds(5)).ok());
  ASSERT_EQ(client.events.size(), 1u);
  const Event& event = client.events[0];
  EXPECT_TRUE(event.readable);
  EXPECT_FALSE(event.writable);
  EXPECT_FALSE(event.error);
  EXPECT_EQ(client.states[0], ConnectionState::kConnecting);
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kConnected);
  EXPECT_EQ(faults.connect_calls, 1u);

  // Exactly once: more turns deliver nothing (nothing was sent to it).
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(10)).ok());
  }
  EXPECT_EQ(client.events.size(), 1u);
}

// A target that runs a hook on its first event.
class HookTarget : public DispatchTarget {
 public:
  void dispatch_event(const Event&) override {
    if (on_event) std::exchange(on_event, nullptr)();
  }
  std::function<void()> on_event;
};

TEST_P(ConnectTcpTest, ImmediateConnectStartedInsideDispatchEventIsDeliveredInALaterIterate) {
  // The zero-delay timer that delivers an immediate result fired in the
  // timer phase of the very pass whose dispatch phase started the connect.
  StartServer();
  for (const bool refused : {false, true}) {
    SCOPED_TRACE(refused ? "an immediate refusal" : "an immediate connect");
    FaultInjector faults;
    faults.connect = [&](NativeSocket socket, const SocketAddress& address) {
      if (refused) return testing::CodeNamed("ECONNREFUSED");
      return ConnectAndWait(faults.real, socket, address);
    };
    const testing::SocketPair trigger = testing::MakeSocketPair();
    HookTarget target;
    absl::StatusOr<RegistrationHandle> handle =
        loop().Register(trigger.first, Interest::kRead, &target);
    ASSERT_TRUE(handle.ok()) << handle.status();
    int pass = 0;
    int started_in = 0;
    int delivered_in = 0;
    RecordingConnection client;
    client.on_event = [&](RecordingConnection&, const Event&) {
      if (delivered_in == 0) delivered_in = pass;
    };
    target.on_event = [&] {
      EXPECT_TRUE(loop().Deregister(*handle).ok());
      started_in = pass;
      EXPECT_TRUE(ConnectTcp(loop(), client, ServerAddress()).ok());
    };
    ASSERT_EQ(testing::SendBytes(trigger.second, "x", 1), 1);
    while (delivered_in == 0 && pass < 100) {
      ++pass;
      ASSERT_TRUE(loop().Iterate(absl::Milliseconds(50)).ok());
    }
    testing::ClosePair(trigger);
    ASSERT_NE(started_in, 0) << "the trigger's event never came";
    EXPECT_EQ(faults.connect_calls, 1u);
    EXPECT_EQ(client.events.size(), 1u);
    EXPECT_GT(delivered_in, started_in) << "in the pass that started it";
    (void)client.Abort();
  }
}

TEST_P(ConnectTcpTest, LoopbackConnectSucceedsWhicheverWayTheKernelReportsIt) {
  StartServer();
  FaultInjector faults;
  SystemError first_result = -1;
  faults.connect = [&](NativeSocket socket, const SocketAddress& address) {
    first_result = faults.real.connect(socket, address);
    return first_result;
  };
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client, ServerAddress()).ok());
  EXPECT_TRUE(client.events.empty());
  ASSERT_TRUE(RunUntil(loop(), [&] { return !client.events.empty(); }));
  ASSERT_EQ(client.events.size(), 1u);
  const Event& event = client.events[0];
  EXPECT_FALSE(event.error);
  if (first_result == 0) {
    EXPECT_TRUE(event.readable && !event.writable);  // the seed's shape
  } else {
    EXPECT_TRUE(event.writable && !event.readable);
  }
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kConnected);
  EXPECT_EQ(faults.connect_calls, 1u);
  ASSERT_TRUE(RunUntil(loop(), [&] { return accepted_.size() == 1; }));
}

TEST_P(ConnectTcpTest, RefusedConnectIsReportedThroughReadableWritableAndGetSockErr) {
  // SO_ERROR decides a connect's outcome: with it cleared, the refusal looks
  // like a spurious wake-up and is never delivered.
  if (testing::RunningOnLibkqueue(kind())) {
    GTEST_SKIP() << testing::kLibkqueueClearsSocketError;
  }
  const std::uint16_t closed_port = testing::UnusedLoopbackPort();
  RecordingConnection client;
  ASSERT_TRUE(
      ConnectTcp(loop(), client, SocketAddress::Loopback4(closed_port)).ok());
  EXPECT_TRUE(client.events.empty());  // reported later, never thrown
  SockErr seen;
  client.on_event = [&](RecordingConnection& connection, const Event&) {
    seen = GetSockErr(connection);
  };
  ASSERT_TRUE(RunUntil(loop(), [&] { return !client.events.empty(); }));
  ASSERT_EQ(client.events.size(), 1u);
  const Event& event = client.events[0];
  EXPECT_TRUE(event.readable);
  EXPECT_TRUE(event.writable);
  EXPECT_TRUE(event.error);
  EXPECT_EQ(client.states[0], ConnectionState::kConnecting);
  EXPECT_EQ(ClassifyError(SocketOp::kConnect, seen.code), ErrorClass::kClosed);
  EXPECT_EQ(seen.code, testing::CodeNamed("ECONNREFUSED"));
  EXPECT_FALSE(seen.text.empty());
  // The library closed the connection after the target had its look.
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kClosed);
  EXPECT_EQ(client.connect_error(), seen.code);
  EXPECT_EQ(GetSockErr(client).code, seen.code);  // kept: SO_ERROR is consumed
}

TEST_P(ConnectTcpTest, ConnectTimeoutFiresWhenTheBacklogIsFull) {
#ifndef __linux__
  GTEST_SKIP() << "relies on Linux dropping SYNs to a full accept queue "
                  "(other systems may answer with a reset)";
#endif
  // A listener that never accepts, with backlog 0: Linux queues one
  // connection and then drops SYNs (the accept queue is full), so the next
  // connect stays in SYN_SENT: a connect that never answers, on loopback.
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> silent =
      ListenTcp("127.0.0.1", 0, 0);
  ASSERT_TRUE(silent.ok()) << silent.status();
  const SocketAddress address =
      SocketAddress::Loopback4((*silent)->local_port());
  std::vector<std::unique_ptr<RecordingConnection>> fillers;
  bool timed_out = false;
  for (int attempt = 0; attempt < 16 && !timed_out; ++attempt) {
    auto client = std::make_unique<RecordingConnection>();
    SockErr seen;
    client->on_event = [&](RecordingConnection& connection, const Event&) {
      seen = GetSockErr(connection);
    };
    ASSERT_TRUE(
        ConnectTcp(loop(), *client, address, {.timeout = absl::Milliseconds(200)})
            .ok());
    ASSERT_TRUE(RunUntil(loop(), [&] { return !client->events.empty(); }));
    const Event& event = client->events[0];
    if (!event.error) {
      fillers.push_back(std::move(client));  // queued: fills the backlog
      continue;
    }
    EXPECT_TRUE(event.readable && event.writable);
    EXPECT_EQ(seen.code, TimedOutError()) << seen.text;
    EXPECT_EQ(client->dispatch_state(), ConnectionState::kClosed);
    timed_out = true;
  }
  EXPECT_TRUE(timed_out) << "the kernel kept completing connects to a full "
                            "backlog; no connect stayed pending";
  EXPECT_LE(fillers.size(), 8u);
}

TEST_P(ConnectTcpTest, ClosingTheTargetBeforeTheResultCancelsIt) {
  StartServer();
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client, ServerAddress()).ok());
  client.Abort();
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kClosed);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(10)).ok());
  }
  EXPECT_TRUE(client.events.empty());
  EXPECT_EQ(loop().registration_count(), 1u);  // only the listener
}

TEST_P(ConnectTcpTest, DestroyingTheTargetBeforeTheResultCancelsIt) {
  StartServer();
  auto client = std::make_unique<RecordingConnection>();
  ASSERT_TRUE(ConnectTcp(loop(), *client, ServerAddress()).ok());
  client.reset();  // ASan catches any later delivery into it
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(10)).ok());
  }
  EXPECT_EQ(loop().registration_count(), 1u);
  EXPECT_EQ(loop().timer_count(), 0u);
}

TEST_P(ConnectTcpTest, TargetMayDestroyItselfWhileHandlingTheResult) {
  StartServer();
  auto* client = new RecordingConnection();
  bool handled = false;
  client->on_event = [&](RecordingConnection& self, const Event&) {
    handled = true;
    delete &self;
  };
  ASSERT_TRUE(ConnectTcp(loop(), *client, ServerAddress()).ok());
  ASSERT_TRUE(RunUntil(loop(), [&] { return handled; }));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(5)).ok());
  }
}

TEST_P(ConnectTcpTest, ConnectingATargetThatIsNotClosedIsRefused) {
  StartServer();
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client, ServerAddress()).ok());
  const absl::Status again = ConnectTcp(loop(), client, ServerAddress());
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition) << again;
}

TEST_P(ConnectTcpTest, ConnectedClientAndServerExchangeBytes) {
  StartServer();
  StreamConnection client;
  client.on_connected = [](StreamConnection& self) { self.Send("ping"); };
  ASSERT_TRUE(ConnectTcp(loop(), client, ServerAddress()).ok());
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return accepted_.size() == 1 && accepted_[0]->received == "ping";
  }));
  accepted_[0]->Send("pong");
  ASSERT_TRUE(RunUntil(loop(), [&] { return client.received == "pong"; }));
  EXPECT_EQ(client.connect_events, 1u);
}

// Once, the connect result turned write interest off: bytes queued while
// connecting then waited forever.
TEST_P(ConnectTcpTest, SendDuringConnectingGoesOutOnceConnected) {
  StartServer();
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client, ServerAddress()).ok());
  ASSERT_EQ(client.dispatch_state(), ConnectionState::kConnecting);
  // More than the socket buffers take at once: the rest needs writability.
  const std::string payload = testing::PatternStream(14).Fill(4 << 20);
  ASSERT_TRUE(client.Send(payload).ok());
  EXPECT_EQ(client.queued_bytes(), payload.size());
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return accepted_.size() == 1 &&
           accepted_[0]->received.size() == payload.size();
  }));
  EXPECT_TRUE(accepted_[0]->received == payload);
  EXPECT_EQ(client.queued_bytes(), 0u);
  EXPECT_FALSE(client.watching_write());
}

TEST_P(ConnectTcpTest, SendDuringAnImmediateConnectGoesOutOnceConnected) {
  testing::StreamSettings keep_open;  // look at it after the end
  keep_open.close_on_end = false;
  StartServer(64, keep_open);
  FaultInjector faults;
  faults.connect = [&](NativeSocket socket, const SocketAddress& address) {
    return ConnectAndWait(faults.real, socket, address);
  };
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client, ServerAddress()).ok());
  const std::string payload = testing::PatternStream(15).Fill(4 << 20);
  ASSERT_TRUE(client.Send(payload).ok());
  ASSERT_TRUE(client.Shutdown().ok());  // and the end after it
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return accepted_.size() == 1 && accepted_[0]->ended;
  }));
  EXPECT_TRUE(client.events[0].readable && !client.events[0].writable);
  EXPECT_TRUE(accepted_[0]->received == payload);
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kFinSent);
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(ConnectTcpTest);

}  // namespace
}  // namespace asycamore
