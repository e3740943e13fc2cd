// Small socket set-up and tear-down calls the tcpsocket layer and its users
// share, with the per-OS details kept in one file per OS family.
#ifndef ASYCAMORE_TCPSOCKET_SOCKET_CONTROL_H_
#define ASYCAMORE_TCPSOCKET_SOCKET_CONTROL_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "asycamore/export.h"
#include "asycamore/native_socket.h"
#include "asycamore/tcpsocket/owned_socket.h"
#include "asycamore/tcpsocket/socket_address.h"

namespace asycamore {

// Creates a TCP socket for `family`: nonblocking, close-on-exec, and
// (where the system has it) with SIGPIPE suppressed. The caller owns it.
ASYCAMORE_TCPSOCKET_API
absl::StatusOr<OwnedSocket> OpenTcpSocket(SocketAddress::Family family);

// Closes `socket` (close / closesocket). Deregister it first.
ASYCAMORE_TCPSOCKET_API void CloseNativeSocket(NativeSocket socket);

// Ends the sending direction (shutdown SHUT_WR / SD_SEND): the peer reads
// the end after the bytes already sent. Reading goes on.
ASYCAMORE_TCPSOCKET_API absl::Status ShutdownSend(NativeSocket socket);

// Makes the next close reset the connection (SO_LINGER with a zero
// timeout): the peer gets ECONNRESET instead of the end.
ASYCAMORE_TCPSOCKET_API absl::Status SetResetOnClose(NativeSocket socket);

// Turns Nagle's algorithm off (TCP_NODELAY) or on.
ASYCAMORE_TCPSOCKET_API
absl::Status SetNoDelay(NativeSocket socket, bool no_delay);

// Returns the address `socket` is bound to (getsockname).
ASYCAMORE_TCPSOCKET_API
absl::StatusOr<SocketAddress> LocalAddress(NativeSocket socket);

// Returns the address of `socket`'s peer (getpeername).
ASYCAMORE_TCPSOCKET_API
absl::StatusOr<SocketAddress> PeerAddress(NativeSocket socket);

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_SOCKET_CONTROL_H_
