#include "asycamore/tcpsocket/owned_socket.h"

#include "asycamore/tcpsocket/socket_control.h"

namespace asycamore {

void OwnedSocket::reset(NativeSocket socket) {
  const NativeSocket previous = socket_;
  socket_ = socket;
  if (previous != kInvalidSocket && previous != socket) {
    CloseNativeSocket(previous);
  }
}

}  // namespace asycamore
