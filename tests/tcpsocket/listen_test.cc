// ListenTcp and SocketAddress: address forms, port 0, clear errors.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "test_peer.h"

#ifdef _WIN32
#include <winsock2.h>
#include <windows.h>
#else
#include <fcntl.h>
#endif

namespace asycamore {
namespace {

using ::asycamore::testing::RunUntil;

TEST(SocketAddress, ParsesIpv4AndIpv6) {
  absl::StatusOr<SocketAddress> v4 = SocketAddress::Parse("127.0.0.1", 80);
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->family(), SocketAddress::Family::kIpv4);
  EXPECT_EQ(v4->port(), 80);
  EXPECT_EQ(v4->ToString(), "127.0.0.1:80");

  absl::StatusOr<SocketAddress> v6 = SocketAddress::Parse("::1", 8080);
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->family(), SocketAddress::Family::kIpv6);
  EXPECT_EQ(v6->ToString(), "[::1]:8080");

  absl::StatusOr<SocketAddress> bracketed = SocketAddress::Parse("[::1]", 1);
  ASSERT_TRUE(bracketed.ok()) << bracketed.status();
  EXPECT_EQ(bracketed->ToString(), "[::1]:1");
}

TEST(SocketAddress, MalformedAddressesAreRefusedWithTheInput) {
  for (const char* bad : {"", "localhost", "999.1.1.1", "1.2.3", "::g",
                          "127.0.0.1 ", "[::1"}) {
    absl::StatusOr<SocketAddress> parsed = SocketAddress::Parse(bad, 1);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(parsed.status().message(), bad))
        << parsed.status();
  }
}

TEST(SocketAddress, ParseRejectsAnEmbeddedNul) {
  // inet_pton stops at the NUL, so "127.0.0.1\0junk" used to parse as
  // 127.0.0.1 with the junk silently dropped.
  const std::string_view input("127.0.0.1\0junk", 14);
  absl::StatusOr<SocketAddress> parsed = SocketAddress::Parse(input, 80);
  ASSERT_FALSE(parsed.ok()) << parsed->ToString();
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  // The input is named, escaped, NUL and tail included.
  EXPECT_TRUE(absl::StrContains(parsed.status().message(),
                                "SocketAddress::Parse(\"127.0.0.1\\x00junk\""))
      << parsed.status();
  EXPECT_EQ(parsed.status().message().find('\0'), absl::string_view::npos);
}

TEST(SocketAddress, OutOfRangePortsAreRefusedNamingTheValue) {
  // As a uint16_t parameter, 70000 arrived as 4464 and was accepted.
  for (int port : {70000, 65536, -1}) {
    absl::StatusOr<SocketAddress> parsed =
        SocketAddress::Parse("127.0.0.1", port);
    ASSERT_FALSE(parsed.ok()) << port << " gave " << parsed->ToString();
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(parsed.status().message(),
                                  absl::StrCat("port ", port)))
        << parsed.status();
  }
  absl::StatusOr<SocketAddress> highest =
      SocketAddress::Parse("127.0.0.1", kMaxPort);
  ASSERT_TRUE(highest.ok()) << highest.status();
  EXPECT_EQ(highest->port(), 65535);
}

TEST(SocketAddress, ParsePortTakesOnlyADecimalPortAndNamesAnythingElse) {
  const std::pair<const char*, int> good[] = {
      {"0", 0}, {"80", 80}, {"080", 80}, {"65535", 65535}};
  for (const auto& [text, port] : good) {
    absl::StatusOr<std::uint16_t> parsed = ParsePort(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    EXPECT_EQ(*parsed, port) << text;
  }
  for (const char* bad : {"", "65536", "70000", "-1", "+80", " 80", "80 ",
                          "8o", "0x50", "99999999999999999999"}) {
    absl::StatusOr<std::uint16_t> parsed = ParsePort(bad);
    EXPECT_FALSE(parsed.ok()) << bad << " gave " << *parsed;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(parsed.status().message(),
                                  absl::StrCat("ParsePort(\"", bad, "\")")))
        << parsed.status();
  }
}

