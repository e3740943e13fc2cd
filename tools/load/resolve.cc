#include "resolve.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "report/views.h"

namespace asycamore {
namespace {

bool SameAddress(const SocketAddress& a, const SocketAddress& b) {
  return a.sockaddr_size() == b.sockaddr_size() &&
         std::memcmp(a.sockaddr_data(), b.sockaddr_data(), a.sockaddr_size()) ==
             0;
}

}  // namespace

absl::StatusOr<std::vector<SocketAddress>> ResolveHost(std::string_view host,
                                                       std::uint16_t port) {
  const std::string name(host);
  const std::string what =
      absl::StrCat("ResolveHost(\"", report::Escaped(host), "\")");
  if (name.empty() || name.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not a host name"));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  // No AI_ADDRCONFIG: glibc does not count loopback interfaces for it, so on
  // a machine with only loopback configured "localhost" would find nothing.
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int rc = ::getaddrinfo(name.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    const std::string why =
        rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
    const std::string message = absl::StrCat(what, ": ", why);
    if (rc == EAI_NONAME
#ifdef EAI_NODATA
        || rc == EAI_NODATA
#endif
    ) {
      return absl::NotFoundError(message);
    }
    return absl::UnavailableError(message);
  }
  std::vector<SocketAddress> addresses;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const SocketAddress address =
        SocketAddress::FromSockaddr(a->ai_addr, a->ai_addrlen);
    if (!address.valid()) continue;  // neither IPv4 nor IPv6
    if (std::none_of(addresses.begin(), addresses.end(),
                     [&](const SocketAddress& seen) {
                       return SameAddress(seen, address);
                     })) {
      addresses.push_back(address);
    }
  }
  ::freeaddrinfo(found);
  if (addresses.empty()) {
    return absl::NotFoundError(absl::StrCat(what, ": no IPv4 or IPv6 address"));
  }
  return addresses;
}

}  // namespace asycamore
