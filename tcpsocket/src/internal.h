// Private declarations shared by the tcpsocket sources and the per-OS files
// (tcpsocket/src/posix/, tcpsocket/src/windows/).
#ifndef ASYCAMORE_CORE_SRC_TCPSOCKET_INTERNAL_H_
#define ASYCAMORE_CORE_SRC_TCPSOCKET_INTERNAL_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "asycamore/event.h"
#include "asycamore/event_loop.h"
#include "asycamore/internal/absl_string_view.h"
#include "asycamore/native_socket.h"
#include "asycamore/system_error.h"
#include "asycamore/tcpsocket/connect_tcp.h"
#include "asycamore/tcpsocket/listen_options.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "asycamore/tcpsocket/tcp_connection.h"

namespace asycamore::internal {

// Returns `input` quoted-string safe for an error message: quotes,
// backslashes and non-printable bytes escaped (a NUL shows as \x00).
// Defined in socket_address.cc.
std::string EscapedForMessage(std::string_view input);

// Sets this OS's listening options and `options`, binds `socket` to
// `address` and listens with options.backlog. The message names the failing
// call only; ListenTcp checks the options first and adds the input.
absl::Status PrepareListener(NativeSocket socket, const SocketAddress& address,
                             const ListenOptions& options);

// Runs the connect rules of connect_tcp.h on a TcpConnection (a friend of
// it). Defined in connect_tcp.cc.
class ConnectDriver {
 public:
  static absl::Status Start(EventLoop& loop, TcpConnection& target,
                            const SocketAddress& address,
                            const ConnectOptions& options);
  // Handles an event of a connection in state kConnecting.
  static void OnEvent(TcpConnection& target, const Event& event);

 private:
  // Makes the one connect call of the target's socket and waits for its
  // outcome; `retries` counts the ENOBUFS retries before it. Defined in
  // connect_tcp.cc.
  static absl::Status Attempt(TcpConnection& target,
                              const SocketAddress& address, int retries);
  // ENOBUFS from connect: closes the socket and arms the retry timer, or
  // returns false (any other code, or no retry left). Defined, with the
  // timer's handler, in connect_retry.cc.
  static bool RetryAfterNoBuffers(TcpConnection& target,
                                  const SocketAddress& address,
                                  SystemError error, int retries);
  static void OnNoBuffersRetry(TcpConnection& target,
                               const SocketAddress& address, int retries);
  static void OnImmediateTimer(TcpConnection& target);
  static void OnTimeout(TcpConnection& target);
  static void Deliver(TcpConnection& target, bool success, bool immediate,
                      SystemError error);
};

}  // namespace asycamore::internal

#endif  // ASYCAMORE_CORE_SRC_TCPSOCKET_INTERNAL_H_
