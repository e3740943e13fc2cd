#include "asycamore/tcpsocket/socket_reader.h"

namespace asycamore {

SocketReader::SocketReader(std::size_t buffer_size)
    : buffer_size_(buffer_size == 0 ? 1 : buffer_size) {}

IoStep SocketReader::Step(NativeSocket socket) {
  if (buffer_ == nullptr) buffer_.reset(new char[buffer_size_]);
  const IoStep step = ReceiveStep(socket, buffer_.get(), buffer_size_);
  last_size_ = step.ok() ? step.bytes : 0;
  return step;
}

}  // namespace asycamore
