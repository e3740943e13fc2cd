// Name resolution, once at start-up (before any loop runs): the loops then
// connect to a numeric address and never block on DNS.
#ifndef ASYCAMORE_TOOLS_LOAD_RESOLVE_H_
#define ASYCAMORE_TOOLS_LOAD_RESOLVE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "asycamore/tcpsocket/socket_address.h"

namespace asycamore {

// Returns the TCP addresses of `host` (a name, an IPv4 address, or an IPv6
// address without brackets) at `port`: IPv4 and IPv6, in the order
// getaddrinfo gives (its RFC 6724 preference), each once. A name without
// an address gets NotFound ("ResolveHost("no.such.invalid"): Name or service
// not known"); a failure to ask (no resolver answered) gets Unavailable.
absl::StatusOr<std::vector<SocketAddress>> ResolveHost(std::string_view host,
                                                       std::uint16_t port);

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_LOAD_RESOLVE_H_
