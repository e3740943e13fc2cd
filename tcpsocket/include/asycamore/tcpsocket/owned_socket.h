// OwnedSocket: a socket handle with exactly one owner. It closes the socket
// when it is destroyed or reset; moving it moves the ownership, so a socket
// can be handed to a connection (on this loop or another one) without anyone
// closing it twice.
//
//   OwnedSocket socket(raw);                  // adopts `raw`
//   auto connection = std::make_unique<Echo>(loop, std::move(socket), ...);
//   // declining instead: let `socket` go out of scope; it closes `raw`.
//
// release() gives the handle up without closing it (the caller owns it).
#ifndef ASYCAMORE_TCPSOCKET_OWNED_SOCKET_H_
#define ASYCAMORE_TCPSOCKET_OWNED_SOCKET_H_

#include "asycamore/export.h"
#include "asycamore/native_socket.h"

namespace asycamore {

class ASYCAMORE_TCPSOCKET_API OwnedSocket {
 public:
  OwnedSocket() = default;
  // Adopts `socket` (kInvalidSocket: owns nothing).
  explicit OwnedSocket(NativeSocket socket) : socket_(socket) {}
  OwnedSocket(OwnedSocket&& other) noexcept : socket_(other.release()) {}
  OwnedSocket& operator=(OwnedSocket&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  // Closes the socket it owns, if any.
  ~OwnedSocket() { reset(); }

  OwnedSocket(const OwnedSocket&) = delete;
  OwnedSocket& operator=(const OwnedSocket&) = delete;

  NativeSocket get() const { return socket_; }
  bool valid() const { return socket_ != kInvalidSocket; }

  // Gives the handle up without closing it; this object owns nothing after.
  [[nodiscard]] NativeSocket release() {
    const NativeSocket socket = socket_;
    socket_ = kInvalidSocket;
    return socket;
  }

  // Closes the socket it owns (if any) and adopts `socket`. Deregister a
  // socket from its loop before closing it.
  void reset(NativeSocket socket = kInvalidSocket);

 private:
  NativeSocket socket_ = kInvalidSocket;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_OWNED_SOCKET_H_
