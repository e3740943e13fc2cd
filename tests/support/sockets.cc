#include "support/sockets.h"

#include "gtest/gtest.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <vector>

#include "asycamore/system_error.h"
#else
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <cerrno>

namespace asycamore::testing {
namespace {

#ifdef _WIN32
using SockLen = int;
// Winsock must be started before the first socket call of the process; the
// library does it lazily, but these helpers may run before any library call.
void StartSockets() {
  const absl::Status started = EnsureWinsock();
  EXPECT_TRUE(started.ok()) << started;
}
void SetNonBlocking(NativeSocket socket) {
  u_long on = 1;
  ioctlsocket(socket, FIONBIO, &on);
}
constexpr int kSendFlags = 0;
#else
using SockLen = socklen_t;
void StartSockets() {}
void SetNonBlocking(NativeSocket socket) {
  ::fcntl(socket, F_SETFL, ::fcntl(socket, F_GETFL) | O_NONBLOCK);
  ::fcntl(socket, F_SETFD, FD_CLOEXEC);
}
constexpr int kSendFlags = MSG_NOSIGNAL;
#endif

sockaddr_in LoopbackAddress(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

std::uint16_t LocalPort(NativeSocket socket) {
  sockaddr_in address{};
  SockLen length = sizeof address;
  ::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

}  // namespace

SocketPair MakeTcpLoopbackPair() {
  StartSockets();
  NativeSocket listener = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_NE(listener, kInvalidSocket);
  sockaddr_in address = LoopbackAddress(0);
  EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address),
                   sizeof address), 0);
  EXPECT_EQ(::listen(listener, 1), 0);
  NativeSocket client = ::socket(AF_INET, SOCK_STREAM, 0);
  address = LoopbackAddress(LocalPort(listener));
  EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&address),
                      sizeof address), 0);
  NativeSocket server = ::accept(listener, nullptr, nullptr);
  EXPECT_NE(server, kInvalidSocket);
  CloseSocket(listener);
  SetNonBlocking(client);
  SetNonBlocking(server);
  int on = 1;
  ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY,
               reinterpret_cast<const char*>(&on), sizeof on);
  ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY,
               reinterpret_cast<const char*>(&on), sizeof on);
  return {client, server};
}

SocketPair MakeSocketPair() {
#ifdef _WIN32
  return MakeTcpLoopbackPair();
#else
  int fds[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0) << errno;
  SetNonBlocking(fds[0]);
  SetNonBlocking(fds[1]);
  return {fds[0], fds[1]};
#endif
}

NativeSocket OpenUnconnectedSocket() {
  StartSockets();
  NativeSocket socket = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_NE(socket, kInvalidSocket);
  return socket;
}

std::uint16_t UnusedLoopbackPort() {
  StartSockets();
  NativeSocket probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = LoopbackAddress(0);
  ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address);
  const std::uint16_t port = LocalPort(probe);
  CloseSocket(probe);
  return port;
}

NativeSocket StartLoopbackConnect(std::uint16_t port) {
  StartSockets();
  NativeSocket socket = ::socket(AF_INET, SOCK_STREAM, 0);
  SetNonBlocking(socket);
  sockaddr_in address = LoopbackAddress(port);
  ::connect(socket, reinterpret_cast<sockaddr*>(&address), sizeof address);
  return socket;
}

int PendingSocketError(NativeSocket socket) {
  int error = 0;
  SockLen length = sizeof error;
  ::getsockopt(socket, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error),
               &length);
  return error;
}

int ConnectionRefusedError() {
#ifdef _WIN32
  return WSAECONNREFUSED;
#else
  return ECONNREFUSED;
#endif
}

void ResetOnClose(NativeSocket socket) {
  struct linger hard_close = {1, 0};
  ::setsockopt(socket, SOL_SOCKET, SO_LINGER,
               reinterpret_cast<const char*>(&hard_close), sizeof hard_close);
}

void CloseSocket(NativeSocket socket) {
#ifdef _WIN32
  ::closesocket(socket);
#else
  ::close(socket);
#endif
}

void ClosePair(const SocketPair& pair) {
  CloseSocket(pair.first);
  CloseSocket(pair.second);
}

long SendBytes(NativeSocket socket, const void* data, std::size_t size) {
  return ::send(socket, static_cast<const char*>(data),
                static_cast<int>(size), kSendFlags);
}

long ReceiveBytes(NativeSocket socket, void* data, std::size_t size) {
  return ::recv(socket, static_cast<char*>(data), static_cast<int>(size), 0);
}

std::size_t DrainSocket(NativeSocket socket) {
  char buffer[65536];
  std::size_t total = 0;
  for (;;) {
    const long got = ReceiveBytes(socket, buffer, sizeof buffer);
    if (got <= 0) return total;
    total += static_cast<std::size_t>(got);
  }
}

std::size_t FillSocket(NativeSocket socket) {
  static const char buffer[65536] = {};
  std::size_t total = 0;
  for (;;) {
    const long sent = SendBytes(socket, buffer, sizeof buffer);
    if (sent <= 0) return total;
    total += static_cast<std::size_t>(sent);
  }
}

std::size_t RaiseFileLimit(std::size_t wanted) {
#ifdef _WIN32
  return wanted;
#else
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = std::min<rlim_t>(wanted, limit.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<std::size_t>(limit.rlim_cur);
#endif
}

NativeSocket MoveToDescriptor(NativeSocket socket, long target) {
#ifdef _WIN32
  // Winsock cannot give an existing socket a chosen handle value: a
  // WSADuplicateSocket copy gets whatever value the system picks (under
  // Wine never the lowest free one), and a DuplicateHandle copy is not a
  // socket to Winsock. MakeSocketPairAt creates the socket at the value.
  (void)socket;
  (void)target;
  return kInvalidSocket;
#else
  if (socket == target) return socket;  // already there
  const int moved = ::dup2(socket, static_cast<int>(target));
  if (moved < 0) return kInvalidSocket;
  ::close(socket);
  return moved;
#endif
}

SocketPair MakeSocketPairAt(NativeSocket target) {
#ifdef _WIN32
  // Windows (a LIFO free list) and Wine (the lowest free slot) hand a
  // just-freed handle value out again: create sockets until one gets
  // `target`, then connect it over loopback.
  StartSockets();
  std::vector<NativeSocket> misses;
  NativeSocket client = kInvalidSocket;
  for (int attempt = 0; attempt < 256; ++attempt) {
    NativeSocket socket = ::socket(AF_INET, SOCK_STREAM, 0);
    if (socket == kInvalidSocket) break;
    if (socket == target) {
      client = socket;
      break;
    }
    misses.push_back(socket);
  }
  for (NativeSocket miss : misses) CloseSocket(miss);
  if (client == kInvalidSocket) return {};
  NativeSocket listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = LoopbackAddress(0);
  EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address),
                   sizeof address), 0);
  EXPECT_EQ(::listen(listener, 1), 0);
  address = LoopbackAddress(LocalPort(listener));
  EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&address),
                      sizeof address), 0);
  NativeSocket server = ::accept(listener, nullptr, nullptr);
  EXPECT_NE(server, kInvalidSocket);
  CloseSocket(listener);
  SetNonBlocking(client);
  SetNonBlocking(server);
  return {client, server};
#else
  SocketPair pair = MakeSocketPair();
  const NativeSocket moved = MoveToDescriptor(pair.first, target);
  if (moved == kInvalidSocket) CloseSocket(pair.first);
  return {moved, pair.second};
#endif
}

}  // namespace asycamore::testing
