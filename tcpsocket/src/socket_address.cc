#include "asycamore/tcpsocket/socket_address.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "internal.h"

namespace asycamore {

static_assert(sizeof(sockaddr_storage) <= SocketAddress::capacity());

namespace internal {

std::string EscapedForMessage(std::string_view input) {
  return absl::CHexEscape(AbslView(input));
}

}  // namespace internal

absl::StatusOr<std::uint16_t> ParsePort(std::string_view text) {
  int port = 0;
  bool valid = !text.empty();
  for (const char c : text) {
    if (c < '0' || c > '9') {
      valid = false;
      break;
    }
    port = port * 10 + (c - '0');
    if (port > kMaxPort) {
      valid = false;
      break;
    }
  }
  if (!valid) {
    return absl::InvalidArgumentError(
        absl::StrCat("ParsePort(\"", internal::EscapedForMessage(text),
                     "\"): not a port number (0 to ", kMaxPort, ")"));
  }
  return static_cast<std::uint16_t>(port);
}

absl::StatusOr<SocketAddress> SocketAddress::Parse(std::string_view ip,
                                                   int port) {
  const auto refuse = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SocketAddress::Parse(\"", internal::EscapedForMessage(ip), "\", ", port, "): ", why));
  };
  if (port < 0 || port > kMaxPort) {
    return refuse(absl::StrCat("port ", port, " is outside 0 to ", kMaxPort));
  }
  // inet_pton reads up to the first NUL: "127.0.0.1\0junk" would pass as
  // 127.0.0.1 and the junk would vanish unseen.
  if (ip.find('\0') != std::string_view::npos) {
    return refuse("the address contains a NUL byte");
  }
  std::string_view text = ip;
  // Accept the bracketed form of URLs, "[::1]".
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  const std::string host(text);  // inet_pton wants a terminated string
  const auto network_port = htons(static_cast<std::uint16_t>(port));
  SocketAddress address;
  if (host.find(':') == std::string::npos) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = network_port;
    if (!host.empty() && ::inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
      std::memcpy(address.storage_, &v4, sizeof(v4));
      address.size_ = sizeof(v4);
      return address;
    }
  } else {
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = network_port;
    if (::inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
      std::memcpy(address.storage_, &v6, sizeof(v6));
      address.size_ = sizeof(v6);
      return address;
    }
  }
  return refuse(
      "not a numeric IPv4 or IPv6 address (host names are not resolved)");
}

SocketAddress SocketAddress::Loopback4(std::uint16_t port) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(port);
  v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return FromSockaddr(&v4, sizeof(v4));
}

SocketAddress SocketAddress::Loopback6(std::uint16_t port) {
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(port);
  v6.sin6_addr = in6addr_loopback;
  return FromSockaddr(&v6, sizeof(v6));
}

SocketAddress SocketAddress::FromSockaddr(const void* sockaddr_bytes,
                                          std::size_t size) {
  SocketAddress address;
  if (size < sizeof(sockaddr_storage::ss_family) || size > kCapacity) {
    return address;  // (sa_family_t does not exist on Windows)
  }
  sockaddr_storage storage{};
  std::memcpy(&storage, sockaddr_bytes, size);
  if ((storage.ss_family == AF_INET && size >= sizeof(sockaddr_in)) ||
      (storage.ss_family == AF_INET6 && size >= sizeof(sockaddr_in6))) {
    std::memcpy(address.storage_, sockaddr_bytes, size);
    address.size_ = static_cast<std::uint32_t>(size);
  }
  return address;
}

SocketAddress::Family SocketAddress::family() const {
  if (size_ == 0) return Family::kUnspecified;
  sockaddr_storage storage{};
  std::memcpy(&storage, storage_, size_);
  return storage.ss_family == AF_INET6 ? Family::kIpv6 : Family::kIpv4;
}

std::uint16_t SocketAddress::port() const {
  switch (family()) {
    case Family::kIpv4: {
      sockaddr_in v4;
      std::memcpy(&v4, storage_, sizeof(v4));
      return ntohs(v4.sin_port);
    }
    case Family::kIpv6: {
      sockaddr_in6 v6;
      std::memcpy(&v6, storage_, sizeof(v6));
      return ntohs(v6.sin6_port);
    }
    case Family::kUnspecified:
      break;
  }
  return 0;
}

std::string SocketAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  switch (family()) {
    case Family::kIpv4: {
      sockaddr_in v4;
      std::memcpy(&v4, storage_, sizeof(v4));
      ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof(text));
      return absl::StrCat(text, ":", port());
    }
    case Family::kIpv6: {
      sockaddr_in6 v6;
      std::memcpy(&v6, storage_, sizeof(v6));
      ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof(text));
      return absl::StrCat("[", text, "]:", port());
    }
    case Family::kUnspecified:
      break;
  }
  return "(no address)";
}

}  // namespace asycamore
