// The two driver steps every reader and writer shares: one system call
// through the SocketOps table, EINTR retried, the outcome classified.
#include "asycamore/tcpsocket/io_step.h"

namespace asycamore {
namespace {

// A signal storm (or a fault-injecting test) could return EINTR forever;
// after this many in a row the step reports would-block. Readiness is
// level-triggered, so a socket that is really ready is tried again on the
// next turn: nothing is lost, and the loop does not hang in here.
constexpr int kMaxInterruptsPerStep = 16;

IoStep Classified(SocketOp op, SystemError error) {
  IoStep step;
  step.error = error;
  step.error_class = ClassifyError(op, error);
  switch (step.error_class) {
    case ErrorClass::kWouldBlock:
    case ErrorClass::kInterrupted:
      step.status = IoStatus::kWouldBlock;
      break;
    case ErrorClass::kNoBuffers:
      step.status = IoStatus::kNoBuffers;
      break;
    default:
      step.status = IoStatus::kError;
      if (step.error_class != ErrorClass::kClosed) {
        step.error_class = ErrorClass::kFatal;
      }
      break;
  }
  return step;
}

}  // namespace

std::string_view IoStatusName(IoStatus status) {
  switch (status) {
    case IoStatus::kOk: return "ok";
    case IoStatus::kWouldBlock: return "would-block";
    case IoStatus::kNoBuffers: return "no-buffers";
    case IoStatus::kEnd: return "end";
    case IoStatus::kError: return "error";
  }
  return "?";
}

IoStep ReceiveStep(NativeSocket socket, void* buffer, std::size_t size) {
  const SocketOps& ops = CurrentSocketOps();
  for (int attempt = 0;; ++attempt) {
    const IoResult result = ops.receive(socket, buffer, size);
    if (result.error == kNoSystemError) {
      IoStep step;
      step.status = result.bytes == 0 ? IoStatus::kEnd : IoStatus::kOk;
      step.bytes = result.bytes;
      return step;
    }
    if (ClassifyError(SocketOp::kRead, result.error) !=
            ErrorClass::kInterrupted ||
        attempt + 1 >= kMaxInterruptsPerStep) {
      return Classified(SocketOp::kRead, result.error);
    }
  }
}

IoStep SendStep(NativeSocket socket, const ConstBuffer* buffers,
                std::size_t count) {
  const SocketOps& ops = CurrentSocketOps();
  for (int attempt = 0;; ++attempt) {
    const IoResult result = ops.send(socket, buffers, count);
    if (result.error == kNoSystemError) {
      IoStep step;
      step.status = IoStatus::kOk;
      step.bytes = result.bytes;
      return step;
    }
    if (ClassifyError(SocketOp::kWrite, result.error) !=
            ErrorClass::kInterrupted ||
        attempt + 1 >= kMaxInterruptsPerStep) {
      return Classified(SocketOp::kWrite, result.error);
    }
  }
}

}  // namespace asycamore
