#include "asycamore/tcpsocket/sock_err.h"

#include "asycamore/tcpsocket/socket_ops.h"
#include "asycamore/tcpsocket/tcp_connection.h"

namespace asycamore {

SockErr GetSockErr(NativeSocket socket) {
  const PendingError result = CurrentSocketOps().take_pending_error(socket);
  const SystemError code =
      result.call_error != kNoSystemError ? result.call_error : result.pending;
  return SockErr{code, SystemErrorText(code)};
}

SockErr GetSockErr(const TcpConnection& connection) {
  if (connection.connect_error() != kNoSystemError) {
    return SockErr{connection.connect_error(),
                   SystemErrorText(connection.connect_error())};
  }
  if (connection.socket() == kInvalidSocket) {
    return SockErr{connection.last_error(),
                   SystemErrorText(connection.last_error())};
  }
  return GetSockErr(connection.socket());
}

}  // namespace asycamore
