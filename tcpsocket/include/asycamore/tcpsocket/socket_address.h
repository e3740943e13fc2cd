// SocketAddress: an IPv4 or IPv6 address with a port, parsed once at the API
// boundary and held in the system's own sockaddr layout.
#ifndef ASYCAMORE_TCPSOCKET_SOCKET_ADDRESS_H_
#define ASYCAMORE_TCPSOCKET_SOCKET_ADDRESS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "asycamore/export.h"

namespace asycamore {

// The ports a TCP address can name.
inline constexpr int kMaxPort = 65535;

// Parses a decimal port number ("8080"; 0 to 65535, digits only), e.g. a
// command-line flag. Anything else gets InvalidArgument naming the input.
ASYCAMORE_TCPSOCKET_API
absl::StatusOr<std::uint16_t> ParsePort(std::string_view text);

class ASYCAMORE_TCPSOCKET_API SocketAddress {
 public:
  enum class Family : std::uint8_t { kUnspecified, kIpv4, kIpv6 };

  // Parses a numeric address ("127.0.0.1", "::1", "[::1]") and a port.
  // Host names are not resolved. A malformed address (an embedded NUL
  // included) or a port outside 0..kMaxPort gets InvalidArgument naming the
  // input. The port is an int so that a caller's out-of-range value reaches
  // the check instead of being cut to 16 bits on the way in.
  static absl::StatusOr<SocketAddress> Parse(std::string_view ip, int port);

  // Returns 127.0.0.1:port / [::1]:port. (For a port from outside the
  // program, check it first: Parse or ParsePort.)
  static SocketAddress Loopback4(std::uint16_t port);
  static SocketAddress Loopback6(std::uint16_t port);

  // Makes an address from `size` bytes of a sockaddr (from accept,
  // getsockname...). Only AF_INET and AF_INET6 are kept.
  static SocketAddress FromSockaddr(const void* sockaddr, std::size_t size);

  SocketAddress() = default;

  Family family() const;
  std::uint16_t port() const;
  bool valid() const { return size_ != 0; }

  // Returns "127.0.0.1:8080" or "[::1]:8080".
  std::string ToString() const;

  // The sockaddr bytes, for the per-OS socket calls.
  const void* sockaddr_data() const { return storage_; }
  std::size_t sockaddr_size() const { return size_; }

  // Returns the largest sockaddr this class can hold (sockaddr_storage).
  static constexpr std::size_t capacity() { return kCapacity; }

 private:
  static constexpr std::size_t kCapacity = 128;
  alignas(8) unsigned char storage_[kCapacity] = {};
  std::uint32_t size_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_SOCKET_ADDRESS_H_
