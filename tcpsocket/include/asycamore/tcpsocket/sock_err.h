// GetSockErr: the seed's getsockerr, the error pending on a socket as a code
// and as text.
#ifndef ASYCAMORE_TCPSOCKET_SOCK_ERR_H_
#define ASYCAMORE_TCPSOCKET_SOCK_ERR_H_

#include <string>

#include "asycamore/export.h"
#include "asycamore/native_socket.h"
#include "asycamore/system_error.h"

namespace asycamore {

class TcpConnection;

struct SockErr {
  SystemError code = kNoSystemError;  // 0: no error pending
  std::string text;                   // "Connection refused", "no error"
};

// Reads and clears the error pending on `socket` (SO_ERROR). If getsockopt
// itself fails (a closed descriptor), returns that failure instead.
ASYCAMORE_TCPSOCKET_API SockErr GetSockErr(NativeSocket socket);

// Returns why `connection`'s connect failed (the code was kept when the
// connect result was read), or else the error pending on its socket.
ASYCAMORE_TCPSOCKET_API SockErr GetSockErr(const TcpConnection& connection);

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_SOCK_ERR_H_
