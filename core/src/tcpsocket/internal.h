// Private declarations shared by the tcpsocket sources and the per-OS files
// (core/src/posix/, core/src/windows/).
#ifndef ASYCAMORE_CORE_SRC_TCPSOCKET_INTERNAL_H_
#define ASYCAMORE_CORE_SRC_TCPSOCKET_INTERNAL_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "asycamore/event.h"
#include "asycamore/event_loop.h"
#include "asycamore/native_socket.h"
#include "asycamore/tcpsocket/connect_tcp.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "asycamore/tcpsocket/system_error.h"
#include "asycamore/tcpsocket/tcp_connection.h"

namespace asycamore::internal {

// Public headers speak std::string_view; abseil's StrCat (Debian builds its
// own string_view type) takes only absl::string_view. Converts at the call.
inline absl::string_view AsAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

// Sets the listening options of this OS, binds `socket` to `address` and
// listens with `backlog`. The message names the failing call only; ListenTcp
// adds the input.
absl::Status PrepareListener(NativeSocket socket, const SocketAddress& address,
                             int backlog);

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
  static void OnImmediateTimer(TcpConnection& target);
  static void OnTimeout(TcpConnection& target);
  static void Deliver(TcpConnection& target, bool success, bool immediate,
                      SystemError error);
};

}  // namespace asycamore::internal

#endif  // ASYCAMORE_CORE_SRC_TCPSOCKET_INTERNAL_H_
