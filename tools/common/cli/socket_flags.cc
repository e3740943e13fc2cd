#include "cli/socket_flags.h"

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "cli/long_flags.h"

namespace asycamore::cli {

absl::Status SetPortFlag(absl::string_view spelling, absl::string_view value,
                         int lowest, int& field) {
  absl::StatusOr<std::uint16_t> port = ParsePort(StdView(value));
  if (!port.ok() || *port < lowest) {
    return BadValue(
        spelling, value,
        absl::StrCat("not a port number (", lowest, " to ", kMaxPort, ")"));
  }
  field = *port;
  return absl::OkStatus();
}

absl::Status SetAddressFlag(absl::string_view spelling, absl::string_view value,
                            std::string& field) {
  if (!SocketAddress::Parse(StdView(value), 0).ok()) {
    return BadValue(spelling, value, "must be a numeric IPv4 or IPv6 address");
  }
  field = std::string(value);
  return absl::OkStatus();
}

}  // namespace asycamore::cli
