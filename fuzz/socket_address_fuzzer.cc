// SocketAddress::Parse and ParsePort on arbitrary text. Input: 4 bytes of
// port (little-endian int, any value) then the address text. Properties: no
// crash, a refusal names the input, and what parses prints as an address
// that parses back to itself (through text and through its sockaddr bytes).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "fuzz_check.h"

namespace asycamore {
namespace {

// "[::1]:80" -> "::1", "1.2.3.4:80" -> "1.2.3.4".
std::string_view HostOf(std::string_view printed) {
  const std::size_t colon = printed.rfind(':');
  std::string_view host = printed.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return host;
}

void CheckAddress(std::string_view text, int port) {
  const absl::StatusOr<SocketAddress> parsed = SocketAddress::Parse(text, port);
  if (!parsed.ok()) {
    FUZZ_REQUIRE(parsed.status().code() == absl::StatusCode::kInvalidArgument,
                 parsed.status().ToString());
    return;
  }
  FUZZ_REQUIRE(port >= 0 && port <= kMaxPort, absl::StrCat("port ", port));
  FUZZ_REQUIRE(parsed->valid() && parsed->port() == port,
               absl::StrCat("port ", port, " became ", parsed->port()));
  FUZZ_REQUIRE(text.find('\0') == std::string_view::npos, "a NUL was accepted");
  const std::string printed = parsed->ToString();
  const absl::StatusOr<SocketAddress> again =
      SocketAddress::Parse(HostOf(printed), port);
  FUZZ_REQUIRE(again.ok() && again->ToString() == printed,
               absl::StrCat(printed, " does not parse back: ",
                            again.ok() ? again->ToString()
                                       : again.status().ToString()));
  const SocketAddress copied = SocketAddress::FromSockaddr(
      parsed->sockaddr_data(), parsed->sockaddr_size());
  FUZZ_REQUIRE(copied.ToString() == printed,
               absl::StrCat(printed, " via sockaddr: ", copied.ToString()));
}

void CheckPort(std::string_view text) {
  const absl::StatusOr<std::uint16_t> port = ParsePort(text);
  if (!port.ok()) {
    FUZZ_REQUIRE(port.status().code() == absl::StatusCode::kInvalidArgument,
                 port.status().ToString());
    return;
  }
  FUZZ_REQUIRE(!text.empty() && text.find_first_not_of("0123456789") ==
                                    std::string_view::npos,
               absl::StrCat("'", Text(text), "' is not digits only"));
  // Leading zeros aside, the digits are the number.
  std::string_view digits = text.substr(std::min(text.find_first_not_of('0'), text.size()));
  if (digits.empty()) digits = "0";
  FUZZ_REQUIRE(digits == absl::StrCat(*port),
               absl::StrCat("'", Text(text), "' parsed as ", *port));
}

}  // namespace
}  // namespace asycamore

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  std::int32_t port = 0;
  std::memcpy(&port, data, sizeof(port));
  const std::string_view text(reinterpret_cast<const char*>(data) + 4, size - 4);
  asycamore::CheckAddress(text, port);
  // The same text with a small port, so that most inputs reach the address.
  asycamore::CheckAddress(text, static_cast<int>(static_cast<std::uint32_t>(port) % 70000));
  asycamore::CheckPort(text);
  return 0;
}