TEST(ListenTcp, OutOfRangePortIsRefusedInsteadOfCutTo16Bits) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.1", 70000, 16);
  ASSERT_FALSE(server.ok()) << "listening on port " << (*server)->local_port();
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(server.status().message(),
                                "ListenTcp(\"127.0.0.1\", 70000, 16)"))
      << server.status();
  EXPECT_TRUE(absl::StrContains(server.status().message(), "port 70000"))
      << server.status();
}

TEST(ListenTcp, PortZeroPicksAPortThatCanBeReadBack) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_NE((*server)->local_port(), 0);
  EXPECT_EQ((*server)->local_address().ToString(),
            "127.0.0.1:" + std::to_string((*server)->local_port()));
}

TEST(ListenTcp, MalformedAddressGetsAClearStatus) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.300", 0, 16);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(server.status().message(),
                                "ListenTcp(\"127.0.0.300\", 0, 16)"))
      << server.status();
}

TEST(ListenTcp, PortInUseGetsAClearStatus) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> first =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::uint16_t port = (*first)->local_port();
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> second =
      ListenTcp("127.0.0.1", port, 16);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(absl::StrContains(second.status().message(), "bind"))
      << second.status();
  // EADDRINUSE, as abseil maps it (system_error.h once said kAlreadyExists).
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition)
      << second.status();
  EXPECT_TRUE(absl::StrContains(second.status().message(),
                                std::to_string(port)))
      << second.status();
}

#ifndef _WIN32
TEST(ListenTcp, ListenerIsNonblockingAndCloseOnExec) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(server.ok()) << server.status();
  const int fd = (*server)->socket();
  EXPECT_NE(::fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
  EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
}
#else
TEST(ListenTcp, ListenerIsNonblockingAndNotInherited) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(server.ok()) << server.status();
  const SOCKET socket = (*server)->socket();
  // Winsock cannot read FIONBIO back: an accept with nothing queued must
  // say "would block" instead of blocking.
  EXPECT_EQ(::accept(socket, nullptr, nullptr), INVALID_SOCKET);
  EXPECT_EQ(::WSAGetLastError(), WSAEWOULDBLOCK);
  // Windows' close-on-exec: the handle is not inherited by child processes.
  DWORD flags = 0;
  ASSERT_TRUE(::GetHandleInformation(reinterpret_cast<HANDLE>(socket), &flags));
  EXPECT_EQ(flags & HANDLE_FLAG_INHERIT, 0u);
}
#endif

class ListenTcpTest : public testing::BackendTest {};

TEST_P(ListenTcpTest, Ipv6LoopbackAcceptsAConnection) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("::1", 0, 16);
  if (!server.ok()) {
    GTEST_SKIP() << "no IPv6 loopback on this machine: " << server.status();
  }
  std::vector<testing::StreamConnection*> accepted;
  ASSERT_TRUE((*server)->Start(loop(), testing::StreamFactory(&accepted)).ok());
  testing::StreamConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client,
                         SocketAddress::Loopback6((*server)->local_port()))
                  .ok());
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return accepted.size() == 1 &&
           client.dispatch_state() == ConnectionState::kConnected;
  }));
  client.Send("hello over ::1");
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return accepted[0]->received == "hello over ::1";
  }));
}

TEST_P(ListenTcpTest, StopAndStartAgainKeepsTheListener) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(server.ok()) << server.status();
  std::vector<testing::StreamConnection*> accepted;
  ASSERT_TRUE((*server)->Start(loop(), testing::StreamFactory(&accepted)).ok());
  EXPECT_FALSE((*server)->Start(loop(), testing::StreamFactory(&accepted)).ok());
  (*server)->Stop();
  testing::StreamConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client,
                         SocketAddress::Loopback4((*server)->local_port()))
                  .ok());
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return client.dispatch_state() == ConnectionState::kConnected;
  }));
  EXPECT_TRUE(accepted.empty());  // queued in the kernel, not accepted
  ASSERT_TRUE((*server)->Start(loop(), testing::StreamFactory(&accepted)).ok());
  ASSERT_TRUE(RunUntil(loop(), [&] { return accepted.size() == 1; }));
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(ListenTcpTest);

}  // namespace
}  // namespace asycamore
