#include "asycamore/tcpsocket/socket_writer.h"

namespace asycamore {

IoStep SocketWriter::Step(NativeSocket socket) {
  if (done()) return IoStep{IoStatus::kOk, ErrorClass::kNone, 0, 0};
  const ConstBuffer buffer{bytes_.data() + sent_, bytes_.size() - sent_};
  const IoStep step = SendStep(socket, &buffer, 1);
  // Only bytes the kernel took move the position: a short write resumes at
  // the first byte not taken.
  if (step.ok()) sent_ += step.bytes;
  return step;
}

}  // namespace asycamore
