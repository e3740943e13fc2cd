// Name resolution and the address probe, on loopback only.
#include "resolve.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "address_probe.h"
#include "asycamore/tcpsocket/accepting_socket.h"
#include "gtest/gtest.h"
#include "support/sockets.h"

namespace asycamore {
namespace {

TEST(ResolveHost, LocalhostIsALoopbackAddress) {
  absl::StatusOr<std::vector<SocketAddress>> a = ResolveHost("localhost", 8080);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_FALSE(a->empty());
  for (const SocketAddress& address : *a) {
    const std::string text = address.ToString();
    EXPECT_TRUE(absl::StartsWith(text, "127.") || text == "[::1]:8080") << text;
    EXPECT_EQ(address.port(), 8080);
  }
}

TEST(ResolveHost, AddressesAreReturnedAsTheyAreAndOnce) {
  absl::StatusOr<std::vector<SocketAddress>> a = ResolveHost("127.0.0.1", 80);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->size(), 1u) << "one address, not one per socket type";
  EXPECT_EQ((*a)[0].ToString(), "127.0.0.1:80");
  a = ResolveHost("::1", 443);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].ToString(), "[::1]:443");
}

TEST(ResolveHost, AnUnknownHostIsAnErrorNamingIt) {
  // .invalid never resolves (RFC 6761 6.4).
  absl::StatusOr<std::vector<SocketAddress>> a =
      ResolveHost("no-such-host.invalid", 80);
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(a.status().code() == absl::StatusCode::kNotFound ||
              a.status().code() == absl::StatusCode::kUnavailable)
      << a.status();
  EXPECT_NE(a.status().message().find("ResolveHost(\"no-such-host.invalid\")"),
            std::string::npos)
      << a.status();
}

TEST(PickReachableAddress, SkipsARefusingAddressAndSaysWhy) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> listener =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(listener.ok()) << listener.status();
  const std::vector<SocketAddress> candidates = {
      SocketAddress::Loopback4(testing::UnusedLoopbackPort()),
      SocketAddress::Loopback4((*listener)->local_port())};
  absl::StatusOr<PickedAddress> picked =
      PickReachableAddress(candidates, absl::Seconds(5));
  ASSERT_TRUE(picked.ok()) << picked.status();
  EXPECT_EQ(picked->address.ToString(), candidates[1].ToString());
  ASSERT_EQ(picked->refused.size(), 1u);
  EXPECT_NE(picked->refused[0].find(candidates[0].ToString()),
            std::string::npos);
  EXPECT_NE(picked->refused[0].find("refused"), std::string::npos)
      << picked->refused[0];
}

TEST(PickReachableAddress, NoneReachableListsEveryCandidate) {
  const std::vector<SocketAddress> candidates = {
      SocketAddress::Loopback4(testing::UnusedLoopbackPort()),
      SocketAddress::Loopback4(testing::UnusedLoopbackPort())};
  absl::StatusOr<PickedAddress> picked =
      PickReachableAddress(candidates, absl::Seconds(5));
  ASSERT_FALSE(picked.ok());
  EXPECT_EQ(picked.status().code(), absl::StatusCode::kUnavailable);
  for (const SocketAddress& c : candidates) {
    EXPECT_NE(picked.status().message().find(c.ToString()), std::string::npos)
        << picked.status();
  }
}

}  // namespace
}  // namespace asycamore
