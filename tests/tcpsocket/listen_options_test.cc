// ListenTcp's options: backlog bounds, SO_REUSEPORT where the OS spreads
// connections (a clear refusal elsewhere), IPV6_V6ONLY set explicitly either
// way, TCP_NODELAY on accepted sockets.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "test_peer.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

namespace asycamore {
namespace {

using ::asycamore::testing::RunUntil;
using ::asycamore::testing::StreamConnection;
using ::asycamore::testing::StreamFactory;

// Reads an int-valued socket option back (-1 when getsockopt fails).
int IntOption(NativeSocket socket, int level, int name) {
#ifdef _WIN32
  DWORD value = 0;
  int size = sizeof(value);
  if (::getsockopt(socket, level, name, reinterpret_cast<char*>(&value),
                   &size) != 0) {
    return -1;
  }
  return static_cast<int>(value);
#else
  int value = 0;
  socklen_t size = sizeof(value);
  if (::getsockopt(socket, level, name, &value, &size) != 0) return -1;
  return value;
#endif
}

// listen() takes a negative backlog silently (Linux as 0, others as their
// maximum), so it is refused before the call.
TEST(ListenOptions, ANegativeBacklogIsRefusedNamingIt) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.1", 0, {.backlog = -1});
  ASSERT_FALSE(server.ok()) << "listening on " << (*server)->local_port();
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(server.status().message(),
                                "ListenTcp(\"127.0.0.1\", 0, -1): the backlog"))
      << server.status();
}

TEST(ListenOptions, DualStackOnAnIpv4AddressIsRefusedNamingTheOption) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.1", 0, {.dual_stack = true});
  ASSERT_FALSE(server.ok()) << "listening on " << (*server)->local_port();
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(server.status().message(),
                                "ListenTcp(\"127.0.0.1\", 0, 511, dual_stack)"))
      << server.status();
}

// The systems disagree on IPV6_V6ONLY's default (Linux: off), so ListenTcp
// sets it either way and an IPv6 listener means the same everywhere.
TEST(ListenOptions, AnIpv6ListenerIsIpv6OnlyUnlessDualStackIsAsked) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> v6_only =
      ListenTcp("::", 0);
  if (!v6_only.ok()) GTEST_SKIP() << "no IPv6 here: " << v6_only.status();
  EXPECT_EQ(IntOption((*v6_only)->socket(), IPPROTO_IPV6, IPV6_V6ONLY), 1);
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> both =
      ListenTcp("::", 0, {.dual_stack = true});
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(IntOption((*both)->socket(), IPPROTO_IPV6, IPV6_V6ONLY), 0);
}

TEST(ListenOptions, ReusePortSharesAPortOrIsRefusedNamingTheCall) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> first =
      ListenTcp("127.0.0.1", 0, {.reuse_port = true});
  if (!ReusePortSpreadsConnections()) {
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_TRUE(absl::StrContains(
        first.status().message(),
        "ListenTcp(\"127.0.0.1\", 0, 511, reuse_port): setsockopt(SO_REUSEPORT)"))
        << first.status();
    return;
  }
  ASSERT_TRUE(first.ok()) << first.status();
  const int port = (*first)->local_port();
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> second =
      ListenTcp("127.0.0.1", port, {.reuse_port = true});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->local_port(), port);
  // A listener that does not ask to share is still refused the port.
  EXPECT_FALSE(ListenTcp("127.0.0.1", port).ok());
}

class ListenOptionsTest : public testing::BackendTest {};

TEST_P(ListenOptionsTest, NoDelayReachesEveryAcceptedSocket) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.1", 0, {.no_delay = true});
  ASSERT_TRUE(server.ok()) << server.status();
  std::vector<StreamConnection*> accepted;
  ASSERT_TRUE((*server)->Start(loop(), StreamFactory(&accepted)).ok());
  std::vector<std::unique_ptr<StreamConnection>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<StreamConnection>());
    ASSERT_TRUE(ConnectTcp(loop(), *clients.back(),
                           SocketAddress::Loopback4((*server)->local_port()))
                    .ok());
  }
  ASSERT_TRUE(RunUntil(loop(), [&] { return accepted.size() == 3; }));
  for (StreamConnection* connection : accepted) {
    EXPECT_NE(IntOption(connection->socket(), IPPROTO_TCP, TCP_NODELAY), 0);
  }
  EXPECT_EQ((*server)->stats().no_delay_failures, 0u);
}

TEST_P(ListenOptionsTest, ADualStackListenerTakesAnIpv4Client) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("::", 0, {.dual_stack = true});
  if (!server.ok()) GTEST_SKIP() << "no IPv6 here: " << server.status();
  std::vector<StreamConnection*> accepted;
  ASSERT_TRUE((*server)->Start(loop(), StreamFactory(&accepted)).ok());
  StreamConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client,
                         SocketAddress::Loopback4((*server)->local_port()))
                  .ok());
  ASSERT_TRUE(RunUntil(loop(), [&] { return accepted.size() == 1; }));
  client.Send("over v4");
  ASSERT_TRUE(RunUntil(loop(), [&] { return accepted[0]->received == "over v4"; }));
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(ListenOptionsTest);

}  // namespace
}  // namespace asycamore
