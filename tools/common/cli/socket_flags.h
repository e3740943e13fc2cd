// Flag values the servers' and the soak driver's command lines share: a
// TCP port and a numeric address, each mistake a cli::BadValue naming the
// flag as written.
//
//   return cli::SetPortFlag(spelling, value, 0, options.port);  // 0: any
#ifndef ASYCAMORE_TOOLS_COMMON_CLI_SOCKET_FLAGS_H_
#define ASYCAMORE_TOOLS_COMMON_CLI_SOCKET_FLAGS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace asycamore::cli {

// Sets `field` to the port `value`, if it is within lowest..kMaxPort.
absl::Status SetPortFlag(absl::string_view spelling, absl::string_view value,
                         int lowest, int& field);

// Sets `field` to `value`, if it is a numeric IPv4 or IPv6 address.
absl::Status SetAddressFlag(absl::string_view spelling, absl::string_view value,
                            std::string& field);

}  // namespace asycamore::cli

#endif  // ASYCAMORE_TOOLS_COMMON_CLI_SOCKET_FLAGS_H_
