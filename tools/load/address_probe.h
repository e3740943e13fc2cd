// Picking the address to load: of a host's addresses, the first that
// accepts a TCP connection, as wrk does before it starts (so that
// "localhost" resolving to ::1 first works against a server listening on
// 127.0.0.1 only, and the report can say which address was used).
#ifndef ASYCAMORE_TOOLS_LOAD_ADDRESS_PROBE_H_
#define ASYCAMORE_TOOLS_LOAD_ADDRESS_PROBE_H_

#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "asycamore/tcpsocket/socket_address.h"

namespace asycamore {

struct PickedAddress {
  SocketAddress address = {};
  // The candidates tried before it, each with why it failed:
  // "[::1]:8080: Connection refused".
  std::vector<std::string> refused = {};
};

// Connects to each of `candidates` in order (one at a time, each given
// `timeout`), closes the connection again and returns the first that
// connected. None: Unavailable listing every candidate and its error.
absl::StatusOr<PickedAddress> PickReachableAddress(
    std::span<const SocketAddress> candidates, absl::Duration timeout);

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_LOAD_ADDRESS_PROBE_H_
