// MultiLoopServer and AcceptingSocket's hand-off on every backend: four
// loops serve a thousand echo connections, spread by hand-off and by
// SO_REUSEPORT, every byte checked; a hand-off to a loop that is gone
// closes the socket and counts it. In the linux-tsan lane (label `threads`).
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "asycamore/backend_registry.h"
#include "asycamore/loop_group.h"
#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "test_peer.h"

namespace asycamore {
namespace {

using ::asycamore::testing::PatternStream;
using ::asycamore::testing::RunUntil;
using ::asycamore::testing::StreamConnection;
using ::asycamore::testing::StreamFactory;

constexpr int kLoops = 4;
constexpr int kConnections = 1000;
// Connections open at once: keeps every descriptor of the process (both
// ends, four loops) below select's FD_SETSIZE.
constexpr int kBatch = 100;

class MultiLoopTest : public testing::BackendTest {
 protected:
  std::unique_ptr<LoopGroup> MakeGroup() {
    auto group = LoopGroup::Create(kLoops, [backend = GetParam()](int) {
      return CreateEventLoop({.backend = backend});
    });
    EXPECT_TRUE(group.ok()) << group.status();
    return group.ok() ? *std::move(group) : nullptr;
  }

  // Echo servers, one list of made connections per loop (each list is
  // touched by its own loop's thread only).
  ConnectionFactoryMaker EchoFactories() {
    made_.assign(kLoops, {});
    return [this](int index) {
      return StreamFactory(&made_[index], {.echo = true});
    };
  }

  // Runs kConnections echo clients against `port`, kBatch at a time, on
  // the test's own loop; each sends its own pattern and must get exactly
  // those bytes back.
  void EchoThousandConnections(std::uint16_t port) {
    const SocketAddress address = SocketAddress::Loopback4(port);
    for (int first = 0; first < kConnections; first += kBatch) {
      std::vector<std::unique_ptr<StreamConnection>> clients;
      std::vector<std::string> payloads;
      payloads.reserve(kBatch);  // the clients hold references into it
      for (int i = first; i < first + kBatch; ++i) {
        PatternStream pattern(static_cast<std::uint64_t>(i) + 1);
        payloads.push_back(pattern.Fill(1 + (i * 137) % 6000));
        clients.push_back(std::make_unique<StreamConnection>());
        clients.back()->on_connected =
            [&payload = payloads.back()](StreamConnection& self) {
              self.Send(payload);
            };
      }
      for (auto& client : clients) {
        ASSERT_TRUE(ConnectTcp(loop(), *client, address).ok());
      }
      ASSERT_TRUE(RunUntil(loop(), [&] {
        for (std::size_t i = 0; i < clients.size(); ++i) {
          if (clients[i]->failed || clients[i]->ended) return true;
          if (clients[i]->received.size() < payloads[i].size()) return false;
        }
        return true;
      }, absl::Seconds(60))) << "batch from " << first;
      for (std::size_t i = 0; i < clients.size(); ++i) {
        ASSERT_FALSE(clients[i]->failed) << "connection " << first + i;
        ASSERT_FALSE(clients[i]->ended) << "connection " << first + i;
        ASSERT_EQ(clients[i]->received, payloads[i])
            << "connection " << first + i << " got other bytes back";
      }
    }
  }

