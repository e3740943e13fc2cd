// SocketWriter: the seed's socket_writer. Sends one byte range, step by
// step, and keeps the position: a short write is resumed exactly where it
// stopped, so no byte is lost or sent twice. EINTR is retried inside;
// would-block and no-buffers are results, never loops.
//
// It is the step driver for code that drives a socket itself. A
// TcpConnection writes through its own queue (TcpConnection::Send), which
// makes the same SendStep calls.
//
//   SocketWriter writer(bytes);               // bytes must outlive writer
//   while (!writer.done()) {
//     IoStep step = writer.Step(socket);
//     if (!step.ok()) break;                  // wait, back off, or give up
//   }
#ifndef ASYCAMORE_TCPSOCKET_SOCKET_WRITER_H_
#define ASYCAMORE_TCPSOCKET_SOCKET_WRITER_H_

#include <cstddef>
#include <string_view>

#include "asycamore/export.h"
#include "asycamore/native_socket.h"
#include "asycamore/tcpsocket/io_step.h"

namespace asycamore {

class ASYCAMORE_TCPSOCKET_API SocketWriter {
 public:
  SocketWriter() = default;
  // Starts sending `bytes`; they must stay valid until done() or Reset.
  explicit SocketWriter(std::string_view bytes) : bytes_(bytes) {}

  // Starts over with new bytes.
  void Reset(std::string_view bytes) {
    bytes_ = bytes;
    sent_ = 0;
  }

  // Sends what is left with one call. On kOk, `bytes` were handed to the
  // socket and the position moved by that much.
  IoStep Step(NativeSocket socket);

  std::size_t sent() const { return sent_; }
  std::size_t remaining() const { return bytes_.size() - sent_; }
  bool done() const { return sent_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t sent_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_SOCKET_WRITER_H_