  std::vector<std::vector<StreamConnection*>> made_;
};

TEST_P(MultiLoopTest, FourLoopsWithHandOffEchoAThousandConnectionsRoundRobin) {
  std::unique_ptr<LoopGroup> group = MakeGroup();
  ASSERT_NE(group, nullptr);
  auto server = MultiLoopServer::Listen(*group, "127.0.0.1", 0, EchoFactories(),
                                        {.spreading = Spreading::kHandOff,
                                         .listen = {.no_delay = true}});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(group->Start().ok());
  ASSERT_NO_FATAL_FAILURE(EchoThousandConnections((*server)->local_port()));
  group->Stop();
  ASSERT_TRUE(group->Join().ok());
  // Round-robin over all four loops, loop 0 (the listener's) included.
  const AcceptStats& listener = (*server)->server(0).stats();
  EXPECT_EQ(listener.handed_off, static_cast<std::uint64_t>(kConnections) *
                                     (kLoops - 1) / kLoops);
  EXPECT_EQ(listener.hand_off_refused, 0u);
  for (int i = 0; i < kLoops; ++i) {
    EXPECT_EQ((*server)->server(i).stats().accepted,
              static_cast<std::uint64_t>(kConnections / kLoops))
        << "loop " << i;
    EXPECT_EQ((*server)->server(i).stats().no_delay_failures, 0u);
  }
}

TEST_P(MultiLoopTest, FourLoopsWithReusePortEchoAThousandConnections) {
  if (!ReusePortSpreadsConnections()) {
    GTEST_SKIP() << "this OS has no SO_REUSEPORT that spreads connections "
                    "(Listen refuses it; tested in ListenOptions)";
  }
  std::unique_ptr<LoopGroup> group = MakeGroup();
  ASSERT_NE(group, nullptr);
  auto server = MultiLoopServer::Listen(*group, "127.0.0.1", 0, EchoFactories(),
                                        {.spreading = Spreading::kReusePort});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(group->Start().ok());
  ASSERT_NO_FATAL_FAILURE(EchoThousandConnections((*server)->local_port()));
  group->Stop();
  ASSERT_TRUE(group->Join().ok());
  std::uint64_t accepted = 0;
  for (int i = 0; i < kLoops; ++i) {
    const AcceptStats& stats = (*server)->server(i).stats();
    EXPECT_EQ(stats.handed_off, 0u);
    EXPECT_EQ((*server)->server(i).local_port(), (*server)->local_port());
    accepted += stats.accepted;
  }
  // How the kernel spread them is its hash's business; none is lost.
  EXPECT_EQ(accepted, static_cast<std::uint64_t>(kConnections));
}

TEST_P(MultiLoopTest, ListeningAfterTheGroupStartedIsRefused) {
  std::unique_ptr<LoopGroup> group = MakeGroup();
  ASSERT_NE(group, nullptr);
  ASSERT_TRUE(group->Start().ok());
  auto server =
      MultiLoopServer::Listen(*group, "127.0.0.1", 0, EchoFactories());
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(server.status().message().find(
                "MultiLoopServer::Listen(\"127.0.0.1\", 0, handoff, 4 loops)"),
            std::string_view::npos)
      << server.status();
}

TEST_P(MultiLoopTest, DestroyingTheServerWhileTheGroupRunsStopsAndJoinsItFirst) {
  std::unique_ptr<LoopGroup> group = MakeGroup();
  ASSERT_NE(group, nullptr);
  auto server =
      MultiLoopServer::Listen(*group, "127.0.0.1", 0, EchoFactories());
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(group->Start().ok());
  StreamConnection client;
  client.on_connected = [](StreamConnection& self) { self.Send("ping"); };
  ASSERT_TRUE(ConnectTcp(loop(), client,
                         SocketAddress::Loopback4((*server)->local_port()))
                  .ok());
  ASSERT_TRUE(RunUntil(loop(), [&] { return client.received == "ping"; }));
  server->reset();  // connections live on the loop threads: join first
  EXPECT_FALSE(group->running());
}

// A hand-off target whose loop was destroyed: the socket must be closed
// (not leaked), counted, and that loop dropped from the rotation so the
// next connection is served.
TEST_P(MultiLoopTest, AHandOffToALoopThatIsGoneClosesTheSocketAndCountsIt) {
  RemoteLoop gone_loop;
  std::weak_ptr<AcceptingSocket> gone_server;
  {
    std::unique_ptr<EventLoop> other = CreateEventLoop({.backend = GetParam()}).value();
    auto server = std::make_shared<AcceptingSocket>(
        OwnedSocket(), SocketAddress::Loopback4(0));
    std::vector<StreamConnection*> unused;
    ASSERT_TRUE(server->Start(*other, StreamFactory(&unused)).ok());
    gone_loop = other->remote();
    gone_server = server;
    // The server goes before its loop, as AcceptingSocket requires.
  }
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> listening =
      ListenTcp("127.0.0.1", 0);
  ASSERT_TRUE(listening.ok()) << listening.status();
  std::shared_ptr<AcceptingSocket> listener = *std::move(listening);
  std::vector<StreamConnection*> served;
  ASSERT_TRUE(listener->Start(loop(), StreamFactory(&served, {.echo = true})).ok());
  listener->HandOffTo({HandOffTarget{gone_loop, gone_server},
                       HandOffTarget{loop().remote(), listener}});

  StreamConnection lost;
  const SocketAddress address = SocketAddress::Loopback4(listener->local_port());
  ASSERT_TRUE(ConnectTcp(loop(), lost, address).ok());
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return listener->stats().hand_off_refused == 1;
  }));
  // The closed socket reaches its client as the end (or a reset).
  ASSERT_TRUE(RunUntil(loop(), [&] { return lost.ended || lost.failed; }));
  // Two more: with the gone loop still in the rotation the second would be
  // lost as well.
  StreamConnection kept[2];
  for (StreamConnection& client : kept) {
    client.on_connected = [](StreamConnection& self) { self.Send("served"); };
    ASSERT_TRUE(ConnectTcp(loop(), client, address).ok());
    ASSERT_TRUE(RunUntil(loop(), [&] {
      return client.received == "served" || client.ended || client.failed;
    }));
    EXPECT_EQ(client.received, "served");
  }
  EXPECT_EQ(listener->stats().hand_off_refused, 1u);
  EXPECT_EQ(listener->stats().accepted, 2u);
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(MultiLoopTest);

}  // namespace
}  // namespace asycamore
